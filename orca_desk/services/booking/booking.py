"""Book, move, cancel and change the status of appointments, refusing every conflict.

Lock order (PostgreSQL): the provider row first (``_lock_provider``, FOR NO KEY UPDATE, so
the foreign-key share locks of inserts elsewhere never wait on it), then the appointment
rows. Callers run these in ``Database.run_write``, which runs a deadlock victim again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Provider
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.booking.appointment_effects import AppointmentChange, after_change, after_changes
from orca_desk.services.booking.booking_checks import (
    PAST_GRACE,
    BookedVisit,
    Refusal,
    check_conflicts,
    check_hours,
    conflict_refusal,
    overlapping_visits,
    placement_refusal,
    visit_span,
)
from orca_desk.services.booking.series_exceptions import record_moved
from orca_desk.services.booking.statuses import MAX_MINUTES, MOVABLE_STATUSES, STATUS_LABELS, TRANSITIONS
from orca_desk.services.bulk import chunks
from orca_desk.services.errors import (
    ConflictError,
    NotFound,
    OutsideHoursError,
    StaleEditError,
    ValidationError,
)

# What callers read here; the placement rules live in ``booking_checks``.
__all__ = [
    "LATE_CANCEL_WINDOW",
    "MAX_MINUTES",
    "MOVABLE_STATUSES",
    "PAST_GRACE",
    "STATUS_LABELS",
    "TRANSITIONS",
    "BookedVisit",
    "BookingAttempt",
    "BookingRequest",
    "Refusal",
    "book_appointment",
    "cancel_appointment",
    "check_conflicts",
    "check_hours",
    "conflict_refusal",
    "mark_no_show",
    "move_appointment",
    "placement_refusal",
    "restore_appointment",
    "set_status",
    "set_status_many",
    "try_book",
]

LATE_CANCEL_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class BookingRequest:
    patient_id: int
    provider_id: int
    chair_id: int
    type_id: int
    start: datetime
    minutes: int | None = None  # None: the type's default duration
    notes: str = ""
    series_id: int | None = None
    # Book even outside working hours, on a day off or in a block (needs OVERRIDE_HOURS).
    override_hours: bool = False


def _snapshot(a: Appointment) -> dict[str, Any]:
    return {
        "start": a.start_at.isoformat(),
        "end": a.end_at.isoformat(),
        "chair_id": a.chair_id,
        "provider_id": a.provider_id,
        "status": a.status,
        "type_id": a.type_id,
    }


def _lock_provider(session: Session, provider_id: int) -> Provider:
    # On PostgreSQL the row lock serialises bookings per provider so the concurrency limit
    # holds under racing desks; SQLite writers are already serialised by BEGIN IMMEDIATE.
    # FOR NO KEY UPDATE (key_share), not FOR UPDATE: the foreign-key checks of inserts into
    # appointment and opening take FOR KEY SHARE on the provider row, which FOR UPDATE waits
    # for, so two desks each holding one and wanting the other deadlocked. The key is never
    # changed here, and NO KEY UPDATE still excludes every other booking of the provider.
    provider = session.scalar(
        select(Provider).where(Provider.id == provider_id).with_for_update(key_share=True)
    )
    if provider is None or not provider.is_active:
        raise NotFound(f"Provider #{provider_id} does not exist or is inactive.")
    return provider


def _flush(session: Session, what: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        if "ex_appointment" in str(exc.orig) or "exclusion" in str(exc.orig).lower():
            raise ConflictError(f"Another desk just booked that {what}; the calendar will refresh.") from None
        raise
    except StaleDataError:
        raise StaleEditError(
            "Another desk changed this appointment a moment ago; reload it and try again."
        ) from None


def book_appointment(session: Session, actor: Actor, req: BookingRequest, *, now: datetime) -> Appointment:
    actor.require(BOOK)
    if req.start.tzinfo is None:
        raise ValidationError("The start time has no time zone.", field="start")
    patient = session.get(Patient, req.patient_id)
    if patient is None or not patient.is_active:
        raise NotFound(f"Patient #{req.patient_id} does not exist.")
    chair = session.get(Chair, req.chair_id)
    if chair is None or not chair.is_active:
        raise NotFound(f"Chair #{req.chair_id} does not exist.")
    atype = session.get(AppointmentType, req.type_id)
    if atype is None or not atype.is_active:
        raise NotFound(f"Appointment type #{req.type_id} does not exist.")
    minutes = req.minutes if req.minutes is not None else atype.default_minutes
    if minutes <= 0:
        raise ValidationError("The appointment must last at least one minute.", field="minutes")
    if minutes > MAX_MINUTES:
        raise ValidationError(
            f"An appointment cannot last more than {MAX_MINUTES // 60} hours.", field="minutes"
        )
    if req.start < now - PAST_GRACE:
        raise ValidationError("That time is in the past.", field="start")
    provider = _lock_provider(session, req.provider_id)
    end = req.start + timedelta(minutes=minutes)
    check_conflicts(
        session, patient_id=patient.id, provider=provider, chair_id=chair.id, start=req.start, end=end
    )
    overridden = check_hours(
        session,
        actor,
        provider_id=provider.id,
        chair_id=chair.id,
        start=req.start,
        end=end,
        override=req.override_hours,
    )
    appt = Appointment(
        clinic_id=patient.clinic_id,
        patient_id=patient.id,
        provider_id=provider.id,
        chair_id=chair.id,
        location_id=chair.location_id,
        type_id=atype.id,
        start_at=req.start,
        end_at=end,
        status="scheduled",
        confirmation="unconfirmed",
        notes=req.notes,
        series_id=req.series_id,
        created_at=now,
        updated_at=now,
    )
    session.add(appt)
    _flush(session, "chair or patient time")
    audit.record(
        session,
        actor,
        "book",
        "appointment",
        appt.id,
        now=now,
        after={**_snapshot(appt), **({"override_hours": True} if overridden else {})},
    )
    after_change(session, AppointmentChange("booked", appt, None), now=now)
    return appt


@dataclass(frozen=True)
class BookingAttempt:
    """What ``try_book`` did: booked (``appointment_id``), or nothing, the time being outside
    working hours (``outside_hours`` says why, for the desk to confirm an override)."""

    appointment_id: int | None
    outside_hours: str | None = None


def try_book(session: Session, actor: Actor, req: BookingRequest, *, now: datetime) -> BookingAttempt:
    """``book_appointment``, except that outside working hours (a day off, a block) it books nothing
    and says why instead of refusing: the desk may book anyway with ``override_hours``. Every
    other refusal raises as ``book_appointment`` does."""
    try:
        return BookingAttempt(book_appointment(session, actor, req, now=now).id)
    except OutsideHoursError as exc:  # raised before anything is written
        return BookingAttempt(None, str(exc))


def _load(session: Session, appointment_id: int, expected_version: int | None) -> Appointment:
    appt = session.get(Appointment, appointment_id)
    if appt is None:
        raise NotFound(f"Appointment #{appointment_id} does not exist.")
    if expected_version is not None and appt.version != expected_version:
        raise StaleEditError("Another desk changed this appointment a moment ago; reload it and try again.")
    return appt


def move_appointment(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    start: datetime,
    end: datetime | None = None,
    chair_id: int | None = None,
    provider_id: int | None = None,
    expected_version: int | None = None,
    override_hours: bool = False,
    now: datetime,
) -> Appointment:
    """Move and/or resize; keeps the duration when ``end`` is not given.

    Outside working hours, on a day off or into a block it raises OutsideHoursError unless
    ``override_hours`` is given by someone with OVERRIDE_HOURS.
    """
    actor.require(BOOK)
    appt = _load(session, appointment_id, expected_version)
    new_end = end if end is not None else start + (appt.end_at - appt.start_at)
    new_chair_id = chair_id if chair_id is not None else appt.chair_id
    chair = session.get(Chair, new_chair_id)
    if chair is None or not chair.is_active:
        raise NotFound(f"Chair #{new_chair_id} does not exist.")
    provider = _lock_provider(session, provider_id if provider_id is not None else appt.provider_id)
    refusal = _move_refusal(session, appt, chair, provider, start=start, end=new_end, now=now)
    if refusal is not None:
        raise refusal.error()
    overridden = check_hours(
        session,
        actor,
        provider_id=provider.id,
        chair_id=chair.id,
        start=start,
        end=new_end,
        override=override_hours,
    )
    before = _snapshot(appt)
    appt.start_at, appt.end_at = start, new_end
    appt.chair_id, appt.location_id, appt.provider_id = chair.id, chair.location_id, provider.id
    appt.updated_at = now
    if before["start"] != appt.start_at.isoformat():
        # A new time has not been confirmed by the family yet.
        appt.confirmation = "unconfirmed"
    _flush(session, "chair or patient time")
    audit.record(
        session,
        actor,
        "move",
        "appointment",
        appt.id,
        now=now,
        before=before,
        after={**_snapshot(appt), **({"override_hours": True} if overridden else {})},
    )
    if appt.series_id is not None:  # a moved occurrence becomes an exception of its series
        record_moved(session, appt, now=now)
    after_change(session, AppointmentChange("moved", appt, before), now=now)
    return appt


def _move_refusal(
    session: Session,
    appt: Appointment,
    chair: Chair,
    provider: Provider,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> Refusal | None:
    """Why ``appt`` may not go to [start, end) in ``chair`` with ``provider``, read from the database."""

    def others() -> Iterator[BookedVisit]:  # queried only when the rest allows the move
        yield from overlapping_visits(
            session,
            patient_id=appt.patient_id,
            provider_id=provider.id,
            chair_id=chair.id,
            start=start,
            end=end,
            ignore_id=appt.id,
        )

    return placement_refusal(
        status=appt.status,
        patient_id=appt.patient_id,
        was_start=appt.start_at,
        start=start,
        end=end,
        chair_id=chair.id,
        chair_name=chair.name,
        provider_id=provider.id,
        provider_name=provider.name,
        max_concurrent=provider.max_concurrent,
        others=others(),
        now=now,
        span=lambda r: visit_span(session, r.chair_id, r.start, r.end),
    )


def cancel_appointment(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
    now: datetime,
) -> Appointment:
    actor.require(BOOK)
    if not reason.strip():
        raise ValidationError("Give a reason for the cancellation.", field="reason")
    appt = _load(session, appointment_id, expected_version)
    # Set before the transition flushes, so what reacts to the cancellation sees them.
    return _transition(
        session,
        actor,
        appointment_id,
        "cancelled",
        expected_version,
        now,
        updates={"cancel_reason": reason.strip(), "late_cancel": appt.start_at - now < LATE_CANCEL_WINDOW},
    )


def mark_no_show(
    session: Session, actor: Actor, appointment_id: int, *, expected_version: int | None = None, now: datetime
) -> Appointment:
    actor.require(BOOK)
    appt = _load(session, appointment_id, expected_version)
    if appt.start_at > now:
        raise ValidationError("An appointment that has not started yet cannot be a no-show.")
    return _transition(session, actor, appointment_id, "no_show", expected_version, now)


def set_status(
    session: Session,
    actor: Actor,
    appointment_id: int,
    status: str,
    *,
    expected_version: int | None = None,
    now: datetime,
) -> Appointment:
    actor.require(BOOK)
    if status == "cancelled":
        raise ValidationError("Use cancel, which asks for a reason.")
    if status == "no_show":
        return mark_no_show(session, actor, appointment_id, expected_version=expected_version, now=now)
    return _transition(session, actor, appointment_id, status, expected_version, now)


def _check_transition(appt: Appointment, status: str) -> None:
    if status != appt.status and status not in TRANSITIONS[appt.status]:
        raise ValidationError(
            f"A {STATUS_LABELS[appt.status]} appointment cannot become {STATUS_LABELS[status]}."
        )


def _apply_transition(
    appt: Appointment, status: str, now: datetime, updates: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Change ``appt`` (not yet flushed); returns its snapshot from before."""
    before = _snapshot(appt)
    appt.status = status
    for field, value in (updates or {}).items():
        setattr(appt, field, value)
    if status == "confirmed":
        appt.confirmation = "confirmed"
    appt.updated_at = now
    return before


def _transition(
    session: Session,
    actor: Actor,
    appointment_id: int,
    status: str,
    expected_version: int | None,
    now: datetime,
    updates: dict[str, Any] | None = None,
) -> Appointment:
    if status not in TRANSITIONS:
        raise ValidationError(f"Unknown status {status!r}.")
    appt = _load(session, appointment_id, expected_version)
    if status == appt.status:
        return appt
    _check_transition(appt, status)
    before = _apply_transition(appt, status, now, updates)
    _flush(session, "appointment")
    audit.record(
        session, actor, status, "appointment", appt.id, now=now, before=before, after=_snapshot(appt)
    )
    kind = status if status in ("cancelled", "no_show") else "status"
    after_change(session, AppointmentChange(kind, appt, before), now=now)
    return appt


def set_status_many(
    session: Session, actor: Actor, appointment_ids: Sequence[int], status: str, *, now: datetime
) -> list[Appointment]:
    """``set_status`` for many appointments at once (a poll's worth of confirmations): the same
    rule, audit and consequences, in a fixed number of statements.

    All or nothing: every appointment is checked before any changes, and the first refusal
    is raised. Cancellations and no-shows go one at a time (they need a reason, a check).
    """
    actor.require(BOOK)
    if status not in TRANSITIONS or status in ("cancelled", "no_show"):
        raise ValidationError(f"Status {status!r} cannot be set for many appointments at once.")
    ids = list(dict.fromkeys(appointment_ids))
    found: dict[int, Appointment] = {}
    for chunk in chunks(ids):
        found.update((a.id, a) for a in session.scalars(select(Appointment).where(Appointment.id.in_(chunk))))
    for appointment_id in ids:
        appt = found.get(appointment_id)
        if appt is None:
            raise NotFound(f"Appointment #{appointment_id} does not exist.")
        _check_transition(appt, status)
    changes = [
        AppointmentChange("status", found[i], _apply_transition(found[i], status, now))
        for i in ids
        if found[i].status != status
    ]
    _flush(session, "appointment")
    for c in changes:
        audit.record(
            session,
            actor,
            status,
            "appointment",
            c.appointment.id,
            now=now,
            before=c.before,
            after=_snapshot(c.appointment),
        )
    after_changes(session, changes, now=now)
    return [found[i] for i in ids]


def restore_appointment(
    session: Session, actor: Actor, appointment_id: int, *, expected_version: int | None = None, now: datetime
) -> Appointment:
    """Undo a cancellation or no-show, if the chair and patient are still free."""
    actor.require(BOOK)
    appt = _load(session, appointment_id, expected_version)
    if appt.status not in ("cancelled", "no_show"):
        raise ValidationError("Only a cancelled or no-show appointment can be restored.")
    provider = _lock_provider(session, appt.provider_id)
    check_conflicts(
        session,
        patient_id=appt.patient_id,
        provider=provider,
        chair_id=appt.chair_id,
        start=appt.start_at,
        end=appt.end_at,
        ignore_id=appt.id,
    )
    before = _snapshot(appt)
    appt.status, appt.cancel_reason, appt.late_cancel, appt.updated_at = "scheduled", None, False, now
    _flush(session, "chair or patient time")
    audit.record(
        session, actor, "restore", "appointment", appt.id, now=now, before=before, after=_snapshot(appt)
    )
    after_change(session, AppointmentChange("restored", appt, before), now=now)
    return appt
