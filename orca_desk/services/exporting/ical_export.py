"""iCalendar (.ics) export of appointments; a recurring series is one VEVENT with RRULE/EXDATE/overrides."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Literal
from zoneinfo import ZoneInfo

from icalendar import Timezone
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Clinic, Location, Provider
from orca_desk.models.patient import Patient
from orca_desk.models.series import RecurringSeries, SeriesException
from orca_desk.services import recurrence
from orca_desk.services.bulk import chunks
from orca_desk.services.errors import NotFound, ValidationError

Privacy = Literal["initials", "full"]
PRIVACIES: tuple[str, ...] = ("initials", "full")
PRODID = "-//Orca Desk//Orca Desk Calendar Export//EN"
MAX_DAYS = 3 * 366
HIDDEN_STATUSES = ("cancelled", "no_show")
_SPECIAL = re.compile(r"[\\;,\n\r]")
# Earliest and latest UTC offsets on Earth: a query window that holds any zone's local day.
_WIDEST_EAST, _WIDEST_WEST = timedelta(hours=14), timedelta(hours=12)


@dataclass(frozen=True)
class EventData:
    """What one VEVENT says, whatever the privacy: already chosen and worded."""

    start: datetime  # aware, in the location's zone
    end: datetime
    summary: str
    description: str
    location: str
    status: str  # CONFIRMED | TENTATIVE
    sequence: int = 0
    created: datetime | None = None  # UTC
    last_modified: datetime | None = None  # UTC


@dataclass(frozen=True)
class SeriesExport:
    """A recurring series as iCal needs it: one rule, its removed and its changed occurrences."""

    uid: str
    rrule: str  # RFC 5545 RRULE value, no "RRULE:" prefix
    zone: ZoneInfo
    master: EventData  # start = DTSTART (local, in ``zone``); end - start = the usual length
    exdates: tuple[datetime, ...] = ()  # local starts of removed occurrences
    overrides: tuple[tuple[datetime, EventData], ...] = ()  # (RECURRENCE-ID local, the event)


@dataclass(frozen=True)
class IcalExport:
    """The .ics bytes and what went in."""

    data: bytes
    events: int  # single VEVENTs
    series: int  # recurring VEVENTs (each with RRULE)
    overrides: int
    exdates: int
    appointments: int  # appointments in the range that the file shows


@dataclass(slots=True)
class _Row:
    id: int
    version: int
    series_id: int | None
    occurrence_start: datetime | None
    first_name: str
    last_name: str
    provider_id: int
    provider_name: str
    chair_id: int
    chair_name: str
    location_id: int
    location_name: str
    address: str
    timezone: str
    type_id: int
    type_name: str
    start: datetime
    end: datetime
    status: str
    confirmation: str
    updated: datetime


def clinic_slug(name: str) -> str:
    """``Bright Smiles Orthodontics`` → ``bright-smiles-orthodontics`` (the UID domain part)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "clinic"


def appointment_uid(appointment_id: int, slug: str) -> str:
    return f"appt-{appointment_id}@{slug}.orca-desk"


def series_uid(series_id: int, slug: str) -> str:
    return f"series-{series_id}@{slug}.orca-desk"


def export_ical(
    session: Session,
    *,
    start: date,
    end: date,
    location_id: int | None = None,
    provider_id: int | None = None,
    chair_id: int | None = None,
    privacy: str = "initials",
    now: datetime,
    out: BinaryIO | Path | str | None = None,
) -> IcalExport:
    """Export the appointments of local days ``start``..``end`` (inclusive) as an .ics calendar.

    Filters combine (location, provider, chair). ``privacy="initials"`` (the default) writes
    the least health information: initials and no appointment type; ``"full"`` writes the
    patient's name and the type. Appointments of a recurring series are written as the
    series' one VEVENT (RRULE, EXDATE for removed occurrences, RECURRENCE-ID overrides for
    changed ones), whole, even where it reaches outside the range. UIDs are stable across
    exports. Queries: the clinic, one for the range, and three more when series are involved.
    """
    if privacy not in PRIVACIES:
        raise ValidationError(f"Privacy {privacy!r}: choose initials or full.", field="privacy")
    if end < start:
        raise ValidationError(f"The range ends ({end}) before it starts ({start}).", field="to")
    if (end - start).days > MAX_DAYS:
        raise ValidationError("Export at most three years at a time.", field="to")
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    if clinic is None:
        raise NotFound("There is no clinic in this database yet.")
    slug = clinic_slug(clinic.name)
    names = _check_filters(session, location_id, provider_id, chair_id)

    lo = datetime.combine(start, time(0), tzinfo=UTC) - _WIDEST_EAST
    hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC) + _WIDEST_WEST
    q = _base_query().where(Appointment.start_at >= lo, Appointment.start_at < hi)
    if location_id is not None:
        q = q.where(Appointment.location_id == location_id)
    if provider_id is not None:
        q = q.where(Appointment.provider_id == provider_id)
    if chair_id is not None:
        q = q.where(Appointment.chair_id == chair_id)
    rows = _rows(session, q)
    zones = {name: ZoneInfo(name) for name in {r.timezone for r in rows}}
    rows = [r for r in rows if start <= r.start.astimezone(zones[r.timezone]).date() <= end]

    singles = [r for r in rows if r.series_id is None and r.status not in HIDDEN_STATUSES]
    series_ids = sorted(
        {r.series_id for r in rows if r.series_id is not None and r.status not in HIDDEN_STATUSES}
    )
    series = load_series_exports(session, series_ids, slug=slug, privacy=privacy)
    in_series = {sid for sid in series_ids if sid in series}
    # A series row whose series is gone is exported on its own.
    singles += [
        r
        for r in rows
        if r.series_id is not None and r.series_id not in in_series and r.status not in HIDDEN_STATUSES
    ]
    shown = sum(1 for r in rows if r.status not in HIDDEN_STATUSES)

    events = [(appointment_uid(r.id, slug), _event_data(r, privacy)) for r in singles]
    exports = [series[sid] for sid in series_ids if sid in series]
    name = " — ".join([clinic.name, *names]) if names else clinic.name
    data = write_calendar(events, exports, name=name, now=now)
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(data)
    elif out is not None:
        out.write(data)
    return IcalExport(
        data=data,
        events=len(events),
        series=len(exports),
        overrides=sum(len(s.overrides) for s in exports),
        exdates=sum(len(s.exdates) for s in exports),
        appointments=shown,
    )


def _check_filters(
    session: Session, location_id: int | None, provider_id: int | None, chair_id: int | None
) -> list[str]:
    names: list[str] = []
    if location_id is not None:
        loc = session.get(Location, location_id)
        if loc is None:
            raise NotFound(f"There is no location with id {location_id}.")
        names.append(loc.name)
    if provider_id is not None:
        prov = session.get(Provider, provider_id)
        if prov is None:
            raise NotFound(f"There is no provider with id {provider_id}.")
        names.append(prov.name)
    if chair_id is not None:
        chair = session.get(Chair, chair_id)
        if chair is None:
            raise NotFound(f"There is no chair with id {chair_id}.")
        if location_id is not None and chair.location_id != location_id:
            raise ValidationError(f"{chair.name} (id {chair_id}) is not at {names[0]}.", field="chair")
        names.append(chair.name)
    return names


def _base_query() -> Any:  # a Select of _Row's columns
    return (
        select(
            Appointment.id,
            Appointment.version,
            Appointment.series_id,
            Appointment.series_occurrence_start,
            Patient.first_name,
            Patient.last_name,
            Appointment.provider_id,
            Provider.name,
            Appointment.chair_id,
            Chair.name,
            Appointment.location_id,
            Location.name,
            Location.address,
            Location.timezone,
            Appointment.type_id,
            AppointmentType.name,
            Appointment.start_at,
            Appointment.end_at,
            Appointment.status,
            Appointment.confirmation,
            Appointment.updated_at,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Provider, Provider.id == Appointment.provider_id)
        .join(Chair, Chair.id == Appointment.chair_id)
        .join(Location, Location.id == Appointment.location_id)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .order_by(Appointment.start_at, Appointment.id)
    )


def _rows(session: Session, q: Select[Any]) -> list[_Row]:
    return [_Row(*r) for r in session.execute(q)]


# --- series ----------------------------------------------------------------------------------


def load_series_exports(
    session: Session, series_ids: Sequence[int], *, slug: str, privacy: str
) -> dict[int, SeriesExport]:
    """The series as iCal sees them, in three queries whatever their number."""
    if not series_ids:
        return {}
    out: dict[int, SeriesExport] = {}
    all_series: list[RecurringSeries] = []
    exceptions: dict[int, dict[datetime, str]] = defaultdict(dict)
    members: dict[int, list[_Row]] = defaultdict(list)
    for part in chunks(series_ids, 500):
        all_series += session.scalars(select(RecurringSeries).where(RecurringSeries.id.in_(part)))
        for sid, original, kind in session.execute(
            select(SeriesException.series_id, SeriesException.original_start, SeriesException.kind).where(
                SeriesException.series_id.in_(part)
            )
        ):
            exceptions[sid][original] = kind
        for r in _rows(session, _base_query().where(Appointment.series_id.in_(part))):
            assert r.series_id is not None
            members[r.series_id].append(r)
    for s in all_series:
        export = _series_export(s, exceptions[s.id], members[s.id], slug=slug, privacy=privacy)
        if export is not None:
            out[s.id] = export
    return out


def _series_export(
    s: RecurringSeries, exceptions: dict[datetime, str], members: list[_Row], *, slug: str, privacy: str
) -> SeriesExport | None:
    zone = ZoneInfo(s.timezone)
    dtstart = datetime.combine(s.start_date, time(s.start_minute // 60, s.start_minute % 60), tzinfo=zone)
    length = timedelta(minutes=s.minutes)
    booked_until = s.materialised_until
    keyed = {r.occurrence_start: r for r in members if r.occurrence_start is not None}
    if not members or all(r.status in HIDDEN_STATUSES for r in members):
        return None
    # The rule's occurrences as far as appointments exist (a never-ending rule stops there).
    last = max([r.occurrence_start or r.start for r in members] + list(exceptions))
    limit_at = max(last, booked_until) if booked_until is not None else last
    occs = {o.astimezone(UTC) for o in recurrence.occurrences(s.rrule, dtstart, until=limit_at)}
    # Word the master from an unchanged occurrence when there is one.
    template = next(
        (
            r
            for r in members
            if r.occurrence_start == r.start
            and (r.chair_id, r.provider_id, r.type_id) == (s.chair_id, s.provider_id, s.type_id)
        ),
        members[0],
    )
    typical = Counter(_status_of(r) for r in members if r.status not in HIDDEN_STATUSES).most_common(1)[0][0]
    exdates: list[datetime] = []
    overrides: list[tuple[datetime, EventData]] = []
    for key in sorted(occs | set(exceptions) | set(keyed)):
        r = keyed.get(key)
        if r is None or r.status in HIDDEN_STATUSES:
            if key in occs and (
                key in exceptions or r is not None or booked_until is None or key < booked_until
            ):
                exdates.append(key.astimezone(zone))
            continue
        changed = (
            exceptions.get(key) == "override"
            or r.start != key
            or r.end - r.start != length
            or (r.chair_id, r.provider_id, r.type_id) != (s.chair_id, s.provider_id, s.type_id)
            or _status_of(r) != typical
            or key not in occs
        )
        if changed:
            overrides.append((key.astimezone(zone), _event_data(r, privacy)))
    base = _event_data(template, privacy)
    master = EventData(
        start=dtstart,
        end=dtstart + length,
        summary=base.summary,
        description=base.description,
        location=base.location,
        status=typical,
        sequence=max(0, s.version - 1),
        created=s.created_at,
        last_modified=s.updated_at,
    )
    return SeriesExport(
        uid=series_uid(s.id, slug),
        rrule=s.rrule.removeprefix("RRULE:"),
        zone=zone,
        master=master,
        exdates=tuple(exdates),
        overrides=tuple(overrides),
    )


# --- wording ---------------------------------------------------------------------------------


def _status_of(r: _Row) -> str:
    return (
        "CONFIRMED"
        if r.confirmation == "confirmed" or r.status in ("confirmed", "arrived", "seated", "completed")
        else "TENTATIVE"
    )


def _summary(r: _Row, privacy: str) -> str:
    if privacy == "full":
        return f"{r.first_name} {r.last_name} — {r.type_name}"
    return f"{r.first_name[:1]}.{r.last_name[:1]}. — appointment"


def _event_data(r: _Row, privacy: str) -> EventData:
    zone = _zone(r.timezone)
    return EventData(
        start=r.start.astimezone(zone),
        end=r.end.astimezone(zone),
        summary=_summary(r, privacy),
        description=_description(privacy, r.type_name, r.provider_name, r.chair_name, r.confirmation),
        location=_place(r.location_name, r.chair_name, r.address),
        status=_status_of(r),
        sequence=max(0, r.version - 1),
        last_modified=r.updated,
    )


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=4096)
def _description(privacy: str, type_name: str, provider: str, chair: str, confirmation: str) -> str:
    lines = [f"Provider: {provider}", f"Chair: {chair}", f"Confirmation: {confirmation}"]
    if privacy == "full":
        lines.insert(0, f"Type: {type_name}")
    return "\n".join(lines)


@lru_cache(maxsize=1024)
def _place(location: str, chair: str, address: str) -> str:
    return f"{location}, {chair}" + (f", {address}" if address else "")


# --- writing ---------------------------------------------------------------------------------


def write_calendar(
    events: Sequence[tuple[str, EventData]], series: Sequence[SeriesExport], *, name: str, now: datetime
) -> bytes:
    """An RFC 5545 VCALENDAR: VTIMEZONEs (from zoneinfo, via icalendar), then the VEVENTs.

    Lines are written directly (icalendar's object model takes seconds for a year of a
    provider); text is escaped and lines folded at 75 octets as RFC 5545 §3.1 asks.
    """
    stamp = _utc_text(now)
    zones: dict[str, list[datetime]] = defaultdict(list)
    for _, ev in events:
        zones[_tzid(ev.start)].append(ev.start)
    for s in series:
        zones[_tzid(s.master.start)] += [s.master.start, *s.exdates, *(o for o, _ in s.overrides)]
        zones[_tzid(s.master.start)] += [e.start for _, e in s.overrides]
    out: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        _fold(f"X-WR-CALNAME:{_text(name)}"),
    ]
    for tzid, instants in sorted(zones.items()):
        first = min(instants).date() - timedelta(days=1)
        # A never-ending rule runs on: cover its zone for years past the last known occurrence.
        last = max(instants).date() + timedelta(days=366 * (10 if series else 1))
        vtz = Timezone.from_tzinfo(ZoneInfo(tzid), tzid=tzid, first_date=first, last_date=last)
        out += [_fold(x) for x in vtz.to_ical().decode().replace("\r\n ", "").splitlines()]
    for uid, ev in events:
        out += _vevent(uid, ev, stamp)
    for s in series:
        extra = [f"RRULE:{s.rrule}"]
        if s.exdates:
            extra.append(
                f"EXDATE;TZID={_tzid(s.master.start)}:"
                + ",".join(_local_text(d.astimezone(s.zone)) for d in s.exdates)
            )
        out += _vevent(s.uid, s.master, stamp, extra)
        for original, ev in s.overrides:
            out += _vevent(
                s.uid,
                ev,
                stamp,
                [f"RECURRENCE-ID;TZID={_tzid(s.master.start)}:{_local_text(original.astimezone(s.zone))}"],
            )
    out.append("END:VCALENDAR")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _vevent(uid: str, ev: EventData, stamp: str, extra: Sequence[str] = ()) -> list[str]:
    tzid = _tzid(ev.start)
    # Only TEXT values and date lists can pass 75 octets; the other lines are short by construction.
    lines = [
        "BEGIN:VEVENT",
        _fold(f"UID:{uid}"),
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID={tzid}:{_local_text(ev.start)}",
        f"DTEND;TZID={tzid}:{_local_text(ev.end.astimezone(ev.start.tzinfo))}",
        *(_fold(x) for x in extra),
        _prop("SUMMARY", ev.summary),
        _prop("DESCRIPTION", ev.description),
        _prop("LOCATION", ev.location),
        f"STATUS:{ev.status}",
        f"SEQUENCE:{ev.sequence}",
        "TRANSP:OPAQUE",
        "CLASS:PRIVATE",
    ]
    if ev.created is not None:
        lines.append(f"CREATED:{_utc_text(ev.created)}")
    if ev.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{_utc_text(ev.last_modified)}")
    lines.append("END:VEVENT")
    return lines


@lru_cache(maxsize=16384)
def _prop(name: str, value: str) -> str:
    """A folded TEXT property line (summaries, descriptions and places repeat a lot)."""
    return _fold(f"{name}:{_text(value)}")


def _tzid(dt: datetime) -> str:
    tz = dt.tzinfo
    if isinstance(tz, ZoneInfo):
        return tz.key
    if tz is UTC:
        return "UTC"
    raise ValidationError("Times to export need an IANA zone (the location's).")


def _local_text(dt: datetime) -> str:
    # isoformat() is the fastest formatter: "2026-03-03T09:00:00[.ffffff][+hh:mm]" → "20260303T090000"
    return dt.isoformat().replace("-", "").replace(":", "")[:15]


def _utc_text(dt: datetime) -> str:
    return _local_text(dt.astimezone(UTC)) + "Z"


@lru_cache(maxsize=8192)
def _text(value: str) -> str:
    """RFC 5545 TEXT escaping."""
    if not _SPECIAL.search(value):
        return value
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    if len(line) <= 75 and (line.isascii() or len(line.encode("utf-8")) <= 75):
        return line
    if line.isascii():
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    parts: list[str] = []
    chunk: list[str] = []
    size, limit = 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            parts.append("".join(chunk))
            chunk, size, limit = [], 0, 74  # continuation lines start with a space
        chunk.append(ch)
        size += n
    parts.append("".join(chunk))
    return "\r\n ".join(parts)
