"""The call list: families who have not confirmed, with phone numbers and one-click outcomes."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import partial
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import confirmations, reminders
from orca_desk.services.errors import OrcaError
from orca_desk.ui.context import AppContext
from orca_desk.ui.export_button import export_button
from orca_desk.ui.screen import Screen

COLUMNS = ["Visit", "Patient", "Responsible party", "Phone", "Type · place", "Status", "Last call",
           "Outcome"]
STATUS_TEXT = {"unconfirmed": "not asked yet", "requested": "asked, no answer",
               "callback": "asked for a call"}


class CallListScreen(Screen):
    """Unconfirmed visits inside the escalation window; each row has its outcome buttons."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.summary = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(len(COLUMNS) - 1, 450)
        self.rows: list[confirmations.CallRow] = []
        self.day: date | None = None
        # The outcome buttons column holds widgets, not text: left out of the file.
        self.export_button = export_button(self, self.table.model(), self.tr("Call list"),
                                           status=self.sig_status.emit, skip=(len(COLUMNS) - 1,))
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        self.refresh()

    def show_day(self, day: date) -> None:
        """A later day shows the list as it will be that morning (07:45 at the first location)."""
        self.day = day
        self.refresh()

    def as_of(self) -> datetime:
        now = self.ctx.clock.now()
        if self.day is None or not self.ctx.clinic.locations:
            return now
        zone = ZoneInfo(self.ctx.clinic.locations[0].timezone)
        morning = datetime.combine(self.day, time(7, 45), tzinfo=zone)
        return max(now, morning)

    def refresh(self) -> None:
        now = self.as_of()
        with self.ctx.db.read() as s:
            settings = reminders.load_settings(s, with_secret=False)
            self.rows = confirmations.call_list(s, now=now, settings=settings)
        hours = int(settings.escalation.total_seconds() // 3600)
        families = f"{len(self.rows)} famil{'y' if len(self.rows) == 1 else 'ies'}"
        self.summary.setText(f"<b>{families} to call</b> — "
                             f"visits not confirmed {hours} h before (to the end of that day)"
                             + ("" if now == self.ctx.clock.now() else f", as of {now:%a %d %b} morning"))
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = [row.when, row.patient, row.responsible, "\n".join(row.phones) or "no number",
                      f"{row.type_name} · {row.location}",
                      STATUS_TEXT.get(row.confirmation, row.confirmation),
                      f"{row.last_outcome} ({row.attempts})" if row.attempts else "—"]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, row.appointment_id)
                self.table.setItem(r, c, item)
            self.table.setCellWidget(r, len(COLUMNS) - 1, self._buttons(row.appointment_id))
        self.table.resizeRowsToContents()

    def _buttons(self, appointment_id: int) -> QWidget:
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(2, 0, 2, 0)
        lay.setSpacing(4)
        for outcome, label in confirmations.CALL_OUTCOMES.items():
            b = QPushButton(label)
            b.setObjectName(f"outcome_{outcome}")
            b.setAutoDefault(False)
            b.setMinimumWidth(b.sizeHint().width())
            b.clicked.connect(partial(self.record, appointment_id, outcome))
            lay.addWidget(b)
        return box

    def record(self, appointment_id: int, outcome: str) -> bool:
        """Record one call's outcome (the buttons call this) and reload the list."""
        try:
            with self.ctx.db.write() as s:
                confirmations.record_call_outcome(s, self.ctx.actor, appointment_id, outcome,
                                                  now=self.ctx.clock.now())
        except OrcaError as exc:
            QMessageBox.warning(self, "Not recorded", str(exc))
            return False
        self.sig_status.emit(f"Call recorded: {confirmations.CALL_OUTCOMES[outcome].lower()}")
        self.refresh()
        return True
