"""Import patients and their responsible parties: plan every row first (the dry run), then write
them all in the caller's transaction, matched by the id they had in the old system."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orca_desk.models.base import Base
from orca_desk.models.clinic import Clinic
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.access.security import IMPORT_DATA, Actor
from orca_desk.services.bulk import bulk_insert, chunks
from orca_desk.services.errors import PermissionDenied, ValidationError
from orca_desk.services.importing.mapping import OPEN_DENTAL_COLUMNS, Mapping
from orca_desk.services.importing.own_ids import parse_own_id
from orca_desk.services.importing.report import ImportReport, Rejection
from orca_desk.services.importing.table import Record, Table
from orca_desk.services.importing.values import (
    CellError,
    parse_date,
    parse_email,
    parse_language,
    parse_phone,
    parse_yes_no,
    text_of,
)

OPEN_DENTAL_SOURCE = "imported from Open Dental"
CSV_SOURCE = "imported from a file"
# Open Dental's PatStatus, by number and by name.
_OD_DELETED = {"4", "deleted"}
_OD_NON_PATIENT = {"1", "nonpatient"}
_OD_INACTIVE = {"2", "3", "5", "inactive", "archived", "deceased"}


@dataclass(frozen=True)
class Guardian:
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    email: str | None = None
    relationship: str | None = None

    @property
    def name(self) -> str | None:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or None


@dataclass(frozen=True)
class PatientDraft:
    """One patient as the file describes it, every value already checked."""

    line: int
    external_id: str | None
    first_name: str
    last_name: str
    preferred_name: str | None
    date_of_birth: Any
    phone: str | None
    email: str | None
    sms_consent: bool
    email_consent: bool
    language: str
    chart_number: str | None
    notes: str
    is_active: bool
    guardian_key: str | None  # rows with one key share one responsible party
    guardian: Guardian | None


# The columns an import writes and compares (consent is handled apart: an import never revokes it).
_COMPARED = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "phone",
    "email",
    "language",
    "chart_number",
    "notes",
    "is_active",
    "guardian_name",
    "guardian_phone",
    "guardian_email",
    "guardian_relation",
    "contact_phone",
    "contact_email",
)


def _cell(record: Record, mapping: Mapping, name: str) -> str:
    header = mapping.columns.get(name)
    return record.values.get(header, "") if header else ""


def check_columns(table: Table, mapping: Mapping) -> None:
    missing = mapping.missing(table.headers)
    if missing:
        wanted = ", ".join(repr(mapping.columns.get(f, f)) for f in missing)
        raise ValidationError(
            f"The file has no column {wanted} (its columns are {', '.join(table.original_headers)}); "
            "name the right ones in a mapping file (--mapping FILE.toml).",
            field="mapping",
        )


def draft_generic(record: Record, mapping: Mapping, *, region: str) -> PatientDraft:
    def cell(name: str) -> str:
        return _cell(record, mapping, name)

    first = text_of(cell("first_name"), limit=80, what="first_name")
    last = text_of(cell("last_name"), limit=80, what="last_name")
    if not first or not last:
        raise CellError("first_name and last_name are required")
    mobile = _phone(cell("mobile_phone"), region, "mobile_phone")
    phone = mobile or _phone(cell("phone"), region, "phone")
    guardian = Guardian(
        first_name=text_of(cell("guardian_first_name"), limit=60, what="guardian_first_name") or "",
        last_name=text_of(cell("guardian_last_name"), limit=60, what="guardian_last_name") or "",
        phone=_phone(cell("guardian_phone"), region, "guardian_phone"),
        email=_email(cell("guardian_email"), "guardian_email"),
        relationship=text_of(cell("guardian_relationship"), limit=40, what="guardian_relationship"),
    )
    guardian_id = text_of(cell("guardian_external_id"), limit=64, what="guardian_external_id")
    described = guardian != Guardian()
    key = f"id:{guardian_id}" if guardian_id else None
    if key is None and guardian.name and (guardian.phone or guardian.email):
        key = f"person:{guardian.name.casefold()}|{guardian.phone or guardian.email}"
    return PatientDraft(
        line=record.line,
        external_id=text_of(cell("external_id"), limit=64, what="external_id"),
        first_name=first,
        last_name=last,
        preferred_name=text_of(cell("preferred_name"), limit=80, what="preferred_name"),
        date_of_birth=_date(cell("date_of_birth"), region),
        phone=phone,
        email=_email(cell("email"), "email"),
        sms_consent=_yes_no(cell("sms_consent"), "sms_consent"),
        email_consent=_yes_no(cell("email_consent"), "email_consent"),
        language=_language(cell("language")),
        chart_number=text_of(cell("chart_number"), limit=30, what="chart_number"),
        notes=text_of(cell("notes"), limit=2000, what="notes") or "",
        is_active=True,
        guardian_key=key,
        guardian=guardian if described else None,
    )


def _phone(raw: str, region: str, column: str) -> str | None:
    try:
        return parse_phone(raw, region=region)
    except CellError as exc:
        raise CellError(f"{column}: {exc}") from None


def _email(raw: str, column: str) -> str | None:
    try:
        return parse_email(raw)
    except CellError as exc:
        raise CellError(f"{column}: {exc}") from None


def _date(raw: str, region: str) -> Any:
    try:
        return parse_date(raw, region=region)
    except CellError as exc:
        raise CellError(f"date_of_birth: {exc}") from None


def _yes_no(raw: str, column: str) -> bool:
    try:
        return parse_yes_no(raw)
    except CellError as exc:
        raise CellError(f"{column}: {exc}") from None


def _language(raw: str) -> str:
    try:
        return parse_language(raw)
    except CellError as exc:
        raise CellError(f"language: {exc}") from None


@dataclass
class _OpenDentalRow:
    draft: PatientDraft
    guarantor: str | None
    non_patient: bool


def _od_phone(record: Record, mapping: Mapping, region: str) -> str | None:
    """The first of WirelessPhone, HmPhone and WkPhone that is a valid number; a row whose every
    phone is present but unusable is refused, naming them."""
    tried = []
    for name in ("mobile_phone", "home_phone", "work_phone"):
        raw = _cell(record, mapping, name)
        if not raw.strip():
            continue
        try:
            return parse_phone(raw, region=region)
        except CellError as exc:
            tried.append(f"{OPEN_DENTAL_COLUMNS[name]}: {exc}")
    if tried:
        raise CellError("; ".join(tried))
    return None


def draft_open_dental(record: Record, mapping: Mapping, *, region: str) -> _OpenDentalRow | None:
    """None for a row Open Dental marks Deleted."""

    def cell(name: str) -> str:
        return _cell(record, mapping, name)

    status = cell("status").strip().lower().replace(" ", "")
    if status in _OD_DELETED:
        return None
    pat_num = cell("external_id").strip()
    if not pat_num:
        raise CellError("PatNum is empty")
    first = text_of(cell("first_name"), limit=80, what="FName")
    last = text_of(cell("last_name"), limit=80, what="LName")
    if not first or not last:
        raise CellError("FName and LName are required")
    notes = [n for n in (cell("notes").strip(), cell("medical_note").strip()) if n]
    if cell("medical_note").strip():
        notes[-1] = f"Medical: {notes[-1]}"
    text_ok = cell("sms_consent").strip()
    if text_ok not in ("", "0", "1", "2"):
        raise CellError(f"TxtMsgOk: {text_ok!r} is not 0, 1 or 2")
    draft = PatientDraft(
        line=record.line,
        external_id=pat_num,
        first_name=first,
        last_name=last,
        preferred_name=text_of(cell("preferred_name"), limit=80, what="Preferred"),
        date_of_birth=_date(cell("date_of_birth"), region),
        phone=_od_phone(record, mapping, region),
        email=_email(cell("email"), "Email"),
        sms_consent=text_ok == "1",
        email_consent=False,
        language=_language(cell("language")),
        chart_number=text_of(cell("chart_number"), limit=30, what="ChartNumber"),
        notes=text_of("\n".join(notes), limit=2000, what="notes") or "",
        is_active=status not in _OD_INACTIVE,
        guardian_key=None,
        guardian=None,
    )
    guarantor = cell("guarantor").strip()
    return _OpenDentalRow(
        draft, guarantor if guarantor and guarantor not in ("0", pat_num) else None, status in _OD_NON_PATIENT
    )


def _open_dental_drafts(
    records: Iterable[Record], mapping: Mapping, region: str, rejected: list[Rejection]
) -> tuple[list[PatientDraft], int, list[str]]:
    """Patients with their guarantor (followed to the head of household, wherever it stands in the
    file) as responsible party; NonPatient rows only as guarantors."""
    rows: dict[str, _OpenDentalRow] = {}
    skipped = 0
    for record in records:
        try:
            row = draft_open_dental(record, mapping, region=region)
        except CellError as exc:
            rejected.append(Rejection(record.line, str(exc)))
            continue
        if row is None:
            skipped += 1
            continue
        pat_num = row.draft.external_id or ""
        if pat_num in rows:
            rejected.append(
                Rejection(record.line, f"PatNum {pat_num} already appears on line {rows[pat_num].draft.line}")
            )
            continue
        rows[pat_num] = row
    warnings: list[str] = []
    drafts = []
    for pat_num, row in rows.items():
        if row.non_patient:
            continue
        head = _head_of_household(pat_num, rows)
        draft = row.draft
        if row.guarantor and head is None:
            warnings.append(
                f"line {draft.line}: guarantor {row.guarantor} is not in the file; imported without one"
            )
        elif head is not None and head != pat_num:
            g = rows[head].draft
            guardian = Guardian(g.first_name, g.last_name, g.phone, g.email, "guarantor")
            draft = replace(draft, guardian_key=f"id:{head}", guardian=guardian)
        drafts.append(draft)
    skipped += sum(1 for r in rows.values() if r.non_patient)
    return drafts, skipped, warnings


def _head_of_household(pat_num: str, rows: dict[str, _OpenDentalRow]) -> str | None:
    """Follow Guarantor links to the row that is its own guarantor; None when a link leaves the file."""
    seen = {pat_num}
    current = pat_num
    while (next_num := rows[current].guarantor) is not None:
        if next_num not in rows:
            return None if current == pat_num else current
        if next_num in seen:  # a loop: the last distinct person reached stands for the household
            return current
        seen.add(next_num)
        current = next_num
    return current


def plan_patients(
    session: Session, table: Table, mapping: Mapping, *, clinic_id: int, region: str, source_name: str
) -> tuple[list[PatientDraft], ImportReport]:
    """Every row checked and sorted into create, update, unchanged or rejected; nothing written."""
    check_columns(table, mapping)
    rejected: list[Rejection] = []
    warnings: list[str] = []
    skipped = 0
    if mapping.open_dental:
        drafts, skipped, warnings = _open_dental_drafts(table.records, mapping, region, rejected)
    else:
        drafts = []
        seen: dict[str, int] = {}
        for record in table.records:
            try:
                draft = draft_generic(record, mapping, region=region)
            except CellError as exc:
                rejected.append(Rejection(record.line, str(exc)))
                continue
            if draft.external_id:
                if draft.external_id in seen:
                    first_seen = seen[draft.external_id]
                    reason = f"external_id {draft.external_id} already appears on line {first_seen}"
                    rejected.append(Rejection(record.line, reason))
                    continue
                seen[draft.external_id] = record.line
            drafts.append(draft)
        drafts = _share_guardians(drafts)
    good = []
    for draft in drafts:
        contact_phone = (draft.guardian.phone if draft.guardian else None) or draft.phone
        if draft.sms_consent and contact_phone is None:
            rejected.append(Rejection(draft.line, "sms_consent: yes, but there is no phone number to text"))
            continue
        good.append(draft)
    existing = _existing(session, clinic_id, [d.external_id for d in good if d.external_id])
    unknown_own = {
        d.line for d in good if parse_own_id(d.external_id) is not None and d.external_id not in existing
    }
    for draft in good:
        if draft.line in unknown_own:
            rejected.append(
                Rejection(
                    draft.line,
                    f"external_id {draft.external_id} names a patient of another "
                    "Orca Desk database, not this one",
                )
            )
    good = [d for d in good if d.line not in unknown_own]
    created = updated = unchanged = 0
    for draft in good:
        current = existing.get(draft.external_id or "")
        if current is None:
            created += 1
        elif _changes(draft, current, source_name):
            updated += 1
        else:
            unchanged += 1
    report = ImportReport(
        what="patients",
        source=source_name,
        created=created,
        updated=updated,
        unchanged=unchanged,
        skipped=skipped,
        rejected=tuple(sorted(rejected, key=lambda r: r.line)),
        warnings=tuple(warnings),
        encoding=table.encoding,
        delimiter=table.delimiter,
        guardians=len({d.guardian_key for d in good if d.guardian_key}),
    )
    return good, report


def _share_guardians(drafts: list[PatientDraft]) -> list[PatientDraft]:
    """Rows with one guardian key get one responsible party: the details of every row, first filled wins."""
    merged: dict[str, Guardian] = {}
    for d in drafts:
        if d.guardian_key and d.guardian:
            known = merged.get(d.guardian_key, Guardian())
            merged[d.guardian_key] = Guardian(
                **{f.name: getattr(known, f.name) or getattr(d.guardian, f.name) for f in fields(Guardian)}
            )
    return [
        replace(d, guardian=merged.get(d.guardian_key, d.guardian)) if d.guardian_key else d for d in drafts
    ]


def _existing(session: Session, clinic_id: int, external_ids: list[str]) -> dict[str, dict[str, Any]]:
    p = Patient.__table__.c
    columns = [
        p.id,
        p.external_id,
        p.sms_consent,
        p.sms_consent_source,
        p.email_consent,
        *(p[name] for name in _COMPARED),
    ]
    found: dict[str, dict[str, Any]] = {}
    own = {parse_own_id(e): e for e in external_ids if parse_own_id(e) is not None}
    others = sorted({e for e in external_ids if parse_own_id(e) is None})
    for part in chunks(others):
        query = select(*columns).where(p.clinic_id == clinic_id, p.external_id.in_(part))
        for row in session.execute(query).mappings():
            found[row["external_id"]] = dict(row)
    # An Orca Desk export names patients without another system's id as orca:<id>.
    for keys in chunks(sorted(k for k in own if k is not None)):
        query = select(*columns).where(p.clinic_id == clinic_id, p.id.in_(keys))
        for row in session.execute(query).mappings():
            found[own[row["id"]]] = dict(row)
    return found


def _values(draft: PatientDraft) -> dict[str, Any]:
    g = draft.guardian
    return {
        "first_name": draft.first_name,
        "last_name": draft.last_name,
        "preferred_name": draft.preferred_name,
        "date_of_birth": draft.date_of_birth,
        "phone": draft.phone,
        "email": draft.email,
        "language": draft.language,
        "chart_number": draft.chart_number,
        "notes": draft.notes,
        "is_active": draft.is_active,
        "guardian_name": g.name if g else None,
        "guardian_phone": g.phone if g else None,
        "guardian_email": g.email if g else None,
        "guardian_relation": g.relationship if g else None,
        "contact_phone": (g.phone if g else None) or draft.phone,
        "contact_email": (g.email if g else None) or draft.email,
    }


def _new_row(draft: PatientDraft, clinic: Clinic, consent_source: str, now: datetime) -> dict[str, Any]:
    """A new patient's columns: the file's values, the consent it records, and (without one in
    the file) the clinic's messages' language."""
    return {
        **_values(draft),
        "language": draft.language or clinic.language or "en",
        "clinic_id": clinic.id,
        "external_id": draft.external_id,
        "preferred_channel": "sms",
        "treatment_stage": "active",
        "sms_consent": draft.sms_consent,
        "sms_consent_at": now if draft.sms_consent else None,
        "sms_consent_source": consent_source if draft.sms_consent else None,
        "email_consent": draft.email_consent,
        "email_consent_at": now if draft.email_consent else None,
    }


def _changes(draft: PatientDraft, current: dict[str, Any], source_name: str) -> dict[str, Any]:
    values = _values(draft)
    if not draft.language:  # a file that does not say keeps the language the desk knows
        del values["language"]
    changed = {k: v for k, v in values.items() if current[k] != v}
    # An import grants consent the old system recorded; it never takes back consent given since.
    if draft.sms_consent and not current["sms_consent"]:
        changed["sms_consent"] = True
    if draft.email_consent and not current["email_consent"]:
        changed["email_consent"] = True
    return changed


def import_patients(
    session: Session,
    actor: Actor | None,
    table: Table,
    mapping: Mapping,
    *,
    clinic_id: int,
    region: str,
    source_name: str,
    now: datetime,
    dry_run: bool = False,
) -> ImportReport:
    """Plan, then (unless ``dry_run``) write every accepted row in the caller's transaction.

    A dry run reads only, so it needs no one signed in.
    """
    if not dry_run:
        if actor is None:
            raise PermissionDenied("Sign in to import patients.")
        actor.require(IMPORT_DATA)
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        raise ValidationError("There is no clinic to import into; set the clinic up first.")
    drafts, report = plan_patients(
        session, table, mapping, clinic_id=clinic_id, region=region, source_name=source_name
    )
    if dry_run or actor is None:
        return report
    consent_source = OPEN_DENTAL_SOURCE if mapping.open_dental else CSV_SOURCE
    existing = _existing(session, clinic_id, [d.external_id for d in drafts if d.external_id])
    inserts, updates = [], []
    for draft in drafts:
        current = existing.get(draft.external_id or "")
        if current is None:
            inserts.append(_new_row(draft, clinic, consent_source, now))
            continue
        changed = _changes(draft, current, source_name)
        if not changed:
            continue
        if changed.get("sms_consent"):
            changed |= {"sms_consent_at": now, "sms_consent_source": consent_source}
        if changed.get("email_consent"):
            changed["email_consent_at"] = now
        updates.append((current["id"], changed))
    # Straight to the driver in one executemany: the ORM's bulk insert groups rows by which
    # values are None and ran thousands of small statements for 20,000 patients.
    bulk_insert(session, Base.metadata.tables[Patient.__tablename__], inserts)
    if updates:
        # ORM bulk UPDATE by primary key: one executemany per set of changed columns.
        session.execute(update(Patient), [{"id": patient_id, **changed} for patient_id, changed in updates])
    audit.record(
        session,
        actor,
        "import",
        "patient",
        0,
        now=now,
        after={
            "source": source_name,
            "created": report.created,
            "updated": report.updated,
            "rejected": len(report.rejected),
            "skipped": report.skipped,
        },
    )
    return report
