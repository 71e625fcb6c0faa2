"""The fast read paths give what the general ones gave: SQLite instants parsed as UTC, a calendar
day at two locations in two zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import DateTime, event, select, text
from sqlalchemy.dialects import sqlite

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.base import UTCDateTime
from orca_desk.models.clinic import Chair, Location
from orca_desk.services.calendar import calendar_data
from tests.factories import make_world

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
STAMP = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "stored",
    [
        "2026-11-17 14:00:00.000000",
        "2026-11-17 14:00:00.250000",
        "2026-11-17 14:00:00",
        "2026-11-17 14:00",
        "2026-11-17T14:00:00",
        "2026-11-17 14:00:00+00:00",
        "2026-11-17 09:00:00-05:00",
        "2026-11-17",
    ],
)
def test_sqlite_text_reads_as_the_general_parser_read_it(stored):
    dialect = sqlite.dialect()
    fast = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
    impl = DateTime(timezone=True).dialect_impl(dialect).result_processor(dialect, None)
    assert fast is not None and impl is not None
    general = UTCDateTime().process_result_value(impl(stored), dialect)
    got = fast(stored)
    assert got == general and got.tzinfo is not None
    assert got.utcoffset() == timedelta(0)


def test_an_instant_round_trips_through_sqlite_as_utc(db):
    with db.write() as s:
        w = make_world(s)
        s.add(
            Appointment(
                clinic_id=w.clinic.id,
                patient_id=w.patients[0].id,
                provider_id=w.ortho.id,
                chair_id=w.chairs[0].id,
                location_id=w.location.id,
                type_id=w.adjustment.id,
                start_at=datetime(2026, 3, 4, 9, 30, 0, 123456, tzinfo=NY),
                end_at=datetime(2026, 3, 4, 9, 50, tzinfo=NY),
                created_at=STAMP,
                updated_at=STAMP,
            )
        )
    with db.read() as s:
        start, end = s.execute(select(Appointment.start_at, Appointment.end_at)).one()
        stored = s.execute(text("SELECT start_at FROM appointment")).scalar_one()
    assert stored == "2026-03-04 14:30:00.123456"
    assert start == datetime(2026, 3, 4, 14, 30, 0, 123456, tzinfo=UTC) and start.tzinfo is UTC
    assert end == datetime(2026, 3, 4, 14, 50, tzinfo=UTC) and end.tzinfo is UTC
    assert s.execute(select(Appointment.start_at).where(Appointment.id == -1)).scalar() is None


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


def test_a_day_at_two_locations_keeps_each_locations_own_day(any_db):
    with any_db.write() as s:
        w = make_world(s, patients=3)
        west = Location(clinic_id=w.clinic.id, name="Westside", timezone="America/Los_Angeles")
        s.add(west)
        s.flush()
        west_chair = Chair(location_id=west.id, name="W1", sort_order=0)
        s.add(west_chair)
        s.flush()

        def visit(loc: Location, chair: Chair, local: datetime, minutes: int = 20, **kw: str) -> int:
            a = Appointment(
                clinic_id=w.clinic.id,
                patient_id=w.patients[0].id,
                provider_id=w.ortho.id,
                chair_id=chair.id,
                location_id=loc.id,
                type_id=w.adjustment.id,
                start_at=local,
                end_at=local + timedelta(minutes=minutes),
                created_at=STAMP,
                updated_at=STAMP,
                **kw,
            )
            s.add(a)
            s.flush()
            return a.id

        ny_late = visit(w.location, w.chairs[0], datetime(2026, 3, 4, 23, 30, tzinfo=NY))
        ny_next = visit(w.location, w.chairs[0], datetime(2026, 3, 5, 0, 10, tzinfo=NY))  # 21:10 in LA
        la_late = visit(west, west_chair, datetime(2026, 3, 4, 23, 0, tzinfo=LA))  # 02:00 next day in NY
        la_early = visit(west, west_chair, datetime(2026, 3, 4, 0, 0, tzinfo=LA))
        gone = visit(w.location, w.chairs[1], datetime(2026, 3, 4, 9, 0, tzinfo=NY), status="cancelled")
        ids = (w.location.id, west.id)
    zones = {ids[0]: NY, ids[1]: LA}
    with any_db.read() as s:
        rows = calendar_data.load_days(s, zones, [date(2026, 3, 4)])
        with_missed = calendar_data.load_days(s, zones, [date(2026, 3, 4)], include_cancelled=True)
    assert [r.id for r in rows] == [la_early, ny_late, la_late]
    with any_db.read() as s:  # one location: its own day, nothing of the other's

        def one(loc: int, zone: ZoneInfo, day: date) -> list[int]:
            return [r.id for r in calendar_data.load_days(s, {loc: zone}, [day])]

        assert one(ids[1], LA, date(2026, 3, 4)) == [la_early, la_late]
        assert one(ids[0], NY, date(2026, 3, 4)) == [ny_late]
        assert one(ids[0], NY, date(2026, 3, 5)) == [ny_next]
    assert gone in {r.id for r in with_missed} and ny_next not in {r.id for r in with_missed}
    first = rows[0]
    assert (first.patient_name, first.patient_initials, first.type_name, first.alerts) == (
        "Kid0 Smith",
        "K.S.",
        "Adjustment",
        "",
    )
    assert first.start == datetime(2026, 3, 4, 8, 0, tzinfo=UTC) and first.start.utcoffset() == timedelta(0)
    assert first.location_id == ids[1] and first.series_id is None


def test_every_kind_of_search_text_finds_the_same_patients_on_both_databases(any_db, clock, receptionist):
    from orca_desk.models.patient import Patient
    from orca_desk.services.patients.patients import PatientInput, create_patient, search_patients

    with any_db.write() as s:
        clinic_id = make_world(s, patients=0).clinic.id
        for data in (
            PatientInput("Ava", "Smith", date(2012, 5, 1), phone="6175550101", email="ava@example.com"),
            PatientInput(
                "Liam",
                "Smithers",
                date(2011, 2, 3),
                guardian_name="Maria Rivera",
                guardian_relation="mother",
                guardian_phone="6175550199",
                guardian_email="maria@example.org",
            ),
            PatientInput("Noah", "Jones", phone="6175550103"),
            PatientInput("Old", "Smith", phone="6175550104"),
        ):
            create_patient(s, receptionist, clinic_id, data, now=clock.now())
        s.flush()
        noah = s.scalars(select(Patient).where(Patient.first_name == "Noah")).one()
        noah.chart_number, noah.preferred_name = "A-17", "Noe"
        s.scalars(select(Patient).where(Patient.first_name == "Old")).one().is_active = False

    def names(text: str, **kw: int) -> list[str]:
        with any_db.read() as s:
            return [r.name for r in search_patients(s, text, **kw)]

    assert names("SMITH") == ["Ava Smith", "Liam Smithers"]  # the inactive Old Smith is left out
    assert names("smith", limit=1) == ["Ava Smith"]
    assert names("Smith, L") == ["Liam Smithers"]
    assert names("liam smi") == names("smi liam") == ["Liam Smithers"]
    assert names("Maria Riv") == names("mar") == ["Liam Smithers"]  # the guardian's name
    assert names("noe") == names("a-17") == ["Noah Jones"]  # preferred name, chart number
    assert names("AVA@EX") == ["Ava Smith"] and names("maria@") == ["Liam Smithers"]
    assert names("(617) 555-0101") == ["Ava Smith"]  # a whole number, any format
    assert names("555-0199") == ["Liam Smithers"]  # part of the guardian's (contact) number
    assert names("5550103") == ["Noah Jones"]
    assert names("2011-02-03") == ["Liam Smithers"]  # date of birth
    assert names("Smi%") == [] and names("A_17") == []
    with any_db.read() as s:
        [row] = search_patients(s, "ava")
    assert (row.date_of_birth, row.contact_phone, row.guardian_name) == (
        date(2012, 5, 1),
        "+16175550101",
        None,
    )


@pytest.mark.parametrize("text", ["gar", "mar s", "Smith, L", "ava@ex"])
def test_a_name_search_on_postgresql_reads_the_lowered_indexes(pg_db, text):
    """Each column a name or email search matches is answered from its lower() index, never by
    reading every patient: with sequential scans ruled out, the plan still has none."""
    from orca_desk.services.patients.patients import search_patients

    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(pg_db.engine, "before_cursor_execute", capture)
    try:
        with pg_db.read() as s:
            search_patients(s, text)
    finally:
        event.remove(pg_db.engine, "before_cursor_execute", capture)
    [(sql, params)] = statements
    with pg_db.read() as s:
        conn = s.connection()
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {sql}", params))  # type: ignore[arg-type]
    assert "Seq Scan" not in plan and "_lower" in plan, plan
