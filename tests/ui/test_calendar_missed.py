"""Cancelled and no-show visits stay visible (faded, free for booking), the "To rebook" list, the
summary bar under the book."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.services.booking import booking
from orca_desk.services.booking.rebook import to_rebook
from orca_desk.services.calendar.calendar_data import CalendarMark
from orca_desk.services.provider_schedules import DayHours, set_week
from orca_desk.views.calendar.booking_dialog import BookingDialog
from orca_desk.views.calendar.filters import CalendarFilters
from orca_desk.views.calendar.rebook_list import RebookListDialog
from tests.factories import desk_book
from tests.ui.conftest import TEST_DAY

NY = ZoneInfo("America/New_York")


def at(hour: int, minute: int = 0, day: date = TEST_DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


def _cancel(ctx, appt_id):
    with ctx.db.write() as s:
        booking.cancel_appointment(s, ctx.actor, appt_id, reason="sick", now=ctx.clock.now())


def _no_show(ctx, appt_id):
    with ctx.db.write() as s:
        booking.mark_no_show(s, ctx.actor, appt_id, now=ctx.clock.now())


def _when_modal(kind, act, tries: int = 100) -> None:
    """Run ``act(dialog)`` once a modal ``kind`` is open (a button's shortcut clicks after a delay)."""
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, kind):
        act(dialog)
    elif tries:
        QTimer.singleShot(30, lambda: _when_modal(kind, act, tries - 1))


def _show_missed(view, on: bool = True) -> None:
    view.bar.missed_button.setChecked(on)


def _book_free_cell_by_double_click(view, qtbot, world, chair: int, minute: int, patient: str) -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, BookingDialog)
        dialog.search.setText(patient)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=2000)
        dialog.book()

    QTimer.singleShot(0, fill)
    where = view.grid.point_for(view.key_for(world.chairs[chair].id), minute + 5)
    qtbot.mouseDClick(view.grid, Qt.MouseButton.LeftButton, pos=where)


def test_a_cancelled_visit_is_hidden_until_the_toggle_shows_it_faded_and_its_time_stays_bookable(
    main_window, ctx, world, qtbot
):
    appt_id = desk_book(ctx, world, start=at(11))
    _cancel(ctx, appt_id)
    view = main_window.show_screen("calendar")
    view.refresh()
    assert view.grid.item(appt_id) is None  # hidden by default (the reported defect, with the toggle off)
    _show_missed(view)
    it = view.grid.item(appt_id)
    assert it is not None and it.ghost and it.faded and not it.movable and it.badge == "Cancelled"
    assert CalendarFilters.load().show_missed  # remembered like the other filters
    assert view.grid.item_at(it.rect.center()) is None  # not picked for a drag or a double-click
    # Booking the free cell over it works (the ghost is no conflict) and both are drawn.
    _book_free_cell_by_double_click(view, qtbot, world, 0, 11 * 60, "Kid2")
    with ctx.db.read() as s:
        live = s.scalars(select(Appointment).where(Appointment.status == "scheduled")).one()
        assert (live.patient_id, live.start_at) == (world.patients[2].id, at(11))
    new = view.grid.item(live.id)
    assert new is not None and not new.ghost and view.grid.item(appt_id) is not None
    # The ghost lies under the live visit, full width; the live one is what a click finds.
    assert view.grid.item_at(new.rect.center()) is new
    assert view.grid.items.index(view.grid.item(appt_id)) < len(view.grid.items)
    _show_missed(view, False)
    assert view.grid.item(appt_id) is None and not CalendarFilters.load().show_missed


def test_a_no_show_likewise_is_faded_in_place_and_never_blocks_booking(main_window, ctx, world, qtbot):
    appt_id = desk_book(ctx, world, patient=1, chair=1, start=at(8, 0), minutes=40)
    _no_show(ctx, appt_id)
    view = main_window.show_screen("calendar")
    _show_missed(view)
    view.refresh()
    it = view.grid.item(appt_id)
    assert it is not None and it.ghost and it.badge == "No-show"
    assert view.grid.column_at(it.rect.center().x()).key == view.key_for(world.chairs[1].id)
    # Keys walk free time through it: the cell at 8:00 is free, not an appointment stop.
    assert 8 * 60 in view.grid._free_cells(view.key_for(world.chairs[1].id))
    # A drag of another visit onto its time is not refused.
    other = desk_book(ctx, world, patient=3, chair=2, start=at(14))
    view.refresh()
    assert view._drop_refusal(view.grid.item(other), view.key_for(world.chairs[1].id), 480, 500) is None
    _book_free_cell_by_double_click(view, qtbot, world, 1, 8 * 60 + 10, "Kid2")
    with ctx.db.read() as s:
        assert (
            s.scalar(select(Appointment.chair_id).where(Appointment.patient_id == world.patients[2].id))
            == world.chairs[1].id
        )


def test_the_ghost_menu_offers_rebook_and_the_toggle_has_a_key(main_window, ctx, world, qtbot):
    appt_id = desk_book(ctx, world, start=at(10))
    _cancel(ctx, appt_id)
    main_window.show_screen("week")  # its own hidden toggle must not make the key ambiguous
    view = main_window.show_screen("calendar")
    view.refresh()
    main_window.activateWindow()
    qtbot.keyClick(
        main_window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: view.grid.item(appt_id) is not None, timeout=2000)
    menu = view.build_missed_menu(appt_id)
    texts = {a.text(): a.isEnabled() for a in menu.actions() if a.text()}
    assert texts["Rebook…"] and texts["Find next opening…"] and texts["Patient card…"]


def test_to_rebook_lists_the_cancelled_patient_prefills_the_booking_dialog_and_drops_them(
    main_window, ctx, world, qtbot
):
    missed = desk_book(ctx, world, patient=1, chair=0, start=at(9), minutes=90, type_=world.bonding)
    _cancel(ctx, missed)
    gone = desk_book(ctx, world, patient=2, chair=1, start=at(9))
    _no_show(ctx, gone)
    desk_book(ctx, world, patient=2, start=at(10, day=TEST_DAY + timedelta(days=7)))  # Kid2 already rebooked
    main_window.show_screen("week")
    view = main_window.show_screen("calendar")
    view.refresh()
    assert [r.patient_name for r in view.data.rebook] == ["Kid1 Smith"]
    assert view.summary_bar.rebook_button.text() == "To rebook (1)"
    seen: dict[str, object] = {}

    def choose(dialog) -> None:
        assert dialog.model.rowCount() == 1
        assert "Cancelled · sick" in dialog.model.data(dialog.model.index(0, 1))
        assert "9:00 AM" in dialog.model.data(dialog.model.index(0, 2))  # local time, the clinic's format
        QTimer.singleShot(0, lambda: _when_modal(BookingDialog, fill))
        dialog.choose("book")

    def fill(dialog) -> None:
        seen["patient"] = dialog.selected_patient_id()
        seen["type"] = dialog.type_combo.currentData()
        seen["provider"] = dialog.provider_combo.currentData()
        seen["minutes"] = dialog.minutes.value()
        seen["title"] = dialog.windowTitle()
        dialog.book()

    view.grid.select_cell(view.key_for(world.chairs[2].id), 15 * 60)  # a free cell chosen with the keys
    QTimer.singleShot(0, lambda: _when_modal(RebookListDialog, choose))
    main_window.activateWindow()
    qtbot.keyClick(main_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "patient" in seen, timeout=3000)
    assert seen == {
        "patient": world.patients[1].id,
        "type": world.bonding.id,
        "provider": world.ortho.id,
        "minutes": 90,
        "title": "Rebook Kid1 Smith",
    }
    with ctx.db.read() as s:
        rebooked = s.scalars(
            select(Appointment).where(
                Appointment.patient_id == world.patients[1].id, Appointment.status == "scheduled"
            )
        ).one()
        assert rebooked.start_at == at(15) and rebooked.chair_id == world.chairs[2].id
    assert view.data.rebook == [] and view.summary_bar.rebook_button.text() == "To rebook"


def test_rebook_without_a_selected_cell_books_at_the_next_free_time_double_clicked(
    main_window, ctx, world, qtbot
):
    missed = desk_book(ctx, world, patient=3, start=at(9))
    _no_show(ctx, missed)
    view = main_window.show_screen("calendar")
    view.refresh()
    [row] = view.data.rebook
    assert view.rebook(row)
    assert view.rebooking is row

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, BookingDialog)
        assert dialog.selected_patient_id() == world.patients[3].id
        dialog.book()

    QTimer.singleShot(0, fill)
    qtbot.mouseDClick(
        view.grid,
        Qt.MouseButton.LeftButton,
        pos=view.grid.point_for(view.key_for(world.chairs[1].id), 16 * 60 + 2),
    )
    assert view.data.rebook == [] and view.rebooking is None


def _hours(ctx, world, manager, clock) -> None:
    with ctx.db.write() as s:
        set_week(
            s,
            manager,
            world.ortho.id,
            [DayHours(wd, world.location.id, 480, 1020) for wd in range(5)],
            effective_from=date(2026, 1, 1),
            now=clock.now(),
        )


def test_the_summary_bar_counts_a_small_day_exactly(main_window, ctx, world, manager, clock):
    _hours(ctx, world, manager, clock)  # 8:00–17:00: 9 h × 3 chairs = 27 chair-hours open
    confirmed = desk_book(ctx, world, patient=0, chair=0, start=at(10))
    with ctx.db.write() as s:
        booking.set_status(s, ctx.actor, confirmed, "confirmed", now=clock.now())
    desk_book(ctx, world, patient=1, chair=1, start=at(11), minutes=90, type_=world.bonding)
    _cancel(ctx, desk_book(ctx, world, patient=2, chair=2, start=at(13)))
    _no_show(ctx, desk_book(ctx, world, patient=3, chair=0, start=at(9)))
    view = main_window.show_screen("calendar")
    view.refresh()
    s = view.summary_bar.summary
    assert (s.visits, s.unconfirmed, s.cancelled, s.no_shows, s.offers) == (2, 1, 1, 1, 0)
    assert (s.booked_minutes, s.free_minutes) == (110, 27 * 60 - 110)
    text = view.summary_bar.full_text
    assert "2 visits · 1 unconfirmed · 1.8 chair-h booked · 25.2 chair-h free · 0 openings on offer" in text
    assert view.summary_bar.rebook_button.text() == "To rebook (2)"
    # A waitlist opening on offer (the marks the screen already loaded) counts, with no new query.
    offer = CalendarMark(
        "offer",
        world.location.id,
        world.chairs[2].id,
        world.ortho.id,
        at(15),
        at(15, 20),
        "Kid0 Smith",
        "waitlist",
        "#f2c14e",
        "offer",
    )
    view.data = replace(view.data, marks=[offer])
    view.rebuild()
    assert view.summary_bar.summary.offers == 1 and "1 opening on offer" in view.summary_bar.full_text


def test_the_week_summary_adds_up_the_week(main_window, ctx, world, manager, clock):
    _hours(ctx, world, manager, clock)
    desk_book(ctx, world, patient=0, start=at(10))
    desk_book(ctx, world, patient=1, start=at(10, day=TEST_DAY + timedelta(days=1)))
    _cancel(ctx, desk_book(ctx, world, patient=2, start=at(12, day=TEST_DAY + timedelta(days=2))))
    view = main_window.show_screen("week")
    view.refresh()
    assert view.wait_until_loaded()
    s = view.summary_bar.summary
    assert (s.visits, s.cancelled, s.booked_minutes) == (2, 1, 40)
    assert s.free_minutes == 5 * 27 * 60 - 40  # five working days
    assert view.summary_bar.full_text.startswith("This week: 2 visits")


def test_on_the_demo_clinic_yesterdays_misses_show_faded_and_the_bar_counts_the_book(
    qtbot, db, clock, manager, qapp
):
    from orca_desk.app import default_screens, feature_dialogs
    from orca_desk.services.clinic.clinic import load_clinic
    from orca_desk.services.demo import load_demo
    from orca_desk.ui.context import AppContext
    from orca_desk.ui.main_window import MainWindow

    with db.write() as s:
        load_demo(s, "small", now=clock.now())
    with db.read() as s:
        clinic = load_clinic(s)
    window = MainWindow(
        AppContext(db=db, clock=clock, actor=manager, clinic=clinic, dialogs=feature_dialogs()),
        default_screens(),
        database_label="demo",
    )
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.go_to_date(TEST_DAY - timedelta(days=1))
    view = window.show_screen("calendar")
    _show_missed(view)
    ghosts = [it for it in view.grid.items if it.ghost]
    live = [it for it in view.grid.items if not it.ghost and it.id > 0]
    assert ghosts and {it.badge for it in ghosts} <= {"Cancelled", "No-show"}
    assert all(view.grid.item_at(it.rect.center()) is not it for it in ghosts)
    s = view.summary_bar.summary
    assert s.visits == len(live) and s.cancelled + s.no_shows == len(ghosts)
    assert (window.width(), window.height()) == (1280, 720)


def test_find_next_opening_from_the_list_has_the_patient_type_and_length(
    main_window, ctx, world, manager, clock, qtbot
):
    from orca_desk.views.schedules.find_opening import FindOpeningDialog

    _hours(ctx, world, manager, clock)
    _cancel(ctx, desk_book(ctx, world, patient=1, start=at(9), minutes=90, type_=world.bonding))
    view = main_window.show_screen("calendar")
    view.refresh()
    [row] = view.data.rebook
    seen: dict[str, object] = {}

    def book(dialog) -> None:
        seen["patient"] = dialog.patients.row_at(dialog.patient_list.currentIndex().row()).id
        seen["type"], seen["minutes"] = dialog.type_combo.currentData(), dialog.minutes.value()
        seen["booked"] = dialog.book_opening(0)

    QTimer.singleShot(0, lambda: _when_modal(FindOpeningDialog, book))
    assert view.rebook(row, find=True)
    assert seen == {"patient": world.patients[1].id, "type": world.bonding.id, "minutes": 90, "booked": True}
    with ctx.db.read() as s:
        assert to_rebook(s, {world.location.id: NY}, [TEST_DAY], now=clock.now()) == []
