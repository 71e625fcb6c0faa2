"""The one path from a screen to the data: a write is one unit of work whose changes every
screen hears; a slow read runs off the UI thread; a refusal is shown one way."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import text
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.services.change_feed import ChangeFeed, NullChangeFeed
from orca_desk.services.changes import NO_CHANGES, Changes, ChangeTracker, run_tracked
from orca_desk.services.errors import OrcaError
from orca_desk.ui import language
from orca_desk.ui.workers import BackgroundLoader

DEFAULT_TITLES = (
    QT_TRANSLATE_NOOP("Operations", "Not saved"),
    QT_TRANSLATE_NOOP("Operations", "Could not load"),
)

T = TypeVar("T")
ErrorSink = Callable[[str], None]
RefusalSink = Callable[[OrcaError], None]


class Operations(QObject):
    """Screens run their service calls here, never opening transactions themselves.

    ``write`` runs ``work(session)`` in one transaction (on the UI thread by default: most
    edits take a few milliseconds; ``background=True`` for long ones), then emits
    ``sig_changes`` with what it changed, which the main window hands to every screen. A
    service's refusal (``OrcaError``) is shown in the dialog's own error line when the caller
    gives one (``on_error``), else in a message box, and always in the status bar.
    """

    sig_changes = Signal(object)
    """This desk committed these ``Changes``."""
    sig_status = Signal(str)
    """A short line for the status bar (a refusal)."""
    sig_busy = Signal(bool)
    """Background work started (True) or every piece of it ended (False)."""

    def __init__(
        self,
        db: Database,
        parent: QObject | None = None,
        *,
        feed: ChangeFeed | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.feed: ChangeFeed = feed or NullChangeFeed()
        self._pool = pool
        self._running: set[BackgroundLoader] = set()
        self.routed = False
        """True once a window hands ``sig_changes`` to its screens; until then the screen that
        ran an operation is told itself (a screen or dialog shown on its own)."""

    # ----- writes -------------------------------------------------------------------------
    def write(
        self,
        work: Callable[[Session], T],
        *,
        parent: QWidget | None,
        on_done: Callable[[T], None] | None = None,
        on_error: ErrorSink | None = None,
        title: str = "Not saved",
        background: bool = False,
        on_refused: RefusalSink | None = None,
    ) -> bool:
        """Run ``work`` as one unit of work; False when it was refused (nothing changed).
        With ``background`` the result comes later through ``on_done``; True means started.
        ``on_refused`` takes the refusal itself, for a form that shows it beside the field it names."""
        if background:
            loader = self._loader()
            loader.sig_loaded.connect(lambda result: self._written(result, on_done, parent))
            loader.sig_failed.connect(lambda exc: self._failed(exc, parent, on_error, title, on_refused))
            loader.start(lambda: self._commit(work))
            return True
        try:
            result = self._commit(work)
        except OrcaError as exc:
            self._failed(exc, parent, on_error, title, on_refused)
            return False
        self._written(result, on_done, parent)
        return True

    def _commit(self, work: Callable[[Session], T]) -> tuple[T, Changes]:
        value, changes, _txid = run_tracked(self.db, work, before_commit=self.feed.own)
        if changes:
            self.feed.own(None)  # SQLite: the version our commit made is not another desk's
        return value, changes

    def _written(self, result: Any, on_done: Callable[[Any], None] | None, parent: QWidget | None) -> None:
        value, changes = result
        if on_done is not None:
            on_done(value)
        if not changes:
            return
        if self.routed:
            self.sig_changes.emit(changes)
            return
        widget: QObject | None = parent
        while widget is not None and not callable(getattr(widget, "on_changes", None)):
            widget = widget.parent()
        if widget is not None:
            widget.on_changes(changes)  # type: ignore[attr-defined]

    def write_in_steps(
        self,
        work: Callable[[Callable[[], AbstractContextManager[Session]]], T],
        *,
        parent: QWidget | None,
        on_done: Callable[[T], None] | None = None,
        on_error: ErrorSink | None = None,
        title: str = "Not saved",
    ) -> bool:
        """A long write as several short units of work, off the UI thread (a template applied
        over months: other desks book between its steps). ``work(step)`` enters ``step()`` once
        per unit of work; what the committed ones changed is told when it ends, refused or not."""
        committed: list[Changes] = []

        @contextmanager
        def step() -> Iterator[Session]:
            with self.db.write() as session:
                tracker = ChangeTracker(session)
                try:
                    yield session
                    session.flush()
                finally:
                    tracker.close()
                changes = tracker.changes()
                if self.db.is_postgres and changes:
                    self.feed.own(int(session.execute(text("SELECT txid_current()")).scalar_one()))
            if changes:
                self.feed.own(None)
                committed.append(changes)

        def told() -> Changes:
            return functools.reduce(operator.or_, committed, NO_CHANGES)

        def failed(exc: object) -> None:
            self._written((None, told()), None, parent)
            self._failed(exc, parent, on_error, title)

        loader = self._loader()
        loader.sig_loaded.connect(lambda value: self._written((value, told()), on_done, parent))
        loader.sig_failed.connect(failed)
        loader.start(lambda: work(step))
        return True

    # ----- reads --------------------------------------------------------------------------
    def read(
        self,
        work: Callable[[Session], T],
        *,
        parent: QWidget | None,
        on_done: Callable[[T], None],
        on_error: ErrorSink | None = None,
        title: str = "Could not load",
        background: bool = True,
        on_refused: RefusalSink | None = None,
    ) -> bool:
        """Run a read-only ``work`` (off the UI thread by default) and hand its result to
        ``on_done`` on the UI thread. For a screen's own reload, a ``BackgroundLoader`` keeps
        only the newest of overlapping loads; this is for one-off reads (a dialog's data)."""

        def job() -> T:
            with self.db.read() as session:
                return work(session)

        if not background:
            try:
                value = job()
            except OrcaError as exc:
                self._failed(exc, parent, on_error, title, on_refused)
                return False
            on_done(value)
            return True
        loader = self._loader()
        loader.sig_loaded.connect(on_done)
        loader.sig_failed.connect(lambda exc: self._failed(exc, parent, on_error, title, on_refused))
        loader.start(job)
        return True

    # ----- shared -------------------------------------------------------------------------
    def _loader(self) -> BackgroundLoader:
        loader = BackgroundLoader(self, pool=self._pool)
        self._running.add(loader)
        if len(self._running) == 1:
            self.sig_busy.emit(True)

        def finished(_value: object = None) -> None:
            self._running.discard(loader)
            loader.deleteLater()
            if not self._running:
                self.sig_busy.emit(False)

        # Connected first, so the caller's handlers run after the loader is accounted for.
        loader.sig_loaded.connect(finished)
        loader.sig_failed.connect(finished)
        return loader

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until background work has been delivered (tests, screenshots, closing)."""
        if not self._running:
            return True
        return next(iter(self._running)).wait_while(lambda: self.busy, timeout_ms)

    def _failed(
        self,
        exc: object,
        parent: QWidget | None,
        on_error: ErrorSink | None,
        title: str,
        on_refused: RefusalSink | None = None,
    ) -> None:
        if not isinstance(exc, OrcaError):
            raise exc if isinstance(exc, BaseException) else RuntimeError(str(exc))
        message = language.say(str(exc))
        title = QCoreApplication.translate(
            "Operations", title
        )  # the defaults below; the rest come translated
        self.sig_status.emit(f"{title}: {message}")
        if on_refused is not None:
            on_refused(exc)
        elif on_error is not None:
            on_error(message)
        else:
            QMessageBox.warning(parent, title, message)
