"""The time grid's keyboard: walking items and free time, moving items by keys, type-ahead."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QRectF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QScrollArea, QWidget

from orca_desk.ui.time_grid_drag import GridDragging
from orca_desk.ui.time_grid_model import GridItem


class GridKeyboard(GridDragging):
    """Keys on the book: arrows walk items and free time, Ctrl+arrows move an item, Enter opens,
    Delete asks to cancel, letters jump to a patient (type-ahead)."""

    # ----- keyboard ---------------------------------------------------------------------
    _NAV_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._typed = ""  # type-ahead: the letters typed so far
        self._typed_at = QElapsedTimer()

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
