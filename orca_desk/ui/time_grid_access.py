"""The appointment book for screen readers: each visit and each free time is an accessible child."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, QPoint, QPointF, QRect, QRectF
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAccessibleInterface, QWindow
from PySide6.QtWidgets import QAccessibleWidget, QWidget

from orca_desk.ui.time_grid_model import GridColumn, GridItem


class AccessibleGrid(Protocol):
    """What the accessible book reads from the painted grid (``TimeGridWidget``)."""

    columns: list[GridColumn]
    items: list[GridItem]
    selected_id: int
    cell: tuple[int, int] | None
    day_start: int
    day_end: int
    key_step: int
    time_format: Callable[[], str]

    def item(self, item_id: int) -> GridItem | None: ...
    def cell_rect(self, column_key: int, minute: int) -> QRectF: ...
    def item_at(self, pos: QPointF, *, ghosts: bool = False) -> GridItem | None: ...
    def column_at(self, x: float) -> GridColumn | None: ...
    def minute_at(self, y: float) -> float: ...
    def _free_cells(self, column_key: int) -> list[int]: ...


@dataclass(frozen=True)
class Entry:
    """One child of the book: a visit (``item``) or a free cell (``column``, ``minute``)."""

    column: GridColumn
    minute: int
    item: GridItem | None = None


def entries(grid: AccessibleGrid) -> list[Entry]:
    """The book's children in reading order: column by column, each in time order, a visit before
    the free time that starts with it. Cached until the content, hours or step change."""
    token = (id(grid.items), id(grid.columns), grid.day_start, grid.day_end, grid.key_step)
    cached = getattr(grid, "_a11y_entries", None)
    if cached is not None and cached[0] == token:
        return cached[1]  # type: ignore[no-any-return]
    by_col: dict[int, list[GridItem]] = {}
    for it in grid.items:
        by_col.setdefault(it.column, []).append(it)
    out: list[Entry] = []
    for col in grid.columns:
        stops: list[tuple[int, int, int, Entry]] = [
            (it.start, 0, it.id, Entry(col, it.start, it)) for it in by_col.get(col.key, ())
        ]
        stops += [(m, 1, 0, Entry(col, m)) for m in grid._free_cells(col.key)]
        out += [s[3] for s in sorted(stops, key=lambda s: s[:3])]
    grid._a11y_entries = (token, out)  # type: ignore[attr-defined]
    return out


def current_index(grid: AccessibleGrid) -> int:
    """The child the keyboard selection is on, or -1."""
    it = grid.item(grid.selected_id)
    for k, e in enumerate(entries(grid)):
        if it is not None and e.item is it:
            return k
        if it is None and grid.cell is not None and e.item is None and (e.column.key, e.minute) == grid.cell:
            return k
    return -1


def column_name(col: GridColumn) -> str:
    return ", ".join(part for part in (col.title, col.subtitle, col.group) if part)


def entry_name(grid: AccessibleGrid, e: Entry) -> str:
    """What a screen reader says: patient, time, chair (or provider), status."""
    # Here, not at the top: the theme installs this module, and local_time (with SQLAlchemy)
    # must not load before the sign-in dialog shows.
    from orca_desk.services.local_time import fmt_minute

    style = grid.time_format()
    where = column_name(e.column)
    it = e.item
    if it is None:
        when = fmt_minute(e.minute, style)
        state = QCoreApplication.translate("TimeGridAccess", "free")
        for s, end, label in e.column.hatched:
            if s <= e.minute < end:
                state = QCoreApplication.translate("TimeGridAccess", "blocked") + (
                    f": {label}" if label else ""
                )
        if state == QCoreApplication.translate("TimeGridAccess", "free") and any(
            s <= e.minute < end for s, end in e.column.shaded
        ):
            state = QCoreApplication.translate("TimeGridAccess", "free, outside working hours")
        return f"{when}, {where}, {state}"
    when = QCoreApplication.translate("TimeGridAccess", "{start} to {end}").format(
        start=fmt_minute(it.start, style), end=fmt_minute(it.end, style)
    )
    status = (
        it.status
        or it.badge
        or (
            QCoreApplication.translate("TimeGridAccess", "reserved")
            if it.placeholder
            else QCoreApplication.translate("TimeGridAccess", "booked")
        )
    )
    return f"{it.title}, {when}, {where}, {status}"


def entry_description(e: Entry) -> str:
    it = e.item
    if it is None:
        return QCoreApplication.translate("TimeGridAccess", "Free time. Enter books here.")
    if it.ghost or it.placeholder:
        return it.subtitle
    return f"{it.subtitle}. " + QCoreApplication.translate(
        "TimeGridAccess", "Enter opens the visit; Ctrl+arrows move it."
    )


class GridChild(QAccessibleInterface):
    """Child ``index`` of a book: whatever entry sits at that place now. Slots are made once and
    kept (Qt's accessibility cache holds on to them), so a reload changes what a slot says."""

    def __init__(self, owner: GridAccessible, index: int) -> None:
        super().__init__()
        self._owner = owner
        self.index = index

    def _entry(self) -> Entry | None:
        found = entries(self._owner.grid())
        return found[self.index] if self.index < len(found) else None

    def isValid(self) -> bool:
        return self._entry() is not None

    def object(self) -> QObject | None:  # type: ignore[override]
        return None

    def window(self) -> QWindow:
        return self._owner.window()

    def relations(
        self, match: QAccessible.RelationFlag = QAccessible.RelationFlag.AllRelations
    ) -> list[tuple[QAccessibleInterface, QAccessible.RelationFlag]]:
        return []

    def focusChild(self) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def childAt(self, x: int, y: int) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def parent(self) -> QAccessibleInterface:  # type: ignore[override]
        return self._owner

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        return None

    def childCount(self) -> int:
        return 0

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        return -1

    def text(self, t: QAccessible.Text) -> str:
        e = self._entry()
        if e is None:
            return ""
        if t == QAccessible.Text.Name:
            return entry_name(self._owner.grid(), e)
        if t == QAccessible.Text.Description:
            return entry_description(e)
        return ""

    def setText(self, t: QAccessible.Text, text: str) -> None:
        pass

    def rect(self) -> QRect:
        e, grid = self._entry(), self._owner.grid()
        if e is None:
            return QRect()
        r = e.item.rect if e.item is not None else grid.cell_rect(e.column.key, e.minute)
        widget = self._owner.widget()
        return QRect(widget.mapToGlobal(r.topLeft().toPoint()), r.size().toSize())

    def role(self) -> QAccessible.Role:
        return QAccessible.Role.ListItem

    def state(self) -> QAccessible.State:
        s = QAccessible.State()
        e = self._entry()
        if e is None:
            s.invalid = True
            return s
        live = e.item is None or not (e.item.ghost or e.item.placeholder)
        s.focusable = s.selectable = live
        here = current_index(self._owner.grid()) == self.index
        s.selected = here
        s.focused = here and self._owner.widget().hasFocus()
        return s


class GridAccessible(QAccessibleWidget):
    """The book as a list whose items are the day's visits and free times (column by column)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(
            widget, QAccessible.Role.List, QCoreApplication.translate("TimeGridAccess", "Appointment book")
        )
        self._slots: list[GridChild] = []
        _KEEP.append(self)  # the slots must outlive Qt's cache of them

    def grid(self) -> AccessibleGrid:
        return self.widget()  # type: ignore[return-value]

    def _slot(self, index: int) -> GridChild:
        while len(self._slots) <= index:
            self._slots.append(GridChild(self, len(self._slots)))
        return self._slots[index]

    def text(self, t: QAccessible.Text) -> str:
        if t == QAccessible.Text.Name:
            return self.widget().accessibleName() or QCoreApplication.translate(
                "TimeGridAccess", "Appointment book"
            )
        if t == QAccessible.Text.Description:
            return self.widget().accessibleDescription() or QCoreApplication.translate(
                "TimeGridAccess",
                "Arrow keys walk the visits and free times; Enter opens or books; "
                "Ctrl+arrows move a visit; Delete cancels it; letters jump to a patient.",
            )
        return str(super().text(t))

    def childCount(self) -> int:
        return len(entries(self.grid()))

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]
        return self._slot(index) if 0 <= index < self.childCount() else None

    def indexOfChild(self, child: QAccessibleInterface) -> int:
        if (
            isinstance(child, GridChild)
            and child.index < len(self._slots)
            and child is self._slots[child.index]
        ):
            return child.index
        return -1

    def focusChild(self) -> QAccessibleInterface | None:  # type: ignore[override]
        k = current_index(self.grid())
        return self._slot(k) if k >= 0 else None

    def childAt(self, x: int, y: int) -> QAccessibleInterface | None:  # type: ignore[override]
        grid = self.grid()
        pos = QPointF(self.widget().mapFromGlobal(QPoint(x, y)))
        it = grid.item_at(pos, ghosts=True)
        col, minute = grid.column_at(pos.x()), grid.minute_at(pos.y())
        for k, e in enumerate(entries(grid)):
            if it is not None and e.item is it:
                return self._slot(k)
            free = it is None and e.item is None and e.column is col
            if free and e.minute <= minute < e.minute + grid.key_step:
                return self._slot(k)
        return None


_KEEP: list[GridAccessible] = []
_installed: list[bool] = []


def _factory(key: str, obj: QObject) -> QAccessibleInterface | None:
    if isinstance(obj, QWidget) and getattr(obj, "accessible_book", False):
        return GridAccessible(obj)
    return None


def install() -> None:
    """Let Qt ask this module for the book's accessible interface (once per process)."""
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed.append(True)


def notify_selection(widget: QWidget) -> None:
    """Tell a screen reader which child the keyboard (or the mouse) selected."""
    if not QAccessible.isActive():
        return
    k = current_index(widget)  # type: ignore[arg-type]
    if k < 0:
        return
    kinds: Sequence[QAccessible.Event] = (QAccessible.Event.Selection,)
    if widget.hasFocus():
        kinds = (QAccessible.Event.Focus, QAccessible.Event.Selection)
    for kind in kinds:
        _emit(widget, kind, k)


def notify_content(widget: QWidget) -> None:
    """Tell a screen reader the book's children changed (another day, a reload)."""
    if QAccessible.isActive():
        _emit(widget, QAccessible.Event.ObjectReorder, -1)


def _emit(widget: QWidget, kind: QAccessible.Event, child: int) -> None:
    event = QAccessibleEvent(widget, kind)
    if child >= 0:
        event.setChild(child)
    QAccessible.updateAccessibility(event)
