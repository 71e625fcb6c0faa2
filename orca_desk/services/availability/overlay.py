"""Free intervals of a provider and the calendar's overlay (working time, open hours, blocks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location, Provider
from orca_desk.services.availability.busy import _load_busy
from orca_desk.services.availability.clock import zone_of
from orca_desk.services.availability.schedule import BlockRow, ScheduleData, _days, load_schedule_data
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.intervals import (
    Interval,
    over_capacity,
    subtract,
    union,
)


@dataclass(frozen=True)
class CalendarOverlay:
    working: dict[tuple[date, int], list[tuple[int, int]]]  # (day, provider_id) -> working local minutes
    location_open: dict[date, list[tuple[int, int]]]  # union over providers working at the location
    blocks: list[BlockRow]


def free_intervals(
    session: Session, *, provider_id: int, start_day: date, end_day: date
) -> dict[date, list[tuple[int, int]]]:
    """The provider's free local minutes per day (inclusive range): working time minus
    holidays, time off, blocks and the times they are at their concurrency limit.

    Each location's minutes are in its own zone. Every day of the range is a key.
    """
    if end_day < start_day:
        raise ValidationError("The end date is before the start date.", field="end_day")
    if (end_day - start_day).days > 366:
        raise ValidationError("Ask for at most a year at a time.", field="end_day")
    prov = session.execute(select(Provider.max_concurrent).where(Provider.id == provider_id)).first()
    if prov is None:
        raise NotFound(f"Provider #{provider_id} does not exist.")
    zones = {lid: zone_of(tz) for lid, tz in session.execute(select(Location.id, Location.timezone))}
    data = load_schedule_data(
        session,
        provider_ids=[provider_id],
        location_ids=list(zones),
        first_day=start_day,
        last_day=end_day,
        zones=zones,
    )
    lo = (
        min(datetime.combine(start_day, time(0), tzinfo=z) for z in zones.values())
        if zones
        else datetime.combine(start_day, time(0), tzinfo=UTC)
    )
    hi = (
        max(datetime.combine(end_day + timedelta(days=1), time(0), tzinfo=z) for z in zones.values())
        if zones
        else datetime.combine(end_day + timedelta(days=1), time(0), tzinfo=UTC)
    )
    busy = _load_busy(session, lo, hi, location_ids=[], provider_ids=[provider_id])
    full = over_capacity(busy.by_provider.get(provider_id, []), prov[0] - 1)
    out: dict[date, list[tuple[int, int]]] = {}
    for day in _days(start_day, end_day):
        ivs: list[Interval] = []
        for loc, local in data.working(provider_id, day).items():
            clock = data.clock(loc, day)
            free = subtract(
                clock.ivs_to_epoch(subtract(local, data.provider_blocks(provider_id, loc, day))), full
            )
            ivs = union(ivs, clock.ivs_to_local(free))
        out[day] = ivs
    return out


def calendar_overlay(session: Session, *, location_id: int, days: Sequence[date]) -> CalendarOverlay:
    """Working time per provider, the location's open hours and the blocks of these days.

    Four queries (the location, periods with breaks, exceptions, blocks), whatever the
    number of days, providers or chairs.
    """
    if not days:
        return CalendarOverlay({}, {}, [])
    loc = session.execute(select(Location.timezone).where(Location.id == location_id)).first()
    if loc is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    first, last = min(days), max(days)
    data = load_schedule_data(
        session,
        provider_ids=None,
        location_ids=[location_id],
        first_day=first,
        last_day=last,
        zones={location_id: zone_of(loc[0])},
    )
    working: dict[tuple[date, int], list[tuple[int, int]]] = {}
    location_open: dict[date, list[tuple[int, int]]] = {}
    blocks: list[BlockRow] = []
    # Only providers with a period at this location can work here (extra days come below).
    local_staff = sorted(
        p for p, rows in data.periods.items() if any(r.location_id == location_id for r in rows)
    )
    for day in sorted(set(days)):
        open_ivs: list[Interval] = []
        for provider_id in local_staff:
            here = _working_at(data, provider_id, location_id, day)
            if here:
                working[(day, provider_id)] = here
                open_ivs = union(open_ivs, here)
        for x in data.exceptions:
            # Extra days of providers with no weekly periods in the window.
            if (
                x.kind == "extra_day"
                and x.location_id == location_id
                and x.provider_id is not None
                and x.provider_id not in data.periods
                and x.start_day <= day <= x.end_day
            ):
                here = _working_at(data, x.provider_id, location_id, day)
                if here:
                    working[(day, x.provider_id)] = here
                    open_ivs = union(open_ivs, here)
        location_open[day] = open_ivs
        blocks.extend(sorted(data.blocks_on(location_id, day), key=lambda b: (b.start_minute, b.id)))
    return CalendarOverlay(working, location_open, blocks)


def _working_at(data: ScheduleData, provider_id: int, location_id: int, day: date) -> list[Interval]:
    return data.working(provider_id, day).get(location_id, [])
