"""A series' exceptions: occurrences moved, changed or skipped, so regeneration leaves them alone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.series import SeriesException


def add_exception(
    session: Session,
    series_id: int,
    original: datetime,
    kind: str,
    appointment_id: int | None,
    reason: str,
    now: datetime,
) -> None:
    """Record (or update) what became of the occurrence the rule puts at ``original``."""
    found = session.scalar(
        select(SeriesException).where(
            SeriesException.series_id == series_id, SeriesException.original_start == original
        )
    )
    if found is None:
        session.add(
            SeriesException(
                series_id=series_id,
                original_start=original,
                kind=kind,
                appointment_id=appointment_id,
                reason=reason,
                created_at=now,
            )
        )
    else:
        found.kind, found.appointment_id, found.reason = kind, appointment_id, reason
    session.flush()


def record_moved(session: Session, appointment: Appointment, *, now: datetime) -> None:
    """Make a moved or changed occurrence an exception of its series (booking.move_appointment calls it)."""
    if appointment.series_id is None:
        return
    original = appointment.series_occurrence_start
    if original is None:
        return
    add_exception(session, appointment.series_id, original, "override", appointment.id, "moved", now)
