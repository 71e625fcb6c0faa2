"""Schedules screen and find-next-opening dialog: set hours, refuse bad input, warn, book with one click."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.schedule import SchedulePeriod
from orca_desk.services import provider_schedules as ps
from orca_desk.services.availability import free_intervals
from orca_desk.views.schedules.find_opening import FindOpeningDialog
from orca_desk.views.schedules.screen import SchedulesScreen
from tests.factories import book, book_ids

NY = ZoneInfo("America/New_York")


@pytest.fixture
def screen(qtbot, ctx):
    s = SchedulesScreen(ctx)
    qtbot.addWidget(s)
    s.resize(1200, 800)
    s.show()
    s.select_provider(next(p.id for p in ctx.clinic.providers if p.name == "Dr. Chen"))
    return s


def chen(ctx):
    return next(p.id for p in ctx.clinic.providers if p.name == "Dr. Chen")


def test_set_hours_in_the_editor_and_save(screen, ctx, db):
    week = screen.week
    for wd in range(7):
        week.works[wd].setChecked(wd < 5)
    week.start[0].setTime(QTime(9, 0))
    week.end[0].setTime(QTime(16, 0))
    week.breaks[0].setText("12:00–12:30 Lunch, 14:00-14:15 Coffee")
    week.effective_from.setDate(QDate(2026, 3, 2))
    assert screen.save_week()
    with db.read() as s:
        free = free_intervals(s, provider_id=chen(ctx), start_day=date(2026, 3, 9), end_day=date(2026, 3, 10))
    assert free[date(2026, 3, 9)] == [(540, 720), (750, 840), (855, 960)]
    assert free[date(2026, 3, 10)] == [(480, 1020)]
    # The editor shows what was saved, in the clinic's 12-hour format.
    screen.refresh()
    assert screen.week.breaks[0].text() == "12:00 PM–12:30 PM Lunch, 2:00 PM–2:15 PM Coffee"
    assert not screen.week.works[5].isChecked()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda w: (w.start[1].setTime(QTime(17, 0)), w.end[1].setTime(QTime(9, 0))),
            "Tuesday hours: the end 09:00 is not after the start 17:00",
        ),
        (lambda w: w.breaks[2].setText("lunch at noon"), "Wednesday breaks: write each break as 12:00–13:00"),
        (lambda w: w.breaks[3].setText("07:00-07:30 Early"), "Thursday: the break 07:00–07:30 is outside"),
        (
            lambda w: (w.open_ended.setChecked(False), w.effective_to.setDate(QDate(2026, 1, 1))),
            "Effective to Jan 1, 2026 is before effective from",
        ),
    ],
)
def test_invalid_input_is_refused_with_a_message_and_nothing_saved(screen, db, setup, message):
    for wd in range(5):
        screen.week.works[wd].setChecked(True)
    screen.week.effective_from.setDate(QDate(2026, 3, 2))
    setup(screen.week)
    assert not screen.save_week()
    assert message in screen.error.text()
    assert screen.error.isVisible()
    assert screen._highlighted is not None  # the offending field is marked
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SchedulePeriod)) == 0


def test_save_lists_affected_appointments_first_and_keeps_them(screen, ctx, db, world, manager):
    day = date(2026, 3, 10)
    start = datetime.combine(day, time(8, 0), tzinfo=NY).astimezone(UTC)
    appt_id = book(db, manager, world, start=start, now=ctx.clock.now())
    for wd in range(5):
        screen.week.works[wd].setChecked(True)
        screen.week.start[wd].setTime(QTime(10, 0))
    screen.week.effective_from.setDate(QDate(2026, 3, 2))
    asked: list[str] = []
    screen.confirm = lambda title, text: asked.append(text) is not None  # answers "No"
    assert not screen.save_week()
    assert "Tue, Mar 10, 2026, 8:00 AM–8:20 AM — Kid0 Smith" in asked[0]
    assert screen.affected.rowCount() == 1 and screen.affected_view.isVisible()
    assert "1 booked appointment would fall outside" in screen.affected_label.text()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SchedulePeriod)) == 0
    screen.confirm = lambda title, text: True
    assert screen.save_week()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SchedulePeriod)) == 5
        assert s.get(Appointment, appt_id).start_at == start  # never moved


def test_exceptions_and_blocks_from_the_screen(screen, ctx, db, tmp_path):
    screen.tabs.setCurrentIndex(1)  # the forms are built with their tabs
    assert screen.x_from.date() == QDate(2026, 3, 3)  # today in New York
    screen.x_kind.setCurrentIndex(screen.x_kind.findData("holiday"))
    screen.x_from.setDate(QDate(2026, 3, 12))
    screen.x_to.setDate(QDate(2026, 3, 12))
    assert not screen.add_exception()  # no name
    assert "Name the holiday" in screen.error.text()
    screen.x_name.setText("Snow day")
    assert screen.add_exception()
    assert screen.exceptions.rowCount() == 1
    screen.tabs.setCurrentIndex(2)
    screen.b_reason.setText("Staff meeting")
    screen.b_day.setDate(QDate(2026, 3, 11))
    screen.b_start.setTime(QTime(15, 0))
    screen.b_end.setTime(QTime(16, 0))
    screen.b_repeat.setCurrentIndex(screen.b_repeat.findData("FREQ=WEEKLY"))
    assert screen.add_block()
    assert screen.blocks.rowCount() == 1
    assert screen.blocks.data(screen.blocks.index(0, 4)) == "Every week"
    ics = tmp_path / "pto.ics"
    ics.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x1\r\nDTSTART;VALUE=DATE:20260320\r\n"
        b"DTEND;VALUE=DATE:20260321\r\nSUMMARY:Ski trip\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = screen.import_ics(ics)
    assert result is not None and result.created == 1
    assert screen.exceptions.rowCount() == 2
    screen.exceptions_view.selectRow(0)
    assert screen.remove_exception()
    assert screen.exceptions.rowCount() == 1


def test_find_opening_dialog_lists_openings_and_books_with_one_click(qtbot, ctx, db, world, manager):
    with db.write() as s:
        ps.set_week(
            s,
            manager,
            world.ortho.id,
            [ps.DayHours(d, world.location.id, 480, 1020) for d in range(5)],
            effective_from=date(2026, 1, 1),
            now=ctx.clock.now(),
        )
    dialog = FindOpeningDialog(ctx, provider_ids=[world.ortho.id])
    qtbot.addWidget(dialog)
    dialog.days[3].setChecked(True)  # Thursdays
    dialog.window_on.setChecked(True)
    dialog.window_from.setTime(QTime(15, 0))
    dialog.window_to.setTime(QTime(17, 0))
    rows = dialog.search()
    assert rows and all(
        r.start.astimezone(NY).weekday() == 3 and r.start.astimezone(NY).hour >= 15 for r in rows
    )
    first = rows[0]
    assert first.start.astimezone(NY) == datetime(2026, 3, 5, 15, 0, tzinfo=NY)
    assert not dialog.book_opening(0)  # no patient yet
    assert "Choose the patient first" in dialog.error.text()
    dialog.patient_search.setText("Kid2")
    qtbot.waitUntil(lambda: dialog.patients.rowCount() > 0)
    dialog.book_button.click()  # the one click
    assert dialog.appointment_id is not None
    with db.read() as s:
        appt = s.get(Appointment, dialog.appointment_id)
        assert (appt.start_at, appt.provider_id, appt.patient_id) == (
            first.start,
            world.ortho.id,
            world.patients[2].id,
        )


def test_ctrl_n_opens_find_opening_from_the_main_window(qtbot, main_window, monkeypatch):
    opened: list[bool] = []
    monkeypatch.setattr(FindOpeningDialog, "exec", lambda self: opened.append(True) or 0)
    main_window.show_screen("calendar")
    qtbot.keyClick(main_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == [True]
    assert "schedules" in main_window.screens


def test_booking_dialog_asks_before_booking_outside_hours(qtbot, ctx, db, world, manager, monkeypatch):
    from orca_desk.views.calendar.booking_dialog import BookingDialog

    with db.write() as s:
        ps.set_week(
            s,
            manager,
            world.ortho.id,
            [ps.DayHours(d, world.location.id, 480, 1020) for d in range(5)],
            effective_from=date(2026, 1, 1),
            now=ctx.clock.now(),
        )
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=NY)
    dialog = BookingDialog(
        ctx, chair_id=world.chairs[0].id, chair_name="Chair 1", start=saturday, provider_id=world.ortho.id
    )
    qtbot.addWidget(dialog)
    dialog.search.setText("Kid1")
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    questions: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: questions.append(a[2]) or QMessageBox.StandardButton.No
    )
    dialog.book()
    assert "Dr. Chen does not work Saturdays" in questions[0]
    assert dialog.appointment_id is None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.book()
    assert dialog.appointment_id is not None
    QApplication.processEvents()


def test_find_opening_offers_distinct_choices_then_goes_to_what_was_booked(
    qtbot, main_window, ctx, db, world, manager, monkeypatch
):
    with db.write() as s:
        week = [ps.DayHours(d, world.location.id, 480, 1020) for d in range(5)]
        ps.set_week(s, manager, world.ortho.id, week, effective_from=date(2026, 1, 1), now=ctx.clock.now())
    schedules = main_window.show_screen("schedules")

    def run(dialog: FindOpeningDialog) -> int:
        rows = dialog.search()
        # At most one per provider, day and part of day: never two starts in one afternoon.
        parts = [
            (r.provider_id, r.start.astimezone(NY).date(), r.start.astimezone(NY).hour < 12) for r in rows
        ]
        assert len(parts) == len(set(parts)) > 2
        dialog.patient_search.setText("Kid2")
        qtbot.waitUntil(lambda: dialog.patients.rowCount() > 0)
        dialog.results_view.selectRow(2)
        assert dialog.book_opening(2)
        return 1

    monkeypatch.setattr(FindOpeningDialog, "exec", run)
    statuses: list[str] = []
    schedules.sig_status.connect(statuses.append)
    schedules.find_opening()
    assert statuses and statuses[-1].startswith("Booked Kid2 Smith: Adjustment")
    assert main_window.current_screen() is main_window.screens["calendar"]
    with db.read() as s:
        booked = s.scalars(select(Appointment)).one()
    assert main_window.day == booked.start_at.astimezone(NY).date()


def test_breaks_read_both_formats_and_write_the_clinics():
    from orca_desk.services.provider_schedules.break_text import breaks_text, parse_breaks

    twelve = parse_breaks("12:00 PM–12:30 PM Lunch, 2:00 pm-2:15 pm Coffee", "Monday")
    assert twelve == parse_breaks("12:00–12:30 Lunch, 14:00-14:15 Coffee", "Monday")
    assert [(b.start_minute, b.end_minute) for b in twelve] == [(720, 750), (840, 855)]
    assert breaks_text(twelve, "24h") == "12:00–12:30 Lunch, 14:00–14:15 Coffee"
    assert breaks_text(twelve, "12h") == "12:00 PM–12:30 PM Lunch, 2:00 PM–2:15 PM Coffee"


def test_an_opening_taken_meanwhile_is_refused_with_its_reason_over_the_fresh_list(
    qtbot, ctx, db, world, manager
):
    with db.write() as s:
        week = [ps.DayHours(d, world.location.id, 480, 1020) for d in range(5)]
        ps.set_week(s, manager, world.ortho.id, week, effective_from=date(2026, 1, 1), now=ctx.clock.now())
    dialog = FindOpeningDialog(ctx, provider_ids=[world.ortho.id])
    qtbot.addWidget(dialog)
    first = dialog.search()[0]
    dialog.patient_search.setText("Kid2")
    qtbot.waitUntil(lambda: dialog.patients.rowCount() > 0)
    with db.write() as s:  # another desk books that time first
        book_ids(
            s,
            manager,
            patient_id=world.patients[0].id,
            provider_id=first.provider_id,
            chair_id=first.chair_id,
            type_id=world.adjustment.id,
            start=first.start,
            now=ctx.clock.now(),
            minutes=int((first.end - first.start).total_seconds() // 60),
        )
    assert not dialog.book_opening(0)
    assert dialog.appointment_id is None
    assert dialog.error.text()  # the service's reason stays in view
    fresh = [dialog.results.row_at(i) for i in range(dialog.results.rowCount())]
    assert fresh and all((r.start, r.chair_id) != (first.start, first.chair_id) for r in fresh)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1
