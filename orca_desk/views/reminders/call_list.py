"""The call list: families who have not confirmed, with phone numbers and one-click outcomes."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import confirmations, local_time
from orca_desk.ui.context import AppContext
from orca_desk.ui.export_button import export_button
from orca_desk.ui.rows_table import empty_state
from orca_desk.ui.screen import Screen
from orca_desk.ui.workers import BackgroundLoader

# Button labels short enough that the four fit beside the row at 1280 px; the tooltip says it in full.
SHORT_OUTCOMES = {"left_voicemail": "Voicemail"}
COLUMNS = ["Visit", "Patient", "Contact", "Phone", "Type · place", "Status", "Last call", "Outcome"]
STATUS_TEXT = {
    "unconfirmed": "not asked yet",
    "requested": "asked, no answer",
    "callback": "asked for a call",
}


class CallListScreen(Screen):
    """The morning call: unconfirmed visits of the next business day at the toolbar's location,
    in local time order, each row with its one-click outcome buttons. Loads off the UI thread."""

    # The visits, their confirmation and call tasks, the families' names and numbers, closed days.
    watches = frozenset(
        {"appointment", "staff_task", "confirmation_request", "patient", "schedule_exception"}
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        empty_state(self.table, "Nobody to call: every visit of the day is confirmed, or none is booked yet.")
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)  # one line a family; the contact elides
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the responsible party elides first
        # The outcome buttons are cell widgets, which ResizeToContents does not see: sized on load.
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Fixed)
        self.rows: list[confirmations.CallRow] = []
        self.day: date | None = None  # the toolbar's day; None or today or earlier: the next business day
        self.location_id: int | None = ctx.clinic.locations[0].id if ctx.clinic.locations else None
        self.shown_day: date | None = None  # the day the rows are about
        self.loading = False
        self.loader = BackgroundLoader(self)
        self.loader.sig_loaded.connect(self._on_loaded)
        self.loader.sig_failed.connect(self._on_load_failed)
        # The outcome buttons column holds widgets, not text: left out of the file.
        self.export_button = export_button(
            self,
            self.table.model(),
            self.tr("Call list"),
            status=self.sig_status.emit,
            skip=(len(COLUMNS) - 1,),
        )
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        self.refresh()

    def show_location(self, location_id: int) -> None:
        """The toolbar's location: its families only, its next business day."""
        if location_id != self.location_id:
            self.location_id = location_id
            self.refresh()

    def show_day(self, day: date) -> None:
        """A later day than today shows the calls about that day; today (or before) the next business day."""
        if day != self.day:
            self.day = day
            self.refresh()

    def _wanted_day(self, now: datetime) -> date | None:
        if self.day is None or self.location_id is None:
            return None
        zone = ZoneInfo(self.ctx.clinic.location(self.location_id).timezone)
        return self.day if self.day > now.astimezone(zone).date() else None

    def refresh(self) -> None:
        """Reload in the background; the rows appear when the load is done (``loading`` is False)."""
        now = self.ctx.clock.now()
        self.loading = True
        self.summary.setText("Loading the call list…")
        # A newer load replaces one still running: only the latest rows are shown.
        self.loader.start(
            partial(
                confirmations.load_call_list,
                self.ctx.db,
                now=now,
                location_id=self.location_id,
                day=self._wanted_day(now),
            )
        )

    def _on_load_failed(self, exc: object) -> None:
        self.loading = False
        self.summary.setText(f"The call list could not be loaded: {exc}")

    def wait_until_loaded(self, timeout_ms: int = 10_000) -> bool:
        """Block until a pending background load has been shown (the screenshot, tests)."""
        return self.loader.wait_while(lambda: self.loading, timeout_ms)

    def _on_loaded(self, data: object) -> None:
        assert isinstance(data, confirmations.CallListLoad)
        self.rows, self.shown_day = data.rows, data.day
        families = f"{len(self.rows)} famil{'y' if len(self.rows) == 1 else 'ies'}"
        where = ""
        if data.location_id is not None:
            where = f" at {self.ctx.clinic.location(data.location_id).name}"
        about = f"{data.day:%A %-d %B}" if data.day is not None else "the next business day"
        self.summary.setText(f"<b>{families} to call</b> — visits on {about}{where} not confirmed yet")
        self.table.setHorizontalHeaderItem(
            4, QTableWidgetItem("Type" if data.location_id is not None else "Type · place")
        )
        self.table.setRowCount(len(self.rows))
        # One day at one location: the title says which, so the rows say only the time and the type.
        one_day = data.day is not None and data.location_id is not None
        zone = self.ctx.clinic.location(data.location_id).zone if data.location_id is not None else None
        buttons_width = 0
        time_fmt = self.ctx.time_style()
        for r, row in enumerate(self.rows):
            when = (
                local_time.fmt_time(row.start, zone, time_fmt) if one_day and zone is not None else row.when
            )
            values = [
                when,
                row.patient,
                row.responsible,
                "\n".join(row.phones) or "no number",
                row.type_name if one_day else f"{row.type_name} · {row.location}",
                STATUS_TEXT.get(row.confirmation, row.confirmation),
                f"{row.last_outcome} ({row.attempts})" if row.attempts else "—",
            ]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setToolTip(v)  # what an elided cell cut off
                item.setData(Qt.ItemDataRole.UserRole, row.appointment_id)
                self.table.setItem(r, c, item)
            buttons = self._buttons(row.appointment_id)
            buttons_width = max(buttons_width, buttons.sizeHint().width())
            self.table.setCellWidget(r, len(COLUMNS) - 1, buttons)
        if buttons_width:
            self.table.setColumnWidth(len(COLUMNS) - 1, buttons_width)
        self.table.resizeRowsToContents()
        self.loading = False

    def _buttons(self, appointment_id: int) -> QWidget:
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(2, 0, 2, 0)
        lay.setSpacing(4)
        for outcome, label in confirmations.CALL_OUTCOMES.items():
            b = QPushButton(SHORT_OUTCOMES.get(outcome, label))
            b.setToolTip(label)
            b.setObjectName(f"outcome_{outcome}")
            b.setStyleSheet("padding: 3px 8px;")
            b.setAutoDefault(False)
            b.setMinimumWidth(b.sizeHint().width())
            b.clicked.connect(partial(self.record, appointment_id, outcome))
            lay.addWidget(b)
        return box

    def record(self, appointment_id: int, outcome: str) -> bool:
        """Record one call's outcome (the buttons call this); its changes reload the list."""
        now = self.ctx.clock.now()
        return self.ctx.ops.write(
            lambda s: confirmations.record_call_outcome(s, self.ctx.actor, appointment_id, outcome, now=now),
            parent=self,
            title="Not recorded",
            on_done=lambda _appt: self.sig_status.emit(
                f"Call recorded: {confirmations.CALL_OUTCOMES[outcome].lower()}"
            ),
        )
