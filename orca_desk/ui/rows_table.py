"""Read-only Qt models over frozen rows: a table (each column a header and a function of the row) and a
list (text, tooltip, bold, background per row), with the helpers their views share."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
R = TypeVar("R")

RowRole = Qt.ItemDataRole.UserRole + 1  # a list model's data: the row itself


class RowsModel(QAbstractTableModel, Generic[T]):
    """Rows with display text per column; an optional function gives each row's tooltip, or
    ``cell_tooltips`` repeats each cell's text as its tooltip (for columns that get cut off)."""

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[T], object]]],
        tooltip: Callable[[T], str] | None = None,
        *,
        cell_tooltips: bool = False,
    ) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows: list[T] = []
        self._tooltip = tooltip
        self._cell_tooltips = cell_tooltips

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T:
        return self.rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.columns[index.column()][1](row))
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltip is not None:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.ToolTipRole and self._cell_tooltips:
            return str(self.columns[index.column()][1](row))
        return None


def table(model: QAbstractTableModel, stretch: int, *, empty: str = "") -> QTableView:
    """A read-only, row-selecting table; ``empty`` is the one line it shows while it has no rows
    (what would appear here, and the action that fills it)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    if empty:
        empty_state(view, empty)
    return view


def empty_state(view: QAbstractItemView, text: str) -> QLabel:
    """Show ``text`` (one line: what would be listed, and the action that fills it) centred in
    ``view`` while its model has no rows; any list or table, its model set first."""
    label = QLabel(text, view.viewport())
    label.setObjectName(EMPTY_STATE)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    _EmptyState(view)
    return label


EMPTY_STATE = "emptyState"


class _EmptyState(QObject):
    """Keeps an empty list's hint centred in its viewport, hidden as soon as the model has rows.

    It holds nothing in Python attributes: PySide may collect this wrapper while Qt keeps the object
    (a child of the view) and hand a fresh, empty wrapper to the slot, so everything is found through
    Qt: the view is the parent, the hint the viewport's child by name."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self._update)
        self._update()

    def _hint(self) -> tuple[QLabel | None, QAbstractItemModel | None]:
        view = self.parent()
        if not isinstance(view, QAbstractItemView):
            return None, None
        return view.viewport().findChild(
            QLabel, EMPTY_STATE, Qt.FindChildOption.FindDirectChildrenOnly
        ), view.model()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            label, _model = self._hint()
            if label is not None:
                label.setGeometry(watched.rect().adjusted(24, 0, -24, 0))
        return False

    # A declared slot: Qt drops its connections when this object goes with its view.
    @Slot()
    def _update(self) -> None:
        # A QTableWidget's own model empties itself while the view (and this label) is destroyed.
        with contextlib.suppress(RuntimeError):
            label, model = self._hint()
            if label is not None and model is not None:
                label.setVisible(model.rowCount() == 0)


def selected(view: QTableView, model: RowsModel[T]) -> T | None:
    rows = view.selectionModel().selectedRows()
    return model.rows[rows[0].row()] if rows and rows[0].row() < len(model.rows) else None


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
    """Adds breathing room around each list item while keeping the model's background colours.

    With ``fit`` (the parent is the list view), an item is never wider than the view: a long
    line ends in "…" rather than widening the list behind a sideways scroll bar."""

    def __init__(self, vertical: int = 6, parent: Any = None, *, fit: bool = False) -> None:
        super().__init__(parent)
        self.vertical = vertical
        self.fit = fit

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        width = size.width()
        view = self.parent()
        if self.fit and isinstance(view, QListView):
            width = min(width, view.viewport().width() - 2 * view.spacing())
        return QSize(width, size.height() + 2 * self.vertical)
