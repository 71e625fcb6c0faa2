"""Openings: a freed slot becomes one (the booking seam), staff announce or withdraw them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Chair, Location
from orca_desk.models.openings import Opening
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_WAITLIST, Actor
from orca_desk.services.availability import check_slot
from orca_desk.services.errors import ConflictError, NotFound, ValidationError
from orca_desk.services.waitlist.closing import _withdraw
from orca_desk.services.waitlist.common import _get_opening, _utc
from orca_desk.services.waitlist.settings import WaitlistSettings


def _create_opening(
    session: Session,
    *,
    clinic_id: int,
    location_id: int,
    chair_id: int,
    provider_id: int,
    type_id: int | None,
    start: datetime,
    end: datetime,
    source: str,
    source_appointment_id: int | None,
    now: datetime,
    created_by: str = "automation",
    mode: str = "sequential",
    note: str = "",
) -> Opening:
    o = Opening(
        clinic_id=clinic_id,
        location_id=location_id,
        chair_id=chair_id,
        provider_id=provider_id,
        type_id=type_id,
        start_at=start,
        end_at=end,
        source=source,
        source_appointment_id=source_appointment_id,
        status="open",
        mode=mode,
        broadcast_size=3,
        next_check_at=now,
        note=note,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    session.add(o)
    session.flush()
    return o


def after_appointment_change(
    session: Session, change: Any, *, now: datetime, min_lead: timedelta = WaitlistSettings.min_lead
) -> Opening | None:
    """The booking seam: a cancellation, a no-show or a move away frees a slot → an Opening row.

    Runs inside the booking transaction (a rollback takes the opening with it). A booking
    or a restore that takes a slot back withdraws the openings it overlaps.
    """
    a = change.appointment
    kind = change.kind
    if kind in ("booked", "restored", "moved"):
        _withdraw_overlapping(session, a.chair_id, a.start_at, a.end_at, now)
    if kind in ("cancelled", "no_show"):
        start, end, chair_id, provider_id = a.start_at, a.end_at, a.chair_id, a.provider_id
    elif kind == "moved" and change.before:
        b = change.before
        start = datetime.fromisoformat(b["start"])
        end = datetime.fromisoformat(b["end"])
        chair_id, provider_id = int(b["chair_id"]), int(b["provider_id"])
        if chair_id == a.chair_id and start < a.end_at and end > a.start_at:
            # Moved within its own chair: only the uncovered part is free (the larger piece).
            pieces = [(start, min(end, a.start_at)), (max(start, a.end_at), end)]
            start, end = max(pieces, key=lambda iv: iv[1] - iv[0])
            if end <= start:
                return None
    else:
        return None
    if start - min_lead <= now or end - start < timedelta(minutes=10):
        return None
    location_id = session.scalar(select(Chair.location_id).where(Chair.id == chair_id))
    if location_id is None:
        return None
    source = {"cancelled": "cancellation", "no_show": "no_show", "moved": "moved"}[kind]
    return _create_opening(
        session,
        clinic_id=a.clinic_id,
        location_id=location_id,
        chair_id=chair_id,
        provider_id=provider_id,
        type_id=a.type_id,
        start=start,
        end=end,
        source=source,
        source_appointment_id=a.id,
        now=now,
    )


def _withdraw_overlapping(
    session: Session, chair_id: int, start: datetime, end: datetime, now: datetime
) -> None:
    for o in session.scalars(
        select(Opening).where(
            Opening.chair_id == chair_id,
            Opening.status.in_(("open", "offered")),
            Opening.start_at < end,
            Opening.end_at > start,
        )
    ):
        _withdraw(session, o, "The slot has been booked.", now, None)


def announce_opening(
    session: Session,
    actor: Actor,
    *,
    location_id: int,
    chair_id: int,
    provider_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    mode: str = "sequential",
    note: str = "",
) -> Opening:
    """Staff announce free time as an opening (calendar → "Offer to waitlist")."""
    actor.require(MANAGE_WAITLIST)
    now = _utc(now)
    if mode not in ("sequential", "broadcast"):
        raise ValidationError(f"Unknown mode {mode!r}; use sequential or broadcast.", field="mode")
    if end <= start:
        raise ValidationError("The opening must end after it starts.", field="end")
    if start <= now:
        raise ValidationError("That time has already started.", field="start")
    chair = session.get(Chair, chair_id)
    if chair is None or chair.location_id != location_id:
        raise NotFound(f"Chair #{chair_id} is not at location #{location_id}.")
    problems = [
        p
        for p in check_slot(session, provider_id=provider_id, chair_id=chair_id, start=start, end=end)
        if p.kind != "provider_full"
    ]
    if problems:
        raise ConflictError("That time cannot be offered: " + " ".join(p.message for p in problems))
    clinic_id = session.scalar(select(Location.clinic_id).where(Location.id == location_id))
    assert clinic_id is not None
    o = _create_opening(
        session,
        clinic_id=clinic_id,
        location_id=location_id,
        chair_id=chair_id,
        provider_id=provider_id,
        type_id=None,
        start=start,
        end=end,
        source="manual",
        source_appointment_id=None,
        now=now,
        created_by=actor.username,
        mode=mode,
        note=note,
    )
    audit.record(
        session,
        actor,
        "announce",
        "opening",
        o.id,
        now=now,
        after={"start": start.isoformat(), "end": end.isoformat(), "chair_id": chair_id},
    )
    return o


def close_opening(session: Session, actor: Actor, opening_id: int, *, now: datetime) -> None:
    """Staff withdraw an opening (its live offers end and the families are told)."""
    actor.require(MANAGE_WAITLIST)
    o = _get_opening(session, opening_id, lock=True)
    if o.status in ("open", "offered"):
        _withdraw(session, o, f"Withdrawn by {actor.display_name or actor.username}.", _utc(now), None)
