"""Setup page 4: providers, their role, colour, chairs and weekly hours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTimeEdit,
    QWidget,
)

from orca_desk.services import clinic_setup as cs
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic import setup_wizard as sw
from orca_desk.views.setup.base import (
    PRESET,
    PROVIDER_COLOURS,
    ROLE_LABELS,
    SPEC_TIME,
    ListFormPage,
    error_label,
    row_name,
    swatch,
    time_edit_display,
    translated,
    weekday_label,
)


@dataclass
class DayRow:
    works: bool = False
    location: str = ""
    start: str = PRESET[0]
    end: str = PRESET[1]
    breaks: str = PRESET[2]


@dataclass
class ProviderRow:
    name: str
    role: str = "orthodontist"
    colour: str = PROVIDER_COLOURS[0]
    max_concurrent: int = 1
    chairs: list[str] = field(default_factory=list)  # "Location/Chair"
    days: list[DayRow] = field(default_factory=lambda: [DayRow() for _ in range(7)])
    saved_name: str | None = None


class ProvidersPage(ListFormPage):
    step = "providers"
    section = "providers"

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Providers"))
        self.setSubTitle(
            self.tr(
                "Orthodontists, hygienists and assistants who see patients: their colour "
                "in the book, how many patients they see at once, usual chairs and "
                "weekly hours."
            )
        )
        self.add_button.setText(self.tr("Add provider"))
        self.items: list[ProviderRow] = []
        self.name = QLineEdit()
        self.name.setObjectName("providerName")
        self.role = QComboBox()
        self.role.setObjectName("providerRole")
        for key, label in ROLE_LABELS.items():
            self.role.addItem(translated(label), key)
        self.colour = QLineEdit()
        self.colour.setObjectName("providerColour")
        self.colour.setMaximumWidth(100)
        self.colour_button = QPushButton(self.tr("Choose…"))
        self.at_once = QSpinBox()
        self.at_once.setObjectName("providerAtOnce")
        self.at_once.setRange(1, cs.MAX_CONCURRENT)
        self.at_once.setMaximumWidth(100)
        self.name.setPlaceholderText(self.tr("e.g. Dr Jordan Lee"))
        self.chairs = QListWidget()
        self.chairs.setObjectName("providerChairs")
        self.chairs.setMaximumHeight(90)
        self._build_hours_table()
        self._build_form()
        self._order_and_connect()

    def _build_hours_table(self) -> None:
        self.hours = QTableWidget(7, 5)
        self.hours.setObjectName("providerHours")
        self.hours.setHorizontalHeaderLabels(
            [self.tr("Day"), self.tr("Location"), self.tr("Start"), self.tr("End"), self.tr("Breaks")]
        )
        self.hours.verticalHeader().hide()
        self.hours.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.hours.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        head = self.hours.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.day_works: list[QCheckBox] = []
        self.day_location: list[QComboBox] = []
        self.day_start: list[QTimeEdit] = []
        self.day_end: list[QTimeEdit] = []
        self.day_breaks: list[QLineEdit] = []
        for d in range(7):
            works = QCheckBox(weekday_label(d))
            loc = QComboBox()
            start, end = QTimeEdit(), QTimeEdit()
            for t in (start, end):
                t.setDisplayFormat(time_edit_display())
            brk = QLineEdit()
            brk.setPlaceholderText(self.tr("none, or 12:00-13:00"))
            for col, w in enumerate((works, loc, start, end, brk)):
                self.hours.setCellWidget(d, col, w)
            self.day_works.append(works)
            self.day_location.append(loc)
            self.day_start.append(start)
            self.day_end.append(end)
            self.day_breaks.append(brk)
            works.toggled.connect(self._day_edited(d))
            loc.currentTextChanged.connect(self._day_edited(d))
            start.timeChanged.connect(self._day_edited(d))
            end.timeChanged.connect(self._day_edited(d))
            brk.textEdited.connect(self._day_edited(d))
        self.hours.resizeRowsToContents()
        self.hours.setMinimumHeight(
            self.hours.verticalHeader().length() + self.hours.horizontalHeader().height() + 4
        )

    def _build_form(self) -> None:
        self.preset = QPushButton(self.tr("Mon–Fri 08:00–17:00, break 12:00–13:00"))
        self.preset.setObjectName("hoursPreset")
        self.errs = {
            k: error_label() for k in ("name", "role", "colour", "max_concurrent", "chairs", "hours")
        }
        grid = QGridLayout(self.form_box)
        grid.setContentsMargins(12, 0, 0, 0)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.colour)
        colour_row.addWidget(self.colour_button)
        colour_row.addStretch(1)
        rows: list[tuple[str, QWidget | QHBoxLayout, str]] = [
            (self.tr("Name"), self.name, "name"),
            (self.tr("Role"), self.role, "role"),
            (self.tr("Colour"), colour_row, "colour"),
            (self.tr("Patients at once"), self.at_once, "max_concurrent"),
            (self.tr("Usual chairs"), self.chairs, "chairs"),
        ]
        r = 0
        for text, widget, key in rows:
            grid.addWidget(QLabel(text), r, 0, Qt.AlignmentFlag.AlignTop)
            if isinstance(widget, QHBoxLayout):
                grid.addLayout(widget, r, 1)
            else:
                grid.addWidget(widget, r, 1)
            grid.addWidget(self.errs[key], r + 1, 1)
            r += 2
        hours_head = QHBoxLayout()
        hours_head.addWidget(QLabel(self.tr("Weekly hours")))
        hours_head.addStretch(1)
        hours_head.addWidget(self.preset)
        grid.addLayout(hours_head, r, 0, 1, 2)
        grid.addWidget(self.hours, r + 1, 0, 1, 2)
        grid.addWidget(self.errs["hours"], r + 2, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self.layout_page()
        self.list.setMaximumWidth(200)

    def _order_and_connect(self) -> None:
        day_fields: list[QWidget] = []
        for d in range(7):
            day_fields += [
                self.day_works[d],
                self.day_location[d],
                self.day_start[d],
                self.day_end[d],
                self.day_breaks[d],
            ]
        self.order_tabs(
            [
                self.name,
                self.role,
                self.colour,
                self.colour_button,
                self.at_once,
                self.chairs,
                self.preset,
                *day_fields,
            ]
        )
        self.name.textEdited.connect(self.edited("name"))
        self.role.currentIndexChanged.connect(lambda _i: self.edited("role")(self.role.currentData()))
        self.colour.textEdited.connect(self.edited("colour"))
        self.colour_button.clicked.connect(self._choose_colour)
        self.at_once.valueChanged.connect(self.edited("max_concurrent"))
        self.chairs.itemChanged.connect(self._chairs_edited)
        self.preset.clicked.connect(self.apply_preset)

    def rows(self) -> list[Any]:
        return self.items

    def label_of(self, row: Any) -> str:
        return str(row.name).strip() or self.tr("(new provider)")

    def first_field(self) -> QLineEdit:
        return self.name

    def places(self) -> list[tuple[str, list[str]]]:
        return [
            (loc.name.strip(), [c.name.strip() for c in loc.chairs])
            for loc in self.wiz().locations_page.items
        ]

    def new_row(self) -> ProviderRow:
        n = len(self.items)
        row = ProviderRow("", colour=PROVIDER_COLOURS[n % len(PROVIDER_COLOURS)])
        self._preset(row)
        return row

    def _preset(self, row: ProviderRow) -> None:
        places = self.places()
        first = places[0][0] if places else ""
        for d, day in enumerate(row.days):
            day.works, day.location = d < 5, day.location or first
            day.start, day.end, day.breaks = PRESET

    def apply_preset(self) -> None:
        if self.current < 0:
            return
        row = self.items[self.current]
        loc = self.day_location[0].currentText()
        self._preset(row)
        for day in row.days:
            day.location = loc or day.location
        self._select(self.current)
        self.touched.add(f"providers[{self.current}].hours*")
        self.refresh()

    def initializePage(self) -> None:
        names = [p[0] for p in self.places()]
        for loc_box in self.day_location:
            loc_box.blockSignals(True)
            loc_box.clear()
            loc_box.addItems(names)
            loc_box.blockSignals(False)
        if not self.items:
            self.items.append(self.new_row())
        for row in self.items:  # a renamed or removed location: fall back to the first one
            for day in row.days:
                if day.location not in names and names:
                    day.location = names[0]
            valid = {f"{loc}/{c}" for loc, cs_ in self.places() for c in cs_}
            row.chairs = [c for c in row.chairs if c in valid]
        self.rebuild(max(0, self.current))
        self.name.setFocus()

    def show_row(self, row: ProviderRow) -> None:
        self.name.setText(row.name)
        self.role.setCurrentIndex(max(0, self.role.findData(row.role)))
        self.colour.setText(row.colour)
        self.colour_button.setIcon(swatch(row.colour))
        self.at_once.setValue(row.max_concurrent)
        self.chairs.clear()
        for loc, chairs in self.places():
            for c in chairs:
                ref = f"{loc}/{c}"
                item = QListWidgetItem(ref if len(self.places()) > 1 else c)
                item.setData(Qt.ItemDataRole.UserRole, ref)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if ref in row.chairs else Qt.CheckState.Unchecked)
                self.chairs.addItem(item)
        for d, day in enumerate(row.days):
            self.day_works[d].setChecked(day.works)
            self.day_location[d].setCurrentText(day.location)
            self.day_start[d].setTime(QTime.fromString(day.start, SPEC_TIME))
            self.day_end[d].setTime(QTime.fromString(day.end, SPEC_TIME))
            self.day_breaks[d].setText(day.breaks)
            for w in (self.day_location[d], self.day_start[d], self.day_end[d], self.day_breaks[d]):
                w.setEnabled(day.works)

    def _choose_colour(self) -> None:
        if self.current < 0:
            return
        colour = QColorDialog.getColor(QColor(self.colour.text()), self, self.tr("Provider colour"))
        if colour.isValid():
            self.colour.setText(colour.name())
            self.edited("colour")(colour.name())
            self.colour_button.setIcon(swatch(colour.name()))

    def _chairs_edited(self, _item: QListWidgetItem) -> None:
        if self._loading or self.current < 0:
            return
        self.items[self.current].chairs = [
            str(self.chairs.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.chairs.count())
            if self.chairs.item(i).checkState() == Qt.CheckState.Checked
        ]
        self.touched.add(f"providers[{self.current}].chairs*")
        self.refresh()

    def _day_edited(self, d: int) -> Callable[..., None]:
        def handler(*_: Any) -> None:
            if self._loading or self.current < 0:
                return
            day = self.items[self.current].days[d]
            day.works = self.day_works[d].isChecked()
            day.location = self.day_location[d].currentText()
            day.start = self.day_start[d].time().toString(SPEC_TIME)
            day.end = self.day_end[d].time().toString(SPEC_TIME)
            day.breaks = self.day_breaks[d].text()
            for w in (self.day_location[d], self.day_start[d], self.day_end[d], self.day_breaks[d]):
                w.setEnabled(day.works)
            self.touched.add(f"providers[{self.current}].hours*")
            self.refresh()

        return handler

    def spec_of(self, row: ProviderRow) -> cs.ProviderSpec:
        hours = tuple(
            cs.HoursSpec(
                day.location,
                (cs.WEEKDAYS[d],),
                day.start,
                day.end,
                tuple(b.strip() for b in day.breaks.replace(";", ",").split(",") if b.strip()),
            )
            for d, day in enumerate(row.days)
            if day.works
        )
        return cs.ProviderSpec(row.name, row.role, row.colour, row.max_concurrent, tuple(row.chairs), hours)

    def problems(self) -> list[cs.Problem]:
        places = cs.KnownPlaces.of(None, self.wiz().locations_page.specs(with_chairs=True))
        return cs.provider_problems([self.spec_of(r) for r in self.items], places)

    def targets(self) -> dict[str, QLabel]:
        return {f"providers[{self.current}].{k}": lb for k, lb in self.errs.items()}

    def describe(self, problem: cs.Problem) -> str:
        path = problem.path
        if len(path) < 2 or not isinstance(path[1], int) or path[1] >= len(self.items):
            return problem.message
        row = self.items[path[1]]
        parts = [] if path[1] == self.current else [row_name(row.name, path[1], self.tr("Provider"))]
        if len(path) >= 4 and path[2] == "hours" and isinstance(path[3], int):
            working = [d for d, day in enumerate(row.days) if day.works]
            if path[3] < len(working):
                parts.append(weekday_label(working[path[3]]))
            if len(path) >= 5:
                parts.append(
                    {
                        "start": self.tr("start"),
                        "end": self.tr("end"),
                        "breaks": self.tr("breaks"),
                        "location": self.tr("location"),
                    }.get(str(path[4]), str(path[4]))
                )
        return f"{', '.join(parts)}: {problem.message}" if parts else problem.message

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        for r in self.items:
            if r.saved_name is not None and r.saved_name != r.name.strip():
                sw.rename(session, actor, "provider", r.saved_name, r.name, now=now)
        cs.save_providers(
            session, actor, self.wiz().clinic_id, [self.spec_of(r) for r in self.items], now=now
        )
        for r in self.items:
            r.saved_name = r.name.strip()

    def load(self, saved: sw.SavedSetup) -> None:
        self.items = []
        for p in saved.providers:
            row = ProviderRow(
                p.name, p.role, p.colour, p.max_concurrent, list(p.chairs or ()), saved_name=p.name
            )
            for h in p.hours or ():
                for d in h.days:
                    row.days[cs.WEEKDAYS.index(d)] = DayRow(
                        True, h.location, h.start, h.end, ", ".join(h.breaks)
                    )
            for day in row.days:
                if not day.works:
                    day.location = next((d.location for d in row.days if d.works), "")
            self.items.append(row)
