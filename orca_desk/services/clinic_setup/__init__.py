"""Set up (or update) a practice declaratively: clinic, locations and chairs, appointment types,
providers with their weekly hours, staff users and quiet hours.

Every section has a plain frozen dataclass, a ``*_problems`` function that validates it without
writing (each problem names its field by path, e.g. ``providers[1].hours[0].days``) and a
``save_*`` function that validates, then creates or updates only what differs, matching records
by name (staff by username) and auditing each change. A setup wizard page validates and saves
its own section with them; ``apply_setup`` does every section in one transaction (``orca-desk
setup --from clinic.toml``). Records that are not named are left as they are: setup never
deletes or archives anything.

Passwords are never part of a setup: each new staff user gets a one-time password, returned
once, that they must replace at their first sign-in.

The names below load with their modules on first use: a setup file's words are checked
(``clinic_setup_file``) before the database layer loads.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orca_desk.services.clinic_setup.apply import apply_setup
    from orca_desk.services.clinic_setup.changes import (
        Change,
        ChangeLog,
        NewUser,
        SetupResult,
    )
    from orca_desk.services.clinic_setup.problems import (
        Problem,
        SetupInvalid,
        format_path,
        normalise_phone,
        parse_hhmm,
        problems_of,
        refusal_problems,
    )
    from orca_desk.services.clinic_setup.providers import save_providers
    from orca_desk.services.clinic_setup.saving import (
        save_appointment_types,
        save_clinic,
        save_locations,
        save_messaging,
        save_staff,
    )
    from orca_desk.services.clinic_setup.specs import (
        DEFAULT_PROVIDER_COLOUR,
        MAX_CONCURRENT,
        PROVIDER_ROLES,
        SETUP_ACTOR,
        WEEKDAYS,
        AppointmentTypeSpec,
        ChairSpec,
        ClinicSetup,
        ClinicSpec,
        HoursSpec,
        LocationSpec,
        MessagingSpec,
        PathPart,
        ProviderSpec,
        StaffSpec,
    )
    from orca_desk.services.clinic_setup.validation import (
        KnownPlaces,
        appointment_type_problems,
        clinic_problems,
        location_problems,
        messaging_problems,
        provider_problems,
        setup_problems,
        staff_problems,
    )

# Each exported name and the module that defines it.
_HOMES = {
    "apply_setup": "apply",
    "Change": "changes",
    "ChangeLog": "changes",
    "NewUser": "changes",
    "SetupResult": "changes",
    "Problem": "problems",
    "SetupInvalid": "problems",
    "format_path": "problems",
    "normalise_phone": "problems",
    "parse_hhmm": "problems",
    "problems_of": "problems",
    "refusal_problems": "problems",
    "save_providers": "providers",
    "save_appointment_types": "saving",
    "save_clinic": "saving",
    "save_locations": "saving",
    "save_messaging": "saving",
    "save_staff": "saving",
    "DEFAULT_PROVIDER_COLOUR": "specs",
    "MAX_CONCURRENT": "specs",
    "PROVIDER_ROLES": "specs",
    "SETUP_ACTOR": "specs",
    "WEEKDAYS": "specs",
    "AppointmentTypeSpec": "specs",
    "ChairSpec": "specs",
    "ClinicSetup": "specs",
    "ClinicSpec": "specs",
    "HoursSpec": "specs",
    "LocationSpec": "specs",
    "MessagingSpec": "specs",
    "PathPart": "specs",
    "ProviderSpec": "specs",
    "StaffSpec": "specs",
    "KnownPlaces": "validation",
    "appointment_type_problems": "validation",
    "clinic_problems": "validation",
    "location_problems": "validation",
    "messaging_problems": "validation",
    "provider_problems": "validation",
    "setup_problems": "validation",
    "staff_problems": "validation",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)


__all__ = [
    "DEFAULT_PROVIDER_COLOUR",
    "MAX_CONCURRENT",
    "PROVIDER_ROLES",
    "SETUP_ACTOR",
    "WEEKDAYS",
    "AppointmentTypeSpec",
    "ChairSpec",
    "Change",
    "ChangeLog",
    "ClinicSetup",
    "ClinicSpec",
    "HoursSpec",
    "KnownPlaces",
    "LocationSpec",
    "MessagingSpec",
    "NewUser",
    "PathPart",
    "Problem",
    "ProviderSpec",
    "SetupInvalid",
    "SetupResult",
    "StaffSpec",
    "apply_setup",
    "appointment_type_problems",
    "clinic_problems",
    "format_path",
    "location_problems",
    "messaging_problems",
    "normalise_phone",
    "parse_hhmm",
    "problems_of",
    "provider_problems",
    "refusal_problems",
    "save_appointment_types",
    "save_clinic",
    "save_locations",
    "save_messaging",
    "save_providers",
    "save_staff",
    "setup_problems",
    "staff_problems",
]
