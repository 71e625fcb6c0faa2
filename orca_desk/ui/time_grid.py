"""One custom-painted time grid: columns × minutes, coloured items, drag to move and resize."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QScrollArea, QToolTip, QWidget

from orca_desk.ui import time_grid_access
from orca_desk.ui.time_grid_keys import GridKeyboard
from orca_desk.ui.time_grid_model import (  # what callers import from here
    AXIS_W,
    MIN_COL_W,
    ZOOM_LEVELS,
    DropCheck,
    GridColumn,
    GridItem,
    zoom_step,
)

__all__ = [
    "AXIS_W",
    "MIN_COL_W",
    "ZOOM_LEVELS",
    "DropCheck",
    "GridColumn",
    "GridItem",
    "TimeGridWidget",
    "in_scroll_area",
    "zoom_step",
]


class TimeGridWidget(GridKeyboard):
    """The appointment book: paints a cached background and only the items in view.

    There is no widget per appointment; item rectangles are computed once per layout and
    reused for painting and hit-testing, so thousands of items stay cheap. While dragging,
    only the rectangles the ghost leaves and enters are repainted.

    Its parts, each layer over the one before: ``GridGeometry`` (state, signals, where things are),
    ``GridPainter``, ``GridDragging`` (the mouse), ``GridKeyboard``; this class adds tooltips and zoom,
    and tells screen readers what is selected (``time_grid_access`` makes each visit and free time
    an accessible child).
    """

    accessible_book = True  # the accessibility factory answers for this widget

    def __init__(self, parent: QWidget | None = None) -> None:
        time_grid_access.install()
        super().__init__(parent)

    def set_content(self, columns: list[GridColumn], items: list[GridItem]) -> None:
        super().set_content(columns, items)
        time_grid_access.notify_content(self)

    def select_item(self, item_id: int) -> None:
        super().select_item(item_id)
        time_grid_access.notify_selection(self)

    def select_cell(self, column_key: int, minute: int) -> None:
        super().select_cell(column_key, minute)
        time_grid_access.notify_selection(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        time_grid_access.notify_selection(self)

    def event(self, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.ShortcutOverride and isinstance(ev, QKeyEvent) and self._claims(ev):
            ev.accept()
            return True
        if isinstance(ev, QHelpEvent) and ev.type() == QEvent.Type.ToolTip:
            return self._tooltip_event(ev)
        return super().event(ev)

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


def in_scroll_area(grid: TimeGridWidget) -> QScrollArea:
    """A scroll area for ``grid`` whose column titles and hours stay in view while scrolling."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(grid)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the book itself, not its frame
    # Scrolling moves pixels already painted, the pinned titles among them: repaint what is visible.
    for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
        bar.valueChanged.connect(lambda _value: grid.update())
    return area
