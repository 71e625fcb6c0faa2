"""One custom-painted time grid: columns × minutes, coloured items, drag to move and resize."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QElapsedTimer, QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QToolTip, QWidget

from orca_desk.ui.colours import tint

HEADER_H = 34
GROUP_H = 20  # the extra header row naming a column group (a day, a location)
AXIS_W = 56
RESIZE_GRIP = 6
MIN_COL_W = 110
SHADE = "#e9edf2"
# The painted book is cached in tiles this big (Open Dental's cached bitmaps): a day switch paints
# only the tiles in view, not whole-height strips of hours scrolled away.
TILE_W = 384
TILE_H = 288
BLOCK_FILL = "#f6efe6"
NOW_COLOUR = "#e53935"
# Zoom factors of the book (minute height and column width); Ctrl+wheel, Ctrl+= and Ctrl+− step.
ZOOM_LEVELS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)
FIT_MIN_COL_W = 4  # "fit all chairs": columns may get this narrow (a coloured bar per visit)


def zoom_step(zoom: float, steps: int) -> float:
    """The zoom level ``steps`` levels in (positive) or out from ``zoom``, within ZOOM_LEVELS."""
    nearest = min(range(len(ZOOM_LEVELS)), key=lambda k: abs(ZOOM_LEVELS[k] - zoom))
    return ZOOM_LEVELS[max(0, min(len(ZOOM_LEVELS) - 1, nearest + steps))]


@dataclass
class GridColumn:
    key: int
    title: str
    subtitle: str = ""
    # Shaded (non-working) and hatched (blocked) minute ranges, [start, end).
    shaded: Sequence[tuple[int, int]] = ()
    hatched: Sequence[tuple[int, int, str]] = ()  # (start, end, label)
    group: str = ""  # consecutive columns with the same group share a header (a day, a location)
    now_minute: int | None = None  # where the current-time line crosses this column, if today
    hatch_colours: Sequence[str] = ()  # one per hatched range; empty: the default block colour
    weight: float = 1.0  # how many standard widths the column takes (a provider seeing 3 at once: 3)


@dataclass
class GridItem:
    id: int
    column: int  # GridColumn.key
    start: int  # minutes from local midnight
    end: int
    colour: str
    title: str
    subtitle: str = ""
    badge: str = ""  # short text drawn in a pill, e.g. "✓" confirmed
    badge_colour: str = "#1b7f4b"
    faded: bool = False
    icon: str = ""  # a glyph drawn before the title, e.g. "↻" for a series
    movable: bool = True
    data: object = None
    rect: QRectF = field(default_factory=QRectF)
    badge_quiet: bool = False  # an outlined, grey pill: there but not shouting (unconfirmed)
    tooltip: str = ""  # empty: the grid asks ``tooltip_for`` when the mouse rests on the item
    short_titles: tuple[str, ...] = ()  # shorter forms of the title, tried in order when it does not fit
    placeholder: bool = False  # reserved but not booked (a template slot, an offer): a dashed outline
    # A visit that did not happen (cancelled, no-show): washed out, full width behind the live items,
    # and free time to everything else (booking, keys, drags); only its tooltip and menu answer.
    ghost: bool = False


# Called during a drag: (item, column key, start, end) -> reason it would be refused, or None.
DropCheck = Callable[[GridItem, int, int, int], str | None]


class TimeGridWidget(QWidget):
    """The appointment book: paints a cached background and only the items in view.

    There is no widget per appointment; item rectangles are computed once per layout and
    reused for painting and hit-testing, so thousands of items stay cheap. While dragging,
    only the rectangles the ghost leaves and enters are repainted.
    """

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
        self._typed = ""  # type-ahead: the letters typed so far
        self._typed_at = QElapsedTimer()
        self._tiles: dict[tuple[int, int], QPixmap] = {}
        self._tile_hidden: GridItem | None = None  # the dragged item, left out of the cached strips
        self._by_col: dict[int, list[GridItem]] = {}
        self._col_index: dict[int, int] = {}
        self._grouped = False
        self._items_by_id: dict[int, GridItem] = {}
        self._drag: _Drag | None = None
        self._range: _Range | None = None
        self._pending: tuple[list[GridColumn], list[GridItem]] | None = None
        self._title_font = QFont(self.font())
        self._title_font.setBold(True)
        self._small_font = QFont(self.font())
        self._small_font.setPointSizeF(max(7.0, self.font().pointSizeF() - 1.5))
        self._group_font = QFont(self._title_font)
        self._ghost_font = QFont(self._title_font)  # a visit that did not happen: its name struck out
        self._ghost_font.setBold(False)
        self._ghost_font.setStrikeOut(True)
        self._sfm = QFontMetrics(self._small_font)
        self._title_fit = _TextFit(self._title_font)
        self._small_fit = _TextFit(self._small_font)

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

    # ----- painting ---------------------------------------------------------------------
    def _cols_in(self, clip: QRectF) -> range:
        first = max(0, self._index_at(clip.left()) - 1)
        last = min(len(self.columns), self._index_at(clip.right()) + 2)
        return range(first, max(first, last))

    def _tile_size(self, key: tuple[int, int]) -> QSize:
        """A tile's device pixels (those at the right and bottom edges are cut to the widget)."""
        dpr = self.devicePixelRatioF()
        w = max(1, min(TILE_W, self.width() - key[0] * TILE_W))
        h = max(1, min(TILE_H, self.height() - key[1] * TILE_H))
        return QSize(int(w * dpr), int(h * dpr))

    def _render_tile(self, key: tuple[int, int]) -> QPixmap:
        """Background and items of one tile; painted once, then blitted on every repaint."""
        dpr = self.devicePixelRatioF()
        x0, y0 = key[0] * TILE_W, key[1] * TILE_H
        size = self._tile_size(key)
        pm = QPixmap(size)
        pm.setDevicePixelRatio(dpr)
        pm.fill(QColor("#ffffff"))
        p = QPainter(pm)
        p.translate(-x0, -y0)
        clip = QRectF(x0, y0, size.width() / dpr, size.height() / dpr)
        p.setClipRect(clip)
        self._paint_background(p, clip)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for ci in self._cols_in(clip):
            for it in self._by_col.get(self.columns[ci].key, ()):
                if it is not self._tile_hidden and it.rect.intersects(clip):
                    self._paint_item(p, it, it.rect)
        p.end()
        return pm

    def _paint_background(self, p: QPainter, clip: QRectF) -> None:
        w, edges = self.width(), self.edges()
        cols = self._cols_in(clip)
        # Non-working time and blocks first, grid lines over them.
        shade = QBrush(QColor(SHADE))
        for ci in cols:
            col = self.columns[ci]
            x, colw = edges[ci], edges[ci + 1] - edges[ci]
            for s, e in col.shaded:
                s, e = max(s, self.day_start), min(e, self.day_end)
                if e > s:
                    p.fillRect(QRectF(x, self.y_of(s), colw, self.y_of(e) - self.y_of(s)), shade)
            for k, (s, e, label) in enumerate(col.hatched):
                s, e = max(s, self.day_start), min(e, self.day_end)
                if e <= s:
                    continue
                colour = QColor(col.hatch_colours[k] if k < len(col.hatch_colours) else "#c9b8a6")
                r = QRectF(x + 1, self.y_of(s), colw - 1, self.y_of(e) - self.y_of(s))
                p.fillRect(r, QColor(BLOCK_FILL))
                p.fillRect(r, QBrush(colour.darker(110), Qt.BrushStyle.BDiagPattern))
                if label and r.height() > 14 and colw > 40:
                    p.setPen(QColor("#6a5443"))
                    p.setFont(self._small_font)
                    p.drawText(
                        r.adjusted(4, 2, -4, -2),
                        Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft,
                        self._small_fit.elided(label, int(r.width() - 8)),
                    )
        pen_hour, pen_half = QPen(QColor("#d7dde5")), QPen(QColor("#eef1f5"))
        for m in range(self.day_start - self.day_start % 30, self.day_end + 1, 30):
            if m < self.day_start:
                continue
            y = self.y_of(m)
            p.setPen(pen_hour if m % 60 == 0 else pen_half)
            p.drawLine(QPointF(AXIS_W, y), QPointF(w, y))
        self._paint_now_lines(p, cols)
        if clip.left() < AXIS_W:
            self._paint_axis(p, 0.0)
        # Column lines: a stronger line where a group (a day, a location) starts.
        pen_col, pen_group = QPen(QColor("#e3e8ee")), QPen(QColor("#9aa7b5"), 2)
        for ci in range(cols.start, min(cols.stop + 1, len(self.columns) + 1)):
            x = edges[ci]
            starts_group = (
                ci == 0 or ci == len(self.columns) or (self.columns[ci].group != self.columns[ci - 1].group)
            )
            p.setPen(pen_group if starts_group and self.columns and self.columns[0].group else pen_col)
            p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        if clip.top() < self.header_h:  # tiles further down never show the titles
            self._paint_header(p, cols, 0.0)

    def paintEvent(self, event: QPaintEvent) -> None:
        exposed = QRectF(event.rect())
        hidden = self._drag.item if self._drag is not None and self._drag.moved else None
        if hidden is not self._tile_hidden:  # the dragged item leaves (or rejoins) its strips
            for changed in (hidden, self._tile_hidden):
                if changed is not None:
                    for k in self._tile_keys(changed.rect):
                        self._tiles.pop(k, None)
            self._tile_hidden = hidden
        dpr = self.devicePixelRatioF()
        p = QPainter(self)
        for k in self._tile_keys(exposed):
            tile = self._tiles.get(k)
            if tile is None or tile.size() != self._tile_size(k):
                tile = self._tiles[k] = self._render_tile(k)
            x0, y0 = k[0] * TILE_W, k[1] * TILE_H
            part = exposed.intersected(QRectF(x0, y0, TILE_W, TILE_H))
            p.drawPixmap(
                part,
                tile,
                QRectF(
                    (part.left() - x0) * dpr, (part.top() - y0) * dpr, part.width() * dpr, part.height() * dpr
                ),
            )
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = self.item(self.selected_id)
        if selected is not None and selected is not hidden and selected.rect.intersects(exposed):
            p.setPen(QPen(QColor(selected.colour).darker(130), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(selected.rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        if self.cell is not None and self.cell[0] in self._col_index:
            cr = self.cell_rect(*self.cell)
            if cr.intersects(exposed):
                p.setPen(QPen(_CELL_PEN_COLOUR, 2, Qt.PenStyle.DashLine))
                p.setBrush(_CELL_FILL)
                p.drawRoundedRect(cr.adjusted(1, 1, -1, -1), 3, 3)
        self._paint_sticky(p, exposed)
        if self._drag is not None and self._drag.moved:
            self._paint_ghost(p)
        if self._range is not None:
            self._paint_range(p)
        p.end()

    def _paint_header(self, p: QPainter, cols: range, y0: float) -> None:
        """The column titles (and group titles) with their top at ``y0``."""
        w, edges, top = self.width(), self.edges(), self.header_h
        p.fillRect(QRectF(0, y0, w, top), QColor("#f7f9fb"))
        p.setPen(QColor("#dde3ea"))
        p.drawLine(QPointF(0, y0 + top), QPointF(w, y0 + top))
        col_top = y0 + top - HEADER_H
        ci = cols.start
        while ci > 0 and self.columns[ci - 1].group == self.columns[ci].group:
            ci -= 1
        while ci < cols.stop and self._grouped:
            group = self.columns[ci].group
            cj = ci
            while cj < len(self.columns) and self.columns[cj].group == group:
                cj += 1
            r = QRectF(edges[ci] + 1, y0, edges[cj] - edges[ci] - 2, GROUP_H)
            p.fillRect(r, QColor("#e8eef5"))
            p.setPen(QColor("#1f2a37"))
            p.setFont(self._group_font)
            p.drawText(
                r.adjusted(4, 0, -4, 0),
                Qt.AlignmentFlag.AlignCenter,
                self._title_fit.elided(group, int(r.width() - 8)),
            )
            ci = cj
        for ci in cols:
            col = self.columns[ci]
            r = QRectF(edges[ci] + 2, col_top + 2, edges[ci + 1] - edges[ci] - 4, HEADER_H - 4)
            p.setPen(QColor("#1f2a37"))
            p.setFont(self._title_font)
            title = self._title_fit.elided(col.title, int(r.width()))
            p.drawText(r.adjusted(0, 0, 0, -12 if col.subtitle else 0), Qt.AlignmentFlag.AlignCenter, title)
            if col.subtitle:
                p.setPen(QColor("#6b7785"))
                p.setFont(self._small_font)
                p.drawText(
                    r.adjusted(0, 14, 0, 0),
                    Qt.AlignmentFlag.AlignCenter,
                    self._small_fit.elided(col.subtitle, int(r.width())),
                )

    def _paint_axis(self, p: QPainter, x0: float) -> None:
        """The hour labels of the time axis with its left edge at ``x0``."""
        p.setFont(self._small_font)
        p.setPen(QColor("#6b7785"))
        for m in range(self.day_start - self.day_start % 60 + 60, self.day_end + 1, 60):
            y = self.y_of(m)
            p.drawText(
                QRectF(x0, y - 7, AXIS_W - 8, 14),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self.hour_label(m),
            )
        now = self._now_in_view()
        if now is not None:  # the time axis marks now: the line across the book stays thin
            y = self.y_of(now)
            p.save()
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(NOW_COLOUR))
            p.drawPolygon(
                [QPointF(x0 + AXIS_W - 9, y - 5), QPointF(x0 + AXIS_W, y), QPointF(x0 + AXIS_W - 9, y + 5)]
            )
            p.restore()

    def _now_in_view(self) -> int | None:
        """The minute of the current-time line, if some column shows today within the hours."""
        minute = self.now_minute
        if minute is None:
            minute = next((c.now_minute for c in self.columns if c.now_minute is not None), None)
        return minute if minute is not None and self.day_start <= minute <= self.day_end else None

    def hour_label(self, minute: int) -> str:
        return f"{(minute // 60 - 1) % 12 + 1} {'AM' if minute < 720 else 'PM'}"

    def _paint_sticky(self, p: QPainter, exposed: QRectF) -> None:
        """Inside a scroll area, the column titles stay at the top and the hours at the left of what
        is visible, painted over the scrolled content (the owner repaints on every scroll)."""
        visible = QRectF(self.visibleRegion().boundingRect())
        if visible.isEmpty():
            return
        if visible.left() > 0 and exposed.left() < visible.left() + AXIS_W:
            p.fillRect(QRectF(visible.left(), visible.top(), AXIS_W, visible.height()), QColor("#ffffff"))
            self._paint_axis(p, visible.left())
        if visible.top() > 0 and exposed.top() < visible.top() + self.header_h:
            self._paint_header(p, self._cols_in(exposed), visible.top())

    def _tile_keys(self, r: QRectF) -> list[tuple[int, int]]:
        xs = range(max(0, int(r.left()) // TILE_W), max(0, int(r.right())) // TILE_W + 1)
        ys = range(max(0, int(r.top()) // TILE_H), max(0, int(r.bottom())) // TILE_H + 1)
        return [(kx, ky) for ky in ys for kx in xs]

    def _paint_now_lines(self, p: QPainter, cols: range) -> None:
        """The current-time line, thin and under the appointments so it never strikes a name
        through; the time axis carries its marker."""
        pen = QPen(QColor(NOW_COLOUR), 1.5)
        p.setPen(pen)
        edges = self.edges()
        if self.now_minute is not None and self.day_start <= self.now_minute <= self.day_end:
            y = self.y_of(self.now_minute)
            p.drawLine(QPointF(AXIS_W, y), QPointF(self.width(), y))
            return
        for ci in cols:
            m = self.columns[ci].now_minute
            if m is not None and self.day_start <= m <= self.day_end:
                y = self.y_of(m)
                p.drawLine(QPointF(edges[ci], y), QPointF(edges[ci + 1], y))

    def _paint_item(self, p: QPainter, it: GridItem, r: QRectF, *, alpha: int = 255) -> None:
        # Hot path (a week's first paint draws a few hundred items): colours, pens and alignment
        # flags are module constants or cached per colour, text widths and elided strings are
        # cached per string (see _TextFit); the drawing itself is unchanged.
        style = (
            "ghost" if it.ghost else "placeholder" if it.placeholder else ("faded" if it.faded else "normal")
        )
        fill, border, border_pen = _item_colours(it.colour, style)
        if alpha != 255:
            fill = QColor(fill)
            fill.setAlpha(alpha)
        p.setPen(border_pen)
        p.setBrush(fill)
        p.drawRoundedRect(r, 4, 4)
        p.fillRect(QRectF(r.left(), r.top(), 4 if r.width() > 30 else 2, r.height()), border)
        if r.width() < 14:
            return
        text_r = r.adjusted(7 if r.width() > 30 else 4, 1, -3, -1)
        fm, sfm = self._title_fit, self._small_fit
        badge_w = 0
        if it.badge and text_r.width() < 80:  # narrow: a dot in the corner, quiet badges left out
            if not it.badge_quiet:
                p.setPen(_WHITE_PEN)
                p.setBrush(_colour(it.badge_colour))
                p.drawEllipse(QPointF(r.right() - 5, r.top() + 5), 3.5, 3.5)
        elif it.badge:
            badge_w = sfm.width(it.badge) + 10
            br = QRectF(r.right() - badge_w - 3, r.top() + 3, badge_w, min(14.0, r.height() - 4))
            p.setFont(self._small_font)
            if it.badge_quiet:
                p.setBrush(_WHITE)
                p.setPen(_QUIET_RING_PEN)
                p.drawRoundedRect(br, 7, 7)
                p.setPen(_QUIET_INK)
            else:
                p.setBrush(_colour(it.badge_colour))
                p.setPen(Qt.PenStyle.NoPen)
                p.drawRoundedRect(br, 7, 7)
                p.setPen(_WHITE)
            p.drawText(br, Qt.AlignmentFlag.AlignCenter, it.badge)
            badge_w += 4
        p.setPen(_INK_FADED if it.faded else _INK)
        p.setFont(self._ghost_font if it.ghost else self._title_font)
        prefix = it.icon + " " if it.icon else ""
        avail = text_r.width() - badge_w
        title = prefix + it.title
        title_w = fm.width(title)
        for short in it.short_titles:
            if title_w <= avail:
                break
            title = prefix + short
            title_w = fm.width(title)
        line_h = fm.height
        p.drawText(
            QRectF(text_r.left(), text_r.top(), avail, line_h),
            _LEFT_VCENTER,
            title if title_w <= avail else fm.elided(title, int(avail)),
        )
        if not it.subtitle:
            return
        p.setFont(self._small_font)
        p.setPen(_SUB_INK_FADED if it.faded else _SUB_INK)
        if text_r.height() >= line_h * 2 - 2:
            sub_r = QRectF(text_r.left(), text_r.top() + line_h, text_r.width(), sfm.height)
        else:  # one line only: the type follows the name
            used = title_w + 8
            sub_r = QRectF(text_r.left() + used, text_r.top(), text_r.width() - used - badge_w, line_h)
        if sub_r.width() > 20:
            p.drawText(sub_r, _LEFT_VCENTER, sfm.elided(it.subtitle, int(sub_r.width())))

    def _ghost_rects(self, d: _Drag) -> tuple[QRectF, QRectF]:
        r = self.item_rect(d.column, d.start, d.end)
        label = d.refusal or f"{_hm(d.start)}–{_hm(d.end)}"
        lw = min(self._sfm.horizontalAdvance(label) + 12, 320)
        lr = QRectF(r.left(), r.bottom() + 2, lw, self._sfm.height() + 4)
        if lr.right() > self.width():
            lr.moveRight(self.width() - 2)
        return r, lr

    def _paint_ghost(self, p: QPainter) -> None:
        assert self._drag is not None
        d = self._drag
        r, lr = self._ghost_rects(d)
        self._paint_item(p, d.item, r, alpha=200)
        colour = QColor("#b3261e") if d.refusal else QColor("#2f6fb3")
        p.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(r, 4, 4)
        label = d.refusal or f"{_hm(d.start)}–{_hm(d.end)}"
        p.setFont(self._small_font)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(lr, 4, 4)
        p.setPen(QColor("#ffffff"))
        p.drawText(
            lr,
            Qt.AlignmentFlag.AlignCenter,
            self._sfm.elidedText(label, Qt.TextElideMode.ElideRight, int(lr.width() - 8)),
        )

    def _range_rect(self, rg: _Range) -> QRectF:
        ci = self._col_index[rg.column]
        x = self.col_left(ci)
        return QRectF(
            x + 1, self.y_of(rg.start), self.col_w(ci) - 2, max(2.0, self.y_of(rg.end) - self.y_of(rg.start))
        )

    def _paint_range(self, p: QPainter) -> None:
        assert self._range is not None
        r = self._range_rect(self._range)
        p.setPen(QPen(QColor("#8a6d52"), 1, Qt.PenStyle.DashLine))
        fill = QColor("#c9b8a6")
        fill.setAlpha(110)
        p.setBrush(fill)
        p.drawRect(r)
        p.setPen(QColor("#3d2f22"))
        p.setFont(self._small_font)
        p.drawText(
            r.adjusted(4, 2, -2, -2),
            Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft,
            f"Block {_hm(self._range.start)}–{_hm(self._range.end)}",
        )

    def _dirty(self, rects: Sequence[QRectF]) -> None:
        """Repaint only these rectangles (plus the pen's width)."""
        for r in rects:
            self.update(r.toAlignedRect().adjusted(-3, -3, 3, 3))

    # ----- interaction -------------------------------------------------------------------
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

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        it = self.item_at(pos)
        self._set_cell(None)
        if event.button() == Qt.MouseButton.LeftButton:
            self._select(it.id if it else -1)
            if it is not None and it.movable and not self.range_mode:
                resizing = it.rect.bottom() - pos.y() <= RESIZE_GRIP
                self._drag = _Drag(
                    item=it,
                    origin=pos,
                    resizing=resizing,
                    column=it.column,
                    start=it.start,
                    end=it.end,
                    grab_offset=self.minute_at(pos.y()) - it.start,
                )
            elif (
                it is None
                and pos.y() > self.header_h
                and (self.range_mode or event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            ):
                col = self.column_at(pos.x())
                if col is not None:
                    m = self._snap(self.minute_at(pos.y()))
                    self._range = _Range(column=col.key, anchor=m, start=m, end=m)
        elif event.button() == Qt.MouseButton.RightButton:
            self._select(it.id if it else -1)
            under = it or self.item_at(pos, ghosts=True)  # a ghost's menu offers "Rebook…"
            self.sig_context_menu.emit(under.id if under else -1, event.globalPosition().toPoint())
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._range is not None:
            rg = self._range
            before = self._range_rect(rg)
            m = max(self.day_start, min(self.day_end, self._snap(self.minute_at(pos.y()))))
            rg.start, rg.end = min(rg.anchor, m), max(rg.anchor, m)
            self._dirty([before, self._range_rect(rg)])
            return
        d = self._drag
        if d is None:
            it = self.item_at(pos)
            near_edge = it is not None and it.movable and it.rect.bottom() - pos.y() <= RESIZE_GRIP
            self.setCursor(Qt.CursorShape.SizeVerCursor if near_edge else Qt.CursorShape.ArrowCursor)
            return
        if not d.moved and (pos - d.origin).manhattanLength() < 4:
            return
        dirty = [*self._ghost_rects(d)] if d.moved else [d.item.rect]
        d.moved = True
        if d.resizing:
            d.end = max(d.item.start + self.snap, self._snap(self.minute_at(pos.y())))
            d.end = min(d.end, self.day_end)
        else:
            col = self.column_at(pos.x())
            if col is not None:
                d.column = col.key
            length = d.item.end - d.item.start
            start = self._snap(self.minute_at(pos.y()) - d.grab_offset)
            start = max(self.day_start, min(start, self.day_end - length))
            d.start, d.end = start, start + length
        d.refusal = self.drop_check(d.item, d.column, d.start, d.end) if self.drop_check else None
        self._dirty([*dirty, *self._ghost_rects(d)])

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        d, self._drag = self._drag, None
        rg, self._range = self._range, None
        pending, self._pending = self._pending, None
        if pending is not None:
            self.set_content(*pending)
        if rg is not None and rg.end > rg.start and event.button() == Qt.MouseButton.LeftButton:
            self.sig_range_selected.emit(rg.column, rg.start, rg.end)
        if d is not None and d.moved and event.button() == Qt.MouseButton.LeftButton:
            changed = (d.column, d.start, d.end) != (d.item.column, d.item.start, d.item.end)
            if changed:
                # The owner decides (and may refuse with a reason); it reloads on success.
                self.sig_item_moved.emit(d.item.id, d.column, d.start, d.end)
        self.update()
        super().mouseReleaseEvent(event)

    def cancel_drag(self) -> None:
        """Drop nothing: the dragged item goes back where it was (Escape)."""
        if self._drag is None and self._range is None:
            return
        self._drag = self._range = None
        pending, self._pending = self._pending, None
        if pending is not None:
            self.set_content(*pending)
        self.update()

    # ----- keyboard ---------------------------------------------------------------------
    _NAV_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right)

    def _has_selection(self) -> bool:
        return self.item(self.selected_id) is not None or self.cell is not None

    def _claims(self, event: QKeyEvent) -> bool:
        """Whether the book takes this key rather than a window shortcut (ShortcutOverride).

        Left/Right change the day until something is selected; a letter is type-ahead only
        when some patient of the day starts with what was typed (else T still means today)."""
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key in self._NAV_KEYS:
            return self._has_selection() and not (mods & Qt.KeyboardModifier.AltModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Delete, Qt.Key.Key_Menu):
            return self._has_selection()
        if key == Qt.Key.Key_F10 and mods & Qt.KeyboardModifier.ShiftModifier:
            return self._has_selection()
        text = event.text()
        if text and text.isprintable() and not text.isspace() and not ctrl:
            return self._find_typed(self._typed_prefix(text)) is not None
        return False

    def _typed_prefix(self, text: str) -> str:
        fresh = not self._typed_at.isValid() or self._typed_at.elapsed() > 1000
        return (text if fresh else self._typed + text).casefold()

    def _find_typed(self, prefix: str) -> GridItem | None:
        """The next item (after the selected one, in time order) whose title starts with prefix."""
        ordered = sorted(
            (it for it in self.items if not it.placeholder and not it.ghost),
            key=lambda it: (it.start, self._col_index[it.column], it.id),
        )
        matches = [it for it in ordered if it.title.casefold().startswith(prefix)]
        if not matches:
            return None
        current = self.item(self.selected_id)
        if current is not None and current in matches and len(prefix) == 1:
            return matches[(matches.index(current) + 1) % len(matches)]  # the same letter again: the next
        if current is not None and current.title.casefold().startswith(prefix):
            return current
        return matches[0]

    def event(self, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.ShortcutOverride and isinstance(ev, QKeyEvent) and self._claims(ev):
            ev.accept()
            return True
        if isinstance(ev, QHelpEvent) and ev.type() == QEvent.Type.ToolTip:
            return self._tooltip_event(ev)
        return super().event(ev)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key.Key_Escape and self.dragging:
            self.cancel_drag()
            return
        if key == Qt.Key.Key_Escape and self._has_selection():
            self.cell = None
            self._select(-1)
            self.update()
            return
        if self.dragging or not self._claims(event):
            plain = not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and plain and not self.dragging and self.columns:
                self._select_first_in_view()  # nothing selected yet: start where the eye is
                return
            super().keyPressEvent(event)
            return
        it = self.item(self.selected_id)
        if key in self._NAV_KEYS:
            if mods & Qt.KeyboardModifier.ControlModifier:
                if it is not None:
                    self._move_by_key(it, key)
            elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self._step_vertical(1 if key == Qt.Key.Key_Down else -1)
            else:
                self._step_column(1 if key == Qt.Key.Key_Right else -1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if it is not None:
                self.sig_item_activated.emit(it.id)
            elif self.cell is not None:
                self.sig_empty_activated.emit(*self.cell)
        elif key == Qt.Key.Key_Delete:
            if it is not None:
                self.sig_delete_requested.emit(it.id)
        elif key in (Qt.Key.Key_Menu, Qt.Key.Key_F10):
            r = it.rect if it is not None else self.cell_rect(*self.cell) if self.cell else QRectF()
            self.sig_context_menu.emit(
                it.id if it is not None else -1, self.mapToGlobal(r.center().toPoint())
            )
        else:
            prefix = self._typed_prefix(event.text())
            found = self._find_typed(prefix)
            if found is not None:
                self._typed = prefix
                self._typed_at.start()
                self.select_item(found.id)

    def cell_rect(self, column_key: int, minute: int) -> QRectF:
        ci = self._col_index[column_key]
        y1, y2 = self.y_of(minute), self.y_of(minute + self.key_step)
        return QRectF(self.col_left(ci), y1, self.col_w(ci), y2 - y1)

    def select_item(self, item_id: int) -> None:
        """Select an item (the keyboard's selection too) and scroll it into view."""
        self._set_cell(None)
        self._select(item_id)
        it = self.item(item_id)
        if it is not None:
            self._ensure_visible(it.rect)

    def select_cell(self, column_key: int, minute: int) -> None:
        self._select(-1)
        self._set_cell((column_key, minute))
        self._ensure_visible(self.cell_rect(column_key, minute))

    def _set_cell(self, cell: tuple[int, int] | None) -> None:
        if cell == self.cell:
            return
        old, self.cell = self.cell, cell
        self._dirty([self.cell_rect(*c) for c in (old, cell) if c is not None and c[0] in self._col_index])

    def _ensure_visible(self, r: QRectF) -> None:
        area = self._scroll_area()
        if isinstance(area, QScrollArea):
            c = r.center()
            area.ensureVisible(
                int(c.x()), int(c.y()), int(r.width() / 2) + 8, int(r.height() / 2) + self.header_h + 8
            )

    def _scroll_area(self) -> QScrollArea | None:
        viewport = self.parentWidget()
        area = viewport.parentWidget() if viewport is not None else None
        return area if isinstance(area, QScrollArea) else None

    def _cursor(self) -> tuple[int, int] | None:
        """(column key, minute) of the selection."""
        it = self.item(self.selected_id)
        if it is not None:
            return it.column, it.start
        return self.cell

    def _free_cells(self, column_key: int) -> list[int]:
        items = [i for i in self._by_col.get(column_key, []) if not i.ghost]
        step = self.key_step
        return [
            m
            for m in range(self.day_start, self.day_end - step + 1, step)
            if not any(i.start < m + step and i.end > m for i in items)
        ]

    def _stops(self, column_key: int) -> list[tuple[int, int, int]]:
        """Where Up/Down stop in a column, in order: (minute, 0 item / 1 cell, item id or -1)."""
        stops = [
            (i.start, 0, i.id) for i in self._by_col.get(column_key, []) if not i.placeholder and not i.ghost
        ]
        stops += [(m, 1, -1) for m in self._free_cells(column_key)]
        return sorted(stops)

    def _go(self, column_key: int, stop: tuple[int, int, int]) -> None:
        if stop[1] == 0:
            self.select_item(stop[2])
        else:
            self.select_cell(column_key, stop[0])

    def _step_vertical(self, direction: int) -> None:
        cur = self._cursor()
        if cur is None:
            return
        col, minute = cur
        stops = self._stops(col)
        here = (minute, 0, self.selected_id) if self.selected_id >= 0 else (minute, 1, -1)
        if here in stops:
            k = stops.index(here) + direction
        else:
            k = next((j for j, s in enumerate(stops) if s > here), len(stops))
            k = k if direction > 0 else k - 1
        if 0 <= k < len(stops):
            self._go(col, stops[k])

    def _step_column(self, direction: int) -> None:
        cur = self._cursor()
        if cur is None:
            return
        col, minute = cur
        ci = self._col_index[col] + direction
        if not 0 <= ci < len(self.columns):
            return
        key = self.columns[ci].key
        cell = self.day_start + (minute - self.day_start) // self.key_step * self.key_step
        items = [i for i in self._by_col.get(key, []) if not i.placeholder and not i.ghost]
        hit = next((i for i in items if i.start <= minute < i.end), None) or next(
            (i for i in items if cell <= i.start < cell + self.key_step), None
        )
        if hit is not None:
            self.select_item(hit.id)
        else:
            self.select_cell(key, cell)

    def _select_first_in_view(self) -> None:
        area = self._scroll_area()
        top = self.day_start
        if isinstance(area, QScrollArea):
            top = int(self.minute_at(area.verticalScrollBar().value() + self.header_h))
        key = self.columns[0].key
        stops = [s for s in self._stops(key) if s[0] >= top] or self._stops(key)
        if stops:
            self._go(key, stops[0])

    def _move_by_key(self, it: GridItem, key: int) -> None:
        """Ctrl+arrows: the same drop a drag makes (the owner checks it and may refuse)."""
        if not it.movable:
            return
        column, start = it.column, it.start
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            start += self.key_step if key == Qt.Key.Key_Down else -self.key_step
        else:
            ci = self._col_index[column] + (1 if key == Qt.Key.Key_Right else -1)
            if not 0 <= ci < len(self.columns):
                return
            column = self.columns[ci].key
        end = start + (it.end - it.start)
        if start < self.day_start or end > self.day_end:
            return
        self.sig_item_moved.emit(it.id, column, start, end)
        moved = self.item(it.id)
        if moved is not None:
            self._ensure_visible(moved.rect)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        it = self.item_at(pos)
        if it is not None:
            self.sig_item_activated.emit(it.id)
        else:
            col = self.column_at(pos.x())
            if col is not None and pos.y() > self.header_h:
                self.sig_empty_activated.emit(col.key, int(self.minute_at(pos.y()) // self.snap * self.snap))

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta:
                self.sig_zoom_requested.emit(1 if delta > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    def _tooltip_event(self, ev: QHelpEvent) -> bool:
        """Tooltips name the appointment (narrow week columns elide the text)."""
        it = self.item_at(QPointF(ev.pos()), ghosts=True)
        if it is not None:
            fallback = f"{it.title}\n{it.subtitle}"
            tip = it.tooltip or (self.tooltip_for(it) if self.tooltip_for else fallback)
            QToolTip.showText(ev.globalPos(), tip, self)
        else:
            QToolTip.hideText()
        return True

    def _select(self, item_id: int) -> None:
        if item_id != self.selected_id:
            old = self.item(self.selected_id)
            self.selected_id = item_id
            self.sig_selection_changed.emit(item_id)
            new = self.item(item_id)
            self._dirty([r.rect for r in (old, new) if r is not None])

    def point_for(self, column_key: int, minute: float) -> QPoint:
        """Where a minute of a column is drawn (for tests and keyboard moves)."""
        ci = self._col_index[column_key]
        return QPoint(int(self.col_left(ci) + self.col_w(ci) / 2), int(self.y_of(minute)))


@dataclass
class _Drag:
    item: GridItem
    origin: QPointF
    resizing: bool
    column: int
    start: int
    end: int
    grab_offset: float
    moved: bool = False
    refusal: str | None = None


@dataclass
class _Range:
    column: int
    anchor: int
    start: int
    end: int


@functools.cache
def _item_colours(colour: str, style: str) -> tuple[QColor, QColor, QPen]:
    """Fill, border and border pen of an item of this colour and style ("normal", "faded",
    "placeholder"); cached: thousands of items share a few types. Callers copy before changing."""
    if style == "faded":
        fill, border = QColor("#f1f3f6"), QColor("#a9b3bf")
        return fill, border, QPen(border, 1)
    if style == "ghost":  # washed out, the type's colour only as a hint, a dotted outline
        return tint(QColor(colour), 0.93), QColor("#c3cad3"), QPen(QColor("#b3bcc7"), 1, Qt.PenStyle.DotLine)
    base = QColor(colour)
    if style == "placeholder":
        # Still the type's colour, so the manager's design reads on the calendar, but clearly
        # not an appointment: a pale fill and a dashed outline.
        return tint(base, 0.9), tint(base, 0.45), QPen(base, 1, Qt.PenStyle.DashLine)
    fill, border = tint(base, 0.78), base.darker(115)
    return fill, border, QPen(border, 1)


@functools.cache
def _colour(name: str) -> QColor:
    """A QColor per colour name (badges): parsing "#rrggbb" on every paint adds up."""
    return QColor(name)


class _TextFit:
    """Text widths and elided strings of one font, measured once per string.

    A title is measured up to three times to pick the form that fits (~10 µs each), and names,
    types, badges and column titles repeat across items, days and repaints. The font of a grid
    never changes, so entries never go stale; the cache is emptied when it grows large.
    """

    LIMIT = 20_000

    def __init__(self, font: QFont) -> None:
        self._fm = QFontMetrics(font)
        self.height = self._fm.height()
        self._widths: dict[str, int] = {}
        self._elided: dict[tuple[str, int], str] = {}

    def width(self, text: str) -> int:
        w = self._widths.get(text)
        if w is None:
            if len(self._widths) > self.LIMIT:
                self._widths.clear()
            w = self._widths[text] = self._fm.horizontalAdvance(text)
        return w

    def elided(self, text: str, width: int) -> str:
        key = (text, width)
        out = self._elided.get(key)
        if out is None:
            if len(self._elided) > self.LIMIT:
                self._elided.clear()
            out = self._elided[key] = self._fm.elidedText(text, Qt.TextElideMode.ElideRight, width)
        return out


# Painting constants (a QColor parsed from a string costs about as much as drawing a line).
_LEFT_VCENTER = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_WHITE = QColor("#ffffff")
_WHITE_PEN = QPen(_WHITE, 1)
_INK, _INK_FADED = QColor("#1f2a37"), QColor("#7b8794")
_SUB_INK, _SUB_INK_FADED = QColor("#4a5868"), QColor("#8a96a3")
_CELL_PEN_COLOUR, _CELL_FILL = QColor("#2f6fb3"), QColor(47, 111, 179, 40)
_QUIET_RING_PEN, _QUIET_INK = QPen(QColor("#aab4c0"), 1), QColor("#7b8794")


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


def _hm(minute: int) -> str:
    h, m = divmod(minute, 60)
    return f"{(h - 1) % 12 + 1}:{m:02d} {'AM' if h % 24 < 12 else 'PM'}"


def in_scroll_area(grid: TimeGridWidget) -> QScrollArea:
    """A scroll area for ``grid`` whose column titles and hours stay in view while scrolling."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(grid)
    # Scrolling moves pixels already painted, the pinned titles among them: repaint what is visible.
    for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
        bar.valueChanged.connect(lambda _value: grid.update())
    return area
