"""The day view as a receptionist uses it: book by double-click, drag to move, refuse conflicts."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.ui.main_window import KEY_GEOMETRY
from orca_desk.views.calendar.booking_dialog import BookingDialog
from orca_desk.views.calendar.day_view import DayViewScreen
from tests.factories import desk_book
from tests.ui.conftest import TEST_DAY

NY = ZoneInfo("America/New_York")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(TEST_DAY.year, TEST_DAY.month, TEST_DAY.day, hour, minute, tzinfo=NY)


def _day_view(main_window) -> DayViewScreen:
    screen = main_window.show_screen("calendar")
    assert isinstance(screen, DayViewScreen)
    return screen


def _drag(qtbot, widget, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    steps = 6
    for k in range(1, steps + 1):
        p = start + (end - start) * (k / steps)
        qtbot.mouseMove(widget, p)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def test_main_window_shows_chairs_and_appointments(main_window, ctx, world):
    desk_book(ctx, world, start=at(10))
    view = _day_view(main_window)
    view.refresh()
    assert [c.title for c in view.grid.columns] == ["Chair 1", "Chair 2", "Chair 3"]
    assert [i.title for i in view.grid.items] == ["Kid0 Smith"]
    item = view.grid.items[0]
    assert (item.start, item.end) == (600, 620) and item.colour == "#42a5f5"
    assert main_window.date_title.text() == "Tuesday, March 3, 2026"


def test_date_navigation_with_keyboard(main_window, qtbot):
    main_window.activateWindow()
    qtbot.keyClick(main_window, Qt.Key.Key_Right)
    assert main_window.day == TEST_DAY + timedelta(days=1)
    qtbot.keyClick(main_window, Qt.Key.Key_Left)
    qtbot.keyClick(main_window, Qt.Key.Key_Left)
    assert main_window.day == TEST_DAY - timedelta(days=1)
    qtbot.keyClick(main_window, Qt.Key.Key_T)
    assert main_window.day == TEST_DAY  # the frozen clock's today


def test_book_by_double_click(main_window, ctx, world, qtbot):
    view = _day_view(main_window)
    seen: dict[str, object] = {}

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, BookingDialog)
        dialog.search.setText("Kid2")
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=2000)
        seen["when"] = dialog.start
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    QTimer.singleShot(0, fill_dialog)
    where = view.grid.point_for(view.key_for(world.chairs[1].id), 15 * 60 + 2)
    qtbot.mouseDClick(view.grid, Qt.MouseButton.LeftButton, pos=where)
    assert seen["when"] == at(15)
    with ctx.db.read() as s:
        appt = s.scalars(select(Appointment)).one()
        assert appt.patient_id == world.patients[2].id and appt.chair_id == world.chairs[1].id
        assert appt.start_at == at(15)
    assert [i.title for i in view.grid.items] == ["Kid2 Smith"]


def test_booking_dialog_refuses_without_patient_and_changes_nothing(ctx, world, qtbot):
    dialog = BookingDialog(ctx, chair_id=world.chairs[0].id, chair_name="Chair 1", start=at(11))
    qtbot.addWidget(dialog)
    dialog.book()
    assert "Choose a patient" in dialog.error.text()
    with ctx.db.read() as s:
        assert s.scalars(select(Appointment)).first() is None


def test_move_by_drag_persists(main_window, ctx, world, qtbot):
    appt_id = desk_book(ctx, world, start=at(10))
    view = _day_view(main_window)
    view.refresh()
    grid = view.grid
    item = grid.item(appt_id)
    assert item is not None
    start = item.rect.center().toPoint()
    end = grid.point_for(view.key_for(world.chairs[2].id), 13 * 60 + 10)
    _drag(qtbot, grid, start, end)
    with ctx.db.read() as s:
        moved = s.get(Appointment, appt_id)
        assert moved.chair_id == world.chairs[2].id
        assert moved.start_at.astimezone(NY).hour == 13
        assert moved.end_at - moved.start_at == timedelta(minutes=20)
    assert grid.item(appt_id).column == view.key_for(world.chairs[2].id)


def test_conflicting_drop_is_refused_with_reason(main_window, ctx, world, qtbot, monkeypatch):
    a = desk_book(ctx, world, patient=0, chair=0, start=at(10))
    desk_book(ctx, world, patient=1, chair=1, start=at(10))
    view = _day_view(main_window)
    view.refresh()
    grid = view.grid
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    start = grid.item(a).rect.center().toPoint()
    end = grid.point_for(view.key_for(world.chairs[1].id), 10 * 60 + 10)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(grid, start + QPoint(0, 10))
    qtbot.mouseMove(grid, end)
    # Live feedback before the drop names the reason, in the words the drop then says.
    refusal = "Chair 2 is taken 10:00 AM–10:20 AM by Kid1 Smith."
    assert grid._drag is not None and grid._drag.refusal == refusal
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=end)
    assert shown and grid._drag is None and refusal in shown[0]
    with ctx.db.read() as s:
        assert s.get(Appointment, a).chair_id == world.chairs[0].id


def test_context_menu_cancel_and_no_show(main_window, ctx, world, clock):
    future = desk_book(ctx, world, patient=0, start=at(16))
    past = desk_book(ctx, world, patient=1, chair=1, start=at(8, 30))
    view = _day_view(main_window)
    view.refresh()
    menu = view.build_context_menu(future)
    labels = {a.text(): a.isEnabled() for a in menu.actions() if a.text()}
    assert labels["Cancel…"] and labels["Confirm"] and not labels["Seat"]
    assert view.cancel(future, reason="school event")
    assert view.no_show(past)
    with ctx.db.read() as s:
        assert s.get(Appointment, future).status == "cancelled"
        assert s.get(Appointment, future).cancel_reason == "school event"
        assert s.get(Appointment, past).status == "no_show"
    assert view.grid.items == []


def test_window_state_is_saved_and_restored(ctx, qtbot):
    from orca_desk.app import default_screens
    from orca_desk.ui.main_window import MainWindow

    w1 = MainWindow(ctx, default_screens(), database_label="x")
    qtbot.addWidget(w1)
    w1.resize(700, 520)  # fits the 800×600 offscreen screen, so Qt restores it unclamped
    w1.close()
    assert QSettings().value(KEY_GEOMETRY) is not None
    w2 = MainWindow(ctx, default_screens(), database_label="x")
    qtbot.addWidget(w2)
    assert (w2.width(), w2.height()) == (700, 520)


def test_enter_books_only_the_patient_the_settled_search_shows(ctx, world, qtbot):
    """Typing fast after a list was shown, then Enter, must not book whoever was listed before."""
    with ctx.db.write() as s:
        s.get(type(world.patients[3]), world.patients[3].id).last_name = "Robinson"
        s.get(type(world.patients[3]), world.patients[3].id).first_name = "Liam"
    dialog = BookingDialog(ctx, chair_id=world.chairs[0].id, chair_name="Chair 1", start=at(11))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.search.setFocus()
    dialog.search.setText("Kid0")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=2000)
    # The receptionist retypes quickly and presses Enter before the 150 ms search has settled.
    dialog.search.setText("Liam Rob")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    with ctx.db.read() as s:
        assert s.scalars(select(Appointment)).first() is None  # Kid0 was not booked
    assert dialog.model.rowCount() == 1 and dialog.model.row_at(0).name == "Liam Robinson"
    assert "check" in dialog.error.text().lower()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # now the list shows what was typed
    with ctx.db.read() as s:
        assert s.scalars(select(Appointment)).one().patient_id == world.patients[3].id


def test_chair_titles_and_hours_stay_in_view_when_scrolled(main_window, ctx, world, qtbot):
    from PySide6.QtGui import QColor

    from orca_desk.ui.time_grid import AXIS_W

    view = _day_view(main_window)
    main_window.resize(900, 420)  # a short window: the day needs scrolling
    qtbot.wait(50)
    bar = view.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())  # the afternoon
    qtbot.wait(50)
    shot = view.scroll_area.viewport().grab().toImage()
    header_bg = QColor("#f7f9fb").rgb()
    # The header band is painted at the top of what is visible, across the columns.
    assert shot.pixelColor(AXIS_W + 6, 4).rgb() == header_bg
    assert shot.pixelColor(shot.width() - 8, 4).rgb() == header_bg
