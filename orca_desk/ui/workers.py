"""Run a database read off the UI thread (QThreadPool) and hand the result back on the UI thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QRunnable, QThreadPool, Signal


class Cancelled(Exception):
    """Raised inside a job by :meth:`JobControl.progress` once the UI cancelled it."""


class _WorkerSignals(QObject):
    sig_done = Signal(object)
    """The job returned this value (delivered on the thread that owns the signals object)."""
    sig_failed = Signal(object)
    """The job raised this exception."""
    sig_progress = Signal(int, int)
    """The job has done this much of that total."""


class JobControl:
    """Handed to a controlled job: report progress, and stop when the UI cancels (thread-safe)."""

    def __init__(self, signals: _WorkerSignals) -> None:
        self._signals = signals
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def progress(self, done: int, total: int) -> None:
        """Report progress; raises :class:`Cancelled` when the UI asked the job to stop."""
        if self._stop.is_set():
            raise Cancelled()
        self._signals.sig_progress.emit(done, total)


class _Worker(QRunnable):
    def __init__(self, job: Callable[[], Any], signals: _WorkerSignals) -> None:
        super().__init__()
        self.job = job
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.job()
        except Cancelled:
            self.signals.sig_failed.emit(Cancelled())
            return
        except Exception as exc:  # handed to the UI thread, which shows it
            self.signals.sig_failed.emit(exc)
            return
        self.signals.sig_done.emit(result)


def _emit(signal: Any, *args: object) -> None:
    """Emit, unless the loader is gone: a result may arrive after the screen that asked for it
    was closed and deleted, and then nobody is left to tell."""
    with contextlib.suppress(RuntimeError):  # "Signal source has been deleted"
        signal.emit(*args)


class BackgroundLoader(QObject):
    """Runs one kind of load at a time; a result that a newer request superseded is dropped.

    The job opens its own Session in the pool thread (one Session per job, never shared).
    """

    sig_loaded = Signal(object)
    """The latest requested load finished with this value (UI thread)."""
    sig_failed = Signal(object)
    """The latest requested load raised this exception (UI thread)."""
    sig_progress = Signal(int, int)
    """The latest controlled job has done this much of that total (UI thread)."""

    def __init__(self, parent: QObject | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._generation = 0
        self._pending: set[_WorkerSignals] = set()
        self._control: JobControl | None = None

    def start_controlled(self, job: Callable[[JobControl], Any]) -> None:
        """Like :meth:`start`; the job gets a :class:`JobControl` for progress and cancelling.

        Starting another job cancels this one (its result would be dropped anyway).
        """
        self.cancel()
        holder: list[JobControl] = []
        self.start(lambda: job(holder[0]), _hold=holder)

    def cancel(self) -> None:
        """Ask the running controlled job to stop at its next progress report; its result is dropped."""
        if self._control is not None:
            self._control.cancel()
            self._control = None
        self._generation += 1

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def start(self, job: Callable[[], Any], *, _hold: list[JobControl] | None = None) -> None:
        self._generation += 1
        generation = self._generation
        signals = _WorkerSignals()  # created here, so its signals arrive on this (UI) thread
        self._pending.add(signals)
        if _hold is not None:
            self._control = JobControl(signals)
            _hold.append(self._control)

        def progressed(done: int, total: int) -> None:
            if generation == self._generation:
                _emit(self.sig_progress, done, total)

        signals.sig_progress.connect(progressed)

        def done(value: object) -> None:
            self._pending.discard(signals)
            if generation == self._generation:
                _emit(self.sig_loaded, value)

        def failed(exc: object) -> None:
            self._pending.discard(signals)
            if generation == self._generation:
                _emit(self.sig_failed, exc)

        signals.sig_done.connect(done)
        signals.sig_failed.connect(failed)
        self._pool.start(_Worker(job, signals))

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the pool is idle (tests, shutdown)."""
        return self._pool.waitForDone(msecs)

    def wait_while(self, busy: Callable[[], bool], timeout_ms: int = 10_000) -> bool:
        """Block until ``busy()`` is false: the screen has shown its load (a screenshot, tests).
        Results arrive as queued signals, so events are processed while waiting."""
        app = QCoreApplication.instance()
        deadline = QDeadlineTimer(timeout_ms)
        while busy() and not deadline.hasExpired():
            self.wait(50)
            if app is not None:
                app.processEvents()
        return not busy()
