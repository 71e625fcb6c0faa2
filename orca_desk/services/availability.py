"""The one availability engine: working hours minus exceptions, blocks and appointments.

Every caller (booking, find-next-opening, the calendar shading, templates, recurrence,
waitlist matching) asks here. The engine loads a window's data in a fixed number of
queries as plain tuples, then computes in memory with the interval algebra of
``services.intervals`` (sorted integer minutes, two-pointer subtract, bisect lookups).

Rules:
- Working hours, breaks, exceptions and blocks are wall-clock rules in the location's
  zone (local minutes of a day). Each day's rules are converted to real instants
  ("epoch minutes", minutes since 1970 UTC) before they meet appointments, so a
  08:00–17:00 day stays 08:00–17:00 across DST and the 23 h / 25 h days are exact.
- A provider with no schedule periods at all is *unscheduled*: booking does not check
  their hours (holidays, time off and blocks still apply, they are explicit), and
  find-next-opening offers them nothing, because it cannot invent hours.
- Holidays (clinic-wide or for a location) and time off take precedence over working
  periods and extra days; blocks take time away from the provider, the chair, or
  (with neither) everyone at the location.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import BigInteger, and_, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from orca_desk.models import (
    ACTIVE_STATUSES,
    AppliedSlot,
    Appointment,
    Chair,
    Location,
    Patient,
    Provider,
    ScheduleBlock,
    ScheduleBreak,
    ScheduleException,
    SchedulePeriod,
)
from orca_desk.models.schedule import DEFAULT_BLOCK_COLOUR
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.intervals import (
    Interval,
    contains,
    intersect,
    normalize,
    over_capacity,
    start_windows,
    subtract,
    union,
)
from orca_desk.services.recurrence import occurrences

__all__ = [
    "BlockRow",
    "CalendarOverlay",
    "Opening",
    "SlotProblem",
    "calendar_overlay",
    "check_slot",
    "find_openings",
    "free_intervals",
    "hours_problems",
]

DAY_MINUTES = 24 * 60
# The longest appointment booking allows (booking.MAX_MINUTES; not imported, booking imports
# this module). It bounds the start_at range so SQLite stays inside the window's index range.
_MAX_APPOINTMENT = timedelta(hours=8)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOUR_KINDS = frozenset({"outside_hours", "provider_off", "blocked"})


# ----- public rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    start: datetime  # UTC
    end: datetime  # UTC
    provider_id: int
    chair_id: int
    location_id: int


@dataclass(frozen=True)
class SlotProblem:
    kind: str  # outside_hours | provider_off | blocked | chair_taken | patient_busy | provider_full
    message: str


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


@dataclass(frozen=True)
class CalendarOverlay:
    working: dict[tuple[date, int], list[tuple[int, int]]]  # (day, provider_id) -> working local minutes
    location_open: dict[date, list[tuple[int, int]]]  # union over providers working at the location
    blocks: list[BlockRow]


# ----- time conversion ---------------------------------------------------------------------


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone, or a ValidationError naming the bad zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"Unknown time zone {name!r}; use an IANA name such as America/New_York.", field="timezone"
        ) from None


def epoch_minute(dt: datetime) -> int:
    """Minutes since 1970 UTC, rounded down (instants are minute-aligned in practice)."""
    return int(dt.timestamp()) // 60


def _epoch_minute_up(dt: datetime) -> int:
    return -(-int(dt.timestamp()) // 60)


def from_epoch(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


class DayClock:
    """Local minutes of one day in one zone ⇄ epoch minutes, exact across DST changes."""

    __slots__ = ("day", "midnight", "next_midnight", "uniform", "zone")

    def __init__(self, day: date, zone: ZoneInfo) -> None:
        self.day, self.zone = day, zone
        start = datetime.combine(day, time(0), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        self.midnight = epoch_minute(start)
        self.next_midnight = epoch_minute(end)
        # Most days need no zone lookups at all: the offset is the same all day.
        self.uniform = (
            start.utcoffset() == end.utcoffset() and self.next_midnight - self.midnight == DAY_MINUTES
        )

    def to_epoch(self, minute: int) -> int:
        if minute >= DAY_MINUTES:
            return self.next_midnight
        if self.uniform:
            return self.midnight + minute
        # combine() with fold=0: a wall time in the spring-forward gap moves forward, an
        # ambiguous one is the first of the two (as recurrence does).
        return epoch_minute(datetime.combine(self.day, time(minute // 60, minute % 60), tzinfo=self.zone))

    def to_local(self, em: int) -> int:
        if em <= self.midnight:
            return 0
        if em >= self.next_midnight:
            return DAY_MINUTES
        if self.uniform:
            return em - self.midnight
        local = from_epoch(em).astimezone(self.zone)
        return local.hour * 60 + local.minute

    def ivs_to_epoch(self, ivs: Iterable[Interval]) -> list[Interval]:
        return normalize((self.to_epoch(s), self.to_epoch(e)) for s, e in ivs)

    def ivs_to_local(self, ivs: Iterable[Interval]) -> list[Interval]:
        return normalize((self.to_local(s), self.to_local(e)) for s, e in ivs)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


# ----- the loaded window -------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodRow:
    """A working period as plain data (also used for "what if" schedules before saving)."""

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

    def clock(self, location_id: int, day: date) -> DayClock:
        key = (location_id, day)
        c = self._clocks.get(key)
        if c is None:
            c = self._clocks[key] = DayClock(day, self.zones[location_id])
        return c

    def _exceptions_on(self, day: date) -> list[ExceptionRow]:
        return [x for x in self.exceptions if x.start_day <= day <= x.end_day]

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
        out = {}
        for loc, ivs in self.base_hours(provider_id, day).items():
            left = subtract(ivs, [s for s, _ in self.off_spans(provider_id, loc, day)])
            if left:
                out[loc] = left
        return out

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
    if zones is None:
        zones = {lid: zone_of(tz) for lid, tz in session.execute(select(Location.id, Location.timezone))}
    pq = (
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
    if provider_ids is not None:
        pq = pq.where(SchedulePeriod.provider_id.in_(provider_ids))
    # Every period (not only the window's) is read, so "has any schedule" needs no extra
    # query; a clinic has a few hundred periods at most.
    raw: dict[int, tuple[tuple[int, int, int, int, int, date, date | None], list[tuple[int, int, str]]]] = {}
    for r in session.execute(pq):
        entry = raw.get(r[0])
        if entry is None:
            entry = raw[r[0]] = ((r[1], r[2], r[3], r[4], r[5], r[6], r[7]), [])
        if r[8] is not None:
            entry[1].append((r[8], r[9], r[10]))
    periods: dict[int, list[PeriodRow]] = defaultdict(list)
    scheduled: set[int] = set()
    for head, brks in raw.values():
        scheduled.add(head[0])
        if head[5] <= last_day and (head[6] is None or head[6] >= first_day):
            periods[head[0]].append(PeriodRow(*head, breaks=tuple(brks)))
    xq = select(
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
    ).where(ScheduleException.start_day <= last_day, ScheduleException.end_day >= first_day)
    if provider_ids is not None:
        xq = xq.where(
            or_(ScheduleException.provider_id.is_(None), ScheduleException.provider_id.in_(provider_ids))
        )
    exceptions = [ExceptionRow(*tuple(r)) for r in session.execute(xq)]
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


def _load_blocks(
    session: Session, location_ids: Sequence[int], first_day: date, last_day: date, zones: dict[int, ZoneInfo]
) -> tuple[_Blocks, _Blocks]:
    """The window's blocks and the blocked slots of applied templates, in one query; repeating
    blocks are expanded in the location's wall clock."""
    blocks = select(
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
        literal("block").label("source"),
    ).where(
        ScheduleBlock.location_id.in_(location_ids),
        ScheduleBlock.day <= last_day,
        or_(ScheduleBlock.rrule.is_not(None), ScheduleBlock.day >= first_day),
    )
    # start_at bounds a day's slots within a day either side, whatever the zone (the index).
    since = datetime.combine(first_day - timedelta(days=1), time(0), tzinfo=UTC)
    until = datetime.combine(last_day + timedelta(days=2), time(0), tzinfo=UTC)
    kept_free = select(
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
        AppliedSlot.location_id.in_(location_ids),
        AppliedSlot.block_reason.is_not(None),
        AppliedSlot.status != "removed",
        AppliedSlot.start_at >= since,
        AppliedSlot.start_at < until,
        AppliedSlot.day >= first_day,
        AppliedSlot.day <= last_day,
    )
    out: _Blocks = defaultdict(list)
    kept: _Blocks = defaultdict(list)
    row: Any
    for row in session.execute(union_all(blocks, kept_free)):
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


@dataclass
class _Busy:
    """Active appointments of a window as epoch-minute intervals, grouped three ways."""

    by_provider: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    by_chair: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))
    by_patient: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))

    def add(self, provider_id: int, chair_id: int, patient_id: int, start: int, end: int) -> None:
        iv = (start, end)
        self.by_provider[provider_id].append(iv)
        self.by_chair[chair_id].append(iv)
        self.by_patient[patient_id].append(iv)


def _epoch_sql(session: Session, column: Any, *, up: bool = False) -> Any:
    """The column as epoch minutes computed by the database: thousands of rows then cost no
    datetime objects in Python (the instants are minute-aligned; ``up`` rounds an end up)."""
    if session.get_bind().dialect.name == "sqlite":
        seconds = cast(func.strftime("%s", column), BigInteger)
    else:
        seconds = cast(func.extract("epoch", column), BigInteger)
    return (seconds + 59).self_group().op("/")(60) if up else seconds.op("/")(60)


def _load_busy(
    session: Session,
    lo: datetime,
    hi: datetime,
    *,
    location_ids: Sequence[int],
    provider_ids: Sequence[int],
    patient_id: int | None = None,
    ignore_appointment_id: int | None = None,
) -> _Busy:
    """Appointments overlapping [lo, hi): at the locations, of the providers elsewhere, of the patient.

    Two or three queries rather than one OR: each keeps to one (key, start_at) index range.
    """
    busy = _Busy()
    # Core execution: plain integer tuples, none of the ORM's per-row bookkeeping.
    conn = session.connection()
    cols = (
        Appointment.provider_id,
        Appointment.chair_id,
        Appointment.patient_id,
        _epoch_sql(session, Appointment.start_at),
        _epoch_sql(session, Appointment.end_at, up=True),
    )
    window = and_(
        Appointment.start_at < hi,
        Appointment.start_at > lo - _MAX_APPOINTMENT,
        Appointment.end_at > lo,
        Appointment.status.in_(ACTIVE_STATUSES),
    )
    if ignore_appointment_id is not None:
        window = and_(window, Appointment.id != ignore_appointment_id)
    seen_patient_rows = patient_id is None
    if location_ids:
        # fetchall: one driver call for thousands of rows, not one per row.
        for r in conn.execute(select(*cols).where(window, Appointment.location_id.in_(location_ids))).all():
            busy.add(*r)
    if provider_ids:
        q = select(*cols).where(window, Appointment.provider_id.in_(provider_ids))
        if location_ids:
            q = q.where(Appointment.location_id.not_in(location_ids))
        for r in conn.execute(q).all():
            busy.add(*r)
    if not seen_patient_rows:
        q = select(*cols).where(window, Appointment.patient_id == patient_id)
        if location_ids:
            q = q.where(Appointment.location_id.not_in(location_ids))
        if provider_ids:
            q = q.where(Appointment.provider_id.not_in(provider_ids))
        for r in conn.execute(q).all():
            busy.add(*r)
    return busy


# ----- find next openings ------------------------------------------------------------------


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
    location; the whole appointment must fit inside one window) narrow the search; starts
    lie on a ``step``-minute grid of the location's wall clock. One opening per provider
    and start: the first free chair in the location's order.

    Queries: 6 to load the providers, locations, chairs and schedules, then 2 (3 with a
    patient) per chunk of days; chunks double in size (2, 4, 8, … days) and the search stops
    at the first day that completes the list, so a 90-day horizon costs at most
    6 + 6 × 3 = 24 queries, however many providers, chairs and appointments there are.
    """
    if minutes <= 0:
        raise ValidationError("The appointment must last at least one minute.", field="minutes")
    if step <= 0:
        raise ValidationError("The step must be at least one minute.", field="step")
    if after.tzinfo is None:
        raise ValidationError("The search start has no time zone.", field="after")
    if days_of_week is not None and any(not 0 <= d <= 6 for d in days_of_week):
        raise ValidationError("Days of the week go from 0 (Monday) to 6 (Sunday).", field="days_of_week")
    windows = normalize(time_windows) if time_windows is not None else [(0, DAY_MINUTES)]
    if time_windows is not None and not windows:
        return []
    if limit <= 0 or horizon_days <= 0:
        return []
    pq = select(Provider.id, Provider.max_concurrent).where(Provider.is_active.is_(True))
    if provider_ids is not None:
        pq = pq.where(Provider.id.in_(provider_ids))
    capacity: dict[int, int] = {r[0]: r[1] for r in session.execute(pq)}
    lq = select(Location.id, Location.timezone)
    if location_ids is not None:
        lq = lq.where(Location.id.in_(location_ids))
    zones = {lid: zone_of(tz) for lid, tz in session.execute(lq)}
    cq = select(Chair.id, Chair.location_id).where(
        Chair.is_active.is_(True), Chair.location_id.in_(list(zones))
    )
    if chair_ids is not None:
        cq = cq.where(Chair.id.in_(chair_ids))
    chairs_at: dict[int, list[int]] = defaultdict(list)
    for cid, lid in session.execute(cq.order_by(Chair.location_id, Chair.sort_order, Chair.id)):
        chairs_at[lid].append(cid)
    if not capacity or not chairs_at:
        return []
    end = after + timedelta(days=horizon_days)
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
    lo_em, hi_em = epoch_minute(after), epoch_minute(end)
    dows = set(days_of_week) if days_of_week is not None else None

    search = _Search(
        data, providers, capacity, chairs_at, minutes, step, windows, lo_em, hi_em, limit, patient_id, spread
    )
    found: list[tuple[int, int, int, date]] = []  # (start, provider, location, day)
    # Appointments load in chunks of days that double (2, 4, 8, … days): the next openings
    # are usually in the first days, so most searches read a few hundred rows, not 90 days'.
    chunk_first, size = first_day, 2
    done = False
    while chunk_first <= last_day and not done:
        chunk_last = min(last_day, chunk_first + timedelta(days=size - 1))
        lo = min(datetime.combine(chunk_first, time(0), tzinfo=z) for z in zones.values())
        hi = max(datetime.combine(chunk_last + timedelta(days=1), time(0), tzinfo=z) for z in zones.values())
        search.busy(
            _load_busy(
                session, lo, hi, location_ids=list(chairs_at), provider_ids=providers, patient_id=patient_id
            )
        )
        for day in _days(chunk_first, chunk_last):
            if dows is None or day.weekday() in dows:
                found = heapq.nsmallest(limit, [*found, *search.day_candidates(day)])
            # Stop when the list is full and no later day can start earlier: the next day
            # starts at the earliest of the zones' next local midnights.
            nxt = day + timedelta(days=1)
            boundary = min(epoch_minute(datetime.combine(nxt, time(0), tzinfo=z)) for z in zones.values())
            if len(found) >= limit and found[-1][0] < boundary:
                done = True
                break
        chunk_first, size = chunk_last + timedelta(days=1), size * 2
    # The chair is chosen only for the openings returned: the first free one in the location's order.
    return [
        Opening(from_epoch(st), from_epoch(st + minutes), p, search.chair_for(loc, day, st), loc)
        for st, p, loc, day in found
    ]


def _part_of_day(local_minute: int) -> int:
    """0 morning (before 12:00), 1 afternoon, 2 evening (from 17:00)."""
    return 0 if local_minute < 12 * 60 else 1 if local_minute < 17 * 60 else 2


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
        self.lo_em, self.hi_em, self.patient_id = lo_em, hi_em, patient_id
        self.chair_free: dict[tuple[int, date], dict[int, list[Interval]]] = {}
        self.chair_starts: dict[tuple[int, date], list[Interval]] = {}

    def busy(self, busy: _Busy) -> None:
        self._busy = busy
        # Where each provider is at capacity, once per chunk (a sweep over their appointments).
        self.full = {
            p: over_capacity(busy.by_provider.get(p, []), self.capacity[p] - 1) for p in self.providers
        }
        pid = self.patient_id
        self.patient_busy = normalize(busy.by_patient.get(pid, [])) if pid is not None else []

    def _chairs(self, loc: int, day: date) -> list[Interval]:
        key = (loc, day)
        starts = self.chair_starts.get(key)
        if starts is None:
            clock = self.data.clock(loc, day)
            frees = {
                c: subtract(
                    [(clock.midnight, clock.next_midnight)],
                    union(
                        clock.ivs_to_epoch(self.data.chair_blocks(c, loc, day)),
                        self._busy.by_chair.get(c, []),
                    ),
                )
                for c in self.chairs_at[loc]
            }
            self.chair_free[key] = frees
            starts = self.chair_starts[key] = normalize(
                w for f in frees.values() for w in start_windows(f, self.minutes)
            )
        return starts

    def chair_for(self, loc: int, day: date, start: int) -> int:
        frees = self.chair_free[(loc, day)]
        return next(c for c in self.chairs_at[loc] if contains(frees[c], start, start + self.minutes))

    def day_candidates(self, day: date) -> list[tuple[int, int, int, date]]:
        out: list[tuple[int, int, int, date]] = []
        data, minutes, step = self.data, self.minutes, self.step
        for p in self.providers:
            for loc, local_ivs in data.working(p, day).items():
                if not self.chairs_at.get(loc):
                    continue
                clock = data.clock(loc, day)
                local = subtract(intersect(local_ivs, self.windows), data.provider_blocks(p, loc, day))
                if not local:
                    continue
                free = subtract(
                    intersect(clock.ivs_to_epoch(local), [(self.lo_em, self.hi_em + minutes)]),
                    union(self.full[p], self.patient_busy),
                )
                starts = start_windows(free, minutes) if free else []
                if not starts:
                    continue
                n = 0
                parts_taken: set[int] = set()
                for a, b in intersect(starts, self._chairs(loc, day)):
                    b = min(b, self.hi_em)  # starts must lie before the horizon's end
                    # Grid on the location's wall clock: multiples of step after local midnight.
                    for st in range(a + (clock.midnight - a) % step, b, step):
                        if self.spread:  # only the first start of each part of the day
                            part = _part_of_day(st - clock.midnight)
                            if part in parts_taken:
                                continue
                            parts_taken.add(part)
                        out.append((st, p, loc, day))
                        n += 1
                        if n >= self.limit:
                            break
                    if n >= self.limit:
                        break
        return out


# ----- check one slot ------------------------------------------------------------------------


def hours_problems(
    session: Session, *, provider_id: int, chair_id: int, start: datetime, end: datetime
) -> list[SlotProblem]:
    """Why [start, end) is outside the provider's time: hours, holidays/time off, blocks.

    Only the three "hours" kinds; booking refuses them unless overridden. Four to five
    queries.
    """
    prov = session.execute(select(Provider.name).where(Provider.id == provider_id)).first()
    chair = session.execute(
        select(Chair.location_id, Location.timezone, Location.name)
        .join(Location, Location.id == Chair.location_id)
        .where(Chair.id == chair_id)
    ).first()
    if prov is None:
        raise NotFound(f"Provider #{provider_id} does not exist.")
    if chair is None:
        raise NotFound(f"Chair #{chair_id} does not exist.")
    name = prov[0]
    loc, zone = chair[0], zone_of(chair[1])
    first_day = start.astimezone(zone).date()
    last_day = (end - timedelta(microseconds=1)).astimezone(zone).date()
    data = load_schedule_data(
        session, provider_ids=[provider_id], location_ids=[loc], first_day=first_day, last_day=last_day
    )
    s_em, e_em = epoch_minute(start), _epoch_minute_up(end)
    problems: list[SlotProblem] = []
    hours: list[Interval] = []
    other_loc_names: list[str] = []
    for day in _days(first_day, last_day):
        clock = data.clock(loc, day)
        for span, label in data.off_spans(provider_id, loc, day):
            if intersect(clock.ivs_to_epoch([span]), [(s_em, e_em)]):
                text = label if label.startswith(("Clinic", "Location")) else f"{name} is on {label}"
                if not any(p.message == text for p in problems):
                    problems.append(SlotProblem("provider_off", f"{text} ({day:%a %-d %b})."))
        base = data.base_hours(provider_id, day)
        hours = union(hours, clock.ivs_to_epoch(base.get(loc, [])))
        other_loc_names += [str(x) for x in base if x != loc]
        for b in data.all_blocks_on(loc, day):
            # A block takes its provider's time and its chair; with neither, everyone's here.
            applies = (
                (b.provider_id is None and b.chair_id is None)
                or b.provider_id == provider_id
                or b.chair_id == chair_id
            )
            if applies and intersect(clock.ivs_to_epoch([(b.start_minute, b.end_minute)]), [(s_em, e_em)]):
                when = f"{hhmm(b.start_minute)}–{hhmm(b.end_minute)}"
                problems.append(
                    SlotProblem(
                        "blocked",
                        f"{b.reason} block {when}."
                        if b.source == "block"
                        else f"The template keeps {when} free ({b.reason}).",
                    )
                )
    if provider_id in data.scheduled and not contains(hours, s_em, e_em):
        problems.insert(
            0,
            SlotProblem(
                "outside_hours",
                _outside_message(session, data, name, provider_id, loc, first_day, bool(other_loc_names)),
            ),
        )
    return problems


def _outside_message(
    session: Session, data: ScheduleData, name: str, provider_id: int, loc: int, day: date, elsewhere: bool
) -> str:
    weekday = WEEKDAY_NAMES[day.weekday()]
    base = data.base_hours(provider_id, day)
    if not base:
        return f"{name} does not work {weekday}s."
    if loc not in base:
        names = {
            r[0]: r[1]
            for r in session.execute(select(Location.id, Location.name).where(Location.id.in_(list(base))))
        }
        return f"{name} works at {', '.join(names[x] for x in base)} on {weekday}s, not here."
    ivs = base[loc]
    periods = [p for p in data.periods.get(provider_id, []) if p.applies(day) and p.location_id == loc]
    spans = ", ".join(
        f"{hhmm(s)}–{hhmm(e)}" for s, e in union([], [(p.start_minute, p.end_minute) for p in periods]) or ivs
    )
    breaks = "; ".join(f"{label} {hhmm(s)}–{hhmm(e)}" for p in periods for s, e, label in p.breaks)
    return f"{name} works {spans} on {weekday}s" + (f" (break: {breaks})." if breaks else ".")


def check_slot(
    session: Session,
    *,
    provider_id: int,
    chair_id: int,
    start: datetime,
    end: datetime,
    patient_id: int | None = None,
    ignore_appointment_id: int | None = None,
) -> list[SlotProblem]:
    """Every reason [start, end) cannot be booked for this provider and chair; empty = bookable."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError("The slot has no time zone.", field="start")
    if end <= start:
        raise ValidationError("The slot must end after it starts.", field="end")
    problems = hours_problems(session, provider_id=provider_id, chair_id=chair_id, start=start, end=end)
    max_concurrent = session.scalar(select(Provider.max_concurrent).where(Provider.id == provider_id)) or 1
    overlap = and_(
        Appointment.start_at < end,
        Appointment.end_at > start,
        Appointment.start_at > start - _MAX_APPOINTMENT,
        Appointment.status.in_(ACTIVE_STATUSES),
    )
    if ignore_appointment_id is not None:
        overlap = and_(overlap, Appointment.id != ignore_appointment_id)
    who = or_(Appointment.chair_id == chair_id, Appointment.provider_id == provider_id)
    if patient_id is not None:
        who = or_(who, Appointment.patient_id == patient_id)
    rows = session.execute(
        select(
            Appointment.chair_id,
            Appointment.patient_id,
            Appointment.provider_id,
            Appointment.start_at,
            Appointment.end_at,
            Patient.first_name,
            Patient.last_name,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(overlap, who)
    ).all()
    for r in rows:
        if r.chair_id == chair_id:
            problems.append(
                SlotProblem("chair_taken", f"The chair is taken by {r.first_name} {r.last_name}.")
            )
            break
    for r in rows:
        if patient_id is not None and r.patient_id == patient_id:
            problems.append(
                SlotProblem("patient_busy", f"{r.first_name} {r.last_name} already has an appointment then.")
            )
            break
    mine = [
        (epoch_minute(r.start_at), _epoch_minute_up(r.end_at)) for r in rows if r.provider_id == provider_id
    ]
    if intersect(over_capacity(mine, max_concurrent - 1), [(epoch_minute(start), _epoch_minute_up(end))]):
        problems.append(
            SlotProblem(
                "provider_full",
                f"The provider already sees {max_concurrent} patient"
                f"{'s' if max_concurrent != 1 else ''} at once then.",
            )
        )
    return problems


# ----- free intervals and the calendar overlay -----------------------------------------------


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
