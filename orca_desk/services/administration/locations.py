"""Administration of locations and their chairs (a chair with future appointments stays)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Chair, Clinic, Location
from orca_desk.services import clinic_setup as setup
from orca_desk.services.access.security import MANAGE_CLINIC, Actor
from orca_desk.services.administration.common import (
    ArchiveRefused,
    apply_changes,
    audit_admin,
    clinic_id_of,
    field_problems,
    get_row,
    raise_invalid,
    set_active,
    upcoming_appointments,
)
from orca_desk.services.errors import NotFound, ValidationError


@dataclass(frozen=True)
class LocationEdit:
    name: str
    timezone: str
    address: str = ""
    phone: str = ""
    id: int | None = None  # None: a new location


def save_location(session: Session, actor: Actor, edit: LocationEdit, *, now: datetime) -> int:
    """Create or edit a location. Its time zone changes only while no appointment is booked
    there (booked times would move on the wall clock)."""
    actor.require(MANAGE_CLINIC)
    clinic_id = clinic_id_of(session)
    country = session.scalar(select(Clinic.country).where(Clinic.id == clinic_id)) or "US"
    spec = setup.LocationSpec(edit.name, edit.timezone, edit.address, edit.phone)
    problems = field_problems(setup.location_problems([spec], country=country), drop=("chairs",))
    name = edit.name.strip()
    clash = session.scalar(
        select(Location.id).where(func.lower(Location.name) == name.lower(), Location.id != (edit.id or -1))
    )
    if name and clash is not None:
        problems.setdefault("name", f'there is already a location named "{name}"')
    row = get_row(session, Location, edit.id, "location") if edit.id is not None else None
    if row is not None and edit.timezone.strip() != row.timezone and "timezone" not in problems:
        booked = session.scalar(
            select(func.count()).select_from(Appointment).where(Appointment.location_id == row.id)
        )
        if booked:
            problems["timezone"] = (
                f"{row.name} already has {booked} appointment(s) booked in "
                f"{row.timezone}: its time zone cannot change"
            )
    raise_invalid(problems)
    wanted = {
        "name": name,
        "timezone": edit.timezone.strip(),
        "address": edit.address.strip(),
        "phone": setup.normalise_phone(edit.phone, country),
    }
    if row is None:
        row = Location(clinic_id=clinic_id, **wanted)
        session.add(row)
        audit_admin(session, actor, "create", "location", row, now=now, before=None, after=wanted)
        return int(row.id)
    before, after = apply_changes(row, wanted)
    if after:
        audit_admin(session, actor, "update", "location", row, now=now, before=before, after=after)
    return int(row.id)


# --- Chairs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChairEdit:
    location_id: int
    name: str
    room: str = ""
    id: int | None = None  # None: a new chair at the end of the location's chairs


def save_chair(session: Session, actor: Actor, edit: ChairEdit, *, now: datetime) -> int:
    actor.require(MANAGE_CLINIC)
    loc = get_row(session, Location, edit.location_id, "location")
    spec = setup.LocationSpec(loc.name, loc.timezone, chairs=(setup.ChairSpec(edit.name, edit.room),))
    problems = field_problems([p for p in setup.location_problems([spec]) if "chairs" in p.path])
    name = edit.name.strip()
    clash = session.scalar(
        select(Chair.id).where(
            Chair.location_id == loc.id, func.lower(Chair.name) == name.lower(), Chair.id != (edit.id or -1)
        )
    )
    if name and clash is not None:
        problems.setdefault(
            "name",
            f'{loc.name} already has a chair named "{name}" '
            "(an archived one keeps its name: restore it instead)",
        )
    raise_invalid(problems)
    wanted: dict[str, Any] = {"name": name, "room": edit.room.strip()}
    if edit.id is None:
        last = session.scalar(select(func.max(Chair.sort_order)).where(Chair.location_id == loc.id))
        chair = Chair(location_id=loc.id, sort_order=(last or 0) + 1, is_active=True, **wanted)
        session.add(chair)
        audit_admin(
            session,
            actor,
            "create",
            "chair",
            chair,
            now=now,
            before=None,
            after={**wanted, "location": loc.name},
        )
        return int(chair.id)
    chair = get_row(session, Chair, edit.id, "chair")
    if chair.location_id != loc.id:
        raise ValidationError(
            "A chair cannot move to another location: archive it and add a new one.", field="location"
        )
    before, after = apply_changes(chair, wanted)
    if after:
        audit_admin(session, actor, "update", "chair", chair, now=now, before=before, after=after)
    return int(chair.id)


def set_chair_active(session: Session, actor: Actor, chair_id: int, active: bool, *, now: datetime) -> None:
    """Archive a chair (refused while future appointments hold it) or restore it."""
    actor.require(MANAGE_CLINIC)
    # FOR UPDATE waits for a booking that is inserting into this chair (its foreign-key check
    # holds KEY SHARE on the row until it commits), so that appointment is seen below.
    chair = session.scalar(select(Chair).where(Chair.id == chair_id).with_for_update())
    if chair is None:
        raise NotFound("That chair no longer exists (reload to see the current list).")
    if chair.is_active == active:
        return
    if not active:
        upcoming = upcoming_appointments(session, now=now, chair_id=chair.id)
        if upcoming:
            raise ArchiveRefused(f"{chair.location.name}/{chair.name}", upcoming, pronoun="it")
    set_active(session, actor, "chair", chair, active, now=now)
