"""Find the next openings: the in-memory gap search over a loaded window."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from orca_desk.db import CachedSelect
from orca_desk.models.clinic import Chair, Location, Provider
from orca_desk.services.availability.busy import _Busy, _load_busy
from orca_desk.services.availability.clock import DAY_MINUTES, DayClock, epoch_minute, from_epoch, zone_of
from orca_desk.services.availability.schedule import ScheduleData, _days, load_schedule_data
from orca_desk.services.errors import ValidationError
from orca_desk.services.intervals import (
    Interval,
    free_start_windows,
    intersect_normalized,
    normalize,
    over_capacity,
    subtract_normalized,
    union,
)


@dataclass(frozen=True)
class Opening:
    start: datetime  # UTC
    end: datetime  # UTC
    provider_id: int
    chair_id: int
    location_id: int


def find_openings(
    session: Session,
    *,
    minutes: int,
    after: datetime,
    provider_ids: Sequence[int] | None = None,
    chair_ids: Sequence[int] | None = None,
    location_ids: Sequence[int] | None = None,
    days_of_week: Sequence[int] | None = None,
    time_windows: Sequence[tuple[int, int]] | None = None,
    horizon_days: int = 90,
    limit: int = 10,
    step: int = 5,
    patient_id: int | None = None,
    spread: bool = False,
) -> list[Opening]:
    """The next ``limit`` openings of ``minutes`` starting at or after ``after``, by start then provider.

    ``spread``: choices for a family rather than every start: at most one opening per provider,
    local day and part of the day (morning before 12:00, afternoon, evening from 17:00).

    An opening is a (provider, chair) pair free for the whole length: inside the provider's
    working hours, not on a holiday or time off, outside blocks, the chair free, the
    provider under their concurrency limit (and the patient free, when ``patient_id`` is
    given). ``days_of_week`` (0 = Monday) and ``time_windows`` (local minutes of the
    location; the whole appointment must fit inside the windows, where windows that touch or
    overlap count as one) narrow the search; starts
    lie on a ``step``-minute grid of the location's wall clock. One opening per provider
    and start: the first free chair in the location's order.

    Queries: 6 to load the providers, locations, chairs and schedules, then 2 (3 with a
    patient) per chunk of days; chunks double in size (2, 4, 8, … days) and the search stops
    at the first day that completes the list, so a 90-day horizon costs at most
    6 + 6 × 3 = 24 queries, however many providers, chairs and appointments there are.
    """
    windows = _search_windows(minutes, step, after, days_of_week, time_windows)
    if not windows or limit <= 0 or horizon_days <= 0:
        return []
    end = after + timedelta(days=horizon_days)
    place = _load_place(session, provider_ids, chair_ids, location_ids)
    if place is None:
        return []
    capacity, zones, chairs_at = place
    first_day = min(after.astimezone(z).date() for z in zones.values())
    last_day = max(end.astimezone(z).date() for z in zones.values())
    data = load_schedule_data(
        session,
        provider_ids=list(capacity),
        location_ids=list(chairs_at),
        first_day=first_day,
        last_day=last_day,
        zones=zones,
    )
    # Only providers with working time in the window: weekly periods or extra days.
    extra = {x.provider_id for x in data.exceptions if x.kind == "extra_day"}
    providers = sorted(p for p in capacity if p in data.periods or p in extra)
    if not providers:
        return []
    search = _Search(
        data,
        providers,
        capacity,
        chairs_at,
        minutes,
        step,
        windows,
        epoch_minute(after),
        epoch_minute(end),
        limit,
        patient_id,
        spread,
    )
    found = search.run(session, first_day, last_day, set(days_of_week) if days_of_week is not None else None)
    # The chair is chosen only for the openings returned: the first free one in the location's order.
    return [
        Opening(from_epoch(st), from_epoch(st + minutes), p, search.chair_for(loc, day, st), loc)
        for st, p, loc, day in found
    ]


def _search_windows(
    minutes: int,
    step: int,
    after: datetime,
    days_of_week: Sequence[int] | None,
    time_windows: Sequence[tuple[int, int]] | None,
) -> list[Interval]:
    """The local windows starts must fit in (the whole day without ``time_windows``), or a
    ValidationError naming the bad argument."""
    if minutes <= 0:
        raise ValidationError("The appointment must last at least one minute.", field="minutes")
    if step <= 0:
        raise ValidationError("The step must be at least one minute.", field="step")
    if after.tzinfo is None:
        raise ValidationError("The search start has no time zone.", field="after")
    if days_of_week is not None and any(not 0 <= d <= 6 for d in days_of_week):
        raise ValidationError("Days of the week go from 0 (Monday) to 6 (Sunday).", field="days_of_week")
    return normalize(time_windows) if time_windows is not None else [(0, DAY_MINUTES)]


# The search's first three statements, built once per shape (which filters are given), their
# values bound at each search.
_PLACE: dict[tuple[bool, bool, bool], tuple[CachedSelect, CachedSelect, CachedSelect]] = {}


def _place_statements(
    by_provider: bool, by_chair: bool, by_location: bool
) -> tuple[CachedSelect, CachedSelect, CachedSelect]:
    key = (by_provider, by_chair, by_location)
    found = _PLACE.get(key)
    if found is None:
        pq = select(Provider.id, Provider.max_concurrent).where(Provider.is_active.is_(True))
        if by_provider:
            pq = pq.where(Provider.id.in_(bindparam("providers", expanding=True)))
        lq = select(Location.id, Location.timezone)
        if by_location:
            lq = lq.where(Location.id.in_(bindparam("locations", expanding=True)))
        cq = select(Chair.id, Chair.location_id).where(
            Chair.is_active.is_(True), Chair.location_id.in_(bindparam("zones", expanding=True))
        )
        if by_chair:
            cq = cq.where(Chair.id.in_(bindparam("chairs", expanding=True)))
        cq = cq.order_by(Chair.location_id, Chair.sort_order, Chair.id)
        found = _PLACE[key] = (CachedSelect(pq), CachedSelect(lq), CachedSelect(cq))
    return found


def _load_place(
    session: Session,
    provider_ids: Sequence[int] | None,
    chair_ids: Sequence[int] | None,
    location_ids: Sequence[int] | None,
) -> tuple[dict[int, int], dict[int, ZoneInfo], dict[int, list[int]]] | None:
    """The active providers' capacities, the locations' zones and their active chairs in order
    (None when no provider or no chair is left)."""
    pq, lq, cq = _place_statements(provider_ids is not None, chair_ids is not None, location_ids is not None)
    conn = session.connection()
    params = {
        "providers": list(provider_ids or ()),
        "locations": list(location_ids or ()),
        "chairs": list(chair_ids or ()),
    }
    capacity: dict[int, int] = dict(pq.rows(conn, params))  # type: ignore[arg-type]
    zones = {lid: zone_of(tz) for lid, tz in lq.rows(conn, params)}
    params["zones"] = list(zones)
    chairs_at: dict[int, list[int]] = defaultdict(list)
    for cid, lid in cq.rows(conn, params):
        chairs_at[lid].append(cid)
    if not capacity or not chairs_at:
        return None
    return capacity, zones, chairs_at


# Where the afternoon and the evening begin, in minutes after local midnight.
_PART_ENDS = (12 * 60, 17 * 60)


def _part_of_day(local_minute: int) -> int:
    """0 morning (before 12:00), 1 afternoon, 2 evening (from 17:00)."""
    return 0 if local_minute < _PART_ENDS[0] else 1 if local_minute < _PART_ENDS[1] else 2


class _Search:
    """The in-memory part of find_openings: per-day candidates from the loaded window."""

    def __init__(
        self,
        data: ScheduleData,
        providers: list[int],
        capacity: dict[int, int],
        chairs_at: dict[int, list[int]],
        minutes: int,
        step: int,
        windows: list[Interval],
        lo_em: int,
        hi_em: int,
        limit: int,
        patient_id: int | None,
        spread: bool = False,
    ) -> None:
        self.data, self.providers, self.capacity, self.chairs_at = data, providers, capacity, chairs_at
        self.spread = spread
        self.minutes, self.step, self.windows, self.limit = minutes, step, windows, limit
        # Without time windows the whole day is allowed: no intersecting with it per provider.
        self.whole_day = windows == [(0, DAY_MINUTES)]
        self.lo_em, self.hi_em, self.patient_id = lo_em, hi_em, patient_id
        # (location, day) -> each chair's start windows, and their union (a start fits some chair).
        self.chair_windows: dict[tuple[int, date], dict[int, list[Interval]]] = {}
        self.chair_starts: dict[tuple[int, date], tuple[list[Interval], list[int]]] = {}

    def run(
        self, session: Session, first_day: date, last_day: date, dows: set[int] | None
    ) -> list[tuple[int, int, int, date]]:
        """The best ``limit`` (start, provider, location, day), loading appointments chunk by chunk."""
        zones = self.data.zones.values()
        found: list[tuple[int, int, int, date]] = []
        # Appointments load in chunks of days that double (2, 4, 8, … days): the next openings
        # are usually in the first days, so most searches read a few hundred rows, not 90 days'.
        chunk_first, size = first_day, 2
        while chunk_first <= last_day:
            chunk_last = min(last_day, chunk_first + timedelta(days=size - 1))
            lo = min(datetime.combine(chunk_first, time(0), tzinfo=z) for z in zones)
            hi = max(datetime.combine(chunk_last + timedelta(days=1), time(0), tzinfo=z) for z in zones)
            self.busy(
                _load_busy(
                    session,
                    lo,
                    hi,
                    location_ids=list(self.chairs_at),
                    provider_ids=self.providers,
                    patient_id=self.patient_id,
                )
            )
            for day in _days(chunk_first, chunk_last):
                if dows is None or day.weekday() in dows:
                    # sorted()[:n] is what nsmallest gives, and in C for these few dozen.
                    found = sorted([*found, *self.day_candidates(day)])[: self.limit]
                # Stop when the list is full and no later day can start earlier: the next day
                # starts at the earliest of the zones' next local midnights.
                nxt = day + timedelta(days=1)
                boundary = min(epoch_minute(datetime.combine(nxt, time(0), tzinfo=z)) for z in zones)
                if len(found) >= self.limit and found[-1][0] < boundary:
                    return found
            chunk_first, size = chunk_last + timedelta(days=1), size * 2
        return found

    def busy(self, busy: _Busy) -> None:
        # Each provider's full time is worked out when a day first asks for it: most chunks end at
        # their first day. The loaded lists are sorted by start already.
        self.loaded = busy
        self.full: dict[tuple[int, int, int], list[Interval]] = {}
        pid = self.patient_id
        self.patient_busy = normalize(busy.by_patient.get(pid, [])) if pid is not None else []

    def _full(self, provider: int, lo: int, hi: int) -> list[Interval]:
        """Where the provider is at capacity within [lo, hi) (or beyond), sorted by start: with a
        capacity of one simply their appointments as loaded (overlaps and all, free_start_windows
        needs no merging), else a sweep over the appointments reaching into [lo, hi)."""
        cap = self.capacity[provider]
        key = (provider, lo, hi) if cap > 1 else (provider, 0, 0)
        found = self.full.get(key)
        if found is None:
            ivs = self.loaded.by_provider.get(provider, [])
            if cap == 1:
                found = ivs
            else:
                # Only the day's part inside the search's horizon is ever looked at.
                lo, hi = max(lo, self.lo_em), min(hi, self.hi_em + self.minutes)
                found = over_capacity([iv for iv in ivs if iv[1] > lo and iv[0] < hi], cap - 1)
            if self.patient_busy:
                found = union(found, self.patient_busy)
            self.full[key] = found
        return found

    def _chairs(self, loc: int, day: date) -> tuple[list[Interval], list[int]]:
        """The starts at which some chair of the location is free for the whole length (normalized),
        and where each of those windows begins (for bisecting)."""
        key = (loc, day)
        found = self.chair_starts.get(key)
        if found is None:
            data, minutes = self.data, self.minutes
            clock = data.clock(loc, day)
            whole = [(clock.midnight, clock.next_midnight)]
            blocked = bool(data.all_blocks_on(loc, day))
            windows = {}
            for c in self.chairs_at[loc]:
                taken = self.loaded.by_chair.get(c, [])
                if blocked:
                    taken = union(clock.ivs_to_epoch(data.chair_blocks(c, loc, day)), taken)
                windows[c] = free_start_windows(whole, taken, minutes)
            self.chair_windows[key] = windows
            starts = normalize(chain.from_iterable(windows.values()))
            found = self.chair_starts[key] = (starts, [a for a, _ in starts])
        return found

    def chair_for(self, loc: int, day: date, start: int) -> int:
        """The first chair in the location's order free for the whole length from ``start``."""
        windows = self.chair_windows[(loc, day)]
        # The last window beginning at or before start, found by comparing tuples (no key calls).
        probe = (start, math.inf)
        for c in self.chairs_at[loc]:
            found = windows[c]
            i = bisect_right(found, probe)
            if i and start < found[i - 1][1]:
                return c
        raise AssertionError(f"no chair free at {start}, yet the location's starts include it")

    def day_candidates(self, day: date) -> list[tuple[int, int, int, date]]:
        out: list[tuple[int, int, int, date]] = []
        data, minutes, step, limit = self.data, self.minutes, self.step, self.limit
        lo_h, hi_h, last_start = self.lo_em, self.hi_em + minutes, self.hi_em
        # The day's clock and whether blocks apply, per location: looked up once, not per provider.
        places: dict[int, tuple[DayClock, bool] | None] = {}
        # Every list below is normalized already (each step returns it so): the search skips
        # re-sorting them, hundreds of times a search.
        for p in self.providers:
            for loc, local_ivs in data.working(p, day).items():
                if loc in places:
                    place = places[loc]
                else:
                    place = places[loc] = (
                        (data.clock(loc, day), bool(data.all_blocks_on(loc, day)))
                        if self.chairs_at.get(loc)
                        else None
                    )
                if place is None:
                    continue
                clock, blocked = place
                local = local_ivs
                if not (self.whole_day and local[0][0] >= 0 and local[-1][1] <= DAY_MINUTES):
                    local = intersect_normalized(local, self.windows)
                if local and blocked:
                    local = subtract_normalized(local, data.provider_blocks(p, loc, day))
                if not local:
                    continue
                midnight, next_midnight = clock.midnight, clock.next_midnight
                if clock.uniform and local[-1][1] <= DAY_MINUTES:
                    within = [(midnight + s, midnight + e) for s, e in local]
                else:
                    within = clock.ivs_to_epoch(local)
                # Within the search's horizon: starts from ``after``, ends by its last start's end.
                if lo_h > midnight or hi_h < next_midnight:
                    within = [(max(s, lo_h), min(e, hi_h)) for s, e in within if s < hi_h and e > lo_h]
                starts = free_start_windows(within, self._full(p, midnight, next_midnight), minutes)
                if not starts:
                    continue
                chairs, chair_los = self._chairs(loc, day)
                for st in _grid_starts(
                    starts, chairs, chair_los, midnight, step, last_start, limit, self.spread
                ):
                    out.append((st, p, loc, day))
        return out


def _grid_starts(
    starts: list[Interval],
    chairs: list[Interval],
    chair_los: list[int],
    midnight: int,
    step: int,
    last_start: int,
    limit: int,
    spread: bool,
) -> list[int]:
    """The first ``limit`` starts on the day's grid (multiples of ``step`` after local midnight)
    inside both the provider's ``starts`` and the chairs' (both normalized), before ``last_start``.

    The intersection is walked lazily, bisecting into the chairs' windows, and stops once the
    list is full. ``spread``: only the first start of each part of the day; starts only grow, so
    after one is taken the walk jumps to where the next part begins."""
    out: list[int] = []
    floor = midnight  # no start before this (with spread, where the next part begins)
    n = len(chairs)
    for a, b in starts:
        b = min(b, last_start)
        if b <= floor:
            continue
        k = max(bisect_right(chair_los, max(a, floor)) - 1, 0)
        while k < n:
            ca, cb = chairs[k]
            if ca >= b:
                break
            lo, hi = max(a, ca, floor), min(b, cb)
            st = lo + (midnight - lo) % step
            while st < hi:
                out.append(st)
                if len(out) >= limit:
                    return out
                if not spread:
                    st += step
                    continue
                part = _part_of_day(st - midnight)
                if part == 2:
                    return out
                floor = midnight + _PART_ENDS[part]
                if floor >= b:
                    break
                st = floor + (midnight - floor) % step
            if floor >= b:
                break
            k += 1
    return out
