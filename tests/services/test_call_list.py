"""The morning call list: the next business day, one location, local order, phones for dialling."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Chair, Location
from orca_desk.models.schedule import ScheduleException
from orca_desk.services import confirmations
from orca_desk.services.phones import format_phone
from tests.factories import World, make_world

NY = ZoneInfo("America/New_York")
DENVER = ZoneInfo("America/Denver")
# Tuesday 3 March 2026, 07:45 in New York: the morning call.
TUE_0745 = datetime(2026, 3, 3, 7, 45, tzinfo=NY).astimezone(UTC)
FRI_0745 = datetime(2026, 3, 6, 7, 45, tzinfo=NY).astimezone(UTC)


def _visit(
    s, w: World, loc: Location, chair: Chair, kid: int, local: datetime, confirmation: str = "unconfirmed"
) -> int:
    start = local.astimezone(UTC)
    a = Appointment(
        clinic_id=w.clinic.id,
        patient_id=w.patients[kid].id,
        provider_id=w.ortho.id,
        chair_id=chair.id,
        location_id=loc.id,
        type_id=w.adjustment.id,
        start_at=start,
        end_at=start + timedelta(minutes=20),
        confirmation=confirmation,
        created_at=TUE_0745,
        updated_at=TUE_0745,
    )
    s.add(a)
    s.flush()
    return a.id


def _world(db: Database) -> tuple[World, int, int, dict[str, int]]:
    """Northside (New York) and Foothills (Denver), with visits today, tomorrow, Friday and Monday."""
    with db.write() as s:
        w = make_world(s, patients=6)
        west = Location(clinic_id=w.clinic.id, name="Foothills", timezone="America/Denver")
        s.add(west)
        s.flush()
        west_chair = Chair(location_id=west.id, name="West 1", sort_order=0)
        s.add(west_chair)
        s.flush()
        ny, c = w.location, w.chairs[0]
        w.patients[0].contact_phone = "+16175551000"
        ids = {
            "today_8am": _visit(s, w, ny, c, 0, datetime(2026, 3, 3, 8, 0, tzinfo=NY)),
            "wed_10": _visit(s, w, ny, c, 1, datetime(2026, 3, 4, 10, 0, tzinfo=NY)),
            "wed_0830": _visit(s, w, ny, w.chairs[1], 0, datetime(2026, 3, 4, 8, 30, tzinfo=NY)),
            "wed_confirmed": _visit(
                s, w, ny, w.chairs[2], 2, datetime(2026, 3, 4, 9, 0, tzinfo=NY), confirmation="confirmed"
            ),
            "wed_evening": _visit(s, w, ny, c, 3, datetime(2026, 3, 4, 19, 40, tzinfo=NY)),
            "thu": _visit(s, w, ny, c, 3, datetime(2026, 3, 5, 9, 0, tzinfo=NY)),
            "west_wed_9": _visit(s, w, west, west_chair, 4, datetime(2026, 3, 4, 9, 0, tzinfo=DENVER)),
            "west_wed_0815": _visit(s, w, west, west_chair, 5, datetime(2026, 3, 4, 8, 15, tzinfo=DENVER)),
            "sat": _visit(s, w, ny, c, 1, datetime(2026, 3, 7, 9, 0, tzinfo=NY)),
            "mon": _visit(s, w, ny, c, 2, datetime(2026, 3, 9, 9, 0, tzinfo=NY)),
            "tue_next": _visit(s, w, ny, c, 2, datetime(2026, 3, 10, 9, 0, tzinfo=NY)),
        }
        return w, ny.id, west.id, ids


def test_at_0745_only_tomorrows_unconfirmed_visits_of_the_chosen_location_in_local_order(db):
    _, ny, west, ids = _world(db)
    with db.read() as s:
        rows = confirmations.call_list(s, now=TUE_0745, location_id=ny)
        west_rows = confirmations.call_list(s, now=TUE_0745, location_id=west)
        assert confirmations.call_day(s, ny, now=TUE_0745) == date(2026, 3, 4)
    assert [r.appointment_id for r in rows] == [ids["wed_0830"], ids["wed_10"], ids["wed_evening"]]
    assert {r.location for r in rows} == {"Northside"}
    assert rows[0].when.endswith(("8:30 AM", "08:30"))
    assert [r.appointment_id for r in west_rows] == [ids["west_wed_0815"], ids["west_wed_9"]]


def test_all_locations_sort_by_local_wall_clock_time(db):
    _, _, _, ids = _world(db)
    with db.read() as s:
        rows = confirmations.call_list(s, now=TUE_0745)
    got = [r.appointment_id for r in rows]
    # 08:15 Denver is 10:15 in New York: by the UTC instant it would come after 10:00 New York.
    assert got == [
        ids["west_wed_0815"],
        ids["wed_0830"],
        ids["west_wed_9"],
        ids["wed_10"],
        ids["wed_evening"],
    ]


def test_a_friday_gives_monday_and_a_holiday_is_skipped(db):
    _, ny, _, ids = _world(db)
    with db.read() as s:
        assert [r.appointment_id for r in confirmations.call_list(s, now=FRI_0745, location_id=ny)] == [
            ids["mon"]
        ]
    with db.write() as s:
        s.add(
            ScheduleException(
                kind="holiday",
                location_id=ny,
                start_day=date(2026, 3, 9),
                end_day=date(2026, 3, 9),
                name="Closed",
                created_at=TUE_0745,
            )
        )
    with db.read() as s:
        assert confirmations.call_day(s, ny, now=FRI_0745) == date(2026, 3, 10)
        assert [r.appointment_id for r in confirmations.call_list(s, now=FRI_0745, location_id=ny)] == [
            ids["tue_next"]
        ]


def test_an_explicit_day_and_phones_in_national_format(db):
    _, ny, _, ids = _world(db)
    with db.read() as s:
        rows = confirmations.call_list(s, now=TUE_0745, location_id=ny, day=date(2026, 3, 5))
    assert [r.appointment_id for r in rows] == [ids["thu"]]
    with db.read() as s:
        wed = confirmations.call_list(s, now=TUE_0745, location_id=ny)
    assert wed[0].phones == ("(617) 555-1000",)
    assert format_phone("+441632960961", "US") == "+44 1632 960961"
    assert format_phone("call mum", "US") == "call mum"
    assert time(7, 45) == TUE_0745.astimezone(NY).time()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


def test_a_row_shows_the_guardian_the_last_outcome_and_the_attempts(any_db, receptionist):
    _, ny, _, ids = _world(any_db)
    with any_db.write() as s:
        kid = s.get(Appointment, ids["wed_10"]).patient
        kid.guardian_name, kid.guardian_relation, kid.guardian_phone = "Ana Smith", "mother", "+16175552000"
        confirmations.record_call_outcome(s, receptionist, ids["wed_10"], "no_answer", now=TUE_0745)
        confirmations.record_call_outcome(
            s, receptionist, ids["wed_10"], "left_voicemail", now=TUE_0745 + timedelta(minutes=5)
        )
    with any_db.read() as s:
        rows = {r.appointment_id: r for r in confirmations.call_list(s, now=TUE_0745, location_id=ny)}
    row = rows[ids["wed_10"]]
    assert (row.patient, row.responsible) == ("Kid1 Smith", "Ana Smith (mother)")
    assert row.phones == ("(617) 555-1001", "(617) 555-2000")
    assert (row.last_outcome, row.attempts, row.type_name) == ("Left voicemail", 2, "Adjustment")
    other = rows[ids["wed_0830"]]
    assert (other.responsible, other.last_outcome, other.attempts) == ("Kid0 Smith", "", 0)
    assert other.start == datetime(2026, 3, 4, 8, 30, tzinfo=NY) and other.start.tzinfo is UTC


@pytest.mark.parametrize(
    ("guardian", "relation", "asked_for"),
    [("Ana Smith", "", "Ana Smith"), ("", "mother", "Kid1 Smith"), (None, None, "Kid1 Smith")],
)
def test_a_guardian_without_a_relation_is_asked_for_by_name_alone(any_db, guardian, relation, asked_for):
    _, ny, _, ids = _world(any_db)
    with any_db.write() as s:
        kid = s.get(Appointment, ids["wed_10"]).patient
        kid.guardian_name, kid.guardian_relation = guardian, relation
    with any_db.read() as s:
        rows = {r.appointment_id: r for r in confirmations.call_list(s, now=TUE_0745, location_id=ny)}
    assert rows[ids["wed_10"]].responsible == asked_for


def test_on_the_night_the_clocks_go_back_the_list_keeps_wall_clock_order(db):
    w, ny, _, _ = _world(db)
    with db.write() as s:
        loc, chair = s.get(Location, ny), s.get(Chair, w.chairs[0].id)
        # 1:30 EDT comes first in time, 1:15 EST first on the wall clock (2026-11-01, New York).
        first_in_time = _visit(s, w, loc, chair, 0, datetime(2026, 11, 1, 1, 30, tzinfo=NY))
        first_on_the_wall = _visit(s, w, loc, chair, 1, datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NY))
        later = _visit(s, w, loc, chair, 2, datetime(2026, 11, 1, 9, 0, tzinfo=NY))
    with db.read() as s:
        rows = confirmations.call_list(s, now=TUE_0745, location_id=ny, day=date(2026, 11, 1))
    assert [r.appointment_id for r in rows] == [first_on_the_wall, first_in_time, later]
    assert rows[0].start > rows[1].start


@pytest.mark.parametrize(
    ("language", "country", "clock", "when"),
    [
        ("en", "US", None, "Wed, Mar 4 8:30 AM"),
        ("en", "GB", "24h", "Wed 4 Mar 08:30"),
        ("es", None, None, "mié, 4 mar 8:30 a. m."),
        ("es", None, "24h", "mié, 4 mar 08:30"),
    ],
)
def test_a_visits_time_is_in_the_desks_language_and_the_clinics_clock(
    db, desk_locale, language, country, clock, when
):
    from orca_desk.models.clinic_setting import ClinicSetting

    _, ny, _, ids = _world(db)
    if clock:
        with db.write() as s:
            s.add(ClinicSetting(key="time_format", value=clock, updated_at=TUE_0745))
    desk_locale(language, country)
    with db.read() as s:
        rows = confirmations.call_list(s, now=TUE_0745, location_id=ny)
    assert rows[0].appointment_id == ids["wed_0830"]
    assert rows[0].when == when
