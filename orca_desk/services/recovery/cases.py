"""Recovery cases: a missed visit opens one; a booking, a restored visit or staff close it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.recovery import (
    CAUSE_KINDS,
    LIVE_CASE_STATUSES,
    RecoveryCase,
    RecoverySequence,
    RecoveryStep,
)
from orca_desk.models.reminders import StaffTask
from orca_desk.services.errors import ValidationError
from orca_desk.services.local_time import clinic_time_format
from orca_desk.services.recovery.rendering import _local_text
from orca_desk.services.recovery.rows import CAUSE_LABELS
from orca_desk.services.recovery.sequences import _sequence, _steps, step_label

SOURCE = "recovery_case"


def _log(case: RecoveryCase, now: datetime, event: str, detail: str, by: str = "automation") -> None:
    # A new list, so SQLAlchemy sees the JSON column change.
    case.history = [*case.history, {"at": now.isoformat(), "event": event, "detail": detail, "by": by}]
    case.updated_at = now


def _schedule_next(
    session: Session, case: RecoveryCase, steps: Sequence[RecoveryStep], now: datetime
) -> None:
    upcoming = [s for s in steps if s.position >= case.next_position]
    if upcoming:
        step = upcoming[0]
        case.next_position = step.position
        case.next_step_at = case.opened_at + timedelta(minutes=step.delay_minutes)
        case.next_step_label = step_label(step, clinic_time_format(session))
        return
    seq = session.get(RecoverySequence, case.sequence_id) if case.sequence_id else None
    last = max((s.delay_minutes for s in steps), default=0)
    case.next_position = (steps[-1].position + 1) if steps else 0
    case.next_step_at = (
        case.opened_at + timedelta(minutes=last) + timedelta(days=seq.lost_after_days if seq else 14)
    )
    case.next_step_label = "Lost if not booked"


def start_case(
    session: Session, appointment: Appointment, cause_kind: str, *, now: datetime
) -> RecoveryCase | None:
    """Open a case for a missed visit (idempotent per appointment and cause); None if the clinic's
    sequence does not follow up this cause."""
    if cause_kind not in CAUSE_KINDS:
        raise ValidationError(f"Unknown cause {cause_kind!r}.", field="cause_kind")
    existing = session.scalar(
        select(RecoveryCase).where(
            RecoveryCase.appointment_id == appointment.id, RecoveryCase.cause_kind == cause_kind
        )
    )
    if existing is not None:
        return existing
    seq = _sequence(session, appointment.clinic_id, now)
    if cause_kind not in (seq.cause_kinds or []):
        return None
    case = RecoveryCase(
        clinic_id=appointment.clinic_id,
        patient_id=appointment.patient_id,
        appointment_id=appointment.id,
        cause_kind=cause_kind,
        provider_id=appointment.provider_id,
        location_id=appointment.location_id,
        type_id=appointment.type_id,
        missed_start_at=appointment.start_at,
        sequence_id=seq.id,
        status="open",
        next_position=0,
        opened_at=now,
        history=[],
        updated_at=now,
    )
    _log(
        case,
        now,
        "opened",
        f"{CAUSE_LABELS[cause_kind].capitalize()} of the visit on "
        f"{_local_text(session, appointment.location_id, appointment.start_at)}",
    )
    _schedule_next(session, case, _steps(session, seq.id), now)
    session.add(case)
    session.flush()
    return case


def _finish(
    session: Session, case: RecoveryCase, status: str, now: datetime, detail: str, by: str = "automation"
) -> None:
    case.status, case.closed_at, case.next_step_at = status, now, None
    case.next_step_label, case.outcome = "", detail[:200]
    _log(case, now, status, detail, by)
    if case.call_task_id is not None:
        task = session.get(StaffTask, case.call_task_id)
        if task is not None and task.status == "open":
            task.status, task.outcome, task.done_at, task.done_by, task.updated_at = (
                "done",
                "rebooked" if status == "rescheduled" else status,
                now,
                by,
                now,
            )
    # Messages of the case not yet sent are pointless now.
    for msg in session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.source_type == SOURCE,
            OutboxMessage.source_id == case.id,
            OutboxMessage.status.in_(("queued", "deferred")),
        )
    ):
        msg.status, msg.error_code, msg.error = "cancelled", "recovery", f"recovery case {status}"
        session.add(_event(msg.id, now, f"recovery case {status}: not needed"))


def _event(message_id: int, now: datetime, detail: str) -> Any:
    from orca_desk.models.messaging import OutboxEvent

    return OutboxEvent(message_id=message_id, at=now, status="cancelled", detail=detail[:500])


def on_booked(session: Session, appointment: Appointment, *, now: datetime) -> int:
    """A new booking for the patient closes their live cases as rescheduled; returns how many."""
    cases = list(
        session.scalars(
            select(RecoveryCase).where(
                RecoveryCase.patient_id == appointment.patient_id, RecoveryCase.status.in_(LIVE_CASE_STATUSES)
            )
        )
    )
    for case in cases:
        case.rebooked_appointment_id, case.rebooked_at = appointment.id, now
        _finish(
            session,
            case,
            "rescheduled",
            now,
            f"Booked again for {_local_text(session, appointment.location_id, appointment.start_at)}",
        )
    return len(cases)


def after_appointment_change(session: Session, change: Any, *, now: datetime) -> None:
    """The booking seam: no-show or late cancellation → a case; a booking → rescheduled; a restored
    visit closes its case."""
    a: Appointment = change.appointment
    if change.kind == "no_show":
        start_case(session, a, "no_show", now=now)
    elif change.kind == "cancelled" and a.late_cancel:
        start_case(session, a, "late_cancel", now=now)
    elif change.kind == "booked":
        on_booked(session, a, now=now)
    elif change.kind == "restored":
        for case in session.scalars(
            select(RecoveryCase).where(
                RecoveryCase.appointment_id == a.id, RecoveryCase.status.in_(LIVE_CASE_STATUSES)
            )
        ):
            _finish(
                session,
                case,
                "closed",
                now,
                "The visit was restored (the no-show or cancellation was undone)",
            )
