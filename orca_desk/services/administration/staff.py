"""Administration of staff users and roles, by administrators only; an active administrator stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.staff import StaffUser
from orca_desk.services import clinic_setup as setup
from orca_desk.services.access.security import (
    ADMIN,
    ROLE_PERMISSIONS,
    Actor,
    hash_password,
    one_time_password,
)
from orca_desk.services.administration.common import (
    apply_changes,
    audit_admin,
    clinic_id_of,
    field_problems,
    get_row,
    raise_invalid,
    set_active,
)
from orca_desk.services.errors import ConflictError, PermissionDenied

ROLE_LABELS = {
    "receptionist": "Receptionist",
    "treatment_coordinator": "Treatment coordinator",
    "clinician": "Clinician",
    "manager": "Manager",
    "admin": "Administrator",
}


@dataclass(frozen=True)
class StaffEdit:
    username: str
    name: str
    role: str
    id: int | None = None


@dataclass(frozen=True)
class StaffSaved:
    id: int
    one_time_password: str | None  # a new user's: show it once, it is not stored


def _require_admin(actor: Actor) -> None:
    if not actor.can(ADMIN):
        raise PermissionDenied(
            f"{actor.display_name or actor.username} may not manage staff users "
            "and roles; an administrator may."
        )


def _active_admins(session: Session, *, excluding: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == "admin", StaffUser.is_active.is_(True), StaffUser.id != excluding)
        )
        or 0
    )


def save_staff_user(session: Session, actor: Actor, edit: StaffEdit, *, now: datetime) -> StaffSaved:
    """Create a staff user (with a one-time password, returned once) or change a name or role.
    The clinic always keeps an active administrator."""
    _require_admin(actor)
    clinic_id = clinic_id_of(session)
    problems = field_problems(setup.staff_problems([setup.StaffSpec(edit.username, edit.name, edit.role)]))
    username = edit.username.strip()
    clash = session.scalar(
        select(StaffUser.id).where(
            func.lower(StaffUser.username) == username.lower(), StaffUser.id != (edit.id or -1)
        )
    )
    if username and clash is not None:
        problems.setdefault("username", f'the username "{username}" is taken')
    row = get_row(session, StaffUser, edit.id, "staff user") if edit.id is not None else None
    if row is not None and username != row.username:
        problems.setdefault(
            "username", "a username cannot change (the audit trail names it): add a new user instead"
        )
    if (
        row is not None
        and row.role == "admin"
        and edit.role != "admin"
        and row.is_active
        and not _active_admins(session, excluding=row.id)
    ):
        problems.setdefault(
            "role",
            f"{row.display_name} is the only active administrator: make someone else an administrator first",
        )
    raise_invalid(problems)
    wanted = {"display_name": edit.name.strip(), "role": edit.role}
    if row is None:
        password = one_time_password()
        row = StaffUser(
            clinic_id=clinic_id,
            username=username,
            password_hash=hash_password(password),
            must_change_password=True,
            is_active=True,
            **wanted,
        )
        session.add(row)
        audit_admin(
            session,
            actor,
            "create",
            "staff_user",
            row,
            now=now,
            before=None,
            after={"username": username, **wanted},
        )
        return StaffSaved(int(row.id), password)
    before, after = apply_changes(row, wanted)
    if after:
        audit_admin(session, actor, "update", "staff_user", row, now=now, before=before, after=after)
    return StaffSaved(int(row.id), None)


def reset_password(session: Session, actor: Actor, user_id: int, *, now: datetime) -> str:
    """A new one-time password (returned once, never stored in clear); the user must choose
    their own at their next sign-in."""
    _require_admin(actor)
    row = get_row(session, StaffUser, user_id, "staff user")
    if not row.is_active:
        raise ConflictError(f"{row.display_name} is deactivated: reactivate them first.")
    password = one_time_password()
    row.password_hash = hash_password(password)
    row.must_change_password = True
    audit_admin(
        session,
        actor,
        "reset_password",
        "staff_user",
        row,
        now=now,
        before=None,
        after={"must_change_password": True},
    )
    return password


def set_staff_active(session: Session, actor: Actor, user_id: int, active: bool, *, now: datetime) -> None:
    """Deactivate a staff user (they can no longer sign in; their history stays) or reactivate."""
    _require_admin(actor)
    row = get_row(session, StaffUser, user_id, "staff user")
    if row.is_active == active:
        return
    if not active:
        if actor.user_id == row.id:
            raise ConflictError("You cannot deactivate yourself: another administrator can.")
        if row.role == "admin" and not _active_admins(session, excluding=row.id):
            raise ConflictError(
                f"{row.display_name} is the only active administrator: make someone else "
                "an administrator first."
            )
    set_active(session, actor, "staff_user", row, active, now=now, words=("reactivate", "deactivate"))


def role_choices() -> list[tuple[str, str]]:
    """(role, label) in the order the screen offers them."""
    return [(role, ROLE_LABELS.get(role, role)) for role in ROLE_PERMISSIONS]
