"""The time grid's mouse: selecting, dragging items to move or resize them, dragging out a range of time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent

from orca_desk.ui.time_grid_model import RESIZE_GRIP, DragState, RangeState
from orca_desk.ui.time_grid_paint import GridPainter


class GridDragging(GridPainter):
    """Mouse on the book: select, drag an item to move it (or its bottom edge to resize it), drag
    out a range of empty time; the owner is told on the drop and decides."""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        it = self.item_at(pos)
        self._set_cell(None)
        if event.button() == Qt.MouseButton.LeftButton:
            self._select(it.id if it else -1)
            if it is not None and it.movable and not self.range_mode:
                resizing = it.rect.bottom() - pos.y() <= RESIZE_GRIP
                self._drag = DragState(
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
                    self._range = RangeState(column=col.key, anchor=m, start=m, end=m)
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

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        it = self.item_at(pos)
        if it is not None:
            self.sig_item_activated.emit(it.id)
        else:
            col = self.column_at(pos.x())
            if col is not None and pos.y() > self.header_h:
                self.sig_empty_activated.emit(col.key, int(self.minute_at(pos.y()) // self.snap * self.snap))
