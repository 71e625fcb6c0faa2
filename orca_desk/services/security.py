"""Staff sign-in, roles and permissions; every service checks permissions here."""

from __future__ import annotations

from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models import StaffUser
from orca_desk.services.errors import PermissionDenied, ValidationError

BOOK = "booking:book"
OVERRIDE_HOURS = "booking:override_hours"
MANAGE_WAITLIST = "booking:manage_waitlist"
VIEW_ANALYTICS = "booking:view_analytics"
MANAGE_TEMPLATES = "templates:manage"
MANAGE_SCHEDULES = "schedules:manage"
MANAGE_CAMPAIGNS = "campaigns:manage"
SEND_MESSAGES = "messages:send"
IMPORT_DATA = "clinic:import_data"
ADMIN = "admin"

ALL_PERMISSIONS = frozenset(
    {BOOK, OVERRIDE_HOURS, MANAGE_WAITLIST, VIEW_ANALYTICS, MANAGE_TEMPLATES,
     MANAGE_SCHEDULES, MANAGE_CAMPAIGNS, SEND_MESSAGES, IMPORT_DATA, ADMIN}
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "receptionist": frozenset({BOOK, MANAGE_WAITLIST, SEND_MESSAGES}),
    "treatment_coordinator": frozenset({BOOK, MANAGE_WAITLIST, SEND_MESSAGES, VIEW_ANALYTICS}),
    "clinician": frozenset({VIEW_ANALYTICS}),
    "manager": ALL_PERMISSIONS - {ADMIN},
    "admin": ALL_PERMISSIONS,
}

PERMISSION_LABELS = {
    BOOK: "book and change appointments",
    OVERRIDE_HOURS: "book outside working hours or into blocked time",
    MANAGE_WAITLIST: "manage the waitlist",
    VIEW_ANALYTICS: "view analytics",
    MANAGE_TEMPLATES: "manage schedule templates",
    MANAGE_SCHEDULES: "manage provider schedules",
    MANAGE_CAMPAIGNS: "manage campaigns",
    SEND_MESSAGES: "send messages to patients",
    IMPORT_DATA: "import patients and appointments",
    ADMIN: "administer the clinic",
}

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in staff user, or the automation runtime."""

    username: str
    role: str
    user_id: int | None = None
    display_name: str = ""
    permissions: frozenset[str] = field(default=frozenset())

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            label = PERMISSION_LABELS.get(permission, permission)
            raise PermissionDenied(f"{self.display_name or self.username} may not {label}.")


AUTOMATION = Actor(username="automation", role="automation", display_name="Automation",
                   permissions=frozenset({BOOK, MANAGE_WAITLIST, SEND_MESSAGES}))


def actor_for(user: StaffUser) -> Actor:
    return Actor(username=user.username, role=user.role, user_id=user.id,
                 display_name=user.display_name, permissions=ROLE_PERMISSIONS.get(user.role, frozenset()))


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


def create_staff_user(session: Session, clinic_id: int, username: str, display_name: str,
                      password: str, role: str) -> StaffUser:
    if role not in ROLE_PERMISSIONS:
        raise ValidationError(f"Unknown role {role!r}; choose one of {', '.join(ROLE_PERMISSIONS)}.",
                              field="role")
    if not username.strip():
        raise ValidationError("A username is required.", field="username")
    user = StaffUser(clinic_id=clinic_id, username=username.strip(), display_name=display_name,
                     password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user
