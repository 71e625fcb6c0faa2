"""The outbox's table model: plain rows, loaded a page at a time as the table scrolls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from orca_desk.ui.rows_table import Index, RowRole

R = TypeVar("R")


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    tooltip: Callable[[R], str] | None = None


class RowsTableModel(QAbstractTableModel, Generic[R]):
    """A table over plain rows; with ``fetch_page`` it loads more as the view scrolls (fetchMore)."""

    def __init__(
        self,
        columns: Sequence[Column[R]],
        *,
        page_size: int = 200,
        fetch_page: Callable[[int, int], list[R]] | None = None,
        colour: Callable[[R], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.columns = list(columns)
        self.page_size = page_size
        self._fetch_page = fetch_page
        self._colour = colour
        self._rows: list[R] = []
        self._exhausted = True

    # ----- loading ------------------------------------------------------------------------
    def set_rows(self, rows: list[R], *, more: bool = False) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._exhausted = not more
        self.endResetModel()

    def reload(self) -> None:
        """Load the first page again through ``fetch_page``."""
        if self._fetch_page is None:
            return
        first = self._fetch_page(0, self.page_size)
        self.set_rows(first, more=len(first) == self.page_size)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._fetch_page is not None and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if not self.canFetchMore(parent) or self._fetch_page is None:
            return
        page = self._fetch_page(len(self._rows), self.page_size)
        self._exhausted = len(page) < self.page_size
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    # ----- access -------------------------------------------------------------------------
    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rows(self) -> list[R]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip(row) if col.tooltip else col.text(row)
        if role == Qt.ItemDataRole.ForegroundRole and self._colour is not None and index.column() == 1:
            colour = self._colour(row)
            return QBrush(QColor(colour)) if colour else None
        if role == RowRole:
            return row
        return None
