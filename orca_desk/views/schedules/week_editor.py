"""The Schedules screen's weekly hours editor: seven rows of hours and breaks, and from when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QWidget,
)

from orca_desk.services import provider_schedules as ps
from orca_desk.services.availability import WEEKDAY_NAMES
from orca_desk.services.provider_schedules.break_text import breaks_text, parse_breaks
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import weekday_name
from orca_desk.ui.labels import date_edit_format, time_edit_format


def minute_of(t: QTime) -> int:
    return t.hour() * 60 + t.minute()


def qtime(minute: int) -> QTime:
    return QTime(min(minute, 23 * 60 + 59) // 60, min(minute, 23 * 60 + 59) % 60)


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class WeekEditor(QWidget):
    """Seven rows: works?, location, start, end, breaks; plus effective from/to."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, time_fmt: str | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.time_fmt = time_fmt or ctx.time_style()
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(10)
        example = breaks_text([ps.BreakInput(12 * 60, 13 * 60, self.tr("Lunch"))], self.time_fmt)
        titles = (self.tr("Day"), self.tr("Location"), self.tr("Starts"), self.tr("Ends"))
        for col, title in enumerate((*titles, self.tr("Breaks (e.g. {0})").format(example))):
            head = QLabel(title)
            head.setObjectName("hint")
            head.setWordWrap(True)  # the breaks' example may take two lines in a longer language
            grid.addWidget(head, 0, col)
        self.works: list[QCheckBox] = []
        self.location: list[QComboBox] = []
        self.start: list[QTimeEdit] = []
        self.end: list[QTimeEdit] = []
        self.breaks: list[QLineEdit] = []
        for wd in range(len(WEEKDAY_NAMES)):
            works = QCheckBox(weekday_name(wd, short=False))
            loc = QComboBox()
            for location in ctx.clinic.locations:
                loc.addItem(location.name, location.id)
            start, end = QTimeEdit(QTime(8, 0)), QTimeEdit(QTime(17, 0))
            for t in (start, end):
                t.setDisplayFormat(time_edit_format(self.time_fmt))
            brk = QLineEdit()
            brk.setPlaceholderText(self.tr("none"))
            works.toggled.connect(lambda on, w=(loc, start, end, brk): [x.setEnabled(on) for x in w])
            self._name_row(weekday_name(wd, short=False), works, loc, start, end, brk)
            for col, widget in enumerate((works, loc, start, end, brk)):
                grid.addWidget(widget, wd + 1, col)
            self.works.append(works)
            self.location.append(loc)
            self.start.append(start)
            self.end.append(end)
            self.breaks.append(brk)
        grid.setColumnStretch(4, 1)
        self.effective_from = QDateEdit()
        self.effective_to = QDateEdit()
        for d in (self.effective_from, self.effective_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat(date_edit_format())
        self.open_ended = QCheckBox(self.tr("until changed"))
        self.effective_from.setAccessibleDescription(self.tr("The first day these weekly hours apply"))
        self.effective_to.setAccessibleName(self.tr("Effective until"))
        self.effective_to.setAccessibleDescription(self.tr("The last day these weekly hours apply"))
        self.open_ended.setAccessibleDescription(self.tr("These hours apply until they are changed again"))
        self.open_ended.setChecked(True)
        self.open_ended.toggled.connect(lambda on: self.effective_to.setEnabled(not on))
        self.effective_to.setEnabled(False)
        row = QHBoxLayout()
        since = QLabel(self.tr("Effective from"))
        since.setMinimumWidth(since.sizeHint().width())  # a longer translation keeps its last letter
        row.addWidget(since)
        row.addSpacing(6)
        row.addWidget(self.effective_from)
        row.addSpacing(16)
        row.addWidget(QLabel(self.tr("to")))
        row.addWidget(self.effective_to)
        row.addWidget(self.open_ended)
        row.addStretch(1)
        grid.addLayout(row, 8, 0, 1, 5)

    def _name_row(self, day: str, works: QCheckBox, *fields: QWidget) -> None:
        """Each input says which day it is for: the column titles are not beside it."""
        works.setAccessibleDescription(self.tr("Tick if the provider works on {day}").format(day=day))
        names = (
            (self.tr("{day}: location"), self.tr("Where the provider works on {day}")),
            (self.tr("{day}: starts"), self.tr("When the provider's day starts on {day}")),
            (self.tr("{day}: ends"), self.tr("When the provider's day ends on {day}")),
            (self.tr("{day}: breaks"), self.tr("Breaks on {day}, such as lunch; empty for none")),
        )
        for field, (name, description) in zip(fields, names, strict=True):
            field.setAccessibleName(name.format(day=day))
            field.setAccessibleDescription(description.format(day=day))

    def set_week(self, days: Sequence[ps.DayHours], effective_from: date) -> None:
        by_day = {d.weekday: d for d in days}  # the editor shows one period per weekday
        for wd in range(7):
            d = by_day.get(wd)
            self.works[wd].setChecked(d is not None)
            for w in (self.location[wd], self.start[wd], self.end[wd], self.breaks[wd]):
                w.setEnabled(d is not None)
            if d is not None:
                self.location[wd].setCurrentIndex(max(0, self.location[wd].findData(d.location_id)))
                self.start[wd].setTime(qtime(d.start_minute))
                self.end[wd].setTime(qtime(d.end_minute))
                self.breaks[wd].setText(breaks_text(d.breaks, self.time_fmt))
            else:
                self.breaks[wd].clear()
        self.effective_from.setDate(qdate(effective_from))
        self.effective_to.setDate(qdate(effective_from + timedelta(days=90)))
        self.open_ended.setChecked(True)

    def days(self) -> list[ps.DayHours]:
        out = []
        for wd, name in enumerate(WEEKDAY_NAMES):
            if self.works[wd].isChecked():
                out.append(
                    ps.DayHours(
                        wd,
                        int(self.location[wd].currentData()),
                        minute_of(self.start[wd].time()),
                        minute_of(self.end[wd].time()),
                        parse_breaks(self.breaks[wd].text(), name),
                    )
                )
        return out

    def effective_range(self) -> tuple[date, date | None]:
        to = None if self.open_ended.isChecked() else pydate(self.effective_to.date())
        return pydate(self.effective_from.date()), to

    def widget_for(self, field: str | None, message: str) -> QWidget | None:
        """The input a validation error is about (to highlight it), found from its message."""
        day = next((wd for wd, name in enumerate(WEEKDAY_NAMES) if message.startswith(name)), None)
        if field == "effective_to":
            return self.effective_to
        if day is None:
            return None
        return {"breaks": self.breaks[day], "hours": self.end[day], "location": self.location[day]}.get(
            field or "", self.start[day]
        )
