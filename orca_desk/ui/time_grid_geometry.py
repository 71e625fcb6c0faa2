"""The time grid's state, signals and geometry: column edges, minute heights, item rectangles, hit tests."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from orca_desk.ui.time_grid_model import (
    AXIS_W,
    FIT_MIN_COL_W,
    GROUP_H,
    HEADER_H,
    MIN_COL_W,
    ZOOM_LEVELS,
    DragState,
    DropCheck,
    GridColumn,
    GridItem,
    RangeState,
)


class GridGeometry(QWidget):
    """The book's state and signals, and where everything is: the columns' edges, the minutes'
    heights, the items' rectangles (computed once per layout, reused for painting and hit-testing)."""

    sig_item_moved = Signal(int, int, int, int)
    """An item was dropped: (item id, column key, start minute, end minute)."""
    sig_item_activated = Signal(int)
    """An item was double-clicked."""
    sig_empty_activated = Signal(int, int)
    """Empty space was double-clicked: (column key, minute)."""
    sig_context_menu = Signal(int, QPoint)
    """Right-click on an item (id, global position); id -1 when on empty space."""
    sig_selection_changed = Signal(int)
    """The selected item changed (-1 for none)."""
    sig_range_selected = Signal(int, int, int)
    """A range of empty time was dragged out (Shift+drag or range mode): (column key, start, end)."""
    sig_delete_requested = Signal(int)
    """Delete was pressed on a selected item (id)."""
    sig_zoom_requested = Signal(int)
    """Ctrl+wheel: zoom in (+1) or out (-1) one level; the owner decides and remembers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        # Every pixel comes from the cached tiles: nothing behind the book needs painting first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.day_start = 7 * 60
        self.day_end = 19 * 60
        self.snap = 5
        self.min_px_per_min = 1.1
        self.min_col_w = MIN_COL_W
        self.zoom = 1.0  # scales the minimum minute height and column width
        self.fit_width = False  # every column fits the width shown (no horizontal scrolling)
        self._edges: list[float] = [float(AXIS_W)]  # left edge of each column, then the right edge
        self._edges_key: tuple[int, int] = (-1, -1)
        self._last_hint: QSize | None = None
        self.range_mode = False  # a plain drag on empty space selects a range (e.g. "Block time")
        self.columns: list[GridColumn] = []
        self.items: list[GridItem] = []
        self.drop_check: DropCheck | None = None
        self.tooltip_for: Callable[[GridItem], str] | None = None
        self.now_minute: int | None = None  # legacy: one line across every column
        self.selected_id = -1
        self.cell: tuple[int, int] | None = None  # the selected free cell (column key, minute)
        self.key_step = 15  # arrow keys walk free time, and Ctrl+arrows move items, by this much
        # How times are said to a screen reader ("12h" or "24h"), asked when one reads a time.
        self.time_format: Callable[[], str] = lambda: "12h"
        # The painted tiles (see GridPainter): any change of what or where empties them.
        self._tiles: dict[tuple[int, int], QPixmap] = {}
        self._by_col: dict[int, list[GridItem]] = {}
        self._col_index: dict[int, int] = {}
        self._grouped = False
        self._items_by_id: dict[int, GridItem] = {}
        self._drag: DragState | None = None
        self._range: RangeState | None = None
        self._pending: tuple[list[GridColumn], list[GridItem]] | None = None

    # ----- data -------------------------------------------------------------------------
    def set_content(self, columns: list[GridColumn], items: list[GridItem]) -> None:
        """Show these columns and items; while the user drags, wait until the drop."""
        if self._drag is not None or self._range is not None:
            self._pending = (columns, items)
            return
        self.columns = columns
        self._grouped = any(c.group for c in columns)  # header_h is asked for on every y_of
        self._col_index = {c.key: i for i, c in enumerate(columns)}
        self._edges_key = (-1, -1)
        self.items = [i for i in items if i.column in self._col_index]
        self._items_by_id = {i.id: i for i in self.items}
        self._tiles.clear()
        self._layout_items()
        self._update_geometry()
        self.update()

    def _update_geometry(self) -> None:
        # A new day usually keeps the size: asking the scroll area to lay out again for nothing
        # repaints its scroll bars on every day switch.
        hint = self.minimumSizeHint()
        if hint != self._last_hint:
            self._last_hint = hint
            self.updateGeometry()

    def set_hours(self, start_minute: int, end_minute: int) -> None:
        self.day_start, self.day_end = start_minute, end_minute
        self._tiles.clear()
        self._layout_items()
        self.updateGeometry()
        self.update()

    def set_now(self, minutes: dict[int, int | None]) -> None:
        """Move the current-time line (column key → minute, None where the column is not today)."""
        moved = False
        for col in self.columns:
            if col.key in minutes and col.now_minute != minutes[col.key]:
                col.now_minute = minutes[col.key]
                moved = True
        if moved:  # the line is painted under the items, in the cached strips
            self._tiles.clear()
            self.update()

    def set_zoom(self, zoom: float, *, fit_width: bool = False) -> None:
        """Scale the minute height and the column width (the scroll area follows the new size)."""
        self.zoom = max(ZOOM_LEVELS[0], min(ZOOM_LEVELS[-1], zoom))
        self.fit_width = fit_width
        self.updateGeometry()
        self.update()

    def item(self, item_id: int) -> GridItem | None:
        return self._items_by_id.get(item_id)

    @property
    def dragging(self) -> bool:
        return self._drag is not None or self._range is not None

    # ----- geometry ---------------------------------------------------------------------
    @property
    def header_h(self) -> int:
        return HEADER_H + (GROUP_H if self._grouped else 0)

    def _total_weight(self) -> float:
        return sum(c.weight for c in self.columns) or 1.0

    def min_column_width(self) -> float:
        """The narrowest a standard column may get at this zoom (the widget's minimum width follows)."""
        return FIT_MIN_COL_W if self.fit_width else self.min_col_w * self.zoom

    def sizeHint(self) -> QSize:
        return QSize(
            AXIS_W + int(self._total_weight() * max(160.0, self.min_column_width())),
            self.header_h + int((self.day_end - self.day_start) * 1.4 * self.zoom),
        )

    def minimumSizeHint(self) -> QSize:
        return QSize(
            AXIS_W + int(self._total_weight() * self.min_column_width()),
            self.header_h + int((self.day_end - self.day_start) * self.min_px_per_min * self.zoom),
        )

    def px_per_min(self) -> float:
        return max(0.5, (self.height() - self.header_h) / max(1, self.day_end - self.day_start))

    def col_width(self) -> float:
        """The width of a standard column (weight 1)."""
        return (self.width() - AXIS_W) / self._total_weight()

    def edges(self) -> list[float]:
        """The left edge of each column, then the right edge of the last (cached per width)."""
        key = (self.width(), id(self.columns))
        if key != self._edges_key or len(self._edges) != len(self.columns) + 1:
            unit, x = self.col_width(), float(AXIS_W)
            edges = [x]
            for c in self.columns:
                x += c.weight * unit
                edges.append(x)
            self._edges, self._edges_key = edges, key
        return self._edges

    def col_left(self, ci: int) -> float:
        return self.edges()[ci]

    def col_w(self, ci: int) -> float:
        e = self.edges()
        return e[ci + 1] - e[ci]

    def _index_at(self, x: float) -> int:
        """The index of the column under x (may be -1 or len(columns) outside them)."""
        return bisect.bisect_right(self.edges(), x) - 1

    def y_of(self, minute: float) -> float:
        return self.header_h + (minute - self.day_start) * self.px_per_min()

    def minute_at(self, y: float) -> float:
        return self.day_start + (y - self.header_h) / self.px_per_min()

    def column_at(self, x: float) -> GridColumn | None:
        if x < AXIS_W or not self.columns:
            return None
        idx = self._index_at(x)
        return self.columns[idx] if 0 <= idx < len(self.columns) else None

    def column_rect(self, column_key: int) -> QRectF:
        ci = self._col_index[column_key]
        return QRectF(self.col_left(ci), 0, self.col_w(ci), self.height())

    def item_rect(self, column_key: int, start: int, end: int, lane: int = 0, lanes: int = 1) -> QRectF:
        ci = self._col_index[column_key]
        w = self.col_w(ci)
        pad = 3 if w >= 60 else 1
        lane_w = (w - 2 * pad) / lanes
        x = self.col_left(ci) + pad + lane * lane_w
        y1, y2 = self.y_of(start), self.y_of(end)
        return QRectF(x, y1 + 1, max(2.0, lane_w - 1), max(8.0, y2 - y1 - 2))

    def cell_rect(self, column_key: int, minute: int) -> QRectF:
        ci = self._col_index[column_key]
        y1, y2 = self.y_of(minute), self.y_of(minute + self.key_step)
        return QRectF(self.col_left(ci), y1, self.col_w(ci), y2 - y1)

    def _range_rect(self, rg: RangeState) -> QRectF:
        ci = self._col_index[rg.column]
        x = self.col_left(ci)
        return QRectF(
            x + 1, self.y_of(rg.start), self.col_w(ci) - 2, max(2.0, self.y_of(rg.end) - self.y_of(rg.start))
        )

    def point_for(self, column_key: int, minute: float) -> QPoint:
        """Where a minute of a column is drawn (for tests and keyboard moves)."""
        ci = self._col_index[column_key]
        return QPoint(int(self.col_left(ci) + self.col_w(ci) / 2), int(self.y_of(minute)))

    def _layout_items(self) -> None:
        """Give overlapping items in a column side-by-side lanes (a provider column overlaps)."""
        by_col: dict[int, list[GridItem]] = {}
        for it in self.items:
            by_col.setdefault(it.column, []).append(it)
        self._by_col = by_col
        self._tiles.clear()
        # The geometry is the same for every item: read it once, not per item (a week has
        # ~1,400 items and px_per_min/col_width/header_h each ask Qt for the widget's size).
        edges, ppm = self.edges(), self.px_per_min()
        top = self.header_h - self.day_start * ppm
        for key, col_items in by_col.items():
            col_items.sort(key=_ghost_first)
            ci = self._col_index[key]
            w = edges[ci + 1] - edges[ci]
            pad = 3 if w >= 60 else 1
            x0 = edges[ci] + pad
            ghosts = [it for it in col_items if it.ghost]
            if ghosts:
                _place(ghosts, [0] * len(ghosts), x0, w - 2 * pad, top, ppm)
                col_items = col_items[len(ghosts) :]
            cluster: list[GridItem] = []
            lanes_of: list[int] = []  # the lane of each item of the cluster
            lane_ends: list[int] = []
            cluster_end = -1
            for it in col_items:
                if it.start >= cluster_end and cluster:
                    _place(cluster, lanes_of, x0, (w - 2 * pad) / len(lane_ends), top, ppm)
                    cluster, lanes_of, lane_ends = [], [], []
                lane = next((k for k, e in enumerate(lane_ends) if e <= it.start), None)
                if lane is None:
                    lane = len(lane_ends)
                    lane_ends.append(it.end)
                else:
                    lane_ends[lane] = it.end
                lanes_of.append(lane)
                cluster.append(it)
                cluster_end = max(cluster_end, it.end)
            if cluster:
                _place(cluster, lanes_of, x0, (w - 2 * pad) / len(lane_ends), top, ppm)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._tiles.clear()
        self._layout_items()
        super().resizeEvent(event)

    def _cols_in(self, clip: QRectF) -> range:
        first = max(0, self._index_at(clip.left()) - 1)
        last = min(len(self.columns), self._index_at(clip.right()) + 2)
        return range(first, max(first, last))

    # ----- hit testing and selection ----------------------------------------------------
    def item_at(self, pos: QPointF, *, ghosts: bool = False) -> GridItem | None:
        """The live item at ``pos``; with ``ghosts``, a ghost under it when no live item is there."""
        for it in reversed(self.items):
            if not it.ghost and it.rect.contains(pos):
                return it
        if ghosts:
            for it in reversed(self.items):
                if it.ghost and it.rect.contains(pos):
                    return it
        return None

    def _snap(self, minute: float) -> int:
        return int(round(minute / self.snap) * self.snap)

    def _select(self, item_id: int) -> None:
        if item_id != self.selected_id:
            old = self.item(self.selected_id)
            self.selected_id = item_id
            self.sig_selection_changed.emit(item_id)
            new = self.item(item_id)
            self._dirty([r.rect for r in (old, new) if r is not None])

    def _set_cell(self, cell: tuple[int, int] | None) -> None:
        if cell == self.cell:
            return
        old, self.cell = self.cell, cell
        self._dirty([self.cell_rect(*c) for c in (old, cell) if c is not None and c[0] in self._col_index])

    def _dirty(self, rects: Sequence[QRectF]) -> None:
        """Repaint only these rectangles (plus the pen's width)."""
        for r in rects:
            self.update(r.toAlignedRect().adjusted(-3, -3, 3, 3))


def _ghost_first(it: GridItem) -> tuple[bool, int, int]:
    """Ghosts first (painted under the live items), each kind in time order."""
    return not it.ghost, it.start, it.end


def _place(
    cluster: list[GridItem], lanes_of: list[int], x0: float, lane_w: float, top: float, ppm: float
) -> None:
    """Rectangles of one cluster of overlapping items (the arithmetic of ``item_rect``)."""
    for it, lane in zip(cluster, lanes_of, strict=True):
        y1, y2 = top + it.start * ppm, top + it.end * ppm
        it.rect = QRectF(x0 + lane * lane_w, y1 + 1, max(2.0, lane_w - 1), max(8.0, y2 - y1 - 2))
