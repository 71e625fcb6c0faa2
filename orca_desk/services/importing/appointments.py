"""Import appointments: future visits are checked like any booking (conflicts are reported, never
forced) and get their reminder plans; past and cancelled visits are kept as history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import ACTIVE_STATUSES, ALL_STATUSES, Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Location, Provider
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.access.security import IMPORT_DATA, Actor
from orca_desk.services.booking.appointment_effects import AppointmentChange, after_changes
from orca_desk.services.booking.booking_checks import check_conflicts
from orca_desk.services.booking.statuses import MAX_MINUTES
from orca_desk.services.bulk import chunks
from orca_desk.services.errors import ConflictError, PermissionDenied, ValidationError
from orca_desk.services.importing.own_ids import own_id, parse_own_id
from orca_desk.services.importing.report import ImportReport, Rejection
from orca_desk.services.importing.table import Record, Table
from orca_desk.services.importing.values import CellError, parse_local_datetime, parse_yes_no, text_of

T = TypeVar("T")

APPOINTMENT_FIELDS = (
    "external_id",
    "patient_external_id",
    "start",
    "minutes",
    "type",
    "provider",
    "location",
    "chair",
    "status",
    "confirmed",
    "notes",
)
_REQUIRED = ("external_id", "patient_external_id", "start", "type", "provider", "location", "chair")
REQUIRED_APPOINTMENT_FIELDS = _REQUIRED  # the import wizard's column dialog marks these
# Words other systems use for our statuses (Open Dental: Complete, Broken).
_STATUS_WORDS = {
    **{s: s for s in ALL_STATUSES},
    "complete": "completed",
    "done": "completed",
    "canceled": "cancelled",
    "no-show": "no_show",
    "noshow": "no_show",
    "broken": "no_show",
    "missed": "no_show",
    "booked": "scheduled",
}
# Statuses a future visit may have in the file; it has not happened yet.
_FUTURE_STATUSES = ("scheduled", "confirmed", "cancelled")


@dataclass(frozen=True)
class _Reference:
    """The clinic's names, case-insensitive, to resolve the file's words to ids."""

    locations: dict[str, tuple[int, ZoneInfo]]
    chairs: dict[tuple[int, str], int]
    providers: dict[str, Provider]
    types: dict[str, AppointmentType]
    patients: dict[str, int]


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _reference(session: Session, clinic_id: int, patient_ids: set[str]) -> _Reference:
    locations = {
        _key(loc.name): (loc.id, ZoneInfo(loc.timezone))
        for loc in session.scalars(select(Location).where(Location.clinic_id == clinic_id))
    }
    chairs = {
        (c.location_id, _key(c.name)): c.id
        for c in session.scalars(select(Chair).where(Chair.is_active.is_(True)))
    }
    providers = {
        _key(p.name): p
        for p in session.scalars(select(Provider).where(Provider.clinic_id == clinic_id, Provider.is_active))
    }
    types = {
        _key(t.name): t
        for t in session.scalars(
            select(AppointmentType).where(AppointmentType.clinic_id == clinic_id, AppointmentType.is_active)
        )
    }
    patients: dict[str, int] = {}
    own = {parse_own_id(e): e for e in patient_ids if parse_own_id(e) is not None}
    wanted = sorted(e for e in patient_ids if parse_own_id(e) is None)
    for keys in chunks(sorted(k for k in own if k is not None)):
        found = session.scalars(
            select(Patient.id).where(Patient.clinic_id == clinic_id, Patient.id.in_(keys))
        )
        patients.update({own[pid]: pid for pid in found})
    for part in chunks(wanted):
        query = select(Patient.external_id, Patient.id).where(
            Patient.clinic_id == clinic_id, Patient.external_id.in_(part)
        )
        patients.update({ext: pid for ext, pid in session.execute(query) if ext})
    return _Reference(locations, chairs, providers, types, patients)


@dataclass(frozen=True)
class _Draft:
    line: int
    external_id: str
    patient_id: int
    provider: Provider
    chair_id: int
    location_id: int
    type_id: int
    start: datetime
    end: datetime
    status: str
    confirmation: str
    notes: str


def _lookup(table: Mapping[str, T], value: str, what: str) -> T:
    found = table.get(_key(value))
    if found is None:
        raise CellError(f"{what}: there is no {what} {value!r}")
    return found


def _draft(record: Record, ref: _Reference, *, region: str) -> _Draft:
    cells = record.values

    def cell(name: str) -> str:
        return cells.get(name, "").strip()

    external_id = text_of(cell("external_id"), limit=64, what="external_id")
    patient_ext = cell("patient_external_id")
    if not external_id or not patient_ext:
        raise CellError("external_id and patient_external_id are required")
    patient_id = ref.patients.get(patient_ext)
    if patient_id is None:
        raise CellError(f"patient_external_id: no imported patient has the id {patient_ext!r}")
    location = ref.locations.get(_key(cell("location")))
    if location is None:
        raise CellError(f"location: there is no location {cell('location')!r}")
    location_id, zone = location
    chair_id = ref.chairs.get((location_id, _key(cell("chair"))))
    if chair_id is None:
        raise CellError(f"chair: there is no chair {cell('chair')!r} at {cell('location')}")
    provider = _lookup(ref.providers, cell("provider"), "provider")
    atype = _lookup(ref.types, cell("type"), "type")
    try:
        local = parse_local_datetime(cell("start"), region=region)
    except CellError as exc:
        raise CellError(f"start: {exc}") from None
    start = _aware(local, zone, cell("start"))
    minutes_text = cell("minutes")
    if minutes_text:
        if not minutes_text.isdigit() or not 0 < int(minutes_text) <= MAX_MINUTES:
            raise CellError(f"minutes: {minutes_text!r} is not a length from 1 to {MAX_MINUTES}")
        minutes = int(minutes_text)
    else:
        minutes = atype.default_minutes
    status_word = _key(cell("status") or "scheduled").replace(" ", "_")
    status = _STATUS_WORDS.get(status_word) or _STATUS_WORDS.get(status_word.replace("_", ""))
    if status is None:
        raise CellError(f"status: {cell('status')!r} is not one of {', '.join(ALL_STATUSES)}")
    try:
        confirmed = parse_yes_no(cell("confirmed"))
    except CellError as exc:
        raise CellError(f"confirmed: {exc}") from None
    return _Draft(
        line=record.line,
        external_id=external_id,
        patient_id=patient_id,
        provider=provider,
        chair_id=chair_id,
        location_id=location_id,
        type_id=atype.id,
        start=start,
        end=start + timedelta(minutes=minutes),
        status="confirmed" if confirmed and status == "scheduled" else status,
        confirmation="confirmed" if confirmed or status == "confirmed" else "unconfirmed",
        notes=text_of(cell("notes"), limit=1000, what="notes") or "",
    )


def _aware(local: datetime, zone: ZoneInfo, raw: str) -> datetime:
    """The instant of a wall-clock time; a time the clock skips (spring forward) does not exist."""
    aware = local.replace(tzinfo=zone)
    if aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != local:
        raise CellError(f"start: {raw!r} does not exist at the location (the clocks change then)")
    return aware.astimezone(ZoneInfo("UTC"))


def import_appointments(
    session: Session,
    actor: Actor | None,
    table: Table,
    *,
    clinic_id: int,
    region: str,
    source_name: str,
    now: datetime,
    dry_run: bool = False,
) -> ImportReport:
    """Check and write every row in a savepoint; a dry run does the same work and rolls it back, so
    its report (conflicts included) is exactly what the import would do."""
    if not dry_run:
        if actor is None:
            raise PermissionDenied("Sign in to import appointments.")
        actor.require(IMPORT_DATA)
    missing = [name for name in _REQUIRED if name not in table.headers]
    if missing:
        raise ValidationError(
            f"The file has no column {', '.join(missing)} "
            f"(its columns are {', '.join(table.original_headers)}).",
            field="file",
        )
    wanted = {r.values.get("patient_external_id", "").strip() for r in table.records}
    ref = _reference(session, clinic_id, wanted)
    existing = _existing(session, clinic_id, table)
    done = _Progress()
    savepoint = session.begin_nested()
    for record in table.records:
        _import_record(session, record, ref, existing, done, clinic_id=clinic_id, region=region, now=now)
    if done.changes:
        after_changes(session, done.changes, now=now)
    created, updated, rejected = done.created, done.updated, done.rejected
    report = ImportReport(
        what="appointments",
        source=source_name,
        created=created,
        updated=updated,
        unchanged=done.unchanged,
        skipped=0,
        rejected=tuple(rejected),
        encoding=table.encoding,
        delimiter=table.delimiter,
    )
    if dry_run or actor is None:
        savepoint.rollback()
        return report
    audit.record(
        session,
        actor,
        "import",
        "appointment",
        0,
        now=now,
        after={
            "source": source_name,
            "created": created,
            "updated": updated,
            "rejected": len(rejected),
        },
    )
    savepoint.commit()
    return report


@dataclass
class _Progress:
    """What an import has done so far, row by row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    changes: list[AppointmentChange] = field(default_factory=list)  # what the appointments' effects see
    seen: dict[str, int] = field(default_factory=dict)  # external id -> the line it first appears on

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append(Rejection(line, reason))


def _existing(session: Session, clinic_id: int, table: Table) -> dict[str | None, Appointment]:
    """The clinic's appointments the file may name, by external id."""
    existing = {
        a.external_id: a
        for a in session.scalars(
            select(Appointment).where(
                Appointment.clinic_id == clinic_id, Appointment.external_id.is_not(None)
            )
        )
    }
    # An Orca Desk export names appointments without another system's id as orca:<id>.
    own_appts = {parse_own_id(r.values.get("external_id", "").strip()) for r in table.records} - {None}
    for part in chunks(sorted(k for k in own_appts if k is not None)):
        query = select(Appointment).where(Appointment.clinic_id == clinic_id, Appointment.id.in_(part))
        existing.update({own_id(a.id): a for a in session.scalars(query)})
    return existing


def _import_record(
    session: Session,
    record: Record,
    ref: _Reference,
    existing: Mapping[str | None, Appointment],
    done: _Progress,
    *,
    clinic_id: int,
    region: str,
    now: datetime,
) -> None:
    """Check one row and write it (created, updated or left unchanged), or note why it is rejected."""
    try:
        draft = _draft(record, ref, region=region)
    except CellError as exc:
        done.reject(record.line, str(exc))
        return
    if draft.external_id in done.seen:
        done.reject(
            record.line,
            f"external_id {draft.external_id} already appears on line {done.seen[draft.external_id]}",
        )
        return
    done.seen[draft.external_id] = record.line
    future = draft.end > now
    if future and draft.status not in _FUTURE_STATUSES:
        done.reject(record.line, f"status: a visit that has not happened yet cannot be {draft.status}")
        return
    current = existing.get(draft.external_id)
    if current is None and parse_own_id(draft.external_id) is not None:
        reason = f"external_id {draft.external_id} names an appointment of another Orca Desk database"
        done.reject(record.line, reason)
        return
    if current is not None and _same(current, draft):
        done.unchanged += 1
        return
    holds_chair = future and draft.status in ACTIVE_STATUSES
    if holds_chair:
        try:
            check_conflicts(
                session,
                patient_id=draft.patient_id,
                provider=draft.provider,
                chair_id=draft.chair_id,
                start=draft.start,
                end=draft.end,
                ignore_id=current.id if current else None,
            )
        except ConflictError as exc:
            done.reject(record.line, f"conflict: {exc}")
            return
    if current is None:
        appt = _new(draft, clinic_id, now)
        session.add(appt)
        session.flush()
        done.created += 1
        if holds_chair:
            done.changes.append(AppointmentChange("booked", appt, None))
    else:
        _update(session, current, draft, done, future=future, now=now)


def _update(
    session: Session, current: Appointment, draft: _Draft, done: _Progress, *, future: bool, now: datetime
) -> None:
    before = {
        "start": current.start_at.isoformat(),
        "end": current.end_at.isoformat(),
        "chair_id": current.chair_id,
        "provider_id": current.provider_id,
        "status": current.status,
        "type_id": current.type_id,
    }
    was_active = current.status in ACTIVE_STATUSES
    _apply(current, draft, now)
    session.flush()
    done.updated += 1
    if future:
        if draft.status == "cancelled":
            kind = "cancelled" if was_active else ""
        else:
            kind = "moved" if was_active else "restored"
        if kind:
            done.changes.append(AppointmentChange(kind, current, before))


def _new(d: _Draft, clinic_id: int, now: datetime) -> Appointment:
    return Appointment(
        clinic_id=clinic_id,
        patient_id=d.patient_id,
        provider_id=d.provider.id,
        chair_id=d.chair_id,
        location_id=d.location_id,
        type_id=d.type_id,
        start_at=d.start,
        end_at=d.end,
        status=d.status,
        confirmation=d.confirmation,
        notes=d.notes,
        external_id=d.external_id,
        created_at=now,
        updated_at=now,
        cancel_reason="imported" if d.status == "cancelled" else None,
    )


def _same(a: Appointment, d: _Draft) -> bool:
    return (
        a.patient_id,
        a.provider_id,
        a.chair_id,
        a.type_id,
        a.start_at,
        a.end_at,
        a.status,
        a.confirmation,
        a.notes,
    ) == (
        d.patient_id,
        d.provider.id,
        d.chair_id,
        d.type_id,
        d.start,
        d.end,
        d.status,
        d.confirmation,
        d.notes,
    )


def _apply(a: Appointment, d: _Draft, now: datetime) -> None:
    a.patient_id, a.provider_id, a.chair_id, a.location_id, a.type_id = (
        d.patient_id,
        d.provider.id,
        d.chair_id,
        d.location_id,
        d.type_id,
    )
    a.start_at, a.end_at, a.status, a.confirmation, a.notes = (
        d.start,
        d.end,
        d.status,
        d.confirmation,
        d.notes,
    )
    a.updated_at = now
