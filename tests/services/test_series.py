"""Recurring series: preview conflicts for every date, all-or-nothing booking, splits, cancels, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.schedule import ScheduleException
from orca_desk.models.series import RecurringSeries, SeriesException
from orca_desk.services import recurrence
from orca_desk.services.booking import booking
from orca_desk.services.errors import ConflictError, OrcaError, ValidationError
from orca_desk.services.series import (
    SeriesChange,
    cancel_series,
    create_series,
    extend_horizons,
    load_series,
    modify_series,
    preview_series,
    series_for_export,
)
from tests.factories import book, book_ids, make_world

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)  # Tue 09:00 in New York


@pytest.fixture
def w(db):
    with db.write() as s:
        world = make_world(s)
        return {
            "loc": world.location.id,
            "chairs": [c.id for c in world.chairs],
            "ortho": world.ortho.id,
            "hyg": world.hygienist.id,
            "adj": world.adjustment.id,
            "patients": [p.id for p in world.patients],
            "world": world,
        }


def _kw(w, **over):
    base = {
        "patient_id": w["patients"][0],
        "provider_id": w["hyg"],
        "chair_id": w["chairs"][0],
        "type_id": w["adj"],
        "minutes": 20,
    }
    return base | over


def _appts(s, series_id, *, active=True):
    q = select(Appointment).where(Appointment.series_id == series_id).order_by(Appointment.start_at)
    rows = list(s.scalars(q))
    return [a for a in rows if a.status in ("scheduled", "confirmed")] if active else rows


NOAH = datetime(2026, 3, 10, 15, 45, tzinfo=NY)  # a Tuesday


def test_preview_lists_every_occurrence_and_finds_a_conflict_at_the_fiftieth(db, w, manager):
    start = datetime(2026, 3, 10, 9, 0, tzinfo=NY)
    fiftieth = recurrence.occurrences("FREQ=WEEKLY;COUNT=104", start)[49]
    with db.write() as s:
        book(s, manager, w["world"], patient=1, start=fiftieth.astimezone(UTC), now=NOW)
    with db.read() as s:
        p = preview_series(s, **_kw(w), rrule="FREQ=WEEKLY;COUNT=104", dtstart=start)
    assert len(p.occurrences) == 104
    assert [o.index for o in p.conflicts] == [50]
    bad = p.conflicts[0]
    assert bad.problems[0].kind == "chair_taken" and "Chair 1" in bad.problems[0].message
    assert "9:00 AM–9:20 AM" in bad.problems[0].message  # local wall clock, not UTC
    alt = bad.alternative
    assert alt is not None and alt.start != bad.start
    assert abs(alt.start - bad.start) <= timedelta(days=7)
    assert p.summary == "Weekly on Tuesday, 104 times"


def test_preview_reports_patient_and_provider_conflicts_and_a_holiday(db, w, manager):
    with db.write() as s:
        occs = recurrence.occurrences("FREQ=WEEKLY;INTERVAL=6;BYDAY=TU;COUNT=8", NOAH)
        # Noah elsewhere
        book(s, manager, w["world"], patient=0, chair=2, start=occs[2].astimezone(UTC), now=NOW)
        # hygienist busy
        book(
            s,
            manager,
            w["world"],
            patient=2,
            chair=1,
            provider=w["world"].hygienist,
            start=occs[4].astimezone(UTC),
            now=NOW,
        )
        s.add(
            ScheduleException(
                kind="holiday",
                provider_id=None,
                location_id=None,
                start_day=occs[6].date(),
                end_day=occs[6].date(),
                name="Staff day",
                created_at=NOW,
            )
        )
    with db.read() as s:
        p = preview_series(s, **_kw(w), rrule="FREQ=WEEKLY;INTERVAL=6;BYDAY=TU;COUNT=8", dtstart=NOAH)
    assert p.summary == "Every 6 weeks on Tuesday, 8 times"
    kinds = {o.index: [x.kind for x in o.problems] for o in p.conflicts}
    assert kinds == {3: ["patient_busy"], 5: ["provider_full"], 7: ["provider_off"]}
    assert "Staff day" in p.occurrences[6].problems[0].message
    assert all(o.alternative is not None for o in p.conflicts)
    assert p.occurrences[6].alternative.start.date() != occs[6].date()  # not on the holiday


def test_create_books_every_occurrence_with_decisions(db, w, manager):
    rule = "FREQ=WEEKLY;INTERVAL=6;BYDAY=TU;COUNT=8"
    with db.write() as s:
        occs = recurrence.occurrences(rule, NOAH)
        book(s, manager, w["world"], patient=1, start=occs[1].astimezone(UTC), now=NOW)
        book(s, manager, w["world"], patient=1, start=occs[3].astimezone(UTC), now=NOW)
    with db.read() as s:
        p = preview_series(s, **_kw(w), rrule=rule, dtstart=NOAH)
    a, b = p.conflicts
    with db.write() as s:
        sid = create_series(
            s,
            manager,
            **_kw(w),
            rrule=rule,
            dtstart=NOAH,
            decisions={a.start: a.alternative, b.start: "skip"},
            now=NOW,
        )
    with db.read() as s:
        appts = _appts(s, sid)
        assert len(appts) == 7
        plain = [x.start_at.astimezone(NY) for x in appts if x.start_at != a.alternative.start]
        assert len(plain) == 6 and {t.time() for t in plain} == {time(15, 45)}
        exc = {e.original_start: e.kind for e in s.scalars(select(SeriesException))}
        assert exc == {a.start.astimezone(UTC): "override", b.start.astimezone(UTC): "removed"}
        export = series_for_export(s, sid)
        assert export.exdates == (b.start,)
        assert [r for r, _ in export.overrides] == [a.start]
        assert export.overrides[0][1].start == a.alternative.start.astimezone(UTC)
        assert export.dtstart_local == NOAH and export.zone == "America/New_York"


def test_a_conflict_in_the_middle_writes_nothing_and_names_the_date(db, w, manager):
    rule = "FREQ=WEEKLY;COUNT=10"
    occs = recurrence.occurrences(rule, NOAH)
    with db.write() as s:
        book(s, manager, w["world"], patient=1, start=occs[5].astimezone(UTC), now=NOW)
    # Local time in the clinic's format (a US clinic: 12-hour), never UTC.
    refused = r"Tue, Apr 14, 2026, 3:45 PM: Chair 1 is taken 3:45 PM–4:05 PM by"
    with pytest.raises(ConflictError, match=refused), db.write() as s:
        create_series(s, manager, **_kw(w), rrule=rule, dtstart=NOAH, now=NOW)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(RecurringSeries)) == 0
        assert (
            s.scalar(select(func.count()).select_from(Appointment).where(Appointment.series_id.is_not(None)))
            == 0
        )


def test_bad_rule_names_the_bad_part(db, w, manager):
    with pytest.raises(ValidationError, match="BYDAY=XX"), db.read() as s:
        preview_series(s, **_kw(w), rrule="FREQ=WEEKLY;BYDAY=XX", dtstart=NOAH)


@pytest.mark.parametrize(
    "zone,first",
    [
        ("America/New_York", date(2026, 2, 24)),  # DST 8 March and 1 November 2026
        ("Europe/London", date(2026, 2, 24)),  # 29 March and 25 October
        ("Australia/Sydney", date(2026, 2, 24)),  # 5 April (back) and 4 October (forward)
    ],
)
@pytest.mark.parametrize("clock_time", [time(9, 0), time(15, 45)])
def test_weekly_series_keeps_the_wall_clock_across_dst(db, manager, zone, first, clock_time):
    with db.write() as s:
        world = make_world(s, zone=zone)
        tz = ZoneInfo(zone)
        start = datetime.combine(first, clock_time, tzinfo=tz)
        sid = create_series(
            s,
            manager,
            patient_id=world.patients[0].id,
            provider_id=world.hygienist.id,
            chair_id=world.chairs[0].id,
            type_id=world.adjustment.id,
            rrule="FREQ=WEEKLY;COUNT=45",
            dtstart=start,
            minutes=20,
            now=datetime(2026, 2, 20, tzinfo=UTC),
        )
        appts = _appts(s, sid)
    assert len(appts) == 45
    local = [a.start_at.astimezone(tz) for a in appts]
    assert {t.time() for t in local} == {clock_time}
    offsets = {t.utcoffset() for t in local}
    assert len(offsets) == 2  # both changes crossed, the UTC instants moved, the wall clock did not
    assert {(a.end_at - a.start_at) for a in appts} == {timedelta(minutes=20)}


def _make(db, w, manager, rule="FREQ=WEEKLY;COUNT=6", start=NOAH, **kw):
    with db.write() as s:
        return create_series(s, manager, **_kw(w, **kw), rrule=rule, dtstart=start, now=NOW)


def test_modify_this_occurrence_makes_an_exception(db, w, manager):
    sid = _make(db, w, manager)
    with db.write() as s:
        third = _appts(s, sid)[2]
        modify_series(
            s, manager, third.id, scope="this", change=SeriesChange(start_time=time(16, 30)), now=NOW
        )
    with db.read() as s:
        appts = _appts(s, sid)
        assert len(appts) == 6 and appts[2].start_at.astimezone(NY).time() == time(16, 30)
        assert appts[2].series_occurrence_start == (NOAH + timedelta(weeks=2)).astimezone(UTC)
        assert [o.state for o in load_series(s, sid).occurrences].count("moved") == 1
        assert series_for_export(s, sid).overrides[0][0] == NOAH + timedelta(weeks=2)


def test_dragging_an_occurrence_on_the_calendar_makes_it_an_exception(db, w, manager):
    sid = _make(db, w, manager)
    with db.write() as s:
        second = _appts(s, sid)[1]
        booking.move_appointment(
            s,
            manager,
            second.id,
            start=second.start_at + timedelta(hours=1),
            chair_id=w["chairs"][1],
            now=NOW,
        )
    with db.read() as s:
        exc = s.scalars(select(SeriesException)).all()
        assert [(e.kind, e.original_start) for e in exc] == [
            ("override", (NOAH + timedelta(weeks=1)).astimezone(UTC))
        ]


def test_modify_following_splits_the_series(db, w, manager, clock):
    sid = _make(db, w, manager, rule="FREQ=WEEKLY;COUNT=6")
    with db.write() as s:
        moved = _appts(s, sid)[4]
        modify_series(s, manager, moved.id, scope="this", change=SeriesChange(start_time=time(8, 0)), now=NOW)
    later = NOW + timedelta(weeks=1, days=2)  # two occurrences are past now
    with db.write() as s:
        fourth = _appts(s, sid)[3]
        new_id = modify_series(
            s,
            manager,
            fourth.id,
            scope="following",
            now=later,
            change=SeriesChange(start_time=time(10, 0), chair_id=w["chairs"][2]),
        )
    assert new_id != sid
    with db.read() as s:
        old = s.get(RecurringSeries, sid)
        new = s.get(RecurringSeries, new_id)
        assert new.parent_id == sid and "UNTIL=" in old.rrule and "COUNT" not in old.rrule
        assert new.count == 3 and new.start_minute == 600
        old_appts, new_appts = _appts(s, sid), _appts(s, new_id)
        # the first three stay (two are past, the third precedes the split), untouched
        assert [a.start_at.astimezone(NY).time() for a in old_appts] == [time(15, 45)] * 3
        # the new series: 10:00 in chair 3 for occurrences 4 and 6; the moved 5th stays at 08:00
        times = sorted((a.start_at.astimezone(NY), a.chair_id) for a in new_appts)
        assert [(t.time(), c) for t, c in times] == [
            (time(10, 0), w["chairs"][2]),
            (time(8, 0), w["chairs"][0]),
            (time(10, 0), w["chairs"][2]),
        ]
        cancelled = [a for a in _appts(s, sid, active=False) if a.status == "cancelled"]
        assert len(cancelled) == 2 and all(
            a.cancel_reason == "series changed" and not a.late_cancel for a in cancelled
        )
        assert recurrence.occurrences(old.rrule, NOAH)[-1] == NOAH + timedelta(weeks=2)


def test_modify_all_changes_only_the_future(db, w, manager):
    sid = _make(db, w, manager, rule="FREQ=WEEKLY;COUNT=6")
    later = NOAH.astimezone(UTC) + timedelta(weeks=1, hours=1)  # the first two have started
    with db.write() as s:
        first = _appts(s, sid)[0]
        new_id = modify_series(
            s, manager, first.id, scope="all", change=SeriesChange(provider_id=w["ortho"]), now=later
        )
    with db.read() as s:
        past = [a for a in _appts(s, sid, active=False) if a.start_at < later]
        assert len(past) == 2 and {a.provider_id for a in past} == {w["hyg"]}
        assert all(a.status == "scheduled" for a in past)
        future = _appts(s, new_id)
        assert len(future) == 4 and {a.provider_id for a in future} == {w["ortho"]}
        assert [a.start_at.astimezone(NY).time() for a in future] == [time(15, 45)] * 4


def test_modify_all_before_anything_happened_changes_in_place_and_keeps_unchanged_rows(db, w, manager):
    sid = _make(db, w, manager, rule="FREQ=WEEKLY;COUNT=4")
    with db.read() as s:
        before = [a.id for a in _appts(s, sid)]
    with db.write() as s:
        new_id = modify_series(
            s,
            manager,
            before[0],
            scope="all",
            change=SeriesChange(rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=4"),
            now=NOW,
        )
    assert new_id == sid
    with db.read() as s:
        after = _appts(s, sid)
        assert len(after) == 4
        # weeks 0 and 2 were already booked at those times: the same rows are kept
        assert after[0].id == before[0] and after[1].id == before[2]
        assert s.get(RecurringSeries, sid).rrule == "FREQ=WEEKLY;INTERVAL=2;COUNT=4"


def test_cancel_one_following_and_all(db, w, manager):
    sid = _make(db, w, manager, rule="FREQ=WEEKLY;COUNT=8")
    with db.write() as s:
        ids = [a.id for a in _appts(s, sid)]
        assert cancel_series(s, manager, ids[1], scope="this", reason="sick", now=NOW) == 1
    with db.write() as s:
        assert cancel_series(s, manager, ids[5], scope="following", reason="moving away", now=NOW) == 3
    with db.read() as s:
        assert [a.id for a in _appts(s, sid)] == [ids[0], ids[2], ids[3], ids[4]]
        export = series_for_export(s, sid)
        assert export.exdates == (NOAH + timedelta(weeks=1),)
        assert len(recurrence.occurrences(export.rrule, export.dtstart_local)) == 5
    later = NOAH.astimezone(UTC) + timedelta(weeks=2, hours=1)  # three occurrences have started
    with db.write() as s:
        assert cancel_series(s, manager, ids[0], scope="all", reason="treatment ended", now=later) == 2
    with db.read() as s:
        assert [a.id for a in _appts(s, sid)] == [ids[0], ids[2]]  # the past is untouched
        assert s.get(RecurringSeries, sid).status == "cancelled"


def test_past_occurrences_cannot_be_modified(db, w, manager):
    sid = _make(db, w, manager)
    with db.write() as s:
        first = _appts(s, sid)[0]
    with pytest.raises(ValidationError, match="already started"), db.write() as s:
        modify_series(
            s,
            manager,
            first.id,
            scope="following",
            change=SeriesChange(minutes=30),
            now=NOAH.astimezone(UTC) + timedelta(days=1),
        )


def test_never_ending_series_books_a_year_and_extension_is_idempotent(db, w, manager):
    with db.write() as s:
        sid = create_series(s, manager, **_kw(w), rrule="FREQ=WEEKLY;INTERVAL=4", dtstart=NOAH, now=NOW)
        assert len(_appts(s, sid)) == 13  # 10 Mar 2026 .. 9 Feb 2027 (before NOW + 365 days)
    later = NOW + timedelta(days=60)
    fourteenth = recurrence.occurrences("FREQ=WEEKLY;INTERVAL=4", NOAH, limit=14)[13]
    assert fourteenth == datetime(2027, 3, 9, 15, 45, tzinfo=NY)
    with db.write() as s:
        book(s, manager, w["world"], patient=1, start=fourteenth.astimezone(UTC), now=NOW)
        report = extend_horizons(s, now=later)
        assert report.series == 1 and report.booked == 1 and len(report.skipped) == 1
        assert "Chair 1 is taken" in report.skipped[0][2]
    with db.write() as s:
        again = extend_horizons(s, now=later)
        assert again.booked == 0 and again.skipped == ()
        assert len(_appts(s, sid)) == 14
        assert s.get(RecurringSeries, sid).materialised_until == later + timedelta(days=365)
        export = series_for_export(s, sid)
        assert export.exdates == (fourteenth,)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    interval=st.integers(1, 3),
    count=st.integers(2, 12),
    weekday=st.sampled_from(["MO", "TU", "TH"]),
    skips=st.sets(st.integers(0, 11), max_size=4),
    moves=st.sets(st.integers(0, 11), max_size=3),
)
def test_materialised_appointments_equal_expansion_minus_exceptions(
    db, w, manager, interval, count, weekday, skips, moves
):
    rule = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={weekday};COUNT={count}"
    with db.write() as s:
        s.execute(SeriesException.__table__.delete())
        s.execute(Appointment.__table__.delete())
        s.execute(RecurringSeries.__table__.delete())
    occs = recurrence.occurrences(rule, NOAH)
    decisions = {occs[i]: "skip" for i in skips if i < len(occs)}
    if len(decisions) == len(occs):
        decisions.pop(occs[0])
    with db.write() as s:
        sid = create_series(s, manager, **_kw(w), rrule=rule, dtstart=NOAH, decisions=decisions, now=NOW)
    with db.write() as s:
        appts = _appts(s, sid)
        for i in sorted(moves):
            if i < len(appts):
                booking.move_appointment(
                    s, manager, appts[i].id, now=NOW, start=appts[i].start_at + timedelta(hours=2)
                )
    with db.read() as s:
        export = series_for_export(s, sid)
        expanded = recurrence.occurrences(export.rrule, export.dtstart_local)
        got = {a.series_occurrence_start for a in _appts(s, sid)}
        expected = {o.astimezone(UTC) for o in expanded} - {d.astimezone(UTC) for d in export.exdates}
        assert got == expected
        overridden = {r.astimezone(UTC) for r, _ in export.overrides}
        plain = {a.start_at for a in _appts(s, sid) if a.series_occurrence_start not in overridden}
        assert plain == expected - overridden
        assert len(overridden) == len([i for i in moves if i < len(appts)])


def test_create_requires_permission_and_a_future_start(db, w, manager):
    from orca_desk.services.access.security import Actor

    viewer = Actor(username="v", role="clinician")
    with pytest.raises(OrcaError, match="may not book"), db.write() as s:
        create_series(s, viewer, **_kw(w), rrule="FREQ=WEEKLY;COUNT=2", dtstart=NOAH, now=NOW)
    with pytest.raises(ValidationError, match="past"), db.write() as s:
        create_series(
            s,
            manager,
            **_kw(w),
            rrule="FREQ=WEEKLY;COUNT=2",
            dtstart=datetime(2026, 2, 1, 9, 0, tzinfo=NY),
            now=NOW,
        )


# --- issue 18: sub-daily rules are refused quickly, naming the field --------------------------


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SECONDLY",
        "FREQ=MINUTELY;INTERVAL=15",
        "FREQ=HOURLY;COUNT=5",
        "FREQ=DAILY;BYHOUR=9,14",
        "FREQ=WEEKLY;BYMINUTE=0,30",
    ],
)
def test_rules_finer_than_a_day_are_refused_with_the_field_named(db, w, manager, rule):
    with pytest.raises(ValidationError) as preview_error, db.read() as s:
        preview_series(s, **_kw(w), rrule=rule, dtstart=NOAH, now=NOW)
    assert preview_error.value.field == "rrule"
    assert "at most once a day" in str(preview_error.value)
    with pytest.raises(ValidationError) as create_error, db.write() as s:
        create_series(s, manager, **_kw(w), rrule=rule, dtstart=NOAH, now=NOW)
    assert create_error.value.field == "rrule"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(RecurringSeries)) == 0
    sid = _make(db, w, manager, rule="FREQ=WEEKLY;COUNT=3")
    with pytest.raises(ValidationError) as modify_error, db.write() as s:
        modify_series(s, manager, _appts(s, sid)[0].id, scope="all", change=SeriesChange(rrule=rule), now=NOW)
    assert modify_error.value.field == "rrule"


def test_the_expansion_itself_is_bounded_for_any_caller():
    # A never-ending FREQ=SECONDLY rule over a year is 31 million dates: refused, not expanded.
    with pytest.raises(recurrence.RecurrenceRuleError, match="more than"):
        recurrence.occurrences("FREQ=SECONDLY", NOAH, until=NOAH + timedelta(days=365))


# --- issue 18: a date the scheduler skips becomes a staff task --------------------------------


def test_a_skipped_extension_date_creates_a_staff_task_naming_patient_and_date(db, w, manager):
    from orca_desk.models.reminders import StaffTask
    from orca_desk.services.confirmations import open_tasks

    with db.write() as s:
        sid = create_series(s, manager, **_kw(w), rrule="FREQ=WEEKLY;INTERVAL=4", dtstart=NOAH, now=NOW)
    later = NOW + timedelta(days=60)
    occs = recurrence.occurrences("FREQ=WEEKLY;INTERVAL=4", NOAH, limit=16)
    taken, holiday = occs[13], occs[14]  # 9 Mar 2027 (chair taken) and 6 Apr 2027 (clinic closed)
    with db.write() as s:
        book(s, manager, w["world"], patient=1, start=taken.astimezone(UTC), now=NOW)
        s.add(
            ScheduleException(
                kind="holiday",
                provider_id=None,
                location_id=None,
                start_day=holiday.date(),
                end_day=holiday.date(),
                name="Spring break",
                created_at=NOW,
            )
        )
        report = extend_horizons(s, now=later + timedelta(days=28))
        assert len(report.skipped) == 2
    with db.read() as s:
        tasks = list(s.scalars(select(StaffTask).order_by(StaffTask.id)))
        assert [t.kind for t in tasks] == ["series_skip", "series_skip"]
        assert {t.patient_id for t in tasks} == {w["patients"][0]} and {t.status for t in tasks} == {"open"}
        assert "Kid0 Smith" in tasks[0].reason and "Tue, Mar 9, 2027, 3:45 PM" in tasks[0].reason
        assert "Chair 1 is taken" in tasks[0].reason
        assert "Tue, Apr 6, 2027, 3:45 PM" in tasks[1].reason and "Spring break" in tasks[1].reason
        assert [r.kind for r in open_tasks(s, "series_skip")] == ["series_skip", "series_skip"]
    with db.write() as s:
        assert extend_horizons(s, now=later + timedelta(days=29)).skipped == ()
        assert s.scalar(select(func.count()).select_from(StaffTask)) == 2  # no second task
        assert sid


# --- issue 18: suggested alternatives never collide ---------------------------------------------


def _fill(s, actor, w, day: date, *, free: tuple[time, time] | None = None):
    """Keep the hygienist busy (another patient, chair 2) 07:00–19:00 that day, except ``free``."""
    spans = [(time(7), time(19))] if free is None else [(time(7), free[0]), (free[1], time(19))]
    for a, b in spans:
        start = datetime.combine(day, a, tzinfo=NY)
        end = datetime.combine(day, b, tzinfo=NY)
        while start < end:
            minutes = min(int((end - start).total_seconds() // 60), 480)
            book_ids(
                s,
                actor,
                patient_id=w["patients"][1],
                provider_id=w["hyg"],
                chair_id=w["chairs"][1],
                type_id=w["adj"],
                start=start.astimezone(UTC),
                now=NOW,
                minutes=minutes,
            )
            start += timedelta(minutes=minutes)


def test_suggestions_are_checked_against_each_other_and_all_can_be_accepted(db, w, manager):
    rule = "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6"  # Tue 10, Thu 12, Tue 17, Thu 19, Tue 24, Thu 26 March
    with db.write() as s:
        for d in (16, 17, 19, 20):
            _fill(s, manager, w, date(2026, 3, d))
        _fill(s, manager, w, date(2026, 3, 18), free=(time(16, 5), time(16, 25)))  # one free slot
    with db.read() as s:
        p = preview_series(s, **_kw(w), rrule=rule, dtstart=NOAH, now=NOW)
    assert [o.index for o in p.conflicts] == [3, 4]
    alts = [o.alternative for o in p.conflicts if o.alternative is not None]
    assert [a.start for a in alts] == [datetime(2026, 3, 18, 16, 5, tzinfo=NY)]  # given once, not twice
    decisions = {o.start: (o.alternative or "skip") for o in p.conflicts}
    with db.write() as s:
        sid = create_series(s, manager, **_kw(w), rrule=rule, dtstart=NOAH, decisions=decisions, now=NOW)
        assert len(_appts(s, sid)) == 5


def test_a_weekly_suggestion_stays_in_its_own_week(db, w, manager):
    rule = "FREQ=WEEKLY;COUNT=4"  # Tuesdays 10, 17, 24, 31 March
    with db.write() as s:
        for d in range(16, 21):  # the whole week of the 17th is taken
            _fill(s, manager, w, date(2026, 3, d))
        _fill(s, manager, w, date(2026, 3, 25), free=(time(9, 0), time(9, 20)))
    with db.read() as s:
        p = preview_series(s, **_kw(w), rrule=rule, dtstart=NOAH, now=NOW)
    (bad,) = p.conflicts
    assert bad.index == 2
    # Friday 13th or Monday 23rd would be free, but that week already has its visit.
    assert bad.alternative is None
    kept = [o for o in p.occurrences if o.ok or o.alternative]
    weekly = [o.alternative.start if o.alternative else o.start for o in kept]
    weeks = [d.isocalendar()[1] for d in weekly]
    assert len(weeks) == len(set(weeks))


# --- issue 18: "change all" covers the whole series, its continuations and exceptions ----------


def test_change_all_reaches_the_continuation_of_an_earlier_split(db, w, manager):
    sid = _make(db, w, manager, rule="FREQ=WEEKLY;COUNT=8")
    with db.write() as s:
        fourth = _appts(s, sid)[3]
        child = modify_series(
            s, manager, fourth.id, scope="following", now=NOW, change=SeriesChange(start_time=time(10, 0))
        )
    assert child != sid
    with db.write() as s:
        second = _appts(s, sid)[1]
        modify_series(s, manager, second.id, scope="all", change=SeriesChange(minutes=30), now=NOW)
    with db.read() as s:
        family = list(
            s.scalars(
                select(Appointment)
                .where(Appointment.status.in_(("scheduled", "confirmed")))
                .order_by(Appointment.start_at)
            )
        )
        assert len(family) == 8
        assert {a.end_at - a.start_at for a in family} == {timedelta(minutes=30)}
        local = [a.start_at.astimezone(NY).time() for a in family]
        assert local == [time(15, 45)] * 3 + [time(10, 0)] * 5  # the continuation keeps its own time


def test_change_all_gives_moved_occurrences_the_new_length_where_they_are(db, w, manager):
    sid = _make(db, w, manager, rule="FREQ=WEEKLY;COUNT=6")
    with db.write() as s:
        third = _appts(s, sid)[2]
        modify_series(
            s, manager, third.id, scope="this", change=SeriesChange(start_time=time(14, 0)), now=NOW
        )
    with db.write() as s:
        first = _appts(s, sid)[0]
        new_id = modify_series(
            s,
            manager,
            first.id,
            scope="all",
            change=SeriesChange(minutes=40, chair_id=w["chairs"][2]),
            now=NOW,
        )
    with db.read() as s:
        appts = _appts(s, new_id)
        assert len(appts) == 6
        assert {a.end_at - a.start_at for a in appts} == {timedelta(minutes=40)}
        assert {a.chair_id for a in appts} == {w["chairs"][2]}
        moved = [a for a in appts if a.start_at.astimezone(NY).time() == time(14, 0)]
        assert len(moved) == 1
        assert moved[0].start_at.astimezone(NY).date() == (NOAH + timedelta(weeks=2)).date()


def test_preview_of_change_all_lists_what_will_change_and_writes_nothing(db, w, manager):
    from orca_desk.services.series import preview_series_change

    sid = _make(db, w, manager, rule="FREQ=WEEKLY;COUNT=6")
    with db.write() as s:
        fourth = _appts(s, sid)[3]
        modify_series(
            s, manager, fourth.id, scope="following", now=NOW, change=SeriesChange(start_time=time(10, 0))
        )
    with db.read() as s:
        before = [(a.id, a.start_at, a.end_at, a.status) for a in s.scalars(select(Appointment))]
    with db.write() as s:
        first = _appts(s, sid)[0]
        plan = preview_series_change(
            s, manager, first.id, scope="all", change=SeriesChange(minutes=30), now=NOW
        )
    assert plan.error is None
    assert len(plan.rows) == 6 and {r.kind for r in plan.rows} == {"changed"}
    assert plan.rows[3].before_start.time() == time(10, 0) and plan.rows[3].after_end.time() == time(10, 30)
    assert "6 occurrences change" in plan.summary
    with db.read() as s:
        assert [(a.id, a.start_at, a.end_at, a.status) for a in s.scalars(select(Appointment))] == before
        assert s.scalar(select(func.count()).select_from(RecurringSeries)) == 2
