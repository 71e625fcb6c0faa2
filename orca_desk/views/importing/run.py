"""Run an import (or its dry run) off the UI thread, reporting each row read and stopping on Cancel.

The engine (``services/importing``) takes a ``Table``; the table handed to it here counts the
records as the engine walks them, and raises :class:`ImportCancelled` once Cancel is pressed.
The exception leaves the engine's transaction, so a cancelled import writes nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal
from sqlalchemy import select

from orca_desk.db import Database
from orca_desk.models import Clinic
from orca_desk.services.errors import ValidationError
from orca_desk.services.importing.appointments import import_appointments
from orca_desk.services.importing.mapping import Mapping
from orca_desk.services.importing.patients import import_patients
from orca_desk.services.importing.report import ImportReport
from orca_desk.services.importing.table import Record, Table
from orca_desk.services.security import Actor

# Progress is reported every this many rows (a signal per row would flood the UI thread).
PROGRESS_EVERY = 250


class ImportCancelled(Exception):
    """The user pressed Cancel; nothing was written."""


class CountingRecords(tuple[Record, ...]):
    """The table's records; walking them reports progress and honours Cancel."""

    progress: Callable[[int, int], None]
    cancel: threading.Event

    def __new__(cls, records: tuple[Record, ...], progress: Callable[[int, int], None],
                cancel: threading.Event) -> CountingRecords:
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


def run_import(db: Database, actor: Actor | None, job: ImportJob, *, now: datetime,
               progress: Callable[[int, int], None], cancel: threading.Event) -> ImportReport:
    """The engine's import in one transaction of its own; ``ImportCancelled`` rolls it back."""
    table = replace(job.table, records=CountingRecords(job.table.records, progress, cancel))
    with db.write() as session:
        clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
        if clinic is None:
            raise ValidationError("There is no clinic to import into; set the clinic up first.")
        common: dict[str, Any] = {"clinic_id": clinic.id, "region": clinic.country,
                                  "source_name": job.source_name, "now": now, "dry_run": job.dry_run}
        if job.kind == "patients":
            assert job.mapping is not None
            report = import_patients(session, None if job.dry_run else actor, table, job.mapping, **common)
        else:
            report = import_appointments(session, None if job.dry_run else actor, table, **common)
        if cancel.is_set():  # pressed while the rows were being written: still nothing kept
            raise ImportCancelled
        return report


class ImportThread(QThread):
    """One import or dry run in a thread of its own; its signals arrive on the UI thread."""

    sig_progress = Signal(int, int)
    """Rows read so far, of how many."""
    sig_done = Signal(object)
    """The ``ImportReport``."""
    sig_failed = Signal(object)
    """The exception (``ImportCancelled`` after Cancel)."""

    def __init__(self, db: Database, actor: Actor | None, job: ImportJob, *, now: datetime,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.job, self.now = db, actor, job, now
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self) -> None:
        try:
            report = run_import(self.db, self.actor, self.job, now=self.now,
                                progress=self.sig_progress.emit, cancel=self.cancel_event)
        except Exception as exc:  # handed to the UI thread, which says what went wrong
            self.sig_failed.emit(exc)
            return
        self.sig_done.emit(report)
