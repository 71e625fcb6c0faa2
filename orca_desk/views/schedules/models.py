"""Qt item model of the Schedules screen's provider list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from orca_desk.services.clinic import ProviderRow

Index = QModelIndex | QPersistentModelIndex


class ProviderListModel(QAbstractListModel):
    """The clinic's providers; the decoration is their calendar colour."""

    def __init__(self, providers: Sequence[ProviderRow]) -> None:
        super().__init__()
        self._rows = list(providers)

    def row_at(self, row: int) -> ProviderRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return p.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{p.role}, sees up to {p.max_concurrent} at once"
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(p.colour)
        return None
