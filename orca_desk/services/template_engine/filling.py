"""Booking into an applied slot fills it; cancelling frees it again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.template import AppliedSlot

# ----- booking fills a slot ------------------------------------------------------------------


def on_appointment_change(session: Session, kind: str, appointment: Appointment) -> None:
    """Keep applied slots in step with bookings (called from ``appointment_effects.after_change``).

    Booking (or restoring, or moving) into an open slot of the same provider — and chair, when
    the slot has one — that contains the appointment's start fills it; cancelling, a no-show
    or moving away opens it again.
    """
    if kind in ("cancelled", "no_show", "moved"):
        session.execute(
            update(AppliedSlot)
            .where(AppliedSlot.appointment_id == appointment.id, AppliedSlot.status == "booked")
            .values(status="open", appointment_id=None, booked_type_id=None)
        )
    if kind in ("booked", "restored", "moved"):
        slot_id = session.scalar(
            select(AppliedSlot.id)
            .where(
                AppliedSlot.provider_id == appointment.provider_id,
                AppliedSlot.status == "open",
                AppliedSlot.block_reason.is_(None),
                AppliedSlot.start_at <= appointment.start_at,
                AppliedSlot.end_at > appointment.start_at,
                AppliedSlot.start_at > appointment.start_at - timedelta(hours=24),
                or_(AppliedSlot.chair_id.is_(None), AppliedSlot.chair_id == appointment.chair_id),
            )
            .order_by(AppliedSlot.start_at)
            .limit(1)
        )
        if slot_id is not None:
            session.execute(
                update(AppliedSlot)
                .where(AppliedSlot.id == slot_id)
                .values(status="booked", appointment_id=appointment.id, booked_type_id=appointment.type_id)
            )
