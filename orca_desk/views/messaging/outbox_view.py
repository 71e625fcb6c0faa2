"""Outbox screen: every outgoing message, filtered; a message's history; retry and cancel."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.inbox_queries import outbox_purposes
from orca_desk.services.messaging.outbox import (
    CHANNELS,
    OUTBOX_STATUSES,
    OutboxEventRow,
    OutboxFilter,
    OutboxRow,
)
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.export_button import export_button
from orca_desk.ui.labels import date_edit_format
from orca_desk.ui.rows_table import empty_state
from orca_desk.ui.screen import Screen
from orca_desk.views.messaging.models import Column, RowsTableModel

STATUS_COLOURS = {
    "failed": "#b3261e",
    "undeliverable": "#b3261e",
    "cancelled": "#6b7785",
    "sent": "#1b7f4b",
    "delivered": "#1b7f4b",
    "deferred": "#b26a00",
    "queued": "#2f6fb3",
    "sending": "#2f6fb3",
}
PAGE_SIZE = 200


def _one_line(text: str, width: int = 90) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _day(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class OutboxScreen(Screen):
    """Lists the outbox newest first; loads 200 rows at a time as the table scrolls."""

    watches = frozenset({"outbox_message", "outbox_event", "patient"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.zone = ctx.clinic.locations[0].zone if ctx.clinic.locations else ZoneInfo("UTC")
        self.time_fmt = ctx.time_style()
        self._filter = OutboxFilter()
        self._total = 0
        filters, dates = self._build_filters()
        self._build_table()
        detail = self._build_detail()
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.count_label)
        split.addWidget(top)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([440, 380])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        # The messages the filters select (every page of them), as the table shows them.
        self.export_button = export_button(self, self.model, self.tr("Outbox"), status=self.sig_status.emit)
        dates.addWidget(self.export_button)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(split, 1)
        self._connect()
        self._show_detail(None)
        self.refresh()

    def _build_filters(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """Status, channel, purpose and text on one row; the dates on a second."""
        self.status_combo = QComboBox()
        # Item data: the statuses, comma-separated ("" = all).
        self.status_combo.addItem(self.tr("All"), "")
        self.status_combo.addItem(self.tr("Waiting (queued or deferred)"), "queued,deferred")
        self.status_combo.addItem(self.tr("Problems (failed or undeliverable)"), "failed,undeliverable")
        for s in OUTBOX_STATUSES:
            self.status_combo.addItem(language.say(s, "message").capitalize(), s)
        self.channel_combo = QComboBox()
        self.channel_combo.addItem(self.tr("All"), None)
        for c in CHANNELS:
            self.channel_combo.addItem(self.tr("SMS") if c == "sms" else self.tr("Email"), c)
        self.purpose_combo = QComboBox()
        self.purpose_combo.addItem(self.tr("All"), None)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search text, address or patient"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleDescription(
            self.tr("List only messages whose text, address or patient matches")
        )
        self.all_dates = QCheckBox(self.tr("All dates"))
        self.all_dates.setChecked(True)
        today = self.ctx.clock.now().astimezone(self.zone).date()
        self.date_from = QDateEdit(QDate(today.year, today.month, today.day).addDays(-7))
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_from.setAccessibleName(self.tr("From date"))
        self.date_to.setAccessibleName(self.tr("To date"))
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat(date_edit_format())
            d.setEnabled(False)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        for w, text in (
            (self.status_combo, self.tr("List only the messages in this state")),
            (self.channel_combo, self.tr("List only text messages or only emails")),
            (self.purpose_combo, self.tr("List only the messages sent for this purpose")),
            (self.all_dates, self.tr("List messages of every date; untick to choose the dates")),
            (self.date_from, self.tr("The first day of the messages listed")),
            (self.date_to, self.tr("The last day of the messages listed")),
            (self.refresh_button, self.tr("Read the messages again")),
        ):
            w.setAccessibleDescription(text)

        filters = QHBoxLayout()
        for label, widget in (
            (self.tr("Status"), self.status_combo),
            (self.tr("Channel"), self.channel_combo),
            (self.tr("Purpose"), self.purpose_combo),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        # Dates on a second row, so the screen fits a 1366-px desk monitor.
        dates = QHBoxLayout()
        dates.addWidget(self.all_dates)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel(self.tr("to")))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        dates.addWidget(self.refresh_button)
        return filters, dates

    def _build_table(self) -> None:
        self.model: RowsTableModel[OutboxRow] = RowsTableModel(
            [
                Column(self.tr("Created"), lambda r: self._when(r.created_at)),
                Column(
                    self.tr("Status"),
                    lambda r: language.say(r.status, "message"),
                    lambda r: language.say(r.error) if r.error else language.say(r.status, "message"),
                ),
                Column(
                    self.tr("Channel"), lambda r: self.tr("SMS") if r.channel == "sms" else self.tr("Email")
                ),
                Column(self.tr("To"), lambda r: r.to_shown),
                Column(self.tr("Patient"), lambda r: r.patient_name or "—"),
                Column(self.tr("Purpose"), lambda r: language.say(r.purpose.replace("_", " "))),
                Column(self.tr("Tries"), lambda r: str(r.attempts)),
                Column(self.tr("Next / sent"), self._next_or_sent),
                Column(self.tr("Message"), lambda r: _one_line(r.subject or r.body), lambda r: r.body),
            ],
            page_size=PAGE_SIZE,
            fetch_page=self._fetch_page,
            colour=lambda r: STATUS_COLOURS.get(r.status),
        )
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Messages"))
        self.table.setAccessibleDescription(
            self.tr("Messages sent and queued, newest first; select one to see it")
        )
        self.table.setModel(self.model)
        empty_state(
            self.table,
            self.tr(
                "No messages match: reminders, offers and replies queue here as "
                "they are sent; widen the dates or filters."
            ),
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((132, 92, 76, 146, 132, 104, 44, 168)):
            self.table.setColumnWidth(col, max(width, header.sectionSizeHint(col)))  # the header whole

    def _build_detail(self) -> QWidget:
        """The chosen message: its text, what happened to it, Retry and Cancel."""
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        self.detail_title = QLabel(self.tr("Choose a message to see what it says and what happened to it."))
        self.detail_title.setWordWrap(True)
        self.detail_title.setObjectName("detailTitle")
        self.body_view = QPlainTextEdit()
        self.body_view.setAccessibleName(self.tr("Message text"))
        self.body_view.setAccessibleDescription(self.tr("What the selected message says"))
        self.body_view.setReadOnly(True)
        self.body_view.setMaximumHeight(90)
        self.history_model: RowsTableModel[OutboxEventRow] = RowsTableModel(
            [
                Column(self.tr("When"), lambda e: self._when(e.at, seconds=True)),
                Column(self.tr("Status"), lambda e: language.say(e.status, "message")),
                Column(self.tr("What happened"), lambda e: language.say(e.detail)),
            ],
            colour=lambda e: STATUS_COLOURS.get(e.status),
        )
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.setAccessibleName(self.tr("History"))
        self.history.setAccessibleDescription(
            self.tr("When the selected message was queued, sent and delivered")
        )
        empty_state(self.history, self.tr("Select a message to see when it was queued, sent and delivered."))
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setColumnWidth(0, 150)
        self.history.setColumnWidth(1, 100)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.setToolTip(
            self.tr(
                "Queue a failed, undeliverable or cancelled message again "
                "(quiet hours, consent and budgets are checked when it is sent)"
            )
        )
        self.cancel_button = QPushButton(self.tr("Cancel message"))
        self.cancel_button.setToolTip(self.tr("Stop a queued or deferred message from going out"))
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)

        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 6, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.detail_title, 1)
        head.addWidget(self.retry_button)
        head.addWidget(self.cancel_button)
        dl.addLayout(head)
        dl.addWidget(self.error_label)
        dl.addWidget(self.body_view)
        history_label = QLabel(self.tr("History"))
        history_label.setObjectName("sectionTitle")
        dl.addWidget(history_label)
        dl.addWidget(self.history, 1)
        return detail

    def _connect(self) -> None:
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.status_combo, self.channel_combo, self.purpose_combo):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.all_dates.toggled.connect(self._on_all_dates_toggled)
        self.date_from.dateChanged.connect(lambda _d: self.apply_filters())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filters())
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)

    # ----- loading ------------------------------------------------------------------------
    def _when(self, at: datetime, *, seconds: bool = False) -> str:
        return local_time.fmt_recent(at, self.zone, self.time_fmt, now=self.ctx.clock.now(), seconds=seconds)

    def _next_or_sent(self, r: OutboxRow) -> str:
        if r.sent_at is not None:
            return self._when(r.sent_at)
        if r.status in ("queued", "deferred"):
            return self.tr("next {0}").format(self._when(r.next_attempt_at))
        return ""

    def _fetch_page(self, offset: int, limit: int) -> list[OutboxRow]:
        f = OutboxFilter(
            statuses=self._filter.statuses,
            channel=self._filter.channel,
            purpose=self._filter.purpose,
            since=self._filter.since,
            until=self._filter.until,
            text=self._filter.text,
            limit=limit,
            offset=offset,
        )
        rows: list[OutboxRow] = []
        self.ctx.ops.read(
            lambda s: outbox.list_messages(s, f), parent=self, on_done=rows.extend, background=False
        )
        return rows

    def current_filter(self) -> OutboxFilter:
        since = until = None
        if not self.all_dates.isChecked():
            since = self._instant(_day(self.date_from.date()))
            until = self._instant(_day(self.date_to.date()) + timedelta(days=1))
        statuses = tuple(x for x in str(self.status_combo.currentData() or "").split(",") if x)
        return OutboxFilter(
            statuses=statuses,
            channel=self.channel_combo.currentData(),
            purpose=self.purpose_combo.currentData(),
            since=since,
            until=until,
            text=self.search.text().strip(),
            limit=PAGE_SIZE,
        )

    def _instant(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.zone).astimezone(UTC)

    def apply_filters(self) -> None:
        self._filter = self.current_filter()
        selected = self.selected_row()
        self.model.reload()
        f = self._filter
        self.ctx.ops.read(
            lambda s: outbox.count_messages(s, f), parent=self, on_done=self._show_total, background=False
        )
        if selected is not None and self.select_message(selected.id):
            return
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._show_detail(None)

    def _show_total(self, total: int) -> None:
        self._total = total
        shown = self.model.rowCount()
        self.count_label.setText(
            self.tr("%n message(s)", "", self._total)
            + (
                self.tr(" · showing the newest {shown}, scroll for more").format(shown=shown)
                if shown < self._total
                else ""
            )
        )

    def refresh(self) -> None:
        self.ctx.ops.read(
            lambda s: (outbox_purposes(s), local_time.clinic_time_format(s)),
            parent=self,
            on_done=self._show_purposes,
            background=False,
        )
        self.apply_filters()

    def _show_purposes(self, loaded: tuple[list[str], str]) -> None:
        purposes, self.time_fmt = loaded
        current = self.purpose_combo.currentData()
        self.purpose_combo.blockSignals(True)
        self.purpose_combo.clear()
        self.purpose_combo.addItem(self.tr("All"), None)
        for p in purposes:
            self.purpose_combo.addItem(language.say(p.replace("_", " ")), p)
        index = self.purpose_combo.findData(current)
        self.purpose_combo.setCurrentIndex(max(index, 0))
        self.purpose_combo.blockSignals(False)

    def _on_all_dates_toggled(self, checked: bool) -> None:
        self.date_from.setEnabled(not checked)
        self.date_to.setEnabled(not checked)
        self.apply_filters()

    # ----- selection and detail -------------------------------------------------------------
    def selected_row(self) -> OutboxRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row_at(rows[0].row()) if rows else None

    def select_message(self, message_id: int) -> bool:
        for i, r in enumerate(self.model.rows()):
            if r.id == message_id:
                self.table.selectRow(i)
                return True
        self._show_detail(None)
        return False

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_detail(self.selected_row())

    def _show_detail(self, row: OutboxRow | None) -> None:
        self.error_label.clear()
        if row is None:
            self.detail_title.setText(
                self.tr("Choose a message to see what it says and what happened to it.")
            )
            self.body_view.clear()
            self.history_model.set_rows([])
            self.retry_button.setEnabled(False)
            self.cancel_button.setEnabled(False)
            return
        who = f"{row.patient_name} · " if row.patient_name else ""
        subject = f" — “{row.subject}”" if row.subject else ""
        self.detail_title.setText(
            f"<b>#{row.id}</b> · {language.say(row.status, 'message')} · {who}{row.to_shown}{subject}"
        )
        self.body_view.setPlainText(row.body)
        self.ctx.ops.read(
            lambda s: outbox.message_history(s, row.id),
            parent=self,
            on_done=self.history_model.set_rows,
            on_error=self.error_label.setText,
            background=False,
        )
        if row.error:
            self.error_label.setText(self.tr("Last error: {error}").format(error=row.error))
        self.retry_button.setEnabled(row.status in outbox.RETRYABLE)
        self.cancel_button.setEnabled(row.status in outbox.PENDING)

    # ----- actions ------------------------------------------------------------------------
    def retry_selected(self) -> None:
        self._act("retry")

    def cancel_selected(self) -> None:
        self._act("cancel")

    def _act(self, what: str) -> None:
        row = self.selected_row()
        if row is None:
            return
        now, actor = self.ctx.clock.now(), self.ctx.actor
        reason = f"cancelled from the Outbox by {actor.username}"
        work = (
            (lambda s: outbox.retry(s, actor, row.id, now=now))
            if what == "retry"
            else (lambda s: outbox.cancel(s, actor, row.id, now=now, reason=reason))
        )
        # The changes reload the list, which keeps this message selected.
        self.ctx.ops.write(
            work,
            parent=self,
            title=self.tr("Retry") if what == "retry" else self.tr("Cancel"),
            on_error=self.error_label.setText,
            on_done=lambda _none: self.sig_status.emit(
                self.tr("Message #{id} queued again").format(id=row.id)
                if what == "retry"
                else self.tr("Message #{id} cancelled").format(id=row.id)
            ),
        )
