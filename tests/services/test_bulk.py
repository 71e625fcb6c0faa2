"""Bulk inserts land the same way on SQLite (sqlite3) and PostgreSQL (COPY); Core reads through the
driver's cursor give what Core execution gives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    bindparam,
    event,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.exc import OperationalError

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.models.schedule import ScheduleException
from orca_desk.services.bulk import core_tuples
from orca_desk.services.demo import load_demo
from tests.factories import make_world

NOW = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("fixture", ["db", "pg_db"])
def test_the_small_demo_loads_the_same_on_both_databases(fixture, request):
    database = request.getfixturevalue(fixture)
    with database.write() as s:
        summary = load_demo(s, "small", now=NOW)
    with database.read() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == summary.appointments
        assert s.scalar(select(func.count()).select_from(Patient)) == summary.patients
        first = s.scalars(select(Appointment).order_by(Appointment.start_at)).first()
        assert first is not None and first.start_at.tzinfo is not None  # instants kept, in UTC
        assert first.end_at > first.start_at


def test_postgres_and_sqlite_hold_the_same_demo(db, pg_db):
    def fingerprint(database):
        with database.write() as s:
            load_demo(s, "small", now=NOW)
        with database.read() as s:
            return s.execute(
                select(Appointment.start_at, Appointment.end_at, Appointment.status, Appointment.notes)
                .order_by(Appointment.start_at, Appointment.chair_id)
                .limit(200)
            ).all()

    assert fingerprint(db) == fingerprint(pg_db)


# ----- core_tuples: a compiled Core SELECT run on the driver's cursor --------------------------

_WINDOW = (
    select(
        Appointment.id,
        Appointment.start_at,
        Appointment.status,
        literal("fixed").label("kind"),
    )
    .where(
        Appointment.start_at >= bindparam("since"),
        Appointment.status.in_(["scheduled", "confirmed"]),
        Appointment.chair_id.in_(bindparam("chairs", expanding=True)),
    )
    .order_by(Appointment.id)
)
_DAYS = union_all(
    select(ScheduleException.id, ScheduleException.start_day).where(
        ScheduleException.start_day >= bindparam("first")
    ),
    select(ScheduleException.id, ScheduleException.end_day).where(
        ScheduleException.end_day <= bindparam("first")
    ),
)


def _booked_world(database: Database) -> list[int]:
    with database.write() as s:
        w = make_world(s, chairs=3)
        for i, status in enumerate(["scheduled", "confirmed", "cancelled", "scheduled"]):
            start = datetime(2026, 3, 4 + i, 14, 30, tzinfo=UTC)
            s.add(
                Appointment(
                    clinic_id=w.clinic.id,
                    patient_id=w.patients[0].id,
                    provider_id=w.ortho.id,
                    chair_id=w.chairs[i % 3].id,
                    location_id=w.location.id,
                    type_id=w.adjustment.id,
                    start_at=start,
                    end_at=start + timedelta(minutes=20),
                    status=status,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        for day in (date(2026, 3, 1), date(2026, 3, 9)):
            s.add(ScheduleException(kind="holiday", start_day=day, end_day=day, name="H", created_at=NOW))
        return [c.id for c in w.chairs]


@pytest.mark.parametrize("fixture", ["db", "pg_db"])
def test_core_tuples_reads_what_core_execution_reads(fixture, request):
    """Instants, dates, fixed values, IN lists of each length (none, one, several, back and forth):
    the same tuples as ``Connection.execute``, with the values bound through the columns' types."""
    database = request.getfixturevalue(fixture)
    chairs = _booked_world(database)
    since = datetime(2026, 3, 4, 9, 30, tzinfo=ZoneInfo("America/New_York"))  # bound as UTC
    with database.read() as s:
        conn = s.connection()
        for ids in ([], chairs[:1], chairs, chairs[1:], [], chairs):
            params = {"since": since, "chairs": ids}
            got = core_tuples(conn, _WINDOW, params)
            assert got == [tuple(r) for r in conn.execute(_WINDOW, params)]
            assert all(type(r) is tuple for r in got)
        rows = core_tuples(conn, _WINDOW, {"since": since, "chairs": chairs})
        assert [r[2] for r in rows] == ["scheduled", "confirmed", "scheduled"]
        assert rows[0][1] == datetime(2026, 3, 4, 14, 30, tzinfo=UTC) and rows[0][3] == "fixed"
        days = core_tuples(conn, _DAYS, {"first": date(2026, 3, 5)})
        assert sorted(days) == sorted(tuple(r) for r in conn.execute(_DAYS, {"first": date(2026, 3, 5)}))
        assert {d for _, d in days} == {date(2026, 3, 1), date(2026, 3, 9)}


def test_core_tuples_is_seen_by_statement_listeners_and_raises_sqlalchemy_errors(db):
    chairs = _booked_world(db)
    seen: list[str] = []

    def listener(_conn, _cursor, statement, _parameters, _context, _executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with db.read() as s:
            core_tuples(s.connection(), _WINDOW, {"since": NOW, "chairs": chairs})
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(seen) == 1 and "FROM appointment" in seen[0]
    missing = Table("no_such_table", MetaData(), Column("id", Integer))
    with db.read() as s, pytest.raises(OperationalError):
        core_tuples(s.connection(), select(missing.c.id), {})


def test_core_tuples_refuses_a_value_the_statement_renders_into_its_sql(db):
    frozen = select(Appointment.id).where(Appointment.id == bindparam("one", literal_execute=True))
    with db.read() as s, pytest.raises(ValueError, match="renders them into its SQL"):
        core_tuples(s.connection(), frozen, {"one": 1})
