"""The time grid's painting: cached tiles of background and items, titles and hours kept in view."""

from __future__ import annotations

import functools

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from orca_desk.services.local_time import fmt_minute
from orca_desk.services.messaging.message_locale import staff_language
from orca_desk.ui import grid_colours
from orca_desk.ui.colours import tint
from orca_desk.ui.time_grid_geometry import GridGeometry
from orca_desk.ui.time_grid_model import (
    AXIS_W,
    GROUP_H,
    HEADER_H,
    TILE_H,
    TILE_W,
    DragState,
    GridItem,
)


class GridPainter(GridGeometry):
    """Paints a cached background and only the items in view; while dragging, only the
    rectangles the ghost leaves and enters are repainted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tile_hidden: GridItem | None = None  # the dragged item, left out of the cached tiles
        self._title_font = QFont(self.font())
        self._title_font.setBold(True)
        self._small_font = QFont(self.font())
        self._small_font.setPointSizeF(max(7.0, self.font().pointSizeF() - 1.5))
        self._group_font = QFont(self._title_font)
        self._ghost_font = QFont(self._title_font)  # a visit that did not happen: its name struck out
        self._ghost_font.setBold(False)
        self._ghost_font.setStrikeOut(True)
        self._mark_font = QFont(self._title_font)
        self._mark_font.setPixelSize(9)  # fits the badge's 12-pixel disc, whatever the text size
        self._sfm = QFontMetrics(self._small_font)
        self._title_fit = TextFit(self._title_font)
        self._small_fit = TextFit(self._small_font)
        self._generation = grid_colours.generation()
        self._pal = grid_colours.current()
        self._c = grid_colours.PaintColours(self._pal)

    def _follow_theme(self) -> None:
        """The theme changed since the last paint: its colours, and tiles painted anew."""
        if self._generation != grid_colours.generation():
            self._generation = grid_colours.generation()
            self._pal = grid_colours.current()
            self._c = grid_colours.PaintColours(self._pal)
            self._tiles.clear()

    def paintEvent(self, event: QPaintEvent) -> None:
        self._follow_theme()
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
            dark = QColor(selected.colour).darker(200 if self._pal.high_contrast else 130)
            p.setPen(QPen(dark, 3 if self._pal.high_contrast else 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(selected.rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        if self.cell is not None and self.cell[0] in self._col_index:
            cr = self.cell_rect(*self.cell)
            if cr.intersects(exposed):
                p.setPen(QPen(self._c.cell_pen, 2, Qt.PenStyle.DashLine))
                p.setBrush(self._c.cell_fill)
                p.drawRoundedRect(cr.adjusted(1, 1, -1, -1), 3, 3)
        self._paint_sticky(p, exposed)
        if self._drag is not None and self._drag.moved:
            self._paint_ghost(p)
        if self._range is not None:
            self._paint_range(p)
        p.end()

    def _tile_keys(self, r: QRectF) -> list[tuple[int, int]]:
        xs = range(max(0, int(r.left()) // TILE_W), max(0, int(r.right())) // TILE_W + 1)
        ys = range(max(0, int(r.top()) // TILE_H), max(0, int(r.bottom())) // TILE_H + 1)
        return [(kx, ky) for ky in ys for kx in xs]

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
        pm.fill(QColor(self._pal.paper))
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
        pal = self._pal
        shade = QBrush(QColor(pal.shade))
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
                colour = QColor(col.hatch_colours[k] if k < len(col.hatch_colours) else pal.block_hatch)
                if pal.high_contrast:
                    colour = QColor(pal.block_hatch)
                r = QRectF(x + 1, self.y_of(s), colw - 1, self.y_of(e) - self.y_of(s))
                p.fillRect(r, QColor(pal.block_fill))
                p.fillRect(r, QBrush(colour.darker(110), Qt.BrushStyle.BDiagPattern))
                if label and r.height() > 14 and colw > 40:
                    p.setPen(QColor(pal.block_ink))
                    p.setFont(self._small_font)
                    p.drawText(
                        r.adjusted(4, 2, -4, -2),
                        Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft,
                        self._small_fit.elided(label, int(r.width() - 8)),
                    )
        pen_hour, pen_half = QPen(QColor(pal.hour_line)), QPen(QColor(pal.half_line))
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
        pen_col, pen_group = QPen(QColor(pal.col_line)), QPen(QColor(pal.group_line), 2)
        for ci in range(cols.start, min(cols.stop + 1, len(self.columns) + 1)):
            x = edges[ci]
            starts_group = (
                ci == 0 or ci == len(self.columns) or (self.columns[ci].group != self.columns[ci - 1].group)
            )
            p.setPen(pen_group if starts_group and self.columns and self.columns[0].group else pen_col)
            p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        if clip.top() < self.header_h:  # tiles further down never show the titles
            self._paint_header(p, cols, 0.0)

    def _paint_header(self, p: QPainter, cols: range, y0: float) -> None:
        """The column titles (and group titles) with their top at ``y0``."""
        w, edges, top, pal = self.width(), self.edges(), self.header_h, self._pal
        p.fillRect(QRectF(0, y0, w, top), QColor(pal.header_fill))
        p.setPen(QColor(pal.header_line))
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
            p.fillRect(r, QColor(pal.group_fill))
            p.setPen(self._c.ink)
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
            p.setPen(self._c.ink)
            p.setFont(self._title_font)
            title = self._title_fit.elided(col.title, int(r.width()))
            p.drawText(r.adjusted(0, 0, 0, -12 if col.subtitle else 0), Qt.AlignmentFlag.AlignCenter, title)
            if col.subtitle:
                p.setPen(QColor(pal.axis_ink))
                p.setFont(self._small_font)
                p.drawText(
                    r.adjusted(0, 14, 0, 0),
                    Qt.AlignmentFlag.AlignCenter,
                    self._small_fit.elided(col.subtitle, int(r.width())),
                )

    def _paint_axis(self, p: QPainter, x0: float) -> None:
        """The hour labels of the time axis with its left edge at ``x0``."""
        p.setFont(self._small_font)
        p.setPen(QColor(self._pal.axis_ink))
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
            p.setBrush(QColor(self._pal.now))
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
        """The hour at the left: "8 AM", "8 a. m." or "08:00", in the desk's time style and language."""
        return _hour_text(minute, self.time_format(), staff_language())

    def _hm(self, minute: int) -> str:
        return fmt_minute(minute, self.time_format())

    def _paint_sticky(self, p: QPainter, exposed: QRectF) -> None:
        """Inside a scroll area, the column titles stay at the top and the hours at the left of what
        is visible, painted over the scrolled content (the owner repaints on every scroll)."""
        visible = QRectF(self.visibleRegion().boundingRect())
        if visible.isEmpty():
            return
        if visible.left() > 0 and exposed.left() < visible.left() + AXIS_W:
            p.fillRect(
                QRectF(visible.left(), visible.top(), AXIS_W, visible.height()), QColor(self._pal.paper)
            )
            self._paint_axis(p, visible.left())
        if visible.top() > 0 and exposed.top() < visible.top() + self.header_h:
            self._paint_header(p, self._cols_in(exposed), visible.top())

    def _paint_now_lines(self, p: QPainter, cols: range) -> None:
        """The current-time line, thin and under the appointments so it never strikes a name
        through; the time axis carries its marker."""
        pen = QPen(QColor(self._pal.now), 2.5 if self._pal.high_contrast else 1.5)
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
        # cached per string (see TextFit); the drawing itself is unchanged.
        style = (
            "ghost" if it.ghost else "placeholder" if it.placeholder else ("faded" if it.faded else "normal")
        )
        pal, c = self._pal, self._c
        fill, border, border_pen = _item_colours(it.colour, style, pal.item_tint, pal.line_width)
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
        badge_w = mark_w = 0  # room kept clear for the badge on the title's line, on the second line
        if it.badge and text_r.width() < 80:  # narrow: the badge's mark in a disc, quiet badges left out
            if not it.badge_quiet:
                two_lines = text_r.height() >= fm.height * 2 - 2
                mark_w = self._paint_badge_mark(p, it, r, fm.height if two_lines else 0)
                badge_w = 0 if two_lines else mark_w
        elif it.badge:
            badge_w = sfm.width(it.badge) + 10
            br = QRectF(r.right() - badge_w - 3, r.top() + 3, badge_w, min(14.0, r.height() - 4))
            p.setFont(self._small_font)
            if it.badge_quiet:
                p.setBrush(_WHITE)
                p.setPen(c.quiet_ring_pen)
                p.drawRoundedRect(br, 7, 7)
                p.setPen(c.quiet_ink)
            else:
                p.setBrush(_colour(it.badge_colour))
                p.setPen(Qt.PenStyle.NoPen)
                p.drawRoundedRect(br, 7, 7)
                p.setPen(_WHITE)
            p.drawText(br, Qt.AlignmentFlag.AlignCenter, it.badge)
            badge_w += 4
        p.setPen(c.ink_faded if it.faded else c.ink)
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
        p.setPen(c.sub_ink_faded if it.faded else c.sub_ink)
        if text_r.height() >= line_h * 2 - 2:
            sub_r = QRectF(text_r.left(), text_r.top() + line_h, text_r.width() - mark_w, sfm.height)
        else:  # one line only: the type follows the name
            used = title_w + 8
            sub_r = QRectF(text_r.left() + used, text_r.top(), text_r.width() - used - badge_w, line_h)
        if sub_r.width() > 20:
            p.drawText(sub_r, _LEFT_VCENTER, sfm.elided(it.subtitle, int(sub_r.width())))

    def _paint_badge_mark(self, p: QPainter, it: GridItem, r: QRectF, down: float = 0) -> int:
        """A narrow card's badge: its first sign (✓ ? ✗ ☎, A for arrived) white on the badge's
        colour, so the state never rests on the colour alone; ``down`` pixels below the top (on
        the second line of a tall card, the name keeps the first line whole)."""
        mark = it.badge[:1]
        radius = 6.0 if r.width() >= 24 and r.height() >= 14 else 3.5
        centre = QPointF(r.right() - radius - 1.5, r.top() + radius + 1.5 + down)
        p.setPen(_WHITE_PEN)
        p.setBrush(_colour(it.badge_colour))
        p.drawEllipse(centre, radius, radius)
        if radius > 4:
            p.setFont(self._mark_font)
            p.drawText(
                QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius),
                Qt.AlignmentFlag.AlignCenter,
                mark,
            )
            return int(2 * radius + 2)  # the title keeps clear of the disc
        return 0

    def _ghost_rects(self, d: DragState) -> tuple[QRectF, QRectF]:
        r = self.item_rect(d.column, d.start, d.end)
        label = d.refusal or f"{self._hm(d.start)}–{self._hm(d.end)}"
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
        label = d.refusal or f"{self._hm(d.start)}–{self._hm(d.end)}"
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
            QCoreApplication.translate("TimeGrid", "Block {start}–{end}").format(
                start=self._hm(self._range.start), end=self._hm(self._range.end)
            ),
        )


@functools.cache
def _item_colours(
    colour: str, style: str, amount: float = 0.78, width: float = 1.0
) -> tuple[QColor, QColor, QPen]:
    """Fill, border and border pen of an item of this colour and style ("normal", "faded",
    "placeholder"); cached: thousands of items share a few types. Callers copy before changing."""
    if style == "faded":
        fill, border = QColor("#f1f3f6"), QColor("#a9b3bf") if width == 1 else QColor("#3a3a3a")
        return fill, border, QPen(border, width)
    if style == "ghost":  # washed out, the type's colour only as a hint, a dotted outline
        return tint(QColor(colour), 0.93), QColor("#c3cad3"), QPen(QColor("#b3bcc7"), 1, Qt.PenStyle.DotLine)
    base = QColor(colour)
    if style == "placeholder":
        # Still the type's colour, so the manager's design reads on the calendar, but clearly
        # not an appointment: a pale fill and a dashed outline.
        return tint(base, 0.9), tint(base, 0.45), QPen(base, 1, Qt.PenStyle.DashLine)
    fill, border = tint(base, amount), base.darker(115 if width == 1 else 170)
    return fill, border, QPen(border, width)


@functools.cache
def _colour(name: str) -> QColor:
    """A QColor per colour name (badges): parsing "#rrggbb" on every paint adds up."""
    return QColor(name)


class TextFit:
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


@functools.cache
def _hour_text(minute: int, style: str, _language: str) -> str:
    # Cached per language too: the text follows the desk's language, chosen once per run.
    text = fmt_minute(minute, style)
    return text if style == "24h" else text.replace(":00", "", 1)
