"""One Administration tab: a table of records beside a form that edits the selected one.

Errors are shown inline under the field they name; a refusal that is not about one field (an
archive refused because of future appointments) is shown under the form, with the appointments
listed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.administration import AdminInvalid, ArchiveRefused
from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import hint
from orca_desk.ui.rows_table import RowsModel, selected, table

T = TypeVar("T")


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.hide()
    return label


class EditorTab(QWidget, Generic[T]):
    """Subclasses give the columns, the form fields, how a row fills the form and how the form
    is saved; this class does selection, the empty state, inline errors and archiving."""

    sig_saved = Signal(str)  # a status message; the screen reloads
    archivable = True

    def __init__(
        self,
        ctx: AppContext,
        *,
        columns: Sequence[tuple[str, Callable[[T], object]]],
        stretch: int,
        empty_text: str,
        new_text: str,
        title: str,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.editable = True
        self.all_rows: list[T] = []
        self.model: RowsModel[T] = RowsModel(columns, cell_tooltips=True)
        self.view = table(self.model, stretch)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._on_selected())
        self.empty = hint(empty_text)
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.show_archived = QCheckBox(self.tr("Show archived"))
        self.show_archived.toggled.connect(lambda _c: self._show_rows())
        self.new_button = QPushButton(new_text)
        self.new_button.clicked.connect(self.start_new)

        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addStretch(1)
        top.addWidget(self.show_archived)
        left.addLayout(top)
        left.addWidget(self.empty)
        left.addWidget(self.view, 1)

        self.form_box = QGroupBox(title)
        self.form = QFormLayout()
        self.field_errors: dict[str, QLabel] = {}
        self.general_error = error_label()
        self.general_error.setObjectName("errorLabel")
        self.conflicts = QListWidget()
        self.conflicts.setObjectName("conflictList")
        self.conflicts.setMaximumHeight(120)
        self.conflicts.hide()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.archive_button = QPushButton(self.tr("Archive"))
        self.archive_button.clicked.connect(self.toggle_archived)
        self.archive_button.setVisible(self.archivable)
        for w, text in (
            (self.view, self.tr("Select a row to edit it in the form beside the list")),
            (self.show_archived, self.tr("List archived records too, to bring one back")),
            (self.new_button, self.tr("Empty the form to add a new record")),
            (self.save_button, self.tr("Save the form")),
            (self.archive_button, self.tr("Archive the selected record, or bring an archived one back")),
        ):
            w.setAccessibleDescription(text)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.archive_button)
        self.buttons.addWidget(self.save_button)
        box = QVBoxLayout(self.form_box)
        box.addLayout(self.form)
        box.addWidget(self.general_error)
        box.addWidget(self.conflicts)
        box.addStretch(1)
        box.addLayout(self.buttons)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 8, 0, 0)
        row.addLayout(left, 3)
        row.addWidget(self.form_box, 2)
        self.current: T | None = None
        self.saved_id: int | None = None  # the record just saved, selected again after the reload
        self._loaded = False
        self._shown = False
        self._pending: Sequence[T] | None = None

    # ----- building the form --------------------------------------------------------------
    def add_field(
        self, key: str, label: str, widget: QWidget | Any, note: str = "", *, describe: str = ""
    ) -> None:
        """A form row; its inline error (hidden until the service names ``key``) sits under it.
        ``describe`` (else ``note``) is what a screen reader says the field is for."""
        self.form.addRow(label, widget)
        if isinstance(widget, QWidget) and (describe or note):
            widget.setAccessibleDescription(describe or note)
        QWidget.setTabOrder(widget, self.archive_button)  # Tab: the fields, then the buttons under them
        QWidget.setTabOrder(self.archive_button, self.save_button)
        if note:
            self.form.addRow("", hint(note))
        err = error_label()
        err.setObjectName("errorLabel")
        self.form.addRow("", err)
        self.field_errors[key] = err

    # ----- what subclasses give -----------------------------------------------------------
    def is_active(self, row: T) -> bool:
        return bool(getattr(row, "is_active", True))

    def fill(self, row: T | None) -> None:
        """Show ``row`` in the form (None: an empty form for a new record)."""
        raise NotImplementedError

    def write(self, session: Any) -> str:
        """Save the form through the service; returns the status message."""
        raise NotImplementedError

    def write_active(self, session: Any, row: T, active: bool) -> str:
        raise NotImplementedError

    # ----- behaviour ----------------------------------------------------------------------
    def set_rows(self, rows: Sequence[T]) -> None:
        """New rows (after a save, or another desk's change): the record in the form stays selected
        without refilling it, so a shown one-time password, an error or unsaved typing survive."""
        if self.defer(rows):
            return
        keep = self.saved_id if self.saved_id is not None else getattr(self.current, "id", None)
        self.saved_id = None
        first, self._loaded = not self._loaded, True
        self.all_rows = list(rows)
        self._show_rows()
        match = next((i for i, r in enumerate(self.model.rows) if getattr(r, "id", None) == keep), None)
        if match is None and first and self.model.rows:
            match = 0  # first shown: the first record, not an empty form
        if match is not None:
            self.view.selectRow(match)
        elif self.current is not None:
            self.start_new()  # its record is gone from the list (archived)

    def defer(self, rows: Sequence[T]) -> bool:
        """A tab never shown keeps its rows until it is: filling and sizing the tables of the
        hidden tabs was most of the time the screen took to open."""
        if self._shown or self.isVisible():
            return False
        self._pending = rows
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            if self._pending is not None:
                rows, self._pending = self._pending, None
                self.set_rows(rows)

    def _show_rows(self) -> None:
        rows = [r for r in self.all_rows if self.show_archived.isChecked() or self.is_active(r)]
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.view.setVisible(bool(rows))

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for w in (self.new_button, self.save_button, self.archive_button):
            w.setVisible(editable and (w is not self.archive_button or self.archivable))
        for i in range(self.form.rowCount()):
            item = self.form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if widget is not None and widget.objectName() not in ("errorLabel", "hint"):
                widget.setEnabled(editable)
        self._update_buttons()

    def start_new(self) -> None:
        self.view.clearSelection()
        self.current = None
        self.clear_errors()
        self.fill(None)
        self._update_buttons()

    def _on_selected(self) -> None:
        row = selected(self.view, self.model)
        if row is None:
            return
        same = self.current is not None and getattr(self.current, "id", None) == getattr(row, "id", None)
        self.current = row
        if same:  # reloaded, not a new choice: keep the form as it is
            self._update_buttons()
            return
        self.clear_errors()
        self.fill(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.current
        self.archive_button.setEnabled(row is not None)
        self.archive_button.setText(
            self.tr("Restore") if row is not None and not self.is_active(row) else self.tr("Archive")
        )

    def clear_errors(self) -> None:
        for label in (*self.field_errors.values(), self.general_error):
            label.clear()
            label.hide()
        self.conflicts.clear()
        self.conflicts.hide()

    def show_error(self, error: OrcaError) -> None:
        self.saved_id = None
        self.clear_errors()
        if isinstance(error, AdminInvalid):
            shown = False
            for key, message in error.problems.items():
                label = self.field_errors.get(key)
                if label is not None:
                    label.setText(message[:1].upper() + message[1:])
                    label.show()
                    shown = True
            if shown:
                return
        elif isinstance(error, ValidationError) and error.field in self.field_errors:
            label = self.field_errors[error.field]
            label.setText(language.say(str(error)))
            label.show()
            return
        self.general_error.setText(language.say(str(error)))
        self.general_error.show()
        if isinstance(error, ArchiveRefused):
            self.general_error.setText(
                self.tr("Not archived: {n} future appointment(s) need it. Move or cancel them first:").format(
                    n=len(error.appointments)
                )
            )
            for appt in error.appointments:
                self.conflicts.addItem(str(appt))
            self.conflicts.show()

    def _run(self, action: Callable[[Any], str]) -> bool:
        messages: list[str] = []
        # The screen hears the changes and reloads the rows before the write returns.
        if not self.ctx.ops.write(action, parent=self, on_done=messages.append, on_refused=self.show_error):
            return False
        self.clear_errors()
        self.sig_saved.emit(messages[0])
        if self.current is not None:
            self.fill(self.current)  # as saved (a phone in E.164, a colour in lower case)
        return True

    def save(self) -> None:
        self._run(self.write)

    def toggle_archived(self) -> None:
        row = self.current
        if row is None:
            return
        self._run(lambda s: self.write_active(s, row, not self.is_active(row)))
