"""Find next opening: filters on the left, the next openings as you type, one click books."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.availability import Opening, find_openings
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.patients.patients import PatientRow, search_patients
from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import weekday_name
from orca_desk.ui.feature_dialogs import Booked, OpeningRequest
from orca_desk.ui.labels import time_edit_format
from orca_desk.ui.patient_model import PatientListModel
from orca_desk.ui.rows_table import RowsModel


def _checklist(items: Sequence[tuple[str, int]], checked: set[int], height: int = 96) -> QListWidget:
    w = QListWidget()
    for label, value in items:
        item = QListWidgetItem(label, w)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if value in checked else Qt.CheckState.Unchecked)
    w.setMaximumHeight(height)
    return w


def _checked(w: QListWidget) -> list[int] | None:
    """The checked values; None (= any) when nothing is checked."""
    out = [
        int(w.item(i).data(Qt.ItemDataRole.UserRole))
        for i in range(w.count())
        if w.item(i).checkState() == Qt.CheckState.Checked
    ]
    return out or None


class FindOpeningDialog(QDialog):
    def __init__(
        self, ctx: AppContext, *, provider_ids: Sequence[int] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.appointment_id: int | None = None
        self.booked_place: tuple[int, date] | None = None  # where the new appointment is: location, day
        self.booked_text = ""
        self.setWindowTitle(self.tr("Find next opening"))
        self.resize(1120, 620)
        self.time_fmt = ctx.time_style()
        filters = self._build_filters(provider_ids)
        right = self._build_results()
        layout = QHBoxLayout(self)
        layout.addWidget(filters)
        layout.addLayout(right, 1)
        self._search_timer = QTimer(self, singleShot=True, interval=80)
        self._search_timer.timeout.connect(self.search)
        self._on_type_changed(0)
        self._describe()
        self.search()

    def _describe(self) -> None:
        for w, name in (
            (self.window_from, self.tr("Earliest time")),
            (self.window_to, self.tr("Latest time")),
            (self.results_view, self.tr("Openings")),
            (self.patient_search, self.tr("Book for")),
            (self.patient_list, self.tr("Matching patients")),
        ):
            w.setAccessibleName(name)
        for box in self.days:
            box.setAccessibleDescription(self.tr("On: look for openings on this weekday"))
        describe(
            (
                (self.type_combo, self.tr("The kind of visit to find time for; it sets the usual length")),
                (self.minutes, self.tr("How long the opening must be")),
                (self.providers, self.tr("Tick the providers the visit may be with")),
                (self.locations, self.tr("Tick the locations the visit may be at")),
                (self.chairs, self.tr("Tick the chairs the visit may be in")),
                (self.window_on, self.tr("On: only openings starting between the two times beside it")),
                (self.window_from, self.tr("The earliest start of an opening")),
                (self.window_to, self.tr("The latest start of an opening")),
                (self.horizon, self.tr("How many days ahead to look")),
                (self.results_view, self.tr("The openings found; double-click one to book it")),
                (self.patient_search, self.tr("Type a patient's name or phone to choose who to book")),
                (self.patient_list, self.tr("Patients whose name or phone matches; choose the one to book")),
                (self.book_button, self.tr("Book the chosen patient into the selected opening")),
                (self.close_button, self.tr("Close without booking")),
            )
        )

    def _build_filters(self, provider_ids: Sequence[int] | None) -> QWidget:
        """Type, length, who, where, which days and hours, how far ahead."""
        clinic = self.ctx.clinic
        self.type_combo = QComboBox()
        for t in clinic.types:
            self.type_combo.addItem(
                self.tr("{name} ({default_minutes} min)").format(
                    name=t.name, default_minutes=t.default_minutes
                ),
                t.id,
            )
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(self.tr(" min"))
        self.type_combo.currentIndexChanged.connect(self._on_type_changed)
        self.providers = _checklist([(p.name, p.id) for p in clinic.providers], set(provider_ids or ()))
        self.locations = _checklist([(loc.name, loc.id) for loc in clinic.locations], set(), 60)
        loc_names = {loc.id: loc.name for loc in clinic.locations}
        self.chairs = _checklist(
            [(f"{loc_names[c.location_id]} · {c.name}", c.id) for c in clinic.chairs], set()
        )
        days_row, window_row = self._build_when_rows()
        self.horizon = QSpinBox()
        self.horizon.setRange(1, 366)
        self.horizon.setValue(90)
        self.horizon.setSuffix(self.tr(" days"))
        for w in (self.minutes, self.horizon):
            w.valueChanged.connect(self._schedule_search)
        for lw in (self.providers, self.locations, self.chairs):
            lw.itemChanged.connect(self._schedule_search)
        form = QFormLayout()
        form.addRow(self.tr("Type"), self.type_combo)
        form.addRow(self.tr("Length"), self.minutes)
        form.addRow(self.tr("Providers"), self.providers)
        form.addRow(self.tr("Locations"), self.locations)
        form.addRow(self.tr("Chairs"), self.chairs)
        form.addRow(self.tr("Days"), days_row)
        form.addRow(self.tr("Time"), window_row)
        form.addRow(self.tr("Within"), self.horizon)
        hint = QLabel(self.tr("Nothing ticked means any."))
        hint.setObjectName("hint")
        form.addRow("", hint)
        filters = QWidget()
        filters.setLayout(form)
        filters.setFixedWidth(500)
        return filters

    def _build_when_rows(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        self.days: list[QCheckBox] = []
        days_row = QHBoxLayout()
        for weekday in range(7):
            box = QCheckBox(weekday_name(weekday))
            box.toggled.connect(self._schedule_search)
            self.days.append(box)
            days_row.addWidget(box)
        self.window_on = QCheckBox(self.tr("Between"))
        self.window_from, self.window_to = QTimeEdit(QTime(15, 0)), QTimeEdit(QTime(18, 0))
        for edit in (self.window_from, self.window_to):
            edit.setDisplayFormat(time_edit_format(self.time_fmt))
            edit.timeChanged.connect(self._schedule_search)
        self.window_on.toggled.connect(self._schedule_search)
        window_row = QHBoxLayout()
        window_row.addWidget(self.window_on)
        window_row.addWidget(self.window_from)
        window_row.addWidget(QLabel(self.tr("and")))
        window_row.addWidget(self.window_to)
        window_row.addStretch(1)
        return days_row, window_row

    def _build_results(self) -> QVBoxLayout:
        """The openings found, the patient to book for, and Book."""
        clinic = self.ctx.clinic
        loc_names = {loc.id: loc.name for loc in clinic.locations}
        names = {p.id: p.name for p in clinic.providers}
        chair_names = {c.id: c.name for c in clinic.chairs}
        self.results = RowsModel[Opening](
            [
                (
                    self.tr("When"),
                    lambda o: local_time.fmt_datetime(
                        o.start, clinic.location(o.location_id).zone, self.time_fmt
                    ),
                ),
                (self.tr("Provider"), lambda o: names.get(o.provider_id, "?")),
                (self.tr("Location"), lambda o: loc_names.get(o.location_id, "?")),
                (self.tr("Chair"), lambda o: chair_names.get(o.chair_id, "?")),
            ]
        )
        self.results_view = QTableView()
        self.results_view.setModel(self.results)
        self.results_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.verticalHeader().setVisible(False)
        self.results_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.results_view.horizontalHeader().setStretchLastSection(True)
        self.results_view.doubleClicked.connect(lambda idx: self.book_opening(idx.row()))
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.patient_search = QLineEdit()
        self.patient_search.setPlaceholderText(self.tr("Patient name or phone…"))
        self.patients = PatientListModel()
        self.patient_list = QListView()
        self.patient_list.setModel(self.patients)
        self.patient_list.setMaximumHeight(110)
        self._patient_debounce = QTimer(self, singleShot=True, interval=150)
        self._patient_debounce.timeout.connect(self._run_patient_search)
        self.patient_search.textChanged.connect(lambda _t: self._patient_debounce.start())
        self.book_button = QPushButton(self.tr("Book selected opening"))
        self.book_button.setDefault(True)
        self.book_button.clicked.connect(lambda: self.book_opening(self.results_view.currentIndex().row()))
        self.close_button = close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(self.summary)
        right.addWidget(self.results_view, 1)
        right.addWidget(QLabel(self.tr("Book for")))
        right.addWidget(self.patient_search)
        right.addWidget(self.patient_list)
        right.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.book_button)
        right.addLayout(buttons)
        return right

    def _on_type_changed(self, index: int) -> None:
        type_id = self.type_combo.itemData(index)
        if type_id is not None:
            self.minutes.setValue(self.ctx.clinic.type_by_id(int(type_id)).default_minutes)
        self._schedule_search()

    def _schedule_search(self, *_args: object) -> None:
        self._search_timer.start()

    def search(self) -> list[Opening]:
        """Run the engine with the current filters and show the openings (a few ms)."""
        days = [i for i, box in enumerate(self.days) if box.isChecked()] or None
        windows = None
        if self.window_on.isChecked():
            t0, t1 = self.window_from.time(), self.window_to.time()
            windows = [(t0.hour() * 60 + t0.minute(), t1.hour() * 60 + t1.minute())]
        found: list[list[Opening]] = []
        if not self.ctx.ops.read(
            lambda session: find_openings(
                session,
                minutes=self.minutes.value(),
                after=self.ctx.clock.now(),
                provider_ids=_checked(self.providers),
                chair_ids=_checked(self.chairs),
                location_ids=_checked(self.locations),
                days_of_week=days,
                time_windows=windows,
                horizon_days=self.horizon.value(),
                limit=20,
                spread=True,  # choices over days and times, not every five minutes of one afternoon
            ),
            parent=self,
            on_done=found.append,
            on_error=self.error.setText,
            title=self.tr("No openings"),
            background=False,
        ):
            return []
        rows = found[0]
        self.error.clear()
        self.results.set_rows(rows)
        if rows:
            self.results_view.selectRow(0)
            self.summary.setText(
                self.tr(
                    "{count} choices of {value} min within {value2} days (the first of "
                    "each morning, afternoon and evening)"
                ).format(count=len(rows), value=self.minutes.value(), value2=self.horizon.value())
            )
        else:
            self.summary.setText(self.tr("No opening matches: widen the days, times or horizon."))
        return rows

    def _run_patient_search(self) -> None:
        text = self.patient_search.text()
        self.ctx.ops.read(
            lambda session: search_patients(session, text, limit=30),
            parent=self,
            on_done=self._show_patients,
            on_error=self.error.setText,
            background=False,
        )

    def _show_patients(self, rows: list[PatientRow]) -> None:
        self.patients.set_rows(rows)
        if rows:
            self.patient_list.setCurrentIndex(self.patients.index(0))

    def book_opening(self, row: int) -> bool:
        """Book the opening in ``row`` for the chosen patient; the service re-checks everything."""
        idx = self.patient_list.currentIndex()
        if not idx.isValid():
            self.error.setText(self.tr("Choose the patient first: type a name and pick one from the list."))
            self.patient_search.setFocus()
            return False
        if not 0 <= row < self.results.rowCount():
            self.error.setText(self.tr("Choose an opening in the list."))
            return False
        opening = self.results.row_at(row)
        patient = self.patients.row_at(idx.row())
        req = BookingRequest(
            patient_id=patient.id,
            provider_id=opening.provider_id,
            chair_id=opening.chair_id,
            type_id=int(self.type_combo.currentData()),
            start=opening.start,
            minutes=int((opening.end - opening.start) / timedelta(minutes=1)),
        )
        refusals: list[str] = []
        if not self.ctx.ops.write(
            lambda session: (
                booking.book_appointment(session, self.ctx.actor, req, now=self.ctx.clock.now()).id
            ),
            parent=self,
            title=self.tr("Not booked"),
            on_done=self._booked,
            on_error=refusals.append,
        ):
            # The openings as they are now, and why this one could not be booked.
            self.search()
            self.error.setText(refusals[0] if refusals else "")
            return False
        location = self.ctx.clinic.location(opening.location_id)
        local = opening.start.astimezone(location.zone)
        self.booked_place = (opening.location_id, local.date())
        provider = self._provider_name(opening.provider_id)
        self.booked_text = (
            f"Booked {patient.name}: {self.type_combo.currentText()} on "
            f"{local_time.fmt_date(local, location.zone)} at "
            f"{local_time.fmt_time(local, location.zone, self.time_fmt)} with {provider}, "
            f"{location.name}"
        )
        self.accept()
        return True

    def _booked(self, appointment_id: int) -> None:
        self.appointment_id = appointment_id

    def _provider_name(self, provider_id: int) -> str:
        return next((p.name for p in self.ctx.clinic.providers if p.id == provider_id), "the provider")


def book_next_opening(ctx: AppContext, parent: QWidget, request: OpeningRequest) -> Booked | None:
    """Find next opening for a visit of the request's type, length and provider, booked for its patient
    (``ctx.dialogs.book_opening``); None when nothing was booked."""
    dialog = FindOpeningDialog(ctx, provider_ids=[request.provider_id], parent=parent)
    dialog.setWindowTitle(request.title)
    dialog.type_combo.setCurrentIndex(max(0, dialog.type_combo.findData(request.type_id)))
    dialog.minutes.setValue(request.minutes)
    if request.patient is not None:
        dialog.patient_search.blockSignals(True)  # the name alone could pick a namesake
        dialog.patient_search.setText(request.patient.name)
        dialog.patient_search.blockSignals(False)
        dialog.patients.set_rows([request.patient])
        dialog.patient_list.setCurrentIndex(dialog.patients.index(0))
    dialog.search()
    if not dialog.exec() or dialog.appointment_id is None:
        return None
    return Booked(dialog.booked_text, dialog.booked_place)


class _PickOpening(FindOpeningDialog):
    """Find next opening that only chooses (to move a visit there) instead of booking a new one."""

    chosen: Opening | None = None

    def book_opening(self, row: int) -> bool:
        if not 0 <= row < self.results.rowCount():
            self.error.setText(self.tr("Choose an opening in the list."))
            return False
        self.chosen = self.results.row_at(row)
        self.accept()
        return True


def pick_next_opening(ctx: AppContext, parent: QWidget, request: OpeningRequest) -> Opening | None:
    """One of the next openings for the request's type, length and provider, chosen with "Move here"
    (``ctx.dialogs.pick_opening``); None when the dialog was closed."""
    dialog = _PickOpening(ctx, provider_ids=[request.provider_id], parent=parent)
    dialog.setWindowTitle(request.title)
    dialog.type_combo.setCurrentIndex(max(0, dialog.type_combo.findData(request.type_id)))
    dialog.minutes.setValue(request.minutes)
    for w in (dialog.patient_search, dialog.patient_list):
        w.hide()
    dialog.book_button.setText(QCoreApplication.translate("find_opening", "Move here"))
    dialog.search()
    if not dialog.exec():
        return None
    return dialog.chosen
