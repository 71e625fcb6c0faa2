"""What a family is offered on /book, and the 5-minute hold on the slot they choose."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Location, Provider
from orca_desk.models.online_booking import BookingHold
from orca_desk.services.availability import Opening, find_openings
from orca_desk.services.errors import ConflictError, NotFound, ValidationError
from orca_desk.services.online_booking.settings import OnlineBookingSettings, load_settings

HOLD_MINUTES = 5
MAX_OFFERED = 24


class OnlineBookingClosed(ConflictError):
    """Online booking is off (or this location or type is not offered)."""


class SlotTaken(ConflictError):
    """Someone else holds or booked the slot a moment ago."""


@dataclass(frozen=True)
class Slot:
    """A bookable start as a form carries it: ``provider.chair.epoch-seconds``."""

    provider_id: int
    chair_id: int
    start: datetime

    @property
    def key(self) -> str:
        return f"{self.provider_id}.{self.chair_id}.{int(self.start.timestamp())}"

    @classmethod
    def parse(cls, key: str) -> Slot:
        try:
            p, c, e = (int(part) for part in key.split("."))
            return cls(p, c, datetime.fromtimestamp(e, UTC))
        except (ValueError, OverflowError, OSError):
            raise ValidationError("Choose one of the times shown.", field="slot") from None


def checked_choice(
    session: Session, settings: OnlineBookingSettings, location_id: int, type_id: int
) -> tuple[Location, AppointmentType]:
    """The location and type, when online booking offers them; else a clear refusal."""
    if not settings.open:
        raise OnlineBookingClosed("Online booking is not available right now. Please call us.")
    if location_id not in settings.location_ids:
        raise ValidationError("Choose one of the locations shown.", field="location")
    if type_id not in settings.type_ids:
        raise ValidationError("Choose one of the visit types shown.", field="type")
    loc = session.get(Location, location_id)
    atype = session.get(AppointmentType, type_id)
    if loc is None or atype is None or not atype.is_active:
        raise ValidationError("Choose one of the visit types shown.", field="type")
    return loc, atype


def _active_holds(session: Session, now: datetime, start: datetime, end: datetime) -> list[BookingHold]:
    return list(
        session.scalars(
            select(BookingHold).where(
                BookingHold.status == "held",
                BookingHold.expires_at > now,
                BookingHold.start_at < end,
                BookingHold.end_at > start,
            )
        )
    )


def _held(holds: list[BookingHold], provider_id: int, chair_id: int, start: datetime, end: datetime) -> bool:
    # A hold keeps its provider (and chair) for its time: safe even for a provider who sees two at once.
    return any(
        (h.provider_id == provider_id or h.chair_id == chair_id) and h.start_at < end and h.end_at > start
        for h in holds
    )


def _template_claims(
    session: Session, location_id: int, type_id: int, start: datetime, end: datetime
) -> list[tuple[int, datetime, datetime]]:
    """(provider, start, end) of applied template time a family may not take: blocked time, and
    slots kept for another visit type (a consult slot stays for consults)."""
    from orca_desk.services.template_engine.reading import open_template_slots

    slots = open_template_slots(
        session, location_ids=[location_id], start=start, end=end, include_blocked=True
    )
    return [
        (t.provider_id, t.start, t.end)
        for t in slots
        if t.block_reason is not None or (t.type_id is not None and t.type_id != type_id)
    ]


def _claimed(
    claims: list[tuple[int, datetime, datetime]], provider_id: int, start: datetime, end: datetime
) -> bool:
    return any(p == provider_id and s < end and e > start for p, s, e in claims)


# (session, location_id, minutes, after, horizon_days, limit) -> the engine's openings.
EngineSearch = Callable[[Session, int, int, datetime, int, int], list[Opening]]


def engine_openings(
    session: Session, location_id: int, minutes: int, after: datetime, horizon_days: int, limit: int
) -> list[Opening]:
    """The availability engine's openings for one location: the expensive part of a times page."""
    return find_openings(
        session,
        minutes=minutes,
        after=after,
        location_ids=[location_id],
        horizon_days=horizon_days,
        limit=limit,
        step=15,
        spread=True,
    )


def offered_openings(
    session: Session,
    *,
    location_id: int,
    type_id: int,
    now: datetime,
    limit: int = MAX_OFFERED,
    search: EngineSearch = engine_openings,
) -> list[Opening]:
    """Live openings for families: the availability engine, from the minimum notice to the
    horizon, one per provider and part of a day, minus slots other families hold and template time
    kept for other visit types or blocked. ``search`` may share the engine's answer between
    families (the gateway keeps it a few seconds); holds and template time are always read fresh."""
    settings = load_settings(session)
    _, atype = checked_choice(session, settings, location_id, type_id)
    after = _next_five_minutes(settings.earliest(now))
    found = search(session, location_id, atype.default_minutes, after, settings.horizon_days, limit * 2)
    stop = now + timedelta(days=settings.horizon_days)
    if not found:
        return []
    first, last = min(o.start for o in found), max(o.end for o in found)
    holds = _active_holds(session, now, first, last)
    claims = _template_claims(session, location_id, type_id, first, last)
    free = [
        o
        for o in found
        if o.start < stop
        and not _held(holds, o.provider_id, o.chair_id, o.start, o.end)
        and not _claimed(claims, o.provider_id, o.start, o.end)
    ]
    return free[:limit]


def _next_five_minutes(at: datetime) -> datetime:
    # Rounded up, never down: nothing inside the minimum notice; and families asking within the
    # same five minutes ask the engine the same question, so its answer can be shared.
    rounded = at.replace(second=0, microsecond=0)
    rounded += timedelta(minutes=-rounded.minute % 5)
    return rounded if rounded >= at else rounded + timedelta(minutes=5)


def _lock_provider(session: Session, provider_id: int) -> None:
    # The same lock booking takes: of two families choosing one slot, the second waits, then sees the hold.
    found = session.scalar(
        select(Provider.id).where(Provider.id == provider_id).with_for_update(key_share=True)
    )
    if found is None:
        raise SlotTaken("That time is no longer available.")


def hold_slot(session: Session, *, location_id: int, type_id: int, slot: Slot, now: datetime) -> BookingHold:
    """Hold the slot for HOLD_MINUTES, in the caller's transaction; SlotTaken if it is gone."""
    settings = load_settings(session)
    loc, atype = checked_choice(session, settings, location_id, type_id)
    if slot.start < settings.earliest(now) or slot.start > now + timedelta(days=settings.horizon_days):
        raise SlotTaken("That time can no longer be booked online.")
    _lock_provider(session, slot.provider_id)
    release_expired(session, now)  # tidy as we go; expired holds already stopped counting
    end = slot.start + timedelta(minutes=atype.default_minutes)
    if _held(_active_holds(session, now, slot.start, end), slot.provider_id, slot.chair_id, slot.start, end):
        raise SlotTaken("Another family is booking that time.")
    if _claimed(
        _template_claims(session, loc.id, atype.id, slot.start, end), slot.provider_id, slot.start, end
    ):
        raise SlotTaken("That time is kept for another kind of visit.")
    found = find_openings(
        session,
        minutes=atype.default_minutes,
        after=slot.start,
        provider_ids=[slot.provider_id],
        location_ids=[loc.id],
        horizon_days=1,
        limit=1,
    )
    if not found or found[0].start != slot.start:
        raise SlotTaken("That time was just booked.")
    opening = found[0]
    hold = BookingHold(
        clinic_id=loc.clinic_id,
        location_id=loc.id,
        provider_id=opening.provider_id,
        chair_id=opening.chair_id,
        type_id=atype.id,
        start_at=opening.start,
        end_at=opening.end,
        expires_at=now + timedelta(minutes=HOLD_MINUTES),
        created_at=now,
        status="held",
        code_attempts=0,
    )
    session.add(hold)
    session.flush()
    return hold


def live_hold(session: Session, hold_id: int, now: datetime) -> BookingHold:
    """The family's hold while it lasts; SlotTaken once it expired or was used."""
    hold = session.get(BookingHold, hold_id)
    if hold is None:
        raise NotFound("That booking could not be found. Please start again.")
    if hold.status != "held" or hold.expires_at <= now:
        raise SlotTaken("The 5 minutes to finish booking this time have passed. Please choose a time again.")
    return hold


def live_hold_row(session: Session, hold_id: int) -> BookingHold | None:
    """The hold, whatever its state (to show the family the same choice again)."""
    return session.get(BookingHold, hold_id)


def release_expired(session: Session, now: datetime) -> int:
    """Mark expired holds released (they already stopped counting when they expired)."""
    result = session.execute(
        update(BookingHold)
        .where(BookingHold.status == "held", BookingHold.expires_at <= now)
        .values(status="released")
    )
    return int(getattr(result, "rowcount", 0) or 0)
