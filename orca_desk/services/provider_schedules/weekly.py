"""A provider's working week: validate, replace or add periods, read the week, visits new hours leave out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.models.clinic import Location
from orca_desk.models.patient import Patient
from orca_desk.models.schedule import ScheduleBreak, SchedulePeriod
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_SCHEDULES, Actor
from orca_desk.services.availability import (
    WEEKDAY_NAMES,
    DayClock,
    PeriodRow,
    epoch_minute,
    hhmm,
    load_schedule_data,
    zone_of,
)
from orca_desk.services.errors import ValidationError
from orca_desk.services.inputs import check_column_text
from orca_desk.services.intervals import contains
from orca_desk.services.messaging.message_locale import staff_date
from orca_desk.services.provider_schedules.checks import check_minutes, get_provider
from orca_desk.services.provider_schedules.rows import AffectedAppointment, BreakInput, DayHours, PeriodView


def validate_week(
    session: Session, days: Sequence[DayHours], *, effective_from: date, effective_to: date | None
) -> None:
    """Raise ValidationError naming the day and field; nothing is written either way."""
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError(
            f"Effective to {staff_date(effective_to, weekday=False)} is before effective from "
            f"{staff_date(effective_from, weekday=False)}.",
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
        check_minutes(d.start_minute, d.end_minute, f"{name} hours", "hours")
        prev: BreakInput | None = None
        for b in sorted(d.breaks, key=lambda b: b.start_minute):
            check_column_text(b.label, ScheduleBreak.label, field="breaks", label=f"{name}: the break's name")
            check_minutes(b.start_minute, b.end_minute, f"{name} break {b.label}".strip(), "breaks")
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
    provider = get_provider(session, provider_id)
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
    get_provider(session, provider_id)
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
            until = f"to {staff_date(p.effective_to, weekday=False)}" if p.effective_to else "on"
            raise ValidationError(
                f"{WEEKDAY_NAMES[hours.weekday]} {hhmm(hours.start_minute)}–{hhmm(hours.end_minute)} "
                f"overlaps the period {hhmm(p.start_minute)}–{hhmm(p.end_minute)} effective from "
                f"{staff_date(p.effective_from, weekday=False)} {until}: their effective ranges overlap.",
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
    get_provider(session, provider_id)
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
