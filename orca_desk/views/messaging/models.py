"""Qt item models of the messaging screens: thin adapters over plain rows (paged where lists are long)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")

RowRole = Qt.ItemDataRole.UserRole + 1


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


class RowsListModel(QAbstractListModel, Generic[R]):
    """A list over plain rows with text, tooltip, bold (unread) and background per row."""

    def __init__(
        self,
        text: Callable[[R], str],
        *,
        bold: Callable[[R], bool] | None = None,
        background: Callable[[R], str | None] | None = None,
        alignment: Callable[[R], Qt.AlignmentFlag] | None = None,
        tooltip: Callable[[R], str] | None = None,
    ) -> None:
        super().__init__()
        self._text, self._bold, self._background = text, bold, background
        self._alignment, self._tooltip = alignment, tooltip
        self._rows: list[R] = []

    def set_rows(self, rows: list[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rows(self) -> list[R]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row)
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltip is not None:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.FontRole and self._bold is not None and self._bold(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and self._background is not None:
            colour = self._background(row)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and self._alignment is not None:
            return int(self._alignment(row) | Qt.AlignmentFlag.AlignVCenter)
        if role == RowRole:
            return row
        return None


class PaddedDelegate(QStyledItemDelegate):
    """Adds breathing room around each list item while keeping the model's background colours."""

    def __init__(self, vertical: int = 6, parent: Any = None) -> None:
        super().__init__(parent)
        self.vertical = vertical

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 2 * self.vertical)
