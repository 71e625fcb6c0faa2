"""Open a series from any occurrence: its summary and dates; change or cancel this, following or all."""

from __future__ import annotations

from datetime import time
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.series import (
    ChangePlan,
    ChangeRow,
    Scope,
    SeriesChange,
    SeriesDetail,
    SeriesOccurrenceRow,
    cancel_series,
    load_series,
    modify_series,
    preview_series_change,
)
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import time_edit_format
from orca_desk.ui.rows_table import RowsModel
from orca_desk.views.calendar.recurrence_preview import when_text

STATE_COLOURS = {
    "booked": "#1f2937",
    "moved": "#6b46c1",
    "removed": "#6b7280",
    "cancelled": "#b3261e",
    "later": "#6b7280",
    "not booked": "#b7791f",
}


class OccurrenceModel(QAbstractTableModel):
    HEADERS = (
        QT_TRANSLATE_NOOP("OccurrenceModel", "Date"),
        QT_TRANSLATE_NOOP("OccurrenceModel", "Time"),
        QT_TRANSLATE_NOOP("OccurrenceModel", "Now at"),
        QT_TRANSLATE_NOOP("OccurrenceModel", "State"),
    )

    def __init__(self, parent: QWidget | None = None, style: str = "12h") -> None:
        super().__init__(parent)
        self.rows: list[SeriesOccurrenceRow] = []
        self.time_fmt = style  # the clinic's time format

    def set_rows(self, rows: tuple[SeriesOccurrenceRow, ...]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("OccurrenceModel", str(self.HEADERS[section]))
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return when_text(r.original_start)
            if index.column() == 1:
                return local_time.fmt_wall(r.original_start, self.time_fmt)
            if index.column() == 2:
                if r.start is None:
                    return ""
                same_day = r.start.date() == r.original_start.date()
                clock = local_time.fmt_wall(r.start, self.time_fmt)
                return clock if same_day else f"{when_text(r.start)} {clock}"
            return r.state
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3:
            return QColor(STATE_COLOURS.get(r.state, "#1f2937"))
        return None


def _slot(start: Any, end: Any, where: str, original: Any, style: str) -> str:
    """Where an occurrence is (or would be): its time, with the date when it left its own day."""
    if start is None:
        return "—"
    day = "" if start.date() == original.date() else f"{when_text(start)} "
    return f"{day}{local_time.fmt_wall(start, style)}–{local_time.fmt_wall(end, style)} · {where}"


def change_model(style: str = "12h") -> RowsModel[ChangeRow]:
    """What a change would do, one occurrence a row: where it is now and where it would be."""
    return RowsModel(
        [
            (QCoreApplication.translate("series_dialog", "Date"), lambda r: when_text(r.original)),
            (
                QCoreApplication.translate("series_dialog", "Now"),
                lambda r: _slot(r.before_start, r.before_end, r.before_where, r.original, style),
            ),
            (
                QCoreApplication.translate("series_dialog", "After the change"),
                lambda r: _slot(r.after_start, r.after_end, r.after_where, r.original, style),
            ),
            ("", lambda r: {"changed": "changes", "booked": "booked", "cancelled": "cancelled"}[r.kind]),
        ]
    )


class SeriesDialog(QDialog):
    """Shows a series; every change names its scope: this occurrence, this and following, or all."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        series_id: int,
        appointment_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.series_id = series_id
        self.appointment_id = appointment_id
        self.changed = False
        self.detail: SeriesDetail | None = None
        self.plan: ChangePlan | None = None
        self.setWindowTitle(self.tr("Series"))
        self.setMinimumSize(640, 600)
        self.title = QLabel()
        self.title.setProperty("textRole", "headline")
        self.info = QLabel()
        self.info.setObjectName("hint")
        self.info.setWordWrap(True)
        self.time_fmt = ctx.time_style()
        self.model = OccurrenceModel(self, self.time_fmt)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        box = self._build_change_box()
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(box)
        layout.addWidget(self.error)
        layout.addWidget(close)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.reload()

    def _build_change_box(self) -> QGroupBox:
        """Change or cancel, in the scope chosen: this occurrence, this and following, or all."""
        self.scope_this = QRadioButton(self.tr("This occurrence"))
        self.scope_following = QRadioButton(self.tr("This and following"))
        self.scope_all = QRadioButton(self.tr("All future occurrences"))
        self.scope_this.setChecked(True)
        scopes = QHBoxLayout()
        for b in (self.scope_this, self.scope_following, self.scope_all):
            scopes.addWidget(b)
        scopes.addStretch(1)
        change_form = self._build_change_form()
        self.apply_button = QPushButton(self.tr("Apply change"))
        self.apply_button.clicked.connect(lambda: self.apply_change(confirm=True))
        self.preview_button = QPushButton(self.tr("Preview change"))
        self.preview_button.clicked.connect(lambda: self.preview_change())
        self.change_summary = QLabel()
        self.change_summary.setObjectName("hint")
        self.change_summary.setWordWrap(True)
        self.change_model = change_model(self.time_fmt)
        self.change_table = QTableView()
        self.change_table.setModel(self.change_model)
        self.change_table.verticalHeader().setVisible(False)
        self.change_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.change_table.horizontalHeader().setStretchLastSection(True)
        self.change_table.setMaximumHeight(160)
        self.change_table.hide()
        self._build_cancel_fields()
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.preview_button)
        buttons_row.addWidget(self.apply_button)
        buttons_row.addStretch(1)
        buttons_row.addWidget(QLabel(self.tr("Reason")))
        buttons_row.addWidget(self.cancel_reason)
        buttons_row.addWidget(self.cancel_button)
        box = QGroupBox(self.tr("Change or cancel"))
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(scopes)
        box_layout.addLayout(change_form)
        box_layout.addLayout(buttons_row)
        box_layout.addWidget(self.change_summary)
        box_layout.addWidget(self.change_table)
        return box

    def _build_change_form(self) -> QFormLayout:
        self.time_edit = QTimeEdit()
        self.time_edit.setDisplayFormat(time_edit_format(self.time_fmt))
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(self.tr(" min"))
        self.provider = QComboBox()
        for p in self.ctx.clinic.providers:
            self.provider.addItem(p.name, p.id)
        self.chair = QComboBox()
        change_form = QFormLayout()
        change_form.addRow(self.tr("Time"), self.time_edit)
        change_form.addRow(self.tr("Length"), self.minutes)
        change_form.addRow(self.tr("Provider"), self.provider)
        change_form.addRow(self.tr("Chair"), self.chair)
        return change_form

    def _build_cancel_fields(self) -> None:
        self.cancel_reason = QComboBox()
        self.cancel_reason.setEditable(True)
        self.cancel_reason.addItems(
            [
                self.tr("treatment plan changed"),
                self.tr("moving away"),
                self.tr("sick"),
                self.tr("school event"),
                self.tr("rescheduled by clinic"),
                self.tr("other"),
            ]
        )
        self.cancel_button = QPushButton(self.tr("Cancel occurrences…"))
        self.cancel_button.setObjectName("dangerButton")
        self.cancel_button.clicked.connect(lambda: self.cancel_occurrences())

    def reload(self) -> None:
        series_id = self.series_id
        got: list[SeriesDetail] = []
        self.ctx.ops.read(
            lambda session: load_series(session, series_id),
            parent=self,
            on_done=got.append,
            on_error=self.error.setText,
            background=False,
        )
        if not got:
            return
        self.detail = d = got[0]
        self.title.setText(f"↻ {d.summary}")
        family = []
        if d.parent_id:
            family.append(f"continues series #{d.parent_id}")
        if d.child_ids:
            family.append("continued by " + ", ".join(f"#{c}" for c in d.child_ids))
        self.info.setText(
            self.tr(
                "Series #{id} · {patient_name} · {type_name} · {minutes} min · "
                "{provider_name} · {chair_name} · {status}"
            ).format(
                id=d.id,
                patient_name=d.patient_name,
                type_name=d.type_name,
                minutes=d.minutes,
                provider_name=d.provider_name,
                chair_name=d.chair_name,
                status=d.status,
            )
            + (f" · {'; '.join(family)}" if family else "")
            + self.tr("<br>RRULE:{rrule}").format(rrule=d.rrule)
        )
        self.model.set_rows(d.occurrences)
        self.chair.clear()
        location = next((c.location_id for c in self.ctx.clinic.chairs if c.id == d.chair_id), None)
        for c in self.ctx.clinic.chairs:
            if c.location_id == location:
                self.chair.addItem(c.name, c.id)
        self.chair.setCurrentIndex(max(self.chair.findData(d.chair_id), 0))
        self.provider.setCurrentIndex(max(self.provider.findData(d.provider_id), 0))
        self.minutes.setValue(d.minutes)
        self.time_edit.setTime(QTime(d.dtstart.hour, d.dtstart.minute))
        row = next((i for i, r in enumerate(d.occurrences) if r.appointment_id == self.appointment_id), None)
        if row is None:
            row = next(
                (
                    i
                    for i, r in enumerate(d.occurrences)
                    if r.appointment_id is not None and r.state in ("booked", "moved")
                ),
                0,
            )
        if d.occurrences:
            self.table.selectRow(row)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            r = self.model.rows[current.row()]
            if r.appointment_id is not None:
                self.appointment_id = r.appointment_id

    def scope(self) -> Scope:
        if self.scope_following.isChecked():
            return "following"
        return "all" if self.scope_all.isChecked() else "this"

    def _target(self) -> int | None:
        if self.appointment_id is None:
            self.error.setText(self.tr("Choose a booked occurrence in the list first."))
        return self.appointment_id

    def change(self) -> SeriesChange:
        d = self.detail
        assert d is not None
        t = self.time_edit.time()
        new_time = time(t.hour(), t.minute())
        return SeriesChange(
            start_time=new_time if new_time != time(d.dtstart.hour, d.dtstart.minute) else None,
            minutes=self.minutes.value() if self.minutes.value() != d.minutes else None,
            provider_id=int(self.provider.currentData())
            if self.provider.currentData() != d.provider_id
            else None,
            chair_id=int(self.chair.currentData()) if self.chair.currentData() != d.chair_id else None,
        )

    def _scoped_change(self) -> SeriesChange:
        change = self.change()
        if self.scope() == "this" and change.start_time is None:
            # "This occurrence" keeps its own time unless a new one is typed.
            change = SeriesChange(
                minutes=change.minutes, provider_id=change.provider_id, chair_id=change.chair_id
            )
        return change

    def preview_change(self) -> ChangePlan | None:
        """Show, occurrence by occurrence across the whole series, what "Apply change" would do."""
        target = self._target()
        if target is None:
            return None
        scope, change, now = self.scope(), self._scoped_change(), self.ctx.clock.now()
        plans: list[ChangePlan] = []
        # A read: the preview makes the change in a savepoint it rolls back, so no screen reloads.
        self.ctx.ops.read(
            lambda session: preview_series_change(
                session, self.ctx.actor, target, scope=scope, change=change, now=now
            ),
            parent=self,
            on_done=plans.append,
            on_error=self.error.setText,
            background=False,
        )
        if not plans:
            return None
        self.plan = plans[0]
        self.change_summary.setText(self._plan_text(self.plan))
        self.change_model.set_rows(self.plan.rows)
        self.change_table.setVisible(bool(self.plan.rows))
        return self.plan

    def _plan_text(self, plan: ChangePlan) -> str:
        """What a change does, counted in the desk's language ("6 occurrences change")."""
        if plan.error is not None:
            return language.say(plan.error)
        counts = plan.counts
        parts = [
            text
            for n, text in (
                (counts["changed"], self.tr("%n occurrence(s) change", "", counts["changed"])),
                (counts["booked"], self.tr("%n occurrence(s) booked", "", counts["booked"])),
                (counts["cancelled"], self.tr("%n occurrence(s) cancelled", "", counts["cancelled"])),
            )
            if n
        ]
        return ", ".join(parts) if parts else self.tr("Nothing changes.")

    def apply_change(self, *, confirm: bool = False) -> bool:
        target = self._target()
        if target is None:
            return False
        change = self._scoped_change()
        if confirm and self.scope() != "this":
            plan = self.preview_change()
            if plan is None or plan.error is not None:
                return False
            if (
                QMessageBox.question(
                    self,
                    self.tr("Apply change"),
                    self.tr("{summary}. Apply the change?").format(summary=self._plan_text(plan)),
                )
                != QMessageBox.StandardButton.Yes
            ):
                return False
        scope, now = self.scope(), self.ctx.clock.now()
        done: list[int] = []
        if not self.ctx.ops.write(
            lambda session: modify_series(
                session, self.ctx.actor, target, scope=scope, change=change, now=now
            ),
            parent=self,
            on_done=done.append,
            on_error=self.error.setText,
            title=self.tr("Series not changed"),
        ):
            return False
        self.series_id = done[0]
        self.changed = True
        self.error.setText("")
        self.change_summary.setText("")
        self.change_model.set_rows(())
        self.change_table.hide()
        self.reload()
        return True

    def cancel_occurrences(self, *, confirm: bool = True) -> bool:
        target = self._target()
        if target is None:
            return False
        labels = {
            "this": "this occurrence",
            "following": "this and every following occurrence",
            "all": "every future occurrence of the series",
        }
        if (
            confirm
            and QMessageBox.question(
                self, self.tr("Cancel"), self.tr("Cancel {value}?").format(value=labels[self.scope()])
            )
            != QMessageBox.StandardButton.Yes
        ):
            return False
        scope, reason, now = self.scope(), self.cancel_reason.currentText(), self.ctx.clock.now()
        done: list[int] = []
        if not self.ctx.ops.write(
            lambda session: cancel_series(
                session, self.ctx.actor, target, scope=scope, reason=reason, now=now
            ),
            parent=self,
            on_done=done.append,
            on_error=self.error.setText,
            title=self.tr("Not cancelled"),
        ):
            return False
        n = done[0]
        self.changed = True
        self.error.setText(self.tr("Cancelled %n appointment(s).", "", n))
        self.reload()
        return True
