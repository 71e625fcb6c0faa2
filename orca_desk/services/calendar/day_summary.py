"""The calendar's summary of a day or week: visits, unconfirmed, chair-hours booked and free, offers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from orca_desk.models.appointment import ACTIVE_STATUSES
from orca_desk.services.calendar.calendar_data import CalendarAppointment, local_day_bounds
from orca_desk.services.intervals import Interval, normalize, subtract

DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class DaySummary:
    visits: int  # live visits (scheduled … completed)
    unconfirmed: int  # scheduled and not confirmed by the family
    cancelled: int
    no_shows: int
    booked_minutes: int  # chair time taken by live visits
    free_minutes: int  # chair time open (someone works at the location), not blocked, not booked
    offers: int  # waitlist openings on offer to a family right now
    to_rebook: int = 0

    def text(self) -> str:
        """One line for the bar: "12 visits · 3 unconfirmed · 6.5 chair-h booked · 14 h free · …"."""
        parts = [
            _plural(self.visits, "visit"),
            f"{self.unconfirmed} unconfirmed",
            f"{hours(self.booked_minutes)} chair-h booked",
            f"{hours(self.free_minutes)} chair-h free",
            _plural(self.offers, "opening") + " on offer",
        ]
        if self.cancelled:
            parts.append(f"{self.cancelled} cancelled")
        if self.no_shows:
            parts.append(_plural(self.no_shows, "no-show"))
        return " · ".join(parts)


def hours(minutes: int) -> str:
    """Chair time in hours: "6", "6.5", "0.3"."""
    return f"{minutes / 60:.1f}".removesuffix(".0")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _minutes_in_day(start: datetime, end: datetime, day: date, zone: ZoneInfo) -> Interval:
    """[start, end) as minutes of the local day, clipped to it (a DST day keeps its wall clock)."""
    lo, hi = local_day_bounds(day, zone)
    s, e = max(start, lo), min(end, hi)
    if e <= s:
        return 0, 0

    def minute(dt: datetime) -> int:
        if dt >= hi:
            return DAY_MINUTES
        local = dt.astimezone(zone)
        return local.hour * 60 + local.minute

    return minute(s), minute(e)


def summarise(
    appointments: Iterable[CalendarAppointment],
    *,
    days: Sequence[date],
    zones: Mapping[int, ZoneInfo],
    chairs: Mapping[int, Sequence[int]],
    overlays: Mapping[int, Any],
    offer_starts: Iterable[tuple[int, datetime]] = (),
    to_rebook: int = 0,
) -> DaySummary:
    """Count what the calendar already loaded; no query.

    ``chairs`` maps each location to its chairs, ``overlays`` each location to its provider-schedule
    overlay (open hours per day and blocks; a location without one has no open time), and
    ``offer_starts`` gives (location, start) of each opening on offer.
    """
    shown = set(days)
    visits = unconfirmed = cancelled = no_shows = booked = 0
    taken: dict[tuple[int, date], list[Interval]] = {}
    for a in appointments:
        zone = zones.get(a.location_id)
        if zone is None:
            continue
        day = a.start.astimezone(zone).date()
        if day not in shown:
            continue
        if a.status == "cancelled":
            cancelled += 1
            continue
        if a.status == "no_show":
            no_shows += 1
            continue
        if a.status not in ACTIVE_STATUSES:
            continue
        visits += 1
        if a.status == "scheduled" and a.confirmation != "confirmed":
            unconfirmed += 1
        span = _minutes_in_day(a.start, a.end, day, zone)
        booked += span[1] - span[0]
        taken.setdefault((a.chair_id, day), []).append(span)
    free = 0
    for location_id, chair_ids in chairs.items():
        overlay = overlays.get(location_id)
        if overlay is None or location_id not in zones:
            continue
        for day in days:
            open_ = normalize(overlay.location_open.get(day, []))
            if not open_:
                continue
            everyone = [
                (b.start_minute, b.end_minute)
                for b in overlay.blocks
                if b.day == day
                and b.provider_id is None
                and b.chair_id is None
                and getattr(b, "source", "block") == "block"
            ]
            for chair_id in chair_ids:
                own = [
                    (b.start_minute, b.end_minute)
                    for b in overlay.blocks
                    if b.day == day and b.chair_id == chair_id and getattr(b, "source", "block") == "block"
                ]
                left = subtract(open_, everyone + own + taken.get((chair_id, day), []))
                free += sum(e - s for s, e in left)
    offers = sum(
        1
        for location_id, start in offer_starts
        if location_id in zones and start.astimezone(zones[location_id]).date() in shown
    )
    return DaySummary(visits, unconfirmed, cancelled, no_shows, booked, free, offers, to_rebook)
