"""Visits that did not happen (cancelled, no-show) whose patient still needs a new appointment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from orca_desk.models.appointment import ACTIVE_STATUSES, Appointment
from orca_desk.models.clinic import AppointmentType, Provider
from orca_desk.models.patient import Patient
from orca_desk.services import local_time
from orca_desk.services.calendar.local_days import local_day_bounds, range_bounds
from orca_desk.services.patients.patients import PatientRow

MISSED_STATUSES = ("cancelled", "no_show")


@dataclass(frozen=True)
class RebookRow:
    """One patient to rebook: their latest missed visit of the shown days, and what it was."""

    appointment_id: int
    patient_id: int
    patient_name: str
    status: str  # "cancelled" | "no_show"
    reason: str  # the cancel reason ("" for a no-show)
    type_id: int
    type_name: str
    provider_id: int
    provider_name: str
    location_id: int
    chair_id: int
    start: datetime  # UTC
    minutes: int
    when_text: str  # the missed visit's local date and time, in the clinic's format

    @property
    def status_label(self) -> str:
        return "No-show" if self.status == "no_show" else "Cancelled"


def to_rebook(
    session: Session, location_zones: dict[int, ZoneInfo], days: Sequence[date], *, now: datetime
) -> list[RebookRow]:
    """Cancelled and no-show visits on these local days at these locations whose patient has no
    live appointment after them yet, one row per patient (the latest missed visit), oldest first.

    "After" means starting later than the missed visit, or from ``now`` on: a patient who cancels
    Friday's visit and is rebooked for Wednesday is no longer waiting. Two queries: the clinic's
    time format, and the visits themselves (the later-visit test is a correlated NOT EXISTS on the
    patient's (patient_id, start_at) index).
    """
    if not location_zones or not days:
        return []
    lo, hi = range_bounds(list(days), list(location_zones.values()))
    q = _missed_visits(list(location_zones), lo, hi, now)
    rows = session.execute(q).all()
    if not rows:
        return []
    style = local_time.clinic_time_format(session)
    bounds = {
        loc: (local_day_bounds(min(days), z)[0], local_day_bounds(max(days), z)[1])
        for loc, z in location_zones.items()
    }
    latest: dict[int, RebookRow] = {}
    for r in rows:
        start = r[12]
        first, last = bounds[r[10]]
        if not first <= start < last:  # another location's zone widened the window
            continue
        tz = location_zones[r[10]]
        latest[r[1]] = RebookRow(
            appointment_id=r[0],
            patient_id=r[1],
            patient_name=f"{r[2]} {r[3]}",
            status=r[4],
            reason=r[5] or "",
            type_id=r[6],
            type_name=r[7],
            provider_id=r[8],
            provider_name=r[9],
            location_id=r[10],
            chair_id=r[11],
            start=start,
            minutes=int((r[13] - start).total_seconds()) // 60,
            when_text=local_time.fmt_datetime(start, tz, style),
        )
    return sorted(latest.values(), key=lambda row: (row.start, row.appointment_id))


def _missed_visits(
    location_ids: list[int], lo: datetime, hi: datetime, now: datetime
) -> Select[*tuple[Any, ...]]:
    """Cancelled and no-show visits starting in [lo, hi) at these locations, not yet rebooked."""
    later = aliased(Appointment)
    rebooked = exists().where(
        later.patient_id == Appointment.patient_id,
        later.status.in_(ACTIVE_STATUSES),
        or_(later.start_at > Appointment.start_at, later.start_at >= now),
    )
    return (
        select(
            Appointment.id,
            Appointment.patient_id,
            Patient.first_name,
            Patient.last_name,
            Appointment.status,
            Appointment.cancel_reason,
            Appointment.type_id,
            AppointmentType.name,
            Appointment.provider_id,
            Provider.name,
            Appointment.location_id,
            Appointment.chair_id,
            Appointment.start_at,
            Appointment.end_at,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .join(Provider, Provider.id == Appointment.provider_id)
        .where(
            and_(
                Appointment.location_id.in_(location_ids),
                Appointment.start_at >= lo,
                Appointment.start_at < hi,
                Appointment.status.in_(MISSED_STATUSES),
                Patient.is_active.is_(True),
                ~rebooked,
            )
        )
        .order_by(Appointment.start_at, Appointment.id)
    )


def patient_row(session: Session, patient_id: int) -> PatientRow | None:
    """The patient as the booking dialog lists them (to choose them without a name search)."""
    r = session.execute(
        select(
            Patient.id,
            Patient.first_name,
            Patient.last_name,
            Patient.date_of_birth,
            Patient.contact_phone,
            Patient.guardian_name,
        ).where(Patient.id == patient_id)
    ).first()
    if r is None:
        return None
    return PatientRow(
        id=r[0], name=f"{r[1]} {r[2]}", date_of_birth=r[3], contact_phone=r[4], guardian_name=r[5]
    )
