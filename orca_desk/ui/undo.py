"""The window's undo history, plus the row version each of this desk's own edits left behind."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack


class UndoStack(QUndoStack):
    """A QUndoStack whose commands share ``versions``: (entity, id) → version after our last edit.

    Undoing an older edit of a row that a newer command also changed must expect the version the
    newer one left; a different version in the database means another desk changed it.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.versions: dict[tuple[str, int], int] = {}
