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
"""

from orca_desk.services.clinic_setup.apply import apply_setup
from orca_desk.services.clinic_setup.changes import (
    Change,
    ChangeLog,
    NewUser,
    SetupResult,
)
from orca_desk.services.clinic_setup.providers import save_providers
from orca_desk.services.clinic_setup.saving import (
    save_appointment_types,
    save_clinic,
    save_locations,
    save_messaging,
    save_staff,
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
from orca_desk.services.setup_file.problems import (
    Problem,
    SetupInvalid,
    format_path,
    normalise_phone,
    parse_hhmm,
    problems_of,
    refusal_problems,
)
from orca_desk.services.setup_file.specs import (
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
