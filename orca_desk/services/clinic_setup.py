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

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models import (
    AppointmentType,
    Chair,
    Clinic,
    Location,
    Provider,
    ProviderChair,
    StaffUser,
)
from orca_desk.services import audit
from orca_desk.services.clinic_defaults import SeededDefaults, seed_clinic_defaults
from orca_desk.services.errors import OrcaError, PermissionDenied, ValidationError
from orca_desk.services.security import (
    ADMIN,
    ALL_PERMISSIONS,
    ROLE_PERMISSIONS,
    Actor,
    hash_password,
    one_time_password,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PROVIDER_ROLES = ("orthodontist", "hygienist", "assistant")
MAX_CONCURRENT = 10
DEFAULT_PROVIDER_COLOUR = "#4a7bd0"
# Who acts when a clinic is set up on an empty database (no staff user exists yet).
SETUP_ACTOR = Actor(
    username="setup", role="system", display_name="Clinic setup (first run)", permissions=ALL_PERMISSIONS
)

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{2,60}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2})?$")

PathPart = str | int


# --- The sections --------------------------------------------------------------------------


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
    role: str  # see services.security.ROLE_PERMISSIONS


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


# --- Problems ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong, at ``path`` (("providers", 1, "hours", 0, "days")); ``line`` when known."""

    path: tuple[PathPart, ...]
    message: str
    line: int | None = None

    @property
    def field(self) -> str:
        return format_path(self.path)


def format_path(path: Sequence[PathPart]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class SetupInvalid(ValidationError):
    """The setup is refused whole; ``problems`` lists every field that is wrong."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        text = "; ".join(f"{p.field}: {p.message}" if p.path else p.message for p in self.problems)
        super().__init__(text, field=self.problems[0].field if self.problems else None)


def refusal_problems(refusal: OrcaError) -> list[Problem]:
    """A refusal as the problems a form shows: each field of a ``SetupInvalid``, else one line."""
    if isinstance(refusal, SetupInvalid):
        return list(refusal.problems)
    return [Problem((), str(refusal))]


def problems_of(check: Callable[[], list[Problem]]) -> list[Problem]:
    """What ``check`` finds while the user types; a refusal it raises is one problem more, so a
    half-typed form never raises out of the screen."""
    try:
        return check()
    except OrcaError as exc:
        return [Problem((), str(exc))]


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise SetupInvalid(problems)


def _q(value: object) -> str:
    """A value quoted as the file writes it: "mnd", 40."""
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return str(value)


def parse_hhmm(text: str) -> int | None:
    """Local minutes of the day of "08:30" (24:00 allowed), or None when it is not a time."""
    m = _HHMM.match(text.strip())
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    if mi > 59 or h > 24 or (h == 24 and mi):
        return None
    return h * 60 + mi


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _phone_problem(raw: str, country: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        return f"{_q(raw)} is not a phone number"
    if not phonenumbers.is_valid_number(number):
        return (
            f"{_q(raw)} is not a valid phone number in {country}"
            if not raw.strip().startswith("+")
            else f"{_q(raw)} is not a valid phone number"
        )
    return None


def normalise_phone(raw: str, country: str) -> str:
    """E.164 of a phone number that passed validation ("" stays "")."""
    if not raw.strip():
        return ""
    return phonenumbers.format_number(phonenumbers.parse(raw, country), phonenumbers.PhoneNumberFormat.E164)


def _text(
    path: tuple[PathPart, ...],
    value: str,
    what: str,
    problems: list[Problem],
    *,
    limit: int,
    required: bool = True,
) -> None:
    if required and not value.strip():
        problems.append(Problem(path, f"{what} is required"))
    elif len(value.strip()) > limit:
        problems.append(Problem(path, f"{what} is at most {limit} characters"))


def _colour(path: tuple[PathPart, ...], value: str, problems: list[Problem]) -> None:
    if not _COLOUR.match(value.strip()):
        problems.append(Problem(path, f'{_q(value)} is not a colour: write it as #RRGGBB, e.g. "#3b6fd4"'))


def _duplicates(
    path: tuple[PathPart, ...], names: Sequence[str], key: str, what: str, problems: list[Problem]
) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        k = name.strip().casefold()
        if k and k in seen:
            problems.append(
                Problem(
                    (*path, i, key),
                    f"{what} {_q(name.strip())} is listed twice (also at {format_path((*path, seen[k]))})",
                )
            )
        seen.setdefault(k, i)


# --- Validation per section (nothing is written) ------------------------------------------


def clinic_problems(spec: ClinicSpec) -> list[Problem]:
    p: list[Problem] = []
    _text(("clinic", "name"), spec.name, "the clinic name", p, limit=120)
    country = spec.country.strip().upper()
    if country not in phonenumbers.SUPPORTED_REGIONS:
        p.append(
            Problem(
                ("clinic", "country"),
                f"{_q(spec.country)} is not a country code: use the "
                'two letters of ISO 3166, e.g. "US", "CA", "GB"',
            )
        )
        country = ""
    if not spec.phone.strip():
        p.append(Problem(("clinic", "phone"), "the clinic phone is required: patients are told to call it"))
    elif country:
        problem = _phone_problem(spec.phone, country)
        if problem:
            p.append(Problem(("clinic", "phone"), problem))
    if spec.email.strip() and not _EMAIL.match(spec.email.strip()):
        p.append(Problem(("clinic", "email"), f"{_q(spec.email)} is not an email address"))
    if not _LANGUAGE.match(spec.language.strip()):
        p.append(
            Problem(
                ("clinic", "language"),
                f'{_q(spec.language)} is not a language code: use ISO 639, e.g. "en" or "es"',
            )
        )
    return p


def location_problems(
    specs: Sequence[LocationSpec], *, country: str = "US", require_chairs: bool = True
) -> list[Problem]:
    """``require_chairs=False``: the setup wizard saves locations a page before their chairs."""
    p: list[Problem] = []
    zones = available_timezones()
    for i, loc in enumerate(specs):
        at: tuple[PathPart, ...] = ("locations", i)
        _text((*at, "name"), loc.name, "the location name", p, limit=120)
        if loc.timezone.strip() not in zones:
            p.append(
                Problem(
                    (*at, "timezone"),
                    f"{_q(loc.timezone)} is not an IANA time zone, "
                    'e.g. "America/New_York" or "Europe/London"',
                )
            )
        _text((*at, "address"), loc.address, "the address", p, limit=300, required=False)
        if loc.phone.strip():
            problem = _phone_problem(loc.phone, country)
            if problem:
                p.append(Problem((*at, "phone"), problem))
        if require_chairs and not loc.chairs:
            p.append(Problem((*at, "chairs"), "a location needs at least one chair to book into"))
        for j, chair in enumerate(loc.chairs):
            _text((*at, "chairs", j, "name"), chair.name, "the chair name", p, limit=60)
            _text((*at, "chairs", j, "room"), chair.room, "the room", p, limit=60, required=False)
            if "/" in chair.name:
                p.append(
                    Problem(
                        (*at, "chairs", j, "name"),
                        'a chair name cannot contain "/" (it separates location and chair)',
                    )
                )
        _duplicates((*at, "chairs"), [c.name for c in loc.chairs], "name", "the chair", p)
    _duplicates(("locations",), [loc.name for loc in specs], "name", "the location", p)
    return p


def appointment_type_problems(specs: Sequence[AppointmentTypeSpec]) -> list[Problem]:
    p: list[Problem] = []
    for i, t in enumerate(specs):
        at: tuple[PathPart, ...] = ("appointment_types", i)
        _text((*at, "name"), t.name, "the type name", p, limit=80)
        _colour((*at, "colour"), t.colour, p)
        if not 5 <= t.minutes <= 480 or t.minutes % 5:
            p.append(
                Problem(
                    (*at, "minutes"), f"{t.minutes} is not a length: use minutes from 5 to 480, in steps of 5"
                )
            )
        _text((*at, "category"), t.category, "the category", p, limit=40)
    _duplicates(("appointment_types",), [t.name for t in specs], "name", "the type", p)
    return p


@dataclass(frozen=True)
class KnownPlaces:
    """Locations (by folded name) and their chairs that providers may refer to."""

    chairs: dict[str, tuple[str, ...]]  # folded location name -> chair names
    names: dict[str, str] = field(default_factory=dict)  # folded -> as written

    @staticmethod
    def of(session: Session | None, locations: Sequence[LocationSpec]) -> KnownPlaces:
        chairs: dict[str, list[str]] = defaultdict(list)
        names: dict[str, str] = {}
        if session is not None:
            for loc_name, chair_name in session.execute(
                select(Location.name, Chair.name).outerjoin(Chair, Chair.location_id == Location.id)
            ):
                names.setdefault(loc_name.casefold(), loc_name)
                if chair_name is not None:
                    chairs[loc_name.casefold()].append(chair_name)
        for loc in locations:
            names.setdefault(loc.name.strip().casefold(), loc.name.strip())
            chairs[loc.name.strip().casefold()].extend(c.name.strip() for c in loc.chairs)
        return KnownPlaces(
            {k: tuple(dict.fromkeys(v)) for k, v in chairs.items()}
            | {k: () for k in names if k not in chairs},
            names,
        )

    def resolve_chair(self, ref: str) -> tuple[str, str] | str:
        """(location, chair) for "Chair 1" or "Location/Chair 1"; a message when it cannot be."""
        loc, _, name = ref.rpartition("/")
        name = name.strip()
        hits = [
            (self.names[k], c)
            for k, cs in self.chairs.items()
            for c in cs
            if c.casefold() == name.casefold() and (not loc or k == loc.strip().casefold())
        ]
        if not hits:
            where = f" at {_q(loc.strip())}" if loc else ""
            return f"there is no chair {_q(name)}{where}"
        if len(hits) > 1:
            return (
                f'{_q(name)} is at {", ".join(h[0] for h in hits)}: write "{hits[0][0]}/{name}" to choose one'
            )
        return hits[0]


def provider_problems(specs: Sequence[ProviderSpec], places: KnownPlaces) -> list[Problem]:
    p: list[Problem] = []
    for i, prov in enumerate(specs):
        at: tuple[PathPart, ...] = ("providers", i)
        _text((*at, "name"), prov.name, "the provider name", p, limit=120)
        if prov.role not in PROVIDER_ROLES:
            p.append(
                Problem(
                    (*at, "role"), f"{_q(prov.role)} is not a provider role ({', '.join(PROVIDER_ROLES)})"
                )
            )
        _colour((*at, "colour"), prov.colour, p)
        if not 1 <= prov.max_concurrent <= MAX_CONCURRENT:
            p.append(
                Problem(
                    (*at, "max_concurrent"),
                    f"{prov.max_concurrent} patients at once: choose 1 to {MAX_CONCURRENT}",
                )
            )
        for j, ref in enumerate(prov.chairs or ()):
            resolved = places.resolve_chair(ref)
            if isinstance(resolved, str):
                p.append(Problem((*at, "chairs", j), resolved))
        periods: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # day -> (start, end, hours #)
        for j, h in enumerate(prov.hours or ()):
            hp: tuple[PathPart, ...] = (*at, "hours", j)
            if h.location.strip().casefold() not in places.chairs:
                known = ", ".join(places.names.values()) or "none yet"
                p.append(
                    Problem((*hp, "location"), f"there is no location {_q(h.location)} (locations: {known})")
                )
            if not h.days:
                p.append(Problem((*hp, "days"), "name at least one weekday (mon…sun)"))
            for day in h.days:
                if day.strip().lower() not in WEEKDAYS:
                    p.append(Problem((*hp, "days"), f"{_q(day)} is not a weekday (mon…sun)"))
            start, end = parse_hhmm(h.start), parse_hhmm(h.end)
            for key, raw, value in (("start", h.start, start), ("end", h.end, end)):
                if value is None:
                    p.append(Problem((*hp, key), f'{_q(raw)} is not a time: write it as HH:MM, e.g. "08:00"'))
            if start is None or end is None:
                continue
            if end <= start:
                p.append(Problem((*hp, "end"), f"the end {_hhmm(end)} is not after the start {_hhmm(start)}"))
                continue
            spans: list[tuple[int, int]] = []
            for k, raw in enumerate(h.breaks):
                bs_raw, sep, be_raw = raw.partition("-")
                bs, be = parse_hhmm(bs_raw), parse_hhmm(be_raw)
                if not sep or bs is None or be is None or be <= bs:
                    p.append(
                        Problem(
                            (*hp, "breaks", k),
                            f'{_q(raw)} is not a break: write it as "HH:MM-HH:MM", e.g. "12:00-13:00"',
                        )
                    )
                elif bs < start or be > end:
                    p.append(
                        Problem(
                            (*hp, "breaks", k),
                            f"the break {_hhmm(bs)}-{_hhmm(be)} is outside "
                            f"the hours {_hhmm(start)}-{_hhmm(end)}",
                        )
                    )
                else:
                    spans.append((bs, be))
            for (s1, e1), (s2, e2) in pairwise(sorted(spans)):
                if s2 < e1:
                    p.append(
                        Problem(
                            (*hp, "breaks"),
                            f"the breaks {_hhmm(s1)}-{_hhmm(e1)} and {_hhmm(s2)}-{_hhmm(e2)} overlap",
                        )
                    )
            for day in {d.strip().lower() for d in h.days if d.strip().lower() in WEEKDAYS}:
                for s0, e0, j0 in periods[day]:
                    if start < e0 and s0 < end:
                        p.append(
                            Problem(
                                (*hp, "start"),
                                f"{day} {_hhmm(start)}-{_hhmm(end)} overlaps "
                                f"{_hhmm(s0)}-{_hhmm(e0)} of "
                                f"{format_path((*at, 'hours', j0))}",
                            )
                        )
                periods[day].append((start, end, j))
    _duplicates(("providers",), [pr.name for pr in specs], "name", "the provider", p)
    return p


def staff_problems(specs: Sequence[StaffSpec], *, need_admin: bool = False) -> list[Problem]:
    p: list[Problem] = []
    for i, s in enumerate(specs):
        at: tuple[PathPart, ...] = ("staff", i)
        if not _USERNAME.match(s.username.strip()):
            p.append(
                Problem(
                    (*at, "username"),
                    f"{_q(s.username)} is not a username: 2 to 60 letters, "
                    "digits, dots, dashes or underscores",
                )
            )
        _text((*at, "name"), s.name, "the name", p, limit=120)
        if s.role not in ROLE_PERMISSIONS:
            p.append(Problem((*at, "role"), f"{_q(s.role)} is not a role ({', '.join(ROLE_PERMISSIONS)})"))
    _duplicates(("staff",), [s.username for s in specs], "username", "the username", p)
    if need_admin and not any(s.role == "admin" for s in specs):
        p.append(
            Problem(
                ("staff",),
                'a new clinic needs at least one staff user with the role "admin" (the first administrator)',
            )
        )
    return p


def messaging_problems(spec: MessagingSpec) -> list[Problem]:
    p: list[Problem] = []
    for key in ("quiet_start", "quiet_end"):
        raw = getattr(spec, key)
        if raw is not None and (parse_hhmm(raw) is None or parse_hhmm(raw) == 24 * 60):
            p.append(Problem(("messaging", key), f'{_q(raw)} is not a time: write it as HH:MM, e.g. "21:00"'))
    if (
        spec.quiet_start is not None
        and spec.quiet_end is not None
        and not p
        and parse_hhmm(spec.quiet_start) == parse_hhmm(spec.quiet_end)
    ):
        p.append(Problem(("messaging", "quiet_end"), "quiet hours start and end at the same time"))
    return p


def setup_problems(session: Session | None, setup: ClinicSetup) -> list[Problem]:
    """Every problem of a whole setup (references resolve against the file and the database)."""
    need_admin = session is None or _clinic(session) is None
    country = setup.clinic.country.strip().upper()
    problems = clinic_problems(setup.clinic)
    problems += location_problems(
        setup.locations, country=country if country in phonenumbers.SUPPORTED_REGIONS else "US"
    )
    problems += appointment_type_problems(setup.appointment_types)
    problems += provider_problems(setup.providers, KnownPlaces.of(session, setup.locations))
    problems += staff_problems(setup.staff, need_admin=need_admin)
    if setup.messaging is not None:
        problems += messaging_problems(setup.messaging)
    return problems


# --- Saving --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    action: str  # "create" | "update"
    entity: str  # "clinic", "location", "chair", "appointment type", "provider", "staff user", …
    name: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.action} {self.entity} {_q(self.name)}"
        return f"{text}: {'; '.join(self.details)}" if self.details else text


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: str
    one_time_password: str


@dataclass
class ChangeLog:
    changes: list[Change] = field(default_factory=list)
    new_users: list[NewUser] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SetupResult:
    clinic_id: int
    changes: tuple[Change, ...]
    new_users: tuple[NewUser, ...]  # with their one-time passwords (show them once)
    notes: tuple[str, ...]
    defaults: SeededDefaults | None  # what a new clinic was given
    dry_run: bool

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _clinic(session: Session) -> Clinic | None:
    return session.scalar(select(Clinic).order_by(Clinic.id).limit(1))


def _require_admin(actor: Actor) -> None:
    if not actor.can(ADMIN):
        raise PermissionDenied(
            f"{actor.display_name or actor.username} may not set up the clinic; an administrator may."
        )


def _update(row: Any, wanted: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the differing attributes; returns (before, after) of what changed."""
    before, after = {}, {}
    for key, value in wanted.items():
        if getattr(row, key) != value:
            before[key], after[key] = getattr(row, key), value
            setattr(row, key, value)
    return before, after


# Columns named as the file names them, in the changes shown.
_FILE_KEYS = {"display_name": "name", "default_minutes": "minutes", "is_active": "active"}


def _details(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{_FILE_KEYS.get(k, k)} {_q(before[k])} → {_q(after[k])}" for k in after)


def _record(
    session: Session,
    actor: Actor,
    log: ChangeLog,
    entity: str,
    row: Any,
    name: str,
    *,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    session.flush()
    action = "create" if before is None else "update"
    audit.record(
        session,
        actor,
        f"setup.{action}",
        entity.replace(" ", "_"),
        row.id,
        now=now,
        before=before,
        after=after,
    )
    log.changes.append(Change(action, entity, name, () if before is None else _details(before, after)))


def save_clinic(
    session: Session, actor: Actor, spec: ClinicSpec, *, now: datetime, log: ChangeLog | None = None
) -> Clinic:
    """Create the clinic, or update what differs (there is one clinic per database)."""
    _require_admin(actor)
    _raise_if(clinic_problems(spec))
    log = log if log is not None else ChangeLog()
    country = spec.country.strip().upper()
    wanted = {
        "name": spec.name.strip(),
        "phone": normalise_phone(spec.phone, country),
        "email": spec.email.strip().lower(),
        "country": country,
        "language": spec.language.strip(),
    }
    clinic = _clinic(session)
    if clinic is None:
        clinic = Clinic(**wanted)
        session.add(clinic)
        _record(session, actor, log, "clinic", clinic, clinic.name, now=now, before=None, after=wanted)
        return clinic
    before, after = _update(clinic, wanted)
    if after:
        _record(session, actor, log, "clinic", clinic, clinic.name, now=now, before=before, after=after)
    return clinic


def save_locations(
    session: Session,
    actor: Actor,
    clinic_id: int,
    specs: Sequence[LocationSpec],
    *,
    now: datetime,
    log: ChangeLog | None = None,
    require_chairs: bool = True,
) -> list[Location]:
    """Create or update each location and its chairs (matched by name); others stay as they are.
    ``require_chairs=False`` (the wizard's locations page) saves locations whose chairs come next."""
    _require_admin(actor)
    clinic = session.get(Clinic, clinic_id)
    country = clinic.country if clinic is not None else "US"
    _raise_if(location_problems(specs, country=country, require_chairs=require_chairs))
    log = log if log is not None else ChangeLog()
    existing = {
        loc.name.casefold(): loc
        for loc in session.scalars(select(Location).where(Location.clinic_id == clinic_id))
    }
    out = []
    for spec in specs:
        wanted = {
            "name": spec.name.strip(),
            "timezone": spec.timezone.strip(),
            "address": spec.address.strip(),
            "phone": normalise_phone(spec.phone, country),
        }
        loc = existing.get(spec.name.strip().casefold())
        if loc is None:
            loc = Location(clinic_id=clinic_id, **wanted)
            session.add(loc)
            _record(session, actor, log, "location", loc, loc.name, now=now, before=None, after=wanted)
        else:
            before, after = _update(loc, wanted)
            if after:
                _record(session, actor, log, "location", loc, loc.name, now=now, before=before, after=after)
        _save_chairs(session, actor, loc, spec.chairs, now=now, log=log)
        out.append(loc)
    return out


def _save_chairs(
    session: Session,
    actor: Actor,
    loc: Location,
    specs: Sequence[ChairSpec],
    *,
    now: datetime,
    log: ChangeLog,
) -> None:
    existing = {
        c.name.casefold(): c for c in session.scalars(select(Chair).where(Chair.location_id == loc.id))
    }
    for order, spec in enumerate(specs):
        wanted: dict[str, Any] = {
            "name": spec.name.strip(),
            "room": spec.room.strip(),
            "sort_order": order,
            "is_active": True,
        }
        chair = existing.get(spec.name.strip().casefold())
        label = f"{loc.name}/{spec.name.strip()}"
        if chair is None:
            chair = Chair(location_id=loc.id, **wanted)
            session.add(chair)
            _record(session, actor, log, "chair", chair, label, now=now, before=None, after=wanted)
        else:
            before, after = _update(chair, wanted)
            if after:
                _record(session, actor, log, "chair", chair, label, now=now, before=before, after=after)


def save_appointment_types(
    session: Session,
    actor: Actor,
    clinic_id: int,
    specs: Sequence[AppointmentTypeSpec],
    *,
    now: datetime,
    log: ChangeLog | None = None,
) -> list[AppointmentType]:
    _require_admin(actor)
    _raise_if(appointment_type_problems(specs))
    log = log if log is not None else ChangeLog()
    existing = {t.name.casefold(): t for t in session.scalars(select(AppointmentType))}
    out = []
    for spec in specs:
        wanted: dict[str, Any] = {
            "name": spec.name.strip(),
            "colour": spec.colour.strip().lower(),
            "default_minutes": spec.minutes,
            "category": spec.category.strip(),
            "is_active": True,
        }
        row = existing.get(spec.name.strip().casefold())
        if row is None:
            row = AppointmentType(clinic_id=clinic_id, **wanted)
            session.add(row)
            _record(
                session, actor, log, "appointment type", row, row.name, now=now, before=None, after=wanted
            )
        else:
            before, after = _update(row, wanted)
            if after:
                _record(
                    session,
                    actor,
                    log,
                    "appointment type",
                    row,
                    row.name,
                    now=now,
                    before=before,
                    after=after,
                )
        out.append(row)
    return out


def save_providers(
    session: Session,
    actor: Actor,
    clinic_id: int,
    specs: Sequence[ProviderSpec],
    *,
    now: datetime,
    log: ChangeLog | None = None,
) -> list[Provider]:
    """Create or update providers, their usual chairs and their weekly hours (from today, in the
    location's wall clock; hours that already match are not rewritten)."""
    _require_admin(actor)
    _raise_if(provider_problems(specs, KnownPlaces.of(session, ())))
    log = log if log is not None else ChangeLog()
    locations = {loc.name.casefold(): loc for loc in session.scalars(select(Location))}
    chairs = {(c.location_id, c.name.casefold()): c for c in session.scalars(select(Chair))}
    places = KnownPlaces.of(session, ())
    existing = {p.name.casefold(): p for p in session.scalars(select(Provider))}
    out = []
    for spec in specs:
        wanted: dict[str, Any] = {
            "name": spec.name.strip(),
            "role": spec.role,
            "colour": spec.colour.strip().lower(),
            "max_concurrent": spec.max_concurrent,
            "is_active": True,
        }
        row = existing.get(spec.name.strip().casefold())
        if row is None:
            row = Provider(clinic_id=clinic_id, **wanted)
            session.add(row)
            _record(session, actor, log, "provider", row, row.name, now=now, before=None, after=wanted)
        else:
            before, after = _update(row, wanted)
            if after:
                _record(session, actor, log, "provider", row, row.name, now=now, before=before, after=after)
        if spec.chairs is not None:
            _save_usual_chairs(session, actor, row, spec.chairs, places, locations, chairs, now=now, log=log)
        if spec.hours is not None:
            _save_hours(session, actor, row, spec.hours, locations, now=now, log=log)
        out.append(row)
    return out


def _save_usual_chairs(
    session: Session,
    actor: Actor,
    row: Provider,
    refs: Sequence[str],
    places: KnownPlaces,
    locations: dict[str, Location],
    chairs: dict[tuple[int, str], Chair],
    *,
    now: datetime,
    log: ChangeLog,
) -> None:
    """The provider's usual chairs, in the order given."""
    wanted_chairs: list[int] = []
    for ref in refs:
        resolved = places.resolve_chair(ref)
        assert not isinstance(resolved, str)  # validated before
        chair = chairs[(locations[resolved[0].casefold()].id, resolved[1].casefold())]
        if chair.id not in wanted_chairs:
            wanted_chairs.append(chair.id)
    have = [
        pc.chair_id
        for pc in session.scalars(
            select(ProviderChair)
            .where(ProviderChair.provider_id == row.id)
            .order_by(ProviderChair.sort_order)
        )
    ]
    if have == wanted_chairs:
        return
    for pc in session.scalars(select(ProviderChair).where(ProviderChair.provider_id == row.id)):
        session.delete(pc)
    session.flush()
    session.add_all(
        [ProviderChair(provider_id=row.id, chair_id=c, sort_order=k) for k, c in enumerate(wanted_chairs)]
    )
    loc_names = {loc.id: loc.name for loc in locations.values()}
    names = {c.id: f"{loc_names[c.location_id]}/{c.name}" for c in chairs.values()}
    shown = ", ".join(names[c] for c in wanted_chairs) or "none"
    log.changes.append(
        Change("update", "usual chairs", row.name, (f"{', '.join(names[c] for c in have)} → {shown}",))
        if have
        else Change("create", "usual chairs", row.name, (shown,))
    )
    session.flush()
    audit.record(
        session,
        actor,
        "setup.update",
        "provider",
        row.id,
        now=now,
        before={"usual_chairs": have},
        after={"usual_chairs": wanted_chairs},
    )


def _save_hours(
    session: Session,
    actor: Actor,
    row: Provider,
    hours: Sequence[HoursSpec],
    locations: dict[str, Location],
    *,
    now: datetime,
    log: ChangeLog,
) -> None:
    """The provider's week from today (in the location's wall clock), when it differs."""
    from orca_desk.services import provider_schedules as schedules

    days = [
        schedules.DayHours(
            WEEKDAYS.index(d),
            locations[h.location.strip().casefold()].id,
            parse_hhmm(h.start) or 0,
            parse_hhmm(h.end) or 0,
            tuple(schedules.BreakInput(*_break(b), label="Break") for b in h.breaks),
        )
        for h in hours
        for d in dict.fromkeys(x.strip().lower() for x in h.days)
    ]
    first = days[0].location_id if days else None
    zone_name = next(
        (loc.timezone for loc in locations.values() if loc.id == first),
        next((loc.timezone for loc in locations.values()), "UTC"),
    )
    today = now.astimezone(ZoneInfo(zone_name)).date()
    current = schedules.week_on(session, row.id, today)
    if _week_key(current) == _week_key(days):
        return
    schedules.set_week(session, actor, row.id, days, effective_from=today, now=now)
    log.changes.append(
        Change(
            "update" if current else "create",
            "working hours",
            row.name,
            (f"{_week_text(current, locations)} → {_week_text(days, locations)}",)
            if current
            else (_week_text(days, locations),),
        )
    )


def _break(text: str) -> tuple[int, int]:
    a, _, b = text.partition("-")
    return parse_hhmm(a) or 0, parse_hhmm(b) or 0


def _week_key(days: Sequence[Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            d.weekday,
            d.location_id,
            d.start_minute,
            d.end_minute,
            tuple(sorted((b.start_minute, b.end_minute) for b in d.breaks)),
        )
        for d in days
    )


def _week_text(days: Sequence[Any], locations: dict[str, Location]) -> str:
    if not days:
        return "none"
    names = {loc.id: loc.name for loc in locations.values()}
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for wd, loc_id, s, e, brk in _week_key(days):
        groups[(loc_id, s, e, brk)].append(WEEKDAYS[wd])
    parts = []
    for (loc_id, s, e, brk), weekdays in groups.items():
        text = f"{' '.join(weekdays)} {_hhmm(s)}-{_hhmm(e)} at {names.get(loc_id, loc_id)}"
        if brk:
            text += " (break " + ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in brk) + ")"
        parts.append(text)
    return "; ".join(parts)


def save_staff(
    session: Session,
    actor: Actor,
    clinic_id: int,
    specs: Sequence[StaffSpec],
    *,
    now: datetime,
    log: ChangeLog | None = None,
) -> list[NewUser]:
    """Create new users with one-time passwords (returned once), update names and roles of
    existing ones; passwords of existing users are never touched."""
    _require_admin(actor)
    _raise_if(staff_problems(specs))
    log = log if log is not None else ChangeLog()
    existing = {u.username.casefold(): u for u in session.scalars(select(StaffUser))}
    created: list[NewUser] = []
    for spec in specs:
        username = spec.username.strip()
        wanted = {"display_name": spec.name.strip(), "role": spec.role}
        user = existing.get(username.casefold())
        if user is None:
            password = one_time_password()
            user = StaffUser(
                clinic_id=clinic_id,
                username=username,
                password_hash=hash_password(password),
                must_change_password=True,
                **wanted,
            )
            session.add(user)
            _record(
                session,
                actor,
                log,
                "staff user",
                user,
                username,
                now=now,
                before=None,
                after={"username": username, **wanted},
            )
            created.append(NewUser(username, wanted["display_name"], spec.role, password))
        else:
            before, after = _update(user, wanted)
            if after:
                _record(
                    session,
                    actor,
                    log,
                    "staff user",
                    user,
                    user.username,
                    now=now,
                    before=before,
                    after=after,
                )
            if not user.is_active:
                log.notes.append(
                    f"staff user {_q(user.username)} is deactivated and stays so "
                    "(reactivate them in Administration)"
                )
    admins = session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == "admin", StaffUser.is_active.is_(True))
    )
    if not admins:
        raise SetupInvalid(
            [
                Problem(
                    ("staff",), 'this would leave the clinic without an active administrator (role "admin")'
                )
            ]
        )
    log.new_users.extend(created)
    return created


def save_messaging(
    session: Session, actor: Actor, spec: MessagingSpec, *, now: datetime, log: ChangeLog | None = None
) -> None:
    """Quiet hours (the SMS and email providers stay as they are: ``local`` on a new clinic)."""
    from dataclasses import replace
    from datetime import time

    from orca_desk.services import clinic_settings

    _require_admin(actor)
    _raise_if(messaging_problems(spec))
    log = log if log is not None else ChangeLog()
    current = clinic_settings.load_settings(session)

    def as_time(raw: str | None, default: time) -> time:
        if raw is None:
            return default
        minute = parse_hhmm(raw) or 0
        return time(minute // 60, minute % 60)

    wanted = replace(
        current,
        quiet_start=as_time(spec.quiet_start, current.quiet_start),
        quiet_end=as_time(spec.quiet_end, current.quiet_end),
    )
    if wanted != current:
        clinic_settings.save_settings(session, actor, wanted, now=now)
        details = tuple(
            f"{k} {getattr(current, k):%H:%M} → {getattr(wanted, k):%H:%M}"
            for k in ("quiet_start", "quiet_end")
            if getattr(current, k) != getattr(wanted, k)
        )
        log.changes.append(Change("update", "messaging", "quiet hours", details))


def apply_setup(
    session: Session, setup: ClinicSetup, *, actor: Actor | None, now: datetime, dry_run: bool = False
) -> SetupResult:
    """Validate the whole setup (refused whole, every problem named), then make the database
    match it: one transaction, the caller's. ``actor`` is an administrator; it may be None only
    on an empty database (the setup creates the first administrator). A dry run does every
    change inside a savepoint and rolls it back, so it reports exactly what would change."""
    clinic = _clinic(session)
    if clinic is None:
        acting = actor or SETUP_ACTOR
    else:
        if actor is None:
            raise PermissionDenied(
                "This database already holds a clinic: sign in as an administrator "
                "(--user NAME) to change it."
            )
        acting = actor
    _require_admin(acting)
    _raise_if(setup_problems(session, setup))
    if not dry_run:
        return _apply(session, setup, acting, now=now, dry_run=False)
    savepoint = session.begin_nested()
    try:
        return _apply(session, setup, acting, now=now, dry_run=True)
    finally:
        savepoint.rollback()


def _apply(
    session: Session, setup: ClinicSetup, actor: Actor, *, now: datetime, dry_run: bool
) -> SetupResult:
    log = ChangeLog()
    is_new = _clinic(session) is None
    clinic = save_clinic(session, actor, setup.clinic, now=now, log=log)
    save_locations(session, actor, clinic.id, setup.locations, now=now, log=log)
    save_appointment_types(session, actor, clinic.id, setup.appointment_types, now=now, log=log)
    save_providers(session, actor, clinic.id, setup.providers, now=now, log=log)
    save_staff(session, actor, clinic.id, setup.staff, now=now, log=log)
    if setup.messaging is not None:
        save_messaging(session, actor, setup.messaging, now=now, log=log)
    defaults = seed_clinic_defaults(session, clinic.id, now=now) if is_new else None
    session.flush()
    return SetupResult(
        clinic.id, tuple(log.changes), tuple(log.new_users), tuple(log.notes), defaults, dry_run
    )
