"""Apply template versions to dates and providers: dry-run plan, idempotent bulk apply, replace, fill.

The plan loads the range's schedules (the availability engine's ``load_schedule_data``),
active appointments and already-applied slots in a handful of bulk queries, then decides
every slot in memory with interval arithmetic on epoch minutes. Wall-clock slots become
instants per local day with ``DayClock``, so DST days are exact. Existing appointments are
never overwritten or moved: a slot whose time is taken is skipped and reported.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from orca_desk.models import (
    ACTIVE_STATUSES,
    AppliedSlot,
    Appointment,
    AppointmentType,
    Base,
    Chair,
    Location,
    Provider,
    ProviderChair,
    ScheduleTemplate,
    TemplateApplication,
    TemplateSlot,
    TemplateVersion,
)
from orca_desk.models.schedule import DEFAULT_BLOCK_COLOUR
from orca_desk.services import audit
from orca_desk.services.availability import (
    DAY_MINUTES,
    PeriodRow,
    ScheduleData,
    epoch_minute,
    from_epoch,
    load_schedule_data,
    zone_of,
)
from orca_desk.services.bulk import (
    chunks,
    epoch_seconds_sql,
    fetch_tuples,
    insert_tuples,
    instant_param,
    param_mark,
)
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.intervals import Interval, contains, normalize, subtract
from orca_desk.services.schedule_templates import WEEKDAY_SHORT, hhmm
from orca_desk.services.security import MANAGE_TEMPLATES, Actor

__all__ = [
    "ApplicationPlan",
    "ApplicationRow",
    "ApplyParams",
    "ApplyResult",
    "OpenTemplateSlot",
    "PlannedSlot",
    "apply_template",
    "apply_template_in_chunks",
    "list_applications",
    "on_appointment_change",
    "open_template_slots",
    "plan_application",
    "replace_application",
    "replace_application_in_chunks",
]

MAX_DAYS = 371
ALL_WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)
_MAX_APPOINTMENT_MIN = 8 * 60
_BATCH_ROWS = 4000
SKIP_KINDS = ("existing", "off", "applied", "past")

# (id, week, weekday, chair lane, start minute, end minute, type, blocked, reason)
_SlotRow = tuple[int, int, int | None, int, int, int, int | None, bool, str]
Progress = Callable[[int, int], None]  # (days done, days in all)
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class ApplyParams:
    """What to apply where. ``version`` None: the template's newest version.

    ``chair_ids`` map the template's chair lanes in order (lane 1 → the first chair); without
    chairs the slots belong to the provider only. ``location_id`` None: where each provider
    works that day (their schedule), else the chairs' location.
    """

    template_id: int
    provider_ids: tuple[int, ...]
    start_day: date
    end_day: date
    weekdays: tuple[int, ...] = ALL_WEEKDAYS
    chair_ids: tuple[int, ...] = ()
    location_id: int | None = None
    version: int | None = None
    rotation_start: date | None = None  # the Monday of the rotation's first week


class PlannedSlot(NamedTuple):
    """One slot of the plan on one day for one provider (a tuple: the plan holds tens of thousands)."""

    day: date
    provider_id: int
    chair_id: int | None
    location_id: int | None
    start_em: int  # epoch minutes (UTC)
    end_em: int
    start_minute: int  # local wall clock
    end_minute: int
    type_id: int | None
    block_reason: str | None
    template_slot_id: int
    kind: str = "create"  # create | one of SKIP_KINDS
    reason: str = ""

    @property
    def start(self) -> datetime:
        return from_epoch(self.start_em)

    @property
    def end(self) -> datetime:
        return from_epoch(self.end_em)


@dataclass(frozen=True)
class DayProviderSummary:
    day: date
    provider_id: int
    provider_name: str
    create: int
    existing: int
    off: int
    applied: int
    reasons: tuple[str, ...]


@dataclass
class ApplicationPlan:
    """A dry run: what applying would create and what it would skip, and why."""

    params: ApplyParams
    template_name: str
    version_id: int
    version_number: int
    rotation_start: date
    provider_names: dict[int, str]
    create: list[PlannedSlot] = field(default_factory=list)
    skipped: list[PlannedSlot] = field(default_factory=list)
    days: list[date] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(s.kind for s in self.skipped)
        return {"create": len(self.create), "existing": c["existing"], "off": c["off"] + c["past"],
                "applied": c["applied"]}

    @property
    def off_days(self) -> int:
        """Provider-days on which every slot was skipped because the provider is off."""
        per: dict[tuple[date, int], set[str]] = defaultdict(set)
        for s in self.create:
            per[(s.day, s.provider_id)].add("create")
        for s in self.skipped:
            per[(s.day, s.provider_id)].add(s.kind)
        return sum(1 for kinds in per.values() if kinds == {"off"})

    def summary(self) -> str:
        c = self.counts
        text = (f"{self.template_name} v{self.version_number}: {c['create']:,} slots to create, "
                f"{c['existing']:,} skipped because appointments already exist there, "
                f"{c['off']:,} skipped because the provider is off ({self.off_days:,} provider-days)")
        if c["applied"]:
            text += f", {c['applied']:,} already applied"
        return text + "."

    def by_date_provider(self) -> list[DayProviderSummary]:
        rows: dict[tuple[date, int], list[PlannedSlot]] = defaultdict(list)
        for s in (*self.create, *self.skipped):
            rows[(s.day, s.provider_id)].append(s)
        out = []
        for (day, pid), slots in sorted(rows.items()):
            c = Counter(s.kind for s in slots)
            reasons = tuple(dict.fromkeys(s.reason for s in slots if s.reason))
            out.append(DayProviderSummary(day, pid, self.provider_names.get(pid, f"#{pid}"), c["create"],
                                          c["existing"], c["off"] + c["past"], c["applied"], reasons))
        return out


@dataclass(frozen=True)
class ApplyResult:
    application_id: int | None
    created: int
    days_done: int
    days_total: int
    cancelled: bool
    counts: dict[str, int]
    last_day_done: date | None = None


@dataclass(frozen=True)
class ApplicationRow:
    id: int
    template_id: int
    template_name: str
    version_number: int
    provider_ids: tuple[int, ...]
    chair_ids: tuple[int, ...]
    start_day: date
    end_day: date
    weekdays: tuple[int, ...]
    created_count: int
    open_count: int
    booked_count: int
    created_by: str
    created_at: datetime
    replaced_by: int | None


@dataclass(frozen=True)
class OpenTemplateSlot:
    """An applied template slot nobody booked yet: an opening (or blocked time, when asked for)."""

    id: int
    application_id: int
    template_name: str
    provider_id: int
    chair_id: int | None
    location_id: int
    day: date
    start: datetime
    end: datetime
    start_minute: int
    end_minute: int
    type_id: int | None
    type_name: str
    colour: str
    block_reason: str | None


# ----- planning ----------------------------------------------------------------------------


_Lane = tuple[list[int], list[int]]  # starts and ends of normalized busy intervals


def _lanes(raw: dict[int, list[Interval]]) -> dict[int, _Lane]:
    """Busy intervals per key, normalized and split into start and end lists for ``_meets``."""
    out = {}
    for key, ivs in raw.items():
        merged = normalize(ivs)
        out[key] = ([a for a, _ in merged], [b for _, b in merged])
    return out


def _meets(lane: _Lane | None, s: int, e: int) -> bool:
    """Whether [s, e) meets the lane's intervals (O(log n))."""
    if lane is None:
        return False
    starts, ends = lane
    i = bisect_left(starts, e) - 1
    return i >= 0 and ends[i] > s


class _HoursCache:
    """Working hours per provider-day, computed once per distinct set of periods.

    Most days have no holiday or time off; their hours depend only on which periods apply,
    so a year of 40 providers needs a few hundred interval computations, not ten thousand.
    Days with exceptions ask the availability engine's ``ScheduleData`` directly.
    """

    def __init__(self, data: ScheduleData, days: Sequence[date]) -> None:
        self.data = data
        self.exception_days: set[date] = set()
        first, last = (days[0], days[-1]) if days else (date.min, date.min)
        for x in data.exceptions:
            d = max(x.start_day, first)
            while d <= min(x.end_day, last):
                self.exception_days.add(d)
                d += timedelta(days=1)
        self._by_periods: dict[tuple[int, ...], dict[int, list[Interval]]] = {}
        self._periods_by_wd: dict[tuple[int, int], list[PeriodRow]] = defaultdict(list)
        for pid, periods in data.periods.items():
            for per in periods:
                self._periods_by_wd[(pid, per.weekday)].append(per)
        # (provider, weekday) pairs whose periods all hold over the whole window: same hours every week.
        self._steady_pairs = {
            k for k, ps in self._periods_by_wd.items()
            if all(p.effective_from <= first and (p.effective_to or last) >= last for p in ps)}
        self._steady: dict[tuple[int, int], tuple[tuple[int, ...], dict[int, list[Interval]]]] = {}

    def base(self, pid: int, day: date) -> tuple[tuple[int, ...] | None, dict[int, list[Interval]]]:
        """The provider's hours that day per location, with a key naming them (equal keys, equal
        hours); the key is None on days with holidays or time off, which are not shared."""
        if day in self.exception_days:
            return None, self.data.base_hours(pid, day)
        pair = (pid, day.weekday())
        steady = self._steady.get(pair)
        if steady is not None:
            return steady
        applying = [p for p in self._periods_by_wd.get(pair, ()) if p.applies(day)]
        key = tuple(id(p) for p in applying)
        hit = self._by_periods.get(key)
        if hit is None:
            out: dict[int, list[Interval]] = {}
            for p in applying:
                ivs = subtract([(p.start_minute, p.end_minute)], [(b[0], b[1]) for b in p.breaks])
                out[p.location_id] = normalize([*out.get(p.location_id, []), *ivs])
            hit = self._by_periods[key] = out
        if pair in self._steady_pairs:
            self._steady[pair] = (key, hit)
        return key, hit

    def off_spans(self, pid: int, loc: int, day: date) -> list[tuple[Interval, str]]:
        return self.data.off_spans(pid, loc, day) if day in self.exception_days else []

    def working(self, pid: int, loc: int, day: date) -> list[Interval]:
        if day in self.exception_days:
            return self.data.working(pid, day).get(loc, [])
        return self.base(pid, day)[1].get(loc, [])


def _today(session: Session, now: datetime, location_id: int | None) -> date:
    zones = dict(session.execute(select(Location.id, Location.timezone)).all())
    if location_id is not None and location_id in zones:
        return now.astimezone(zone_of(zones[location_id])).date()
    return max((now.astimezone(zone_of(tz)).date() for tz in zones.values()), default=now.date())


def _check_params(session: Session, p: ApplyParams, *, now: datetime) -> None:
    if not p.provider_ids:
        raise ValidationError("Choose at least one provider.", field="providers")
    if p.end_day < p.start_day:
        raise ValidationError(f"The range {p.start_day:%a %-d %b %Y} – {p.end_day:%a %-d %b %Y} is empty: "
                              "it ends before it starts.", field="end_day")
    if (p.end_day - p.start_day).days >= MAX_DAYS:
        raise ValidationError("Apply at most a year at a time.", field="end_day")
    weekdays = set(p.weekdays)
    if not weekdays or not weekdays <= set(ALL_WEEKDAYS):
        raise ValidationError("Choose at least one weekday (Monday to Sunday).", field="weekdays")
    days = [d for d in _days(p.start_day, p.end_day) if d.weekday() in weekdays]
    if not days:
        names = ", ".join(WEEKDAY_SHORT[w] for w in sorted(weekdays))
        raise ValidationError(f"The range {p.start_day:%a %-d %b %Y} – {p.end_day:%a %-d %b %Y} has no "
                              f"{names}: nothing to apply.", field="weekdays")
    today = _today(session, now, p.location_id)
    if p.start_day < today:
        raise ValidationError(f"{p.start_day:%a %-d %b %Y} is in the past; templates apply from today "
                              f"({today:%a %-d %b}) on.", field="start_day")


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def _usual_chairs(session: Session, provider_id: int, count: int) -> tuple[int, ...]:
    """The provider's first ``count`` usual chairs at one location, in their order; () if too few."""
    rows = session.execute(
        select(ProviderChair.chair_id, Chair.location_id)
        .join(Chair, Chair.id == ProviderChair.chair_id)
        .where(ProviderChair.provider_id == provider_id, Chair.is_active.is_(True))
        .order_by(ProviderChair.sort_order, Chair.sort_order)).all()
    if not rows:
        return ()
    home = rows[0][1]
    chosen = tuple(chair for chair, loc in rows if loc == home)[:count]
    return chosen if len(chosen) == count else ()


def plan_application(session: Session, params: ApplyParams, *, now: datetime) -> ApplicationPlan:
    """The dry run: per date and provider, the slots to create and those skipped (and why).

    Refuses an empty range, past dates, unknown providers or chairs with a ValidationError or
    NotFound naming them. Writes nothing.
    """
    _check_params(session, params, now=now)
    tmpl = session.get(ScheduleTemplate, params.template_id)
    if tmpl is None:
        raise NotFound(f"Template #{params.template_id} does not exist.")
    vq = select(TemplateVersion).where(TemplateVersion.template_id == tmpl.id)
    vq = vq.where(TemplateVersion.number == params.version) if params.version is not None else \
        vq.order_by(TemplateVersion.number.desc()).limit(1)
    version = session.scalar(vq)
    if version is None:
        raise NotFound(f"{tmpl.name} has no version {params.version}.")
    slots: list[_SlotRow] = [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(TemplateSlot.id, TemplateSlot.week, TemplateSlot.weekday, TemplateSlot.chair_index,
               TemplateSlot.start_minute, TemplateSlot.end_minute, TemplateSlot.type_id,
               TemplateSlot.is_blocked, TemplateSlot.block_reason)
        .where(TemplateSlot.version_id == version.id)
        .order_by(TemplateSlot.start_minute, TemplateSlot.chair_index))]
    providers = {r[0]: (r[1], r[2]) for r in session.execute(
        select(Provider.id, Provider.name, Provider.max_concurrent)
        .where(Provider.id.in_(params.provider_ids), Provider.is_active.is_(True)))}
    missing = [pid for pid in params.provider_ids if pid not in providers]
    if missing:
        raise NotFound(f"Provider{'s' if len(missing) > 1 else ''} {', '.join(f'#{m}' for m in missing)} "
                       "do not exist or are inactive.")
    if not params.chair_ids and version.chair_count > 1 and len(params.provider_ids) == 1:
        # Chairs left empty: the provider's usual chairs (set up with the clinic) are the lanes.
        usual = _usual_chairs(session, params.provider_ids[0], version.chair_count)
        if usual:
            params = replace(params, chair_ids=usual)
    location_id = params.location_id
    chair_ids = list(params.chair_ids)
    if chair_ids:
        chair_locs = dict(session.execute(select(Chair.id, Chair.location_id).where(
            Chair.id.in_(chair_ids), Chair.is_active.is_(True))).all())
        bad = [c for c in chair_ids if c not in chair_locs]
        if bad:
            raise NotFound(f"Chair{'s' if len(bad) > 1 else ''} {', '.join(f'#{b}' for b in bad)} "
                           "do not exist.")
        if len(set(chair_locs.values())) > 1:
            raise ValidationError("Choose chairs of one location.", field="chairs")
        if len(set(chair_ids)) != len(chair_ids):
            raise ValidationError("A chair is chosen twice.", field="chairs")
        location_id = next(iter(chair_locs.values()))
    if version.chair_count > max(1, len(chair_ids)):
        raise ValidationError(f"{tmpl.name} uses {version.chair_count} chairs; choose "
                              f"{version.chair_count} chairs (in the order of the template's chair lanes), "
                              "or apply it to one provider who has that many usual chairs "
                              "(Administration → Providers).",
                              field="chairs")
    rotation = list(version.rotation or ["A"])
    first_day = params.start_day
    rotation_start = params.rotation_start or (first_day - timedelta(days=first_day.weekday()))
    days = [d for d in _days(params.start_day, params.end_day) if d.weekday() in set(params.weekdays)]
    plan = ApplicationPlan(params=params, template_name=tmpl.name, version_id=version.id,
                           version_number=version.number, rotation_start=rotation_start,
                           provider_names={pid: v[0] for pid, v in providers.items()}, days=days)
    if not slots:
        return plan

    zones = {lid: zone_of(tz) for lid, tz in session.execute(select(Location.id, Location.timezone))}
    if location_id is not None and location_id not in zones:
        raise NotFound(f"Location #{location_id} does not exist.")
    default_location = location_id if location_id is not None else min(zones)
    pids = list(providers)
    data = load_schedule_data(session, provider_ids=pids, location_ids=list(zones), first_day=days[0],
                              last_day=days[-1], zones=zones)
    zone0 = zones[default_location]
    lo = epoch_minute(datetime.combine(days[0], datetime.min.time(), tzinfo=zone0)) - 24 * 60
    hi = epoch_minute(datetime.combine(days[-1], datetime.min.time(), tzinfo=zone0)) + 48 * 60
    lo_dt, hi_dt = from_epoch(lo), from_epoch(hi)
    active = ", ".join(f"'{status}'" for status in ACTIVE_STATUSES)
    appt_by_provider, appt_by_chair, _ = _load_intervals(
        session, "appointment", lo_dt, hi_dt, pids, chair_ids,
        longest=timedelta(minutes=_MAX_APPOINTMENT_MIN), condition=f"status IN ({active})")
    # An applied slot lies within one local day: at most 25 hours (the day clocks fall back).
    applied_by_provider, applied_by_chair, applied_chairless = _load_intervals(
        session, "applied_slot", lo_dt, hi_dt, pids, chair_ids, longest=timedelta(hours=25),
        condition="status <> 'removed'")
    appts_p, appts_c = _lanes(appt_by_provider), _lanes(appt_by_chair)
    applied_p, applied_c = _lanes(applied_by_provider), _lanes(applied_by_chair)
    # A slot in a chair meets the provider's chairless slots; chair lanes of one provider may overlap.
    applied_free = _lanes(applied_chairless)
    now_em = epoch_minute(now)

    # Slots of each (rotation week, weekday); a day template's slots apply on every chosen day.
    # Each slot is kept with what does not depend on the day: (slot, chair, end minute
    # within the day, type, block reason).
    by_pattern: dict[tuple[int, int], list[tuple[_SlotRow, int | None, int, int | None, str | None]]] = \
        defaultdict(list)
    for s in slots:
        _sid, _week, _wd, lane, _start, e_min, type_id, blocked, reason = s
        fixed = (s, chair_ids[lane] if chair_ids else None, min(e_min, DAY_MINUTES),
                 None if blocked else type_id, (reason or "Blocked") if blocked else None)
        for wd in ALL_WEEKDAYS if s[2] is None else (s[2],):
            by_pattern[(s[1], wd)].append(fixed)
    n_weeks = len(rotation)
    hours = _HoursCache(data, days)
    # Whether a slot is off (holiday, time off, not working there, outside hours) depends only
    # on the day's slots and the provider's hours, which repeat week after week: decided once
    # per (pattern, hours, location) and reused, except on days with holidays or time off.
    hour_verdicts: dict[tuple[object, ...], list[tuple[str, str] | None]] = {}
    create, skipped = plan.create, plan.skipped
    for day in days:
        weekday = day.weekday()
        week = ((day - rotation_start).days // 7) % n_weeks
        day_slots = by_pattern.get((week, weekday))
        if not day_slots:
            continue
        for pid in pids:
            max_concurrent = providers[pid][1]
            scheduled = pid in data.scheduled
            hours_key, base = hours.base(pid, day) if scheduled else (
                None if day in hours.exception_days else (), {})
            if location_id is not None:
                loc = location_id
            elif base:
                loc = min(base)
            else:
                loc = default_location
            clock = data.clock(loc, day)
            memo = None if hours_key is None else (week, weekday, scheduled, hours_key, loc)
            verdicts = hour_verdicts.get(memo) if memo is not None else None
            if verdicts is None:
                verdicts = _hour_verdicts(
                    [f[0] for f in day_slots], weekday, hours.off_spans(pid, loc, day),
                    not_here=scheduled and not base.get(loc),
                    working=hours.working(pid, loc, day) if scheduled else None)
                if memo is not None:
                    hour_verdicts[memo] = verdicts
            provider_appts = appts_p.get(pid)
            provider_applied = applied_p.get(pid)
            provider_chairless = applied_free.get(pid)
            # Slots of one chair lane never overlap (validated), so new slots need no check among themselves.
            for (slot, chair, end_minute, type_id, block), verdict in zip(day_slots, verdicts, strict=True):
                s_em, e_em = clock.to_epoch(slot[4]), clock.to_epoch(slot[5])
                if verdict is not None:
                    kind, why = verdict
                elif e_em <= s_em:
                    kind, why = "off", "Not a time on this day (clock change)"
                elif s_em < now_em:
                    kind, why = "past", "Already past"
                elif (chair is not None and _meets(applied_c.get(chair), s_em, e_em)) or _meets(
                        provider_applied if chair is None else provider_chairless, s_em, e_em):
                    kind, why = "applied", "A template slot is already applied there"
                elif chair is not None and _meets(appts_c.get(chair), s_em, e_em):
                    kind, why = "existing", "An appointment is already booked in the chair then"
                elif (chair is None or max_concurrent <= 1) and _meets(provider_appts, s_em, e_em):
                    kind, why = "existing", "The provider already has an appointment then"
                else:
                    kind, why = "create", ""
                row = PlannedSlot(day, pid, chair, loc, s_em, e_em, slot[4], end_minute, type_id, block,
                                  slot[0], kind, why)
                if kind == "create":
                    create.append(row)
                else:
                    skipped.append(row)
    _refuse_chair_collisions(plan)
    return plan


def _hour_verdicts(slots: Sequence[_SlotRow], weekday: int, off_spans: list[tuple[Interval, str]], *,
                   not_here: bool, working: list[Interval] | None) -> list[tuple[str, str] | None]:
    """Per slot, ("off", why) when the provider is off or outside working hours then, else None."""
    out: list[tuple[str, str] | None] = []
    for _sid, _w, _wd, _lane, s_min, e_min, _type, blocked, _reason in slots:
        if off_spans and (off := next((label for (a, b), label in off_spans
                                       if a < e_min and b > s_min), None)) is not None:
            out.append(("off", off[0].upper() + off[1:]))
        elif not_here:
            out.append(("off", f"Does not work {WEEKDAY_SHORT[weekday]}s here"))
        elif working is not None and not blocked and not contains(working, s_min, e_min):
            out.append(("off", f"Outside working hours {hhmm(s_min)}–{hhmm(e_min)}"))
        else:
            out.append(None)
    return out


def _refuse_chair_collisions(plan: ApplicationPlan) -> None:
    """Two providers given the same chairs would put two slots into one chair: skip the later one."""
    by_chair: dict[int, list[tuple[int, int]]] = defaultdict(list)
    keep: list[PlannedSlot] = []
    for s in plan.create:
        if s.chair_id is not None:
            taken = by_chair[s.chair_id]
            if any(a < s.end_em and b > s.start_em for a, b in taken):
                plan.skipped.append(s._replace(kind="applied",
                                               reason="Another provider's slot takes the chair"))
                continue
            taken.append((s.start_em, s.end_em))
        keep.append(s)
    plan.create = keep


_ByKey = dict[int, list[Interval]]


def _load_intervals(session: Session, table: str, lo: datetime, hi: datetime, provider_ids: Sequence[int],
                    chair_ids: Sequence[int], *, longest: timedelta, condition: str
                    ) -> tuple[_ByKey, _ByKey, _ByKey]:
    """Epoch-minute intervals of rows overlapping [lo, hi) per provider, per chair and per provider
    for rows without a chair (one query).

    Driver SQL read as plain tuples, the database computing the epoch minutes: a year's
    plan reads ~50,000 appointments and, on a re-apply, ~40,000 applied slots, for which
    Row objects and datetimes would cost more than the query. ``longest``: no row lasts
    longer, which bounds ``start_at`` from below so the (key, start_at) indexes stay in range.
    """
    conn = session.connection()
    mark = param_mark(conn)
    who = f"provider_id IN ({', '.join([mark] * len(provider_ids))})"
    if chair_ids:
        who = f"({who} OR chair_id IN ({', '.join([mark] * len(chair_ids))}))"
    start_s, end_s = epoch_seconds_sql(conn, "start_at"), epoch_seconds_sql(conn, "end_at")
    # Integer division: ends round up to the minute, starts down.
    rows = fetch_tuples(session, f"SELECT provider_id, chair_id, {start_s} / 60, ({end_s} + 59) / 60 "
                                 f"FROM {table} WHERE start_at < {mark} AND start_at > {mark} "
                                 f"AND end_at > {mark} AND {who} AND {condition}",
                        [instant_param(conn, hi), instant_param(conn, lo - longest), instant_param(conn, lo),
                         *provider_ids, *chair_ids])
    by_p: dict[int, list[Interval]] = defaultdict(list)
    by_c: dict[int, list[Interval]] = defaultdict(list)
    by_free: dict[int, list[Interval]] = defaultdict(list)
    pset, cset = set(provider_ids), set(chair_ids)
    for pid, cid, s, e in rows:
        iv = (s, e)
        if pid in pset:
            by_p[pid].append(iv)
            if cid is None:
                by_free[pid].append(iv)
        if cid in cset:
            by_c[cid].append(iv)
    return by_p, by_c, by_free


# ----- applying ----------------------------------------------------------------------------


_COLUMNS = ("application_id", "template_slot_id", "provider_id", "chair_id", "location_id", "day", "start_at",
            "end_at", "start_minute", "end_minute", "type_id", "block_reason", "status")
_EPOCH = datetime(1970, 1, 1)


class _Formatted(dict[Any, str]):
    """``render`` memoized: a year of slots for 40 providers shares a few thousand instants and days."""

    def __init__(self, render: Callable[[Any], str]) -> None:
        super().__init__()
        self.render = render

    def __missing__(self, key: Any) -> str:
        text = self[key] = self.render(key)
        return text


def _same(value: Any) -> Any:
    return value


def _sqlite_instant(em: int) -> str:
    """Epoch minutes as the naive-UTC text UTCDateTime stores on SQLite ("2026-11-18 13:00:00.000000")."""
    return f"{_EPOCH + timedelta(minutes=em):%Y-%m-%d %H:%M}:00.000000"


def _insert(session: Session, application_id: int, slots: list[PlannedSlot]) -> None:
    """Write a batch of applied slots with one executemany."""
    sqlite = session.connection().dialect.name == "sqlite"
    instant: Callable[[int], object] = from_epoch
    day: Callable[[date], object] = _same
    if sqlite:
        # The stored text is formatted here, once per distinct value: no datetime objects and
        # no per-value type processing for tens of thousands of rows.
        instant, day = _Formatted(_sqlite_instant).__getitem__, _Formatted(date.isoformat).__getitem__
    rows = [(application_id, s.template_slot_id, s.provider_id, s.chair_id, s.location_id, day(s.day),
             instant(s.start_em), instant(s.end_em), s.start_minute, s.end_minute, s.type_id, s.block_reason,
             "open") for s in slots]
    insert_tuples(session, Base.metadata.tables["applied_slot"], _COLUMNS, rows, sqlite_ready=sqlite)


def _new_application(session: Session, actor: Actor, params: ApplyParams, plan: ApplicationPlan, *,
                     now: datetime) -> TemplateApplication:
    app = TemplateApplication(template_id=params.template_id, version_id=plan.version_id,
                              provider_ids=list(params.provider_ids), chair_ids=list(params.chair_ids),
                              location_id=params.location_id, start_day=params.start_day,
                              end_day=params.end_day,
                              weekdays=sorted(set(params.weekdays)), rotation_start=plan.rotation_start,
                              created_count=0, created_by=actor.username, created_at=now)
    session.add(app)
    session.flush()
    return app


def _write_days(session: Session, application_id: int, by_day: dict[date, list[PlannedSlot]],
                days: Sequence[date], *, cancel: Cancel | None,
                on_day: Callable[[date], None] | None = None) -> tuple[int, int, bool]:
    """Write whole days of slots in bulk; (slots created, days done, cancelled)."""
    batch: list[PlannedSlot] = []
    created = done = 0
    cancelled = False
    for day in days:
        if cancel is not None and cancel():
            cancelled = True
            break
        batch.extend(by_day.get(day, ()))
        done += 1
        if len(batch) >= _BATCH_ROWS:
            _insert(session, application_id, batch)
            created += len(batch)
            batch = []
        if on_day is not None:
            on_day(day)
    if batch:
        _insert(session, application_id, batch)
        created += len(batch)
    return created, done, cancelled


def apply_template(session: Session, actor: Actor, plan_or_params: ApplicationPlan | ApplyParams, *,
                   now: datetime, progress: Progress | None = None,
                   cancel: Cancel | None = None) -> ApplyResult:
    """Create the planned slots, day by day, in bulk; re-applying the same dates creates nothing new.

    The plan is recomputed (someone may have booked since the dry run). Slots are written a
    whole day at a time and ``cancel`` is asked between days, so a cancelled run leaves whole
    days applied and none half-applied; the caller's transaction commits what was written.
    For long ranges prefer ``apply_template_in_chunks``: one transaction here holds SQLite's
    write lock for the whole run.
    """
    actor.require(MANAGE_TEMPLATES)
    params = plan_or_params.params if isinstance(plan_or_params, ApplicationPlan) else plan_or_params
    plan = plan_application(session, params, now=now)
    by_day: dict[date, list[PlannedSlot]] = defaultdict(list)
    for s in plan.create:
        by_day[s.day].append(s)
    days = sorted(by_day)
    total = len(days)
    if progress is not None:
        progress(0, total)
    if not days:
        return ApplyResult(None, 0, 0, 0, False, plan.counts)
    app = _new_application(session, actor, params, plan, now=now)
    done_days: list[date] = []

    def on_day(day: date) -> None:
        done_days.append(day)
        if progress is not None:
            progress(len(done_days), total)

    created, done, cancelled = _write_days(session, app.id, by_day, days, cancel=cancel, on_day=on_day)
    app.created_count = created
    session.flush()
    audit.record(session, actor, "apply", "template_application", app.id, now=now,
                 after={"template": plan.template_name, "version": plan.version_number, "created": created,
                        "days": done, "cancelled": cancelled, "skipped": plan.counts})
    return ApplyResult(app.id, created, done, total, cancelled, plan.counts,
                       done_days[-1] if done_days else None)


# Days per transaction of a chunked run: on SQLite a chunk holds the write lock, so another
# desk's booking waits for one chunk (well under a second for a week of 40 providers), not
# for the whole run and its 30 s busy timeout.
CHUNK_DAYS = 7
Writer = Callable[[], AbstractContextManager[Session]]


def _chunk_params(params: ApplyParams, days: Sequence[date], version: int,
                  rotation_start: date) -> ApplyParams:
    return replace(params, start_day=days[0], end_day=days[-1], version=version,
                   rotation_start=rotation_start)


def _chosen_days(params: ApplyParams) -> list[date]:
    weekdays = set(params.weekdays)
    return [d for d in _days(params.start_day, params.end_day) if d.weekday() in weekdays]


def _add_counts(total: dict[str, int], counts: dict[str, int]) -> None:
    for k, v in counts.items():
        total[k] = total.get(k, 0) + v


@dataclass
class _ChunkRun:
    """What a chunked run did so far."""

    app_id: int | None = None
    created: int = 0
    done: int = 0
    cancelled: bool = False
    last_done: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    template_name: str = ""
    version_number: int = 0

    def result(self, total: int) -> ApplyResult:
        return ApplyResult(self.app_id, self.created, self.done, total, self.cancelled,
                           self.counts or {"create": 0, "existing": 0, "off": 0, "applied": 0},
                           self.last_done)


def _latest_version(session: Session, template_id: int, version: int | None) -> int:
    number = session.scalar(
        select(TemplateVersion.number).where(TemplateVersion.template_id == template_id)
        .order_by(TemplateVersion.number.desc()).limit(1)) if version is None else version
    if number is None:
        raise NotFound(f"Template #{template_id} does not exist or has no version.")
    return number


def _run_chunks(write: Writer, actor: Actor, params: ApplyParams, *, version: int, now: datetime,
                progress: Progress | None, cancel: Cancel | None, chunk_days: int,
                before_chunk: Callable[[Session, Sequence[date]], object] | None = None,
                after_cancel: Callable[[Session, object, date | None], None] | None = None) -> _ChunkRun:
    """Plan and write ``chunk_days`` chosen days per transaction (see ``apply_template_in_chunks``).

    ``before_chunk`` runs first in each chunk's transaction (replace: retire the old slots
    of those days) and its value goes to ``after_cancel`` when the run is cancelled within
    that chunk (replace: put back the old slots of the days not reached).
    """
    if chunk_days < 1:
        raise ValidationError("Apply at least one day per chunk.", field="chunk_days")
    rotation_start = params.rotation_start or (params.start_day - timedelta(days=params.start_day.weekday()))
    params = replace(params, version=version, rotation_start=rotation_start)
    days = _chosen_days(params)
    run = _ChunkRun()
    if progress is not None:
        progress(0, len(days))
    for k in range(0, len(days), chunk_days):
        chunk = days[k:k + chunk_days]
        with write() as session:
            token = before_chunk(session, chunk) if before_chunk is not None else None
            plan = plan_application(session, replace(params, start_day=chunk[0], end_day=chunk[-1]), now=now)
            run.template_name, run.version_number = plan.template_name, plan.version_number
            _add_counts(run.counts, plan.counts)
            by_day: dict[date, list[PlannedSlot]] = defaultdict(list)
            for s in plan.create:
                by_day[s.day].append(s)
            if run.app_id is None and plan.create:
                run.app_id = _new_application(session, actor, params, plan, now=now).id
            if run.app_id is not None:
                n, chunk_done, cancelled = _write_days(session, run.app_id, by_day, chunk, cancel=cancel)
            else:
                n, (chunk_done, cancelled) = 0, _count_days(chunk, cancel)
            if n:
                session.execute(update(TemplateApplication).where(TemplateApplication.id == run.app_id)
                                .values(created_count=TemplateApplication.created_count + n))
            last = chunk[chunk_done - 1] if chunk_done else run.last_done
            if cancelled and after_cancel is not None:
                after_cancel(session, token, last)
        run.created += n
        run.done += chunk_done
        run.last_done = last
        run.cancelled = cancelled
        if progress is not None:
            progress(run.done, len(days))
        if cancelled:
            break
    if run.app_id is not None:
        with write() as session:
            audit.record(session, actor, "apply", "template_application", run.app_id, now=now,
                         after={"template": run.template_name, "version": run.version_number,
                                "created": run.created, "days": run.done, "cancelled": run.cancelled,
                                "skipped": run.counts, "chunk_days": chunk_days})
    return run


def apply_template_in_chunks(write: Writer, actor: Actor, params: ApplyParams, *, now: datetime,
                             progress: Progress | None = None, cancel: Cancel | None = None,
                             chunk_days: int = CHUNK_DAYS) -> ApplyResult:
    """``apply_template`` in short transactions: ``chunk_days`` chosen days per ``write()``.

    ``write`` opens a unit of work that commits on success (``Database.write``). Each chunk
    is planned afresh in its own transaction, so a booking another desk makes between
    chunks is respected, and each day is still written all or nothing. The version and
    rotation are fixed at the start (a template saved during the run does not mix
    versions); one application row covers the run, its count kept up to date per chunk.
    ``progress`` reports chosen days done after each committed chunk; ``cancel`` is asked
    between days. Nothing is written when the parameters are wrong.
    """
    actor.require(MANAGE_TEMPLATES)
    with write() as session:
        _check_params(session, params, now=now)
        version = _latest_version(session, params.template_id, params.version)
    run = _run_chunks(write, actor, params, version=version, now=now, progress=progress, cancel=cancel,
                      chunk_days=chunk_days)
    return run.result(len(_chosen_days(params)))


def replace_application_in_chunks(write: Writer, actor: Actor, application_id: int, *,
                                  version: int | None = None, now: datetime, progress: Progress | None = None,
                                  cancel: Cancel | None = None, chunk_days: int = CHUNK_DAYS) -> ApplyResult:
    """``replace_application`` in short transactions, as ``apply_template_in_chunks``.

    Each chunk retires the old application's unbooked slots of its days and writes the new
    ones in one transaction, so no day is left with neither. A cancelled run keeps the old
    slots of the days not reached and does not mark the old application replaced.
    """
    actor.require(MANAGE_TEMPLATES)
    with write() as session:
        old = session.get(TemplateApplication, application_id)
        if old is None:
            raise NotFound(f"Template application #{application_id} does not exist.")
        if old.replaced_by is not None:
            raise ValidationError(f"Application #{application_id} was already replaced by "
                                  f"#{old.replaced_by}.")
        today = _today(session, now, old.location_id)
        start = max(old.start_day, today)
        if start > old.end_day:
            raise ValidationError(f"Application #{application_id} covers only past dates "
                                  f"({old.start_day} – {old.end_day}); nothing to replace.",
                                  field="start_day")
        params = ApplyParams(template_id=old.template_id, provider_ids=tuple(old.provider_ids),
                             start_day=start, end_day=old.end_day, weekdays=tuple(old.weekdays),
                             chair_ids=tuple(old.chair_ids), location_id=old.location_id, version=version,
                             rotation_start=old.rotation_start)
        _check_params(session, params, now=now)
        number = _latest_version(session, old.template_id, version)
    removed_total = 0

    def retire(session: Session, chunk: Sequence[date]) -> list[int]:
        nonlocal removed_total
        ids = list(session.scalars(select(AppliedSlot.id).where(
            AppliedSlot.application_id == application_id, AppliedSlot.status == "open",
            AppliedSlot.day >= chunk[0], AppliedSlot.day <= chunk[-1], AppliedSlot.start_at >= now)))
        for part in chunks(ids):
            session.execute(update(AppliedSlot).where(AppliedSlot.id.in_(part)).values(status="removed"))
        removed_total += len(ids)
        return ids

    def put_back(session: Session, ids: object, last_done: date | None) -> None:
        assert isinstance(ids, list)
        for part in chunks(ids):
            q = update(AppliedSlot).where(AppliedSlot.id.in_(part))
            if last_done is not None:
                q = q.where(AppliedSlot.day > last_done)
            session.execute(q.values(status="open"))

    run = _run_chunks(write, actor, params, version=number, now=now, progress=progress, cancel=cancel,
                      chunk_days=chunk_days, before_chunk=retire, after_cancel=put_back)
    total = len(_chosen_days(params))
    if run.cancelled:
        return run.result(total)
    with write() as session:
        old = session.get(TemplateApplication, application_id)
        assert old is not None
        new_id = run.app_id
        if new_id is None:  # nothing new to create: record an empty application so the swap is visible
            version_id = session.scalar(select(TemplateVersion.id).where(
                TemplateVersion.template_id == old.template_id, TemplateVersion.number == number))
            app = TemplateApplication(template_id=old.template_id, version_id=version_id,
                                      provider_ids=list(old.provider_ids), chair_ids=list(old.chair_ids),
                                      location_id=old.location_id, start_day=start, end_day=old.end_day,
                                      weekdays=list(old.weekdays), rotation_start=old.rotation_start,
                                      created_count=0, created_by=actor.username, created_at=now)
            session.add(app)
            session.flush()
            new_id = app.id
        old.replaced_by = new_id
        session.flush()
        audit.record(session, actor, "replace", "template_application", old.id, now=now,
                     after={"replaced_by": new_id, "removed": removed_total, "created": run.created})
    run.app_id = new_id
    return run.result(total)


def _count_days(days: Sequence[date], cancel: Cancel | None) -> tuple[int, bool]:
    """Days passed when nothing is written (cancel is still honoured between days)."""
    for n, _ in enumerate(days):
        if cancel is not None and cancel():
            return n, True
    return len(days), False


def replace_application(session: Session, actor: Actor, application_id: int, *, version: int | None = None,
                        now: datetime, progress: Progress | None = None,
                        cancel: Cancel | None = None) -> ApplyResult:
    """Swap an earlier application for a version (default: the newest) over its remaining dates.

    Only its unbooked slots from today on are removed; booked ones stay and the new slots
    avoid them. A cancelled run puts the old open slots of the days not reached back.
    """
    actor.require(MANAGE_TEMPLATES)
    old = session.get(TemplateApplication, application_id)
    if old is None:
        raise NotFound(f"Template application #{application_id} does not exist.")
    if old.replaced_by is not None:
        raise ValidationError(f"Application #{application_id} was already replaced by #{old.replaced_by}.")
    today = _today(session, now, old.location_id)
    start = max(old.start_day, today)
    if start > old.end_day:
        raise ValidationError(f"Application #{application_id} covers only past dates "
                              f"({old.start_day} – {old.end_day}); nothing to replace.", field="start_day")
    now_dt = now
    removed_ids = list(session.scalars(select(AppliedSlot.id).where(
        AppliedSlot.application_id == old.id, AppliedSlot.status == "open", AppliedSlot.day >= start,
        AppliedSlot.start_at >= now_dt)))
    for chunk in chunks(removed_ids):
        session.execute(update(AppliedSlot).where(AppliedSlot.id.in_(chunk)).values(status="removed"))
    params = ApplyParams(template_id=old.template_id, provider_ids=tuple(old.provider_ids), start_day=start,
                         end_day=old.end_day, weekdays=tuple(old.weekdays), chair_ids=tuple(old.chair_ids),
                         location_id=old.location_id, version=version, rotation_start=old.rotation_start)
    result = apply_template(session, actor, params, now=now, progress=progress, cancel=cancel)
    if result.cancelled:
        # Days not reached keep the old slots: no date ends up with neither.
        for chunk in chunks(removed_ids):
            q = update(AppliedSlot).where(AppliedSlot.id.in_(chunk))
            if result.last_day_done is not None:
                q = q.where(AppliedSlot.day > result.last_day_done)
            session.execute(q.values(status="open"))
        return result
    new_id = result.application_id
    if new_id is None:  # nothing new to create: record an empty application so the swap is visible
        ver_q = select(TemplateVersion.id).where(TemplateVersion.template_id == old.template_id)
        ver_q = ver_q.where(TemplateVersion.number == version) if version is not None else \
            ver_q.order_by(TemplateVersion.number.desc()).limit(1)
        app = TemplateApplication(template_id=old.template_id, version_id=session.scalar(ver_q),
                                  provider_ids=list(old.provider_ids), chair_ids=list(old.chair_ids),
                                  location_id=old.location_id, start_day=start, end_day=old.end_day,
                                  weekdays=list(old.weekdays), rotation_start=old.rotation_start,
                                  created_count=0,
                                  created_by=actor.username, created_at=now)
        session.add(app)
        session.flush()
        new_id = app.id
    old.replaced_by = new_id
    session.flush()
    audit.record(session, actor, "replace", "template_application", old.id, now=now,
                 after={"replaced_by": new_id, "removed": len(removed_ids), "created": result.created})
    return ApplyResult(new_id, result.created, result.days_done, result.days_total, False, result.counts,
                       result.last_day_done)


# ----- reading ------------------------------------------------------------------------------


def list_applications(session: Session, *, template_id: int | None = None) -> list[ApplicationRow]:
    """Applications newest first, with how many of their slots are open and booked."""
    q = (select(TemplateApplication, ScheduleTemplate.name, TemplateVersion.number)
         .join(ScheduleTemplate, ScheduleTemplate.id == TemplateApplication.template_id)
         .join(TemplateVersion, TemplateVersion.id == TemplateApplication.version_id)
         .order_by(TemplateApplication.id.desc()))
    if template_id is not None:
        q = q.where(TemplateApplication.template_id == template_id)
    rows = session.execute(q).all()
    counts: dict[tuple[int, str], int] = {}
    if rows:
        for aid, status, n in session.execute(
                select(AppliedSlot.application_id, AppliedSlot.status, func.count())
                .where(AppliedSlot.application_id.in_([r[0].id for r in rows]))
                .group_by(AppliedSlot.application_id, AppliedSlot.status)):
            counts[(aid, status)] = n
    return [ApplicationRow(id=a.id, template_id=a.template_id, template_name=name, version_number=number,
                           provider_ids=tuple(a.provider_ids), chair_ids=tuple(a.chair_ids),
                           start_day=a.start_day, end_day=a.end_day, weekdays=tuple(a.weekdays),
                           created_count=a.created_count, open_count=counts.get((a.id, "open"), 0),
                           booked_count=counts.get((a.id, "booked"), 0),
                           created_by=a.created_by, created_at=a.created_at, replaced_by=a.replaced_by)
            for a, name, number in rows]


def open_template_slots(session: Session, *, location_ids: Sequence[int], start: datetime, end: datetime,
                        include_blocked: bool = False) -> list[OpenTemplateSlot]:
    """Applied slots still open in [start, end) at these locations: openings the waitlist may offer.

    Blocked template time is left out unless ``include_blocked`` (the calendar draws it).
    One query.
    """
    q = (select(AppliedSlot.id, AppliedSlot.application_id, ScheduleTemplate.name, AppliedSlot.provider_id,
                AppliedSlot.chair_id, AppliedSlot.location_id, AppliedSlot.day, AppliedSlot.start_at,
                AppliedSlot.end_at, AppliedSlot.start_minute, AppliedSlot.end_minute, AppliedSlot.type_id,
                AppointmentType.name, AppointmentType.colour, AppliedSlot.block_reason)
         .join(TemplateApplication, TemplateApplication.id == AppliedSlot.application_id)
         .join(ScheduleTemplate, ScheduleTemplate.id == TemplateApplication.template_id)
         .outerjoin(AppointmentType, AppointmentType.id == AppliedSlot.type_id)
         .where(AppliedSlot.location_id.in_(list(location_ids)), AppliedSlot.status == "open",
                AppliedSlot.start_at < end, AppliedSlot.end_at > start)
         .order_by(AppliedSlot.start_at, AppliedSlot.id))
    if not include_blocked:
        q = q.where(AppliedSlot.block_reason.is_(None))
    return [OpenTemplateSlot(id=r[0], application_id=r[1], template_name=r[2], provider_id=r[3],
                             chair_id=r[4], location_id=r[5], day=r[6], start=r[7], end=r[8],
                             start_minute=r[9], end_minute=r[10],
                             type_id=r[11], type_name=r[12] or (r[14] or "Blocked"),
                             colour=r[13] or DEFAULT_BLOCK_COLOUR, block_reason=r[14])
            for r in session.execute(q)]


# ----- booking fills a slot ------------------------------------------------------------------


def on_appointment_change(session: Session, kind: str, appointment: Appointment) -> None:
    """Keep applied slots in step with bookings (called from ``appointment_effects.after_change``).

    Booking (or restoring, or moving) into an open slot of the same provider — and chair, when
    the slot has one — that contains the appointment's start fills it; cancelling, a no-show
    or moving away opens it again.
    """
    if kind in ("cancelled", "no_show", "moved"):
        session.execute(update(AppliedSlot).where(AppliedSlot.appointment_id == appointment.id,
                                                  AppliedSlot.status == "booked")
                        .values(status="open", appointment_id=None, booked_type_id=None))
    if kind in ("booked", "restored", "moved"):
        slot_id = session.scalar(
            select(AppliedSlot.id).where(
                AppliedSlot.provider_id == appointment.provider_id, AppliedSlot.status == "open",
                AppliedSlot.block_reason.is_(None), AppliedSlot.start_at <= appointment.start_at,
                AppliedSlot.end_at > appointment.start_at,
                AppliedSlot.start_at > appointment.start_at - timedelta(hours=24),
                or_(AppliedSlot.chair_id.is_(None), AppliedSlot.chair_id == appointment.chair_id))
            .order_by(AppliedSlot.start_at).limit(1))
        if slot_id is not None:
            session.execute(update(AppliedSlot).where(AppliedSlot.id == slot_id)
                            .values(status="booked", appointment_id=appointment.id,
                                    booked_type_id=appointment.type_id))
