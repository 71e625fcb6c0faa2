"""Provider schedules: validation, replacing a week, affected appointments, booking refusal, .ics, CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from orca_desk.cli import main
from orca_desk.models.appointment import Appointment
from orca_desk.models.schedule import ScheduleException, SchedulePeriod
from orca_desk.services import provider_schedules as ps
from orca_desk.services.availability import free_intervals
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.errors import OutsideHoursError, PermissionDenied, ValidationError
from tests.factories import book, make_world

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 3, 14, tzinfo=UTC)
LUNCH = (ps.BreakInput(720, 780, "Lunch"),)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=NY).astimezone(UTC)


@pytest.fixture
def world(db):
    with db.write() as s:
        return make_world(s)


def weekdays(w, start=480, end=1020, breaks=LUNCH, days=range(5)):
    return [ps.DayHours(d, w.location.id, start, end, breaks) for d in days]


@pytest.mark.parametrize(
    ("days", "kw", "message", "field"),
    [
        (
            lambda w: [ps.DayHours(0, w.location.id, 1020, 480)],
            {},
            "Monday hours: the end 08:00 is not after",
            "hours",
        ),
        (
            lambda w: [ps.DayHours(1, w.location.id, 480, 720), ps.DayHours(1, w.location.id, 700, 900)],
            {},
            "Tuesday: working periods 08:00–12:00 and 11:40–15:00 overlap",
            "hours",
        ),
        (
            lambda w: [ps.DayHours(2, w.location.id, 480, 720, (ps.BreakInput(700, 760),))],
            {},
            "Wednesday: the break 11:40–12:40 is outside the working hours 08:00–12:00",
            "breaks",
        ),
        (
            lambda w: [
                ps.DayHours(2, w.location.id, 480, 1020, (ps.BreakInput(700, 760), ps.BreakInput(750, 800)))
            ],
            {},
            "breaks 11:40–12:40 and 12:30–13:20 overlap",
            "breaks",
        ),
        (lambda w: [ps.DayHours(3, 999, 480, 1020)], {}, "Thursday: choose a location", "location"),
        (
            lambda w: weekdays(w),
            {"effective_to": date(2026, 2, 1)},
            "Effective to Feb 1, 2026 is before",
            "effective_to",
        ),
    ],
)
def test_bad_weeks_are_refused_with_a_message_and_nothing_changes(
    db, world, manager, days, kw, message, field
):
    with pytest.raises(ValidationError, match=message) as exc, db.write() as s:
        ps.set_week(s, manager, world.ortho.id, days(world), effective_from=date(2026, 3, 2), now=NOW, **kw)
    assert exc.value.field == field
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SchedulePeriod)) == 0


def test_unknown_time_zone_is_refused(db, world, manager):
    with db.write() as s:
        s.get(type(world.location), world.location.id).timezone = "Mars/Olympus"
    with pytest.raises(ValidationError, match="Unknown time zone 'Mars/Olympus'"), db.write() as s:
        ps.set_week(s, manager, world.ortho.id, weekdays(world), effective_from=date(2026, 3, 2), now=NOW)


def test_overlapping_effective_ranges_for_one_weekday_are_refused(db, world, manager):
    with db.write() as s:
        ps.add_period(
            s,
            manager,
            world.ortho.id,
            ps.DayHours(0, world.location.id, 480, 1020),
            effective_from=date(2026, 1, 5),
            effective_to=date(2026, 6, 30),
            now=NOW,
        )
        # Same weekday, ranges that do not meet: fine.
        ps.add_period(
            s,
            manager,
            world.ortho.id,
            ps.DayHours(0, world.location.id, 480, 900),
            effective_from=date(2026, 7, 1),
            now=NOW,
        )
    with pytest.raises(ValidationError, match="effective ranges overlap"), db.write() as s:
        ps.add_period(
            s,
            manager,
            world.ortho.id,
            ps.DayHours(0, world.location.id, 600, 700),
            effective_from=date(2026, 6, 1),
            now=NOW,
        )


def test_set_week_replaces_from_a_date_and_keeps_the_past_and_later_terms(db, world, manager):
    with db.write() as s:
        ps.set_week(s, manager, world.ortho.id, weekdays(world), effective_from=date(2026, 1, 1), now=NOW)
        # Spring term only: Mondays and Fridays 09:00–13:00.
        ps.set_week(
            s,
            manager,
            world.ortho.id,
            weekdays(world, 540, 780, (), days=[0, 4]),
            effective_from=date(2026, 4, 6),
            effective_to=date(2026, 6, 28),
            now=NOW,
        )
    with db.read() as s:

        def free(d):
            return free_intervals(s, provider_id=world.ortho.id, start_day=d, end_day=d)[d]

        assert free(date(2026, 3, 31)) == [(480, 720), (780, 1020)]  # a Tuesday before the term
        assert free(date(2026, 4, 7)) == []  # a Tuesday in it
        assert free(date(2026, 4, 10)) == [(540, 780)]  # a Friday in it
        assert free(date(2026, 6, 30)) == [(480, 720), (780, 1020)]  # the old week comes back
        assert [d.weekday for d in ps.week_on(s, world.ortho.id, date(2026, 4, 8))] == [0, 4]


def test_new_hours_list_affected_appointments_and_never_move_them(db, world, manager, receptionist):
    day = date(2026, 3, 10)  # a Tuesday
    with db.write() as s:
        ps.set_week(s, manager, world.ortho.id, weekdays(world), effective_from=date(2026, 1, 1), now=NOW)
        early = book(s, receptionist, world, start=at(day, 8), now=NOW)
        late = book(s, receptionist, world, start=at(day, 15), now=NOW, patient=1)
        ids = (early, late)
    new = weekdays(world, 600, 1020, ())  # starts at 10:00 from now on
    with db.read() as s:
        affected = ps.appointments_outside_new_hours(
            s, world.ortho.id, new, effective_from=date(2026, 3, 9), now=NOW
        )
        assert [a.id for a in affected] == [ids[0]]
        assert affected[0].patient_name == "Kid0 Smith"
        assert affected[0].local_label("24h") == "Tue, Mar 10, 2026, 08:00–08:20"
        assert affected[0].local_label("12h") == "Tue, Mar 10, 2026, 8:00 AM–8:20 AM"
        # Effective only after that day: nothing affected.
        assert (
            ps.appointments_outside_new_hours(
                s, world.ortho.id, new, effective_from=date(2026, 3, 11), now=NOW
            )
            == []
        )
    with db.write() as s:
        ps.set_week(s, manager, world.ortho.id, new, effective_from=date(2026, 3, 9), now=NOW)
    with db.read() as s:
        assert s.get(Appointment, ids[0]).start_at == at(day, 8)
        assert s.get(Appointment, ids[0]).status == "scheduled"


def test_booking_outside_hours_needs_override_and_permission(db, world, manager, receptionist):
    sat, tue = date(2026, 3, 7), date(2026, 3, 10)
    with db.write() as s:
        ps.set_week(s, manager, world.ortho.id, weekdays(world), effective_from=date(2026, 1, 1), now=NOW)
        ps.create_block(
            s,
            manager,
            location_id=world.location.id,
            start=at(tue, 15),
            end=at(tue, 16),
            reason="Staff meeting",
            now=NOW,
        )

    def req(start, patient=0, override=False):
        return BookingRequest(
            world.patients[patient].id,
            world.ortho.id,
            world.chairs[0].id,
            world.adjustment.id,
            start,
            override_hours=override,
        )

    with pytest.raises(OutsideHoursError, match=r"Dr\. Chen does not work Saturdays"), db.write() as s:
        booking.book_appointment(s, receptionist, req(at(sat, 10)), now=NOW)
    with pytest.raises(OutsideHoursError, match="Lunch 12:00–13:00"), db.write() as s:
        booking.book_appointment(s, receptionist, req(at(tue, 12, 10)), now=NOW)
    with pytest.raises(OutsideHoursError, match="Staff meeting block 15:00–16:00"), db.write() as s:
        booking.book_appointment(s, receptionist, req(at(tue, 15, 30)), now=NOW)
    with pytest.raises(PermissionDenied, match="book outside working hours"), db.write() as s:
        booking.book_appointment(s, receptionist, req(at(sat, 10), override=True), now=NOW)
    with db.write() as s:
        appt = booking.book_appointment(s, manager, req(at(sat, 10), override=True), now=NOW)
        appt_id = appt.id
        # The hygienist has no schedule: unscheduled, so any time is fine.
        booking.book_appointment(
            s,
            receptionist,
            BookingRequest(
                world.patients[1].id, world.hygienist.id, world.chairs[1].id, world.adjustment.id, at(sat, 7)
            ),
            now=NOW,
        )
    # Moving into working time needs nothing; moving into lunch is refused, then overridden.
    with db.write() as s:
        booking.move_appointment(s, receptionist, appt_id, start=at(tue, 9), now=NOW)
    with pytest.raises(OutsideHoursError, match="Lunch"), db.write() as s:
        booking.move_appointment(s, receptionist, appt_id, start=at(tue, 12), now=NOW)
    with db.write() as s:
        booking.move_appointment(s, manager, appt_id, start=at(tue, 12), override_hours=True, now=NOW)


def test_holiday_refuses_booking_with_its_name(db, world, manager, receptionist):
    day = date(2026, 3, 12)
    with db.write() as s:
        ps.set_week(s, manager, world.ortho.id, weekdays(world), effective_from=date(2026, 1, 1), now=NOW)
        ps.add_holiday(s, manager, name="Founders' day", start_day=day, now=NOW)
    with pytest.raises(OutsideHoursError, match="Clinic holiday: Founders' day"), db.write() as s:
        booking.book_appointment(
            s,
            receptionist,
            BookingRequest(
                world.patients[0].id, world.ortho.id, world.chairs[0].id, world.adjustment.id, at(day, 10)
            ),
            now=NOW,
        )


def test_exception_validation_and_removal(db, world, manager, receptionist):
    with pytest.raises(ValidationError, match="before the first day"), db.write() as s:
        ps.add_time_off(
            s,
            manager,
            provider_id=world.ortho.id,
            start_day=date(2026, 3, 10),
            end_day=date(2026, 3, 9),
            now=NOW,
        )
    with pytest.raises(ValidationError, match="Unknown time-off type"), db.write() as s:
        ps.add_time_off(
            s,
            manager,
            provider_id=world.ortho.id,
            start_day=date(2026, 3, 10),
            time_off_type="party",
            now=NOW,
        )
    with pytest.raises(ValidationError, match="Name the holiday"), db.write() as s:
        ps.add_holiday(s, manager, name=" ", start_day=date(2026, 3, 10), now=NOW)
    with pytest.raises(PermissionDenied), db.write() as s:
        ps.add_holiday(s, receptionist, name="X", start_day=date(2026, 3, 10), now=NOW)
    with db.write() as s:
        xid = ps.add_time_off(
            s,
            manager,
            provider_id=world.ortho.id,
            start_day=date(2026, 3, 10),
            start_minute=840,
            end_minute=960,
            time_off_type="other",
            name="Dentist",
            now=NOW,
        )
    with db.read() as s:
        rows = ps.list_exceptions(s, provider_id=world.ortho.id)
        assert [(r.label, r.when) for r in rows] == [("Other · Dentist", "Tue, Mar 10, 2026, 14:00–16:00")]
    with db.write() as s:
        ps.remove_exception(s, manager, xid, now=NOW)
    with db.read() as s:
        assert ps.list_exceptions(s) == []


ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Staff//EN
BEGIN:VEVENT
UID:a1@example.com
DTSTART;VALUE=DATE:20260316
DTEND;VALUE=DATE:20260319
SUMMARY:Spring break
END:VEVENT
BEGIN:VEVENT
UID:a2@example.com
DTSTART:20260324T180000Z
DTEND:20260324T200000Z
SUMMARY:Dentist
END:VEVENT
BEGIN:VEVENT
UID:a3@example.com
DTSTART;TZID=America/New_York:20260326T150000
DTEND;TZID=America/New_York:20260327T100000
SUMMARY:Conference
END:VEVENT
BEGIN:VEVENT
UID:a4@example.com
DTSTART:20260401T090000Z
DTEND:20260401T100000Z
RRULE:FREQ=WEEKLY;COUNT=3
SUMMARY:Weekly thing
END:VEVENT
END:VCALENDAR
"""


def test_ics_import_turns_events_into_time_off_once(db, world, manager):
    with db.write() as s:
        ps.set_week(s, manager, world.ortho.id, weekdays(world), effective_from=date(2026, 1, 1), now=NOW)
        result = ps.import_time_off_ics(s, manager, provider_id=world.ortho.id, data=ICS, now=NOW)
    assert (result.created, result.skipped) == (3, 1)
    assert "repeating events are not imported" in result.notes[0]
    with db.read() as s:
        free = free_intervals(
            s, provider_id=world.ortho.id, start_day=date(2026, 3, 16), end_day=date(2026, 3, 27)
        )
        assert free[date(2026, 3, 16)] == free[date(2026, 3, 18)] == []  # all-day, DTEND exclusive
        assert free[date(2026, 3, 19)] == [(480, 720), (780, 1020)]
        assert free[date(2026, 3, 24)] == [(480, 720), (780, 840), (960, 1020)]  # 14:00–16:00 EDT
        assert free[date(2026, 3, 26)] == [(480, 720), (780, 900)]  # off from 15:00
        assert free[date(2026, 3, 27)] == [(600, 720), (780, 1020)]  # back at 10:00
    with db.write() as s:
        again = ps.import_time_off_ics(s, manager, provider_id=world.ortho.id, data=ICS, now=NOW)
        assert again.created == 0 and again.skipped == 4
        assert s.scalar(select(func.count()).select_from(ScheduleException)) == 4
    with pytest.raises(ValidationError, match="not an iCalendar"), db.write() as s:
        ps.import_time_off_ics(s, manager, provider_id=world.ortho.id, data=b"hello", now=NOW)


def test_block_validation(db, world, manager):
    day = date(2026, 3, 10)
    with pytest.raises(ValidationError, match="reason"), db.write() as s:
        ps.create_block(
            s, manager, location_id=world.location.id, start=at(day, 9), end=at(day, 10), reason="", now=NOW
        )
    with pytest.raises(ValidationError, match="end after it starts"), db.write() as s:
        ps.create_block(
            s, manager, location_id=world.location.id, start=at(day, 10), end=at(day, 9), reason="X", now=NOW
        )
    with pytest.raises(ValidationError, match="BYDAY"), db.write() as s:
        ps.create_block(
            s,
            manager,
            location_id=world.location.id,
            start=at(day, 9),
            end=at(day, 10),
            reason="X",
            rrule="FREQ=WEEKLY;BYDAY=XX",
            now=NOW,
        )
    with db.write() as s:
        bid = ps.create_block(
            s,
            manager,
            location_id=world.location.id,
            start=at(day, 9),
            end=at(day, 10),
            reason="Lunch",
            rrule="FREQ=DAILY;COUNT=3",
            chair_id=world.chairs[0].id,
            now=NOW,
        )
    with db.read() as s:
        [b] = ps.list_blocks(s, location_id=world.location.id)
        assert (b.id, b.day, b.start_minute, b.end_minute, b.rrule) == (
            bid,
            day,
            540,
            600,
            "FREQ=DAILY;COUNT=3",
        )
    with db.write() as s:
        ps.delete_block(s, manager, bid, now=NOW)
    with db.read() as s:
        assert ps.list_blocks(s) == []


def test_cli_prints_free_intervals_and_refuses_bad_input(db, world, manager, capsys):
    with db.write() as s:
        ps.set_week(s, manager, world.ortho.id, weekdays(world), effective_from=date(2026, 1, 1), now=NOW)
    url = ["--database-url", str(db.url)]
    assert (
        main(["availability", *url, "--provider", "chen", "--from", "2026-03-06", "--to", "2026-03-07"]) == 0
    )
    out = capsys.readouterr().out
    assert "Dr. Chen: free time" in out
    assert "Fri 2026-03-06  8:00 AM–12:00 PM, 1:00 PM–5:00 PM" in out  # a US clinic: 12-hour
    assert "Sat 2026-03-07  —" in out
    assert (
        main(["availability", *url, "--provider", "Nobody", "--from", "2026-03-06", "--to", "2026-03-07"])
        == 2
    )
    assert "No provider named 'Nobody'" in capsys.readouterr().err
    assert (
        main(["availability", *url, "--provider", "Chen", "--from", "2026-03-32", "--to", "2026-03-07"]) == 2
    )
    assert "--from '2026-03-32' is not a date" in capsys.readouterr().err
    assert (
        main(["availability", *url, "--provider", "Chen", "--from", "2026-03-08", "--to", "2026-03-07"]) == 2
    )
    assert "is before --from" in capsys.readouterr().err


def test_demo_has_schedules_holiday_and_pto(db):
    from orca_desk.services.demo import load_demo

    with db.write() as s:
        load_demo(s, "small", now=NOW)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SchedulePeriod)) == 4 * 5
        kinds = sorted(x.kind for x in ps.list_exceptions(s))
        assert kinds == ["holiday", "time_off"]
        # Every upcoming demo appointment lies inside working time.
        from orca_desk.services.availability import hours_problems

        rows = s.execute(
            select(Appointment.provider_id, Appointment.chair_id, Appointment.start_at, Appointment.end_at)
            .where(Appointment.start_at > NOW)
            .order_by(Appointment.id)
            .limit(200)
        ).all()
        assert rows and all(
            not hours_problems(s, provider_id=p, chair_id=c, start=a, end=b) for p, c, a, b in rows
        )


# ----- bad .ics files and absurd spans (issue 18, items 22 and 24) -------------------------------


def _ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Staff//EN\r\n{body}END:VCALENDAR\r\n".encode()


GOOD = "UID:ok@example.com\r\nDTSTART;VALUE=DATE:20260316\r\nDTEND;VALUE=DATE:20260317\r\nSUMMARY:Off\r\n"


def _written(db) -> tuple[int, int]:
    from orca_desk.models.audit import AuditEvent

    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(ScheduleException)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
        )


@pytest.mark.parametrize(
    ("event", "words"),
    [
        ("UID:x1\r\nSUMMARY:No start\r\n", "has no start (DTSTART)"),
        ("SUMMARY:No start nor UID\r\n", "has no start (DTSTART)"),
        (
            "UID:x2\r\nDTSTART:20261310T090000\r\nDTEND:20261310T100000\r\nSUMMARY:Month 13\r\n",
            "start (DTSTART) is not a date",
        ),
        ("UID:x3\r\nDTSTART:garbage\r\nSUMMARY:Garbage\r\n", "start (DTSTART) is not a date"),
        (
            "UID:x4\r\nDTSTART:20260310T090000Z\r\nDTEND:garbage\r\nSUMMARY:Bad end\r\n",
            "end (DTEND) is not a date",
        ),
        (
            "UID:x5\r\nDTSTART;VALUE=DATE:20260310\r\nDTEND;VALUE=DATE:99991231\r\nSUMMARY:Forever\r\n",
            "longer than 366 days",
        ),
        (
            "UID:x6\r\nDTSTART:20260310T090000Z\r\nDTEND:99991231T235959Z\r\nSUMMARY:Timed forever\r\n",
            "longer than 366 days",
        ),
        (
            "UID:x7\r\nDTSTART:20260310T090000Z\r\nDTEND:20560310T090000Z\r\nSUMMARY:Thirty years\r\n",
            "longer than 366 days",
        ),
        ("UID:x8\r\nDTSTART;VALUE=DATE:99991231\r\nSUMMARY:Last day\r\n", "after 2199"),
        (
            "UID:x9\r\nDTSTART;TZID=Mars/Olympus:20260310T090000\r\nDTEND;TZID=Mars/Olympus:20260310T100000\r\n"
            "SUMMARY:Mars\r\n",
            "unknown time zone 'Mars/Olympus'",
        ),
        (f"UID:{'u' * 300}\r\nDTSTART;VALUE=DATE:20260310\r\nSUMMARY:Long UID\r\n", "UID is 300 characters"),
        (
            "UID:x10\r\nDTSTART:20260310T090000Z\r\nDURATION:garbage\r\nSUMMARY:Bad duration\r\n",
            "length (DURATION) is not",
        ),
    ],
)
def test_bad_ics_events_are_refused_naming_the_event_and_nothing_is_written(db, world, manager, event, words):
    before = _written(db)
    with (
        pytest.raises(ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")) as err,
        db.write() as s,
    ):
        ps.import_time_off_ics(s, manager, provider_id=world.ortho.id, data=_ics(GOOD, event), now=NOW)
    assert err.value.field == "file"
    assert "event 2" in str(err.value)
    assert _written(db) == before


def test_a_long_timed_event_is_at_most_three_rows(db, world, manager):
    ten_days = "UID:t@example.com\r\nDTSTART:20260310T150000Z\r\nDTEND:20260320T150000Z\r\nSUMMARY:Trip\r\n"
    with db.write() as s:
        result = ps.import_time_off_ics(
            s, manager, provider_id=world.ortho.id, data=_ics(ten_days), now=NOW, timezone="America/New_York"
        )
    assert result.created == 1
    with db.read() as s:
        rows = ps.list_exceptions(s, provider_id=world.ortho.id)
    assert [(r.start_day, r.end_day, r.start_minute, r.end_minute) for r in rows] == [
        (date(2026, 3, 10), date(2026, 3, 10), 660, 1440),  # from 11:00 EDT
        (date(2026, 3, 11), date(2026, 3, 19), None, None),  # whole days between
        (date(2026, 3, 20), date(2026, 3, 20), 0, 660),  # back at 11:00
    ]
    with db.write() as s:  # importing again adds nothing
        assert (
            ps.import_time_off_ics(
                s, manager, provider_id=world.ortho.id, data=_ics(ten_days), now=NOW
            ).created
            == 0
        )


@pytest.mark.parametrize(
    ("call", "field", "words"),
    [
        (
            lambda s, m, w: ps.add_time_off(
                s, m, provider_id=w.ortho.id, start_day=date(2026, 3, 10), end_day=date(2056, 3, 10), now=NOW
            ),
            "end_day",
            "longer than 366 days",
        ),
        (
            lambda s, m, w: ps.add_holiday(
                s, m, name="Forever", start_day=date(2026, 3, 10), end_day=date(9999, 12, 31), now=NOW
            ),
            "end_day",
            "after 2199",
        ),
        (
            lambda s, m, w: ps.add_time_off(s, m, provider_id=w.ortho.id, start_day=date(1, 1, 1), now=NOW),
            "start_day",
            "before 1900",
        ),
        (
            lambda s, m, w: ps.add_time_off(
                s, m, provider_id=w.ortho.id, start_day=date(2026, 3, 10), name="n" * 121, now=NOW
            ),
            "name",
            "at most 120",
        ),
        (
            lambda s, m, w: ps.add_holiday(s, m, name="Bad\x00name", start_day=date(2026, 3, 10), now=NOW),
            "name",
            "control characters",
        ),
        (
            lambda s, m, w: ps.add_time_off(
                s, m, provider_id=w.ortho.id, start_day=date(2026, 3, 10), source_uid="u" * 256, now=NOW
            ),
            "uid",
            "at most 255",
        ),
    ],
)
def test_absurd_spans_and_over_long_text_are_refused(db, world, manager, call, field, words):
    before = _written(db)
    with pytest.raises(ValidationError, match=words) as err, db.write() as s:
        call(s, manager, world)
    assert err.value.field == field
    assert _written(db) == before


def test_ics_import_refuses_an_unknown_zone_argument(db, world, manager):
    with pytest.raises(ValidationError, match="Unknown time zone") as err, db.write() as s:
        ps.import_time_off_ics(
            s, manager, provider_id=world.ortho.id, data=_ics(GOOD), now=NOW, timezone="Mars/Olympus"
        )
    assert err.value.field == "timezone"


def test_an_over_long_break_name_is_refused(db, world, manager):
    days = [ps.DayHours(0, world.location.id, 480, 1020, (ps.BreakInput(720, 780, "L" * 61),))]
    with pytest.raises(ValidationError, match="at most 60") as err, db.write() as s:
        ps.set_week(s, manager, world.ortho.id, days, effective_from=date(2026, 3, 9), now=NOW)
    assert err.value.field == "breaks"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SchedulePeriod)) == 0


def test_clinic_info_names_an_unknown_location_or_type(db, world):
    from orca_desk.services.clinic.clinic import load_clinic
    from orca_desk.services.errors import NotFound

    with db.read() as s:
        info = load_clinic(s)
    assert info is not None and info.location(world.location.id).name == "Northside"
    with pytest.raises(NotFound, match="Location #999"):
        info.location(999)
    with pytest.raises(NotFound, match="Appointment type #999"):
        info.type_by_id(999)
