"""Templates screen: drag a chip onto the grid, move and resize slots, undo/redo, save a version, apply."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from orca_desk.models.template import AppliedSlot
from orca_desk.services import schedule_templates
from orca_desk.services.provider_schedules import DayHours, set_week
from orca_desk.services.schedule_templates import SlotSpec
from orca_desk.views.templates.apply_dialog import ApplyDialog
from orca_desk.views.templates.builder import column_key, slot_mime_data
from orca_desk.views.templates.screen import TemplatesScreen


@pytest.fixture
def screen(qtbot, ctx, db, world, manager, clock):
    with db.write() as s:
        set_week(
            s,
            manager,
            world.ortho.id,
            [DayHours(wd, world.location.id, 480, 1020) for wd in range(5)],
            effective_from=date(2026, 1, 1),
            now=clock.now(),
        )
        schedule_templates.create_template(
            s,
            manager,
            name="Standard week",
            kind="week",
            slots=[SlotSpec(540, 560, world.adjustment.id, weekday=0)],
            now=clock.now(),
        )
    w = TemplatesScreen(ctx)
    w.quiet = True  # no modal dialogs in tests
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    return w


def drop(grid, mime, pos: QPoint) -> bool:
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(grid, enter)
    move = QDragMoveEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(grid, move)
    if not move.isAccepted():
        return False
    event = QDropEvent(QPointF(pos), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(grid, event)
    return event.isAccepted()


def slots(screen) -> set[tuple[int | None, int, int, int | None, bool]]:
    return {(s.weekday, s.start, s.end, s.type_id, s.blocked) for s in screen.store.slots.values()}


def test_drag_chip_from_palette_onto_grid_then_undo_redo(screen, world, qtbot):
    grid = screen.grid
    pos = grid.point_for(column_key(1, 0), 600)  # Tuesday 10:00
    assert drop(grid, slot_mime_data(world.bonding.id, 90), pos)
    assert (1, 600, 690, world.bonding.id, False) in slots(screen)
    assert screen.undo_stack.count() == 1 and "unsaved changes" in screen.title.text()
    # The blocked chip adds lunch with a reason.
    assert drop(grid, slot_mime_data("blocked", 60), grid.point_for(column_key(1, 0), 720))
    assert (1, 720, 780, None, True) in slots(screen)
    # Onto an existing slot: refused while dragging, with the reason.
    assert not drop(grid, slot_mime_data(world.adjustment.id, 20), grid.point_for(column_key(1, 0), 630))
    assert "Overlaps Bonding Tue 10:00–11:30" in screen.hint.text()
    assert len(screen.store.slots) == 3
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert slots(screen) == {(0, 540, 560, world.adjustment.id, False)}
    qtbot.keyClick(
        grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert (1, 600, 690, world.bonding.id, False) in slots(screen)


def test_move_and_resize_a_slot_with_the_mouse_snapping_to_the_step(screen, world, qtbot):
    grid = screen.grid
    [item] = grid.items
    centre = item.rect.center().toPoint()
    # Move Monday 09:00 to Wednesday about 10:07 → snaps to 10:00 (15-minute step).
    target = grid.point_for(column_key(2, 0), 607 + 10)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(grid, centre + QPoint(0, 8))
    qtbot.mouseMove(grid, target)
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=target)
    assert slots(screen) == {(2, 600, 620, world.adjustment.id, False)}
    # Resize from its bottom edge to 10:45 with a 5-minute step.
    screen.snap_combo.setCurrentIndex(0)
    [item] = grid.items
    edge = QPoint(int(item.rect.center().x()), int(item.rect.bottom()) - 2)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=edge)
    qtbot.mouseMove(grid, edge + QPoint(0, 6))
    low = grid.point_for(column_key(2, 0), 645)
    qtbot.mouseMove(grid, QPoint(edge.x(), low.y()))
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=QPoint(edge.x(), low.y()))
    assert slots(screen) == {(2, 600, 645, world.adjustment.id, False)}
    assert [screen.undo_stack.text(i).split(" ")[0] for i in range(screen.undo_stack.count())] == [
        "Move",
        "Resize",
    ]
    screen.undo_stack.undo()
    screen.undo_stack.undo()
    assert slots(screen) == {(0, 540, 560, world.adjustment.id, False)}


def test_property_panel_and_save_a_new_version_shown_in_history(screen, world, db):
    grid = screen.grid
    [item] = grid.items
    grid._select(item.id)
    screen.props.type_combo.setCurrentIndex(screen.props.type_combo.findData(world.bonding.id))
    assert screen.apply_properties()
    assert slots(screen) == {(0, 540, 560, world.bonding.id, False)}
    v = screen.save()
    assert v is not None and v.number == 2
    assert screen.history.count() == 2 and screen.history.item(0).text().startswith("v2 · Manager")
    assert screen.title.text() == "Standard week · v2"
    assert screen.restore_version(1) is not None
    assert screen.history.item(0).text().startswith("v3") and slots(screen) == {
        (0, 540, 560, world.adjustment.id, False)
    }


def test_apply_dialog_dry_run_then_apply_with_progress(screen, ctx, world, db, qtbot):
    assert screen.current is not None
    dialog = ApplyDialog(ctx, screen.current, parent=screen)
    qtbot.addWidget(dialog)
    dialog.set_providers([world.ortho.id])
    dialog.set_range(date(2026, 3, 9), date(2026, 3, 27))
    plan = dialog.preview()
    assert plan is not None and plan.counts["create"] == 3
    assert "3 slots to create" in dialog.counts.text() and dialog.table.rowCount() == 3
    dialog.set_range(date(2026, 3, 2), date(2026, 3, 6))
    assert dialog.preview() is None and "in the past" in dialog.counts.text()
    dialog.set_range(date(2026, 3, 9), date(2026, 3, 27))
    dialog.preview()
    progress: list[tuple[int, int]] = []
    dialog._on_progress = lambda done, total: progress.append((done, total))  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.sig_applied, timeout=10_000):
        dialog.start_apply()
    assert dialog.apply_result is not None and dialog.apply_result.created == 3
    # Chunked: progress counts the chosen days (Mon 9 – Fri 27 March), reported after each chunk.
    assert progress[0] == (0, 15) and progress[-1] == (15, 15)
    assert "Applied: 3 slots created over 15 of 15 days" in dialog.counts.text()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AppliedSlot)) == 3


def test_a_chip_dropped_near_a_slot_joins_it_without_a_gap(screen, world):
    """The snap follows the chip: a 20-minute chip dropped a few minutes after a slot ends starts
    where it ends (the 15-minute step alone would leave a gap or an overlap)."""
    grid = screen.grid
    # Monday has an Adjustment 09:00–09:20; drop another a little after 09:20.
    assert drop(grid, slot_mime_data(world.adjustment.id, 20), grid.point_for(column_key(0, 0), 563))
    assert (0, 560, 580, world.adjustment.id, False) in slots(screen)
    # Far from any slot, the step still rules.
    assert drop(grid, slot_mime_data(world.adjustment.id, 20), grid.point_for(column_key(0, 0), 782))
    assert (0, 780, 800, world.adjustment.id, False) in slots(screen)


def test_no_slot_looks_selected_until_one_is_clicked(screen, world, qtbot):
    assert screen.grid.selected_id == -1
    assert screen.props.title() == "No slot selected" and screen.props.no_selection.isVisible()
    assert not screen.props.type_combo.isVisible() and not screen.props.start_edit.isVisible()
    grid = screen.grid
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.point_for(column_key(0, 0), 545))
    assert screen.props.title() == "Selected slot" and screen.props.type_combo.isVisible()
    assert screen.props.type_combo.currentText() == "Adjustment" and not screen.props.no_selection.isVisible()


def test_a_save_refused_as_stale_says_why_and_keeps_the_edits(screen, world, db, manager, clock):
    with db.write() as s:  # another desk saves a version first
        schedule_templates.save_template(
            s, manager, screen.current.id, slots=[], note="Elsewhere", now=clock.now()
        )
    grid = screen.grid
    grid._select(grid.items[0].id)
    screen.props.type_combo.setCurrentIndex(screen.props.type_combo.findData(world.bonding.id))
    assert screen.apply_properties()
    assert screen.save() is None
    assert screen.hint.text()  # the service's reason, under the grid
    assert slots(screen) == {(0, 540, 560, world.bonding.id, False)}  # the edit is still there
    assert screen.title.text().endswith("unsaved changes")
    with db.read() as s:
        assert [v.number for v in schedule_templates.version_history(s, screen.current.id)] == [2, 1]


def test_new_and_copied_templates_open_and_join_the_list(screen):
    screen.new_template(name="", kind="day")
    assert screen.hint.text() and screen.list_model.rowCount() == 1  # refused: no name
    screen.new_template(name="Saturday clinic", kind="day")
    assert screen.current is not None and screen.current.name == "Saturday clinic"
    assert [r.name for r in screen.list_model.rows] == ["Saturday clinic", "Standard week"]
    assert screen.list_view.currentIndex().data(Qt.ItemDataRole.UserRole + 1).name == "Saturday clinic"
    screen.copy_template(name="Saturday clinic (copy)")
    assert screen.current.name == "Saturday clinic (copy)" and screen.list_model.rowCount() == 3
    assert screen.list_view.currentIndex().data(Qt.ItemDataRole.UserRole + 1).name == "Saturday clinic (copy)"


def test_an_application_tells_the_screens_what_it_wrote(screen, ctx, world, qtbot):
    heard: list[frozenset[str]] = []
    screen.on_changes = lambda changes: heard.append(changes.tables)  # type: ignore[method-assign]
    dialog = ApplyDialog(ctx, screen.current, parent=screen)
    qtbot.addWidget(dialog)
    dialog.set_providers([world.ortho.id])
    dialog.set_range(date(2026, 3, 9), date(2026, 3, 13))
    assert dialog.preview() is not None
    with qtbot.waitSignal(dialog.sig_applied, timeout=10_000):
        dialog.start_apply()
    assert len(heard) == 1 and {"applied_slot", "template_application"} <= heard[0]


def test_a_long_write_refused_midway_still_tells_what_its_done_steps_changed(screen, ctx, db, qtbot):
    from sqlalchemy import text

    from orca_desk.services.errors import ValidationError

    heard: list[frozenset[str]] = []
    screen.on_changes = lambda changes: heard.append(changes.tables)  # type: ignore[method-assign]
    refusals: list[str] = []

    def work(step):
        with step() as s:
            s.execute(text("UPDATE patient SET notes = 'first step'"))
        with step() as s:
            s.execute(text("UPDATE patient SET notes = 'second step'"))
            raise ValidationError("The second step is refused.")

    assert ctx.ops.write_in_steps(work, parent=screen, on_error=refusals.append)
    assert ctx.ops.wait()
    assert refusals == ["The second step is refused."]
    assert heard == [frozenset({"patient"})]
    with db.read() as s:
        assert set(s.scalars(text("SELECT notes FROM patient"))) == {"first step"}
