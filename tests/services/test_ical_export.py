"""iCal export: parsed by icalendar and expanded by an independent expander, equal to the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.models.series import RecurringSeries, SeriesException
from orca_desk.services import recurrence
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.exporting.ical_export import EventData, SeriesExport, export_ical, write_calendar
from tests.conftest import NOW
from tests.factories import World, make_world

NY = ZoneInfo("America/New_York")
RULE = "FREQ=WEEKLY;BYDAY=TU;COUNT=8"
SERIES_START = datetime(2026, 2, 24, 9, 0, tzinfo=NY)  # 8 Tuesdays at 09:00 across 8 March (DST)


def _local(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute), tzinfo=NY)


def _add(
    s,
    w: World,
    start: datetime,
    minutes: int = 20,
    *,
    patient=0,
    chair=0,
    provider=None,
    status="scheduled",
    confirmation="unconfirmed",
    series_id=None,
    occurrence=None,
) -> Appointment:
    a = Appointment(
        clinic_id=w.clinic.id,
        patient_id=w.patients[patient].id,
        provider_id=(provider or w.ortho).id,
        chair_id=w.chairs[chair].id,
        location_id=w.location.id,
        type_id=w.adjustment.id,
        start_at=start.astimezone(UTC),
        end_at=(start + timedelta(minutes=minutes)).astimezone(UTC),
        status=status,
        confirmation=confirmation,
        series_id=series_id,
        series_occurrence_start=occurrence.astimezone(UTC) if occurrence else None,
        created_at=NOW,
        updated_at=NOW,
    )
    s.add(a)
    return a


@pytest.fixture
def world(db):
    """Singles on both sides of both DST changes, and one weekly series with a removed and a moved
    occurrence."""
    with db.write() as s:
        w = make_world(s, chairs=3, patients=4)
        w.patients[0].first_name, w.patients[0].last_name = "Ava", "Rossi"
        w.patients[1].first_name, w.patients[1].last_name = "Liam", "Park"
        _add(s, w, _local(date(2026, 3, 6), 15, 30), confirmation="confirmed")  # EST
        _add(s, w, _local(date(2026, 3, 9), 15, 30), patient=1, chair=1)  # EDT
        _add(s, w, _local(date(2026, 10, 30), 8), chair=2, provider=w.hygienist)  # EDT
        _add(s, w, _local(date(2026, 11, 2), 8), chair=2, provider=w.hygienist)  # EST
        _add(s, w, _local(date(2026, 3, 10), 11), patient=1, status="cancelled")  # not exported
        series = RecurringSeries(
            clinic_id=w.clinic.id,
            patient_id=w.patients[2].id,
            provider_id=w.ortho.id,
            chair_id=w.chairs[1].id,
            location_id=w.location.id,
            type_id=w.adjustment.id,
            rrule=RULE,
            start_date=SERIES_START.date(),
            start_minute=9 * 60,
            timezone="America/New_York",
            minutes=20,
            end_kind="count",
            count=8,
            created_at=NOW,
            updated_at=NOW,
        )
        s.add(series)
        s.flush()
        for i, occ in enumerate(recurrence.occurrences(RULE, SERIES_START)):
            if i == 2:  # 10 March: cancelled → EXDATE
                _add(s, w, occ, patient=2, chair=1, status="cancelled", series_id=series.id, occurrence=occ)
                s.add(
                    SeriesException(
                        series_id=series.id,
                        original_start=occ.astimezone(UTC),
                        kind="removed",
                        created_at=NOW,
                    )
                )
            elif i == 4:  # 24 March moved to 14:00 → RECURRENCE-ID override
                a = _add(s, w, occ.replace(hour=14), patient=2, chair=1, series_id=series.id, occurrence=occ)
                s.flush()
                s.add(
                    SeriesException(
                        series_id=series.id,
                        original_start=occ.astimezone(UTC),
                        kind="override",
                        appointment_id=a.id,
                        created_at=NOW,
                    )
                )
            else:
                _add(s, w, occ, patient=2, chair=1, series_id=series.id, occurrence=occ)
        s.flush()
        return w


def _export(db, **kw) -> tuple[bytes, object]:
    opts = {"start": date(2026, 1, 1), "end": date(2026, 12, 31), "now": NOW, **kw}
    with db.read() as s:
        result = export_ical(s, **opts)
    return result.data, result


def _db_active(db, start: date, end: date) -> set[tuple[datetime, datetime]]:
    with db.read() as s:
        rows = s.execute(
            select(Appointment.start_at, Appointment.end_at).where(
                Appointment.status.not_in(("cancelled", "no_show"))
            )
        ).all()
    return {(a, b) for a, b in rows if start <= a.astimezone(NY).date() <= end}


def _expanded(data: bytes, start: date, end: date) -> set[tuple[datetime, datetime]]:
    cal = Calendar.from_ical(data)
    events = recurring_ical_events.of(cal).between(start, end + timedelta(days=1))
    return {(e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in events}


def test_round_trip_equals_the_database_across_dst(db, world):
    data, result = _export(db)
    assert _expanded(data, date(2026, 1, 1), date(2026, 12, 31)) == _db_active(
        db, date(2026, 1, 1), date(2026, 12, 31)
    )
    assert (result.events, result.series, result.overrides, result.exdates) == (4, 1, 1, 1)
    cal = Calendar.from_ical(data)
    # the series keeps 09:00 local on both sides of 8 March
    window = recurring_ical_events.of(cal).between(date(2026, 2, 1), date(2026, 4, 30))
    starts = sorted(e.start for e in window if str(e["UID"]).startswith("series-"))
    assert {s.astimezone(NY).hour for s in starts} == {9, 14}
    assert len(starts) == 7


def test_series_is_one_vevent_with_rrule_exdate_and_override(db, world):
    data, _ = _export(db)
    cal = Calendar.from_ical(data)
    series = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("series-")]
    masters = [e for e in series if "RRULE" in e]
    overrides = [e for e in series if "RECURRENCE-ID" in e]
    assert len(masters) == 1 and len(overrides) == 1
    master = masters[0]
    assert b"RRULE:" + RULE.encode() in data
    assert dict(master["RRULE"]) == {"FREQ": ["WEEKLY"], "BYDAY": ["TU"], "COUNT": [8]}
    assert master.start == SERIES_START and master.start.tzinfo.key == "America/New_York"
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 3, 10, 9, tzinfo=NY)]
    assert overrides[0]["RECURRENCE-ID"].dt == datetime(2026, 3, 24, 9, tzinfo=NY)
    assert overrides[0].start == datetime(2026, 3, 24, 14, tzinfo=NY)
    assert b"DTSTART;TZID=America/New_York:20260224T090000" in data


def test_vtimezone_included_and_covers_both_changes(db, world):
    data, _ = _export(db)
    cal = Calendar.from_ical(data)
    (tz,) = cal.walk("VTIMEZONE")
    assert tz["TZID"] == "America/New_York"
    transitions = {sub["DTSTART"].dt.date() for sub in tz.walk() if sub.name in ("STANDARD", "DAYLIGHT")}
    assert date(2026, 3, 8) in transitions and date(2026, 11, 1) in transitions
    assert cal.get_missing_tzids() == set()


def test_uids_stable_between_exports(db, world):
    first, _ = _export(db)
    second, _ = _export(db, now=NOW + timedelta(days=3))
    uids = lambda data: sorted(str(e["UID"]) for e in Calendar.from_ical(data).walk("VEVENT"))  # noqa: E731
    assert uids(first) == uids(second)
    assert all(u.endswith("@test-ortho.orca-desk") for u in uids(first))
    assert first != second  # only DTSTAMP moved
    assert b"DTSTAMP:20260306T140000Z" in second


def test_privacy_initials_by_default_full_on_request(db, world):
    data, _ = _export(db)
    text = data.decode()
    assert "A.R." in text and "L.P." in text
    for secret in ("Ava", "Rossi", "Liam", "Park", "Adjustment"):
        assert secret not in text
    full, _ = _export(db, privacy="full")
    assert "Ava Rossi — Adjustment" in full.decode()
    statuses = {str(e["STATUS"]) for e in Calendar.from_ical(full).walk("VEVENT")}
    assert statuses == {"CONFIRMED", "TENTATIVE"}


def test_filters_by_provider_chair_and_range(db, world):
    data, result = _export(db, provider_id=world.hygienist.id)
    assert _expanded(data, date(2026, 1, 1), date(2026, 12, 31)) == {
        (_local(date(2026, 10, 30), 8).astimezone(UTC), _local(date(2026, 10, 30), 8, 20).astimezone(UTC)),
        (_local(date(2026, 11, 2), 8).astimezone(UTC), _local(date(2026, 11, 2), 8, 20).astimezone(UTC)),
    }
    data, result = _export(db, chair_id=world.chairs[0].id)
    assert result.events == 1 and result.series == 0
    data, result = _export(db, start=date(2026, 3, 9), end=date(2026, 3, 9))
    assert result.events == 1 and result.series == 0


def test_lines_folded_and_text_escaped():
    ev = EventData(
        start=datetime(2026, 3, 3, 9, tzinfo=NY),
        end=datetime(2026, 3, 3, 9, 20, tzinfo=NY),
        summary="Ünïcode; name, with commas",
        description="x" * 200 + "\nsecond line",
        location="Northside, Chair 1",
        status="TENTATIVE",
    )
    data = write_calendar([("appt-1@x.orca-desk", ev)], [], name="T", now=NOW)
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
    parsed = next(iter(Calendar.from_ical(data).walk("VEVENT")))
    assert str(parsed["SUMMARY"]) == "Ünïcode; name, with commas"
    assert str(parsed["DESCRIPTION"]) == "x" * 200 + "\nsecond line"


def test_series_dataclass_path_expands_like_the_rule_minus_exdates():
    """The exporter's series interface on its own: RRULE + EXDATE + RECURRENCE-ID across DST."""
    start = datetime(2026, 10, 20, 8, 30, tzinfo=NY)
    occs = recurrence.occurrences("FREQ=WEEKLY;INTERVAL=1;COUNT=5", start)

    def ev(a):
        return EventData(
            start=a,
            end=a + timedelta(minutes=30),
            summary="K.S. — appointment",
            description="",
            location="Northside",
            status="TENTATIVE",
        )

    series = SeriesExport(
        uid="series-9@x.orca-desk",
        rrule="FREQ=WEEKLY;INTERVAL=1;COUNT=5",
        zone=NY,
        master=ev(start),
        exdates=(occs[1],),
        overrides=((occs[3], ev(occs[3].replace(hour=16))),),
    )
    data = write_calendar([], [series], name="T", now=NOW)
    got = sorted(
        e.start
        for e in recurring_ical_events.of(Calendar.from_ical(data)).between(
            date(2026, 10, 1), date(2026, 12, 31)
        )
    )
    want = sorted([occs[0], occs[2], occs[3].replace(hour=16), occs[4]])
    assert got == want
    assert {g.astimezone(NY).hour for g in got} == {8, 16}  # 08:30 on both sides of 1 November


def test_errors_name_what_is_wrong(db, world):
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        _export(db, start=date(2026, 3, 2), end=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="Privacy 'none'"):
        _export(db, privacy="none")
    with pytest.raises(NotFound, match="no provider with id 999"):
        _export(db, provider_id=999)
