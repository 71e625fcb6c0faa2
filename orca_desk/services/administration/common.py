"""What every administration edit shares: its refusals, field checks, audit lines and lookups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Clinic, Location
from orca_desk.models.patient import Patient
from orca_desk.services import clinic_setup as setup
from orca_desk.services import local_time
from orca_desk.services.access import audit
from orca_desk.services.access.security import Actor
from orca_desk.services.errors import ConflictError, NotFound, ValidationError

# Appointments that still hold a chair or a provider (completed, cancelled, no-show are history).
UPCOMING_STATUSES = ("scheduled", "confirmed", "arrived", "seated")

# How many of the future appointments a refusal's message names (the error holds them all).
LISTED_IN_MESSAGE = 5


class AdminInvalid(ValidationError):
    """An edit refused: ``problems`` maps each wrong field ("name", "timezone") to why."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(
            " ".join(_sentence(m) for m in self.problems.values()), field=next(iter(self.problems), None)
        )


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


@dataclass(frozen=True)
class UpcomingAppointment:
    id: int
    patient: str
    local_start: str  # "Tue 3 Mar 2026 10:00", in the location's time zone
    location: str

    def __str__(self) -> str:
        return f"{self.patient}, {self.local_start} at {self.location}"


class ArchiveRefused(ConflictError):
    """A chair or provider still has future appointments; ``appointments`` lists them all."""

    def __init__(self, what: str, appointments: Sequence[UpcomingAppointment], *, pronoun: str) -> None:
        self.appointments = tuple(appointments)
        listed = "; ".join(str(a) for a in self.appointments[:LISTED_IN_MESSAGE])
        more = len(self.appointments) - LISTED_IN_MESSAGE
        if more > 0:
            listed += f"; and {more} more"
        n = len(self.appointments)
        count = "1 future appointment needs" if n == 1 else f"{n} future appointments need"
        super().__init__(
            f"{what} cannot be archived while {count} {pronoun}: {listed}. "
            f"Move or cancel {'it' if n == 1 else 'them'} first."
        )


def field_problems(problems: Sequence[setup.Problem], *, drop: Sequence[str] = ()) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in problems:
        key = next((str(part) for part in reversed(p.path) if isinstance(part, str)), "")
        if key in drop:
            continue
        out.setdefault(key, p.message)
    return out


def raise_invalid(problems: dict[str, str]) -> None:
    if problems:
        raise AdminInvalid(problems)


def get_row(session: Session, model: Any, row_id: int, what: str) -> Any:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"That {what} no longer exists (reload to see the current list).")
    return row


def apply_changes(row: Any, wanted: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for key, value in wanted.items():
        if getattr(row, key) != value:
            before[key], after[key] = getattr(row, key), value
            setattr(row, key, value)
    return before, after


def audit_admin(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    row: Any,
    *,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.flush()
    audit.record(session, actor, f"admin.{action}", entity, row.id, now=now, before=before, after=after)


def set_active(
    session: Session,
    actor: Actor,
    entity: str,
    row: Any,
    active: bool,
    *,
    now: datetime,
    words: tuple[str, str] = ("restore", "archive"),
) -> None:
    """Archive or restore ``row`` (``words``: the audit's names for on and off), audited."""
    row.is_active = active
    audit_admin(
        session,
        actor,
        words[0] if active else words[1],
        entity,
        row,
        now=now,
        before={"is_active": not active},
        after={"is_active": active},
    )


def clinic_id_of(session: Session) -> int:
    clinic_id = session.scalar(select(Clinic.id).order_by(Clinic.id).limit(1))
    if clinic_id is None:
        raise NotFound("This database has no clinic yet: set it up first.")
    return clinic_id


def upcoming_appointments(
    session: Session, *, now: datetime, chair_id: int | None = None, provider_id: int | None = None
) -> list[UpcomingAppointment]:
    """Appointments not yet over that hold this chair or provider, soonest first."""
    q = (
        select(
            Appointment.id,
            Appointment.start_at,
            Patient.first_name,
            Patient.last_name,
            Location.name,
            Location.timezone,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Location, Location.id == Appointment.location_id)
        .where(Appointment.status.in_(UPCOMING_STATUSES), Appointment.end_at > now)
        .order_by(Appointment.start_at, Appointment.id)
    )
    if chair_id is not None:
        q = q.where(Appointment.chair_id == chair_id)
    if provider_id is not None:
        q = q.where(Appointment.provider_id == provider_id)
    out = []
    style = local_time.clinic_time_format(session)
    for appt_id, start, first, last, loc_name, zone in session.execute(q):
        when = local_time.fmt_datetime(start, local_time.zone(zone), style)
        out.append(UpcomingAppointment(appt_id, f"{first} {last}", when, loc_name))
    return out
