"""The Templates screen: template list, drag-and-drop builder with undo, versions, apply, analytics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import schedule_templates
from orca_desk.services.schedule_templates import SlotSpec, TemplateRow, VersionRow
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import ElidedLabel
from orca_desk.ui.lazy_tabs import LazyTabs
from orca_desk.ui.screen import Screen
from orca_desk.ui.time_grid import in_scroll_area
from orca_desk.views.templates.builder import (
    BLOCKED,
    GridKeys,
    SlotCommand,
    SlotPalette,
    SlotStore,
    TemplateGrid,
    describe,
    grid_content,
    moved,
    split_key,
)
from orca_desk.views.templates.list_model import ROLE_ROW, template_list
from orca_desk.views.templates.side_panel import SlotProperties, VersionHistory

if TYPE_CHECKING:
    from orca_desk.views.templates.analytics_panel import AnalyticsPanel

SNAP_STEPS = (5, 10, 15)


class TemplatesScreen(Screen):
    """Design templates by dragging chips; save versions; apply them; see how they fill."""

    # The analytics follow applications and the bookings that fill their slots.
    watches = frozenset(
        {
            "schedule_template",
            "template_version",
            "template_slot",
            "template_application",
            "applied_slot",
            "appointment",
        }
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.types = {t.id: t for t in ctx.clinic.types}
        self.current: TemplateRow | None = None
        self.version: VersionRow | None = None
        self.rotation: tuple[str, ...] = ("A",)
        self.chairs = 1
        self.week = 0
        self.store = SlotStore()
        self.store.on_change = self._on_store_changed
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.analytics: AnalyticsPanel | None = None
        """The analytics tab's panel, built (with QtCharts) when that tab is first shown."""
        self.tabs = QTabWidget()
        self.pages = LazyTabs(self.tabs)
        self.pages.add(self._build_design_tab, self.tr("Design"), now=True)
        self.analytics_page = self.pages.add(self._build_analytics_tab, self.tr("Analytics"))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        splitter = QSplitter()
        splitter.addWidget(self._build_list())
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(splitter)
        self.reload_list()

    # ----- building -----------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        """Left: the template list (model/view) and its buttons."""
        left, self.list_model, self.list_view = template_list(
            self._on_template_chosen, self.new_template, self.copy_template
        )
        return left

    def _build_design_tab(self) -> QWidget:
        design = QWidget()
        dv = QVBoxLayout(design)
        dv.setContentsMargins(0, 0, 0, 0)
        dv.addLayout(self._build_title_bar())
        dv.addLayout(self._build_settings_bar())
        middle = QHBoxLayout()
        middle.addWidget(SlotPalette(self.ctx.clinic.types))
        middle.addWidget(self._build_grid(), 1)
        dv.addLayout(middle, 1)
        self.hint = QLabel("")
        self.hint.setStyleSheet("color: #b3261e;")
        dv.addWidget(self.hint)
        page = QWidget()
        dl = QHBoxLayout(page)
        dl.setContentsMargins(4, 4, 4, 4)
        dl.addWidget(design, 1)
        dl.addWidget(self._build_side())
        return page

    def _build_title_bar(self) -> QHBoxLayout:
        self.title = ElidedLabel()  # a long template name ends in "…" instead of widening the window
        self.title.setObjectName("templateTitle")
        self.title.setProperty("textRole", "headline")
        self.title.setMinimumWidth(60)
        self.undo_btn, self.redo_btn = QToolButton(), QToolButton()
        self.undo_btn.setDefaultAction(self.undo_stack.createUndoAction(self, self.tr("Undo")))
        self.redo_btn.setDefaultAction(self.undo_stack.createRedoAction(self, self.tr("Redo")))
        self.undo_btn.setAccessibleDescription(self.tr("Undo the last change to this template"))
        self.redo_btn.setAccessibleDescription(self.tr("Redo the change just undone"))
        self.save_btn = QPushButton(self.tr("Save version"))
        self.save_btn.setObjectName("primary")
        self.save_btn.clicked.connect(self.save)
        apply_btn = QPushButton(self.tr("Apply…"))
        apply_btn.clicked.connect(self.open_apply_dialog)
        self.save_btn.setAccessibleDescription(self.tr("Save the template as a new version"))
        apply_btn.setAccessibleDescription(
            self.tr("Put this template's slots on the calendar for chosen days")
        )
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        for w in (self.undo_btn, self.redo_btn, self.save_btn, apply_btn):
            bar.addWidget(w)
        return bar

    def _build_settings_bar(self) -> QHBoxLayout:
        """The layout settings get a row of their own so the screen fits a 1366-px desk monitor."""
        self.week_combo = QComboBox()
        self.week_combo.currentIndexChanged.connect(self._on_week_changed)
        add_week = QToolButton()
        add_week.setText(self.tr("+ Week"))
        add_week.setToolTip(self.tr("Add a week to the rotation (A/B weeks)"))
        add_week.clicked.connect(self.add_rotation_week)
        self.chairs_combo = QComboBox()
        for n in range(1, 5):
            self.chairs_combo.addItem(self.tr("%n chair(s)", "", n), n)
        self.chairs_combo.currentIndexChanged.connect(self._on_chairs_changed)
        self.snap_combo = QComboBox()
        for step in SNAP_STEPS:
            self.snap_combo.addItem(self.tr("Snap {step} min").format(step=step), step)
        self.snap_combo.setCurrentIndex(2)
        self.snap_combo.currentIndexChanged.connect(self._on_snap_changed)
        settings_bar = QHBoxLayout()
        for combo, name, description in (
            (self.week_combo, self.tr("Rotation week"), self.tr("The week of the rotation being designed")),
            (self.chairs_combo, self.tr("Chairs"), self.tr("How many chairs the template lays out")),
            (
                self.snap_combo,
                self.tr("Snap"),
                self.tr("Slots dragged on the grid snap to this many minutes"),
            ),
        ):
            combo.setAccessibleName(name)
            combo.setAccessibleDescription(description)
        for setting in (self.week_combo, add_week, self.chairs_combo, self.snap_combo):
            settings_bar.addWidget(setting)
        settings_bar.addStretch(1)
        return settings_bar

    def _build_grid(self) -> QWidget:
        self.grid = TemplateGrid()
        self.time_style = self.ctx.time_style()  # the hours and the slot's times are written in it
        self.grid.time_format = lambda: self.time_style
        self.grid.snap = 15
        self.grid.set_hours(7 * 60, 19 * 60)
        self.grid.min_col_w = 90
        self.grid.drop_check = self._move_refusal
        self.grid.add_check = self._add_refusal
        self.grid.sig_item_moved.connect(self._on_item_moved)
        self.grid.sig_slot_dropped.connect(self._on_slot_dropped)
        self.grid.sig_drop_refused.connect(self._on_drop_refused)
        self.grid.sig_selection_changed.connect(self._on_selection_changed)
        # Held here: a wrapper only Qt holds may be collected, and its filter would lose its state.
        self.grid_keys = GridKeys(self.grid, self.undo_stack, self.delete_selected)
        self.grid_scroll = in_scroll_area(self.grid)  # day and chair titles stay in view
        return self.grid_scroll

    def _build_side(self) -> QWidget:
        """Right: the selected slot's properties and the version history."""
        self.props = SlotProperties(
            self.ctx.clinic.types,
            self.time_style,
            on_apply=self.apply_properties,
            on_delete=self.delete_selected,
        )
        self.versions = VersionHistory(self.restore_version)
        self.history = self.versions.list
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.props)
        rv.addWidget(self.versions, 1)
        right.setFixedWidth(250)
        return right

    def _build_analytics_tab(self) -> QWidget:
        from orca_desk.views.templates.analytics_panel import AnalyticsPanel  # QtCharts with it

        self.analytics = AnalyticsPanel(self.ctx)
        return self.analytics

    # ----- loading ------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.undo_stack.isClean():
            self.reload_list(keep=self.current.id if self.current else None)
        self._show_analytics()

    def reload_list(self, keep: int | None = None) -> None:
        self.ctx.ops.read(
            schedule_templates.list_templates,
            parent=self,
            background=False,
            on_done=lambda rows: self._show_list(rows, keep),
            on_error=self._refused(self.tr("Not loaded")),
        )

    def _show_list(self, rows: list[TemplateRow], keep: int | None) -> None:
        self.list_model.set_rows(rows)
        ids = [r.id for r in rows]
        if rows:
            want = keep if keep in ids else next((r.id for r in rows if r.is_default), rows[0].id)
            self.list_view.setCurrentIndex(self.list_model.index(ids.index(want)))
        else:
            self.open_template(None)

    def _on_template_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROLE_ROW) if current.isValid() else None
        if row is not None and (
            self.current is None
            or row.id != self.current.id
            or row.version != (self.version.number if self.version else None)
        ):
            self.open_template(row.id)

    def open_template(self, template_id: int | None) -> None:
        if template_id is None:
            self.current = self.version = None
            self.title.setText(self.tr("No template yet: press New…"))
            self.store.load(())
            return
        loaded: list[tuple[schedule_templates.TemplateDetail, list[VersionRow]]] = []
        if not self.ctx.ops.read(
            lambda s: (
                schedule_templates.get_template(s, template_id),
                schedule_templates.version_history(s, template_id),
            ),
            parent=self,
            on_done=loaded.append,
            on_error=self._refused(self.tr("Not opened")),
            background=False,
        ):
            return
        detail, history = loaded[0]
        self.current, self.version = detail.template, detail.version
        self.rotation, self.chairs = detail.version.rotation, detail.version.chair_count
        self.week = 0
        self._fill_rotation_combo()
        self.chairs_combo.blockSignals(True)
        self.chairs_combo.setCurrentIndex(self.chairs - 1)
        self.chairs_combo.blockSignals(False)
        self.versions.show_versions(history)
        self.store.load(detail.slots)
        self.undo_stack.clear()
        self._update_title()
        self._show_analytics()

    def _fill_rotation_combo(self) -> None:
        self.week_combo.blockSignals(True)
        self.week_combo.clear()
        for i, label in enumerate(self.rotation):
            text = self.tr("Week {0}").format(label) if len(self.rotation) > 1 else self.tr("Every week")
            self.week_combo.addItem(text, i)
        self.week_combo.setCurrentIndex(self.week)
        self.week_combo.blockSignals(False)

    def _update_title(self) -> None:
        if self.current is None or self.version is None:
            return
        dirty = "" if self.undo_stack.isClean() else self.tr(" — unsaved changes")
        self.title.setText(f"{self.current.name} · v{self.version.number}{dirty}")

    # ----- grid ------------------------------------------------------------------------------
    def _on_store_changed(self) -> None:
        kind = self.current.kind if self.current else "week"
        columns, items = grid_content(
            self.store.slots, week=self.week, kind=kind, chairs=self.chairs, types=self.types
        )
        self.grid.set_content(columns, items)
        self._on_selection_changed(self.grid.selected_id)

    def _on_week_changed(self, index: int) -> None:
        self.week = max(0, index)
        self._on_store_changed()

    def _on_chairs_changed(self, index: int) -> None:
        used = max((s.chair_index for s in self.store.slots.values()), default=0) + 1
        wanted = index + 1
        if wanted < used:
            self.hint.setText(self.tr("Slots use {used} chairs; delete those slots first.").format(used=used))
            self.chairs_combo.setCurrentIndex(self.chairs - 1)
            return
        self.chairs = wanted
        self._on_store_changed()
        self._on_clean_changed(False)

    def _on_snap_changed(self, index: int) -> None:
        self.grid.snap = int(self.snap_combo.itemData(index))

    def add_rotation_week(self) -> None:
        if len(self.rotation) >= schedule_templates.MAX_ROTATION:
            return
        self.rotation = (*self.rotation, "ABCDEFGH"[len(self.rotation)])
        self.week = len(self.rotation) - 1
        self._fill_rotation_combo()
        self._on_store_changed()
        self._on_clean_changed(False)

    def _candidate(self, key: int, start: int, end: int, base: SlotSpec | None = None) -> SlotSpec:
        weekday, lane = split_key(key)
        if base is not None:
            return replace(base, weekday=weekday, chair_index=lane, start=start, end=end)
        return SlotSpec(start=start, end=end, weekday=weekday, week=self.week, chair_index=lane)

    def _add_refusal(self, key: int, start: int, end: int) -> str | None:
        clash = self.store.conflict(self._candidate(key, start, end))
        return None if clash is None else f"Overlaps {self._describe(clash)}"

    def _move_refusal(self, item: Any, key: int, start: int, end: int) -> str | None:
        slot = self.store.slots.get(item.id)
        if slot is None:
            return None
        clash = self.store.conflict(self._candidate(key, start, end, slot), ignore_id=item.id)
        return None if clash is None else f"Overlaps {self._describe(clash)}"

    def _describe(self, slot: SlotSpec) -> str:
        return describe(slot, {t.id: t.name for t in self.types.values()}, self.rotation, self.chairs)

    def _on_drop_refused(self, reason: str) -> None:
        self.hint.setText(reason)

    def _on_slot_dropped(self, key: int, start: int, kind: object, minutes: int) -> None:
        blocked = kind == BLOCKED
        slot = replace(
            self._candidate(key, start, start + minutes),
            type_id=None if blocked else int(str(kind)),
            blocked=blocked,
            reason="Lunch" if blocked else "",
        )
        self.add_slot(slot)

    def add_slot(self, slot: SlotSpec) -> bool:
        clash = self.store.conflict(slot)
        if clash is not None:
            self.hint.setText(self.tr("Not added: it overlaps {value}.").format(value=self._describe(clash)))
            return False
        self.hint.setText("")
        self.undo_stack.push(
            SlotCommand(
                self.store, self.store.new_id(), None, slot, self.tr("Add {0}").format(self._describe(slot))
            )
        )
        return True

    def _on_item_moved(self, slot_id: int, key: int, start: int, end: int) -> None:
        before = self.store.slots.get(slot_id)
        if before is None:
            return
        after = moved(before, key, start, end)
        clash = self.store.conflict(after, ignore_id=slot_id)
        if clash is not None:
            self.hint.setText(self.tr("Not moved: it would overlap {it}.").format(it=self._describe(clash)))
            self._on_store_changed()
            return
        resized = (after.start, after.weekday, after.chair_index) == (
            before.start,
            before.weekday,
            before.chair_index,
        )
        verb = self.tr("Resize {0}") if resized else self.tr("Move {0}")
        self.hint.setText("")
        self.undo_stack.push(
            SlotCommand(self.store, slot_id, before, after, verb.format(self._describe(after)))
        )

    def _on_selection_changed(self, slot_id: int) -> None:
        self.props.show_slot(self.store.slots.get(slot_id))

    def apply_properties(self) -> bool:
        slot_id = self.grid.selected_id
        before = self.store.slots.get(slot_id)
        if before is None:
            return False
        after = self.props.edited(before)
        if after == before:
            return False
        if after.end <= after.start:
            self.hint.setText(self.tr("The slot must end after it starts."))
            return False
        clash = self.store.conflict(after, ignore_id=slot_id)
        if clash is not None:
            self.hint.setText(self.tr("Not changed: it would overlap {it}.").format(it=self._describe(clash)))
            return False
        self.undo_stack.push(
            SlotCommand(
                self.store, slot_id, before, after, self.tr("Change {0}").format(self._describe(after))
            )
        )
        return True

    def delete_selected(self) -> bool:
        slot_id = self.grid.selected_id
        before = self.store.slots.get(slot_id)
        if before is None:
            return False
        self.undo_stack.push(
            SlotCommand(
                self.store, slot_id, before, None, self.tr("Delete {0}").format(self._describe(before))
            )
        )
        return True

    def _on_clean_changed(self, _clean: bool) -> None:
        self._update_title()

    # ----- saving, versions, copies ------------------------------------------------------
    def save(self) -> VersionRow | None:
        if self.current is None or self.version is None:
            return None
        note, ok = (
            QInputDialog.getText(self, self.tr("Save version"), self.tr("What changed (optional):"))
            if not getattr(self, "quiet", False)
            else ("", True)
        )
        if not ok:
            return None
        current, version = self.current, self.version
        saved: list[VersionRow] = []
        self.ctx.ops.write(
            lambda s: schedule_templates.save_template(
                s,
                self.ctx.actor,
                current.id,
                slots=list(self.store.slots.values()),
                rotation=self.rotation,
                chair_count=self.chairs,
                note=note,
                expected_version=version.number,
                now=self.ctx.clock.now(),
            ),
            parent=self,
            title=self.tr("Not saved"),
            on_done=self._opened_after(saved),
            on_error=self._refused(self.tr("Not saved")),
        )
        if not saved:
            return None
        v = saved[0]
        self.sig_status.emit(
            self.tr("Saved {name} as version {number}").format(name=current.name, number=v.number)
            if v.number != version.number
            else self.tr("No changes to save")
        )
        return v

    def _opened_after(self, results: list[VersionRow]) -> Callable[[VersionRow], None]:
        """Open the version just written (its changes then reload the list, keeping it chosen)."""

        def done(v: VersionRow) -> None:
            results.append(v)
            if self.current is not None:
                self.open_template(self.current.id)

        return done

    def restore_version(self, number: int) -> VersionRow | None:
        if self.current is None:
            return None
        template_id = self.current.id
        restored: list[VersionRow] = []
        self.ctx.ops.write(
            lambda s: schedule_templates.restore_version(
                s, self.ctx.actor, template_id, number, now=self.ctx.clock.now()
            ),
            parent=self,
            title=self.tr("Not restored"),
            on_done=self._opened_after(restored),
            on_error=self._refused(self.tr("Not restored")),
        )
        if not restored:
            return None
        v = restored[0]
        self.sig_status.emit(self.tr("Version {0} restored as version {1}").format(number, v.number))
        return v

    def new_template(self, name: str | None = None, kind: str | None = None) -> None:
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("New template"), self.tr("Name:"))
            if not ok:
                return
        if kind is None:
            kind, ok = QInputDialog.getItem(
                self, self.tr("New template"), self.tr("Kind:"), ["week", "day"], 0, False
            )
            if not ok:
                return
        self._write_then_open(
            lambda s: (
                schedule_templates.create_template(
                    s, self.ctx.actor, name=name or "", kind=kind, now=self.ctx.clock.now()
                ).template.id
            )
        )

    def copy_template(self, name: str | None = None) -> None:
        if self.current is None:
            return
        source = self.current
        if name is None:
            name, ok = QInputDialog.getText(
                self,
                self.tr("Copy template"),
                self.tr("Name of the copy:"),
                text=self.tr("{name} (copy)").format(name=source.name),
            )
            if not ok:
                return
        self._write_then_open(
            lambda s: (
                schedule_templates.copy_template(
                    s, self.ctx.actor, source.id, name=name or "", now=self.ctx.clock.now()
                ).template.id
            )
        )

    def _write_then_open(self, job: Callable[[Any], int]) -> None:
        # The new template opens now; its changes then reload the list with it chosen.
        self.ctx.ops.write(
            job,
            parent=self,
            title=self.tr("Not done"),
            on_done=self.open_template,
            on_error=self._refused(self.tr("Not done")),
        )

    def open_apply_dialog(self) -> None:
        if self.current is None:
            return
        if not self.undo_stack.isClean():
            self.hint.setText(self.tr("Save the version first: an application always uses a saved version."))
            return
        from orca_desk.views.templates.apply_dialog import ApplyDialog

        dialog = ApplyDialog(self.ctx, self.current, parent=self)
        dialog.exec()
        self._show_analytics()

    def _on_tab_changed(self, _index: int) -> None:
        self._show_analytics()

    def _show_analytics(self) -> None:
        """The analytics of the open template, read only while their tab is on view."""
        if self.analytics is not None and self.tabs.currentWidget() is self.analytics_page and self.current:
            self.analytics.show_template(self.current.id)

    def _refused(self, title: str) -> Callable[[str], None]:
        """An operation's refusal: under the grid, and in a message box unless ``quiet``."""

        def show(message: str) -> None:
            self.hint.setText(message)
            if not getattr(self, "quiet", False):
                QMessageBox.warning(self, title, message)

        return show
