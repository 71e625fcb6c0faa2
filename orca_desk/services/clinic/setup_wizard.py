"""What the first-run setup wizard needs beyond ``clinic_setup``: where a setup stands, reading
back what was saved (to resume after Cancel), renaming what a page saved before Back, the first
administrator who chooses their own password, and the end (default sequences and templates).

The rules of each section stay in ``services/clinic_setup/``; every page saves its section
with the ``save_*`` functions there, in its own transaction, and records its progress here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider, ProviderChair
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.models.staff import StaffUser
from orca_desk.services.access.security import (
    ADMIN,
    Actor,
    actor_for,
    change_password,
    hash_password,
    one_time_password,
    password_problems,
)
from orca_desk.services.clinic.setup_progress import DONE, PROGRESS_KEY, STEPS
from orca_desk.services.errors import PermissionDenied, ValidationError

if TYPE_CHECKING:  # the clinic file's rules, settings and defaults load when the wizard runs
    from orca_desk.services import clinic_setup as cs
    from orca_desk.services.clinic.clinic_defaults import SeededDefaults


def progress(session: Session) -> str | None:
    row = session.get(ClinicSetting, PROGRESS_KEY)
    return row.value if row is not None else None


def needs_setup(session: Session) -> bool:
    """An empty database, or a setup the wizard started and has not finished."""
    if session.scalar(select(func.count()).select_from(Clinic)) == 0:
        return True
    return progress(session) not in (None, DONE)


def clinic_id(session: Session) -> int | None:
    return session.scalar(select(Clinic.id).order_by(Clinic.id).limit(1))


def has_administrator(session: Session) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == "admin", StaffUser.is_active.is_(True))
        )
    )


def mark_progress(session: Session, actor: Actor, step: str, *, now: datetime) -> None:
    if step not in (*STEPS, DONE):
        raise ValidationError(f"{step!r} is not a setup step.")
    row = session.get(ClinicSetting, PROGRESS_KEY)
    if row is None:
        session.add(
            ClinicSetting(key=PROGRESS_KEY, value=step, updated_at=now, updated_by=actor.username[:60])
        )
    elif row.value != DONE:  # a finished setup stays finished
        row.value, row.updated_at, row.updated_by = step, now, actor.username[:60]
    session.flush()


def next_step(saved: str | None) -> str:
    """The page to resume on after ``saved`` was the last one saved."""
    if saved is None:
        return STEPS[0]
    if saved == DONE:
        return DONE
    i = STEPS.index(saved) if saved in STEPS else -1
    return STEPS[i + 1] if i + 1 < len(STEPS) else DONE


def setup_actor(session: Session) -> Actor | None:
    """Who may go on with an unfinished setup without signing in: the setup itself while no
    administrator exists yet; None once one does (they sign in first)."""
    from orca_desk.services import clinic_setup as cs

    return None if has_administrator(session) else cs.SETUP_ACTOR


# --- Reading back what was saved -----------------------------------------------------------


@dataclass(frozen=True)
class SavedStaff:
    spec: cs.StaffSpec
    must_change_password: bool


@dataclass(frozen=True)
class SavedSetup:
    clinic: cs.ClinicSpec | None
    locations: tuple[cs.LocationSpec, ...]
    providers: tuple[cs.ProviderSpec, ...]
    appointment_types: tuple[cs.AppointmentTypeSpec, ...]
    staff: tuple[SavedStaff, ...]
    messaging: cs.MessagingSpec
    progress: str | None


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def read_saved(session: Session, *, today: date) -> SavedSetup:
    """Everything saved so far, as the sections the pages edit (hours in force on ``today``)."""
    from orca_desk.services import clinic_setup as cs
    from orca_desk.services import provider_schedules as schedules
    from orca_desk.services.clinic import clinic_settings

    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    spec = (
        None
        if clinic is None
        else cs.ClinicSpec(clinic.name, clinic.phone, clinic.email, clinic.country, clinic.language)
    )
    locations = list(session.scalars(select(Location).order_by(Location.id)))
    loc_names = {loc.id: loc.name for loc in locations}
    chairs = list(
        session.scalars(
            select(Chair)
            .where(Chair.is_active.is_(True))
            .order_by(Chair.location_id, Chair.sort_order, Chair.id)
        )
    )
    by_loc: dict[int, list[cs.ChairSpec]] = defaultdict(list)
    for c in chairs:
        by_loc[c.location_id].append(cs.ChairSpec(c.name, c.room))
    loc_specs = tuple(
        cs.LocationSpec(loc.name, loc.timezone, loc.address, loc.phone, tuple(by_loc[loc.id]))
        for loc in locations
    )
    chair_refs = {c.id: f"{loc_names[c.location_id]}/{c.name}" for c in chairs}
    providers = []
    for p in session.scalars(select(Provider).where(Provider.is_active.is_(True)).order_by(Provider.id)):
        usual = tuple(
            chair_refs[pc.chair_id]
            for pc in session.scalars(
                select(ProviderChair)
                .where(ProviderChair.provider_id == p.id)
                .order_by(ProviderChair.sort_order)
            )
            if pc.chair_id in chair_refs
        )
        hours = tuple(
            cs.HoursSpec(
                loc_names.get(d.location_id, ""),
                (cs.WEEKDAYS[d.weekday],),
                _hhmm(d.start_minute),
                _hhmm(d.end_minute),
                tuple(f"{_hhmm(b.start_minute)}-{_hhmm(b.end_minute)}" for b in d.breaks),
            )
            for d in schedules.week_on(session, p.id, today)
        )
        providers.append(cs.ProviderSpec(p.name, p.role, p.colour, p.max_concurrent, usual, hours))
    types = tuple(
        cs.AppointmentTypeSpec(t.name, t.colour, t.default_minutes, t.category)
        for t in session.scalars(
            select(AppointmentType).where(AppointmentType.is_active.is_(True)).order_by(AppointmentType.id)
        )
    )
    staff = tuple(
        SavedStaff(cs.StaffSpec(u.username, u.display_name, u.role), u.must_change_password)
        for u in session.scalars(
            select(StaffUser).where(StaffUser.is_active.is_(True)).order_by(StaffUser.id)
        )
    )
    settings = clinic_settings.load_settings(session)
    messaging = cs.MessagingSpec(f"{settings.quiet_start:%H:%M}", f"{settings.quiet_end:%H:%M}")
    return SavedSetup(spec, loc_specs, tuple(providers), types, staff, messaging, progress(session))


# --- Renaming what an earlier page saved (records are matched by name) ---------------------


_RENAMABLE = {"location": Location, "provider": Provider, "appointment type": AppointmentType}


def rename(
    session: Session,
    actor: Actor,
    entity: str,
    old: str,
    new: str,
    *,
    now: datetime,
    location: str | None = None,
) -> None:
    """Rename a location, chair (of ``location``), provider or appointment type saved earlier, so
    that saving the page again updates it instead of adding a second one."""
    from orca_desk.services.access import audit

    if not actor.can(ADMIN):
        raise PermissionDenied(
            f"{actor.display_name or actor.username} may not set up the clinic; an administrator may."
        )
    old, new = old.strip(), new.strip()
    if not new or old == new:
        return
    if entity == "chair":
        loc = session.scalar(select(Location).where(func.lower(Location.name) == (location or "").lower()))
        if loc is None:
            return
        rows = list(session.scalars(select(Chair).where(Chair.location_id == loc.id)))
        label = f"{loc.name}/"
    else:
        rows = list(session.scalars(select(_RENAMABLE[entity])))  # type: ignore[call-overload]
        label = ""
    row = next((r for r in rows if r.name.casefold() == old.casefold()), None)
    if row is None:
        return
    if any(r is not row and r.name.casefold() == new.casefold() for r in rows):
        raise ValidationError(f"There is already a {entity} {new!r}: choose another name.", field="name")
    before = row.name
    row.name = new
    session.flush()
    audit.record(
        session,
        actor,
        "setup.update",
        entity.replace(" ", "_"),
        row.id,
        now=now,
        before={"name": label + before},
        after={"name": label + new},
    )


# --- The first administrator ---------------------------------------------------------------


def first_admin_problems(spec: cs.StaffSpec, password: str, repeat: str) -> list[cs.Problem]:
    """What is wrong with the first administrator (the password is their own, typed twice)."""
    from orca_desk.services import clinic_setup as cs

    problems = [
        cs.Problem(("admin", *p.path[2:]), p.message)
        for p in cs.staff_problems([spec])
        if p.path[:2] == ("staff", 0)
    ]
    problems += [
        cs.Problem(("admin", "password"), text) for text in password_problems(spec.username, password)
    ]
    if password and password != repeat:
        problems.append(cs.Problem(("admin", "repeat"), "the two passwords differ: type the same one twice"))
    return problems


@dataclass(frozen=True)
class StaffSaved:
    admin: Actor
    new_users: tuple[cs.NewUser, ...]  # staff other than the administrator, with one-time passwords


def save_staff_page(
    session: Session,
    actor: Actor,
    clinic_id: int,
    admin: cs.StaffSpec,
    password: str | None,
    staff: Sequence[cs.StaffSpec],
    *,
    now: datetime,
) -> StaffSaved:
    """The first administrator (with the password they chose; None keeps an existing one) and
    the staff users (new ones get one-time passwords)."""
    from orca_desk.services import clinic_setup as cs

    admin = cs.StaffSpec(admin.username, admin.name, "admin")
    exists = (
        session.scalar(
            select(StaffUser).where(func.lower(StaffUser.username) == admin.username.strip().lower())
        )
        is not None
    )
    if not exists:
        problems = first_admin_problems(admin, password or "", password or "")
        if problems:
            raise cs.SetupInvalid(problems)
    created = cs.save_staff(session, actor, clinic_id, [admin, *staff], now=now)
    user = session.scalar(
        select(StaffUser).where(func.lower(StaffUser.username) == admin.username.strip().lower())
    )
    assert user is not None
    admin_actor = actor_for(user)
    mine = next((n for n in created if n.username.casefold() == user.username.casefold()), None)
    if mine is not None and password:
        change_password(session, admin_actor, mine.one_time_password, password, now=now)
    return StaffSaved(admin_actor, tuple(n for n in created if n is not mine))


def finish(
    session: Session, actor: Actor, *, shown: Sequence[str], now: datetime
) -> tuple[SeededDefaults, tuple[cs.NewUser, ...]]:
    """Seed the new clinic's default sequences and templates and mark the setup done.

    Staff users still waiting for their first sign-in whose one-time password was not shown in
    this run (``shown``: usernames; the wizard was cancelled after saving them) get a new one."""
    from orca_desk.services import clinic_setup as cs
    from orca_desk.services.access import audit
    from orca_desk.services.clinic.clinic_defaults import seed_clinic_defaults

    if not actor.can(ADMIN):
        raise PermissionDenied("Only an administrator may finish the setup.")
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    if clinic is None:
        raise ValidationError("There is no clinic to finish setting up.")
    no_chairs = [
        loc.name
        for loc in session.scalars(select(Location))
        if not session.scalar(select(func.count()).select_from(Chair).where(Chair.location_id == loc.id))
    ]
    if no_chairs:
        raise ValidationError(f"{', '.join(no_chairs)} has no chair yet: add one on the Chairs page.")
    if not has_administrator(session):
        raise ValidationError("The clinic has no administrator yet: add one on the Staff page.")
    defaults = seed_clinic_defaults(session, clinic.id, now=now)
    seen = {u.casefold() for u in shown}
    reissued = []
    for user in session.scalars(
        select(StaffUser)
        .where(StaffUser.must_change_password.is_(True), StaffUser.is_active.is_(True))
        .order_by(StaffUser.id)
    ):
        if user.username.casefold() in seen:
            continue
        password = one_time_password()
        user.password_hash = hash_password(password)
        session.flush()
        audit.record(
            session,
            actor,
            "setup.reset_password",
            "staff_user",
            user.id,
            now=now,
            after={"one_time_password": True},
        )
        reissued.append(cs.NewUser(user.username, user.display_name, user.role, password))
    mark_progress(session, actor, DONE, now=now)
    return defaults, tuple(reissued)
