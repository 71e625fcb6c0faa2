"""What the Administration screen lists: every location, chair, provider, type and staff user."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider, ProviderChair
from orca_desk.models.staff import StaffUser
from orca_desk.services.access.security import ADMIN, Actor


@dataclass(frozen=True)
class LocationAdminRow:
    id: int
    name: str
    timezone: str
    address: str
    phone: str
    chair_count: int


@dataclass(frozen=True)
class ChairAdminRow:
    id: int
    location_id: int
    location: str
    name: str
    room: str
    is_active: bool


@dataclass(frozen=True)
class ProviderAdminRow:
    id: int
    name: str
    role: str
    colour: str
    max_concurrent: int
    is_active: bool
    chair_ids: tuple[int, ...]  # usual chairs, in order
    chairs: str  # "Northside/Chair 1, Northside/Chair 2"


@dataclass(frozen=True)
class TypeAdminRow:
    id: int
    name: str
    colour: str
    minutes: int
    category: str
    is_active: bool


@dataclass(frozen=True)
class StaffAdminRow:
    id: int
    username: str
    name: str
    role: str
    is_active: bool
    must_change_password: bool


@dataclass(frozen=True)
class AdminData:
    country: str
    locations: tuple[LocationAdminRow, ...]
    chairs: tuple[ChairAdminRow, ...]
    providers: tuple[ProviderAdminRow, ...]
    types: tuple[TypeAdminRow, ...]
    staff: tuple[StaffAdminRow, ...]  # empty unless the reader is an administrator


def load_admin(session: Session, actor: Actor) -> AdminData:
    """Everything the Administration screen lists, archived records included."""
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    counts: dict[int, int] = {
        loc_id: n
        for loc_id, n in session.execute(
            select(Chair.location_id, func.count())
            .where(Chair.is_active.is_(True))
            .group_by(Chair.location_id)
        )
    }
    locations = tuple(
        LocationAdminRow(loc.id, loc.name, loc.timezone, loc.address, loc.phone, counts.get(loc.id, 0))
        for loc in session.scalars(select(Location).order_by(Location.id))
    )
    loc_names = {loc.id: loc.name for loc in locations}
    chairs = tuple(
        ChairAdminRow(c.id, c.location_id, loc_names.get(c.location_id, ""), c.name, c.room, c.is_active)
        for c in session.scalars(select(Chair).order_by(Chair.location_id, Chair.sort_order, Chair.id))
    )
    chair_label = {c.id: f"{c.location}/{c.name}" for c in chairs}
    usual: dict[int, list[int]] = {}
    for pc in session.scalars(
        select(ProviderChair).order_by(ProviderChair.provider_id, ProviderChair.sort_order)
    ):
        usual.setdefault(pc.provider_id, []).append(pc.chair_id)
    providers = tuple(
        ProviderAdminRow(
            p.id,
            p.name,
            p.role,
            p.colour,
            p.max_concurrent,
            p.is_active,
            tuple(usual.get(p.id, ())),
            ", ".join(chair_label[c] for c in usual.get(p.id, ()) if c in chair_label),
        )
        for p in session.scalars(select(Provider).order_by(Provider.name))
    )
    types = tuple(
        TypeAdminRow(t.id, t.name, t.colour, t.default_minutes, t.category, t.is_active)
        for t in session.scalars(select(AppointmentType).order_by(AppointmentType.name))
    )
    staff: tuple[StaffAdminRow, ...] = ()
    if actor.can(ADMIN):
        staff = tuple(
            StaffAdminRow(u.id, u.username, u.display_name, u.role, u.is_active, u.must_change_password)
            for u in session.scalars(select(StaffUser).order_by(StaffUser.username))
        )
    return AdminData(
        clinic.country if clinic is not None else "US", locations, chairs, providers, types, staff
    )
