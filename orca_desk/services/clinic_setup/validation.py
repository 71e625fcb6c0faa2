"""Validation of each section and of a whole setup: every problem named, nothing written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from zoneinfo import available_timezones

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Chair, Clinic, Location
from orca_desk.services.access.security import ROLE_PERMISSIONS
from orca_desk.services.setup_file.problems import (
    EMAIL,
    LANGUAGE,
    USERNAME,
    Problem,
    check_colour,
    check_duplicates,
    check_text,
    format_path,
    hhmm,
    parse_hhmm,
    phone_problem,
    quote,
)
from orca_desk.services.setup_file.specs import (
    MAX_CONCURRENT,
    PROVIDER_ROLES,
    WEEKDAYS,
    AppointmentTypeSpec,
    ClinicSetup,
    ClinicSpec,
    HoursSpec,
    LocationSpec,
    MessagingSpec,
    PathPart,
    ProviderSpec,
    StaffSpec,
)


def clinic_problems(spec: ClinicSpec) -> list[Problem]:
    p: list[Problem] = []
    check_text(("clinic", "name"), spec.name, "the clinic name", p, limit=120)
    country = spec.country.strip().upper()
    if country not in phonenumbers.SUPPORTED_REGIONS:
        p.append(
            Problem(
                ("clinic", "country"),
                f"{quote(spec.country)} is not a country code: use the "
                'two letters of ISO 3166, e.g. "US", "CA", "GB"',
            )
        )
        country = ""
    if not spec.phone.strip():
        p.append(Problem(("clinic", "phone"), "the clinic phone is required: patients are told to call it"))
    elif country:
        problem = phone_problem(spec.phone, country)
        if problem:
            p.append(Problem(("clinic", "phone"), problem))
    if spec.email.strip() and not EMAIL.match(spec.email.strip()):
        p.append(Problem(("clinic", "email"), f"{quote(spec.email)} is not an email address"))
    if not LANGUAGE.match(spec.language.strip()):
        p.append(
            Problem(
                ("clinic", "language"),
                f'{quote(spec.language)} is not a language code: use ISO 639, e.g. "en" or "es"',
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
        check_text((*at, "name"), loc.name, "the location name", p, limit=120)
        if loc.timezone.strip() not in zones:
            p.append(
                Problem(
                    (*at, "timezone"),
                    f"{quote(loc.timezone)} is not an IANA time zone, "
                    'e.g. "America/New_York" or "Europe/London"',
                )
            )
        check_text((*at, "address"), loc.address, "the address", p, limit=300, required=False)
        if loc.phone.strip():
            problem = phone_problem(loc.phone, country)
            if problem:
                p.append(Problem((*at, "phone"), problem))
        if require_chairs and not loc.chairs:
            p.append(Problem((*at, "chairs"), "a location needs at least one chair to book into"))
        for j, chair in enumerate(loc.chairs):
            check_text((*at, "chairs", j, "name"), chair.name, "the chair name", p, limit=60)
            check_text((*at, "chairs", j, "room"), chair.room, "the room", p, limit=60, required=False)
            if "/" in chair.name:
                p.append(
                    Problem(
                        (*at, "chairs", j, "name"),
                        'a chair name cannot contain "/" (it separates location and chair)',
                    )
                )
        check_duplicates((*at, "chairs"), [c.name for c in loc.chairs], "name", "the chair", p)
    check_duplicates(("locations",), [loc.name for loc in specs], "name", "the location", p)
    return p


def appointment_type_problems(specs: Sequence[AppointmentTypeSpec]) -> list[Problem]:
    p: list[Problem] = []
    for i, t in enumerate(specs):
        at: tuple[PathPart, ...] = ("appointment_types", i)
        check_text((*at, "name"), t.name, "the type name", p, limit=80)
        check_colour((*at, "colour"), t.colour, p)
        if not 5 <= t.minutes <= 480 or t.minutes % 5:
            p.append(
                Problem(
                    (*at, "minutes"), f"{t.minutes} is not a length: use minutes from 5 to 480, in steps of 5"
                )
            )
        check_text((*at, "category"), t.category, "the category", p, limit=40)
    check_duplicates(("appointment_types",), [t.name for t in specs], "name", "the type", p)
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
            where = f" at {quote(loc.strip())}" if loc else ""
            return f"there is no chair {quote(name)}{where}"
        if len(hits) > 1:
            return (
                f"{quote(name)} is at {', '.join(h[0] for h in hits)}: "
                f'write "{hits[0][0]}/{name}" to choose one'
            )
        return hits[0]


def provider_problems(specs: Sequence[ProviderSpec], places: KnownPlaces) -> list[Problem]:
    p: list[Problem] = []
    for i, prov in enumerate(specs):
        at: tuple[PathPart, ...] = ("providers", i)
        check_text((*at, "name"), prov.name, "the provider name", p, limit=120)
        if prov.role not in PROVIDER_ROLES:
            p.append(
                Problem(
                    (*at, "role"), f"{quote(prov.role)} is not a provider role ({', '.join(PROVIDER_ROLES)})"
                )
            )
        check_colour((*at, "colour"), prov.colour, p)
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
        _week_problems(at, prov.hours or (), places, p)
    check_duplicates(("providers",), [pr.name for pr in specs], "name", "the provider", p)
    return p


def _week_problems(
    at: tuple[PathPart, ...], hours: Sequence[HoursSpec], places: KnownPlaces, p: list[Problem]
) -> None:
    """Each hours entry of one provider, then the periods of one day that overlap."""
    periods: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # day -> (start, end, hours #)
    for j, h in enumerate(hours):
        hp: tuple[PathPart, ...] = (*at, "hours", j)
        span = _hours_problems(hp, h, places, p)
        if span is None:
            continue
        start, end = span
        for day in {d.strip().lower() for d in h.days if d.strip().lower() in WEEKDAYS}:
            for s0, e0, j0 in periods[day]:
                if start < e0 and s0 < end:
                    p.append(
                        Problem(
                            (*hp, "start"),
                            f"{day} {hhmm(start)}-{hhmm(end)} overlaps "
                            f"{hhmm(s0)}-{hhmm(e0)} of "
                            f"{format_path((*at, 'hours', j0))}",
                        )
                    )
            periods[day].append((start, end, j))


def _hours_problems(
    hp: tuple[PathPart, ...], h: HoursSpec, places: KnownPlaces, p: list[Problem]
) -> tuple[int, int] | None:
    """The problems of one hours entry; its (start, end) when they are times in order."""
    if h.location.strip().casefold() not in places.chairs:
        known = ", ".join(places.names.values()) or "none yet"
        p.append(Problem((*hp, "location"), f"there is no location {quote(h.location)} (locations: {known})"))
    if not h.days:
        p.append(Problem((*hp, "days"), "name at least one weekday (mon…sun)"))
    for day in h.days:
        if day.strip().lower() not in WEEKDAYS:
            p.append(Problem((*hp, "days"), f"{quote(day)} is not a weekday (mon…sun)"))
    start, end = parse_hhmm(h.start), parse_hhmm(h.end)
    for key, raw, value in (("start", h.start, start), ("end", h.end, end)):
        if value is None:
            p.append(Problem((*hp, key), f'{quote(raw)} is not a time: write it as HH:MM, e.g. "08:00"'))
    if start is None or end is None:
        return None
    if end <= start:
        p.append(Problem((*hp, "end"), f"the end {hhmm(end)} is not after the start {hhmm(start)}"))
        return None
    _break_problems(hp, h.breaks, start, end, p)
    return start, end


def _break_problems(
    hp: tuple[PathPart, ...], breaks: Sequence[str], start: int, end: int, p: list[Problem]
) -> None:
    spans: list[tuple[int, int]] = []
    for k, raw in enumerate(breaks):
        bs_raw, sep, be_raw = raw.partition("-")
        bs, be = parse_hhmm(bs_raw), parse_hhmm(be_raw)
        if not sep or bs is None or be is None or be <= bs:
            p.append(
                Problem(
                    (*hp, "breaks", k),
                    f'{quote(raw)} is not a break: write it as "HH:MM-HH:MM", e.g. "12:00-13:00"',
                )
            )
        elif bs < start or be > end:
            p.append(
                Problem(
                    (*hp, "breaks", k),
                    f"the break {hhmm(bs)}-{hhmm(be)} is outside the hours {hhmm(start)}-{hhmm(end)}",
                )
            )
        else:
            spans.append((bs, be))
    for (s1, e1), (s2, e2) in pairwise(sorted(spans)):
        if s2 < e1:
            p.append(
                Problem(
                    (*hp, "breaks"),
                    f"the breaks {hhmm(s1)}-{hhmm(e1)} and {hhmm(s2)}-{hhmm(e2)} overlap",
                )
            )


def staff_problems(specs: Sequence[StaffSpec], *, need_admin: bool = False) -> list[Problem]:
    p: list[Problem] = []
    for i, s in enumerate(specs):
        at: tuple[PathPart, ...] = ("staff", i)
        if not USERNAME.match(s.username.strip()):
            p.append(
                Problem(
                    (*at, "username"),
                    f"{quote(s.username)} is not a username: 2 to 60 letters, "
                    "digits, dots, dashes or underscores",
                )
            )
        check_text((*at, "name"), s.name, "the name", p, limit=120)
        if s.role not in ROLE_PERMISSIONS:
            p.append(Problem((*at, "role"), f"{quote(s.role)} is not a role ({', '.join(ROLE_PERMISSIONS)})"))
    check_duplicates(("staff",), [s.username for s in specs], "username", "the username", p)
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
            p.append(
                Problem(("messaging", key), f'{quote(raw)} is not a time: write it as HH:MM, e.g. "21:00"')
            )
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
    need_admin = session is None or current_clinic(session) is None
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


def current_clinic(session: Session) -> Clinic | None:
    return session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
