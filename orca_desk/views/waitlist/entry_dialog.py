"""Add or edit a waitlist entry: patient, visit type and length, priority and preferences."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from orca_desk.services.patients.patients import PatientRow, search_patients
from orca_desk.services.waitlist.rows import PRIORITY_LABELS, EntryInput, EntryRow
from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import weekday_name


class EntryDialog(QDialog):
    """``value()`` is the EntryInput to save; ``entry_id`` is None for a new entry."""

    def __init__(self, ctx: AppContext, entry: EntryRow | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry_id = entry.id if entry else None
        self.setWindowTitle(self.tr("Edit waitlist entry") if entry else self.tr("Add to the waitlist"))
        form = QFormLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Type a name or phone number…"))
        self.results = QListWidget()
        self.results.setMaximumHeight(110)
        self.results.setAccessibleName(self.tr("Matching patients"))
        self.search.textChanged.connect(self._on_search_text_changed)
        self.results.currentItemChanged.connect(self._on_result_current_changed)
        if entry is None:
            form.addRow(self.tr("Patient"), self.search)
            form.addRow("", self.results)
        self.patient_id = entry.patient_id if entry else None
        self.type_box = QComboBox()
        for t in ctx.clinic.types:
            self.type_box.addItem(
                self.tr("{name} ({default_minutes} min)").format(
                    name=t.name, default_minutes=t.default_minutes
                ),
                t.id,
            )
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setSuffix(self.tr(" min"))
        self.type_box.currentIndexChanged.connect(self._on_type_changed)
        self.priority = QComboBox()
        for p, label in PRIORITY_LABELS.items():
            self.priority.addItem(f"{p} · {label}", p)
        self.provider_box = QComboBox()
        self.provider_box.addItem(self.tr("Any provider"), None)
        for pr in ctx.clinic.providers:
            self.provider_box.addItem(pr.name, pr.id)
        self.location_box = QComboBox()
        self.location_box.addItem(self.tr("Any location"), None)
        for loc in ctx.clinic.locations:
            self.location_box.addItem(loc.name, loc.id)
        days, window, latest = self._build_when()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("e.g. broken bracket, after-school slot"))
        form.addRow(self.tr("Visit"), self.type_box)
        form.addRow(self.tr("Length"), self.minutes)
        form.addRow(self.tr("Priority"), self.priority)
        form.addRow(self.tr("Provider"), self.provider_box)
        form.addRow(self.tr("Location"), self.location_box)
        form.addRow(self.tr("Days"), days)
        form.addRow(self.tr("Time"), window)
        form.addRow(self.tr("Date"), latest)
        form.addRow(self.tr("Reason"), self.reason)
        std = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(std.Save | std.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self._describe(buttons.button(QDialogButtonBox.StandardButton.Cancel))
        self._fill(entry)

    def _describe(self, cancel: QWidget) -> None:
        for box in self.day_checks:
            box.setAccessibleDescription(self.tr("On: the family can come on this weekday"))
        describe(
            (
                (self.search, self.tr("Type a patient's name or phone to find who is waiting")),
                (self.results, self.tr("Patients whose name or phone matches; choose the one waiting")),
                (
                    self.type_box,
                    self.tr("The kind of visit the patient is waiting for; it sets the usual length"),
                ),
                (self.minutes, self.tr("How long the visit needs")),
                (
                    self.priority,
                    self.tr("How urgently the patient needs the visit; the more urgent are offered first"),
                ),
                (self.provider_box, self.tr("The provider the visit must be with, or any")),
                (self.location_box, self.tr("The location the visit must be at, or any")),
                (self.use_window, self.tr("On: only openings starting between the two times beside it")),
                (self.win_from, self.tr("The earliest start the family can come")),
                (self.win_to, self.tr("The latest start the family can come")),
                (self.use_latest, self.tr("On: only openings up to the date beside it")),
                (self.latest, self.tr("The last day the family can come")),
                (self.reason, self.tr("Why the patient wants an earlier visit")),
                (self.save_button, self.tr("Save the waitlist entry")),
                (cancel, self.tr("Close without saving")),
            )
        )

    def _build_when(self) -> tuple[QWidget, QWidget, QWidget]:
        """The days, the time window and the latest date the family can come."""
        days = QWidget()
        dl = QHBoxLayout(days)
        dl.setContentsMargins(0, 0, 0, 0)
        self.day_checks = [QCheckBox(weekday_name(d)) for d in range(7)]  # the desk locale's names
        for c in self.day_checks:
            dl.addWidget(c)
        window = QWidget()
        wl = QHBoxLayout(window)
        wl.setContentsMargins(0, 0, 0, 0)
        self.use_window = QCheckBox(self.tr("Only between"))
        self.win_from, self.win_to = QTimeEdit(QTime(15, 0)), QTimeEdit(QTime(18, 0))
        self.win_from.setAccessibleName(self.tr("Earliest time"))
        self.win_to.setAccessibleName(self.tr("Latest time"))
        for w in (self.use_window, self.win_from, self.win_to):
            wl.addWidget(w)
        self.latest = QDateEdit()
        self.latest.setCalendarPopup(True)
        self.latest.setAccessibleName(self.tr("Latest date"))
        self.use_latest = QCheckBox(self.tr("No later than"))
        latest = QWidget()
        ll = QHBoxLayout(latest)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.use_latest)
        ll.addWidget(self.latest)
        return days, window, latest

    def _fill(self, e: EntryRow | None) -> None:
        today = self.ctx.clock.now().date()
        self.latest.setDate(QDate(today.year, today.month, today.day).addDays(60))
        if e is None:
            self._on_type_changed()
            self.priority.setCurrentIndex(2)
            self.save_button.setEnabled(False)
            return
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(e.type_id)))
        self.minutes.setValue(e.duration_minutes)
        self.priority.setCurrentIndex(max(0, self.priority.findData(e.priority)))
        if e.provider_ids:
            self.provider_box.setCurrentIndex(max(0, self.provider_box.findData(e.provider_ids[0])))
        if e.location_ids:
            self.location_box.setCurrentIndex(max(0, self.location_box.findData(e.location_ids[0])))
        for d in e.days_of_week:
            self.day_checks[d].setChecked(True)
        if e.time_windows:
            a, b = e.time_windows[0]
            self.use_window.setChecked(True)
            self.win_from.setTime(QTime(a // 60, a % 60))
            self.win_to.setTime(QTime(min(b, 1439) // 60, min(b, 1439) % 60))
        if e.latest_date:
            self.use_latest.setChecked(True)
            self.latest.setDate(QDate(e.latest_date.year, e.latest_date.month, e.latest_date.day))
        self.reason.setText(e.reason)

    def _on_type_changed(self, *_args: object) -> None:
        type_id = self.type_box.currentData()
        for t in self.ctx.clinic.types:
            if t.id == type_id:
                self.minutes.setValue(t.default_minutes)

    def _on_search_text_changed(self, text: str) -> None:
        self.results.clear()
        if len(text.strip()) < 2:
            return
        self.ctx.ops.read(
            lambda s: search_patients(s, text, limit=20),
            parent=self,
            on_done=self._show_patients,
            background=False,
        )

    def _show_patients(self, rows: list[PatientRow]) -> None:
        for r in rows:
            item = QListWidgetItem(r.name)
            item.setData(256, r.id)
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)

    def _on_result_current_changed(self, item: QListWidgetItem | None, _old: object = None) -> None:
        self.patient_id = item.data(256) if item is not None else None
        self.save_button.setEnabled(self.patient_id is not None)

    def value(self) -> EntryInput:
        assert self.patient_id is not None
        t1, t2 = self.win_from.time(), self.win_to.time()
        windows = (
            [(t1.hour() * 60 + t1.minute(), t2.hour() * 60 + t2.minute())]
            if self.use_window.isChecked()
            else []
        )
        q = self.latest.date()
        provider, location = self.provider_box.currentData(), self.location_box.currentData()
        return EntryInput(
            patient_id=self.patient_id,
            type_id=self.type_box.currentData(),
            duration_minutes=self.minutes.value(),
            provider_ids=[provider] if provider else [],
            location_ids=[location] if location else [],
            days_of_week=[d for d, c in enumerate(self.day_checks) if c.isChecked()],
            time_windows=windows,
            latest_date=date(q.year(), q.month(), q.day()) if self.use_latest.isChecked() else None,
            priority=self.priority.currentData(),
            reason=self.reason.text(),
        )
