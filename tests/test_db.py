"""Database: lock failures leave as the typed BusyError; deadlock victims run again, bounded."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from orca_desk.db import WRITE_ATTEMPTS, Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Clinic
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.errors import BusyError, OrcaError
from tests.factories import book, make_world


def _deadlock() -> OperationalError:
    return OperationalError("UPDATE provider …", {}, psycopg.errors.DeadlockDetected("deadlock detected"))


def test_a_deadlock_victim_runs_again_and_its_first_try_leaves_nothing(db) -> None:
    calls: list[int] = []

    def work(session) -> int:
        session.add(Clinic(name=f"Try {len(calls)}", phone="+16175550100", email="t@example.com"))
        session.flush()
        calls.append(1)
        if len(calls) < 3:
            raise _deadlock()
        return len(calls)

    assert db.run_write(work) == 3
    with db.read() as s:
        assert list(s.scalars(select(Clinic.name))) == ["Try 2"]


def test_a_deadlock_that_keeps_happening_is_a_typed_busy_error(db) -> None:
    calls: list[int] = []

    def work(_session) -> None:
        calls.append(1)
        raise _deadlock()

    with pytest.raises(BusyError) as info:
        db.run_write(work)
    assert len(calls) == WRITE_ATTEMPTS
    assert "try again" in str(info.value) and info.value.retryable
    # A bare unit of work gets the same typed error, without the retries.
    with pytest.raises(BusyError), db.write():
        raise _deadlock()


def test_a_locked_sqlite_database_is_a_typed_busy_error(db, clock, receptionist) -> None:
    with db.write() as s:
        w = make_world(s)
    path = db.url.database
    assert path is not None
    impatient = Database(f"sqlite:///{path}", busy_timeout=0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another desk's long write (a templates apply)
        calls: list[int] = []

        def work(session) -> int:
            calls.append(1)
            return book(session, receptionist, w, start=clock.now() + timedelta(hours=2), now=clock.now())

        with pytest.raises(BusyError) as info:
            impatient.run_write(work)
        assert isinstance(info.value, OrcaError) and not info.value.retryable
        assert "busy" in str(info.value) and "nothing was changed" in str(info.value)
        assert len(calls) <= 1  # it already waited busy_timeout: no second wait
    finally:
        holder.rollback()
        holder.close()
        impatient.dispose()
    with db.read() as s:
        assert s.scalar(select(Appointment.id)) is None


@pytest.mark.postgres
def test_booking_does_not_wait_for_foreign_key_share_locks_on_the_provider(
    pg_db, clock, receptionist
) -> None:
    """The provider lock is FOR NO KEY UPDATE: an insert elsewhere that references the provider
    (FOR KEY SHARE, as inserting an opening or appointment does) does not block it, so the two
    can no longer deadlock."""
    with pg_db.write() as s:
        w = make_world(s)
    url = pg_db.url.render_as_string(hide_password=False).replace("+psycopg", "")
    other = psycopg.connect(url, autocommit=False)
    try:
        other.execute("SELECT 1 FROM provider WHERE id = %s FOR KEY SHARE", (w.ortho.id,))
        req = BookingRequest(
            w.patients[0].id,
            w.ortho.id,
            w.chairs[0].id,
            w.adjustment.id,
            clock.now() + timedelta(hours=2),
            20,
        )
        with pg_db.write() as s:
            s.execute(text("SET LOCAL lock_timeout = '2s'"))
            assert booking.book_appointment(s, receptionist, req, now=clock.now()).id
    finally:
        other.rollback()
        other.close()


def test_the_automation_lease_on_a_locked_database_is_not_taken_and_nothing_crashes(db, clock):
    from orca_desk.automation.leader import LeaseLeadership

    path = db.url.database
    assert path is not None
    impatient = Database(f"sqlite:///{path}", busy_timeout=0.1)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        assert LeaseLeadership(impatient, "desk-2").acquire(clock.now()) is False
    finally:
        holder.rollback()
        holder.close()
        impatient.dispose()


@pytest.mark.parametrize("fixture", ["db", "pg_db"])
def test_a_freshly_upgraded_database_is_current_and_opens(fixture, request) -> None:
    """Migrations that merge branches or depend on another branch leave the database at
    exactly the revisions this version calls its heads, so a shared database opens."""
    from orca_desk.migrate import current_revisions, head_revisions, needs_upgrade
    from orca_desk.startup import check_schema

    database = request.getfixturevalue(fixture)
    assert current_revisions(database) == head_revisions()
    assert not needs_upgrade(database)
    check_schema(database, upgrade_local=False)  # does not ask for "orca-desk db upgrade"
