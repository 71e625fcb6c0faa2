"""Permissions, roles and who acts: the names every service checks, kept free of the database
so a file's or a command's words can be checked before SQLAlchemy loads."""

from __future__ import annotations

from dataclasses import dataclass, field

from orca_desk.services.errors import PermissionDenied

BOOK = "booking:book"
OVERRIDE_HOURS = "booking:override_hours"
MANAGE_WAITLIST = "booking:manage_waitlist"
VIEW_ANALYTICS = "booking:view_analytics"
MANAGE_TEMPLATES = "templates:manage"
MANAGE_SCHEDULES = "schedules:manage"
MANAGE_CAMPAIGNS = "campaigns:manage"
SEND_MESSAGES = "messages:send"
IMPORT_DATA = "clinic:import_data"
MERGE_PATIENTS = "patients:merge"
MANAGE_CLINIC = "clinic:manage"
ADMIN = "admin"

ALL_PERMISSIONS = frozenset(
    {
        BOOK,
        OVERRIDE_HOURS,
        MANAGE_WAITLIST,
        VIEW_ANALYTICS,
        MANAGE_TEMPLATES,
        MANAGE_SCHEDULES,
        MANAGE_CAMPAIGNS,
        SEND_MESSAGES,
        IMPORT_DATA,
        MERGE_PATIENTS,
        MANAGE_CLINIC,
        ADMIN,
    }
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
    MERGE_PATIENTS: "merge patient records",
    MANAGE_CLINIC: "edit the clinic's locations, chairs, providers and appointment types",
    ADMIN: "administer the clinic",
}


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


AUTOMATION = Actor(
    username="automation",
    role="automation",
    display_name="Automation",
    permissions=frozenset({BOOK, MANAGE_WAITLIST, SEND_MESSAGES}),
)
