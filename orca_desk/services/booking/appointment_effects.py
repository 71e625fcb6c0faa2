"""What else must happen, in the same transaction, when an appointment changes.

The booking service calls :func:`after_change` after every change it makes. A feature that
must react (a cancellation becomes a waitlist opening; a reschedule re-plans reminders; a
no-show starts recovery) adds one explicit call below. Its consequences are rows written
in the caller's transaction, so a crash loses nothing and a rollback leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment

CHANGE_KINDS = ("booked", "moved", "cancelled", "no_show", "status", "restored")


@dataclass(frozen=True)
class AppointmentChange:
    kind: str  # one of CHANGE_KINDS
    appointment: Appointment
    before: dict[str, Any] | None  # start/end/chair/provider/status before the change


def after_change(session: Session, change: AppointmentChange, *, now: datetime) -> None:
    """Apply every feature's consequences of ``change`` (called by services.booking.booking)."""
    after_changes(session, [change], now=now)


def after_changes(session: Session, changes: Sequence[AppointmentChange], *, now: datetime) -> None:
    """``after_change`` for several changes at once (``booking.set_status_many``): a feature
    that can react to many changes in a few statements does so."""
    # Booking into an applied template slot fills it; cancelling opens it again.
    from orca_desk.services.template_engine.filling import on_appointment_change

    for change in changes:
        on_appointment_change(session, change.kind, change.appointment)
    # A cancellation, a no-show or a move away frees a slot → a waitlist Opening row.
    from orca_desk.services.waitlist.openings import after_appointment_change

    for change in changes:
        after_appointment_change(session, change, now=now)
    # (Re)plan the reminder steps; a move, cancellation or no-show withdraws pending ones.
    from orca_desk.services.reminders import after_appointment_changes as replan_reminders

    replan_reminders(session, changes, now=now)
    # A no-show or late cancellation opens a recovery case; a new booking closes the patient's.
    from orca_desk.services.recovery.cases import after_appointment_change as follow_up_recovery

    for change in changes:
        follow_up_recovery(session, change, now=now)
