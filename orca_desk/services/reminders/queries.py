"""What the desk reads of the plan: an appointment's steps, current and past."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.reminders import PlannedReminder


@dataclass(frozen=True)
class PlannedRow:
    id: int
    appointment_id: int
    channel: str
    offset_minutes: int
    due_at: datetime
    status: str
    reason: str
    asks_for_confirmation: bool
    outbox_message_id: int | None


def planned_for(session: Session, appointment_id: int) -> list[PlannedRow]:
    """An appointment's steps, current and past, earliest due first."""
    return [
        PlannedRow(
            r.id,
            r.appointment_id,
            r.channel,
            r.offset_minutes,
            r.due_at,
            r.status,
            r.reason,
            r.asks_for_confirmation,
            r.outbox_message_id,
        )
        for r in session.scalars(
            select(PlannedReminder)
            .where(PlannedReminder.appointment_id == appointment_id)
            .order_by(PlannedReminder.due_at, PlannedReminder.channel)
        )
    ]
