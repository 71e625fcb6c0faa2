"""The calendar's hover quick card: who the patient is, how to reach them, last and next visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Location
from orca_desk.models.patient import Patient
from orca_desk.services import local_time
from orca_desk.services.appointment_card.rows import age_on
from orca_desk.services.errors import NotFound
from orca_desk.services.phones import format_phone

# Statuses of a visit that happened (last visit) and of one still to come (next visit).
_ATTENDED = ("arrived", "seated", "completed")
_UPCOMING = ("scheduled", "confirmed", "arrived", "seated")


@dataclass(frozen=True)
class QuickVisit:
    start: datetime  # UTC
    zone: ZoneInfo
    type_name: str


@dataclass(frozen=True)
class QuickCard:
    """What hovering an appointment shows about its patient."""

    patient_id: int
    date_of_birth: date | None
    guardian_name: str
    guardian_relation: str
    phone: str  # the contact number, formatted for dialling
    last_visit: QuickVisit | None
    next_visit: QuickVisit | None
    time_format: str

    def age_on(self, day: date) -> int | None:
        return age_on(self.date_of_birth, day)


def _visit_query(patient_id: int, *, before: datetime | None = None, after: datetime | None = None):  # type: ignore[no-untyped-def]
    q = (
        select(Appointment.start_at, Location.timezone, AppointmentType.name)
        .join(Location, Location.id == Appointment.location_id)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .where(Appointment.patient_id == patient_id)
    )
    if after is not None:
        return (
            q.where(Appointment.start_at > after, Appointment.status.in_(_UPCOMING))
            .order_by(Appointment.start_at)
            .limit(1)
        )
    return (
        q.where(Appointment.start_at < before, Appointment.status.in_(_ATTENDED))
        .order_by(Appointment.start_at.desc())
        .limit(1)
    )


def load_quick_card(
    session: Session, patient_id: int, *, visit_start: datetime, now: datetime, time_format: str, country: str
) -> QuickCard:
    """One round trip (indexed by patient): the patient's row, the last visit they came to before
    the one at ``visit_start``, and the next one booked after it (and after ``now``)."""
    last = _visit_query(patient_id, before=min(visit_start, now)).subquery()
    nxt = _visit_query(patient_id, after=max(visit_start, now)).subquery()
    row = session.execute(
        select(
            Patient.date_of_birth,
            Patient.guardian_name,
            Patient.guardian_relation,
            Patient.contact_phone,
            Patient.phone,
            last.c.start_at,
            last.c.timezone,
            last.c.name,
            nxt.c.start_at,
            nxt.c.timezone,
            nxt.c.name,
        )
        .select_from(Patient)
        .outerjoin(last, true())
        .outerjoin(nxt, true())
        .where(Patient.id == patient_id)
    ).first()
    if row is None:
        raise NotFound(f"Patient #{patient_id} does not exist.")
    phone = row[3] or row[4] or ""

    def visit(start: datetime | None, tz: str | None, name: str | None) -> QuickVisit | None:
        return None if start is None else QuickVisit(start, local_time.zone(tz), name or "")

    return QuickCard(
        patient_id,
        row[0],
        row[1] or "",
        row[2] or "",
        format_phone(phone, country) if phone else "",
        visit(row[5], row[6], row[7]),
        visit(row[8], row[9], row[10]),
        time_format,
    )


def quick_card_rows(card: QuickCard, today: date) -> list[tuple[str, str]]:
    """Who the patient is and how to reach them, as (label, value) rows in local time."""
    rows = []
    age = card.age_on(today)
    if age is not None:
        rows.append(("Age", str(age)))
    if card.guardian_name:
        relation = f" ({card.guardian_relation})" if card.guardian_relation else ""
        rows.append(("Guardian", f"{card.guardian_name}{relation}"))
    if card.phone:
        rows.append(("Phone", card.phone))
    for label, v in (("Last visit", card.last_visit), ("Next visit", card.next_visit)):
        when = local_time.fmt_datetime(v.start, v.zone, card.time_format) if v else ""
        rows.append((label, f"{when} · {v.type_name}" if v else "none"))
    return rows


def quick_card_text(
    card: QuickCard, *, name: str, when: str, what: str, status: str, alerts: str, today: date
) -> str:
    """The quick card as plain lines: the visit the pointer is on, then the patient's rows."""
    lines = [name, when, what, status] + ([f"⚠ {alerts}"] if alerts else [])
    return "\n".join(lines + [f"{label}: {value}" for label, value in quick_card_rows(card, today)])
