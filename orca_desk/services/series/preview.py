"""Previewing a series: every occurrence with its conflicts and the nearest free alternative."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Chair, Location, Provider
from orca_desk.models.patient import Patient
from orca_desk.services import local_time, recurrence
from orca_desk.services.booking.statuses import MAX_MINUTES
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging.message_locale import staff_language
from orca_desk.services.series.conflicts import (
    Problem,
    _availability,
    _Busy,
    _epoch,
    _Hours,
    _hours_problems,
    _load_busy,
)
from orca_desk.services.series.rules import HORIZON, _check_rule, _end_of, _expand, _period_of, _utc, _zone

if TYPE_CHECKING:
    from orca_desk.db import Database

ALTERNATIVE_DAYS = 7  # an alternative is looked for within this many days either side


@dataclass(frozen=True)
class Alternative:
    start: datetime  # aware, in the location's zone
    end: datetime
    provider_id: int
    chair_id: int
    location_id: int


@dataclass(frozen=True)
class PreviewOccurrence:
    index: int  # 1-based position in the series
    start: datetime  # aware, in the location's zone (the RECURRENCE-ID)
    end: datetime
    problems: tuple[Problem, ...] = ()
    alternative: Alternative | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class SeriesPreview:
    rrule: str
    dtstart: datetime
    zone: str
    minutes: int
    summary: str
    occurrences: tuple[PreviewOccurrence, ...]
    never_ends: bool  # the list stops at the booking horizon; the scheduler books further

    @property
    def conflicts(self) -> tuple[PreviewOccurrence, ...]:
        return tuple(o for o in self.occurrences if o.problems)


@dataclass(frozen=True)
class _Plan:
    patient_id: int
    provider_id: int
    chair_id: int
    location_id: int
    type_id: int
    minutes: int
    zone: ZoneInfo
    clinic_id: int
    patient_name: str
    chair_name: str
    provider: tuple[str, int]  # name, patients at once


def _plan(
    session: Session, *, patient_id: int, provider_id: int, chair_id: int, type_id: int, minutes: int | None
) -> _Plan:
    # One row for the five lookups (five ORM gets were a sixth of a preview); each LEFT JOIN
    # is on its own id, so a missing chair, provider or type comes back as NULLs.
    row = session.execute(
        select(
            Patient.is_active,
            Patient.clinic_id,
            Patient.first_name,
            Patient.last_name,
            Chair.is_active,
            Chair.location_id,
            Chair.name,
            Provider.is_active,
            Provider.name,
            Provider.max_concurrent,
            AppointmentType.is_active,
            AppointmentType.default_minutes,
            Location.timezone,
        )
        .select_from(Patient)
        .outerjoin(Chair, Chair.id == chair_id)
        .outerjoin(Location, Location.id == Chair.location_id)
        .outerjoin(Provider, Provider.id == provider_id)
        .outerjoin(AppointmentType, AppointmentType.id == type_id)
        .where(Patient.id == patient_id)
    ).one_or_none()
    if row is None or not row[0]:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    (
        _,
        clinic_id,
        first,
        last,
        chair_active,
        location_id,
        chair_name,
        provider_active,
        provider_name,
        provider_limit,
        type_active,
        default_minutes,
        timezone,
    ) = row
    if not chair_active:  # None: no such chair
        raise NotFound(f"Chair #{chair_id} does not exist.")
    if not provider_active:
        raise NotFound(f"Provider #{provider_id} does not exist or is inactive.")
    if not type_active:
        raise NotFound(f"Appointment type #{type_id} does not exist.")
    length = minutes if minutes is not None else default_minutes
    if not 0 < length <= MAX_MINUTES:
        raise ValidationError(f"An appointment lasts 1 minute to {MAX_MINUTES // 60} hours.", field="minutes")
    assert timezone is not None
    return _Plan(
        patient_id,
        provider_id,
        chair_id,
        location_id,
        type_id,
        length,
        ZoneInfo(timezone),
        clinic_id,
        f"{first} {last}",
        chair_name,
        (provider_name, provider_limit),
    )


def preview_series(
    session: Session,
    *,
    patient_id: int,
    provider_id: int,
    chair_id: int,
    type_id: int,
    rrule: str,
    dtstart: datetime,
    minutes: int | None = None,
    horizon: datetime | None = None,
    now: datetime | None = None,
    replacing: Iterable[int] = (),
    progress: Callable[[int, int], None] | None = None,
) -> SeriesPreview:
    """Every occurrence of the rule with its conflicts and, for each conflict, the nearest alternative.

    ``dtstart`` is aware (it is read in the chair's location zone). A never-ending rule is
    listed up to ``horizon`` (default: a year after ``dtstart``). ``replacing`` names
    appointments that the change would replace, so they do not count as conflicts.
    Appointment conflicts are checked in memory against rows loaded in one query; hours,
    time off, holidays and blocks come from the availability engine.
    ``progress(done, total)`` is called as the dates are checked; it may raise to stop the
    preview (the desk's Cancel).
    """
    plan = _plan(
        session,
        patient_id=patient_id,
        provider_id=provider_id,
        chair_id=chair_id,
        type_id=type_id,
        minutes=minutes,
    )
    _zone(dtstart)
    start = dtstart.astimezone(plan.zone)
    rule = _check_rule(rrule)
    occs = _expand(rule, start, until=horizon or start + HORIZON, new=True)
    return _preview(session, plan, rule, start, occs, now=now, ignore=frozenset(replacing), progress=progress)


def _preview(
    session: Session,
    plan: _Plan,
    rule: str,
    dtstart: datetime,
    occs: list[datetime],
    *,
    now: datetime | None,
    ignore: frozenset[int],
    progress: Callable[[int, int], None] | None = None,
) -> SeriesPreview:
    total = 2 * len(occs)
    report = progress or (lambda _done, _total: None)
    report(0, total)
    length = timedelta(minutes=plan.minutes)
    busy = _Busy(style=local_time.clinic_time_format(session))
    busy.names[plan.patient_id] = plan.patient_name
    busy.chair_names[plan.chair_id] = plan.chair_name
    busy.providers[plan.provider_id] = plan.provider
    keys = {
        "chair_ids": [plan.chair_id],
        "patient_ids": [plan.patient_id],
        "provider_ids": [plan.provider_id],
    }
    _load_busy(session, busy, [(o, o + length) for o in occs], **keys)
    engine = _availability()
    near = timedelta(days=ALTERNATIVE_DAYS + 1)
    hours = _Hours(
        session,
        engine,
        provider_id=plan.provider_id,
        location_id=plan.location_id,
        chair_id=plan.chair_id,
        first=(occs[0] - near).date() if occs else dtstart.date(),
        last=(occs[-1] + near).date() if occs else dtstart.date(),
    )
    run = _PreviewRun(session, plan, occs, busy, engine, hours, keys, now, ignore, report, total)
    found = run.problems()
    alternatives = run.alternatives(found, _period_of(rule))
    report(total, total)
    rows = [
        PreviewOccurrence(i + 1, occ, occ + length, tuple(found[i]), alternatives.get(i))
        for i, occ in enumerate(occs)
    ]
    return SeriesPreview(
        rrule=rule,
        dtstart=dtstart,
        zone=plan.zone.key,
        minutes=plan.minutes,
        summary=recurrence.describe(rule, dtstart, staff_language()),
        occurrences=tuple(rows),
        never_ends=_end_of(rule, plan.zone)[0] == "never",
    )


@dataclass
class _PreviewRun:
    """What checking the dates of one series shares: the plan, busy time, hours and progress."""

    session: Session
    plan: _Plan
    occs: list[datetime]
    busy: _Busy
    engine: ModuleType
    hours: _Hours
    keys: dict[str, list[int]]
    now: datetime | None
    ignore: frozenset[int]
    report: Callable[[int, int], None]
    total: int

    def problems(self) -> list[list[Problem]]:
        """The problems of each date: busy time, hours, time off, blocks, the past."""
        plan, length = self.plan, timedelta(minutes=self.plan.minutes)
        found: list[list[Problem]] = []
        for n, occ in enumerate(self.occs):
            if n % 8 == 0:
                self.report(n, self.total)
            end = occ + length
            problems = self.busy.problems(
                patient_id=plan.patient_id,
                provider_id=plan.provider_id,
                chair_id=plan.chair_id,
                start=occ,
                end=end,
                zone=plan.zone,
                ignore=self.ignore,
            )
            if self.hours.suspicious(occ, end):
                problems = (
                    _hours_problems(
                        self.session,
                        self.engine,
                        provider_id=plan.provider_id,
                        chair_id=plan.chair_id,
                        start=occ,
                        end=end,
                    )
                    + problems
                )
            if self.now is not None and occ < self.now:
                problems.insert(0, Problem("past", "That time is in the past."))
            found.append(problems)
        return found

    def alternatives(
        self, found: list[list[Problem]], period: Callable[[date], object] | None
    ) -> dict[int, Alternative | None]:
        """The nearest free alternative of each date with problems (None: nothing near is free).

        In memory: first the same day of every conflicting date (one query for all of them),
        then, for those with nothing free that day, the week either side.
        """
        occs, plan = self.occs, self.plan
        planned = sorted(_utc(o) for o in occs)
        alternatives: dict[int, Alternative | None] = {}
        self.report(len(occs), self.total)
        for reach in (0, ALTERNATIVE_DAYS):
            todo = [i for i, p in enumerate(found) if p and alternatives.get(i) is None]
            if not todo:
                break
            windows = [
                (
                    datetime.combine(occs[i].date() - timedelta(days=reach), time(0), tzinfo=plan.zone),
                    datetime.combine(occs[i].date() + timedelta(days=reach + 1), time(0), tzinfo=plan.zone),
                )
                for i in todo
            ]
            _load_busy(self.session, self.busy, windows, **self.keys)
            for k, i in enumerate(todo):
                self.report(
                    len(occs) + (len(occs) * (k + (len(todo) if reach else 0))) // (2 * len(todo)), self.total
                )
                alt = _nearest_alternative(
                    self.session,
                    self.engine if reach else None,
                    self.busy,
                    self.hours,
                    plan,
                    occs[i],
                    planned,
                    now=self.now,
                    ignore=self.ignore,
                    reach=reach,
                    period=period,
                )
                alternatives[i] = alt
                if alt is not None:
                    # Accepting every suggestion must work: later suggestions see this one as taken.
                    self.busy.add_planned(alt.chair_id, plan.patient_id, alt.provider_id, alt.start, alt.end)
        return alternatives


def _nearest_alternative(
    session: Session,
    engine: ModuleType | None,
    busy: _Busy,
    hours: _Hours,
    plan: _Plan,
    occ: datetime,
    planned: list[datetime],
    *,
    now: datetime | None,
    ignore: frozenset[int],
    reach: int = ALTERNATIVE_DAYS,
    period: Callable[[date], object] | None = None,
) -> Alternative | None:
    """The free slot nearest to ``occ`` (same chair and provider) within ALTERNATIVE_DAYS.

    Free means what the engine means: working time at the location minus holidays, time
    off and blocks (its schedule data, loaded once) minus appointments (chair exclusive,
    patient exclusive, provider concurrency; ``busy`` also holds the suggestions already
    made for this series), on a 5-minute grid, not on another date of this series, and in
    the same ``period`` (week of a weekly rule, ...) as ``occ``. Only when nothing is free
    in memory is ``availability.find_openings`` asked.
    """
    own_period = period(occ.date()) if period is not None else None

    def in_period(day: date) -> bool:
        return period is None or period(day) == own_period

    length = timedelta(minutes=plan.minutes)
    own = _utc(occ)

    def clashes_with_series(start: datetime) -> bool:
        i = bisect_left(planned, start - length)
        return any(p != own and p < start + length for p in planned[i : i + 3] if p + length > start)

    found = _free_nearby(
        busy, hours, plan, occ, reach, in_period, clashes_with_series, now=now, ignore=ignore
    )
    if found is not None or engine is None:  # past the openings search's reach: only the free slots nearby
        return found
    return _opening_nearby(
        session, engine, busy, plan, occ, in_period, clashes_with_series, now=now, ignore=ignore
    )


def _free_nearby(
    busy: _Busy,
    hours: _Hours,
    plan: _Plan,
    occ: datetime,
    reach: int,
    in_period: Callable[[date], bool],
    clashes_with_series: Callable[[datetime], bool],
    *,
    now: datetime | None,
    ignore: frozenset[int],
) -> Alternative | None:
    """The free 5-minute-grid start nearest to ``occ`` within ``reach`` days, found in memory."""
    length = timedelta(minutes=plan.minutes)
    base = occ.hour * 60 + occ.minute
    secs = plan.minutes * 60
    now_epoch = _epoch(now) if now is not None else None
    for day_offset in sorted(range(-reach, reach + 1), key=lambda d: (abs(d), d)):
        day = occ.date() + timedelta(days=day_offset)
        if not in_period(day):
            continue
        windows = hours.windows(day)
        if windows is None:  # hours unknown: a weekday (as the original) between 07:00 and 19:00
            if day.weekday() >= 5 and occ.weekday() < 5:
                continue
            windows = [(7 * 60, 19 * 60)]
        starts = [m for a, b in windows for m in range(a + (-a) % 5, b - plan.minutes + 1, 5)]
        # Epoch of this day's local midnight at the day's daytime offset: exact for clinic
        # hours (a DST change happens at night), and cheaper than a zoned datetime per minute.
        midnight = _epoch(datetime.combine(day, time(12), tzinfo=plan.zone)) - 12 * 3600
        for minute in sorted(starts, key=lambda m: (abs(m - base), m)):
            if day_offset == 0 and minute == base:
                continue
            s_epoch = midnight + minute * 60
            if (now_epoch is not None and s_epoch < now_epoch) or not busy.is_free_epoch(
                patient_id=plan.patient_id,
                provider_id=plan.provider_id,
                chair_id=plan.chair_id,
                start=s_epoch,
                end=s_epoch + secs,
                ignore=ignore,
            ):
                continue
            cand = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=plan.zone)
            if not clashes_with_series(_utc(cand)):
                return Alternative(cand, cand + length, plan.provider_id, plan.chair_id, plan.location_id)
    return None


def _opening_nearby(
    session: Session,
    engine: ModuleType,
    busy: _Busy,
    plan: _Plan,
    occ: datetime,
    in_period: Callable[[date], bool],
    clashes_with_series: Callable[[datetime], bool],
    *,
    now: datetime | None,
    ignore: frozenset[int],
) -> Alternative | None:
    """The best opening ``availability.find_openings`` gives within ALTERNATIVE_DAYS of ``occ``."""
    lo = occ - timedelta(days=ALTERNATIVE_DAYS)
    if now is not None:
        lo = max(lo, now)
    openings = engine.find_openings(
        session,
        minutes=plan.minutes,
        after=_utc(lo),
        provider_ids=[plan.provider_id],
        location_ids=[plan.location_id],
        horizon_days=2 * ALTERNATIVE_DAYS + 1,
        limit=200,
    )
    best = sorted(
        (
            o
            for o in openings
            if not clashes_with_series(_utc(o.start))
            and abs(o.start - occ) <= timedelta(days=ALTERNATIVE_DAYS)
            and in_period(o.start.astimezone(plan.zone).date())
            and busy.is_free(
                patient_id=plan.patient_id,
                provider_id=o.provider_id,
                chair_id=o.chair_id,
                start=o.start,
                end=o.end,
                ignore=ignore,
            )
        ),
        key=lambda o: (
            o.chair_id != plan.chair_id,
            abs(o.start.astimezone(plan.zone).date() - occ.date()),
            abs(o.start - occ),
        ),
    )
    if not best:
        return None
    o = best[0]
    return Alternative(
        o.start.astimezone(plan.zone), o.end.astimezone(plan.zone), o.provider_id, o.chair_id, o.location_id
    )


def load_series_preview(db: Database, **kwargs: Any) -> SeriesPreview:
    """``preview_series`` in a read session of its own (a pool thread runs it)."""
    with db.read() as session:
        return preview_series(session, **kwargs)
