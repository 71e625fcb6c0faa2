"""The sections of a clinic setup, as plain frozen dataclasses, and the limits they are held to."""

from __future__ import annotations

from dataclasses import dataclass

from orca_desk.services.access.permissions import ALL_PERMISSIONS, Actor

# Not display text: the weekday keys a clinic setup file writes (days = ["mon", "tue"]), fixed so
# a file reads the same whatever language the desk that wrote it speaks.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PROVIDER_ROLES = ("orthodontist", "hygienist", "assistant")
MAX_CONCURRENT = 10
DEFAULT_PROVIDER_COLOUR = "#4a7bd0"
# Who acts when a clinic is set up on an empty database (no staff user exists yet).
SETUP_ACTOR = Actor(
    username="setup", role="system", display_name="Clinic setup (first run)", permissions=ALL_PERMISSIONS
)


PathPart = str | int


@dataclass(frozen=True)
class ClinicSpec:
    name: str
    phone: str = ""
    email: str = ""
    country: str = "US"  # ISO 3166 alpha-2: the region of phone numbers written without +code
    language: str = "en"


@dataclass(frozen=True)
class ChairSpec:
    name: str
    room: str = ""


@dataclass(frozen=True)
class LocationSpec:
    name: str
    timezone: str  # IANA, e.g. "America/New_York"
    address: str = ""
    phone: str = ""
    chairs: tuple[ChairSpec, ...] = ()


@dataclass(frozen=True)
class AppointmentTypeSpec:
    name: str
    colour: str
    minutes: int  # the default length
    category: str = "treatment"


@dataclass(frozen=True)
class HoursSpec:
    """Working hours on some weekdays at one location, in its wall clock, with breaks."""

    location: str
    days: tuple[str, ...]  # "mon" … "sun"
    start: str  # "08:00"
    end: str
    breaks: tuple[str, ...] = ()  # "12:00-13:00"


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    role: str
    colour: str = DEFAULT_PROVIDER_COLOUR
    max_concurrent: int = 1  # how many patients at once
    # Usual chairs: "Chair 1", or "Location/Chair 1" when ambiguous. None: left as they are.
    chairs: tuple[str, ...] | None = None
    # The weekly hours (in force from the day they are saved). None: left as they are.
    hours: tuple[HoursSpec, ...] | None = None


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    role: str  # see services.access.security.ROLE_PERMISSIONS


@dataclass(frozen=True)
class MessagingSpec:
    quiet_start: str | None = None  # "21:00"; None keeps the current setting
    quiet_end: str | None = None


@dataclass(frozen=True)
class ClinicSetup:
    clinic: ClinicSpec
    locations: tuple[LocationSpec, ...] = ()
    appointment_types: tuple[AppointmentTypeSpec, ...] = ()
    providers: tuple[ProviderSpec, ...] = ()
    staff: tuple[StaffSpec, ...] = ()
    messaging: MessagingSpec | None = None
