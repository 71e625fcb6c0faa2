"""Saving each section: create or update only what differs, matched by name, every change audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location
from orca_desk.models.staff import StaffUser
from orca_desk.services.access.security import Actor, hash_password, one_time_password
from orca_desk.services.clinic_setup.changes import (
    Change,
    ChangeLog,
    NewUser,
    record_change,
    require_admin,
    update_row,
)
from orca_desk.services.clinic_setup.validation import (
    appointment_type_problems,
    clinic_problems,
    current_clinic,
    location_problems,
    messaging_problems,
    staff_problems,
)
from orca_desk.services.setup_file.problems import (
    Problem,
    SetupInvalid,
    normalise_phone,
    parse_hhmm,
    quote,
    raise_if,
)
from orca_desk.services.setup_file.specs import (
    AppointmentTypeSpec,
    ChairSpec,
    ClinicSpec,
    LocationSpec,
    MessagingSpec,
    StaffSpec,
)


def save_clinic(
    session: Session, actor: Actor, spec: ClinicSpec, *, now: datetime, log: ChangeLog | None = None
) -> Clinic:
    """Create the clinic, or update what differs (there is one clinic per database)."""
    require_admin(actor)
    raise_if(clinic_problems(spec))
    log = log if log is not None else ChangeLog()
    country = spec.country.strip().upper()
    wanted = {
        "name": spec.name.strip(),
        "phone": normalise_phone(spec.phone, country),
        "email": spec.email.strip().lower(),
        "country": country,
        "language": spec.language.strip(),
    }
    clinic = current_clinic(session)
    if clinic is None:
        clinic = Clinic(**wanted)
        session.add(clinic)
        record_change(session, actor, log, "clinic", clinic, clinic.name, now=now, before=None, after=wanted)
        return clinic
    before, after = update_row(clinic, wanted)
    if after:
        record_change(session, actor, log, "clinic", clinic, clinic.name, now=now, before=before, after=after)
    return clinic


def save_locations(
    session: Session,
    actor: Actor,
    clinic_id: int,
    specs: Sequence[LocationSpec],
    *,
    now: datetime,
    log: ChangeLog | None = None,
    require_chairs: bool = True,
) -> list[Location]:
    """Create or update each location and its chairs (matched by name); others stay as they are.
    ``require_chairs=False`` (the wizard's locations page) saves locations whose chairs come next."""
    require_admin(actor)
    clinic = session.get(Clinic, clinic_id)
    country = clinic.country if clinic is not None else "US"
    raise_if(location_problems(specs, country=country, require_chairs=require_chairs))
    log = log if log is not None else ChangeLog()
    existing = {
        loc.name.casefold(): loc
        for loc in session.scalars(select(Location).where(Location.clinic_id == clinic_id))
    }
    out = []
    for spec in specs:
        wanted = {
            "name": spec.name.strip(),
            "timezone": spec.timezone.strip(),
            "address": spec.address.strip(),
            "phone": normalise_phone(spec.phone, country),
        }
        loc = existing.get(spec.name.strip().casefold())
        if loc is None:
            loc = Location(clinic_id=clinic_id, **wanted)
            session.add(loc)
            record_change(session, actor, log, "location", loc, loc.name, now=now, before=None, after=wanted)
        else:
            before, after = update_row(loc, wanted)
            if after:
                record_change(
                    session, actor, log, "location", loc, loc.name, now=now, before=before, after=after
                )
        _save_chairs(session, actor, loc, spec.chairs, now=now, log=log)
        out.append(loc)
    return out


def _save_chairs(
    session: Session,
    actor: Actor,
    loc: Location,
    specs: Sequence[ChairSpec],
    *,
    now: datetime,
    log: ChangeLog,
) -> None:
    existing = {
        c.name.casefold(): c for c in session.scalars(select(Chair).where(Chair.location_id == loc.id))
    }
    for order, spec in enumerate(specs):
        wanted: dict[str, Any] = {
            "name": spec.name.strip(),
            "room": spec.room.strip(),
            "sort_order": order,
            "is_active": True,
        }
        chair = existing.get(spec.name.strip().casefold())
        label = f"{loc.name}/{spec.name.strip()}"
        if chair is None:
            chair = Chair(location_id=loc.id, **wanted)
            session.add(chair)
            record_change(session, actor, log, "chair", chair, label, now=now, before=None, after=wanted)
        else:
            before, after = update_row(chair, wanted)
            if after:
                record_change(session, actor, log, "chair", chair, label, now=now, before=before, after=after)


def save_appointment_types(
    session: Session,
    actor: Actor,
    clinic_id: int,
    specs: Sequence[AppointmentTypeSpec],
    *,
    now: datetime,
    log: ChangeLog | None = None,
) -> list[AppointmentType]:
    require_admin(actor)
    raise_if(appointment_type_problems(specs))
    log = log if log is not None else ChangeLog()
    existing = {t.name.casefold(): t for t in session.scalars(select(AppointmentType))}
    out = []
    for spec in specs:
        wanted: dict[str, Any] = {
            "name": spec.name.strip(),
            "colour": spec.colour.strip().lower(),
            "default_minutes": spec.minutes,
            "category": spec.category.strip(),
            "is_active": True,
        }
        row = existing.get(spec.name.strip().casefold())
        if row is None:
            row = AppointmentType(clinic_id=clinic_id, **wanted)
            session.add(row)
            record_change(
                session, actor, log, "appointment type", row, row.name, now=now, before=None, after=wanted
            )
        else:
            before, after = update_row(row, wanted)
            if after:
                record_change(
                    session,
                    actor,
                    log,
                    "appointment type",
                    row,
                    row.name,
                    now=now,
                    before=before,
                    after=after,
                )
        out.append(row)
    return out


def save_staff(
    session: Session,
    actor: Actor,
    clinic_id: int,
    specs: Sequence[StaffSpec],
    *,
    now: datetime,
    log: ChangeLog | None = None,
) -> list[NewUser]:
    """Create new users with one-time passwords (returned once), update names and roles of
    existing ones; passwords of existing users are never touched."""
    require_admin(actor)
    raise_if(staff_problems(specs))
    log = log if log is not None else ChangeLog()
    existing = {u.username.casefold(): u for u in session.scalars(select(StaffUser))}
    created: list[NewUser] = []
    for spec in specs:
        username = spec.username.strip()
        wanted = {"display_name": spec.name.strip(), "role": spec.role}
        user = existing.get(username.casefold())
        if user is None:
            password = one_time_password()
            user = StaffUser(
                clinic_id=clinic_id,
                username=username,
                password_hash=hash_password(password),
                must_change_password=True,
                **wanted,
            )
            session.add(user)
            record_change(
                session,
                actor,
                log,
                "staff user",
                user,
                username,
                now=now,
                before=None,
                after={"username": username, **wanted},
            )
            created.append(NewUser(username, wanted["display_name"], spec.role, password))
        else:
            before, after = update_row(user, wanted)
            if after:
                record_change(
                    session,
                    actor,
                    log,
                    "staff user",
                    user,
                    user.username,
                    now=now,
                    before=before,
                    after=after,
                )
            if not user.is_active:
                log.notes.append(
                    f"staff user {quote(user.username)} is deactivated and stays so "
                    "(reactivate them in Administration)"
                )
    admins = session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == "admin", StaffUser.is_active.is_(True))
    )
    if not admins:
        raise SetupInvalid(
            [
                Problem(
                    ("staff",), 'this would leave the clinic without an active administrator (role "admin")'
                )
            ]
        )
    log.new_users.extend(created)
    return created


def save_messaging(
    session: Session, actor: Actor, spec: MessagingSpec, *, now: datetime, log: ChangeLog | None = None
) -> None:
    """Quiet hours (the SMS and email providers stay as they are: ``local`` on a new clinic)."""
    from dataclasses import replace
    from datetime import time

    from orca_desk.services.clinic import clinic_settings

    require_admin(actor)
    raise_if(messaging_problems(spec))
    log = log if log is not None else ChangeLog()
    current = clinic_settings.load_settings(session)

    def as_time(raw: str | None, default: time) -> time:
        if raw is None:
            return default
        minute = parse_hhmm(raw) or 0
        return time(minute // 60, minute % 60)

    wanted = replace(
        current,
        quiet_start=as_time(spec.quiet_start, current.quiet_start),
        quiet_end=as_time(spec.quiet_end, current.quiet_end),
    )
    if wanted != current:
        clinic_settings.save_settings(session, actor, wanted, now=now)
        details = tuple(
            f"{k} {getattr(current, k):%H:%M} → {getattr(wanted, k):%H:%M}"
            for k in ("quiet_start", "quiet_end")
            if getattr(current, k) != getattr(wanted, k)
        )
        log.changes.append(Change("update", "messaging", "quiet hours", details))
