"""Provider schedules: set a week, exceptions (holidays, time off, extra days), blocks, .ics import.

Every change validates first and raises a ``ValidationError`` naming the field before
anything is written. A schedule change never moves or deletes an appointment:
``appointments_outside_new_hours`` lists the ones new hours would leave outside working
time, so the screen can show them before saving.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from orca_desk.models import (
    ACTIVE_STATUSES,
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
from orca_desk.models.schedule import DEFAULT_BLOCK_COLOUR, TIME_OFF_TYPES
from orca_desk.services import audit, local_time
from orca_desk.services.availability import (
    DAY_MINUTES,
    WEEKDAY_NAMES,
    DayClock,
    PeriodRow,
    epoch_minute,
    hhmm,
    load_schedule_data,
    zone_of,
)
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.inputs import check_column_text, column_length, strip_control
from orca_desk.services.intervals import contains
from orca_desk.services.recurrence import validate as validate_rrule
from orca_desk.services.security import MANAGE_SCHEDULES, Actor


@dataclass(frozen=True)
class BreakInput:
    start_minute: int
    end_minute: int
    label: str = "Lunch"


@dataclass(frozen=True)
class DayHours:
    """One working period of the week: a weekday at a location, local minutes, breaks."""

    weekday: int  # 0 = Monday
    location_id: int
    start_minute: int
    end_minute: int
    breaks: tuple[BreakInput, ...] = ()


@dataclass(frozen=True)
class PeriodView:
    id: int
    weekday: int
    location_id: int
    start_minute: int
    end_minute: int
    effective_from: date
    effective_to: date | None
    breaks: tuple[BreakInput, ...]


@dataclass(frozen=True)
class ExceptionView:
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

    @property
    def label(self) -> str:
        """ "Holiday · Thanksgiving", "Vacation · Spain", "Extra day"."""
        kind = {"holiday": "Holiday", "extra_day": "Extra day"}.get(
            self.kind, (self.time_off_type or "time off").capitalize()
        )
        return f"{kind} · {self.name}" if self.name else kind

    @property
    def when(self) -> str:
        days = f"{self.start_day:%a %-d %b %Y}" + (
            f" – {self.end_day:%a %-d %b %Y}" if self.end_day != self.start_day else ""
        )
        if self.start_minute is None:
            return days
        return f"{days}, {hhmm(self.start_minute)}–{hhmm(self.end_minute or DAY_MINUTES)}"


@dataclass(frozen=True)
class BlockView:
    id: int
    location_id: int
    provider_id: int | None
    chair_id: int | None
    day: date
    start_minute: int
    end_minute: int
    reason: str
    colour: str
    rrule: str | None


@dataclass(frozen=True)
class AffectedAppointment:
    id: int
    patient_name: str
    start: datetime  # UTC
    end: datetime  # UTC
    location_name: str
    timezone: str

    def local_label(self, style: str) -> str:
        """ "Tue 3 Mar 2026, 9:00 AM–9:20 AM" in the appointment's location (``style``: 12h or 24h)."""
        z = local_time.zone(self.timezone)
        return f"{local_time.fmt_date(self.start, z)}, {local_time.fmt_range(self.start, self.end, z, style)}"


@dataclass(frozen=True)
class IcsImportResult:
    created: int
    skipped: int
    notes: tuple[str, ...]


# ----- validation ------------------------------------------------------------------------


def _check_minutes(start: int, end: int, what: str, field: str) -> None:
    if not (0 <= start <= DAY_MINUTES and 0 <= end <= DAY_MINUTES):
        raise ValidationError(f"{what}: times must lie between 00:00 and 24:00.", field=field)
    if end <= start:
        raise ValidationError(
            f"{what}: the end {hhmm(end)} is not after the start {hhmm(start)}.", field=field
        )


def validate_week(
    session: Session, days: Sequence[DayHours], *, effective_from: date, effective_to: date | None
) -> None:
    """Raise ValidationError naming the day and field; nothing is written either way."""
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError(
            f"Effective to {effective_to:%-d %b %Y} is before effective from {effective_from:%-d %b %Y}.",
            field="effective_to",
        )
    zones = {r[0]: r[1] for r in session.execute(select(Location.id, Location.timezone))}
    by_day: dict[int, list[DayHours]] = defaultdict(list)
    for d in days:
        if not 0 <= d.weekday <= 6:
            raise ValidationError(
                f"Unknown weekday {d.weekday}; use 0 (Monday) to 6 (Sunday).", field="weekday"
            )
        name = WEEKDAY_NAMES[d.weekday]
        if d.location_id not in zones:
            raise ValidationError(f"{name}: choose a location.", field="location")
        zone_of(zones[d.location_id])  # a location with a bad zone cannot hold working hours
        _check_minutes(d.start_minute, d.end_minute, f"{name} hours", "hours")
        prev: BreakInput | None = None
        for b in sorted(d.breaks, key=lambda b: b.start_minute):
            check_column_text(b.label, ScheduleBreak.label, field="breaks", label=f"{name}: the break's name")
            _check_minutes(b.start_minute, b.end_minute, f"{name} break {b.label}".strip(), "breaks")
            if b.start_minute < d.start_minute or b.end_minute > d.end_minute:
                raise ValidationError(
                    f"{name}: the break {hhmm(b.start_minute)}–{hhmm(b.end_minute)} is outside the "
                    f"working hours {hhmm(d.start_minute)}–{hhmm(d.end_minute)}.",
                    field="breaks",
                )
            if prev is not None and b.start_minute < prev.end_minute:
                raise ValidationError(
                    f"{name}: breaks {hhmm(prev.start_minute)}–{hhmm(prev.end_minute)} "
                    f"and {hhmm(b.start_minute)}–{hhmm(b.end_minute)} overlap.",
                    field="breaks",
                )
            prev = b
        by_day[d.weekday].append(d)
    for weekday, periods in by_day.items():
        periods.sort(key=lambda d: d.start_minute)
        for x, y in pairwise(periods):
            if y.start_minute < x.end_minute:
                raise ValidationError(
                    f"{WEEKDAY_NAMES[weekday]}: working periods {hhmm(x.start_minute)}–{hhmm(x.end_minute)} "
                    f"and {hhmm(y.start_minute)}–{hhmm(y.end_minute)} overlap.",
                    field="hours",
                )


def _provider(session: Session, provider_id: int) -> Provider:
    p = session.get(Provider, provider_id)
    if p is None:
        raise NotFound(f"Provider #{provider_id} does not exist.")
    return p


def _week_after_replacement(
    existing: Sequence[PeriodRow],
    days: Sequence[DayHours],
    provider_id: int,
    effective_from: date,
    effective_to: date | None,
) -> list[PeriodRow]:
    """The provider's periods once [effective_from, effective_to] holds the new week (in memory)."""
    out: list[PeriodRow] = []
    for p in existing:
        end = p.effective_to
        if (end is not None and end < effective_from) or (
            effective_to is not None and p.effective_from > effective_to
        ):
            out.append(p)
            continue
        if p.effective_from < effective_from:
            out.append(
                PeriodRow(
                    p.provider_id,
                    p.location_id,
                    p.weekday,
                    p.start_minute,
                    p.end_minute,
                    p.effective_from,
                    effective_from - timedelta(days=1),
                    p.breaks,
                )
            )
        if effective_to is not None and (end is None or end > effective_to):
            out.append(
                PeriodRow(
                    p.provider_id,
                    p.location_id,
                    p.weekday,
                    p.start_minute,
                    p.end_minute,
                    effective_to + timedelta(days=1),
                    end,
                    p.breaks,
                )
            )
    for d in days:
        out.append(
            PeriodRow(
                provider_id,
                d.location_id,
                d.weekday,
                d.start_minute,
                d.end_minute,
                effective_from,
                effective_to,
                tuple((b.start_minute, b.end_minute, b.label) for b in d.breaks),
            )
        )
    return out


def _existing_periods(session: Session, provider_id: int) -> list[tuple[int, PeriodRow]]:
    rows = session.scalars(
        select(SchedulePeriod).where(SchedulePeriod.provider_id == provider_id).order_by(SchedulePeriod.id)
    ).all()
    return [
        (
            p.id,
            PeriodRow(
                p.provider_id,
                p.location_id,
                p.weekday,
                p.start_minute,
                p.end_minute,
                p.effective_from,
                p.effective_to,
                tuple((b.start_minute, b.end_minute, b.label) for b in p.breaks),
            ),
        )
        for p in rows
    ]


# ----- the week --------------------------------------------------------------------------


def set_week(
    session: Session,
    actor: Actor,
    provider_id: int,
    days: Sequence[DayHours],
    *,
    effective_from: date,
    effective_to: date | None = None,
    now: datetime,
) -> int:
    """Make ``days`` the provider's week from ``effective_from`` (through ``effective_to``).

    Periods in force before (or after) the range are cut at its edges and kept; periods
    inside it are replaced. An empty ``days`` means "does not work" in that range.
    Appointments are never touched. Returns the number of periods written.
    """
    actor.require(MANAGE_SCHEDULES)
    provider = _provider(session, provider_id)
    validate_week(session, days, effective_from=effective_from, effective_to=effective_to)
    existing = _existing_periods(session, provider_id)
    new = _week_after_replacement([p for _, p in existing], days, provider_id, effective_from, effective_to)
    before = [_period_dict(p) for _, p in existing]
    ids = [i for i, _ in existing]
    if ids:
        session.execute(delete(ScheduleBreak).where(ScheduleBreak.period_id.in_(ids)))
        session.execute(delete(SchedulePeriod).where(SchedulePeriod.id.in_(ids)))
    for p in new:
        session.add(
            SchedulePeriod(
                provider_id=p.provider_id,
                location_id=p.location_id,
                weekday=p.weekday,
                start_minute=p.start_minute,
                end_minute=p.end_minute,
                effective_from=p.effective_from,
                effective_to=p.effective_to,
                breaks=[ScheduleBreak(start_minute=s, end_minute=e, label=label) for s, e, label in p.breaks],
            )
        )
    session.flush()
    audit.record(
        session,
        actor,
        "set_week",
        "provider_schedule",
        provider.id,
        now=now,
        before={"periods": before},
        after={"periods": [_period_dict(p) for p in new]},
    )
    return len(days)


def _period_dict(p: PeriodRow) -> dict[str, object]:
    return {
        "weekday": p.weekday,
        "location_id": p.location_id,
        "start": p.start_minute,
        "end": p.end_minute,
        "from": p.effective_from.isoformat(),
        "to": p.effective_to.isoformat() if p.effective_to else None,
        "breaks": [[s, e, label] for s, e, label in p.breaks],
    }


def add_period(
    session: Session,
    actor: Actor,
    provider_id: int,
    hours: DayHours,
    *,
    effective_from: date,
    effective_to: date | None = None,
    now: datetime,
) -> int:
    """Add one working period without replacing others; refuses overlapping effective ranges."""
    actor.require(MANAGE_SCHEDULES)
    _provider(session, provider_id)
    validate_week(session, [hours], effective_from=effective_from, effective_to=effective_to)
    for _, p in _existing_periods(session, provider_id):
        ranges_meet = (p.effective_to is None or p.effective_to >= effective_from) and (
            effective_to is None or p.effective_from <= effective_to
        )
        if (
            p.weekday == hours.weekday
            and ranges_meet
            and p.start_minute < hours.end_minute
            and hours.start_minute < p.end_minute
        ):
            until = f"to {p.effective_to:%-d %b %Y}" if p.effective_to else "on"
            raise ValidationError(
                f"{WEEKDAY_NAMES[hours.weekday]} {hhmm(hours.start_minute)}–{hhmm(hours.end_minute)} "
                f"overlaps the period {hhmm(p.start_minute)}–{hhmm(p.end_minute)} effective from "
                f"{p.effective_from:%-d %b %Y} {until}: their effective ranges overlap.",
                field="effective_from",
            )
    row = SchedulePeriod(
        provider_id=provider_id,
        location_id=hours.location_id,
        weekday=hours.weekday,
        start_minute=hours.start_minute,
        end_minute=hours.end_minute,
        effective_from=effective_from,
        effective_to=effective_to,
        breaks=[
            ScheduleBreak(start_minute=b.start_minute, end_minute=b.end_minute, label=b.label)
            for b in hours.breaks
        ],
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "add_period", "provider_schedule", provider_id, now=now, after={"period_id": row.id}
    )
    return row.id


def list_periods(session: Session, provider_id: int) -> list[PeriodView]:
    return [
        PeriodView(
            i,
            p.weekday,
            p.location_id,
            p.start_minute,
            p.end_minute,
            p.effective_from,
            p.effective_to,
            tuple(BreakInput(s, e, label) for s, e, label in p.breaks),
        )
        for i, p in _existing_periods(session, provider_id)
    ]


def week_on(session: Session, provider_id: int, day: date) -> list[DayHours]:
    """The week in force on ``day`` (what the editor shows), sorted by weekday and start."""
    out = [
        DayHours(p.weekday, p.location_id, p.start_minute, p.end_minute, p.breaks)
        for p in list_periods(session, provider_id)
        if p.effective_from <= day and (p.effective_to is None or p.effective_to >= day)
    ]
    return sorted(out, key=lambda d: (d.weekday, d.start_minute))


def appointments_outside_new_hours(
    session: Session,
    provider_id: int,
    days: Sequence[DayHours],
    *,
    effective_from: date,
    effective_to: date | None = None,
    now: datetime,
) -> list[AffectedAppointment]:
    """The provider's upcoming appointments the new week would leave outside working time.

    Read-only; call it before ``set_week`` and show the list. Two queries for the
    appointments and the periods, two more for exceptions and blocks of the window.
    """
    _provider(session, provider_id)
    validate_week(session, days, effective_from=effective_from, effective_to=effective_to)
    zones = {lid: zone_of(tz) for lid, tz in session.execute(select(Location.id, Location.timezone))}
    lo = max(now, min(datetime.combine(effective_from, time(0), tzinfo=z) for z in zones.values()))
    q = (
        select(
            Appointment.id,
            Patient.first_name,
            Patient.last_name,
            Appointment.start_at,
            Appointment.end_at,
            Appointment.location_id,
            Location.name,
            Location.timezone,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Location, Location.id == Appointment.location_id)
        .where(
            Appointment.provider_id == provider_id,
            Appointment.start_at >= lo,
            Appointment.status.in_(ACTIVE_STATUSES),
        )
        .order_by(Appointment.start_at)
    )
    if effective_to is not None:
        hi = max(
            datetime.combine(effective_to + timedelta(days=1), time(0), tzinfo=z) for z in zones.values()
        )
        q = q.where(Appointment.start_at < hi)
    rows = session.execute(q).all()
    if not rows:
        return []
    local_days = [r.start_at.astimezone(zones[r.location_id]).date() for r in rows]
    data = load_schedule_data(
        session,
        provider_ids=[provider_id],
        location_ids=list(zones),
        first_day=min(local_days),
        last_day=max(local_days),
        zones=zones,
    )
    existing = data.periods.get(provider_id, [])
    data.periods[provider_id] = _week_after_replacement(
        existing, days, provider_id, effective_from, effective_to
    )
    out = []
    for r, day in zip(rows, local_days, strict=True):
        if day < effective_from or (effective_to is not None and day > effective_to):
            continue
        clock: DayClock = data.clock(r.location_id, day)
        hours = clock.ivs_to_epoch(data.base_hours(provider_id, day).get(r.location_id, []))
        if not contains(hours, epoch_minute(r.start_at), epoch_minute(r.end_at)):
            out.append(
                AffectedAppointment(
                    r.id, f"{r.first_name} {r.last_name}", r.start_at, r.end_at, r.name, r.timezone
                )
            )
    return out


# ----- exceptions -------------------------------------------------------------------------


# Time off and holidays: dates a practice plans for, at most a year in one entry.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
MAX_SPAN_DAYS = 366


def _check_span(start_day: date, end_day: date, start_minute: int | None, end_minute: int | None) -> None:
    for day, field, what in ((start_day, "start_day", "first"), (end_day, "end_day", "last")):
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValidationError(f"The {what} day is not a date.", field=field)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            edge = "before 1900" if day < EARLIEST_DAY else "after 2199"
            raise ValidationError(f"The {what} day {day.isoformat()} is {edge}; check the year.", field=field)
    if (end_day - start_day).days >= MAX_SPAN_DAYS:
        raise ValidationError(
            f"{start_day:%-d %b %Y} to {end_day:%-d %b %Y} is longer than {MAX_SPAN_DAYS} "
            "days; enter at most a year at a time.",
            field="end_day",
        )
    if end_day < start_day:
        raise ValidationError(
            f"The last day {end_day:%-d %b %Y} is before the first day {start_day:%-d %b %Y}.",
            field="end_day",
        )
    if (start_minute is None) != (end_minute is None):
        raise ValidationError(
            "Give both a start and an end time, or neither for the whole day.", field="start_minute"
        )
    if start_minute is not None and end_minute is not None:
        if end_day != start_day:
            raise ValidationError("A partial day covers one day only.", field="end_day")
        _check_minutes(start_minute, end_minute, "Time off", "start_minute")


def _add_exception(session: Session, actor: Actor, *, now: datetime, **values: object) -> int:
    row = ScheduleException(created_at=now, **values)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        f"add_{row.kind}",
        "schedule_exception",
        row.id,
        now=now,
        after={k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()},
    )
    return row.id


def add_holiday(
    session: Session,
    actor: Actor,
    *,
    name: str,
    start_day: date,
    end_day: date | None = None,
    location_id: int | None = None,
    start_minute: int | None = None,
    end_minute: int | None = None,
    now: datetime,
) -> int:
    """A holiday for the whole clinic (no location) or one location; full or partial day."""
    actor.require(MANAGE_SCHEDULES)
    end_day = end_day or start_day
    if not name.strip():
        raise ValidationError("Name the holiday (e.g. Thanksgiving).", field="name")
    check_column_text(name.strip(), ScheduleException.name, field="name", label="The holiday's name")
    _check_span(start_day, end_day, start_minute, end_minute)
    if location_id is not None and session.get(Location, location_id) is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    return _add_exception(
        session,
        actor,
        now=now,
        kind="holiday",
        provider_id=None,
        location_id=location_id,
        start_day=start_day,
        end_day=end_day,
        start_minute=start_minute,
        end_minute=end_minute,
        name=name.strip(),
    )


def add_time_off(
    session: Session,
    actor: Actor,
    *,
    provider_id: int,
    start_day: date,
    end_day: date | None = None,
    time_off_type: str = "vacation",
    name: str = "",
    start_minute: int | None = None,
    end_minute: int | None = None,
    now: datetime,
    source_uid: str | None = None,
) -> int:
    """A provider's time off (PTO): whole days, or part of one day."""
    actor.require(MANAGE_SCHEDULES)
    _provider(session, provider_id)
    end_day = end_day or start_day
    if time_off_type not in TIME_OFF_TYPES:
        raise ValidationError(
            f"Unknown time-off type {time_off_type!r}; choose {', '.join(TIME_OFF_TYPES)}.",
            field="time_off_type",
        )
    check_column_text(name.strip(), ScheduleException.name, field="name", label="The time off's name")
    if source_uid is not None:
        check_column_text(
            source_uid, ScheduleException.source_uid, field="uid", label="The calendar event's UID"
        )
    _check_span(start_day, end_day, start_minute, end_minute)
    return _add_exception(
        session,
        actor,
        now=now,
        kind="time_off",
        provider_id=provider_id,
        location_id=None,
        start_day=start_day,
        end_day=end_day,
        start_minute=start_minute,
        end_minute=end_minute,
        time_off_type=time_off_type,
        name=name.strip(),
        source_uid=source_uid,
    )


def add_extra_day(
    session: Session,
    actor: Actor,
    *,
    provider_id: int,
    location_id: int,
    day: date,
    start_minute: int,
    end_minute: int,
    name: str = "",
    now: datetime,
) -> int:
    """A one-off working day (or extra hours) outside the default week."""
    actor.require(MANAGE_SCHEDULES)
    _provider(session, provider_id)
    loc = session.get(Location, location_id)
    if loc is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    zone_of(loc.timezone)
    check_column_text(name.strip(), ScheduleException.name, field="name", label="The extra day's name")
    _check_span(day, day, None, None)
    _check_minutes(start_minute, end_minute, "Extra day", "start_minute")
    return _add_exception(
        session,
        actor,
        now=now,
        kind="extra_day",
        provider_id=provider_id,
        location_id=location_id,
        start_day=day,
        end_day=day,
        start_minute=start_minute,
        end_minute=end_minute,
        name=name.strip(),
    )


def remove_exception(session: Session, actor: Actor, exception_id: int, *, now: datetime) -> None:
    actor.require(MANAGE_SCHEDULES)
    row = session.get(ScheduleException, exception_id)
    if row is None:
        raise NotFound(f"Exception #{exception_id} does not exist (already removed?).")
    before = {
        "kind": row.kind,
        "provider_id": row.provider_id,
        "start_day": row.start_day.isoformat(),
        "end_day": row.end_day.isoformat(),
        "name": row.name,
    }
    session.delete(row)
    session.flush()
    audit.record(
        session, actor, "remove_exception", "schedule_exception", exception_id, now=now, before=before
    )


def list_exceptions(
    session: Session,
    *,
    provider_id: int | None = None,
    start_day: date | None = None,
    end_day: date | None = None,
) -> list[ExceptionView]:
    """Holidays (always) plus the provider's time off and extra days (all when None), by date."""
    q = select(
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
    )
    if provider_id is not None:
        q = q.where((ScheduleException.provider_id == provider_id) | ScheduleException.provider_id.is_(None))
    if start_day is not None:
        q = q.where(ScheduleException.end_day >= start_day)
    if end_day is not None:
        q = q.where(ScheduleException.start_day <= end_day)
    return [
        ExceptionView(*tuple(r))
        for r in session.execute(q.order_by(ScheduleException.start_day, ScheduleException.id))
    ]


# ----- blocks ------------------------------------------------------------------------------


def create_block(
    session: Session,
    actor: Actor,
    *,
    location_id: int,
    start: datetime,
    end: datetime,
    reason: str,
    colour: str = DEFAULT_BLOCK_COLOUR,
    provider_id: int | None = None,
    chair_id: int | None = None,
    rrule: str | None = None,
    now: datetime,
) -> int:
    """Block [start, end) at a location, for a provider and/or a chair (neither: everyone there).

    The instants are stored as the location's local day and minutes, so a repeating block
    (``rrule``, RFC 5545) keeps its wall-clock time across DST. A block stays within one
    local day. Returns the block id.
    """
    actor.require(MANAGE_SCHEDULES)
    loc = session.get(Location, location_id)
    if loc is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    zone = zone_of(loc.timezone)
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError("The block's times have no time zone.", field="start")
    if end <= start:
        raise ValidationError("The block must end after it starts.", field="end")
    if not reason.strip():
        raise ValidationError("Give the block a reason (e.g. Lunch, Staff meeting).", field="reason")
    check_column_text(reason.strip(), ScheduleBlock.reason, field="reason", label="The block's reason")
    if rrule:
        check_column_text(rrule, ScheduleBlock.rrule, field="rrule", label="The repeat rule")
    if provider_id is not None:
        _provider(session, provider_id)
    if chair_id is not None:
        chair = session.get(Chair, chair_id)
        if chair is None or chair.location_id != location_id:
            raise ValidationError("That chair is not at this location.", field="chair")
    if not (colour.startswith("#") and len(colour) in (4, 7, 9)):
        raise ValidationError(f"Colour {colour!r} is not a #rrggbb colour.", field="colour")
    if rrule:
        validate_rrule(rrule)
    ls, le = start.astimezone(zone), end.astimezone(zone)
    clock = DayClock(ls.date(), zone)
    s_min = ls.hour * 60 + ls.minute
    e_min = clock.to_local(epoch_minute(end))
    if le.date() != ls.date() and not (le.date() == ls.date() + timedelta(days=1) and le.time() == time(0)):
        raise ValidationError("A block must start and end on the same day.", field="end")
    block = ScheduleBlock(
        location_id=location_id,
        provider_id=provider_id,
        chair_id=chair_id,
        day=ls.date(),
        start_minute=s_min,
        end_minute=e_min,
        reason=reason.strip(),
        colour=colour,
        rrule=rrule or None,
        created_at=now,
    )
    session.add(block)
    session.flush()
    audit.record(
        session,
        actor,
        "create_block",
        "schedule_block",
        block.id,
        now=now,
        after={
            "day": block.day.isoformat(),
            "start": s_min,
            "end": e_min,
            "reason": block.reason,
            "provider_id": provider_id,
            "chair_id": chair_id,
            "rrule": block.rrule,
        },
    )
    return block.id


def delete_block(session: Session, actor: Actor, block_id: int, *, now: datetime) -> None:
    actor.require(MANAGE_SCHEDULES)
    block = session.get(ScheduleBlock, block_id)
    if block is None:
        raise NotFound(f"Block #{block_id} does not exist (already removed?).")
    before = {
        "day": block.day.isoformat(),
        "start": block.start_minute,
        "end": block.end_minute,
        "reason": block.reason,
        "rrule": block.rrule,
    }
    session.delete(block)
    session.flush()
    audit.record(session, actor, "delete_block", "schedule_block", block_id, now=now, before=before)


def list_blocks(
    session: Session, *, location_id: int | None = None, provider_id: int | None = None
) -> list[BlockView]:
    q = select(
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
    if location_id is not None:
        q = q.where(ScheduleBlock.location_id == location_id)
    if provider_id is not None:
        q = q.where((ScheduleBlock.provider_id == provider_id) | ScheduleBlock.provider_id.is_(None))
    q = q.order_by(ScheduleBlock.day, ScheduleBlock.start_minute)
    return [BlockView(*tuple(r)) for r in session.execute(q)]


# ----- .ics import ------------------------------------------------------------------------

# A longer file is a whole calendar, not someone's time off: split it.
MAX_ICS_EVENTS = 2000
# Rows of one event carry the UID, then "#1" and "#2" (at most three rows).
_MAX_UID = 250
_TimeOffSpan = tuple[date, date, int | None, int | None]


class _EventError(Exception):
    """What is wrong with one event (the caller names the event)."""


def _decoded(ev: Any, name: str, what: str, kinds: tuple[type, ...]) -> Any:
    """The property's value, None when absent; ``_EventError`` when it is not one of ``kinds``."""
    prop = ev.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        raise _EventError(f"it has more than one {what} ({name})")
    raw = _ical_text(prop) if hasattr(prop, "to_ical") else str(prop)
    try:
        value = ev.decoded(name)
    except Exception:  # icalendar raises many kinds for a malformed value
        value = None
    if not isinstance(value, kinds):
        kind = "a length of time" if name == "DURATION" else "a date"
        raise _EventError(f"its {what} ({name}) is not {kind}: {strip_control(raw)[:40]!r}")
    tzid = getattr(prop, "params", {}).get("TZID")
    if tzid and isinstance(value, datetime) and value.tzinfo is None:
        raise _EventError(
            f"its {what} ({name}) uses an unknown time zone {strip_control(str(tzid))[:64]!r}; "
            "export the calendar again with IANA zone names (such as America/New_York)"
        )
    return value


def _ical_text(prop: Any) -> str:
    raw = prop.to_ical()
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)


def _check_year(day: date, what: str) -> None:
    if day < EARLIEST_DAY:
        raise _EventError(f"its {what} {day.isoformat()} is before {EARLIEST_DAY.year}")
    if day > LATEST_DAY:
        raise _EventError(f"its {what} {day.isoformat()} is after {LATEST_DAY.year}")


def _too_long(days: float) -> _EventError:
    return _EventError(
        f"it lasts {days:,.0f} days, longer than {MAX_SPAN_DAYS} days; time off is "
        "imported a year at a time at most"
    )


def _read_event(ev: Any, zone: ZoneInfo) -> list[_TimeOffSpan]:
    """The time-off rows of one (non-repeating, not cancelled) event; ``_EventError`` when it is wrong."""
    start = _decoded(ev, "DTSTART", "start", (date,))
    if start is None:
        raise _EventError("it has no start (DTSTART)")
    end = _decoded(ev, "DTEND", "end", (date,))
    duration = _decoded(ev, "DURATION", "length", (timedelta,)) if end is None else None
    start_day = start.date() if isinstance(start, datetime) else start
    _check_year(start_day, "start")
    if duration is not None:
        if abs(duration) > timedelta(days=MAX_SPAN_DAYS):
            raise _too_long(abs(duration).total_seconds() / 86400)
        end = start + duration
    return _event_spans(start, end, zone)


def import_time_off_ics(
    session: Session,
    actor: Actor,
    *,
    provider_id: int,
    data: bytes,
    now: datetime,
    time_off_type: str = "vacation",
    timezone: str | None = None,
) -> IcsImportResult:
    """Turn the VEVENTs of an .ics file into time off: all-day events into whole days, timed
    events into partial days (split at local midnight, whole days between) in ``timezone``
    (default: the zone of the provider's first working location). Importing the same file
    twice adds nothing (events are matched by UID). Repeating and cancelled events are
    skipped and reported.

    Every event is read before anything is written: an event without a start, with a date
    that is not one, an unknown TZID, a UID too long to keep or a span over a year refuses
    the whole file with a ``ValidationError`` (field ``file``) naming the event.
    """
    import icalendar

    actor.require(MANAGE_SCHEDULES)
    _provider(session, provider_id)
    if time_off_type not in TIME_OFF_TYPES:
        raise ValidationError(
            f"Unknown time-off type {time_off_type!r}; choose {', '.join(TIME_OFF_TYPES)}.",
            field="time_off_type",
        )
    if timezone is None:
        timezone = (
            session.scalar(
                select(Location.timezone)
                .join(SchedulePeriod, SchedulePeriod.location_id == Location.id)
                .where(SchedulePeriod.provider_id == provider_id)
                .limit(1)
            )
            or session.scalar(select(Location.timezone).order_by(Location.id).limit(1))
            or "UTC"
        )
    zone = zone_of(timezone)
    try:
        cal = icalendar.Calendar.from_ical(data)
        events = list(cal.walk("VEVENT"))
    except Exception as exc:  # icalendar raises ValueError and others for what is not iCalendar
        raise ValidationError(
            f"This is not an iCalendar (.ics) file: {strip_control(str(exc))[:200]}", field="file"
        ) from None
    if len(events) > MAX_ICS_EVENTS:
        raise ValidationError(
            f"The file holds {len(events):,} events; import at most {MAX_ICS_EVENTS:,} "
            "at a time (export a shorter date range).",
            field="file",
        )
    known = set(
        session.scalars(
            select(ScheduleException.source_uid).where(
                ScheduleException.provider_id == provider_id, ScheduleException.source_uid.is_not(None)
            )
        )
    )
    name_length = column_length(ScheduleException.name)
    skipped = 0
    notes: list[str] = []
    pending: list[tuple[str, str, list[_TimeOffSpan]]] = []
    for n, ev in enumerate(events):
        summary = strip_control(str(ev.get("SUMMARY", ""))).strip()[:name_length]
        label = summary or f"event {n + 1}"
        where = f"Event {n + 1}" + (f" ({summary[:60]!r})" if summary else "")
        if str(ev.get("STATUS", "")).upper() == "CANCELLED":
            skipped += 1
            notes.append(f"{label}: cancelled, skipped")
            continue
        if ev.get("RRULE") is not None:
            skipped += 1
            notes.append(f"{label}: repeating events are not imported; add them by hand")
            continue
        try:
            spans = _read_event(ev, zone)
            uid = strip_control(str(ev.get("UID", "")))
            if len(uid) > _MAX_UID:
                raise _EventError(f"its UID is {len(uid):,} characters long; at most {_MAX_UID} fit")
        except _EventError as exc:
            raise ValidationError(
                f"Nothing was imported: {where.lower()} cannot be read: {exc}.", field="file"
            ) from None
        # Same key as earlier versions wrote, so re-importing an old file still adds nothing.
        uid = uid or f"no-uid:{label}:{_ical_text(ev['DTSTART'])}"
        if uid in known:
            skipped += 1
            notes.append(f"{label}: already imported")
            continue
        if not spans:
            skipped += 1
            notes.append(f"{label}: no time to import")
            continue
        known.add(uid)
        pending.append((uid, summary, spans))
    for uid, summary, spans in pending:
        for k, (d0, d1, s, e) in enumerate(spans):
            add_time_off(
                session,
                actor,
                provider_id=provider_id,
                start_day=d0,
                end_day=d1,
                time_off_type=time_off_type,
                name=summary,
                start_minute=s,
                end_minute=e,
                now=now,
                source_uid=uid if k == 0 else f"{uid}#{k}",
            )
    return IcsImportResult(len(pending), skipped, tuple(notes))


def _event_spans(start: date | datetime, end: date | datetime | None, zone: ZoneInfo) -> list[_TimeOffSpan]:
    """(first day, last day, start minute, end minute) rows; minutes None = whole days.

    A timed event becomes at most three rows: the part of its first day, the whole days
    between, the part of its last day. ``_EventError`` when it lasts more than a year.
    """
    if not isinstance(start, datetime):
        last = start
        if isinstance(end, date) and not isinstance(end, datetime):
            if (end - start).days > MAX_SPAN_DAYS:
                raise _too_long((end - start).days)
            _check_year(end, "end")
            last = end - timedelta(days=1)  # DTEND of an all-day event is exclusive
        return [(start, max(start, last), None, None)]
    if end is None or not isinstance(end, datetime):
        return []
    # Floating times (no zone) are read in the provider's zone.
    s_at = start if start.tzinfo else start.replace(tzinfo=zone)
    e_at = end if end.tzinfo else end.replace(tzinfo=zone)
    length = e_at - s_at
    if length > timedelta(days=MAX_SPAN_DAYS):
        raise _too_long(length.total_seconds() / 86400)
    if length <= timedelta(0):
        return []
    s, e = s_at.astimezone(zone), e_at.astimezone(zone)
    lo, hi = s.hour * 60 + s.minute, e.hour * 60 + e.minute
    if s.date() == e.date():
        return [(s.date(), s.date(), lo, hi)] if hi > lo else []
    out: list[_TimeOffSpan] = []
    first_whole = s.date()
    if lo > 0:
        out.append((s.date(), s.date(), lo, DAY_MINUTES))
        first_whole += timedelta(days=1)
    last_whole = e.date() - timedelta(days=1)
    if first_whole <= last_whole:
        out.append((first_whole, last_whole, None, None))
    if hi > 0:
        out.append((e.date(), e.date(), 0, hi))
    return out
