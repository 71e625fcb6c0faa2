"""The forms of the Schedules screen's holidays and blocks tabs (built with their tabs)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QWidget,
)

from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import date_edit_format, time_edit_format

BLOCK_COLOURS = [
    (QT_TRANSLATE_NOOP("ScheduleForms", "Sand"), "#c9b8a6"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Grey"), "#9aa5b1"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Rose"), "#e3a6ae"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Sky"), "#9cc3e6"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Mint"), "#a8d5ba"),
]
REPEATS = [
    (QT_TRANSLATE_NOOP("ScheduleForms", "Does not repeat"), ""),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Every weekday"), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Every week"), "FREQ=WEEKLY"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Every 2 weeks"), "FREQ=WEEKLY;INTERVAL=2"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Custom rule (RRULE)…"), "custom"),
]

EXCEPTION_KINDS = [
    (QT_TRANSLATE_NOOP("ScheduleForms", "Time off (this provider)"), "time_off"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Holiday (whole clinic)"), "holiday"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Holiday (one location)"), "location_holiday"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Extra working day (this provider)"), "extra_day"),
]
TIME_OFF_TYPES = [
    (QT_TRANSLATE_NOOP("ScheduleForms", "Vacation"), "vacation"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Sick"), "sick"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Training"), "training"),
    (QT_TRANSLATE_NOOP("ScheduleForms", "Other"), "other"),
]


def repeat_label(rrule: str | None) -> str:
    """A block's repeat as the form names it ("Every week"), else its rule."""
    label = next((label for label, rule in REPEATS if rule == rrule), None)
    return QCoreApplication.translate("ScheduleForms", str(label)) if label else rrule or "—"


class ScheduleForms:
    """The inputs of "Add an exception" and "Add a block", part of the Schedules screen."""

    ctx: AppContext
    time_fmt: str

    def _build_exception_form(self) -> QGroupBox:
        self.x_kind = QComboBox()
        for label, kind in EXCEPTION_KINDS:
            self.x_kind.addItem(QCoreApplication.translate("ScheduleForms", str(label)), kind)
        self.x_from, self.x_to = QDateEdit(), QDateEdit()
        for d in (self.x_from, self.x_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat(date_edit_format())
        self.x_partial = QCheckBox(QCoreApplication.translate("ScheduleForms", "Part of the day"))
        self.x_start, self.x_end = QTimeEdit(QTime(13, 0)), QTimeEdit(QTime(17, 0))
        for edit in (self.x_start, self.x_end):
            edit.setDisplayFormat(time_edit_format(self.time_fmt))
        self.x_type = QComboBox()
        for label, kind in TIME_OFF_TYPES:
            self.x_type.addItem(QCoreApplication.translate("ScheduleForms", str(label)), kind)
        self.x_location = QComboBox()
        for loc in self.ctx.clinic.locations:
            self.x_location.addItem(loc.name, loc.id)
        self.x_name = QLineEdit()
        self.x_name.setPlaceholderText(
            QCoreApplication.translate("ScheduleForms", "e.g. Thanksgiving, Family trip")
        )
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("ScheduleForms", "Kind"), self.x_kind)
        form.addRow(
            QCoreApplication.translate("ScheduleForms", "Days"),
            _row(self.x_from, QLabel(QCoreApplication.translate("ScheduleForms", "to")), self.x_to),
        )
        form.addRow("", _row(self.x_partial, self.x_start, QLabel("–"), self.x_end))
        form.addRow(QCoreApplication.translate("ScheduleForms", "Type"), self.x_type)
        form.addRow(QCoreApplication.translate("ScheduleForms", "Location"), self.x_location)
        form.addRow(QCoreApplication.translate("ScheduleForms", "Name"), self.x_name)
        group = QGroupBox(QCoreApplication.translate("ScheduleForms", "Add an exception"))
        group.setLayout(form)
        self._describe_exception_form()
        return group

    def _describe_exception_form(self) -> None:
        for w, name in (
            (self.x_from, QCoreApplication.translate("ScheduleForms", "First day")),
            (self.x_to, QCoreApplication.translate("ScheduleForms", "Last day")),
            (self.x_start, QCoreApplication.translate("ScheduleForms", "From")),
            (self.x_end, QCoreApplication.translate("ScheduleForms", "Until")),
        ):
            w.setAccessibleName(name)
        describe(
            (
                (self.x_kind, QCoreApplication.translate("ScheduleForms", "Time off, or extra hours worked")),
                (self.x_from, QCoreApplication.translate("ScheduleForms", "The first day of the exception")),
                (self.x_to, QCoreApplication.translate("ScheduleForms", "The last day of the exception")),
                (
                    self.x_partial,
                    QCoreApplication.translate(
                        "ScheduleForms", "On: only the hours given beside it, not the whole day"
                    ),
                ),
                (
                    self.x_start,
                    QCoreApplication.translate("ScheduleForms", "When the part of the day starts"),
                ),
                (self.x_end, QCoreApplication.translate("ScheduleForms", "When the part of the day ends")),
                (
                    self.x_type,
                    QCoreApplication.translate(
                        "ScheduleForms", "Why the time is off, such as holiday or vacation"
                    ),
                ),
                (
                    self.x_location,
                    QCoreApplication.translate("ScheduleForms", "The location the exception is for"),
                ),
                (
                    self.x_name,
                    QCoreApplication.translate("ScheduleForms", "A name shown in the list and the calendar"),
                ),
            )
        )

    def _build_block_form(self) -> QGroupBox:
        self.b_location = QComboBox()
        for loc in self.ctx.clinic.locations:
            self.b_location.addItem(loc.name, loc.id)
        self.b_location.currentIndexChanged.connect(self._fill_block_targets)
        self.b_target = QComboBox()
        self.b_day = QDateEdit()
        self.b_day.setCalendarPopup(True)
        self.b_day.setDisplayFormat(date_edit_format())
        self.b_start, self.b_end = QTimeEdit(QTime(12, 0)), QTimeEdit(QTime(13, 0))
        for t in (self.b_start, self.b_end):
            t.setDisplayFormat(time_edit_format(self.time_fmt))
        self.b_reason = QLineEdit()
        self.b_reason.setPlaceholderText(
            QCoreApplication.translate("ScheduleForms", "e.g. Staff meeting, Lunch, Training")
        )
        self.b_colour = QComboBox()
        for label, colour in BLOCK_COLOURS:
            self.b_colour.addItem(QCoreApplication.translate("ScheduleForms", str(label)), colour)
        self.b_repeat = QComboBox()
        for label, rule in REPEATS:
            self.b_repeat.addItem(QCoreApplication.translate("ScheduleForms", str(label)), rule)
        self.b_rrule = QLineEdit()
        self.b_rrule.setPlaceholderText(
            QCoreApplication.translate("ScheduleForms", "FREQ=WEEKLY;BYDAY=WE;COUNT=10")
        )
        self.b_rrule.setEnabled(False)
        self.b_repeat.currentIndexChanged.connect(
            lambda _i: self.b_rrule.setEnabled(self.b_repeat.currentData() == "custom")
        )
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("ScheduleForms", "Location"), self.b_location)
        form.addRow(QCoreApplication.translate("ScheduleForms", "Blocks"), self.b_target)
        form.addRow(
            QCoreApplication.translate("ScheduleForms", "When"),
            _row(self.b_day, self.b_start, QLabel("–"), self.b_end),
        )
        form.addRow(QCoreApplication.translate("ScheduleForms", "Reason"), self.b_reason)
        form.addRow(QCoreApplication.translate("ScheduleForms", "Colour"), self.b_colour)
        rep = QHBoxLayout()
        rep.addWidget(self.b_repeat)
        rep.addWidget(self.b_rrule, 1)
        form.addRow(QCoreApplication.translate("ScheduleForms", "Repeat"), rep)
        group = QGroupBox(QCoreApplication.translate("ScheduleForms", "Add a block"))
        group.setLayout(form)
        self._describe_block_form()
        return group

    def _describe_block_form(self) -> None:
        for w, name in (
            (self.b_day, QCoreApplication.translate("ScheduleForms", "Day")),
            (self.b_start, QCoreApplication.translate("ScheduleForms", "From")),
            (self.b_end, QCoreApplication.translate("ScheduleForms", "Until")),
            (self.b_rrule, QCoreApplication.translate("ScheduleForms", "Custom repeat rule")),
        ):
            w.setAccessibleName(name)
        describe(
            (
                (
                    self.b_location,
                    QCoreApplication.translate("ScheduleForms", "The location of the time blocked"),
                ),
                (
                    self.b_target,
                    QCoreApplication.translate(
                        "ScheduleForms", "Who or what is blocked: the provider, everyone, or one chair"
                    ),
                ),
                (
                    self.b_day,
                    QCoreApplication.translate(
                        "ScheduleForms", "The day of the block (the first, if it repeats)"
                    ),
                ),
                (self.b_start, QCoreApplication.translate("ScheduleForms", "When the block starts")),
                (self.b_end, QCoreApplication.translate("ScheduleForms", "When the block ends")),
                (
                    self.b_reason,
                    QCoreApplication.translate(
                        "ScheduleForms", "Why the time is blocked, shown on the block"
                    ),
                ),
                (
                    self.b_colour,
                    QCoreApplication.translate("ScheduleForms", "The colour of the block in the calendar"),
                ),
                (
                    self.b_repeat,
                    QCoreApplication.translate("ScheduleForms", "Whether and how often the block repeats"),
                ),
                (
                    self.b_rrule,
                    QCoreApplication.translate(
                        "ScheduleForms", "An iCalendar repeat rule, used when Repeat is Custom"
                    ),
                ),
            )
        )

    def _fill_block_targets(self) -> None:
        self.b_target.clear()
        self.b_target.addItem(
            QCoreApplication.translate("ScheduleForms", "This provider"), ("provider", None)
        )
        self.b_target.addItem(
            QCoreApplication.translate("ScheduleForms", "Everyone at the location"), ("location", None)
        )
        for c in self.ctx.clinic.chairs_at(int(self.b_location.currentData())):
            self.b_target.addItem(
                QCoreApplication.translate("ScheduleForms", "Chair: {name}").format(name=c.name),
                ("chair", c.id),
            )


def _row(*widgets: QWidget) -> QHBoxLayout:
    """``widgets`` side by side, then the rest of the line empty."""
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w)
    row.addStretch(1)
    return row
