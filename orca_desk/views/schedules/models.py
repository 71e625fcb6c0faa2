"""Qt item models of the Schedules screen: providers, and a generic table over frozen rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from orca_desk.services.clinic import ProviderRow

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


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


class RowsTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over plain rows; each column is a header and a function of the row."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[T], str]]]) -> None:
        super().__init__()
        self._columns = list(columns)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[index.column()][1](self._rows[index.row()])
        return None
