"""Poll the change feed on a QTimer and tell the window when another desk changed the book."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from orca_desk.db import Database
from orca_desk.services.change_feed import ChangeFeed, open_change_feed

POLL_MS = 1000


class ChangeWatcher(QObject):
    """Each tick costs one ``PRAGMA data_version`` or one non-blocking read of pending NOTIFYs."""

    sig_changed = Signal()
    """The database changed since the last tick (possibly by this desk)."""

    def __init__(self, db: Database, parent: QObject | None = None, *, interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.feed: ChangeFeed = open_change_feed(db)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()

    def _on_timer_timeout(self) -> None:
        if self.feed.poll():
            self.sig_changed.emit()

    def stop(self) -> None:
        self.timer.stop()
        self.feed.close()
