"""Bulk inserts: the same rows land the same way on SQLite (sqlite3) and PostgreSQL (COPY)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.services.demo import load_demo

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
