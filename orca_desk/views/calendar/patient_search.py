"""Ctrl+F: find a patient and jump to their next visit."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.patient_card import clinic_region
from orca_desk.services.patients.patients import VisitRow, search_patients, upcoming_visits
from orca_desk.ui.context import AppContext
from orca_desk.ui.patient_model import PatientListModel


class PatientSearchDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.next_visit: date | None = None
        self.next_visit_location_id: int | None = None
        self.setWindowTitle(self.tr("Find patient"))
        self.setMinimumSize(480, 420)
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            self.tr('Name ("Smith, Ava"), guardian, phone, email, birth date or chart')
        )
        self.model = PatientListModel()
        self.results = QListView()
        self.results.setModel(self.model)
        self.visits = QLabel(self.tr("Choose a patient to see upcoming visits."))
        self.visits.setObjectName("hint")
        self.visits.setWordWrap(True)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.results.selectionModel().currentChanged.connect(self._on_current_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.go_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.go_button.setText(self.tr("Go to next visit"))
        self.go_button.setEnabled(False)
        self.new_button = buttons.addButton(self.tr("New patient…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.new_button.clicked.connect(self.new_patient)
        self.card_button = buttons.addButton(self.tr("Open card…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.card_button.setEnabled(False)
        self.card_button.clicked.connect(self.open_card)
        self.results.doubleClicked.connect(lambda _index: self.open_card())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.visits)
        layout.addWidget(buttons)

    def new_patient(self) -> int | None:
        made = self.ctx.dialogs.new_patient(self.ctx, self, self.search.text())
        if made is None:
            return None
        self.search.setText(made.search_text)
        self._run_search()
        return made.patient_id

    def open_card(self) -> bool:
        """The patient card of the chosen patient; its "Go to next visit" and "Book…" close the search too."""
        index = self.results.currentIndex()
        if not index.isValid():
            return False
        closed = self.ctx.dialogs.patient_card(self.ctx, self, self.model.row_at(index.row()).id)
        if closed.go_to is not None:
            self.next_visit_location_id, self.next_visit = closed.go_to
            self.accept()
            return True
        if closed.changed:
            self._run_search()
        return False

    def _run_search(self) -> None:
        text, clinic_id = self.search.text(), self.ctx.clinic.id
        self.ctx.ops.read(
            lambda session: search_patients(
                session, text, limit=50, region=clinic_region(session, clinic_id)
            ),
            parent=self,
            on_done=self.model.set_rows,
            background=False,
        )
        if self.model.rowCount():
            self.results.setCurrentIndex(self.model.index(0))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.next_visit = None
        self.next_visit_location_id = None
        self.card_button.setEnabled(current.isValid())
        if not current.isValid():
            return
        patient = self.model.row_at(current.row())
        now = self.ctx.clock.now()
        found: list[list[VisitRow]] = []
        self.ctx.ops.read(
            lambda session: upcoming_visits(session, patient.id, now=now),
            parent=self,
            on_done=found.append,
            background=False,
        )
        visits = found[0] if found else []
        if not visits:
            self.visits.setText(self.tr("{name} has no upcoming visits.").format(name=patient.name))
        else:
            style = self.ctx.time_style()
            lines = [
                f"{local_time.fmt_datetime(v.start, ZoneInfo(v.timezone), style)} · "
                f"{v.type_name} · {v.provider_name} · {v.location_name}"
                for v in visits[:5]
            ]
            self.visits.setText("<br>".join(lines))
            self.next_visit = visits[0].start.astimezone(ZoneInfo(visits[0].timezone)).date()
            self.next_visit_location_id = visits[0].location_id
        self.go_button.setEnabled(self.next_visit is not None)
