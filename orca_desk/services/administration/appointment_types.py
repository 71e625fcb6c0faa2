"""Administration of appointment types (the last one in use stays)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType
from orca_desk.services import clinic_setup as setup
from orca_desk.services.access.security import MANAGE_CLINIC, Actor
from orca_desk.services.administration.common import (
    apply_changes,
    audit_admin,
    clinic_id_of,
    field_problems,
    get_row,
    raise_invalid,
    set_active,
)
from orca_desk.services.errors import ConflictError


@dataclass(frozen=True)
class TypeEdit:
    name: str
    colour: str
    minutes: int
    category: str = "treatment"
    id: int | None = None


def save_type(session: Session, actor: Actor, edit: TypeEdit, *, now: datetime) -> int:
    actor.require(MANAGE_CLINIC)
    clinic_id = clinic_id_of(session)
    spec = setup.AppointmentTypeSpec(edit.name, edit.colour, edit.minutes, edit.category)
    problems = field_problems(setup.appointment_type_problems([spec]))
    name = edit.name.strip()
    clash = session.scalar(
        select(AppointmentType.id).where(
            func.lower(AppointmentType.name) == name.lower(), AppointmentType.id != (edit.id or -1)
        )
    )
    if name and clash is not None:
        problems.setdefault(
            "name",
            f'there is already an appointment type named "{name}" '
            "(an archived one keeps its name: restore it instead)",
        )
    raise_invalid(problems)
    wanted: dict[str, Any] = {
        "name": name,
        "colour": edit.colour.strip().lower(),
        "default_minutes": edit.minutes,
        "category": edit.category.strip(),
    }
    if edit.id is None:
        row = AppointmentType(clinic_id=clinic_id, is_active=True, **wanted)
        session.add(row)
        audit_admin(session, actor, "create", "appointment_type", row, now=now, before=None, after=wanted)
        return int(row.id)
    row = get_row(session, AppointmentType, edit.id, "appointment type")
    before, after = apply_changes(row, wanted)
    if after:
        audit_admin(session, actor, "update", "appointment_type", row, now=now, before=before, after=after)
    return int(row.id)


def set_type_active(session: Session, actor: Actor, type_id: int, active: bool, *, now: datetime) -> None:
    """Archive a type (no new bookings of it; booked appointments keep it) or restore it."""
    actor.require(MANAGE_CLINIC)
    row = get_row(session, AppointmentType, type_id, "appointment type")
    if row.is_active == active:
        return
    if not active:
        left = session.scalar(
            select(func.count())
            .select_from(AppointmentType)
            .where(AppointmentType.is_active.is_(True), AppointmentType.id != row.id)
        )
        if not left:
            raise ConflictError(
                f"{row.name} is the last appointment type in use: add another before archiving it."
            )
    set_active(session, actor, "appointment_type", row, active, now=now)
