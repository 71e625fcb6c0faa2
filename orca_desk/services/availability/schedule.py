"""The loaded window: working periods, exceptions and blocks, indexed for in-memory lookups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from orca_desk.db import CachedSelect
from orca_desk.models.clinic import Location
from orca_desk.models.schedule import (
    DEFAULT_BLOCK_COLOUR,
    ScheduleBlock,
    ScheduleBreak,
    ScheduleException,
    SchedulePeriod,
)
from orca_desk.models.template import AppliedSlot
from orca_desk.services.availability.clock import DAY_MINUTES, DayClock, zone_of
from orca_desk.services.intervals import (
    Interval,
    normalize,
    subtract,
    union,
)
from orca_desk.services.recurrence import occurrences


@dataclass(frozen=True)
class BlockRow:
    """One occurrence of a block on one local day (a repeating block gives one row per day)."""

    id: int
    day: date
    start_minute: int
    end_minute: int
    provider_id: int | None
    chair_id: int | None
    reason: str
    colour: str
    location_id: int = 0
    rrule: str | None = None
    # "block": a ScheduleBlock (id is its id); "template": time a template keeps free (id is the
    # AppliedSlot's), which refuses bookings like a block but is drawn as a template mark.
    source: str = "block"


class PeriodRow(NamedTuple):
    """A working period as plain data (also used for "what if" schedules before saving).

    A named tuple rather than a frozen dataclass: a search's window builds hundreds of them, and
    a frozen dataclass costs four times as much to make."""

    provider_id: int
    location_id: int
    weekday: int
    start_minute: int
    end_minute: int
    effective_from: date
    effective_to: date | None
    breaks: tuple[tuple[int, int, str], ...] = ()

    def applies(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.effective_from <= day
            and (self.effective_to is None or day <= self.effective_to)
        )


@dataclass(frozen=True)
class ExceptionRow:
    id: int
    kind: str
    provider_id: int | None
    location_id: int | None
    start_day: date
    end_day: date
    start_minute: int | None
    end_minute: int | None
    time_off_type: str | None
    name: str

    def local_span(self) -> Interval:
        return (self.start_minute or 0, DAY_MINUTES if self.end_minute is None else self.end_minute)


@dataclass
class ScheduleData:
    """Schedules, exceptions and blocks of a date window, indexed for in-memory lookups."""

    zones: dict[int, ZoneInfo]  # location_id -> zone
    periods: dict[int, list[PeriodRow]]  # provider_id -> periods
    scheduled: set[int]  # providers with any period at all (ever)
    exceptions: list[ExceptionRow]
    blocks_by_day: dict[tuple[int, date], list[BlockRow]]  # (location_id, day) -> blocks
    # (location_id, day) -> blocked slots of applied templates (``BlockRow.source == "template"``)
    template_blocks_by_day: dict[tuple[int, date], list[BlockRow]] = field(default_factory=dict)
    _clocks: dict[tuple[int, date], DayClock] = field(default_factory=dict)
    _day_exceptions: dict[date, list[ExceptionRow]] = field(default_factory=dict)

    def clock(self, location_id: int, day: date) -> DayClock:
        key = (location_id, day)
        c = self._clocks.get(key)
        if c is None:
            c = self._clocks[key] = DayClock(day, self.zones[location_id])
        return c

    def _exceptions_on(self, day: date) -> list[ExceptionRow]:
        found = self._day_exceptions.get(day)
        if found is None:
            found = self._day_exceptions[day] = [
                x for x in self.exceptions if x.start_day <= day <= x.end_day
            ]
        return found

    def base_hours(self, provider_id: int, day: date) -> dict[int, list[Interval]]:
        """Working local minutes per location from periods (minus breaks) and extra days."""
        out: dict[int, list[Interval]] = {}
        for p in self.periods.get(provider_id, ()):
            if p.applies(day):
                ivs = subtract([(p.start_minute, p.end_minute)], [(b[0], b[1]) for b in p.breaks])
                out[p.location_id] = union(out.get(p.location_id, []), ivs)
        for x in self._exceptions_on(day):
            if x.kind == "extra_day" and x.provider_id == provider_id and x.location_id is not None:
                out[x.location_id] = union(out.get(x.location_id, []), [x.local_span()])
        return out

    def off_spans(self, provider_id: int, location_id: int, day: date) -> list[tuple[Interval, str]]:
        """Holidays and time off taking this provider's time at this location, with a label."""
        out = []
        for x in self._exceptions_on(day):
            if x.kind == "holiday" and (x.location_id is None or x.location_id == location_id):
                label = f"Clinic holiday: {x.name}" if x.location_id is None else f"Location closed: {x.name}"
                out.append((x.local_span(), label))
            elif x.kind == "time_off" and x.provider_id == provider_id:
                what = x.time_off_type or "time off"
                out.append((x.local_span(), f"time off ({what}{': ' + x.name if x.name else ''})"))
        return out

    def working(self, provider_id: int, day: date) -> dict[int, list[Interval]]:
        """Working local minutes per location: base hours minus holidays and time off."""
        if self._exceptions_on(day):
            out = {}
            for loc, ivs in self.base_hours(provider_id, day).items():
                left = subtract(ivs, [s for s, _ in self.off_spans(provider_id, loc, day)])
                if left:
                    out[loc] = left
            return out
        # No exception touches the day (most days): the applying periods minus their breaks, the
        # same as base_hours gives then, in one pass (the openings search asks per provider per day).
        weekday = day.weekday()
        hours: dict[int, list[Interval]] = {}
        for p in self.periods.get(provider_id, ()):
            if (
                p.weekday != weekday
                or p.effective_from > day
                or (p.effective_to is not None and day > p.effective_to)
            ):
                continue
            if p.breaks:
                ivs = subtract([(p.start_minute, p.end_minute)], [(b[0], b[1]) for b in p.breaks])
            else:
                ivs = [(p.start_minute, p.end_minute)] if p.start_minute < p.end_minute else []
            before = hours.get(p.location_id)
            hours[p.location_id] = union(before, ivs) if before else ivs
        return {loc: ivs for loc, ivs in hours.items() if ivs}

    def blocks_on(self, location_id: int, day: date) -> list[BlockRow]:
        """The day's blocks (ScheduleBlock rows), as the calendar draws them."""
        return self.blocks_by_day.get((location_id, day), [])

    def all_blocks_on(self, location_id: int, day: date) -> list[BlockRow]:
        """Every time kept free that day: the blocks and the templates' blocked slots."""
        return [*self.blocks_on(location_id, day), *self.template_blocks_by_day.get((location_id, day), [])]

    def provider_blocks(self, provider_id: int, location_id: int, day: date) -> list[Interval]:
        """Local minutes blocked for the provider: their own blocks and location-wide ones."""
        return normalize(
            (b.start_minute, b.end_minute)
            for b in self.all_blocks_on(location_id, day)
            if b.provider_id == provider_id or (b.provider_id is None and b.chair_id is None)
        )

    def chair_blocks(self, chair_id: int, location_id: int, day: date) -> list[Interval]:
        return normalize(
            (b.start_minute, b.end_minute)
            for b in self.all_blocks_on(location_id, day)
            if b.chair_id == chair_id or (b.provider_id is None and b.chair_id is None)
        )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


# The window's statements, built once (with and without a provider filter), their values bound
# at each load: composing them cost more than running them on a clinic's few hundred rows.
_PERIODS = (
    select(
        SchedulePeriod.id,
        SchedulePeriod.provider_id,
        SchedulePeriod.location_id,
        SchedulePeriod.weekday,
        SchedulePeriod.start_minute,
        SchedulePeriod.end_minute,
        SchedulePeriod.effective_from,
        SchedulePeriod.effective_to,
        ScheduleBreak.start_minute,
        ScheduleBreak.end_minute,
        ScheduleBreak.label,
    )
    .outerjoin(ScheduleBreak, ScheduleBreak.period_id == SchedulePeriod.id)
    .order_by(SchedulePeriod.id, ScheduleBreak.start_minute)
)
_EXCEPTIONS = select(
    ScheduleException.id,
    ScheduleException.kind,
    ScheduleException.provider_id,
    ScheduleException.location_id,
    ScheduleException.start_day,
    ScheduleException.end_day,
    ScheduleException.start_minute,
    ScheduleException.end_minute,
    ScheduleException.time_off_type,
    ScheduleException.name,
).where(ScheduleException.start_day <= bindparam("last"), ScheduleException.end_day >= bindparam("first"))
_STATEMENTS = {
    False: (CachedSelect(_PERIODS), CachedSelect(_EXCEPTIONS)),
    True: (
        CachedSelect(_PERIODS.where(SchedulePeriod.provider_id.in_(bindparam("providers", expanding=True)))),
        CachedSelect(
            _EXCEPTIONS.where(
                or_(
                    ScheduleException.provider_id.is_(None),
                    ScheduleException.provider_id.in_(bindparam("providers", expanding=True)),
                )
            )
        ),
    ),
}
_ZONES = CachedSelect(select(Location.id, Location.timezone))


def load_schedule_data(
    session: Session,
    *,
    provider_ids: Sequence[int] | None,
    location_ids: Sequence[int],
    first_day: date,
    last_day: date,
    zones: dict[int, ZoneInfo] | None = None,
) -> ScheduleData:
    """Load a window's schedules in four queries (zones, periods with breaks, exceptions, blocks)."""
    conn = session.connection()
    if zones is None:
        zones = {lid: zone_of(tz) for lid, tz in _ZONES.rows(conn)}
    pq, xq = _STATEMENTS[provider_ids is not None]
    params = {"providers": list(provider_ids or ()), "first": first_day, "last": last_day}
    # Every period (not only the window's) is read, so "has any schedule" needs no extra
    # query; a clinic has a few hundred periods at most.
    # The rows come by period id, a period's breaks in a row (one row, breaks None, without).
    raw: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = []
    last_id = None
    for r in pq.rows(conn, params):
        if r[0] != last_id:
            last_id = r[0]
            raw.append((r[1:8], []))
        if r[8] is not None:
            raw[-1][1].append(r[8:11])
    periods: dict[int, list[PeriodRow]] = defaultdict(list)
    scheduled: set[int] = set()
    for head, brks in raw:
        scheduled.add(head[0])
        if head[5] <= last_day and (head[6] is None or head[6] >= first_day):
            periods[head[0]].append(PeriodRow._make((*head, tuple(brks))))
    exceptions = [ExceptionRow(*r) for r in xq.rows(conn, params)]
    blocks, template_blocks = _load_blocks(session, location_ids, first_day, last_day, zones)
    return ScheduleData(
        zones=zones,
        periods=dict(periods),
        scheduled=scheduled,
        exceptions=exceptions,
        blocks_by_day=blocks,
        template_blocks_by_day=template_blocks,
    )


_Blocks = dict[tuple[int, date], list[BlockRow]]


# A block as it is read, here and by Schedules' list (provider_schedules.BlockView's order).
BLOCK_COLUMNS = (
    ScheduleBlock.id,
    ScheduleBlock.location_id,
    ScheduleBlock.provider_id,
    ScheduleBlock.chair_id,
    ScheduleBlock.day,
    ScheduleBlock.start_minute,
    ScheduleBlock.end_minute,
    ScheduleBlock.reason,
    ScheduleBlock.colour,
    ScheduleBlock.rrule,
)

_BLOCKS = CachedSelect(
    union_all(
        select(*BLOCK_COLUMNS, literal("block").label("source")).where(
            ScheduleBlock.location_id.in_(bindparam("locations", expanding=True)),
            ScheduleBlock.day <= bindparam("last"),
            or_(ScheduleBlock.rrule.is_not(None), ScheduleBlock.day >= bindparam("first")),
        ),
        select(
            AppliedSlot.id,
            AppliedSlot.location_id,
            AppliedSlot.provider_id,
            AppliedSlot.chair_id,
            AppliedSlot.day,
            AppliedSlot.start_minute,
            AppliedSlot.end_minute,
            AppliedSlot.block_reason,
            literal(DEFAULT_BLOCK_COLOUR),
            null(),
            literal("template"),
        ).where(
            AppliedSlot.location_id.in_(bindparam("locations", expanding=True)),
            AppliedSlot.block_reason.is_not(None),
            AppliedSlot.status != "removed",
            AppliedSlot.start_at >= bindparam("since"),
            AppliedSlot.start_at < bindparam("until"),
            AppliedSlot.day >= bindparam("first"),
            AppliedSlot.day <= bindparam("last"),
        ),
    )
)


def _load_blocks(
    session: Session, location_ids: Sequence[int], first_day: date, last_day: date, zones: dict[int, ZoneInfo]
) -> tuple[_Blocks, _Blocks]:
    """The window's blocks and the blocked slots of applied templates, in one query; repeating
    blocks are expanded in the location's wall clock."""
    # start_at bounds a day's slots within a day either side, whatever the zone (the index).
    params = {
        "locations": list(location_ids),
        "first": first_day,
        "last": last_day,
        "since": datetime.combine(first_day - timedelta(days=1), time(0), tzinfo=UTC),
        "until": datetime.combine(last_day + timedelta(days=2), time(0), tzinfo=UTC),
    }
    out: _Blocks = defaultdict(list)
    kept: _Blocks = defaultdict(list)
    row: Any
    for row in _BLOCKS.rows(session.connection(), params):
        bid, loc, prov, chair, day, s, e, reason, colour, rrule, source = row
        if source == "template":
            kept[(loc, day)].append(
                BlockRow(bid, day, s, e, prov, chair, reason or "Blocked", colour, loc, None, "template")
            )
            continue
        if rrule:
            zone = zones[loc]
            dtstart = datetime.combine(day, time(s // 60, s % 60), tzinfo=zone)
            until = datetime.combine(last_day, time(23, 59), tzinfo=zone)
            days = [o.date() for o in occurrences(rrule, dtstart, until=until) if o.date() >= first_day]
        else:
            days = [day]
        for d in days:
            out[(loc, d)].append(BlockRow(bid, d, s, e, prov, chair, reason, colour, loc, rrule))
    return out, kept
