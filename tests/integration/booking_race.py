"""A multi-process booking race: desks book, move, cancel, restore and change statuses of
appointments of one small clinic at the same time, on one database.

Each process runs ``ops`` random operations through ``Database.run_write`` (``mode="run"``)
or a bare ``Database.write()`` (``mode="bare"``, what the desks did before) and reports the
name of every exception: the project's typed errors are expected, anything else is not.
Each process opens its own connections (the pool is forked before any is used).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.errors import OrcaError

ACTOR = Actor(
    username="maria",
    role="receptionist",
    user_id=None,
    display_name="Maria",
    permissions=ROLE_PERMISSIONS["receptionist"],
)


def _op(rng: random.Random, world: dict[str, Any], now: datetime) -> Callable[[Session], object]:
    """One random operation on a crowded hour (so they collide)."""
    start = world["start"] + timedelta(minutes=10 * rng.randrange(6))
    provider = rng.choice(world["providers"])
    chair = rng.choice(world["chairs"])
    kind = rng.choice(("book", "book", "move", "cancel", "status", "restore"))

    def pick(session: Session, statuses: tuple[str, ...]) -> int | None:
        ids = list(session.scalars(select(Appointment.id).where(Appointment.status.in_(statuses))))
        return rng.choice(ids) if ids else None

    def work(session: Session) -> object:
        if kind == "book":
            req = BookingRequest(rng.choice(world["patients"]), provider, chair, world["type"], start, 20)
            return booking.book_appointment(session, ACTOR, req, now=now).id
        if kind == "move":
            appt_id = pick(session, ("scheduled", "confirmed"))
            if appt_id is None:
                return None
            return booking.move_appointment(
                session, ACTOR, appt_id, start=start, chair_id=chair, provider_id=provider, now=now
            ).id
        if kind == "cancel":
            appt_id = pick(session, ("scheduled", "confirmed"))
            if appt_id is None:
                return None
            return booking.cancel_appointment(session, ACTOR, appt_id, reason="family asked", now=now).id
        if kind == "restore":
            appt_id = pick(session, ("cancelled",))
            if appt_id is None:
                return None
            return booking.restore_appointment(session, ACTOR, appt_id, now=now).id
        appt_id = pick(session, ("scheduled",))
        if appt_id is None:
            return None
        return booking.set_status(session, ACTOR, appt_id, "confirmed", now=now).id

    return work


def run_desk(
    url: str, world: dict[str, Any], now: datetime, seed: int, ops: int, mode: str
) -> dict[str, int]:
    """One desk's share of the race; returns how many operations ended how, by class name."""
    db = Database(url)
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    try:
        for _ in range(ops):
            work = _op(rng, world, now)
            try:
                if mode == "run":
                    db.run_write(work)
                else:
                    with db.write() as session:
                        work(session)
                outcomes["ok"] += 1
            except OrcaError as exc:
                outcomes[f"typed:{type(exc).__name__}"] += 1
            except Exception as exc:  # what the race is about: none of these may happen
                outcomes[f"untyped:{type(exc).__name__}:{str(exc).splitlines()[0][:80]}"] += 1
    finally:
        db.dispose()
    return dict(outcomes)


def overlaps(db: Database) -> list[str]:
    """Every pair of active appointments sharing a chair or a patient at the same time, and
    every provider over their limit."""
    from orca_desk.models.clinic import Provider
    from orca_desk.services.intervals import over_capacity

    problems: list[str] = []
    with db.read() as s:
        rows = s.execute(
            select(
                Appointment.id,
                Appointment.chair_id,
                Appointment.patient_id,
                Appointment.provider_id,
                Appointment.start_at,
                Appointment.end_at,
            ).where(Appointment.status.in_(ACTIVE_STATUSES))
        ).all()
        limits = {pid: limit for pid, limit in s.execute(select(Provider.id, Provider.max_concurrent))}
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if (
                a.start_at < b.end_at
                and b.start_at < a.end_at
                and (a.chair_id == b.chair_id or a.patient_id == b.patient_id)
            ):
                problems.append(f"#{a.id} and #{b.id} overlap")
    for provider_id, limit in limits.items():
        mine = [
            (int(r.start_at.timestamp()), int(r.end_at.timestamp()))
            for r in rows
            if r.provider_id == provider_id
        ]
        if over_capacity(mine, limit):
            problems.append(f"provider #{provider_id} over {limit} at once")
    return problems
