"""Staff sign-in and passwords; the permissions every service checks are in ``permissions``."""

from __future__ import annotations

import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.staff import StaffUser
from orca_desk.services.access import audit
from orca_desk.services.access.permissions import (
    ADMIN,
    ALL_PERMISSIONS,
    AUTOMATION,
    BOOK,
    IMPORT_DATA,
    MANAGE_CAMPAIGNS,
    MANAGE_CLINIC,
    MANAGE_SCHEDULES,
    MANAGE_TEMPLATES,
    MANAGE_WAITLIST,
    MERGE_PATIENTS,
    OVERRIDE_HOURS,
    PERMISSION_LABELS,
    ROLE_PERMISSIONS,
    SEND_MESSAGES,
    VIEW_ANALYTICS,
    Actor,
)
from orca_desk.services.errors import PermissionDenied, ValidationError

# The permissions and Actor are re-exported: most services name them through this module.
__all__ = [
    "ADMIN",
    "ALL_PERMISSIONS",
    "AUTOMATION",
    "BOOK",
    "IMPORT_DATA",
    "MANAGE_CAMPAIGNS",
    "MANAGE_CLINIC",
    "MANAGE_SCHEDULES",
    "MANAGE_TEMPLATES",
    "MANAGE_WAITLIST",
    "MERGE_PATIENTS",
    "MIN_PASSWORD_LENGTH",
    "OVERRIDE_HOURS",
    "PERMISSION_LABELS",
    "ROLE_PERMISSIONS",
    "SEND_MESSAGES",
    "VIEW_ANALYTICS",
    "Actor",
    "actor_for",
    "authenticate",
    "change_password",
    "create_staff_user",
    "hash_password",
    "must_change_password",
    "one_time_password",
    "password_problems",
]

_hasher = PasswordHasher()
# What staff choose themselves (a one-time password from setup or a reset must be replaced).
MIN_PASSWORD_LENGTH = 10
# One-time passwords: no look-alike characters (0/O, 1/l/I), read out over the phone.
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def actor_for(user: StaffUser) -> Actor:
    return Actor(
        username=user.username,
        role=user.role,
        user_id=user.id,
        display_name=user.display_name,
        permissions=ROLE_PERMISSIONS.get(user.role, frozenset()),
    )


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValidationError("A password needs at least 8 characters.", field="password")
    return _hasher.hash(password)


def authenticate(session: Session, username: str, password: str) -> Actor:
    """Check a username and password; the same message for both failures (no user probing)."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    failure = PermissionDenied("Unknown username or wrong password.")
    if user is None or not user.is_active:
        raise failure
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise failure from None
    return actor_for(user)


def create_staff_user(
    session: Session, clinic_id: int, username: str, display_name: str, password: str, role: str
) -> StaffUser:
    if role not in ROLE_PERMISSIONS:
        raise ValidationError(
            f"Unknown role {role!r}; choose one of {', '.join(ROLE_PERMISSIONS)}.", field="role"
        )
    if not username.strip():
        raise ValidationError("A username is required.", field="username")
    user = StaffUser(
        clinic_id=clinic_id,
        username=username.strip(),
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
    )
    session.add(user)
    session.flush()
    return user


def one_time_password(length: int = 12) -> str:
    """A random password to hand to a new user once; they choose their own at first sign-in."""
    return "".join(secrets.choice(_OTP_ALPHABET) for _ in range(length))


def password_problems(username: str, new_password: str) -> list[str]:
    """Why a password staff chose is refused (empty when it is acceptable)."""
    problems = []
    if len(new_password) < MIN_PASSWORD_LENGTH:
        problems.append(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters (this one has {len(new_password)})."
        )
    if new_password.strip().casefold() == username.strip().casefold():
        problems.append("The password cannot be the username.")
    return problems


def must_change_password(session: Session, actor: Actor) -> bool:
    """Whether the user still has a one-time password and must choose their own before working."""
    if actor.user_id is None:
        return False
    user = session.get(StaffUser, actor.user_id)
    return bool(user is not None and user.must_change_password)


def change_password(
    session: Session, actor: Actor, current_password: str, new_password: str, *, now: datetime
) -> None:
    """The signed-in user replaces their password (the one-time one included); audited, never logged."""
    user = session.get(StaffUser, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.is_active:
        raise PermissionDenied("Only a signed-in staff user can change their password.")
    try:
        _hasher.verify(user.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise ValidationError("The current password is wrong.", field="current_password") from None
    problems = password_problems(user.username, new_password)
    if new_password == current_password:
        problems.append("Choose a password different from the current one.")
    if problems:
        raise ValidationError(" ".join(problems), field="new_password")
    user.password_hash = _hasher.hash(new_password)
    was_one_time = user.must_change_password
    user.must_change_password = False
    session.flush()
    audit.record(
        session,
        actor,
        "change_password",
        "staff_user",
        user.id,
        now=now,
        after={"one_time_password_replaced": was_one_time},
    )
