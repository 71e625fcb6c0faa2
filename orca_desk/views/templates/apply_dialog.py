"""Apply a template: dates, weekdays, providers, chairs; dry-run preview; apply or replace with progress."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta
from html import escape
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.schedule_templates import TemplateRow
from orca_desk.services.template_engine.plans import ApplicationPlan, ApplicationRow, ApplyParams, ApplyResult
from orca_desk.services.template_engine.reading import list_applications
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import DAY_MONTH, MEDIUM, SHORT, date_format, fmt_day, weekday_name

MAX_PREVIEW_ROWS = 400


class _ApplySignals(QObject):
    sig_progress = Signal(int, int)
    """Days done, days in all (from the worker thread; delivered on the UI thread)."""


class ApplyDialog(QDialog):
    """Choose where and when, preview (dry run), then apply with a progress dialog and Cancel."""

    sig_applied = Signal(object)
    """An application finished (the ApplyResult), cancelled or not."""

    def __init__(self, ctx: AppContext, template: TemplateRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.template = ctx, template
        self.setWindowTitle(
            self.tr("Apply {name} v{version}").format(name=template.name, version=template.version)
        )
        self.resize(760, 620)
        self.plan: ApplicationPlan | None = None
        self.apply_result: ApplyResult | None = None
        self.error: str | None = None
        self._cancel = threading.Event()
        self._signals: _ApplySignals | None = None
        self.progress: QProgressDialog | None = None
        form = self._build_form()
        self._build_preview()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_btn)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        for w in (self.from_edit, self.to_edit):
            w.dateChanged.connect(self._invalidate)
        for box in self.weekday_boxes:
            box.toggled.connect(self._invalidate)
        self.providers.itemChanged.connect(self._invalidate)
        self.chairs.itemChanged.connect(self._invalidate)

    # ----- building ----------------------------------------------------------------------
    def _build_form(self) -> QFormLayout:
        today = self.ctx.clock.now().astimezone(self.ctx.clinic.locations[0].zone).date()
        first = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
        self.from_edit, self.to_edit = QDateEdit(), QDateEdit()
        for edit, day in ((self.from_edit, first), (self.to_edit, first + timedelta(days=27))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_format(MEDIUM))
            edit.setDate(QDate(day.year, day.month, day.day))
        self.weekday_boxes = [QCheckBox(weekday_name(d)) for d in range(7)]
        for i, box in enumerate(self.weekday_boxes):
            box.setChecked(i < 5)
        days_row = QHBoxLayout()
        for box in self.weekday_boxes:
            days_row.addWidget(box)
        days_row.addStretch(1)
        clinic = self.ctx.clinic
        self.providers = _checklist([(p.name, p.id) for p in clinic.providers])
        self.providers.setMaximumHeight(120)
        self.chairs = _checklist(
            [(f"{c.name} ({clinic.location(c.location_id).name})", c.id) for c in clinic.chairs]
        )
        self.chairs.setMaximumHeight(90)
        self.chairs.setToolTip(
            self.tr(
                "Optional for one provider with usual chairs (Administration → Providers); "
                "else the template's chairs, in the order of its lanes"
            )
        )
        form = QFormLayout()
        form.addRow(self.tr("From"), self.from_edit)
        form.addRow(self.tr("To"), self.to_edit)
        form.addRow(self.tr("Weekdays"), days_row)
        form.addRow(self.tr("Providers"), self.providers)
        form.addRow(self.tr("Chairs"), self.chairs)
        form.addRow(self.tr("Replace"), self._build_replace_combo())
        return form

    def _build_replace_combo(self) -> QComboBox:
        """The template's applications still in force, any of which this one may replace."""
        self.replace_combo = QComboBox()
        self.replace_combo.addItem(self.tr("— apply as a new application —"), None)
        applications: list[ApplicationRow] = []
        self.ctx.ops.read(
            lambda s: list_applications(s, template_id=self.template.id),
            parent=self,
            on_done=applications.extend,
            background=False,
        )
        for a in applications:
            if a.replaced_by is None:
                self.replace_combo.addItem(
                    self.tr(
                        "Replace #{id}: v{version_number}, {start_day} – {end_day}, {open_count} open"
                    ).format(
                        id=a.id,
                        version_number=a.version_number,
                        start_day=fmt_day(a.start_day, DAY_MONTH),
                        end_day=fmt_day(a.end_day, SHORT),
                        open_count=a.open_count,
                    ),
                    a.id,
                )
        return self.replace_combo

    def _build_preview(self) -> None:
        self.preview_btn = QPushButton(self.tr("Preview (dry run)"))
        self.preview_btn.clicked.connect(self.preview)
        self.counts = QLabel(self.tr("Choose providers and dates, then preview."))
        self.counts.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Date"),
                self.tr("Provider"),
                self.tr("Create"),
                self.tr("Skipped: booked"),
                self.tr("Skipped: off"),
                self.tr("Why"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.buttons = QDialogButtonBox()
        self.apply_btn = self.buttons.addButton(self.tr("Apply"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_btn.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.start_apply)
        self.buttons.rejected.connect(self.reject)

    # ----- input -------------------------------------------------------------------------
    def set_providers(self, provider_ids: list[int]) -> None:
        for i in range(self.providers.count()):
            item = self.providers.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in provider_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_range(self, start: date, end: date) -> None:
        self.from_edit.setDate(QDate(start.year, start.month, start.day))
        self.to_edit.setDate(QDate(end.year, end.month, end.day))

    def _checked(self, widget: QListWidget) -> tuple[int, ...]:
        return tuple(
            int(widget.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        )

    def params(self) -> ApplyParams:
        f, t = self.from_edit.date(), self.to_edit.date()
        return ApplyParams(
            template_id=self.template.id,
            provider_ids=self._checked(self.providers),
            start_day=date(f.year(), f.month(), f.day()),
            end_day=date(t.year(), t.month(), t.day()),
            weekdays=tuple(i for i, b in enumerate(self.weekday_boxes) if b.isChecked()),
            chair_ids=self._checked(self.chairs),
        )

    def _invalidate(self, *_args: object) -> None:
        self.plan = None
        self.apply_btn.setEnabled(self.replace_combo.currentData() is not None)

    # ----- preview -------------------------------------------------------------------------
    def preview(self) -> ApplicationPlan | None:
        """The dry run (well under a second for a quarter), shown as counts and per date/provider rows."""
        from orca_desk.services.template_engine.planning import plan_application

        params, now = self.params(), self.ctx.clock.now()
        planned: list[ApplicationPlan] = []
        self.plan = None
        if not self.ctx.ops.read(
            lambda s: plan_application(s, params, now=now),
            parent=self,
            on_done=planned.append,
            on_error=self._refused,
            title=self.tr("Not previewed"),
            background=False,
        ):
            return None
        plan = self.plan = planned[0]
        self.counts.setText(plan.summary())
        rows = plan.by_date_provider()
        self.table.setRowCount(min(len(rows), MAX_PREVIEW_ROWS))
        for i, r in enumerate(rows[:MAX_PREVIEW_ROWS]):
            for j, text in enumerate(
                (
                    fmt_day(r.day, MEDIUM),
                    r.provider_name,
                    str(r.create),
                    str(r.existing),
                    str(r.off),
                    "; ".join(r.reasons),
                )
            ):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.apply_btn.setEnabled(plan.counts["create"] > 0 or self.replace_combo.currentData() is not None)
        return plan

    def _refused(self, message: str) -> None:
        self.counts.setText(
            self.tr("<span style='color:#b3261e'>{value}</span>").format(value=escape(message))
        )
        self.apply_btn.setEnabled(False)

    # ----- apply -----------------------------------------------------------------------------
    def start_apply(self) -> None:
        """Run off the UI thread with a progress dialog; Cancel stops at the next whole day."""
        replace_id = self.replace_combo.currentData()
        if replace_id is None and self.plan is None:
            return
        self._cancel = threading.Event()
        self._signals = _ApplySignals()
        self._signals.sig_progress.connect(self._on_progress)
        self.progress = QProgressDialog(self.tr("Applying the template…"), self.tr("Cancel"), 0, 0, self)
        self.progress.setWindowTitle(self.tr("Applying"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self._cancel.set)
        self.progress.show()
        self.apply_btn.setEnabled(False)
        params, actor = self.params(), self.ctx.actor
        progress, cancel = self._signals.sig_progress.emit, self._cancel.is_set

        def run(step: Callable[[], AbstractContextManager[Any]]) -> ApplyResult:
            # Chunks of days, each its own transaction: other desks can book during a long run.
            from orca_desk.services.template_engine.chunks import (
                apply_template_in_chunks,
                replace_application_in_chunks,
            )

            if replace_id is not None:
                return replace_application_in_chunks(
                    step, actor, replace_id, now=self.ctx.clock.now(), progress=progress, cancel=cancel
                )
            return apply_template_in_chunks(
                step, actor, params, now=self.ctx.clock.now(), progress=progress, cancel=cancel
            )

        self.ctx.ops.write_in_steps(
            run, parent=self, title=self.tr("Not applied"), on_done=self._on_done, on_error=self._on_refused
        )

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)
            self.progress.setLabelText(
                self.tr("Applying the template… {done} of {total} days").format(done=done, total=total)
            )

    def _hide_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.hide()

    def _on_refused(self, message: str) -> None:
        self._hide_progress()
        self.error = message
        self.counts.setText(
            self.tr("<span style='color:#b3261e'>Not applied: {value}</span>").format(value=escape(message))
        )

    def _on_done(self, outcome: ApplyResult) -> None:
        self._hide_progress()
        self.apply_result = outcome
        state = "Cancelled after" if outcome.cancelled else "Applied:"
        self.counts.setText(
            self.tr("{state} {created:,} slots created over {days_done} of {days_total} days.").format(
                state=state,
                created=outcome.created,
                days_done=outcome.days_done,
                days_total=outcome.days_total,
            )
        )
        self.sig_applied.emit(outcome)


def _checklist(entries: list[tuple[str, int]]) -> QListWidget:
    """A list of unticked check boxes; each item carries its id (``Qt.UserRole``)."""
    view = QListWidget()
    for text, item_id in entries:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, item_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        view.addItem(item)
    return view
