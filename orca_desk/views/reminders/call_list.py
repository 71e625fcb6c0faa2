"""The call list: families who have not confirmed, with phone numbers and one-click outcomes."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import NamedTuple
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMenu, QVBoxLayout

from orca_desk.services import confirmations, local_time
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import WEEKDAY_LONG_DAY_MONTH, fmt_day
from orca_desk.ui.export_button import export_button
from orca_desk.ui.rows_table import RowsModel, table
from orca_desk.ui.screen import Screen
from orca_desk.ui.workers import BackgroundLoader
from orca_desk.views.reminders.outcome_buttons import OutcomeButtons

# Button labels short enough that the four fit beside the row at 1280 px; the tooltip says it in full.
SHORT_OUTCOMES = {"left_voicemail": QT_TRANSLATE_NOOP("CallListScreen", "Voicemail")}
SIZED_ROWS = 40
COLUMNS = [
    QT_TRANSLATE_NOOP("CallListScreen", "Visit"),
    QT_TRANSLATE_NOOP("CallListScreen", "Patient"),
    QT_TRANSLATE_NOOP("CallListScreen", "Contact"),
    QT_TRANSLATE_NOOP("CallListScreen", "Phone"),
    QT_TRANSLATE_NOOP("CallListScreen", "Type · place"),
    QT_TRANSLATE_NOOP("CallListScreen", "Status"),
    QT_TRANSLATE_NOOP("CallListScreen", "Outcome"),
]
STATUS_TEXT = {
    "unconfirmed": QT_TRANSLATE_NOOP("CallListScreen", "not asked yet"),
    "requested": QT_TRANSLATE_NOOP("CallListScreen", "asked, no answer"),
    "callback": QT_TRANSLATE_NOOP("CallListScreen", "asked for a call"),
}
# The service's outcome labels, for pyside6-lupdate: shown through outcome_labels().
OUTCOME_LABELS = (
    QT_TRANSLATE_NOOP("CallListScreen", "Confirmed"),
    QT_TRANSLATE_NOOP("CallListScreen", "Left voicemail"),
    QT_TRANSLATE_NOOP("CallListScreen", "No answer"),
    QT_TRANSLATE_NOOP("CallListScreen", "Reschedule"),
)


def outcome_labels(short: dict[str, object] | None = None) -> dict[str, str]:
    """The call outcomes (or their short button labels) in the UI's language."""
    short = short or {}
    return {
        k: QCoreApplication.translate("CallListScreen", str(short.get(k, label)))
        for k, label in confirmations.CALL_OUTCOMES.items()
    }


class CallLine(NamedTuple):
    """A row as shown: its visit and the text of each column."""

    appointment_id: int
    texts: tuple[str, ...]


def _cell(column: int, line: CallLine) -> str:
    return line.texts[column]


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
        # Each line: the appointment and its cells' texts (the outcome column draws buttons).
        self.model = RowsModel[CallLine](
            [(self.tr(str(title)), partial(_cell, c)) for c, title in enumerate(COLUMNS)], cell_tooltips=True
        )
        self.table = table(
            self.model,
            2,
            empty=self.tr("Nobody to call: every visit of the day is confirmed, or none is booked yet."),
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAccessibleName(self.tr("Call list"))
        self.table.setAccessibleDescription(
            self.tr("Families to call about unconfirmed visits; each row's buttons record how the call went")
        )
        self.table.setAlternatingRowColors(False)  # plain rows: the buttons carry the eye along
        self.outcomes = OutcomeButtons(self.table, outcome_labels(), outcome_labels(SHORT_OUTCOMES))
        self.outcomes.sig_clicked.connect(
            lambda row, outcome: self.record(self.rows[row].appointment_id, outcome)
        )
        self.table.setItemDelegateForColumn(len(COLUMNS) - 1, self.outcomes)
        # The same outcomes from the keyboard (the Menu key) or a right click on a row.
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(SIZED_ROWS)  # widths from the first rows: a long list is slow
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Fixed)
        self.rows: list[confirmations.CallRow] = []
        self._sized = False
        self.day: date | None = None  # the toolbar's day; None or today or earlier: the next business day
        self.location_id: int | None = ctx.clinic.locations[0].id if ctx.clinic.locations else None
        self.shown_day: date | None = None  # the day the rows are about
        self.loading = False
        self.loader = BackgroundLoader(self)
        self.loader.sig_loaded.connect(self._on_loaded)
        self.loader.sig_failed.connect(self._on_load_failed)
        # The outcome buttons column holds buttons, not text: left out of the file.
        self.export_button = export_button(
            self, self.model, self.tr("Call list"), status=self.sig_status.emit, skip=(len(COLUMNS) - 1,)
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
        self.summary.setText(self.tr("Loading the call list…"))
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
        self.summary.setText(
            self.tr("The call list could not be loaded: {exc}").format(exc=language.say(str(exc)))
        )

    def wait_until_loaded(self, timeout_ms: int = 10_000) -> bool:
        """Block until a pending background load has been shown (the screenshot, tests)."""
        return self.loader.wait_while(lambda: self.loading, timeout_ms)

    def _on_loaded(self, data: object) -> None:
        assert isinstance(data, confirmations.CallListLoad)
        self.rows, self.shown_day = data.rows, data.day
        families = self.tr("%n family(s)", "", len(self.rows))
        where = ""
        if data.location_id is not None:
            where = self.tr(" at {name}").format(name=self.ctx.clinic.location(data.location_id).name)
        about = (
            fmt_day(data.day, WEEKDAY_LONG_DAY_MONTH)
            if data.day is not None
            else self.tr("the next business day")
        )
        self.summary.setText(
            self.tr("<b>{families} to call</b> — visits on {about}{where} not confirmed yet").format(
                families=families, about=about, where=where
            )
        )
        # One day at one location: the title says which, so the rows say only the time and the type.
        one_day = data.day is not None and data.location_id is not None
        zone = self.ctx.clinic.location(data.location_id).zone if data.location_id is not None else None
        time_fmt = self.ctx.time_style()
        lines = []
        for row in self.rows:
            when = (
                local_time.fmt_time(row.start, zone, time_fmt) if one_day and zone is not None else row.when
            )
            texts = (
                when,
                row.patient,
                language.say(row.responsible),
                "\n".join(row.phones) or self.tr("no number"),
                row.type_name if one_day else f"{row.type_name} · {row.location}",
                self._status(row),
                "",
            )
            lines.append(CallLine(row.appointment_id, texts))
        place = self.tr("Type") if data.location_id is not None else self.tr("Type · place")
        self.model.columns[4] = (place, self.model.columns[4][1])
        if lines and not self._sized:
            self._size_for_buttons()
        self.model.set_rows(lines)
        for r, line in enumerate(lines):
            if "\n" in line.texts[3] or "\n" in line.texts[5]:
                self.table.resizeRowToContents(r)
        self.loading = False

    def _status(self, row: confirmations.CallRow) -> str:
        """The confirmation's state, and under it the last call's outcome and how many calls (the
        contact's name keeps the width a column of its own would take at 1280 px)."""
        status = self.tr(str(STATUS_TEXT.get(row.confirmation, row.confirmation)))
        if not row.attempts:
            return status
        called = self.tr("%n call(s): {outcome}", "", row.attempts).format(
            outcome=QCoreApplication.translate("CallListScreen", row.last_outcome).lower()
        )
        return f"{status}\n{called}"

    def outcome_menu(self, row: int) -> QMenu:
        """The outcomes of the row's call as a menu (each records it, as its button does)."""
        menu = QMenu(self)
        appointment_id = self.rows[row].appointment_id
        for outcome, label in outcome_labels().items():
            menu.addAction(label, partial(self.record, appointment_id, outcome))
        return menu

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            index = self.table.currentIndex()
            pos = self.table.visualRect(index).center()
        if index.isValid() and index.row() < len(self.rows):
            self.outcome_menu(index.row()).exec(self.table.viewport().mapToGlobal(pos))

    def _size_for_buttons(self) -> None:
        """The outcome column as wide as its buttons, and every row as tall as a text row or the
        buttons, plus the grid line; a row with several numbers grows to fit them (measuring
        every row of a long list is slow)."""
        self._sized = True
        self.table.setColumnWidth(len(COLUMNS) - 1, self.outcomes.width())
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(max(rows.defaultSectionSize(), self.outcomes.height()) + 1)

    def record(self, appointment_id: int, outcome: str) -> bool:
        """Record one call's outcome (the buttons call this); its changes reload the list."""
        now = self.ctx.clock.now()
        return self.ctx.ops.write(
            lambda s: confirmations.record_call_outcome(s, self.ctx.actor, appointment_id, outcome, now=now),
            parent=self,
            title=self.tr("Not recorded"),
            on_done=lambda _appt: self.sig_status.emit(
                self.tr("Call recorded: {value}").format(value=outcome_labels()[outcome].lower())
            ),
        )
