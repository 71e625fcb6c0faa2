"""Check one slot: why it is outside the provider's time, and every reason it cannot be booked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.models.clinic import Chair, Location, Provider
from orca_desk.models.patient import Patient
from orca_desk.services.availability.busy import _MAX_APPOINTMENT
from orca_desk.services.availability.clock import WEEKDAY_NAMES, _epoch_minute_up, epoch_minute, hhmm, zone_of
from orca_desk.services.availability.schedule import ScheduleData, _days, load_schedule_data
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.intervals import (
    Interval,
    contains,
    intersect,
    over_capacity,
    union,
)
from orca_desk.services.messaging.message_locale import staff_date


@dataclass(frozen=True)
class SlotProblem:
    kind: str  # outside_hours | provider_off | blocked | chair_taken | patient_busy | provider_full
    message: str


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
                    problems.append(SlotProblem("provider_off", f"{text} ({staff_date(day, year=False)})."))
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
