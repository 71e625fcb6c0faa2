"""The template builder: a palette of type chips dragged onto a time grid, slots with undoable edits."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QMimeData, QObject, QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from orca_desk.services.clinic.clinic import TypeRow
from orca_desk.services.schedule_templates import SlotSpec, slot_label
from orca_desk.ui import language
from orca_desk.ui.colours import tint
from orca_desk.ui.dates import weekday_name
from orca_desk.ui.time_grid import GridColumn, GridItem, TimeGridWidget

SLOT_MIME = "application/x-orca-template-slot"
BLOCKED = "blocked"
BLOCK_COLOUR = "#9e8c7a"
LANES = 16  # column key = weekday * LANES + chair lane (a day template uses weekday 7)


def slot_mime_data(kind: int | str, minutes: int) -> QMimeData:
    """The one place a palette drag's payload is made: an appointment type id (or "blocked") and a length."""
    mime = QMimeData()
    mime.setData(SLOT_MIME, QByteArray(json.dumps({"kind": kind, "minutes": minutes}).encode()))
    mime.setText(f"{kind}:{minutes}")
    return mime


def read_slot_mime(mime: QMimeData) -> tuple[int | str, int] | None:
    if not mime.hasFormat(SLOT_MIME):
        return None
    data = json.loads(bytes(mime.data(SLOT_MIME).data()).decode())
    return data["kind"], int(data["minutes"])


def column_key(weekday: int | None, lane: int) -> int:
    return (7 if weekday is None else weekday) * LANES + lane


def split_key(key: int) -> tuple[int | None, int]:
    weekday, lane = divmod(key, LANES)
    return (None if weekday == 7 else weekday), lane


class TypeChip(QLabel):
    """A colour chip of the palette; dragging it onto the grid adds a slot of that type."""

    def __init__(
        self, kind: int | str, name: str, colour: str, minutes: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"{name} · {minutes} min", parent)
        self.kind, self.minutes, self.colour = kind, minutes, colour
        self.setObjectName("typeChip")
        base = QColor(colour)
        self.setStyleSheet(
            f"QLabel#typeChip {{ background: {tint(base, 0.78).name()}; border: 1px solid "
            f"{base.darker(115).name()}; border-left: 6px solid {base.name()}; border-radius: 4px;"
            " padding: 4px 8px; }"
        )
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip(self.tr("Drag onto the grid to add a {name} slot").format(name=name))
        self._press: QPoint | None = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or (event.position().toPoint() - self._press).manhattanLength() < 6:
            return
        self._press = None
        drag = QDrag(self)
        drag.setMimeData(slot_mime_data(self.kind, self.minutes))
        drag.setPixmap(self.grab())
        drag.exec(Qt.DropAction.CopyAction)


class SlotPalette(QFrame):
    """The appointment types as chips, plus a "Blocked" chip (lunch, meetings)."""

    def __init__(self, types: tuple[TypeRow, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slotPalette")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        title = QLabel(self.tr("Drag onto the grid"))
        title.setStyleSheet("color: #6b7785;")
        layout.addWidget(title)
        self.chips: list[TypeChip] = [TypeChip(t.id, t.name, t.colour, t.default_minutes) for t in types]
        self.chips.append(TypeChip(BLOCKED, self.tr("Blocked"), BLOCK_COLOUR, 60))
        for chip in self.chips:
            layout.addWidget(chip)
        layout.addStretch(1)

    def chip(self, kind: int | str) -> TypeChip:
        return next(c for c in self.chips if c.kind == kind)


class TemplateGrid(TimeGridWidget):
    """The time grid that also accepts chips dropped from the palette."""

    sig_slot_dropped = Signal(int, int, object, int)
    """A chip was dropped: (column key, start minute, type id or "blocked", minutes)."""
    sig_drop_refused = Signal(str)
    """A chip hovers where it may not go (the reason), or "" when it may."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.add_check: Callable[[int, int, int], str | None] | None = None  # (key, start, end) -> refusal

    def _drop_target(self, pos_x: float, pos_y: float, minutes: int) -> tuple[int, int] | None:
        col = self.column_at(pos_x)
        if col is None or pos_y <= self.header_h:
            return None
        start = self._snap_chip(col.key, self.minute_at(pos_y), minutes)
        start = max(self.day_start, min(start, self.day_end - minutes))
        return col.key, start

    def _snap_chip(self, key: int, minute: float, minutes: int) -> int:
        """The snap follows the chip's length: dropped within a step (and half the chip) of a slot's
        end, or of where it would end at a slot's start, it joins that slot; elsewhere the step rules."""
        edges = [m for it in self.items if it.column == key for m in (it.end, it.start - minutes)]
        near = min(edges, key=lambda m: abs(m - minute), default=None)
        if near is not None and abs(near - minute) <= min(self.snap, minutes / 2):
            return near
        return self._snap(minute)

    def _evaluate(self, event: QDragMoveEvent | QDropEvent) -> tuple[int, int, int | str, int] | None:
        payload = read_slot_mime(event.mimeData())
        if payload is None:
            return None
        kind, minutes = payload
        target = self._drop_target(event.position().x(), event.position().y(), minutes)
        if target is None:
            return None
        return target[0], target[1], kind, minutes

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if read_slot_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        hit = self._evaluate(event)
        if hit is None:
            event.ignore()
            return
        key, start, _kind, minutes = hit
        refusal = self.add_check(key, start, start + minutes) if self.add_check else None
        self.sig_drop_refused.emit(refusal or "")
        if refusal:
            event.ignore()
        else:
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.sig_drop_refused.emit("")
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        hit = self._evaluate(event)
        if hit is None:
            event.ignore()
            return
        key, start, kind, minutes = hit
        event.acceptProposedAction()
        self.sig_slot_dropped.emit(key, start, kind, minutes)


# ----- the slots being edited and their undo commands --------------------------------------------


class SlotStore:
    """The slots of the template being edited, by a local id; every change goes through a command."""

    def __init__(self) -> None:
        self.slots: dict[int, SlotSpec] = {}
        self._next = 1
        self.on_change: Callable[[], None] = lambda: None

    def load(self, slots: tuple[SlotSpec, ...]) -> None:
        self.slots = {}
        self._next = 1
        for s in slots:
            self.slots[self.new_id()] = s
        self.on_change()

    def new_id(self) -> int:
        self._next += 1
        return self._next

    def set(self, slot_id: int, slot: SlotSpec | None) -> None:
        if slot is None:
            self.slots.pop(slot_id, None)
        else:
            self.slots[slot_id] = slot
        self.on_change()

    def conflict(self, candidate: SlotSpec, ignore_id: int | None = None) -> SlotSpec | None:
        """The slot the candidate would overlap in the same chair (and week and day), if any."""
        for sid, s in self.slots.items():
            if (
                sid != ignore_id
                and (s.week, s.weekday, s.chair_index)
                == (candidate.week, candidate.weekday, candidate.chair_index)
                and s.start < candidate.end
                and candidate.start < s.end
            ):
                return s
        return None


class SlotCommand(QUndoCommand):
    """One user action on one slot: add, move, resize, delete or change properties."""

    def __init__(
        self, store: SlotStore, slot_id: int, before: SlotSpec | None, after: SlotSpec | None, text: str
    ) -> None:
        super().__init__(text)
        self.store, self.slot_id, self.before, self.after = store, slot_id, before, after

    def redo(self) -> None:
        self.store.set(self.slot_id, self.after)

    def undo(self) -> None:
        self.store.set(self.slot_id, self.before)


def describe(slot: SlotSpec, names: dict[int, str], rotation: tuple[str, ...], chairs: int) -> str:
    what = language.say(slot.reason or "Blocked") if slot.blocked else names.get(slot.type_id or -1, "?")
    return f"{what} {slot_label(slot, rotation=rotation, chair_count=chairs)}"


def grid_content(
    slots: dict[int, SlotSpec], *, week: int, kind: str, chairs: int, types: dict[int, TypeRow]
) -> tuple[list[GridColumn], list[GridItem]]:
    """Columns (weekdays × chairs, or chairs of a day template) and the shown week's slots as items."""
    columns = []
    days: list[int | None] = list(range(7)) if kind == "week" else [None]
    for wd in days:
        for lane in range(chairs):
            title = (
                weekday_name(wd, short=chairs > 1)
                if wd is not None
                else QCoreApplication.translate("TemplateBuilder", "Any day")
            )
            if chairs > 1:
                title = QCoreApplication.translate("TemplateBuilder", "Chair {n}").format(n=lane + 1)
            group = weekday_name(wd, short=False) if (wd is not None and chairs > 1) else ""
            columns.append(GridColumn(key=column_key(wd, lane), title=title, group=group))
    items = []
    for sid, s in slots.items():
        if s.week != week:
            continue
        if s.blocked:
            colour, title = BLOCK_COLOUR, language.say(s.reason or "Blocked")
        else:
            t = types.get(s.type_id or -1)
            colour, title = (t.colour, t.name) if t else ("#888888", "Unknown type")
        items.append(
            GridItem(
                id=sid,
                column=column_key(s.weekday, s.chair_index),
                start=s.start,
                end=s.end,
                colour=colour,
                title=title,
                subtitle=f"{s.end - s.start} min",
                data=s,
            )
        )
    return columns, items


def moved(slot: SlotSpec, key: int, start: int, end: int) -> SlotSpec:
    weekday, lane = split_key(key)
    return replace(slot, weekday=weekday, chair_index=lane, start=start, end=end)


class GridKeys(QObject):
    """Ctrl+Z / Ctrl+Shift+Z / Delete on the grid act on the builder's own undo history (not
    on the window's), and Delete removes the selected slot."""

    def __init__(self, grid: QWidget, undo_stack: QUndoStack, delete: Callable[[], object]) -> None:
        super().__init__(grid)
        self._stack = undo_stack
        self._delete = delete
        grid.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent)
        ctrl_z = event.key() == Qt.Key.Key_Z and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        is_undo, is_redo = ctrl_z and not shift, ctrl_z and shift
        is_delete = event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        if not (is_undo or is_redo or is_delete):
            return super().eventFilter(watched, event)
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
        elif is_undo:
            self._stack.undo()
        elif is_redo:
            self._stack.redo()
        else:
            self._delete()
        return True
