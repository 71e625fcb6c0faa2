""" "Repeat…": build a recurrence rule, preview every date with its conflicts, decide, save the series."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QDeadlineTimer, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time, recurrence
from orca_desk.services.errors import OrcaError
from orca_desk.services.series import SeriesPreview, create_series, load_series_preview
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import SHORT, date_format, weekday_name
from orca_desk.ui.workers import BackgroundLoader, Cancelled, JobControl
from orca_desk.views.calendar.recurrence_preview import PreviewModel, when_text

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = (
    (
        QT_TRANSLATE_NOOP("RecurrenceDialog", "Daily"),
        "DAILY",
    ),
    (
        QT_TRANSLATE_NOOP("RecurrenceDialog", "Weekly"),
        "WEEKLY",
    ),
    (
        QT_TRANSLATE_NOOP("RecurrenceDialog", "Monthly"),
        "MONTHLY",
    ),
    (QT_TRANSLATE_NOOP("RecurrenceDialog", "Custom rule (RFC 5545)"), ""),
)
ORDINALS = (
    QT_TRANSLATE_NOOP("RecurrenceDialog", "1st"),
    QT_TRANSLATE_NOOP("RecurrenceDialog", "2nd"),
    QT_TRANSLATE_NOOP("RecurrenceDialog", "3rd"),
    QT_TRANSLATE_NOOP("RecurrenceDialog", "4th"),
    QT_TRANSLATE_NOOP("RecurrenceDialog", "last"),
)


class RecurrenceDialog(QDialog):
    """Build the rule, see the summary and every date, decide per conflict, save the series."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        patient_id: int,
        patient_name: str,
        provider_id: int,
        chair_id: int,
        type_id: int,
        start: datetime,
        minutes: int,
        appointment_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.appointment_id = appointment_id  # opened from this appointment: it is the first date
        self.patient_id, self.provider_id = patient_id, provider_id
        self.chair_id, self.type_id = chair_id, type_id
        chair = next(c for c in ctx.clinic.chairs if c.id == chair_id)
        self.zone = ctx.clinic.location(chair.location_id).zone
        self.start = start.astimezone(self.zone)
        self.time_fmt = ctx.time_style()
        self.minutes = minutes
        self.series_id: int | None = None
        self.preview: SeriesPreview | None = None
        self.setWindowTitle(self.tr("Repeat — {patient_name}").format(patient_name=patient_name))
        self.setMinimumSize(820, 620)
        head = self._head(patient_name, chair.name)
        form = self._build_rule_form()
        self._build_preview_table()
        actions = self._build_preview_actions()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save series"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.rule_label)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.buttons)
        self._connect_rule_changes()
        self.freq.setCurrentIndex(1)
        self._on_rule_changed()
        self.refresh_preview()

    def _head(self, patient_name: str, chair_name: str) -> QLabel:
        provider = next((p.name for p in self.ctx.clinic.providers if p.id == self.provider_id), "?")
        type_name = next((t.name for t in self.ctx.clinic.types if t.id == self.type_id), "?")
        head = QLabel(
            self.tr(
                "<b>{patient_name}</b> · {type_name} · {minutes} min · {provider} · "
                "{chair_name}<br>from {value} at {value2}"
            ).format(
                patient_name=patient_name,
                type_name=type_name,
                minutes=self.minutes,
                provider=provider,
                chair_name=chair_name,
                value=when_text(self.start),
                value2=local_time.fmt_wall(self.start, self.time_fmt),
            )
        )
        head.setObjectName("hint")
        return head

    def _build_rule_form(self) -> QFormLayout:
        """Repeat (frequency, interval and its pattern) and Ends."""
        self.freq = QComboBox()
        for label, _code in FREQUENCIES:
            self.freq.addItem(self.tr(str(label)))
        self.freq.setMaximumWidth(260)
        self.interval = QSpinBox()
        self.interval.setRange(1, 52)
        self.unit = QLabel()  # its words follow the frequency and the interval
        every = QHBoxLayout()
        every.addWidget(QLabel(self.tr("Every")))
        every.addWidget(self.interval)
        every.addWidget(self.unit)
        every.addStretch(1)
        self._build_days_and_months()
        self.custom = QLineEdit()
        self.custom.setPlaceholderText(self.tr("e.g. FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=6"))
        self.pattern = QStackedWidget()
        self.pattern.addWidget(QWidget())  # daily: nothing more
        self.pattern.addWidget(self.days_widget)
        self.pattern.addWidget(self.month_widget)
        self.pattern.addWidget(self.custom)
        self.pattern.setSizePolicy(
            self.pattern.sizePolicy().horizontalPolicy(), self.pattern.sizePolicy().verticalPolicy()
        )
        end_row = self._build_ends()
        form = QFormLayout()
        form.addRow(self.tr("Repeat"), self.freq)
        form.addRow("", every)
        form.addRow("", self.pattern)
        form.addRow(self.tr("Ends"), end_row)
        return form

    def _build_days_and_months(self) -> None:
        self.day_boxes: list[QCheckBox] = []
        days_row = QHBoxLayout()
        for i in range(7):
            box = QCheckBox(weekday_name(i))
            box.setChecked(i == self.start.weekday())
            self.day_boxes.append(box)
            days_row.addWidget(box)
        days_row.addStretch(1)
        self.days_widget = QWidget()
        self.days_widget.setLayout(days_row)
        days_row.setContentsMargins(0, 0, 0, 0)

        self.by_monthday = QRadioButton(self.tr("On day {day}").format(day=self.start.day))
        nth = min((self.start.day - 1) // 7, 3)
        last = (self.start + timedelta(days=7)).month != self.start.month
        self.ordinal = QComboBox()
        self.ordinal.addItems([self.tr(str(o)) for o in ORDINALS])
        self.ordinal.setCurrentIndex(4 if last and nth == 3 else nth)
        self.by_weekday = QRadioButton(
            self.tr("On the … {weekday}").format(weekday=weekday_name(self.start.weekday(), short=False))
        )
        self.by_monthday.setChecked(True)
        month_row = QHBoxLayout()
        month_row.setContentsMargins(0, 0, 0, 0)
        month_row.addWidget(self.by_monthday)
        month_row.addSpacing(12)
        month_row.addWidget(self.by_weekday)
        month_row.addWidget(self.ordinal)
        month_row.addStretch(1)
        self.month_widget = QWidget()
        self.month_widget.setLayout(month_row)

    def _build_ends(self) -> QHBoxLayout:
        self.end_count = QRadioButton(self.tr("After"))
        self.count = QSpinBox()
        self.count.setRange(1, 520)
        self.count.setValue(8)
        self.end_until = QRadioButton(self.tr("On"))
        self.until = QDateEdit()
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat(date_format(SHORT))
        u = self.start.date() + timedelta(days=365)
        self.until.setDate(QDate(u.year, u.month, u.day))
        self.end_never = QRadioButton(self.tr("Never (booked 12 months ahead, extended automatically)"))
        self.end_count.setChecked(True)
        self.ends = QButtonGroup(self)
        for end_button in (self.end_count, self.end_until, self.end_never):
            self.ends.addButton(end_button)
        end_row = QHBoxLayout()
        end_row.addWidget(self.end_count)
        end_row.addWidget(self.count)
        self.times_label = QLabel()
        self.count.valueChanged.connect(self._count_changed)
        self._count_changed(self.count.value())
        end_row.addWidget(self.times_label)
        end_row.addSpacing(16)
        end_row.addWidget(self.end_until)
        end_row.addWidget(self.until)
        end_row.addSpacing(16)
        end_row.addWidget(self.end_never)
        end_row.addStretch(1)
        return end_row

    def _unit_text(self, frequency: str, n: int) -> str:
        """The interval's unit, in the number the interval asks for: "week", "semanas"."""
        if frequency == "DAILY":
            return self.tr("day(s)", "", n)
        if frequency == "WEEKLY":
            return self.tr("week(s)", "", n)
        if frequency == "MONTHLY":
            return self.tr("month(s)", "", n)
        return ""

    def _count_changed(self, n: int) -> None:
        self.times_label.setText(self.tr("time(s)", "", n))  # "After 1 time", "Después de 1 vez"

    def _build_preview_table(self) -> None:
        self.summary = QLabel()
        self.summary.setObjectName("seriesSummary")
        self.summary.setProperty("textRole", "headline")
        self.rule_label = QLabel()
        self.rule_label.setObjectName("hint")
        self.rule_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)

        self.model = PreviewModel(self, self.time_fmt)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for col, mode in enumerate(
            (QHeaderView.ResizeMode.ResizeToContents,) * 3
            + (QHeaderView.ResizeMode.Stretch,)
            + (QHeaderView.ResizeMode.ResizeToContents,) * 2
        ):
            header.setSectionResizeMode(col, mode)
        self.table.doubleClicked.connect(self._on_row_double_clicked)

    def _build_preview_actions(self) -> QHBoxLayout:
        """Decisions on the selected dates, and the preview's progress."""
        self.counts = QLabel()
        self.counts.setObjectName("hint")
        self.use_alt = QPushButton(self.tr("Use suggested time"))
        self.skip = QPushButton(self.tr("Skip date"))
        self.book_anyway = QPushButton(self.tr("Book as is"))
        self.use_alt.clicked.connect(lambda: self._decide_selected("alternative"))
        self.skip.clicked.connect(lambda: self._decide_selected("skip"))
        self.book_anyway.clicked.connect(lambda: self._decide_selected("book"))
        # The preview runs on a pool thread: a long rule never freezes the desk, and it can be stopped.
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("Checking dates… %p%")
        self.progress.setMinimumWidth(220)
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.stop_preview = QPushButton(self.tr("Stop checking"))
        self.stop_preview.hide()
        self.stop_preview.clicked.connect(self.cancel_preview)
        self.previewing = False
        self.loader = BackgroundLoader(self)
        self.loader.sig_loaded.connect(self._on_preview_loaded)
        self.loader.sig_failed.connect(self._on_preview_failed)
        self.loader.sig_progress.connect(self._on_preview_progress)
        actions = QHBoxLayout()
        actions.addWidget(self.progress)
        actions.addWidget(self.stop_preview)
        actions.addWidget(self.counts, 1)
        actions.addWidget(self.use_alt)
        actions.addWidget(self.skip)
        actions.addWidget(self.book_anyway)
        return actions

    def _connect_rule_changes(self) -> None:
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.refresh_preview)
        for signal in (
            self.freq.currentIndexChanged,
            self.interval.valueChanged,
            self.count.valueChanged,
            self.ordinal.currentIndexChanged,
            self.custom.textChanged,
            self.until.dateChanged,
        ):
            signal.connect(self._on_rule_changed)
        for b in (
            *self.day_boxes,
            self.by_monthday,
            self.by_weekday,
            self.end_count,
            self.end_until,
            self.end_never,
        ):
            b.toggled.connect(self._on_rule_changed)

    # ----- the rule ------------------------------------------------------------------------
    def set_rule(
        self,
        *,
        frequency: str,
        interval: int = 1,
        weekdays: tuple[int, ...] = (),
        count: int | None = None,
        until: date | None = None,
        custom: str = "",
    ) -> None:
        """Fill the controls (tests and callers that reopen a series use this)."""
        codes = [code for _l, code in FREQUENCIES]
        self.freq.setCurrentIndex(codes.index(frequency) if frequency in codes else 3)
        self.interval.setValue(interval)
        if weekdays:
            for i, box in enumerate(self.day_boxes):
                box.setChecked(i in weekdays)
        self.custom.setText(custom)
        if count is not None:
            self.end_count.setChecked(True)
            self.count.setValue(count)
        elif until is not None:
            self.end_until.setChecked(True)
            self.until.setDate(QDate(until.year, until.month, until.day))
        else:
            self.end_never.setChecked(True)

    def rule(self) -> str:
        """The RRULE value the controls describe (without the RRULE: prefix)."""
        index = self.freq.currentIndex()
        if index == 3:
            return self.custom.text().strip()
        _label, code = FREQUENCIES[index]
        parts = [f"FREQ={code}"]
        if self.interval.value() > 1:
            parts.append(f"INTERVAL={self.interval.value()}")
        if code == "WEEKLY":
            days = [DAY_CODES[i] for i, b in enumerate(self.day_boxes) if b.isChecked()]
            parts.append(f"BYDAY={','.join(days or [DAY_CODES[self.start.weekday()]])}")
        elif code == "MONTHLY":
            if self.by_weekday.isChecked():
                n = self.ordinal.currentIndex()
                parts.append(f"BYDAY={-1 if n == 4 else n + 1}{DAY_CODES[self.start.weekday()]}")
            else:
                parts.append(f"BYMONTHDAY={self.start.day}")
        if self.end_count.isChecked():
            parts.append(f"COUNT={self.count.value()}")
        elif self.end_until.isChecked():
            d = self.until.date()
            parts.append(f"UNTIL={d.year():04d}{d.month():02d}{d.day():02d}")
        return ";".join(parts)

    def _on_rule_changed(self, *_args: object) -> None:
        index = self.freq.currentIndex()
        self.pattern.setCurrentIndex(index)
        self.unit.setText(self._unit_text(FREQUENCIES[index][1], self.interval.value()))
        custom = index == 3
        self.interval.setEnabled(not custom)
        for w in (self.end_count, self.count, self.end_until, self.until, self.end_never):
            w.setEnabled(not custom)
        self.ordinal.setEnabled(self.by_weekday.isChecked())
        rule = self.rule()
        self.rule_label.setText(self.tr("RRULE:{rule}").format(rule=rule) if rule else "")
        summary, problem = recurrence.describe_typed(rule, self.start, language.current())
        self.summary.setText(summary)
        self.error.setText(
            self.tr("The rule is not valid: {problem}").format(problem=problem) if problem else ""
        )
        self._debounce.start()

    # ----- preview -------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        """Check every date of the rule on a pool thread; the table fills in when it is done."""
        self._debounce.stop()
        db, clock, rule, start, minutes = self.ctx.db, self.ctx.clock, self.rule(), self.start, self.minutes
        patient_id, provider_id = self.patient_id, self.provider_id
        chair_id, type_id = self.chair_id, self.type_id
        replacing = [self.appointment_id] if self.appointment_id is not None else []

        def job(control: JobControl) -> SeriesPreview:
            return load_series_preview(
                db,
                patient_id=patient_id,
                provider_id=provider_id,
                chair_id=chair_id,
                type_id=type_id,
                rrule=rule,
                dtstart=start,
                minutes=minutes,
                now=clock.now(),
                replacing=replacing,
                progress=control.progress,
            )

        self.previewing = True
        self.progress.setValue(0)
        self.progress.show()
        self.stop_preview.show()
        self.save_button.setEnabled(False)
        self.loader.start_controlled(job)

    def cancel_preview(self) -> None:
        """Stop checking (the desk's "Stop checking"); nothing is shown until the rule changes."""
        if not self.previewing:
            return
        self.loader.cancel()
        self._preview_done()
        self.preview = None
        self.model.set_preview(None)
        self.error.setText(self.tr("Checking stopped. Change the rule to check again."))
        self._update_counts()

    def wait_for_preview(self, timeout_ms: int = 20_000) -> bool:
        """Block until the running preview is shown (tests, Save)."""
        app = QCoreApplication.instance()
        deadline = QDeadlineTimer(timeout_ms)
        while self.previewing and not deadline.hasExpired():
            self.loader.wait(20)
            if app is not None:
                app.processEvents()
        return not self.previewing

    def _preview_done(self) -> None:
        self.previewing = False
        self.progress.hide()
        self.stop_preview.hide()

    def _on_preview_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _on_preview_loaded(self, preview: object) -> None:
        assert isinstance(preview, SeriesPreview)
        self._preview_done()
        self.preview = preview
        if not self.error.text().startswith("The rule is not valid"):
            self.error.setText("")
        self.model.set_preview(preview)
        self._update_counts()

    def _on_preview_failed(self, exc: object) -> None:
        self._preview_done()
        self.preview = None
        if isinstance(exc, Cancelled):
            return
        self.error.setText(
            self.tr("The rule is not valid: {exc}").format(exc=language.say(str(exc)))
            if isinstance(exc, OrcaError)
            else self.tr("The dates could not be checked: {exc}").format(exc=language.say(str(exc)))
        )
        self.model.set_preview(None)
        self._update_counts()

    def done(self, result: int) -> None:
        self.loader.cancel()  # a running check stops at its next date; its result is dropped
        super().done(result)

    def _update_counts(self) -> None:
        if self.preview is None:
            self.counts.setText("")
            self.save_button.setEnabled(False)
            return
        book, skip, risky = self.model.counts()
        conflicts = len(self.preview.conflicts)
        more = self.tr(" (12 months; later ones are booked as they come)") if self.preview.never_ends else ""
        text = self.tr("{dates}{more} · {conflicts} · {book} · {skip}").format(
            dates=self.tr("%n date(s)", "", len(self.preview.occurrences)),
            more=more,
            conflicts=self.tr("%n with conflicts", "", conflicts),
            book=self.tr("%n to book", "", book),
            skip=self.tr("%n skipped", "", skip),
        )
        if risky:
            text += self.tr(" · %n conflicting date(s) set to book will be refused", "", risky)
        self.counts.setText(text)
        self.save_button.setEnabled(book > 0)

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def _decide_selected(self, decision: str) -> None:
        for row in self._selected_rows():
            self.model.set_decision(row, decision)
        self._update_counts()

    def _on_row_double_clicked(self, index: QModelIndex) -> None:
        # Cycle the decision of a conflicting row: suggested → skip → book.
        order = ["alternative", "skip", "book"]
        current = self.model.decision(index.row())
        for step in range(1, 4):
            if self.model.set_decision(index.row(), order[(order.index(current) + step) % 3]):
                break
        self._update_counts()

    # ----- save ----------------------------------------------------------------------------
    def save(self) -> None:
        if self.previewing or self.preview is None:
            if not self.previewing:
                self.refresh_preview()
            self.wait_for_preview()
            if self.preview is None:
                return
        rule, decisions, now = self.rule(), self.model.decisions(), self.ctx.clock.now()
        created: list[int] = []
        if not self.ctx.ops.write(
            lambda session: create_series(
                session,
                self.ctx.actor,
                patient_id=self.patient_id,
                provider_id=self.provider_id,
                chair_id=self.chair_id,
                type_id=self.type_id,
                rrule=rule,
                dtstart=self.start,
                minutes=self.minutes,
                decisions=decisions,
                adopt_appointment_id=self.appointment_id,
                now=now,
            ),
            parent=self,
            on_done=created.append,
            on_error=self.error.setText,
            title=self.tr("Series not created"),
        ):
            return
        self.series_id = created[0]
        self.accept()
