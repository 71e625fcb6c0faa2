"""Read the clinic's reference data (locations, chairs, providers, types) as plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider
from orca_desk.services.errors import NotFound


@dataclass(frozen=True)
class LocationRow:
    id: int
    name: str
    timezone: str
    address: str = ""
    phone: str = ""  # as stored (E.164); "" when the location has none of its own

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class ChairRow:
    id: int
    location_id: int
    name: str
    room: str


@dataclass(frozen=True)
class ProviderRow:
    id: int
    name: str
    role: str
    colour: str
    max_concurrent: int


@dataclass(frozen=True)
class TypeRow:
    id: int
    name: str
    colour: str
    default_minutes: int
    category: str


@dataclass(frozen=True)
class ClinicInfo:
    id: int
    name: str
    phone: str
    locations: tuple[LocationRow, ...]
    chairs: tuple[ChairRow, ...]
    providers: tuple[ProviderRow, ...]
    types: tuple[TypeRow, ...]
    country: str = "US"  # ISO 3166 alpha-2: the order families' dates are written in
    language: str = "en"  # ISO 639-1: its messages' language, a new patient's unless told

    def location(self, location_id: int) -> LocationRow:
        found = next((loc for loc in self.locations if loc.id == location_id), None)
        if found is None:
            raise NotFound(f"Location #{location_id} does not exist (reload to see the clinic's locations).")
        return found

    def chairs_at(self, location_id: int) -> list[ChairRow]:
        return [c for c in self.chairs if c.location_id == location_id]

    def type_by_id(self, type_id: int) -> TypeRow:
        found = next((t for t in self.types if t.id == type_id), None)
        if found is None:
            raise NotFound(f"Appointment type #{type_id} does not exist or is no longer in use.")
        return found


def load_clinic(session: Session) -> ClinicInfo | None:
    """Everything the shell needs about the clinic, in five small queries."""
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    if clinic is None:
        return None
    locations = tuple(
        LocationRow(*r)
        for r in session.execute(
            select(Location.id, Location.name, Location.timezone, Location.address, Location.phone).order_by(
                Location.id
            )
        )
    )
    chairs = tuple(
        ChairRow(*r)
        for r in session.execute(
            select(Chair.id, Chair.location_id, Chair.name, Chair.room)
            .where(Chair.is_active.is_(True))
            .order_by(Chair.location_id, Chair.sort_order, Chair.id)
        )
    )
    providers = tuple(
        ProviderRow(*r)
        for r in session.execute(
            select(Provider.id, Provider.name, Provider.role, Provider.colour, Provider.max_concurrent)
            .where(Provider.is_active.is_(True))
            .order_by(Provider.name)
        )
    )
    types = tuple(
        TypeRow(*r)
        for r in session.execute(
            select(
                AppointmentType.id,
                AppointmentType.name,
                AppointmentType.colour,
                AppointmentType.default_minutes,
                AppointmentType.category,
            )
            .where(AppointmentType.is_active.is_(True))
            .order_by(AppointmentType.name)
        )
    )
    return ClinicInfo(
        id=clinic.id,
        name=clinic.name,
        phone=clinic.phone,
        locations=locations,
        chairs=chairs,
        providers=providers,
        types=types,
        country=(clinic.country or "US").upper(),
        language=clinic.language or "en",
    )
