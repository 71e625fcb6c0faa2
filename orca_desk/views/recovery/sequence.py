"""The Recovery screen's Sequence tab: a manager edits the follow-up after a missed visit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.importing.values import parse_time
from orca_desk.services.links.patient_links import public_base_url
from orca_desk.services.messaging.message_templates import TemplateCheck
from orca_desk.services.recovery.rows import (
    ACTION_LABELS,
    CAUSE_LABELS,
    DAY,
    RECOVERY_TEMPLATE,
    SequenceSettings,
    StepInput,
    step_label,
)
from orca_desk.ui import language
from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.sms_counter import segment_summary

Index = QModelIndex | QPersistentModelIndex
COL_DAYS, COL_HOURS, COL_ACTION, COL_TEMPLATE, COL_LATEST, COL_DESCRIPTION = range(6)
HEADERS = (
    QT_TRANSLATE_NOOP("StepsModel", "Days after"),
    QT_TRANSLATE_NOOP("StepsModel", "+ hours"),
    QT_TRANSLATE_NOOP("StepsModel", "Action"),
    QT_TRANSLATE_NOOP("StepsModel", "Message template"),
    QT_TRANSLATE_NOOP("StepsModel", "Not after"),
    QT_TRANSLATE_NOOP("StepsModel", "Description"),
)
ACTIONS = tuple(ACTION_LABELS)  # sms, email, call
NEW_STEP = StepInput("email", 7 * DAY)


def split_delay(minutes: int) -> tuple[int, int]:
    """(days, remaining minutes), both carrying the sign of a negative delay."""
    days = int(minutes / DAY)
    return days, minutes - days * DAY


def parse_latest(text: str) -> int | None:
    """ "9:00 PM" or "21:00" → 1260; "" → None; raises ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():  # "21" or "9": an hour
        hour = int(text)
        if hour > 23:
            raise ValueError(text)
        return hour * 60
    at = parse_time(text)
    return at.hour * 60 + at.minute


def latest_text(minute: int | None, style: str = "12h") -> str:
    return "" if minute is None else local_time.fmt_minute(minute, style)


class StepsModel(QAbstractTableModel):
    """The draft steps, one row each; the description follows the other columns."""

    changed = Signal()

    def __init__(self, time_style: str = "12h") -> None:
        super().__init__()
        self.steps: list[StepInput] = []
        self.time_style = time_style

    def set_steps(self, steps: list[StepInput]) -> None:
        self.beginResetModel()
        self.steps = list(steps)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.steps)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.tr(str(HEADERS[section]))
        return self.tr("Step {n}").format(n=section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid() or index.column() == COL_DESCRIPTION:
            return base
        if index.column() == COL_TEMPLATE and self.steps[index.row()].action == "call":
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        st = self.steps[index.row()]
        days, rest = split_delay(st.delay_minutes)
        col = index.column()
        if role == Qt.ItemDataRole.EditRole:
            return {
                COL_DAYS: days,
                COL_HOURS: rest // 60 if rest >= 0 else -(-rest // 60),
                COL_ACTION: st.action,
                COL_TEMPLATE: st.template_key,
                COL_LATEST: latest_text(st.latest_local_minute, self.time_style),
            }.get(col)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_DAYS:
                return self.tr("same day") if days == 0 else self.tr("%n day(s)", "", days)
            if col == COL_HOURS:
                return "" if rest == 0 else f"{rest // 60 if rest >= 0 else -(-rest // 60)} h"
            if col == COL_ACTION:
                return language.say(ACTION_LABELS.get(st.action, st.action))
            if col == COL_TEMPLATE:
                if st.action == "call":
                    return self.tr("— (a task on the staff list)")
                own = st.template_key == RECOVERY_TEMPLATE
                return self.tr("recovery (the cause's own)") if own else st.template_key
            if col == COL_LATEST:
                return latest_text(st.latest_local_minute, self.time_style) or "—"
            return self.describe(st, self.time_style)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_LATEST:
            return self.tr(
                "Skip the step once this local time has passed on the day it falls due (e.g. {example})."
            ).format(example=local_time.fmt_minute(21 * 60, self.time_style))
        return None

    def describe(self, st: StepInput, style: str = "12h") -> str:
        if st.action not in ACTION_LABELS:
            return ""
        if st.delay_minutes < 0:
            return self.tr("{action}: the delay cannot be negative").format(
                action=language.say(ACTION_LABELS[st.action])
            )
        label = language.say(step_label(st, style))
        if st.action == "call":
            return self.tr("{label}: a call to rebook on the staff task list").format(label=label)
        if st.template_key == RECOVERY_TEMPLATE:
            return self.tr("{label}: the no-show or late-cancellation message").format(label=label)
        return self.tr("{label}: template {key}").format(label=label, key=st.template_key)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row, col = index.row(), index.column()
        st = self.steps[row]
        days, rest = split_delay(st.delay_minutes)
        try:
            if col == COL_DAYS:
                st = replace(st, delay_minutes=int(value) * DAY + rest)
            elif col == COL_HOURS:
                st = replace(st, delay_minutes=days * DAY + int(value) * 60 + rest % 60)
            elif col == COL_ACTION:
                if value not in ACTIONS:
                    return False
                key = "" if value == "call" else (st.template_key or RECOVERY_TEMPLATE)
                st = replace(st, action=str(value), template_key=key)
            elif col == COL_TEMPLATE:
                st = replace(st, template_key=str(value).strip())
            elif col == COL_LATEST:
                st = replace(st, latest_local_minute=parse_latest(str(value)))
            else:
                return False
        except ValueError:
            return False
        self.steps[row] = st
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        self.changed.emit()
        return True

    # ----- rows -----------------------------------------------------------------------------
    def add(self, after: int) -> int:
        last = self.steps[after] if 0 <= after < len(self.steps) else (self.steps[-1] if self.steps else None)
        at = (after + 1) if 0 <= after < len(self.steps) else len(self.steps)
        st = replace(NEW_STEP, delay_minutes=(last.delay_minutes + 2 * DAY) if last else 0)
        self.beginInsertRows(QModelIndex(), at, at)
        self.steps.insert(at, st)
        self.endInsertRows()
        self.changed.emit()
        return at

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.steps):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.steps[row]
            self.endRemoveRows()
            self.changed.emit()

    def move(self, row: int, by: int) -> int:
        to = row + by
        if not (0 <= row < len(self.steps) and 0 <= to < len(self.steps)):
            return row
        self.beginResetModel()
        self.steps[row], self.steps[to] = self.steps[to], self.steps[row]
        self.endResetModel()
        self.changed.emit()
        return to


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for the action and template columns (templates follow the row's channel)."""

    def __init__(self, editor: SequenceEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if index.column() == COL_ACTION:
            box = QComboBox(parent)
            for key in ACTIONS:
                box.addItem(language.say(ACTION_LABELS[key]), key)
            return box
        if index.column() == COL_TEMPLATE:
            box = QComboBox(parent)
            box.setEditable(True)
            action = self.editor.model.steps[index.row()].action
            box.addItems(self.editor.templates.get(action, []))
            return box
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QSpinBox):
            editor.setRange(-999, 999)  # a negative delay is refused by the service, by name
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            at = editor.findData(value) if index.column() == COL_ACTION else editor.findText(value)
            if at >= 0:
                editor.setCurrentIndex(at)
            elif editor.isEditable():
                editor.setEditText(str(value))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            value = editor.currentData() if index.column() == COL_ACTION else editor.currentText()
            model.setData(index, value, Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class SequenceEditor(QWidget):
    """Steps, the causes that open a case, when a case counts as lost; saved through the service."""

    sig_status = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded, self.dirty, self.name = False, False, ""
        first = ctx.clinic.locations[0].timezone if ctx.clinic.locations else "UTC"
        self.zone = ZoneInfo(first)
        self.templates: dict[str, list[str]] = {}
        self.link_address: str | None = None
        self.model = StepsModel(ctx.time_style())
        self.model.changed.connect(self._on_changed)
        self._build()

    def _build(self) -> None:
        intro = QLabel(
            self.tr(
                "What happens after a missed visit, in order. Each step runs its delay after the case "
                "opened; a booking stops the sequence. Open cases keep their place when you save."
            )
        )
        intro.setWordWrap(True)
        v = QVBoxLayout(self)
        v.addWidget(intro)
        v.addLayout(self._build_options())
        v.addWidget(self._build_table(), 1)
        v.addLayout(self._build_row_buttons())
        self._build_preview()
        v.addWidget(self.message_title)
        v.addWidget(self.message_preview)
        v.addLayout(self._build_bottom())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self.show_message())
        self.model.changed.connect(self.show_message)

    def _build_table(self) -> QTableView:
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(ChoiceDelegate(self))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setDefaultSectionSize(28)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in (
            (COL_DAYS, 90),
            (COL_HOURS, 70),
            (COL_ACTION, 100),
            (COL_TEMPLATE, 240),
            (COL_LATEST, 80),
        ):
            self.view.setColumnWidth(col, width)
        header.setSectionResizeMode(COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.view.setAccessibleName(self.tr("Recovery steps"))
        self.view.setAccessibleDescription(
            self.tr(
                "The steps after a missed visit, in order; edit a cell to change its delay, action or message"
            )
        )
        return self.view

    def _build_row_buttons(self) -> QHBoxLayout:
        self.btn_add = QPushButton(self.tr("Add step"))
        self.btn_remove = QPushButton(self.tr("Remove"))
        self.btn_up = QPushButton(self.tr("Move up"))
        self.btn_down = QPushButton(self.tr("Move down"))
        self.btn_add.clicked.connect(lambda: self.add_step())
        self.btn_remove.clicked.connect(lambda: self.remove_step())
        self.btn_up.clicked.connect(lambda: self.move_step(-1))
        self.btn_down.clicked.connect(lambda: self.move_step(1))
        describe(
            (
                (self.btn_add, self.tr("Add a step after the selected one")),
                (self.btn_remove, self.tr("Remove the selected step from the sequence")),
                (self.btn_up, self.tr("Run the selected step earlier in the sequence")),
                (self.btn_down, self.tr("Run the selected step later in the sequence")),
            )
        )
        rows = QHBoxLayout()
        for b in (self.btn_add, self.btn_remove, self.btn_up, self.btn_down):
            rows.addWidget(b)
        rows.addStretch(1)
        return rows

    def _build_options(self) -> QHBoxLayout:
        self.cause_boxes = {
            kind: QCheckBox(language.say(label.capitalize())) for kind, label in CAUSE_LABELS.items()
        }
        self.lost_after = QSpinBox()
        self.lost_after.setRange(0, 999)
        self.lost_after.setSuffix(self.tr(" days"))
        causes = {
            "no_show": self.tr("On: a visit the patient missed opens a recovery case"),
            "late_cancel": self.tr("On: a visit cancelled too late opens a recovery case"),
        }
        for kind, box in self.cause_boxes.items():
            box.setAccessibleDescription(
                causes.get(kind, self.tr("On: this kind of missed visit opens a case"))
            )
        self.lost_after.setAccessibleDescription(
            self.tr("Days after the last step before an unbooked case counts as lost")
        )
        options = QHBoxLayout()
        options.addWidget(QLabel(self.tr("A case starts after a")))
        for box in self.cause_boxes.values():
            box.toggled.connect(self._on_changed)
            options.addWidget(box)
        options.addSpacing(24)
        options.addWidget(QLabel(self.tr("Lost when not booked")))
        options.addWidget(self.lost_after)
        options.addWidget(QLabel(self.tr("after the last step")))
        options.addStretch(1)
        self.lost_after.valueChanged.connect(self._on_changed)
        return options

    def _build_bottom(self) -> QVBoxLayout:
        """The refusal above Revert / Save, and when the sequence was last saved."""
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b71c1c; padding: 4px 0;")
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved_text = QLabel("")
        self.saved_text.setStyleSheet("color: palette(mid);")
        self.btn_revert = QPushButton(self.tr("Revert"))
        self.btn_save = QPushButton(self.tr("Save sequence"))
        self.btn_save.setDefault(True)
        self.btn_revert.setAccessibleDescription(self.tr("Drop unsaved changes and show the saved sequence"))
        self.btn_save.setAccessibleDescription(self.tr("Save the steps and options for new and open cases"))
        self.btn_revert.clicked.connect(lambda: self.load())
        self.btn_save.clicked.connect(lambda: self.save())
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_text, 1)
        bottom.addWidget(self.btn_revert)
        bottom.addWidget(self.btn_save)
        outer = QVBoxLayout()
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.problems)
        outer.addLayout(bottom)
        return outer

    def _build_preview(self) -> None:
        # The selected step's message with sample values and, for a text, its count (the
        # wording itself is edited in Settings → Message templates).
        self.message_title = QLabel(self.tr("Message"))
        self.message_title.setObjectName("sectionTitle")
        self.message_preview = QLabel(self.tr("Select a step to see its message."))
        self.message_preview.setObjectName("recoveryMessagePreview")
        self.message_preview.setWordWrap(True)
        self.message_preview.setTextFormat(Qt.TextFormat.RichText)
        self.message_preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_preview.setStyleSheet(
            "QLabel#recoveryMessagePreview { background: #f5f7fa; "
            "border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; }"
        )

    # ----- loading and saving ---------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.load()

    def load(self) -> None:
        from orca_desk.services.recovery.sequences import load_sequence, template_keys

        clinic_id = self.ctx.clinic.id
        self.ctx.ops.read(
            lambda s: (
                load_sequence(s, clinic_id),
                {a: template_keys(s, clinic_id, a) for a in ACTIONS},
                public_base_url(s),
            ),
            parent=self,
            on_done=self._show,
            background=False,
        )

    def _show(self, loaded: tuple[SequenceSettings, dict[str, list[str]], str]) -> None:
        shown, self.templates, self.link_address = loaded
        self.name = shown.name
        self.model.set_steps(list(shown.steps))
        for kind, box in self.cause_boxes.items():
            box.blockSignals(True)
            box.setChecked(kind in shown.cause_kinds)
            box.blockSignals(False)
        self.lost_after.blockSignals(True)
        self.lost_after.setValue(shown.lost_after_days)
        self.lost_after.blockSignals(False)
        self.problems.setText("")
        self.problems.hide()
        self.saved_text.setText(
            self.tr("Last saved {value}").format(
                value=local_time.fmt_datetime(shown.updated_at, self.zone, self.ctx.time_style())
            )
            if shown.saved and shown.updated_at
            else self.tr("The default sequence (never changed).")
        )
        self.loaded, self.dirty = True, False
        self.btn_save.setEnabled(True)
        self.show_message()

    def _on_changed(self, *_args: object) -> None:
        self.dirty = True
        self.saved_text.setText(self.tr("Unsaved changes."))

    def cause_kinds(self) -> tuple[str, ...]:
        return tuple(k for k, box in self.cause_boxes.items() if box.isChecked())

    def save(self) -> bool:
        from orca_desk.services.recovery.sequences import save_sequence

        clinic_id, steps, now = self.ctx.clinic.id, list(self.model.steps), self.ctx.clock.now()
        name, causes, lost_after = self.name, self.cause_kinds(), self.lost_after.value()
        return self.ctx.ops.write(
            lambda s: save_sequence(
                s,
                self.ctx.actor,
                clinic_id,
                steps,
                now=now,
                name=name,
                cause_kinds=causes,
                lost_after_days=lost_after,
            ),
            parent=self,
            title=self.tr("Recovery sequence"),
            on_done=self._saved,
            on_error=self._refused,
        )

    def _saved(self, _result: object) -> None:
        self.load()
        self.sig_status.emit(self.tr("Recovery sequence saved"))

    def _refused(self, message: str) -> None:
        self.problems.setText(self.tr("Not saved. ") + message)
        self.problems.show()

    def show_message(self) -> str:
        """Show the selected step's message(s) with sample values; SMS with characters and segments."""
        row = self.current_row()
        if not 0 <= row < len(self.model.steps):
            text = self.tr("Select a step to see its message.")
        else:
            text = self._message_html(self.model.steps[row])
        self.message_preview.setText(text)
        return text

    def _message_html(self, st: StepInput) -> str:
        if st.action not in ("sms", "email"):
            return "A staff call: no message is sent."
        from orca_desk.services.recovery.sequences import step_messages

        clinic_id, base_url = self.ctx.clinic.id, self.link_address
        checked: list[tuple[str, TemplateCheck | None]] = []
        self.ctx.ops.read(
            lambda s: step_messages(s, clinic_id, st, base_url=base_url),
            parent=self,
            on_done=checked.extend,
            background=False,
        )
        parts = []
        for key, check in checked:
            if check is None:
                parts.append(
                    self.tr("<b>{key}</b> — there is no {action} template with this key.").format(
                        key=_html(key), action=language.say(ACTION_LABELS[st.action])
                    )
                )
                continue
            if check.segments is not None:
                head = f"<b>{_html(key)}</b> — {segment_summary(check.segments)}"
            else:
                head = self.tr("<b>{key}</b> — subject: {subject}").format(
                    key=_html(key), subject=_html(check.subject_preview)
                )
            parts.append(f"{head}<br>{_html(check.preview) or self.tr('<i>(cannot render)</i>')}")
        return "<br><br>".join(parts)

    # ----- rows -----------------------------------------------------------------------------
    def current_row(self) -> int:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def add_step(self) -> None:
        self.view.selectRow(self.model.add(self.current_row()))

    def remove_step(self) -> None:
        row = self.current_row()
        self.model.remove(row)
        if self.model.steps:
            self.view.selectRow(min(row, len(self.model.steps) - 1))

    def move_step(self, by: int) -> None:
        self.view.selectRow(self.model.move(self.current_row(), by))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
