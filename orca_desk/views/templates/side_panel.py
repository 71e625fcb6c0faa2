"""The Templates screen's right side: the selected slot's fields, and the version history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.clinic.clinic import TypeRow
from orca_desk.services.schedule_templates import SlotSpec, VersionRow
from orca_desk.ui import language
from orca_desk.ui.labels import time_edit_format
from orca_desk.ui.rows_table import empty_state
from orca_desk.views.templates.builder import BLOCKED


class SlotProperties(QGroupBox):
    """The selected slot's fields; while no slot is selected, a hint instead of them, so no
    slot looks selected."""

    def __init__(
        self,
        types: Sequence[TypeRow],
        time_fmt: str,
        *,
        on_apply: Callable[[], object],
        on_delete: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(QCoreApplication.translate("SlotProperties", "Selected slot"), parent)
        self.form = QFormLayout(self)
        self.no_selection = QLabel(
            self.tr("Click a slot on the grid to change it, or drag a chip to add one.")
        )
        self.no_selection.setObjectName("hint")
        self.no_selection.setWordWrap(True)
        self.form.addRow(self.no_selection)
        self.type_combo = QComboBox()
        for t in types:
            self.type_combo.addItem(t.name, t.id)
        self.type_combo.addItem(self.tr("Blocked"), BLOCKED)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("e.g. Lunch"))
        self.start_edit, self.end_edit = QTimeEdit(), QTimeEdit()
        for te in (self.start_edit, self.end_edit):
            te.setDisplayFormat(time_edit_format(time_fmt))
        apply_props = QPushButton(self.tr("Apply change"))
        apply_props.clicked.connect(on_apply)
        delete_btn = QPushButton(self.tr("Delete slot"))
        delete_btn.clicked.connect(on_delete)
        self.form.addRow(self.tr("Type"), self.type_combo)
        self.form.addRow(self.tr("Reason"), self.reason_edit)
        self.form.addRow(self.tr("Start"), self.start_edit)
        self.form.addRow(self.tr("End"), self.end_edit)
        self.form.addRow(apply_props)
        self.form.addRow(delete_btn)
        self.setEnabled(False)

    def show_slot(self, slot: SlotSpec | None) -> None:
        self.setEnabled(slot is not None)
        self.setTitle(self.tr("Selected slot") if slot is not None else self.tr("No slot selected"))
        self.no_selection.setVisible(slot is None)
        for row in range(1, self.form.rowCount()):  # the fields, hidden while they would show nothing
            self.form.setRowVisible(row, slot is not None)
        if slot is None:
            return
        index = self.type_combo.findData(BLOCKED if slot.blocked else slot.type_id)
        self.type_combo.setCurrentIndex(max(0, index))
        self.reason_edit.setText(slot.reason)
        self.start_edit.setTime(QTime(slot.start // 60, slot.start % 60))
        self.end_edit.setTime(QTime(slot.end // 60 % 24, slot.end % 60))

    def edited(self, before: SlotSpec) -> SlotSpec:
        """``before`` as the fields now describe it (an end at 00:00 is midnight)."""
        kind = self.type_combo.currentData()
        start = self.start_edit.time().hour() * 60 + self.start_edit.time().minute()
        end = self.end_edit.time().hour() * 60 + self.end_edit.time().minute()
        return replace(
            before,
            start=start,
            end=24 * 60 if end == 0 else end,
            blocked=kind == BLOCKED,
            type_id=None if kind == BLOCKED else int(kind),
            reason=(self.reason_edit.text().strip() or "Blocked") if kind == BLOCKED else "",
        )


class VersionHistory(QGroupBox):
    """A template's saved versions, newest first; one can be restored as the newest."""

    def __init__(self, on_restore: Callable[[int], object], parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("VersionHistory", "Version history"), parent)
        self.list = QListWidget()
        # Each version's line wraps in the narrow side panel instead of scrolling sideways.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        empty_state(self.list, self.tr("Select a template to see its saved versions."))
        restore = QPushButton(self.tr("Restore as newest"))
        restore.clicked.connect(lambda: self._restore(on_restore))
        self.list.setAccessibleDescription(self.tr("The template's saved versions, newest first"))
        restore.setAccessibleDescription(self.tr("Make the selected version the newest again"))
        box = QVBoxLayout(self)
        box.addWidget(self.list, 1)
        box.addWidget(restore)

    def show_versions(self, versions: Sequence[VersionRow]) -> None:
        self.list.clear()
        for v in versions:
            self.list.addItem(
                self.tr("v{number} · {created_by} · {created_text}\n{note} · {slot_count} slots").format(
                    number=v.number,
                    created_by=v.created_by,
                    created_text=v.created_text,
                    note=language.say(v.note),
                    slot_count=v.slot_count,
                )
            )
            self.list.item(self.list.count() - 1).setData(Qt.ItemDataRole.UserRole, v.number)

    def _restore(self, on_restore: Callable[[int], object]) -> None:
        item = self.list.currentItem()
        if item is not None:
            on_restore(int(item.data(Qt.ItemDataRole.UserRole)))
