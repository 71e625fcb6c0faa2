"""The recovery tick: each case's due steps (messages, call tasks) run once, in order; contact noted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.models.clinic import Location
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.models.recovery import LIVE_CASE_STATUSES, RecoveryCase, RecoveryStep
from orca_desk.models.reminders import StaffTask
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging.message_locale import recipient_language
from orca_desk.services.messaging.message_templates import get_template
from orca_desk.services.messaging.outbox import enqueue_for_patient
from orca_desk.services.messaging.render import render
from orca_desk.services.recovery.cases import SOURCE, _finish, _log, _schedule_next
from orca_desk.services.recovery.rendering import _local_text, _values, _zone
from orca_desk.services.recovery.rows import ACTION_LABELS, CAUSE_LABELS
from orca_desk.services.recovery.sequences import _steps

PURPOSE = "recovery"


@dataclass
class RecoveryTick:
    steps_run: int = 0
    messages: int = 0
    skipped: int = 0
    calls: int = 0
    contacted: int = 0
    rescheduled: int = 0
    lost: int = 0


def _booked_since(session: Session, case: RecoveryCase) -> Appointment | None:
    return session.scalar(
        select(Appointment)
        .where(
            Appointment.patient_id == case.patient_id,
            Appointment.id != case.appointment_id,
            Appointment.created_at > case.opened_at,
            Appointment.status.in_(ACTIVE_STATUSES),
        )
        .order_by(Appointment.created_at)
        .limit(1)
    )


def _deadline(session: Session, case: RecoveryCase, step: RecoveryStep, due: datetime) -> datetime | None:
    if step.latest_local_minute is None:
        return None
    loc = session.get(Location, case.location_id)
    zone = _zone(loc.timezone if loc else None)
    local_day = due.astimezone(zone).date()
    h, m = divmod(step.latest_local_minute, 60)
    wall = datetime.combine(local_day, time(0), tzinfo=zone) + timedelta(hours=h, minutes=m)
    return wall.astimezone(UTC)


def _run_step(
    session: Session, case: RecoveryCase, step: RecoveryStep, now: datetime, report: RecoveryTick
) -> None:
    due = case.next_step_at or now
    patient = session.get(Patient, case.patient_id)
    assert patient is not None
    report.steps_run += 1
    if step.action == "call":
        task = session.get(StaffTask, case.call_task_id) if case.call_task_id else None
        if task is None:
            cause = CAUSE_LABELS[case.cause_kind]
            task = StaffTask(
                clinic_id=case.clinic_id,
                kind="call",
                appointment_id=case.appointment_id,
                patient_id=case.patient_id,
                status="open",
                attempts=[],
                created_at=now,
                updated_at=now,
                reason=f"Recovery: call {patient.display_name} to rebook after the {cause} on "
                f"{_local_text(session, case.location_id, case.missed_start_at)}"[:300],
            )
            session.add(task)
            session.flush()
            case.call_task_id = task.id
        _log(case, now, "call_task", "A call to rebook is on the staff task list")
        report.calls += 1
        return
    deadline = _deadline(session, case, step, due)
    if deadline is not None and now >= deadline:
        _log(
            case,
            now,
            f"{step.action}_skipped",
            f"{ACTION_LABELS[step.action]} skipped: too late that day (after the step's latest time)",
        )
        report.skipped += 1
        return
    key = f"{step.template_key}.{case.cause_kind}" if step.template_key == "recovery" else step.template_key
    try:
        tpl = get_template(session, case.clinic_id, key, step.action, recipient_language(patient))
        address = (patient.contact_phone if step.action == "sms" else patient.contact_email) or ""
        values = _values(session, case, patient, step.action, address, now)
        body = render(tpl.body, values)
        subject = render(tpl.subject, values) if tpl.subject else None
        if step.action == "email" and not patient.email_consent:
            raise ValidationError(f"No email consent is recorded for {patient.display_name}.")
        msg = enqueue_for_patient(
            session,
            patient,
            body=body,
            subject=subject,
            purpose=PURPOSE,
            dedupe_key=f"recovery:{case.id}:{step.position}:{step.action}",
            now=now,
            channel=step.action,
            appointment_id=None,
            source_type=SOURCE,
            source_id=case.id,
            send_after=due,
            not_after=deadline,
        )
    except (ValidationError, NotFound) as exc:
        _log(case, now, f"{step.action}_skipped", f"{ACTION_LABELS[step.action]} not sent: {exc}")
        report.skipped += 1
        return
    _log(case, now, f"{step.action}_queued", f"{ACTION_LABELS[step.action]} queued (message #{msg.id})")
    report.messages += 1


def _advance(
    session: Session, case: RecoveryCase, now: datetime, report: RecoveryTick, *, check_bookings: bool = True
) -> None:
    booked = _booked_since(session, case) if check_bookings else None
    if booked is not None:  # a booking that did not pass through the seam (an import, another tool)
        case.rebooked_appointment_id, case.rebooked_at = booked.id, booked.created_at
        _finish(
            session,
            case,
            "rescheduled",
            now,
            f"Booked again for {_local_text(session, booked.location_id, booked.start_at)}",
        )
        report.rescheduled += 1
        return
    steps = _steps(session, case.sequence_id)
    step = next((s for s in steps if s.position == case.next_position), None)
    if step is None:
        _finish(session, case, "lost", now, "No booking after the whole follow-up")
        report.lost += 1
        return
    _run_step(session, case, step, now, report)
    case.next_position = step.position + 1
    _schedule_next(session, case, steps, now)


def _sync_contacted(session: Session, now: datetime, report: RecoveryTick) -> None:
    rows = session.execute(
        select(RecoveryCase, OutboxMessage.sent_at, OutboxMessage.channel)
        .join(
            OutboxMessage,
            (OutboxMessage.source_type == SOURCE) & (OutboxMessage.source_id == RecoveryCase.id),
        )
        .where(RecoveryCase.status == "open", OutboxMessage.status.in_(("sent", "delivered")))
    ).all()
    for case, sent_at, channel in rows:
        if case.status == "open":
            case.status, case.contacted_at = "contacted", sent_at or now
            _log(case, now, "contacted", f"{ACTION_LABELS.get(channel, channel)} went out")
            report.contacted += 1


def process_recovery(db: Any, *, now: datetime, batch: int = 200) -> RecoveryTick:
    """Run every step due by ``now`` (idempotent: each case advances in one transaction with its
    message; a rerun or a restart finds the case already moved on, the outbox key already there)."""
    report = RecoveryTick()
    with db.write() as session:
        _sync_contacted(session, now, report)
    for _ in range(10_000):
        with db.write() as session:
            q = (
                select(RecoveryCase)
                .where(RecoveryCase.status.in_(LIVE_CASE_STATUSES), RecoveryCase.next_step_at <= now)
                .order_by(RecoveryCase.next_step_at, RecoveryCase.id)
                .limit(batch)
            )
            if getattr(db, "is_postgres", False):
                q = q.with_for_update(skip_locked=True)
            cases = list(session.scalars(q))
            if not cases:
                break
            for case in cases:
                # Several steps may be due at once after a long sleep; each runs once, in order.
                for _step in range(20):
                    if (
                        case.status not in LIVE_CASE_STATUSES
                        or case.next_step_at is None
                        or case.next_step_at > now
                    ):
                        break
                    _advance(session, case, now, report)
    return report
