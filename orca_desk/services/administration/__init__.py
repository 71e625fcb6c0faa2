"""Administration: edit the clinic's locations, chairs, providers, appointment types and staff
users after setup.

Managers edit locations, chairs, providers and types (``MANAGE_CLINIC``); only administrators
manage staff users and roles (``ADMIN``). Nothing that appointments or history refer to is
deleted: chairs, providers, types and staff users are archived (``is_active`` false) and can
be restored. A chair or provider that still has future appointments is not archived: the
refusal (``ArchiveRefused``) lists them, so the desk can move or cancel them first.

Validation reuses the per-section checks of ``services/clinic_setup``; each refusal is an
``AdminInvalid`` naming every wrong field. Every change is audited (``admin.*`` actions).
"""

from orca_desk.services.administration.appointment_types import (
    TypeEdit,
    save_type,
    set_type_active,
)
from orca_desk.services.administration.common import (
    LISTED_IN_MESSAGE,
    UPCOMING_STATUSES,
    AdminInvalid,
    ArchiveRefused,
    UpcomingAppointment,
    upcoming_appointments,
)
from orca_desk.services.administration.locations import (
    ChairEdit,
    LocationEdit,
    save_chair,
    save_location,
    set_chair_active,
)
from orca_desk.services.administration.providers import (
    ProviderEdit,
    save_provider,
    set_provider_active,
)
from orca_desk.services.administration.rows import (
    AdminData,
    ChairAdminRow,
    LocationAdminRow,
    ProviderAdminRow,
    StaffAdminRow,
    TypeAdminRow,
    load_admin,
)
from orca_desk.services.administration.staff import (
    ROLE_LABELS,
    StaffEdit,
    StaffSaved,
    reset_password,
    role_choices,
    save_staff_user,
    set_staff_active,
)

__all__ = [
    "LISTED_IN_MESSAGE",
    "ROLE_LABELS",
    "UPCOMING_STATUSES",
    "AdminData",
    "AdminInvalid",
    "ArchiveRefused",
    "ChairAdminRow",
    "ChairEdit",
    "LocationAdminRow",
    "LocationEdit",
    "ProviderAdminRow",
    "ProviderEdit",
    "StaffAdminRow",
    "StaffEdit",
    "StaffSaved",
    "TypeAdminRow",
    "TypeEdit",
    "UpcomingAppointment",
    "load_admin",
    "reset_password",
    "role_choices",
    "save_chair",
    "save_location",
    "save_provider",
    "save_staff_user",
    "save_type",
    "set_chair_active",
    "set_provider_active",
    "set_staff_active",
    "set_type_active",
    "upcoming_appointments",
]
