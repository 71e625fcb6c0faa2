"""Setup pages 2 and 3: the clinic's locations and each location's chairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from orca_desk.services import clinic_setup as cs
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic import setup_wizard as sw
from orca_desk.views.setup.base import (
    ListFormPage,
    SetupPage,
    add_row,
    error_label,
    hint,
    row_name,
    system_zone,
)

# --- list pages: rows remember the name they were saved under -----------------------------


@dataclass
class ChairRow:
    name: str
    room: str = ""
    saved_name: str | None = None


@dataclass
class LocationRow:
    name: str
    timezone: str
    address: str = ""
    phone: str = ""
    chairs: list[ChairRow] = field(default_factory=list)
    saved_name: str | None = None


# --- 2. Locations --------------------------------------------------------------------------


class LocationsPage(ListFormPage):
    step = "locations"
    section = "locations"

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Locations"))
        self.setSubTitle(
            self.tr(
                "Each office where patients are seen. Times in the appointment book "
                "are shown in the location's own time zone."
            )
        )
        self.add_button.setText(self.tr("Add location"))
        self.items: list[LocationRow] = []
        self.name = QLineEdit()
        self.name.setObjectName("locationName")
        self.zone = QComboBox()
        self.zone.setObjectName("locationZone")
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        zones = sorted(
            z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
        )
        self.zone.addItems(zones)
        completer = QCompleter(QStringListModel(zones, self), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.zone.setCompleter(completer)
        self.zone.setToolTip(self.tr("Type part of a city, e.g. “Chicago” or “London”"))
        self.address = QLineEdit()
        self.address.setObjectName("locationAddress")
        self.phone = QLineEdit()
        self.phone.setObjectName("locationPhone")
        self.phone.setPlaceholderText(self.tr("optional"))
        self.errs = {k: error_label() for k in ("name", "timezone", "address", "phone")}
        form = QFormLayout(self.form_box)
        form.setContentsMargins(12, 0, 0, 0)
        add_row(form, self.tr("Name"), self.name, self.errs["name"])
        add_row(form, self.tr("Time zone"), self.zone, self.errs["timezone"])
        form.addRow("", hint(self.tr("Type part of a city to search, e.g. “Chicago”.")))
        add_row(form, self.tr("Address"), self.address, self.errs["address"])
        add_row(form, self.tr("Phone"), self.phone, self.errs["phone"])
        self.layout_page()
        self.order_tabs([self.name, self.zone, self.address, self.phone])
        self.name.textEdited.connect(self.edited("name"))
        self.zone.currentTextChanged.connect(self.edited("timezone"))
        self.address.textEdited.connect(self.edited("address"))
        self.phone.textEdited.connect(self.edited("phone"))
        self.items.append(self.new_row())

    def initializePage(self) -> None:
        if self.list.count() != len(self.items):
            self.rebuild()
        self.name.setFocus()

    def rows(self) -> list[Any]:
        return self.items

    def first_field(self) -> QLineEdit:
        return self.name

    def new_row(self) -> LocationRow:
        n = len(self.items) + 1
        zone = self.items[-1].timezone if self.items else system_zone()
        return LocationRow(
            self.tr("Main office") if n == 1 else self.tr("Location %1").replace("%1", str(n)), zone
        )

    def show_row(self, row: LocationRow) -> None:
        self.name.setText(row.name)
        self.zone.setCurrentText(row.timezone)
        self.address.setText(row.address)
        self.phone.setText(row.phone)

    def targets(self) -> dict[str, QLabel]:
        return {f"locations[{self.current}].{k}": lb for k, lb in self.errs.items()}

    def describe(self, problem: cs.Problem) -> str:
        path = problem.path
        if len(path) >= 2 and isinstance(path[1], int) and path[1] < len(self.items):
            return f"{row_name(self.items[path[1]].name, path[1], self.tr('Location'))}: {problem.message}"
        return problem.message

    def specs(self, *, with_chairs: bool) -> list[cs.LocationSpec]:
        return [
            cs.LocationSpec(
                r.name,
                r.timezone,
                r.address,
                r.phone,
                tuple(cs.ChairSpec(c.name, c.room) for c in r.chairs) if with_chairs else (),
            )
            for r in self.items
        ]

    def problems(self) -> list[cs.Problem]:
        p = cs.location_problems(
            self.specs(with_chairs=False), country=self.wiz().country, require_chairs=False
        )
        if not self.items:
            p.append(cs.Problem(("locations",), self.tr("add at least one location")))
        return p

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        for r in self.items:
            if r.saved_name is not None and r.saved_name != r.name.strip():
                sw.rename(session, actor, "location", r.saved_name, r.name, now=now)
        cs.save_locations(
            session, actor, self.wiz().clinic_id, self.specs(with_chairs=False), now=now, require_chairs=False
        )
        for r in self.items:
            r.saved_name = r.name.strip()

    def load(self, saved: sw.SavedSetup) -> None:
        if not saved.locations:
            return
        self.items = [
            LocationRow(
                s.name,
                s.timezone,
                s.address,
                s.phone,
                [ChairRow(c.name, c.room, c.name) for c in s.chairs],
                s.name,
            )
            for s in saved.locations
        ]
        self.rebuild()


# --- 3. Chairs -----------------------------------------------------------------------------


class ChairsPage(SetupPage):
    step = "chairs"

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Chairs"))
        self.setSubTitle(
            self.tr(
                "The chairs appointments are booked into, at each location, with the "
                "room (or bay) they stand in. The calendar shows one column per chair."
            )
        )
        self.location = QComboBox()
        self.location.setObjectName("chairLocation")
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("chairTable")
        self.table.setHorizontalHeaderLabels([self.tr("Chair"), self.tr("Room")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.add_button = QPushButton(self.tr("Add chair"))
        self.remove_button = QPushButton(self.tr("Remove chair"))
        self.table_error = error_label()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Location")))
        top.addWidget(self.location, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.table_error)
        lay.addLayout(buttons)
        lay.addWidget(hint(self.tr("Double-click a cell to edit it.")))
        lay.addWidget(self.summary)
        self.location.currentIndexChanged.connect(self._show_location)
        self.table.itemChanged.connect(self._cell_changed)
        self.add_button.clicked.connect(self.add_chair)
        self.remove_button.clicked.connect(self.remove_chair)
        self._loading = False

    def locations(self) -> list[LocationRow]:
        return self.wiz().locations_page.items

    def initializePage(self) -> None:
        for loc in self.locations():
            if not loc.chairs:
                loc.chairs = [
                    ChairRow(self.tr("Chair %1").replace("%1", str(n)), self.tr("Main")) for n in (1, 2, 3)
                ]
        self._loading = True
        self.location.clear()
        self.location.addItems([loc.name for loc in self.locations()])
        self._loading = False
        self._show_location(0)

    def _show_location(self, index: int) -> None:
        if self._loading or not 0 <= index < len(self.locations()):
            return
        self._loading = True
        chairs = self.locations()[index].chairs
        self.table.setRowCount(len(chairs))
        for i, c in enumerate(chairs):
            self.table.setItem(i, 0, QTableWidgetItem(c.name))
            self.table.setItem(i, 1, QTableWidgetItem(c.room))
        self._loading = False
        self.refresh()

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        loc = self.locations()[self.location.currentIndex()]
        chair = loc.chairs[item.row()]
        if item.column() == 0:
            chair.name = item.text()
        else:
            chair.room = item.text()
        self.touched.add(f"locations[{self.location.currentIndex()}].chairs*")
        self.refresh()

    def add_chair(self) -> None:
        loc = self.locations()[self.location.currentIndex()]
        previous = loc.chairs[-1].room if loc.chairs else self.tr("Main")
        loc.chairs.append(ChairRow(self.tr("Chair %1").replace("%1", str(len(loc.chairs) + 1)), previous))
        self._show_location(self.location.currentIndex())
        self.table.setCurrentCell(len(loc.chairs) - 1, 0)
        self.table.setFocus()

    def remove_chair(self) -> None:
        loc = self.locations()[self.location.currentIndex()]
        row = self.table.currentRow()
        if 0 <= row < len(loc.chairs):
            if loc.chairs[row].saved_name is not None:
                self.show_problems(
                    [
                        cs.Problem(
                            (),
                            self.tr(
                                "This chair is already saved: "
                                "archive it in Administration once the setup is done."
                            ),
                        )
                    ]
                )
                return
            del loc.chairs[row]
            self._show_location(self.location.currentIndex())

    def targets(self) -> dict[str, QLabel]:
        return {f"locations[{self.location.currentIndex()}].chairs": self.table_error}

    def describe(self, problem: cs.Problem) -> str:
        path = problem.path
        locs = self.locations()
        if len(path) >= 2 and isinstance(path[1], int) and path[1] < len(locs):
            where = (
                row_name(locs[path[1]].name, path[1], self.tr("Location"))
                if path[1] != self.location.currentIndex()
                else ""
            )
            if len(path) >= 5 and isinstance(path[3], int):
                what = {"name": self.tr("chair name"), "room": self.tr("room")}.get(str(path[4]), "")
                row = self.tr("row %1").replace("%1", str(path[3] + 1))
                where = ", ".join(filter(None, [where, row, what]))
            return f"{where}: {problem.message}" if where else problem.message
        return problem.message

    def problems(self) -> list[cs.Problem]:
        page = self.wiz().locations_page
        return [
            p
            for p in cs.location_problems(page.specs(with_chairs=True), country=self.wiz().country)
            if "chairs" in p.path
        ]

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        for loc in self.locations():
            for c in loc.chairs:
                if c.saved_name is not None and c.saved_name != c.name.strip():
                    sw.rename(session, actor, "chair", c.saved_name, c.name, now=now, location=loc.name)
        cs.save_locations(
            session, actor, self.wiz().clinic_id, self.wiz().locations_page.specs(with_chairs=True), now=now
        )
        for loc in self.locations():
            for c in loc.chairs:
                c.saved_name = c.name.strip()
