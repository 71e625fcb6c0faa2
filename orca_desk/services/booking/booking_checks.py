"""Where and when a visit may be placed: the collisions, bad times and working hours that refuse it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.models.clinic import Chair, Provider
from orca_desk.models.patient import Patient
from orca_desk.services import local_time
from orca_desk.services.access.security import OVERRIDE_HOURS, Actor
from orca_desk.services.availability import hours_problems
from orca_desk.services.booking.statuses import MAX_MINUTES, MOVABLE_STATUSES, STATUS_LABELS
from orca_desk.services.errors import ConflictError, OutsideHoursError, ValidationError
from orca_desk.services.intervals import over_capacity

PAST_GRACE = timedelta(hours=12)


def visit_span(session: Session, chair_id: int, start: datetime, end: datetime) -> str:
    """A span in the chair's location's local time, in the clinic's format."""
    return local_time.fmt_range(
        start, end, local_time.chair_zone(session, chair_id), local_time.clinic_time_format(session)
    )


@dataclass(frozen=True)
class BookedVisit:
    """A visit already in the book, as far as a placement check needs it."""

    id: int
    patient_id: int
    patient_name: str
    chair_id: int
    provider_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Refusal:
    """Why a visit may not go somewhere: a collision (``conflict``) or a bad time."""

    message: str
    conflict: bool = False
    field: str | None = None

    def error(self) -> ValidationError | ConflictError:
        if self.conflict:
            return ConflictError(self.message)
        return ValidationError(self.message, field=self.field)


Span = Callable[[BookedVisit], str]  # another visit's time, in its location's zone and the clinic's format


def conflict_refusal(
    others: Iterable[BookedVisit],
    *,
    patient_id: int,
    chair_id: int,
    chair_name: str,
    provider_id: int,
    provider_name: str,
    max_concurrent: int,
    start: datetime,
    end: datetime,
    span: Span,
) -> Refusal | None:
    """The first collision of [start, end) with ``others`` (active visits, not the one placed):
    the chair, then the patient, then the provider's limit of patients at once."""
    rows = [o for o in others if o.start < end and o.end > start]
    for r in rows:
        if r.chair_id == chair_id:
            return Refusal(f"{chair_name} is taken {span(r)} by {r.patient_name}.", conflict=True)
    for r in rows:
        if r.patient_id == patient_id:
            return Refusal(f"{r.patient_name} already has an appointment {span(r)}.", conflict=True)
    # Epoch seconds for the interval algebra; the new appointment counts too.
    window = (int(start.timestamp()), int(end.timestamp()))
    mine = [
        (max(int(r.start.timestamp()), window[0]), min(int(r.end.timestamp()), window[1]))
        for r in rows
        if r.provider_id == provider_id
    ]
    if over_capacity([*mine, window], max_concurrent):
        return Refusal(
            f"{provider_name} already sees {max_concurrent} patient"
            f"{'s' if max_concurrent != 1 else ''} at once then.",
            conflict=True,
        )
    return None


def placement_refusal(
    *,
    status: str,
    patient_id: int,
    was_start: datetime,
    start: datetime,
    end: datetime,
    chair_id: int,
    chair_name: str,
    provider_id: int,
    provider_name: str,
    max_concurrent: int,
    others: Iterable[BookedVisit],
    now: datetime,
    span: Span,
) -> Refusal | None:
    """May a visit (its ``status``, its patient, now starting at ``was_start``) be placed over
    [start, end) in this chair with this provider? Its state, its length, the past, then the
    ``others`` it would collide with (read only when the rest allows the move). The drag preview
    asks with what the screen shows; ``move_appointment`` asks with the database."""
    if status not in MOVABLE_STATUSES:
        return Refusal(f"A {STATUS_LABELS[status]} appointment cannot be moved.")
    if start.tzinfo is None:
        return Refusal("The start time has no time zone.", field="start")
    if end <= start:
        return Refusal("The appointment must end after it starts.", field="end")
    if end - start > timedelta(minutes=MAX_MINUTES):
        return Refusal(f"An appointment cannot last more than {MAX_MINUTES // 60} hours.")
    if start < now - PAST_GRACE and start != was_start:
        return Refusal("That time is in the past.", field="start")
    return conflict_refusal(
        others,
        patient_id=patient_id,
        chair_id=chair_id,
        chair_name=chair_name,
        provider_id=provider_id,
        provider_name=provider_name,
        max_concurrent=max_concurrent,
        start=start,
        end=end,
        span=span,
    )


def overlapping_visits(
    session: Session,
    *,
    patient_id: int,
    provider_id: int,
    chair_id: int,
    start: datetime,
    end: datetime,
    ignore_id: int | None,
) -> list[BookedVisit]:
    overlap = (
        (Appointment.start_at < end) & (Appointment.end_at > start) & Appointment.status.in_(ACTIVE_STATUSES)
    )
    if ignore_id is not None:
        overlap = overlap & (Appointment.id != ignore_id)
    rows = session.execute(
        select(
            Appointment.id,
            Appointment.chair_id,
            Appointment.patient_id,
            Appointment.provider_id,
            Appointment.start_at,
            Appointment.end_at,
            Patient.first_name,
            Patient.last_name,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(
            overlap,
            (Appointment.chair_id == chair_id)
            | (Appointment.patient_id == patient_id)
            | (Appointment.provider_id == provider_id),
        )
    ).all()
    return [
        BookedVisit(
            r.id,
            r.patient_id,
            f"{r.first_name} {r.last_name}",
            r.chair_id,
            r.provider_id,
            r.start_at,
            r.end_at,
        )
        for r in rows
    ]


def chair_name_of(session: Session, chair_id: int) -> str:
    chair = session.get(Chair, chair_id)
    return chair.name if chair else "The chair"


def check_conflicts(
    session: Session,
    *,
    patient_id: int,
    provider: Provider,
    chair_id: int,
    start: datetime,
    end: datetime,
    ignore_id: int | None = None,
) -> None:
    """Raise ConflictError naming what collides: the chair, the patient or the provider's limit."""
    others = overlapping_visits(
        session,
        patient_id=patient_id,
        provider_id=provider.id,
        chair_id=chair_id,
        start=start,
        end=end,
        ignore_id=ignore_id,
    )
    refusal = conflict_refusal(
        others,
        patient_id=patient_id,
        chair_id=chair_id,
        chair_name=chair_name_of(session, chair_id),
        provider_id=provider.id,
        provider_name=provider.name,
        max_concurrent=provider.max_concurrent,
        start=start,
        end=end,
        span=lambda r: visit_span(session, r.chair_id, r.start, r.end),
    )
    if refusal is not None:
        raise refusal.error()


def check_hours(
    session: Session,
    actor: Actor,
    *,
    provider_id: int,
    chair_id: int,
    start: datetime,
    end: datetime,
    override: bool,
) -> bool:
    """Refuse a slot outside the provider's working time unless overridden with permission.

    Raises OutsideHoursError saying why; with ``override`` the actor needs OVERRIDE_HOURS.
    Returns whether the override was used (for the audit trail). Providers without any
    schedule are unscheduled and only holidays, time off and blocks apply to them.
    """
    problems = hours_problems(session, provider_id=provider_id, chair_id=chair_id, start=start, end=end)
    if not problems:
        return False
    if not override:
        raise OutsideHoursError(" ".join(p.message for p in problems))
    actor.require(OVERRIDE_HOURS)
    return True
