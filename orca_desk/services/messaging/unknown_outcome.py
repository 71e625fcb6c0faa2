"""A message whose outcome cannot be known (an email the provider never answered for) goes to staff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.models.reminders import StaffTask

TASK_KIND = "message"  # models.reminders.TASK_KINDS


def task_for_unknown_outcome(session: Session, m: OutboxMessage, *, now: datetime) -> StaffTask:
    """Open (once per message) a staff task naming the family: they may have got nothing.

    The task's reason names the family, the address, the subject and when it was tried, so
    the desk can check with them and resend from the Outbox if it did not arrive.
    """
    marker = f"#{m.id}"
    existing = session.scalar(
        select(StaffTask)
        .where(
            StaffTask.kind == TASK_KIND,
            StaffTask.patient_id == m.patient_id,
            StaffTask.reason.contains(marker),
        )
        .limit(1)
    )
    if existing is not None:
        return existing
    patient = session.get(Patient, m.patient_id) if m.patient_id is not None else None
    if patient is not None:
        family = patient.display_name
        if patient.guardian_name and patient.guardian_name != family:
            family = f"{family} (responsible: {patient.guardian_name})"
    else:
        family = m.to_address
    what = f"the email “{m.subject}”" if m.subject else "a message"
    reason = (
        f"Check with {family}: {what} to {m.to_address} may not have arrived (no answer from "
        f"the email service; message {marker}). Resend it from the Outbox if they did not "
        "get it."
    )
    task = StaffTask(
        clinic_id=m.clinic_id,
        kind=TASK_KIND,
        appointment_id=m.appointment_id,
        patient_id=m.patient_id,
        reason=reason[:300],
        status="open",
        attempts=[],
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    return task
