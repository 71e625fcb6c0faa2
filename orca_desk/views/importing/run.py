"""Run an import job (or its dry run) off the UI thread: its progress and its end arrive as signals
on the UI thread, and Cancel stops it (the job itself is ``services/importing/job.py``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from orca_desk.services.importing.report import ImportReport

Progress = Callable[[int, int], None]
ImportWork = Callable[[Progress, threading.Event], ImportReport]
"""Runs the import in a session of its own, telling ``progress`` and honouring the cancel event."""


class ImportThread(QThread):
    """One import or dry run in a thread of its own; its signals arrive on the UI thread."""

    sig_progress = Signal(int, int)
    """Rows read so far, of how many."""
    sig_done = Signal(object)
    """The ``ImportReport``."""
    sig_failed = Signal(object)
    """The exception (``ImportCancelled`` after Cancel)."""

    def __init__(self, work: ImportWork, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work = work
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self) -> None:
        try:
            report = self.work(self.sig_progress.emit, self.cancel_event)
        except Exception as exc:  # handed to the UI thread, which says what went wrong
            self.sig_failed.emit(exc)
            return
        self.sig_done.emit(report)
