"""Book an appointment: find the patient, pick type, provider and length, confirm."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.access.security import OVERRIDE_HOURS
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.patients.patients import PatientRow, search_patients
from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.patient_model import PatientListModel


class BookingDialog(QDialog):
    """Shows errors inline; nothing is written until the service accepts the booking."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        chair_id: int,
        chair_name: str,
        start: datetime,
        provider_id: int | None = None,
        zone: ZoneInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chair_id = chair_id
        self.start = start
        self.appointment_id: int | None = None
        self.setWindowTitle(self.tr("Book appointment"))
        self.setMinimumWidth(460)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Patient name or phone…"))
        self.model = PatientListModel()
        self.results = QListView()
        self.results.setModel(self.model)
        self.results.setMinimumHeight(150)
        self._searched_text: str | None = None  # the text the list currently answers
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.type_combo = QComboBox()
        for t in ctx.clinic.types:
            self.type_combo.addItem(
                self.tr("{name} ({default_minutes} min)").format(
                    name=t.name, default_minutes=t.default_minutes
                ),
                t.id,
            )
        self.type_combo.currentIndexChanged.connect(self._on_type_changed)
        self.provider_combo = QComboBox()
        for p in ctx.clinic.providers:
            self.provider_combo.addItem(p.name, p.id)
        if provider_id is not None:
            self.provider_combo.setCurrentIndex(self.provider_combo.findData(provider_id))
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(self.tr(" min"))
        self._on_type_changed(0)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        form = QFormLayout()
        zone = zone or ctx.clinic.locations[0].zone
        when = local_time.fmt_datetime(start, zone, ctx.time_style())
        form.addRow(self.tr("When"), QLabel(f"{when} · {chair_name}"))
        form.addRow(self.tr("Patient"), self.search)
        form.addRow("", self.results)
        form.addRow(self.tr("Type"), self.type_combo)
        form.addRow(self.tr("Provider"), self.provider_combo)
        form.addRow(self.tr("Length"), self.minutes)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Book"))
        self.buttons.accepted.connect(self.book)
        self.buttons.rejected.connect(self.reject)
        # "Repeat…" books a recurring series instead of one appointment (series_actions.py).
        from orca_desk.views.calendar.series_actions import add_repeat_button

        add_repeat_button(self)
        self._describe()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _describe(self) -> None:
        self.results.setAccessibleName(self.tr("Matching patients"))
        describe(
            (
                (self.results, self.tr("Patients whose name or phone matches; choose the one to book")),
                (self.type_combo, self.tr("The kind of visit; it sets the usual length")),
                (self.provider_combo, self.tr("Who sees the patient")),
                (self.minutes, self.tr("How long the visit is booked for")),
                (
                    self.buttons.button(QDialogButtonBox.StandardButton.Ok),
                    self.tr("Book the visit as chosen"),
                ),
                (
                    self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                    self.tr("Close without booking"),
                ),
            )
        )

    def prefill(self, patient: PatientRow, *, type_id: int, provider_id: int, minutes: int) -> None:
        """Rebooking a missed visit: that patient chosen, the visit's type, provider and length."""
        self.search.blockSignals(True)  # the name alone could pick a namesake
        self.search.setText(patient.name)
        self.search.blockSignals(False)
        self._debounce.stop()
        self._searched_text = patient.name
        self.model.set_rows([patient])
        self.results.setCurrentIndex(self.model.index(0))
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(type_id)))
        index = self.provider_combo.findData(provider_id)
        if index >= 0:
            self.provider_combo.setCurrentIndex(index)
        self.minutes.setValue(minutes)

    def _on_type_changed(self, index: int) -> None:
        type_id = self.type_combo.itemData(index)
        if type_id is not None:
            self.minutes.setValue(self.ctx.clinic.type_by_id(int(type_id)).default_minutes)

    def _run_search(self) -> None:
        text = self.search.text()
        rows: list[PatientRow] = []
        self.ctx.ops.read(
            lambda session: search_patients(session, text, limit=30),
            parent=self,
            on_done=rows.extend,
            on_error=self.error.setText,
            background=False,
        )
        self._searched_text = text
        self.model.set_rows(rows)
        if rows:
            self.results.setCurrentIndex(self.model.index(0))

    def selected_patient_id(self) -> int | None:
        idx = self.results.currentIndex()
        return self.model.row_at(idx.row()).id if idx.isValid() else None

    def search_settled(self) -> bool:
        """Whether the list answers what is typed now (the search runs 150 ms after typing stops)."""
        return not self._debounce.isActive() and self._searched_text == self.search.text()

    def _book(self, req: BookingRequest) -> booking.BookingAttempt | None:
        """One try; None when refused (said on the error line)."""
        done: list[booking.BookingAttempt] = []
        now = self.ctx.clock.now()
        self.ctx.ops.write(
            lambda session: booking.try_book(session, self.ctx.actor, req, now=now),
            parent=self,
            on_done=done.append,
            on_error=self.error.setText,
            title=self.tr("Not booked"),
        )
        return done[0] if done else None

    def book(self) -> None:
        if self.search.text().strip() and not self.search_settled():
            # Enter pressed while typing: book nothing until the receptionist has seen the new list.
            self._debounce.stop()
            self._run_search()
            self.error.setText(
                self.tr("The list changed as you typed: check the patient, then press Enter again.")
            )
            return
        patient_id = self.selected_patient_id()
        if patient_id is None:
            self.error.setText(self.tr("Choose a patient first: type a name and pick one from the list."))
            return
        req = BookingRequest(
            patient_id=patient_id,
            provider_id=int(self.provider_combo.currentData()),
            chair_id=self.chair_id,
            type_id=int(self.type_combo.currentData()),
            start=self.start,
            minutes=self.minutes.value(),
        )
        attempt = self._book(req)
        if attempt is None:
            return
        if attempt.outside_hours is not None:
            # Outside working hours / day off / block: confirm, then override (needs the permission).
            why = attempt.outside_hours
            if not self.ctx.actor.can(OVERRIDE_HOURS):
                self.error.setText(self.tr("{why} You may not book outside working hours.").format(why=why))
                return
            answer = QMessageBox.question(
                self, self.tr("Outside working hours"), self.tr("{why}\n\nBook anyway?").format(why=why)
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.error.setText(why)
                return
            attempt = self._book(replace(req, override_hours=True))
            if attempt is None or attempt.appointment_id is None:
                return
        self.appointment_id = attempt.appointment_id
        self.accept()
