"""Poll the change feed on a QTimer and tell the window what other desks changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from orca_desk.db import Database
from orca_desk.services.change_feed import ChangeFeed, open_change_feed

# Twice a second: a change shows at the other desks within a second, reload included; a poll
# costs one PRAGMA or one non-blocking read of the LISTEN connection.
POLL_MS = 500


class ChangeWatcher(QObject):
    """Each tick costs one ``PRAGMA data_version`` or one non-blocking read of pending NOTIFYs.
    This desk's own commits, made through ``Operations``, are not reported: the operation
    already told the screens."""

    sig_changes = Signal(object)
    """Another desk (or this desk's automation) committed these ``Changes``."""

    def __init__(self, db: Database, parent: QObject | None = None, *, interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.feed: ChangeFeed = open_change_feed(db)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        changes = self.feed.poll()
        if changes:
            self.sig_changes.emit(changes)

    def stop(self) -> None:
        self.timer.stop()
        self.feed.close()
