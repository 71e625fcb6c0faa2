"""Blocked time at a location, for a provider and/or a chair, once or repeating."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Chair, Location
from orca_desk.models.schedule import DEFAULT_BLOCK_COLOUR, ScheduleBlock
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_SCHEDULES, Actor
from orca_desk.services.availability import BLOCK_COLUMNS, DayClock, epoch_minute, zone_of
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.inputs import check_column_text
from orca_desk.services.provider_schedules.checks import get_provider
from orca_desk.services.provider_schedules.rows import BlockView
from orca_desk.services.recurrence import validate as validate_rrule


def create_block(
    session: Session,
    actor: Actor,
    *,
    location_id: int,
    start: datetime,
    end: datetime,
    reason: str,
    colour: str = DEFAULT_BLOCK_COLOUR,
    provider_id: int | None = None,
    chair_id: int | None = None,
    rrule: str | None = None,
    now: datetime,
) -> int:
    """Block [start, end) at a location, for a provider and/or a chair (neither: everyone there).

    The instants are stored as the location's local day and minutes, so a repeating block
    (``rrule``, RFC 5545) keeps its wall-clock time across DST. A block stays within one
    local day. Returns the block id.
    """
    actor.require(MANAGE_SCHEDULES)
    loc = session.get(Location, location_id)
    if loc is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    zone = zone_of(loc.timezone)
    _check_block(
        session,
        location_id=location_id,
        start=start,
        end=end,
        reason=reason,
        colour=colour,
        provider_id=provider_id,
        chair_id=chair_id,
        rrule=rrule,
    )
    ls, le = start.astimezone(zone), end.astimezone(zone)
    clock = DayClock(ls.date(), zone)
    s_min = ls.hour * 60 + ls.minute
    e_min = clock.to_local(epoch_minute(end))
    if le.date() != ls.date() and not (le.date() == ls.date() + timedelta(days=1) and le.time() == time(0)):
        raise ValidationError("A block must start and end on the same day.", field="end")
    block = ScheduleBlock(
        location_id=location_id,
        provider_id=provider_id,
        chair_id=chair_id,
        day=ls.date(),
        start_minute=s_min,
        end_minute=e_min,
        reason=reason.strip(),
        colour=colour,
        rrule=rrule or None,
        created_at=now,
    )
    session.add(block)
    session.flush()
    audit.record(
        session,
        actor,
        "create_block",
        "schedule_block",
        block.id,
        now=now,
        after={
            "day": block.day.isoformat(),
            "start": s_min,
            "end": e_min,
            "reason": block.reason,
            "provider_id": provider_id,
            "chair_id": chair_id,
            "rrule": block.rrule,
        },
    )
    return block.id


def _check_block(
    session: Session,
    *,
    location_id: int,
    start: datetime,
    end: datetime,
    reason: str,
    colour: str,
    provider_id: int | None,
    chair_id: int | None,
    rrule: str | None,
) -> None:
    """Raise ValidationError (or NotFound) naming what is wrong with the block's fields."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError("The block's times have no time zone.", field="start")
    if end <= start:
        raise ValidationError("The block must end after it starts.", field="end")
    if not reason.strip():
        raise ValidationError("Give the block a reason (e.g. Lunch, Staff meeting).", field="reason")
    check_column_text(reason.strip(), ScheduleBlock.reason, field="reason", label="The block's reason")
    if rrule:
        check_column_text(rrule, ScheduleBlock.rrule, field="rrule", label="The repeat rule")
    if provider_id is not None:
        get_provider(session, provider_id)
    if chair_id is not None:
        chair = session.get(Chair, chair_id)
        if chair is None or chair.location_id != location_id:
            raise ValidationError("That chair is not at this location.", field="chair")
    if not (colour.startswith("#") and len(colour) in (4, 7, 9)):
        raise ValidationError(f"Colour {colour!r} is not a #rrggbb colour.", field="colour")
    if rrule:
        validate_rrule(rrule)


def delete_block(session: Session, actor: Actor, block_id: int, *, now: datetime) -> None:
    actor.require(MANAGE_SCHEDULES)
    block = session.get(ScheduleBlock, block_id)
    if block is None:
        raise NotFound(f"Block #{block_id} does not exist (already removed?).")
    before = {
        "day": block.day.isoformat(),
        "start": block.start_minute,
        "end": block.end_minute,
        "reason": block.reason,
        "rrule": block.rrule,
    }
    session.delete(block)
    session.flush()
    audit.record(session, actor, "delete_block", "schedule_block", block_id, now=now, before=before)


def list_blocks(
    session: Session, *, location_id: int | None = None, provider_id: int | None = None
) -> list[BlockView]:
    q = select(*BLOCK_COLUMNS)
    if location_id is not None:
        q = q.where(ScheduleBlock.location_id == location_id)
    if provider_id is not None:
        q = q.where((ScheduleBlock.provider_id == provider_id) | ScheduleBlock.provider_id.is_(None))
    q = q.order_by(ScheduleBlock.day, ScheduleBlock.start_minute)
    return [BlockView(*tuple(r)) for r in session.execute(q)]
