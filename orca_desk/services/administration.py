"""Administration: edit the clinic's locations, chairs, providers, appointment types and staff
users after setup.

Managers edit locations, chairs, providers and types (``MANAGE_CLINIC``); only administrators
manage staff users and roles (``ADMIN``). Nothing that appointments or history refer to is
deleted: chairs, providers, types and staff users are archived (``is_active`` false) and can
be restored. A chair or provider that still has future appointments is not archived: the
refusal (``ArchiveRefused``) lists them, so the desk can move or cancel them first.

Validation reuses the per-section checks of ``services/clinic_setup.py``; each refusal is an
``AdminInvalid`` naming every wrong field. Every change is audited (``admin.*`` actions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models import (
    Appointment,
    AppointmentType,
    Chair,
    Clinic,
    Location,
    Patient,
    Provider,
    ProviderChair,
    StaffUser,
)
from orca_desk.services import audit, local_time
from orca_desk.services import clinic_setup as setup
from orca_desk.services.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from orca_desk.services.security import (
    ADMIN,
    MANAGE_CLINIC,
    ROLE_PERMISSIONS,
    Actor,
    hash_password,
    one_time_password,
)

# Appointments that still hold a chair or a provider (completed, cancelled, no-show are history).
UPCOMING_STATUSES = ("scheduled", "confirmed", "arrived", "seated")
ROLE_LABELS = {
    "receptionist": "Receptionist",
    "treatment_coordinator": "Treatment coordinator",
    "clinician": "Clinician",
    "manager": "Manager",
    "admin": "Administrator",
}
# How many of the future appointments a refusal's message names (the error holds them all).
LISTED_IN_MESSAGE = 5


# --- Rows the screens show ------------------------------------------------------------------


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


# --- Errors ---------------------------------------------------------------------------------


class AdminInvalid(ValidationError):
    """An edit refused: ``problems`` maps each wrong field ("name", "timezone") to why."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(
            " ".join(_sentence(m) for m in self.problems.values()), field=next(iter(self.problems), None)
        )


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


@dataclass(frozen=True)
class UpcomingAppointment:
    id: int
    patient: str
    local_start: str  # "Tue 3 Mar 2026 10:00", in the location's time zone
    location: str

    def __str__(self) -> str:
        return f"{self.patient}, {self.local_start} at {self.location}"


class ArchiveRefused(ConflictError):
    """A chair or provider still has future appointments; ``appointments`` lists them all."""

    def __init__(self, what: str, appointments: Sequence[UpcomingAppointment], *, pronoun: str) -> None:
        self.appointments = tuple(appointments)
        listed = "; ".join(str(a) for a in self.appointments[:LISTED_IN_MESSAGE])
        more = len(self.appointments) - LISTED_IN_MESSAGE
        if more > 0:
            listed += f"; and {more} more"
        n = len(self.appointments)
        count = "1 future appointment needs" if n == 1 else f"{n} future appointments need"
        super().__init__(
            f"{what} cannot be archived while {count} {pronoun}: {listed}. "
            f"Move or cancel {'it' if n == 1 else 'them'} first."
        )


def _problems(problems: Sequence[setup.Problem], *, drop: Sequence[str] = ()) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in problems:
        key = next((str(part) for part in reversed(p.path) if isinstance(part, str)), "")
        if key in drop:
            continue
        out.setdefault(key, p.message)
    return out


def _raise(problems: dict[str, str]) -> None:
    if problems:
        raise AdminInvalid(problems)


def _get(session: Session, model: Any, row_id: int, what: str) -> Any:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"That {what} no longer exists (reload to see the current list).")
    return row


def _changed(row: Any, wanted: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for key, value in wanted.items():
        if getattr(row, key) != value:
            before[key], after[key] = getattr(row, key), value
            setattr(row, key, value)
    return before, after


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    row: Any,
    *,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.flush()
    audit.record(session, actor, f"admin.{action}", entity, row.id, now=now, before=before, after=after)


def _set_active(
    session: Session,
    actor: Actor,
    entity: str,
    row: Any,
    active: bool,
    *,
    now: datetime,
    words: tuple[str, str] = ("restore", "archive"),
) -> None:
    """Archive or restore ``row`` (``words``: the audit's names for on and off), audited."""
    row.is_active = active
    _audit(
        session,
        actor,
        words[0] if active else words[1],
        entity,
        row,
        now=now,
        before={"is_active": not active},
        after={"is_active": active},
    )


def _clinic_id(session: Session) -> int:
    clinic_id = session.scalar(select(Clinic.id).order_by(Clinic.id).limit(1))
    if clinic_id is None:
        raise NotFound("This database has no clinic yet: set it up first.")
    return clinic_id


def upcoming_appointments(
    session: Session, *, now: datetime, chair_id: int | None = None, provider_id: int | None = None
) -> list[UpcomingAppointment]:
    """Appointments not yet over that hold this chair or provider, soonest first."""
    q = (
        select(
            Appointment.id,
            Appointment.start_at,
            Patient.first_name,
            Patient.last_name,
            Location.name,
            Location.timezone,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Location, Location.id == Appointment.location_id)
        .where(Appointment.status.in_(UPCOMING_STATUSES), Appointment.end_at > now)
        .order_by(Appointment.start_at, Appointment.id)
    )
    if chair_id is not None:
        q = q.where(Appointment.chair_id == chair_id)
    if provider_id is not None:
        q = q.where(Appointment.provider_id == provider_id)
    out = []
    style = local_time.clinic_time_format(session)
    for appt_id, start, first, last, loc_name, zone in session.execute(q):
        when = local_time.fmt_datetime(start, local_time.zone(zone), style)
        out.append(UpcomingAppointment(appt_id, f"{first} {last}", when, loc_name))
    return out


# --- Locations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocationEdit:
    name: str
    timezone: str
    address: str = ""
    phone: str = ""
    id: int | None = None  # None: a new location


def save_location(session: Session, actor: Actor, edit: LocationEdit, *, now: datetime) -> int:
    """Create or edit a location. Its time zone changes only while no appointment is booked
    there (booked times would move on the wall clock)."""
    actor.require(MANAGE_CLINIC)
    clinic_id = _clinic_id(session)
    country = session.scalar(select(Clinic.country).where(Clinic.id == clinic_id)) or "US"
    spec = setup.LocationSpec(edit.name, edit.timezone, edit.address, edit.phone)
    problems = _problems(setup.location_problems([spec], country=country), drop=("chairs",))
    name = edit.name.strip()
    clash = session.scalar(
        select(Location.id).where(func.lower(Location.name) == name.lower(), Location.id != (edit.id or -1))
    )
    if name and clash is not None:
        problems.setdefault("name", f'there is already a location named "{name}"')
    row = _get(session, Location, edit.id, "location") if edit.id is not None else None
    if row is not None and edit.timezone.strip() != row.timezone and "timezone" not in problems:
        booked = session.scalar(
            select(func.count()).select_from(Appointment).where(Appointment.location_id == row.id)
        )
        if booked:
            problems["timezone"] = (
                f"{row.name} already has {booked} appointment(s) booked in "
                f"{row.timezone}: its time zone cannot change"
            )
    _raise(problems)
    wanted = {
        "name": name,
        "timezone": edit.timezone.strip(),
        "address": edit.address.strip(),
        "phone": setup.normalise_phone(edit.phone, country),
    }
    if row is None:
        row = Location(clinic_id=clinic_id, **wanted)
        session.add(row)
        _audit(session, actor, "create", "location", row, now=now, before=None, after=wanted)
        return int(row.id)
    before, after = _changed(row, wanted)
    if after:
        _audit(session, actor, "update", "location", row, now=now, before=before, after=after)
    return int(row.id)


# --- Chairs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChairEdit:
    location_id: int
    name: str
    room: str = ""
    id: int | None = None  # None: a new chair at the end of the location's chairs


def save_chair(session: Session, actor: Actor, edit: ChairEdit, *, now: datetime) -> int:
    actor.require(MANAGE_CLINIC)
    loc = _get(session, Location, edit.location_id, "location")
    spec = setup.LocationSpec(loc.name, loc.timezone, chairs=(setup.ChairSpec(edit.name, edit.room),))
    problems = _problems([p for p in setup.location_problems([spec]) if "chairs" in p.path])
    name = edit.name.strip()
    clash = session.scalar(
        select(Chair.id).where(
            Chair.location_id == loc.id, func.lower(Chair.name) == name.lower(), Chair.id != (edit.id or -1)
        )
    )
    if name and clash is not None:
        problems.setdefault(
            "name",
            f'{loc.name} already has a chair named "{name}" '
            "(an archived one keeps its name: restore it instead)",
        )
    _raise(problems)
    wanted: dict[str, Any] = {"name": name, "room": edit.room.strip()}
    if edit.id is None:
        last = session.scalar(select(func.max(Chair.sort_order)).where(Chair.location_id == loc.id))
        chair = Chair(location_id=loc.id, sort_order=(last or 0) + 1, is_active=True, **wanted)
        session.add(chair)
        _audit(
            session,
            actor,
            "create",
            "chair",
            chair,
            now=now,
            before=None,
            after={**wanted, "location": loc.name},
        )
        return int(chair.id)
    chair = _get(session, Chair, edit.id, "chair")
    if chair.location_id != loc.id:
        raise ValidationError(
            "A chair cannot move to another location: archive it and add a new one.", field="location"
        )
    before, after = _changed(chair, wanted)
    if after:
        _audit(session, actor, "update", "chair", chair, now=now, before=before, after=after)
    return int(chair.id)


def set_chair_active(session: Session, actor: Actor, chair_id: int, active: bool, *, now: datetime) -> None:
    """Archive a chair (refused while future appointments hold it) or restore it."""
    actor.require(MANAGE_CLINIC)
    # FOR UPDATE waits for a booking that is inserting into this chair (its foreign-key check
    # holds KEY SHARE on the row until it commits), so that appointment is seen below.
    chair = session.scalar(select(Chair).where(Chair.id == chair_id).with_for_update())
    if chair is None:
        raise NotFound("That chair no longer exists (reload to see the current list).")
    if chair.is_active == active:
        return
    if not active:
        upcoming = upcoming_appointments(session, now=now, chair_id=chair.id)
        if upcoming:
            raise ArchiveRefused(f"{chair.location.name}/{chair.name}", upcoming, pronoun="it")
    _set_active(session, actor, "chair", chair, active, now=now)


# --- Providers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderEdit:
    name: str
    role: str
    colour: str = setup.DEFAULT_PROVIDER_COLOUR
    max_concurrent: int = 1
    chair_ids: tuple[int, ...] = ()  # usual chairs, in order
    id: int | None = None


def save_provider(session: Session, actor: Actor, edit: ProviderEdit, *, now: datetime) -> int:
    """Create or edit a provider and their usual chairs (weekly hours: the Schedules screen)."""
    actor.require(MANAGE_CLINIC)
    clinic_id = _clinic_id(session)
    spec = setup.ProviderSpec(edit.name, edit.role, edit.colour, edit.max_concurrent)
    problems = _problems(setup.provider_problems([spec], setup.KnownPlaces({})))
    name = edit.name.strip()
    clash = session.scalar(
        select(Provider.id).where(func.lower(Provider.name) == name.lower(), Provider.id != (edit.id or -1))
    )
    if name and clash is not None:
        problems.setdefault(
            "name",
            f'there is already a provider named "{name}" '
            "(an archived one keeps its name: restore it instead)",
        )
    chair_ids = list(dict.fromkeys(edit.chair_ids))
    known = set(session.scalars(select(Chair.id).where(Chair.id.in_(chair_ids), Chair.is_active.is_(True))))
    if any(c not in known for c in chair_ids):
        problems["chairs"] = "a usual chair is archived or no longer exists"
    _raise(problems)
    wanted: dict[str, Any] = {
        "name": name,
        "role": edit.role,
        "colour": edit.colour.strip().lower(),
        "max_concurrent": edit.max_concurrent,
    }
    if edit.id is None:
        row = Provider(clinic_id=clinic_id, is_active=True, **wanted)
        session.add(row)
        _audit(session, actor, "create", "provider", row, now=now, before=None, after=wanted)
        before: dict[str, Any] = {}
    else:
        row = _get(session, Provider, edit.id, "provider")
        before, after = _changed(row, wanted)
        if after:
            _audit(session, actor, "update", "provider", row, now=now, before=before, after=after)
    have = list(
        session.scalars(
            select(ProviderChair.chair_id)
            .where(ProviderChair.provider_id == row.id)
            .order_by(ProviderChair.sort_order)
        )
    )
    if have != chair_ids:
        for pc in session.scalars(select(ProviderChair).where(ProviderChair.provider_id == row.id)):
            session.delete(pc)
        session.flush()
        session.add_all(
            [ProviderChair(provider_id=row.id, chair_id=c, sort_order=k) for k, c in enumerate(chair_ids)]
        )
        _audit(
            session,
            actor,
            "update",
            "provider",
            row,
            now=now,
            before={"usual_chairs": have},
            after={"usual_chairs": chair_ids},
        )
    return int(row.id)


def set_provider_active(
    session: Session, actor: Actor, provider_id: int, active: bool, *, now: datetime
) -> None:
    """Archive a provider (refused while they have future appointments) or restore them."""
    actor.require(MANAGE_CLINIC)
    # The lock booking takes (services/booking._lock_provider): a booking of this provider either
    # commits first and is counted below, or waits and then finds the provider archived.
    row = session.scalar(select(Provider).where(Provider.id == provider_id).with_for_update(key_share=True))
    if row is None:
        raise NotFound("That provider no longer exists (reload to see the current list).")
    if row.is_active == active:
        return
    if not active:
        upcoming = upcoming_appointments(session, now=now, provider_id=row.id)
        if upcoming:
            raise ArchiveRefused(row.name, upcoming, pronoun="them")
    _set_active(session, actor, "provider", row, active, now=now)


# --- Appointment types ----------------------------------------------------------------------


@dataclass(frozen=True)
class TypeEdit:
    name: str
    colour: str
    minutes: int
    category: str = "treatment"
    id: int | None = None


def save_type(session: Session, actor: Actor, edit: TypeEdit, *, now: datetime) -> int:
    actor.require(MANAGE_CLINIC)
    clinic_id = _clinic_id(session)
    spec = setup.AppointmentTypeSpec(edit.name, edit.colour, edit.minutes, edit.category)
    problems = _problems(setup.appointment_type_problems([spec]))
    name = edit.name.strip()
    clash = session.scalar(
        select(AppointmentType.id).where(
            func.lower(AppointmentType.name) == name.lower(), AppointmentType.id != (edit.id or -1)
        )
    )
    if name and clash is not None:
        problems.setdefault(
            "name",
            f'there is already an appointment type named "{name}" '
            "(an archived one keeps its name: restore it instead)",
        )
    _raise(problems)
    wanted: dict[str, Any] = {
        "name": name,
        "colour": edit.colour.strip().lower(),
        "default_minutes": edit.minutes,
        "category": edit.category.strip(),
    }
    if edit.id is None:
        row = AppointmentType(clinic_id=clinic_id, is_active=True, **wanted)
        session.add(row)
        _audit(session, actor, "create", "appointment_type", row, now=now, before=None, after=wanted)
        return int(row.id)
    row = _get(session, AppointmentType, edit.id, "appointment type")
    before, after = _changed(row, wanted)
    if after:
        _audit(session, actor, "update", "appointment_type", row, now=now, before=before, after=after)
    return int(row.id)


def set_type_active(session: Session, actor: Actor, type_id: int, active: bool, *, now: datetime) -> None:
    """Archive a type (no new bookings of it; booked appointments keep it) or restore it."""
    actor.require(MANAGE_CLINIC)
    row = _get(session, AppointmentType, type_id, "appointment type")
    if row.is_active == active:
        return
    if not active:
        left = session.scalar(
            select(func.count())
            .select_from(AppointmentType)
            .where(AppointmentType.is_active.is_(True), AppointmentType.id != row.id)
        )
        if not left:
            raise ConflictError(
                f"{row.name} is the last appointment type in use: add another before archiving it."
            )
    _set_active(session, actor, "appointment_type", row, active, now=now)


# --- Staff users (administrators only) -----------------------------------------------------


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
    clinic_id = _clinic_id(session)
    problems = _problems(setup.staff_problems([setup.StaffSpec(edit.username, edit.name, edit.role)]))
    username = edit.username.strip()
    clash = session.scalar(
        select(StaffUser.id).where(
            func.lower(StaffUser.username) == username.lower(), StaffUser.id != (edit.id or -1)
        )
    )
    if username and clash is not None:
        problems.setdefault("username", f'the username "{username}" is taken')
    row = _get(session, StaffUser, edit.id, "staff user") if edit.id is not None else None
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
    _raise(problems)
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
        _audit(
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
    before, after = _changed(row, wanted)
    if after:
        _audit(session, actor, "update", "staff_user", row, now=now, before=before, after=after)
    return StaffSaved(int(row.id), None)


def reset_password(session: Session, actor: Actor, user_id: int, *, now: datetime) -> str:
    """A new one-time password (returned once, never stored in clear); the user must choose
    their own at their next sign-in."""
    _require_admin(actor)
    row = _get(session, StaffUser, user_id, "staff user")
    if not row.is_active:
        raise ConflictError(f"{row.display_name} is deactivated: reactivate them first.")
    password = one_time_password()
    row.password_hash = hash_password(password)
    row.must_change_password = True
    _audit(
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
    row = _get(session, StaffUser, user_id, "staff user")
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
    _set_active(session, actor, "staff_user", row, active, now=now, words=("reactivate", "deactivate"))


def role_choices() -> list[tuple[str, str]]:
    """(role, label) in the order the screen offers them."""
    return [(role, ROLE_LABELS.get(role, role)) for role in ROLE_PERMISSIONS]
