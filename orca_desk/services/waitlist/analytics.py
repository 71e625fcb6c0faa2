"""Waitlist offer analytics: offers sent, conversion by channel, time to respond, openings filled."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location, Provider
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.services.access.security import VIEW_ANALYTICS, Actor
from orca_desk.services.bulk import chunks


@dataclass(frozen=True)
class ChannelStats:
    channel: str
    sent: int  # offers that reached the family (message sent, or phone task started)
    accepted: int
    declined: int
    expired: int
    booked: int
    median_minutes_to_respond: float | None

    @property
    def conversion(self) -> float:
        return self.booked / self.sent if self.sent else 0.0


@dataclass(frozen=True)
class GroupStats:
    """Openings of one provider or location: how many, filled, how fast, offers and bookings."""

    id: int
    name: str
    openings: int
    filled: int
    median_minutes_to_fill: float | None
    offers: int
    booked: int

    @property
    def fill_rate(self) -> float:
        return self.filled / self.openings if self.openings else 0.0


@dataclass(frozen=True)
class WaitlistAnalytics:
    offers_sent: int
    booked: int
    channels: tuple[ChannelStats, ...]
    median_minutes_to_respond: float | None
    openings: int
    filled: int
    median_minutes_to_fill: float | None
    by_provider: tuple[GroupStats, ...]
    by_location: tuple[GroupStats, ...]

    @property
    def conversion(self) -> float:
        return self.booked / self.offers_sent if self.offers_sent else 0.0


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def offer_analytics(
    session: Session,
    actor: Actor,
    *,
    start: datetime,
    end: datetime,
    location_id: int | None = None,
    provider_id: int | None = None,
) -> WaitlistAnalytics:
    """Figures for openings created in [start, end) (and the offers made for them)."""
    actor.require(VIEW_ANALYTICS)
    query = select(Opening).where(Opening.created_at >= start, Opening.created_at < end)
    if location_id is not None:
        query = query.where(Opening.location_id == location_id)
    if provider_id is not None:
        query = query.where(Opening.provider_id == provider_id)
    openings = list(session.scalars(query))
    ids = [o.id for o in openings]
    offers: list[WaitlistOffer] = []
    for chunk in chunks(ids):
        offers += session.scalars(select(WaitlistOffer).where(WaitlistOffer.opening_id.in_(chunk)))
    # Reached the family: the message went out (or the call task started), or they answered.
    reached = [
        x
        for x in offers
        if x.hold_started_at is not None or (x.responded_at is not None and x.responded_via != "system")
    ]
    channels, respond = _channel_stats(reached)
    reached_ids = set(reached)
    fill = [(o.filled_at - o.created_at).total_seconds() / 60 for o in openings if o.filled_at]
    names = {
        "provider": dict(session.execute(select(Provider.id, Provider.name)).all()),
        "location": dict(session.execute(select(Location.id, Location.name)).all()),
    }
    offers_by_opening: dict[int, list[WaitlistOffer]] = defaultdict(list)
    for x in offers:
        offers_by_opening[x.opening_id].append(x)
    return WaitlistAnalytics(
        len(reached),
        sum(x.booked_appointment_id is not None for x in reached),
        tuple(channels),
        _median([v for vs in respond.values() for v in vs]),
        len(openings),
        sum(o.filled_at is not None for o in openings),
        _median(fill),
        _group_stats("provider", openings, offers_by_opening, reached_ids, names),
        _group_stats("location", openings, offers_by_opening, reached_ids, names),
    )


def _channel_stats(reached: list[WaitlistOffer]) -> tuple[list[ChannelStats], dict[str, list[float]]]:
    """Figures per channel of the offers that reached the family, and their minutes to respond."""
    respond: dict[str, list[float]] = defaultdict(list)
    channels = []
    for ch in ("sms", "email", "phone"):
        mine = [x for x in reached if x.channel == ch]
        for x in mine:
            start = x.hold_started_at or x.created_at
            if x.responded_at is not None and x.responded_via != "system":
                respond[ch].append(max(0.0, (x.responded_at - start).total_seconds() / 60))
        if mine:
            channels.append(
                ChannelStats(
                    ch,
                    len(mine),
                    sum(x.response == "accepted" for x in mine),
                    sum(x.response == "declined" for x in mine),
                    sum(x.response == "expired" for x in mine),
                    sum(x.booked_appointment_id is not None for x in mine),
                    _median(respond[ch]),
                )
            )
    return channels, respond


def _group_stats(
    kind: str,
    openings: list[Opening],
    offers_by_opening: dict[int, list[WaitlistOffer]],
    reached_ids: set[WaitlistOffer],
    names: dict[str, dict[int, str]],
) -> tuple[GroupStats, ...]:
    """Figures per provider or per location (``kind``), the busiest first."""
    grouped: dict[int, list[Opening]] = defaultdict(list)
    for o in openings:
        grouped[o.provider_id if kind == "provider" else o.location_id].append(o)
    out = []
    for gid, os in grouped.items():
        mine = [x for o in os for x in offers_by_opening[o.id]]
        out.append(
            GroupStats(
                gid,
                names[kind].get(gid, f"#{gid}"),
                len(os),
                sum(o.filled_at is not None for o in os),
                _median([(o.filled_at - o.created_at).total_seconds() / 60 for o in os if o.filled_at]),
                sum(x in reached_ids for x in mine),
                sum(x.booked_appointment_id is not None for x in mine),
            )
        )
    return tuple(sorted(out, key=lambda g: (-g.openings, g.name)))
