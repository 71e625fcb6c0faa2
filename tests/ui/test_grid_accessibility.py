"""A screen reader walks the appointment book: each visit and free time is an accessible child."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from orca_desk.ui import time_grid_access
from orca_desk.views.calendar.day_view import DayViewScreen
from tests.factories import desk_book
from tests.ui.test_book_keyboard import at

NAME = QAccessible.Text.Name


def _view(main_window) -> DayViewScreen:
    view = main_window.show_screen("calendar")
    assert isinstance(view, DayViewScreen)
    view.refresh()
    view.grid.setFocus()
    return view


def _children(iface) -> list:
    return [iface.child(k) for k in range(iface.childCount())]


def test_each_visit_says_patient_time_chair_and_status(main_window, ctx, world, qtbot):
    desk_book(ctx, world, patient=0, start=at(16))
    view = _view(main_window)
    grid = view.grid
    iface = QAccessible.queryAccessibleInterface(grid)
    assert iface is not None
    assert iface.role() == QAccessible.Role.List
    assert iface.text(NAME) == "Appointment book"
    kids = _children(iface)
    visits = [c for c in kids if world.patients[0].first_name in c.text(NAME)]
    assert len(visits) == 1
    said = visits[0].text(NAME)
    chair = grid.columns[0].title
    assert "4:00 PM to 4:20 PM" in said and chair in said and "unconfirmed" in said
    assert visits[0].role() == QAccessible.Role.ListItem
    assert visits[0].parent().text(NAME) == "Appointment book"
    assert iface.indexOfChild(visits[0]) == kids.index(visits[0])
    free = [c.text(NAME) for c in kids if "free" in c.text(NAME) and chair in c.text(NAME)]
    assert any(f.startswith("4:30 PM, " + chair) for f in free)
    assert not any(f.startswith(("4:00 PM", "4:15 PM")) for f in free)  # the visit's time is not free
    # every column has its free times
    for col in grid.columns:
        assert any(col.title in c.text(NAME) and "free" in c.text(NAME) for c in kids)


def test_the_keyboard_moves_the_focused_child_and_tells_the_reader(
    main_window, ctx, world, qtbot, monkeypatch
):
    first = desk_book(ctx, world, patient=0, start=at(16))
    view = _view(main_window)
    grid = view.grid
    said: list[tuple[QAccessible.Event, str]] = []
    iface = QAccessible.queryAccessibleInterface(grid)
    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
    monkeypatch.setattr(
        time_grid_access, "_emit", lambda w, kind, k: said.append((kind, iface.child(k).text(NAME)))
    )
    grid.select_item(first)
    focused = iface.focusChild()
    assert focused is not None and world.patients[0].first_name in focused.text(NAME)
    assert focused.state().focused and focused.state().selected
    assert said[-2][0] == QAccessible.Event.Focus and said[-2][1] == focused.text(NAME)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    moved = iface.focusChild()
    assert moved is not None and moved.text(NAME).startswith("4:30 PM") and "free" in moved.text(NAME)
    assert said[-2] == (QAccessible.Event.Focus, moved.text(NAME))
    assert not focused.state().focused
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    beside = iface.focusChild()
    assert beside is not None and grid.columns[1].title in beside.text(NAME)
    assert said[-2] == (QAccessible.Event.Focus, beside.text(NAME))


def test_a_reload_tells_the_reader_the_children_changed(main_window, ctx, world, qtbot, monkeypatch):
    grid = _view(main_window).grid
    iface = QAccessible.queryAccessibleInterface(grid)
    said: list[QAccessible.Event] = []
    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
    monkeypatch.setattr(time_grid_access, "_emit", lambda w, kind, k: said.append(kind))
    before = iface.childCount()
    desk_book(ctx, world, patient=0, start=at(16))
    main_window.show_screen("calendar").refresh()
    qtbot.waitUntil(lambda: QAccessible.Event.ObjectReorder in said)
    assert iface.childCount() != before  # the visit took the free cells of its 20 minutes


def test_child_at_a_point_is_the_visit_painted_there(main_window, ctx, world, qtbot):
    first = desk_book(ctx, world, patient=0, start=at(16))
    grid = _view(main_window).grid
    iface = QAccessible.queryAccessibleInterface(grid)
    centre = grid.mapToGlobal(grid.item(first).rect.center().toPoint())
    hit = iface.childAt(centre.x(), centre.y())
    assert hit is not None and world.patients[0].first_name in hit.text(NAME)
    assert hit.rect().contains(centre)
