"""Applying a whole setup in one transaction (or a dry run that reports what would change)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orca_desk.services.access.security import Actor
from orca_desk.services.clinic.clinic_defaults import seed_clinic_defaults
from orca_desk.services.clinic_setup.changes import ChangeLog, SetupResult, require_admin
from orca_desk.services.clinic_setup.providers import save_providers
from orca_desk.services.clinic_setup.saving import (
    save_appointment_types,
    save_clinic,
    save_locations,
    save_messaging,
    save_staff,
)
from orca_desk.services.clinic_setup.validation import current_clinic, setup_problems
from orca_desk.services.errors import PermissionDenied
from orca_desk.services.setup_file.problems import raise_if
from orca_desk.services.setup_file.specs import SETUP_ACTOR, ClinicSetup


def apply_setup(
    session: Session, setup: ClinicSetup, *, actor: Actor | None, now: datetime, dry_run: bool = False
) -> SetupResult:
    """Validate the whole setup (refused whole, every problem named), then make the database
    match it: one transaction, the caller's. ``actor`` is an administrator; it may be None only
    on an empty database (the setup creates the first administrator). A dry run does every
    change inside a savepoint and rolls it back, so it reports exactly what would change."""
    clinic = current_clinic(session)
    if clinic is None:
        acting = actor or SETUP_ACTOR
    else:
        if actor is None:
            raise PermissionDenied(
                "This database already holds a clinic: sign in as an administrator "
                "(--user NAME) to change it."
            )
        acting = actor
    require_admin(acting)
    raise_if(setup_problems(session, setup))
    if not dry_run:
        return _apply(session, setup, acting, now=now, dry_run=False)
    savepoint = session.begin_nested()
    try:
        return _apply(session, setup, acting, now=now, dry_run=True)
    finally:
        savepoint.rollback()


def _apply(
    session: Session, setup: ClinicSetup, actor: Actor, *, now: datetime, dry_run: bool
) -> SetupResult:
    log = ChangeLog()
    is_new = current_clinic(session) is None
    clinic = save_clinic(session, actor, setup.clinic, now=now, log=log)
    save_locations(session, actor, clinic.id, setup.locations, now=now, log=log)
    save_appointment_types(session, actor, clinic.id, setup.appointment_types, now=now, log=log)
    save_providers(session, actor, clinic.id, setup.providers, now=now, log=log)
    save_staff(session, actor, clinic.id, setup.staff, now=now, log=log)
    if setup.messaging is not None:
        save_messaging(session, actor, setup.messaging, now=now, log=log)
    defaults = seed_clinic_defaults(session, clinic.id, now=now) if is_new else None
    session.flush()
    return SetupResult(
        clinic.id, tuple(log.changes), tuple(log.new_users), tuple(log.notes), defaults, dry_run
    )
