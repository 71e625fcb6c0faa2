"""An import (or its dry run) as one job: the engine walks a table that reports each row read and
stops on Cancel.

The engine (``services/importing``) takes a ``Table``; the table handed to it here counts the
records as the engine walks them, and raises :class:`ImportCancelled` once Cancel is set. The
exception leaves the engine's transaction, so a cancelled import writes nothing. Whoever runs the
job (the desk's import wizard, off its UI thread) hands in ``progress`` and ``cancel``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from orca_desk.db import Database
from orca_desk.models.clinic import Clinic
from orca_desk.services.access.security import Actor
from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.services.importing.appointments import import_appointments
from orca_desk.services.importing.mapping import Mapping
from orca_desk.services.importing.patients import import_patients
from orca_desk.services.importing.report import ImportReport
from orca_desk.services.importing.table import Record, Table, read_table

# Progress is reported every this many rows (a signal per row would flood the UI thread).
PROGRESS_EVERY = 250


class ImportCancelled(Exception):
    """The user pressed Cancel; nothing was written."""


class CountingRecords(tuple[Record, ...]):
    """The table's records; walking them reports progress and honours Cancel."""

    progress: Callable[[int, int], None]
    cancel: threading.Event

    def __new__(
        cls, records: tuple[Record, ...], progress: Callable[[int, int], None], cancel: threading.Event
    ) -> CountingRecords:
        self = super().__new__(cls, records)
        self.progress, self.cancel = progress, cancel
        return self

    def __iter__(self) -> Iterator[Record]:
        total = len(self)
        for i, record in enumerate(super().__iter__()):
            if i % PROGRESS_EVERY == 0:
                if self.cancel.is_set():
                    raise ImportCancelled
                self.progress(i, total)
            yield record
        if self.cancel.is_set():
            raise ImportCancelled
        self.progress(total, total)


def with_our_headers(table: Table, mapping: Mapping) -> Table:
    """The table with the mapped columns renamed to our field names (the appointments engine reads
    its fixed format by header); a column no field reads is set aside under another name."""
    ours = {theirs: field for field, theirs in mapping.columns.items()}
    rename = {h: ours.get(h, f"(not read) {h}") for h in table.headers}
    records = tuple(Record(r.line, {rename[h]: v for h, v in r.values.items()}) for r in table.records)
    return replace(table, headers=tuple(rename[h] for h in table.headers), records=records)


@dataclass(frozen=True)
class ImportJob:
    kind: str  # "patients" | "appointments"
    table: Table
    mapping: Mapping | None  # patients only
    source_name: str
    dry_run: bool


def run_import(
    db: Database,
    actor: Actor | None,
    job: ImportJob,
    *,
    now: datetime,
    progress: Callable[[int, int], None],
    cancel: threading.Event,
) -> ImportReport:
    """The engine's import in one transaction of its own; ``ImportCancelled`` rolls it back."""
    table = replace(job.table, records=CountingRecords(job.table.records, progress, cancel))
    with db.write() as session:
        clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
        if clinic is None:
            raise ValidationError("There is no clinic to import into; set the clinic up first.")
        common: dict[str, Any] = {
            "clinic_id": clinic.id,
            "region": clinic.country,
            "source_name": job.source_name,
            "now": now,
            "dry_run": job.dry_run,
        }
        if job.kind == "patients":
            assert job.mapping is not None
            report = import_patients(session, None if job.dry_run else actor, table, job.mapping, **common)
        else:
            report = import_appointments(session, None if job.dry_run else actor, table, **common)
        if cancel.is_set():  # pressed while the rows were being written: still nothing kept
            raise ImportCancelled
        return report


def read_checked(path: Path) -> tuple[Table | None, str]:
    """The file's table, or None and why it cannot be read (for a screen that shows the reason)."""
    try:
        return read_table(path), ""
    except OrcaError as exc:
        return None, str(exc)
