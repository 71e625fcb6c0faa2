"""Export patients and appointments as CSV, in the same columns the importer reads back."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Location, Provider
from orca_desk.models.patient import Patient
from orca_desk.services.errors import ValidationError
from orca_desk.services.importing.appointments import APPOINTMENT_FIELDS
from orca_desk.services.importing.own_ids import OWN_ID_PREFIX, own_id

# The generic import formats; an exported file imports again unchanged, matched by external id
# (another system's id where the record came from one, else Orca Desk's own, orca:<id>).
PATIENT_COLUMNS = (
    "external_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "sms_consent",
    "email_consent",
    "notes",
    "guardian_first_name",
    "guardian_last_name",
    "guardian_phone",
    "guardian_email",
    "guardian_relationship",
)
APPOINTMENT_COLUMNS = APPOINTMENT_FIELDS
# Spreadsheets on clinic PCs (Excel) read UTF-8 only with a byte-order mark.
CSV_ENCODING = "utf-8-sig"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _split_name(full: str | None) -> tuple[str, str]:
    """A guardian's single name field as first and last name (the last word is the family name)."""
    parts = (full or "").strip().rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def patient_rows(session: Session) -> Iterator[tuple[str, ...]]:
    p = Patient.__table__.c
    query = select(
        p.id,
        p.external_id,
        p.first_name,
        p.last_name,
        p.date_of_birth,
        p.phone,
        p.email,
        p.sms_consent,
        p.email_consent,
        p.notes,
        p.guardian_name,
        p.guardian_phone,
        p.guardian_email,
        p.guardian_relation,
    ).order_by(p.last_name, p.first_name, p.id)
    for row in session.execute(query):
        guardian_first, guardian_last = _split_name(row.guardian_name) if row.guardian_name else ("", "")
        yield (
            row.external_id or own_id(row.id),
            row.first_name,
            row.last_name,
            row.date_of_birth.isoformat() if row.date_of_birth else "",
            row.phone or "",
            row.email or "",
            _yes(row.sms_consent),
            _yes(row.email_consent),
            row.notes or "",
            guardian_first,
            guardian_last,
            row.guardian_phone or "",
            row.guardian_email or "",
            row.guardian_relation or "",
        )


def appointment_rows(
    session: Session, *, start_day: date | None, end_day: date | None
) -> Iterator[tuple[str, ...]]:
    """Appointments by local start; ``start_day``–``end_day`` inclusive, in each location's own days."""
    if start_day and end_day and end_day < start_day:
        raise ValidationError("--to is before --from.", field="to")
    a = Appointment.__table__.c
    query = (
        select(
            func.coalesce(a.external_id, OWN_ID_PREFIX + cast(a.id, String)),
            func.coalesce(Patient.external_id, OWN_ID_PREFIX + cast(Patient.id, String)),
            a.start_at,
            a.end_at,
            AppointmentType.name,
            Provider.name,
            Location.name,
            Location.timezone,
            Chair.name,
            a.status,
            a.confirmation,
            a.notes,
        )
        .join(AppointmentType, AppointmentType.id == a.type_id)
        .join(Provider, Provider.id == a.provider_id)
        .join(Location, Location.id == a.location_id)
        .join(Chair, Chair.id == a.chair_id)
        .join(Patient, Patient.id == a.patient_id)
        .order_by(a.start_at, a.id)
    )
    # A day either side covers every zone; each row is then judged on its own location's day.
    if start_day:
        query = query.where(a.start_at >= datetime.combine(start_day - timedelta(days=1), time(), UTC))
    if end_day:
        query = query.where(a.start_at < datetime.combine(end_day + timedelta(days=2), time(), UTC))
    zones: dict[str, ZoneInfo] = {}
    for row in session.execute(query):
        (
            appt_id,
            patient_id,
            start_at,
            end_at,
            type_name,
            provider,
            location,
            zone,
            chair,
            status,
            confirmation,
            notes,
        ) = row
        local = start_at.astimezone(zones.setdefault(zone, ZoneInfo(zone)))
        if (start_day and local.date() < start_day) or (end_day and local.date() > end_day):
            continue
        minutes = int((end_at - start_at).total_seconds() // 60)
        yield (
            appt_id,
            patient_id,
            local.strftime("%Y-%m-%d %H:%M"),
            str(minutes),
            type_name,
            provider,
            location,
            chair,
            status,
            _yes(confirmation == "confirmed"),
            notes or "",
        )


def write_csv(path: Path, header: tuple[str, ...], rows: Iterator[tuple[str, ...]]) -> ExportResult:
    """Write the rows into ``path`` whole, or leave no file (a failure part-way removes it)."""
    if not path.parent.is_dir():
        raise ValidationError(
            f"The folder {str(path.parent)!r} for the export does not exist.", field="output"
        )
    partial = path.with_name(f".{path.name}.partial")
    count = 0
    try:
        with partial.open("w", encoding=CSV_ENCODING, newline="") as handle:
            count = _write(handle, header, rows)
        partial.replace(path)
    except PermissionError:
        raise ValidationError(f"{str(path)!r} cannot be written (no permission).", field="output") from None
    finally:
        partial.unlink(missing_ok=True)
    return ExportResult(path, count)


def _write(handle: TextIO, header: tuple[str, ...], rows: Iterator[tuple[str, ...]]) -> int:
    writer = csv.writer(handle)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
