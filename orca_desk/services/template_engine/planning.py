"""The dry run: every slot of a template version over a range of days, decided in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Chair, Location, Provider, ProviderChair
from orca_desk.models.template import ScheduleTemplate, TemplateSlot, TemplateVersion
from orca_desk.services.availability import (
    DAY_MINUTES,
    PeriodRow,
    ScheduleData,
    epoch_minute,
    load_schedule_data,
    zone_of,
)
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.intervals import Interval, contains, normalize, subtract
from orca_desk.services.messaging.message_locale import staff_date
from orca_desk.services.schedule_templates.rows import WEEKDAY_SHORT, hhmm
from orca_desk.services.template_engine.busy import BusyLanes, load_busy_lanes
from orca_desk.services.template_engine.plans import (
    ALL_WEEKDAYS,
    MAX_DAYS,
    ApplicationPlan,
    ApplyParams,
    PlannedSlot,
    _SlotRow,
)


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
            k
            for k, ps in self._periods_by_wd.items()
            if all(p.effective_from <= first and (p.effective_to or last) >= last for p in ps)
        }
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
        raise ValidationError(
            f"The range {staff_date(p.start_day)} – {staff_date(p.end_day)} is empty: "
            "it ends before it starts.",
            field="end_day",
        )
    if (p.end_day - p.start_day).days >= MAX_DAYS:
        raise ValidationError("Apply at most a year at a time.", field="end_day")
    weekdays = set(p.weekdays)
    if not weekdays or not weekdays <= set(ALL_WEEKDAYS):
        raise ValidationError("Choose at least one weekday (Monday to Sunday).", field="weekdays")
    days = [d for d in _days(p.start_day, p.end_day) if d.weekday() in weekdays]
    if not days:
        names = ", ".join(WEEKDAY_SHORT[w] for w in sorted(weekdays))
        raise ValidationError(
            f"The range {staff_date(p.start_day)} – {staff_date(p.end_day)} has no "
            f"{names}: nothing to apply.",
            field="weekdays",
        )
    today = _today(session, now, p.location_id)
    if p.start_day < today:
        raise ValidationError(
            f"{staff_date(p.start_day)} is in the past; templates apply from today "
            f"({staff_date(today, year=False)}) on.",
            field="start_day",
        )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def _usual_chairs(session: Session, provider_id: int, count: int) -> tuple[int, ...]:
    """The provider's first ``count`` usual chairs at one location, in their order; () if too few."""
    rows = session.execute(
        select(ProviderChair.chair_id, Chair.location_id)
        .join(Chair, Chair.id == ProviderChair.chair_id)
        .where(ProviderChair.provider_id == provider_id, Chair.is_active.is_(True))
        .order_by(ProviderChair.sort_order, Chair.sort_order)
    ).all()
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
    tmpl, version = _template_version(session, params)
    slots = _template_slots(session, version.id)
    providers = _providers(session, params.provider_ids)
    if not params.chair_ids and version.chair_count > 1 and len(params.provider_ids) == 1:
        # Chairs left empty: the provider's usual chairs (set up with the clinic) are the lanes.
        usual = _usual_chairs(session, params.provider_ids[0], version.chair_count)
        if usual:
            params = replace(params, chair_ids=usual)
    location_id = _chairs_location(session, params.chair_ids, params.location_id)
    chair_ids = list(params.chair_ids)
    if version.chair_count > max(1, len(chair_ids)):
        raise ValidationError(
            f"{tmpl.name} uses {version.chair_count} chairs; choose "
            f"{version.chair_count} chairs (in the order of the template's chair lanes), "
            "or apply it to one provider who has that many usual chairs "
            "(Administration → Providers).",
            field="chairs",
        )
    rotation = list(version.rotation or ["A"])
    first_day = params.start_day
    rotation_start = params.rotation_start or (first_day - timedelta(days=first_day.weekday()))
    days = [d for d in _days(params.start_day, params.end_day) if d.weekday() in set(params.weekdays)]
    plan = ApplicationPlan(
        params=params,
        template_name=tmpl.name,
        version_id=version.id,
        version_number=version.number,
        rotation_start=rotation_start,
        provider_names={pid: v[0] for pid, v in providers.items()},
        days=days,
    )
    if not slots:
        return plan

    zones = {lid: zone_of(tz) for lid, tz in session.execute(select(Location.id, Location.timezone))}
    if location_id is not None and location_id not in zones:
        raise NotFound(f"Location #{location_id} does not exist.")
    default_location = location_id if location_id is not None else min(zones)
    pids = list(providers)
    data = load_schedule_data(
        session,
        provider_ids=pids,
        location_ids=list(zones),
        first_day=days[0],
        last_day=days[-1],
        zones=zones,
    )
    planner = _Planner(
        data=data,
        hours=_HoursCache(data, days),
        busy=load_busy_lanes(session, days, zones[default_location], pids, chair_ids),
        providers=providers,
        location_id=location_id,
        default_location=default_location,
        now_em=epoch_minute(now),
    )
    by_pattern = _slots_by_pattern(slots, chair_ids)
    n_weeks = len(rotation)
    for day in days:
        weekday = day.weekday()
        week = ((day - rotation_start).days // 7) % n_weeks
        day_slots = by_pattern.get((week, weekday))
        if day_slots:
            planner.plan_day(plan, day, week, day_slots)
    _refuse_chair_collisions(plan)
    return plan


def _template_version(session: Session, params: ApplyParams) -> tuple[ScheduleTemplate, TemplateVersion]:
    """The template and the version to apply (the newest unless ``params.version`` names one)."""
    tmpl = session.get(ScheduleTemplate, params.template_id)
    if tmpl is None:
        raise NotFound(f"Template #{params.template_id} does not exist.")
    vq = select(TemplateVersion).where(TemplateVersion.template_id == tmpl.id)
    vq = (
        vq.where(TemplateVersion.number == params.version)
        if params.version is not None
        else vq.order_by(TemplateVersion.number.desc()).limit(1)
    )
    version = session.scalar(vq)
    if version is None:
        raise NotFound(f"{tmpl.name} has no version {params.version}.")
    return tmpl, version


def _template_slots(session: Session, version_id: int) -> list[_SlotRow]:
    return [
        tuple(r)  # type: ignore[misc]
        for r in session.execute(
            select(
                TemplateSlot.id,
                TemplateSlot.week,
                TemplateSlot.weekday,
                TemplateSlot.chair_index,
                TemplateSlot.start_minute,
                TemplateSlot.end_minute,
                TemplateSlot.type_id,
                TemplateSlot.is_blocked,
                TemplateSlot.block_reason,
            )
            .where(TemplateSlot.version_id == version_id)
            .order_by(TemplateSlot.start_minute, TemplateSlot.chair_index)
        )
    ]


def _providers(session: Session, provider_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
    """(name, max concurrent) of each chosen provider; NotFound naming those missing or inactive."""
    providers = {
        r[0]: (r[1], r[2])
        for r in session.execute(
            select(Provider.id, Provider.name, Provider.max_concurrent).where(
                Provider.id.in_(provider_ids), Provider.is_active.is_(True)
            )
        )
    }
    missing = [pid for pid in provider_ids if pid not in providers]
    if missing:
        raise NotFound(
            f"Provider{'s' if len(missing) > 1 else ''} {', '.join(f'#{m}' for m in missing)} "
            "do not exist or are inactive."
        )
    return providers


def _chairs_location(session: Session, chair_ids: Sequence[int], location_id: int | None) -> int | None:
    """The location of the chosen chairs (all active, of one location, none twice), else ``location_id``."""
    if not chair_ids:
        return location_id
    chair_locs = dict(
        session.execute(
            select(Chair.id, Chair.location_id).where(Chair.id.in_(chair_ids), Chair.is_active.is_(True))
        ).all()
    )
    bad = [c for c in chair_ids if c not in chair_locs]
    if bad:
        raise NotFound(f"Chair{'s' if len(bad) > 1 else ''} {', '.join(f'#{b}' for b in bad)} do not exist.")
    if len(set(chair_locs.values())) > 1:
        raise ValidationError("Choose chairs of one location.", field="chairs")
    if len(set(chair_ids)) != len(chair_ids):
        raise ValidationError("A chair is chosen twice.", field="chairs")
    return next(iter(chair_locs.values()))


# A slot with what does not depend on the day: (slot, chair, end minute within the day, type, block reason).
_FixedSlot = tuple[_SlotRow, int | None, int, int | None, str | None]


def _slots_by_pattern(
    slots: Sequence[_SlotRow], chair_ids: Sequence[int]
) -> dict[tuple[int, int], list[_FixedSlot]]:
    """Slots of each (rotation week, weekday); a day template's slots apply on every chosen day."""
    by_pattern: dict[tuple[int, int], list[_FixedSlot]] = defaultdict(list)
    for s in slots:
        _sid, _week, _wd, lane, _start, e_min, type_id, blocked, reason = s
        fixed = (
            s,
            chair_ids[lane] if chair_ids else None,
            min(e_min, DAY_MINUTES),
            None if blocked else type_id,
            (reason or "Blocked") if blocked else None,
        )
        for wd in ALL_WEEKDAYS if s[2] is None else (s[2],):
            by_pattern[(s[1], wd)].append(fixed)
    return by_pattern


@dataclass
class _Planner:
    """What deciding every (day, provider) shares: schedules, busy time, the verdicts memo."""

    data: ScheduleData
    hours: _HoursCache
    busy: BusyLanes
    providers: dict[int, tuple[str, int]]
    location_id: int | None
    default_location: int
    now_em: int
    # Whether a slot is off (holiday, time off, not working there, outside hours) depends only
    # on the day's slots and the provider's hours, which repeat week after week: decided once
    # per (pattern, hours, location) and reused, except on days with holidays or time off.
    hour_verdicts: dict[tuple[object, ...], list[tuple[str, str] | None]] = field(default_factory=dict)

    def plan_day(self, plan: ApplicationPlan, day: date, week: int, day_slots: list[_FixedSlot]) -> None:
        """Each provider's slots of ``day``, into ``plan.create`` or ``plan.skipped``."""
        weekday = day.weekday()
        for pid in self.providers:
            max_concurrent = self.providers[pid][1]
            scheduled = pid in self.data.scheduled
            hours_key, base = (
                self.hours.base(pid, day)
                if scheduled
                else (None if day in self.hours.exception_days else (), {})
            )
            if self.location_id is not None:
                loc = self.location_id
            elif base:
                loc = min(base)
            else:
                loc = self.default_location
            clock = self.data.clock(loc, day)
            memo = None if hours_key is None else (week, weekday, scheduled, hours_key, loc)
            verdicts = self.hour_verdicts.get(memo) if memo is not None else None
            if verdicts is None:
                verdicts = _hour_verdicts(
                    [f[0] for f in day_slots],
                    weekday,
                    self.hours.off_spans(pid, loc, day),
                    not_here=scheduled and not base.get(loc),
                    working=self.hours.working(pid, loc, day) if scheduled else None,
                )
                if memo is not None:
                    self.hour_verdicts[memo] = verdicts
            # Slots of one chair lane never overlap (validated), so new slots need no check among themselves.
            for (slot, chair, end_minute, type_id, block), verdict in zip(day_slots, verdicts, strict=True):
                s_em, e_em = clock.to_epoch(slot[4]), clock.to_epoch(slot[5])
                if verdict is not None:
                    kind, why = verdict
                elif e_em <= s_em:
                    kind, why = "off", "Not a time on this day (clock change)"
                elif s_em < self.now_em:
                    kind, why = "past", "Already past"
                else:
                    kind, why = self.busy.conflict(pid, chair, max_concurrent, s_em, e_em)
                row = PlannedSlot(
                    day, pid, chair, loc, s_em, e_em, slot[4], end_minute, type_id, block, slot[0], kind, why
                )
                (plan.create if kind == "create" else plan.skipped).append(row)


def _hour_verdicts(
    slots: Sequence[_SlotRow],
    weekday: int,
    off_spans: list[tuple[Interval, str]],
    *,
    not_here: bool,
    working: list[Interval] | None,
) -> list[tuple[str, str] | None]:
    """Per slot, ("off", why) when the provider is off or outside working hours then, else None."""
    out: list[tuple[str, str] | None] = []
    for _sid, _w, _wd, _lane, s_min, e_min, _type, blocked, _reason in slots:
        if (
            off_spans
            and (off := next((label for (a, b), label in off_spans if a < e_min and b > s_min), None))
            is not None
        ):
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
                plan.skipped.append(
                    s._replace(kind="applied", reason="Another provider's slot takes the chair")
                )
                continue
            taken.append((s.start_em, s.end_em))
        keep.append(s)
    plan.create = keep
