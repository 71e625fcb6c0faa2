"""Which column of a practice's file holds which patient field: the generic format, Open Dental, or a
mapping file the clinic writes (``[columns] field = "Their header"``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from orca_desk.services.errors import ValidationError
from orca_desk.services.importing.table import normalise_header

# The generic patients format: every field is a column of the same name.
PATIENT_FIELDS = (
    "external_id",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "phone",
    "mobile_phone",
    "email",
    "sms_consent",
    "email_consent",
    "language",
    "chart_number",
    "notes",
    "guardian_external_id",
    "guardian_first_name",
    "guardian_last_name",
    "guardian_phone",
    "guardian_email",
    "guardian_relationship",
)
REQUIRED_PATIENT_FIELDS = ("first_name", "last_name")

OPEN_DENTAL_COLUMNS = {
    "external_id": "PatNum",
    "last_name": "LName",
    "first_name": "FName",
    "middle_initial": "MiddleI",
    "preferred_name": "Preferred",
    "status": "PatStatus",
    "date_of_birth": "Birthdate",
    "home_phone": "HmPhone",
    "work_phone": "WkPhone",
    "mobile_phone": "WirelessPhone",
    "email": "Email",
    "guarantor": "Guarantor",
    "sms_consent": "TxtMsgOk",
    "language": "Language",
    "chart_number": "ChartNumber",
    "notes": "ApptModNote",
    "medical_note": "MedUrgNote",
}


@dataclass(frozen=True)
class Mapping:
    """A preset: ``columns`` maps our field to the file's header (normalised)."""

    name: str
    columns: dict[str, str]
    open_dental: bool = False
    required: tuple[str, ...] = field(default=REQUIRED_PATIENT_FIELDS)

    def missing(self, headers: tuple[str, ...]) -> list[str]:
        """The required fields whose column the file lacks."""
        return [f for f in self.required if self.columns.get(f) not in headers]

    def unknown(self, headers: tuple[str, ...]) -> list[str]:
        """The file's headers that no field reads (shown so the user can map them)."""
        used = set(self.columns.values())
        return [h for h in headers if h not in used]


GENERIC = Mapping("generic", {f: f for f in PATIENT_FIELDS})
OPEN_DENTAL = Mapping(
    "open-dental",
    {ours: normalise_header(theirs) for ours, theirs in OPEN_DENTAL_COLUMNS.items()},
    open_dental=True,
    required=("external_id", "first_name", "last_name"),
)
PRESETS = {"generic": GENERIC, "open-dental": OPEN_DENTAL}


def load_mapping(value: str) -> Mapping:
    """A preset by name, or a TOML mapping file: ``[columns]`` our field = their header, and an
    optional ``preset = "generic"|"open-dental"`` whose columns it overrides."""
    if value in PRESETS:
        return PRESETS[value]
    path = Path(value)
    if not path.is_file():
        raise ValidationError(
            f"--mapping {value!r} is neither a preset ({', '.join(PRESETS)}) nor a mapping file.",
            field="mapping",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: {exc}", field="mapping") from None
    base = PRESETS.get(str(data.get("preset", "generic")))
    if base is None:
        raise ValidationError(f"{path}: preset must be one of {', '.join(PRESETS)}.", field="mapping")
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise ValidationError(f'{path}: [columns] must be a table of field = "header".', field="mapping")
    known = set(base.columns)
    merged = dict(base.columns)
    for ours, theirs in columns.items():
        if ours not in known:
            raise ValidationError(
                f"{path}: {ours!r} is not a field; the fields are {', '.join(sorted(known))}.",
                field="mapping",
            )
        if not isinstance(theirs, str) or not theirs.strip():
            raise ValidationError(f"{path}: {ours} must name a column header.", field="mapping")
        merged[ours] = normalise_header(theirs)
    return Mapping(f"{base.name} + {path.name}", merged, base.open_dental, base.required)
