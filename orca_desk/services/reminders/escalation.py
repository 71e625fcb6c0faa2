"""Expiry and escalation: closing a visit's confirmation requests, calling the unconfirmed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Location
from orca_desk.models.reminders import ConfirmationRequest, StaffTask
from orca_desk.services.bulk import chunks
from orca_desk.services.reminders.rendering import _zone
from orca_desk.services.reminders.settings import ReminderSettings

_REQUESTS_CHANGED = "orca_desk.reminders.requests_changed"


def note_requests_changed(session: Session, appointment_id: int) -> None:
    """Remember, for the session, that the appointment's confirmation requests were answered or
    closed: replies processed in a batch re-read a sender's requests when one of theirs changed."""
    session.info.setdefault(_REQUESTS_CHANGED, set()).add(appointment_id)


def requests_changed(session: Session) -> set[int]:
    """The appointments whose requests changed in this session (``note_requests_changed``)."""
    changed: set[int] = session.info.get(_REQUESTS_CHANGED, set())
    return changed


def expire_requests(session: Session, appointment_id: int, *, now: datetime, why: str = "") -> int:
    """Close the open confirmation requests of an appointment (a reply to them goes to staff)."""
    return _expire_requests(session, [appointment_id])


def _expire_requests(session: Session, appointment_ids: Sequence[int]) -> int:
    expired = 0
    for chunk in chunks(appointment_ids):
        for appointment_id in chunk:
            note_requests_changed(session, appointment_id)
        result = session.execute(
            update(ConfirmationRequest)
            .where(ConfirmationRequest.appointment_id.in_(chunk), ConfirmationRequest.status == "open")
            .values(status="expired"),
            execution_options={"synchronize_session": False},
        )
        expired += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return expired


def _escalate(session: Session, now: datetime, settings: ReminderSettings) -> int:
    """Unconfirmed visits inside the escalation window get one open call task each; returns how many."""
    escalated = 0
    hours = int(settings.escalation.total_seconds() // 3600)
    for row in call_window_appointments(session, now=now, settings=settings):
        has = session.scalar(
            select(StaffTask.id).where(StaffTask.appointment_id == row.id, StaffTask.kind == "call").limit(1)
        )
        if has is None:
            session.add(
                StaffTask(
                    clinic_id=row.clinic_id,
                    kind="call",
                    appointment_id=row.id,
                    patient_id=row.patient_id,
                    status="open",
                    attempts=[],
                    reason=f"Not confirmed {hours} h before the visit.",
                    created_at=now,
                    updated_at=now,
                )
            )
            escalated += 1
    session.flush()
    return escalated


def call_window_appointments(
    session: Session, *, now: datetime, settings: ReminderSettings | None = None
) -> list[Appointment]:
    """Upcoming scheduled visits not confirmed, starting within the escalation window
    (extended to the end of the local day it reaches)."""
    settings = settings or ReminderSettings()
    horizon = now + settings.escalation + timedelta(days=1)
    rows = list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.status == "scheduled",
                Appointment.start_at > now,
                Appointment.start_at < horizon,
                Appointment.confirmation.in_(("unconfirmed", "requested", "callback")),
            )
            .order_by(Appointment.start_at)
        )
    )
    out = []
    zones: dict[int, ZoneInfo] = {}
    for a in rows:
        if a.location_id not in zones:
            zones[a.location_id] = _zone(
                session.scalar(select(Location.timezone).where(Location.id == a.location_id))
            )
        zone = zones[a.location_id]
        reach = (now + settings.escalation).astimezone(zone).date()
        if a.start_at.astimezone(zone).date() <= reach:
            out.append(a)
    return out
