"""Run a database read off the UI thread (QThreadPool) and hand the result back on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _WorkerSignals(QObject):
    sig_done = Signal(object)
    """The job returned this value (delivered on the thread that owns the signals object)."""
    sig_failed = Signal(object)
    """The job raised this exception."""


class _Worker(QRunnable):
    def __init__(self, job: Callable[[], Any], signals: _WorkerSignals) -> None:
        super().__init__()
        self.job = job
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.job()
        except Exception as exc:  # handed to the UI thread, which shows it
            self.signals.sig_failed.emit(exc)
            return
        self.signals.sig_done.emit(result)


class BackgroundLoader(QObject):
    """Runs one kind of load at a time; a result that a newer request superseded is dropped.

    The job opens its own Session in the pool thread (one Session per job, never shared).
    """

    sig_loaded = Signal(object)
    """The latest requested load finished with this value (UI thread)."""
    sig_failed = Signal(object)
    """The latest requested load raised this exception (UI thread)."""

    def __init__(self, parent: QObject | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._generation = 0
        self._pending: set[_WorkerSignals] = set()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def start(self, job: Callable[[], Any]) -> None:
        self._generation += 1
        generation = self._generation
        signals = _WorkerSignals()  # created here, so its signals arrive on this (UI) thread
        self._pending.add(signals)

        def done(value: object) -> None:
            self._pending.discard(signals)
            if generation == self._generation:
                self.sig_loaded.emit(value)

        def failed(exc: object) -> None:
            self._pending.discard(signals)
            if generation == self._generation:
                self.sig_failed.emit(exc)

        signals.sig_done.connect(done)
        signals.sig_failed.connect(failed)
        self._pool.start(_Worker(job, signals))

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the pool is idle (tests, shutdown)."""
        return self._pool.waitForDone(msecs)
