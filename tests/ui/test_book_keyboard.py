"""The book by keyboard alone: select with arrows, Enter, Menu, Ctrl+arrows, Delete, type-ahead."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox
from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.views.calendar.day_view import DayViewScreen
from tests.factories import desk_book
from tests.ui.conftest import TEST_DAY

NY = ZoneInfo("America/New_York")
CTRL = Qt.KeyboardModifier.ControlModifier


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(TEST_DAY.year, TEST_DAY.month, TEST_DAY.day, hour, minute, tzinfo=NY)


def _view(main_window) -> DayViewScreen:
    view = main_window.show_screen("calendar")
    assert isinstance(view, DayViewScreen)
    view.refresh()
    view.grid.setFocus()
    return view


def test_arrows_move_between_appointments_and_free_cells(main_window, ctx, world, qtbot):
    first = desk_book(ctx, world, patient=0, start=at(16))
    second = desk_book(ctx, world, patient=1, start=at(16, 45))
    beside = desk_book(ctx, world, patient=2, chair=1, start=at(16, 45))
    view = _view(main_window)
    grid = view.grid
    grid.select_item(first)
    qtbot.keyClick(grid, Qt.Key.Key_Down)  # 16:15 overlaps the visit: 16:30 is the next free cell
    assert grid.selected_id == -1 and grid.cell == (grid.columns[0].key, 16 * 60 + 30)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.selected_id == second and grid.cell is None
    qtbot.keyClick(grid, Qt.Key.Key_Right)  # the neighbouring chair at the same time
    assert grid.selected_id == beside
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.selected_id == -1 and grid.cell == (grid.columns[2].key, 16 * 60 + 45)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert grid.cell == (grid.columns[2].key, 16 * 60 + 30)
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert grid.selected_id == first


def test_selection_is_painted_and_scrolled_into_view(main_window, ctx, world, qtbot):
    late = desk_book(ctx, world, patient=0, start=at(18))
    view = _view(main_window)
    main_window.resize(900, 400)
    area = view.grid.parentWidget().parentWidget()
    area.verticalScrollBar().setValue(0)
    view.grid.select_item(late)
    qtbot.keyClick(view.grid, Qt.Key.Key_Up)
    qtbot.keyClick(view.grid, Qt.Key.Key_Down)
    assert view.grid.selected_id == late
    rect = view.grid.item(late).rect
    assert area.verticalScrollBar().value() > 0
    assert area.viewport().rect().contains(view.grid.mapTo(area.viewport(), rect.center().toPoint()))
    image = view.grid.grab().toImage()
    assert image.width() > 0  # painting the selection does not fail


def test_enter_opens_the_appointment_card_or_books_a_free_cell(main_window, ctx, world, qtbot, monkeypatch):
    appt = desk_book(ctx, world, patient=1, start=at(16))
    view = _view(main_window)
    cards, bookings = [], []
    monkeypatch.setattr(view, "open_appointment_card", cards.append)
    monkeypatch.setattr(view, "_on_empty_activated", lambda k, m: bookings.append((k, m)))
    view.grid.selected_id = -1
    view.grid.select_item(appt)
    qtbot.keyClick(view.grid, Qt.Key.Key_Return)
    assert cards == [appt]
    qtbot.keyClick(view.grid, Qt.Key.Key_Up)
    qtbot.keyClick(view.grid, Qt.Key.Key_Enter)
    assert bookings == [(view.grid.columns[0].key, 15 * 60 + 45)]


def test_menu_key_and_shift_f10_open_the_context_menu(main_window, ctx, world, qtbot, monkeypatch):
    appt = desk_book(ctx, world, patient=0, start=at(16))
    view = _view(main_window)
    shown = []
    real = view.build_context_menu

    class Shown:
        def __init__(self, appt_id: int) -> None:
            self.menu: QMenu = real(appt_id)

        def exec(self, pos) -> None:  # where the menu would pop up, not a modal loop in a test
            shown.append((self.menu.title(), view.grid.mapFromGlobal(pos)))

    monkeypatch.setattr(view, "build_context_menu", Shown)
    view.grid.select_item(appt)
    qtbot.keyClick(view.grid, Qt.Key.Key_Menu)
    qtbot.keyClick(view.grid, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    name = view.appointments[appt].patient_name
    assert [t for t, _ in shown] == [name, name]
    assert all(view.grid.item(appt).rect.contains(p.toPointF()) for _, p in shown)


def test_ctrl_arrows_move_the_appointment_undoably_and_refuse_conflicts(
    main_window, ctx, world, qtbot, monkeypatch
):
    appt = desk_book(ctx, world, patient=0, start=at(16))
    desk_book(ctx, world, patient=1, chair=1, start=at(16, 15))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    view = _view(main_window)
    view.grid.select_item(appt)
    qtbot.keyClick(view.grid, Qt.Key.Key_Down, CTRL)
    with ctx.db.read() as s:
        row = s.get(Appointment, appt)
        assert row.start_at.astimezone(NY) == at(16, 15) and row.chair_id == world.chairs[0].id
    assert view.grid.selected_id == appt
    qtbot.keyClick(view.grid, Qt.Key.Key_Right, CTRL)  # Chair 2 is taken at 16:15
    assert warnings and "Chair 2" in warnings[0]
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).chair_id == world.chairs[0].id
    view.undo_stack.undo()
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).start_at.astimezone(NY) == at(16)
    view.grid.select_item(appt)
    qtbot.keyClick(view.grid, Qt.Key.Key_Up, CTRL)
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).start_at.astimezone(NY) == at(15, 45)


def test_delete_cancels_asking_the_reason(main_window, ctx, world, qtbot, monkeypatch):
    appt = desk_book(ctx, world, patient=0, start=at(16))
    asked = []

    def get_item(_parent, _title, label, *_a, **_k):
        asked.append(label)
        return "sick", True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    view = _view(main_window)
    view.grid.select_item(appt)
    qtbot.keyClick(view.grid, Qt.Key.Key_Delete)
    assert asked
    with ctx.db.read() as s:
        row = s.scalars(select(Appointment).where(Appointment.id == appt)).one()
        assert row.status == "cancelled" and row.cancel_reason == "sick"


def test_typing_letters_jumps_to_the_patient(main_window, ctx, world, qtbot):
    ids = [desk_book(ctx, world, patient=k, chair=k % 3, start=at(14 + k)) for k in range(3)]
    view = _view(main_window)
    names = {view.appointments[i].patient_name: i for i in ids}
    target = sorted(names)[-1]
    for ch in target[:4]:
        qtbot.keyClicks(view.grid, ch)
    assert view.grid.selected_id == names[target]
