"""Demo recovery cases opened from the recent no-shows and late cancellations."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.models.recovery import LIVE_CASE_STATUSES
from orca_desk.services.recovery.cases import _finish, start_case
from orca_desk.services.recovery.rendering import _local_text
from orca_desk.services.recovery.steps import RecoveryTick, _advance


def seed_from_history(session: Session, clinic_id: int, *, now: datetime, days: int = 21) -> int:
    """Open cases for the recent no-shows and late cancellations (demo data bypasses the seam)."""
    since = now - timedelta(days=days)
    appts = list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.clinic_id == clinic_id,
                Appointment.start_at >= since,
                Appointment.start_at < now,
                (Appointment.status == "no_show")
                | ((Appointment.status == "cancelled") & Appointment.late_cancel.is_(True)),
            )
            .order_by(Appointment.start_at)
        )
    )
    opened = 0
    report = RecoveryTick()
    for a in appts:
        at = min(now, a.end_at + timedelta(hours=1))
        case = start_case(session, a, "no_show" if a.status == "no_show" else "late_cancel", now=at)
        if case is None:
            continue
        opened += 1
        later = session.scalar(
            select(Appointment)
            .where(
                Appointment.patient_id == a.patient_id,
                Appointment.start_at > a.start_at,
                Appointment.status.in_(ACTIVE_STATUSES),
            )
            .order_by(Appointment.start_at)
            .limit(1)
        )
        rebooked = case.opened_at + timedelta(days=1 + case.id % 6)
        if later is not None and case.id % 3 != 0 and rebooked <= now:
            # Demo appointments are inserted in bulk: pretend the later visit was booked then.
            case.rebooked_appointment_id, case.rebooked_at = later.id, rebooked
            _finish(
                session,
                case,
                "rescheduled",
                rebooked,
                f"Booked again for {_local_text(session, later.location_id, later.start_at)}",
            )
            continue
        while (
            case.status in LIVE_CASE_STATUSES and case.next_step_at is not None and case.next_step_at <= now
        ):
            _advance(session, case, case.next_step_at, report, check_bookings=False)  # as the tick would have
    return opened
