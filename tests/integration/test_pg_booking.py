"""PostgreSQL: racing desks get one success and one clear conflict, enforced by the database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.errors import ConflictError
from tests.factories import make_world

pytestmark = pytest.mark.postgres


def _race(url: str, requests: list[BookingRequest], actor, now, *, pause_in_check: bool) -> list[object]:
    """Book each request on its own connection at the same moment; return result or error."""
    barrier = threading.Barrier(len(requests))
    results: list[object] = [None] * len(requests)

    def run(i: int) -> None:
        database = Database(url)
        try:
            with database.write() as s:
                barrier.wait()
                if pause_in_check:
                    # Both desks pass the service check before either inserts: only the
                    # database constraint can stop the second.
                    booking.check_conflicts = _slow_check  # type: ignore[assignment]
                results[i] = booking.book_appointment(s, actor, requests[i], now=now).id
        except Exception as exc:
            results[i] = exc
        finally:
            database.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


_real_check = booking.check_conflicts
_check_barrier = threading.Barrier(2)


def _slow_check(session, **kw):  # type: ignore[no-untyped-def]
    _real_check(session, **kw)
    _check_barrier.wait(10)


@pytest.fixture
def world(pg_db):
    with pg_db.write() as s:
        return make_world(s)


def test_exclusion_constraint_exists(pg_db: Database) -> None:
    with pg_db.read() as s:
        names = set(
            s.execute(
                text("SELECT conname FROM pg_constraint WHERE conrelid = 'appointment'::regclass")
            ).scalars()
        )
    assert {"ex_appointment_chair_id", "ex_appointment_patient_id"} <= names


def test_two_desks_same_chair_same_provider_one_wins(pg_db, world, clock, receptionist) -> None:
    t = clock.now() + timedelta(hours=3)
    reqs = [
        BookingRequest(world.patients[i].id, world.ortho.id, world.chairs[0].id, world.adjustment.id, t, 20)
        for i in range(2)
    ]
    results = _race(
        pg_db.url.render_as_string(hide_password=False), reqs, receptionist, clock.now(), pause_in_check=False
    )
    wins = [r for r in results if isinstance(r, int)]
    losses = [r for r in results if isinstance(r, ConflictError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "taken" in str(losses[0]) or "Another desk" in str(losses[0])


def test_database_refuses_double_booking_even_when_both_checks_pass(
    pg_db, world, clock, receptionist
) -> None:
    t = clock.now() + timedelta(hours=3)
    # Different providers: no shared row lock, so both service checks pass concurrently.
    reqs = [
        BookingRequest(world.patients[0].id, world.ortho.id, world.chairs[0].id, world.adjustment.id, t, 20),
        BookingRequest(
            world.patients[1].id,
            world.hygienist.id,
            world.chairs[0].id,
            world.adjustment.id,
            t + timedelta(minutes=10),
            20,
        ),
    ]
    try:
        results = _race(
            pg_db.url.render_as_string(hide_password=False),
            reqs,
            receptionist,
            clock.now(),
            pause_in_check=True,
        )
    finally:
        booking.check_conflicts = _real_check
    wins = [r for r in results if isinstance(r, int)]
    losses = [r for r in results if isinstance(r, ConflictError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "Another desk just booked" in str(losses[0])
    with pg_db.read() as s:
        assert s.query(Appointment).count() == 1


def test_provider_limit_holds_under_race(pg_db, world, clock, receptionist) -> None:
    t = clock.now() + timedelta(hours=3)
    # Dr. Chen may see 2 at once; three desks book three chairs at the same time.
    reqs = [
        BookingRequest(world.patients[i].id, world.ortho.id, world.chairs[i].id, world.adjustment.id, t, 20)
        for i in range(3)
    ]
    results = _race(
        pg_db.url.render_as_string(hide_password=False), reqs, receptionist, clock.now(), pause_in_check=False
    )
    assert sum(isinstance(r, int) for r in results) == 2, results
    assert sum(isinstance(r, ConflictError) for r in results) == 1
