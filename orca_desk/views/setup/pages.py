"""The setup wizard's pages. Each page edits one section of ``services.clinic_setup``, shows that
section's ``*_problems`` inline as you type (next to the field, naming it), and saves the section
when left with Next, in its own transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import available_timezones

import phonenumbers
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLocale,
    QStringListModel,
    Qt,
    QTime,
    QTimeZone,
)
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QCompleter,
    QFormLayout,
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
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from orca_desk.services import clinic_setup as cs
from orca_desk.services import local_time
from orca_desk.services import setup_wizard as sw
from orca_desk.services.security import Actor
from orca_desk.ui.labels import time_edit_format

if TYPE_CHECKING:
    from orca_desk.views.setup.wizard import SetupWizard

# Labels kept here are marked for translation and translated where shown (context "SetupWizard").
WEEKDAY_NAMES = tuple(
    QT_TRANSLATE_NOOP("SetupWizard", d)
    for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
)
LANGUAGES = ("en", "es", "fr", "pt", "de", "it", "nl", "pl", "vi", "zh", "ko", "ar", "tl", "ru")
CATEGORIES = ("new patient", "diagnostic", "procedure", "treatment", "retention", "emergency")
# Typical orthodontic visits, pre-filled and editable: name, colour, default minutes, category.
DEFAULT_TYPES = (
    cs.AppointmentTypeSpec("Consult", "#7e57c2", 60, "new patient"),
    cs.AppointmentTypeSpec("Bonding", "#e53935", 90, "procedure"),
    cs.AppointmentTypeSpec("Adjustment", "#42a5f5", 20, "treatment"),
    cs.AppointmentTypeSpec("Records", "#26a69a", 40, "diagnostic"),
    cs.AppointmentTypeSpec("Debond", "#ffa726", 60, "procedure"),
    cs.AppointmentTypeSpec("Retainer check", "#66bb6a", 15, "retention"),
    cs.AppointmentTypeSpec("Emergency", "#ec407a", 20, "emergency"),
)
PROVIDER_COLOURS = ("#4a7bd0", "#d0704a", "#3f9e6e", "#9a5cc4", "#c49a2c", "#2c9ac4")
ROLE_LABELS = {
    "orthodontist": QT_TRANSLATE_NOOP("SetupWizard", "Orthodontist"),
    "hygienist": QT_TRANSLATE_NOOP("SetupWizard", "Hygienist"),
    "assistant": QT_TRANSLATE_NOOP("SetupWizard", "Assistant"),
}
STAFF_ROLE_LABELS = {
    "receptionist": QT_TRANSLATE_NOOP("SetupWizard", "Receptionist"),
    "treatment_coordinator": QT_TRANSLATE_NOOP("SetupWizard", "Treatment coordinator"),
    "clinician": QT_TRANSLATE_NOOP("SetupWizard", "Clinician"),
    "manager": QT_TRANSLATE_NOOP("SetupWizard", "Manager"),
    "admin": QT_TRANSLATE_NOOP("SetupWizard", "Administrator"),
}


def translated(text: object) -> str:
    """A label marked with QT_TRANSLATE_NOOP above, in the user's language."""
    return QCoreApplication.translate("SetupWizard", str(text))


PRESET = ("08:00", "17:00", "12:00-13:00")  # Mon–Fri


def system_zone() -> str:
    """The computer's IANA zone (a new location's default; Qt maps Windows zones to IANA),
    else America/New_York."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    return name if name in available_timezones() else "America/New_York"


def system_country() -> str:
    code = QLocale.territoryToCode(QLocale.system().territory())
    return code if code in phonenumbers.SUPPORTED_REGIONS else "US"


# The clinic setup file stores times of day as 24-hour text; the fields show them as the country writes them.
SPEC_TIME = "HH:mm"


def _time_edit() -> str:
    return time_edit_format(local_time.default_time_format(system_country()))


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.hide()
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def swatch(colour: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(colour) if QColor.isValidColorName(colour) else QColor("#ffffff"))
    return QIcon(pix)


class SetupPage(QWizardPage):
    """One section: ``problems()`` from the service, ``save()`` in its own transaction."""

    step = ""

    def __init__(self) -> None:
        super().__init__()
        self.tried = False  # Next was pressed once: show every problem, not only edited fields
        self.touched: set[str] = set()
        self.summary = error_label()
        self.summary.setObjectName("errorLabel")
        self.inline: dict[str, QLabel] = {}

    def wiz(self) -> SetupWizard:
        # Every page lives in the SetupWizard, which imports the pages; hence a cast, not an import.
        return cast("SetupWizard", self.wizard())

    # --- to override
    def problems(self) -> list[cs.Problem]:
        return []

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        """Write the section (the wizard commits it with the progress mark)."""

    def load(self, saved: sw.SavedSetup) -> None:
        """Show what was saved."""

    def targets(self) -> dict[str, QLabel]:
        """Field (as the service names it) → the inline label next to its widget."""
        return self.inline

    def describe(self, problem: cs.Problem) -> str:
        """Beside its field the message alone (it names the field); elsewhere with the field."""
        if not problem.path or problem.field in self.inline:
            return problem.message
        return f"{problem.field}: {problem.message}"

    # --- shared behaviour
    def touch(self, key: str) -> Callable[..., None]:
        def handler(*_: Any) -> None:
            self.touched.add(key)
            self.refresh()

        return handler

    def refresh(self) -> None:
        """Validate as you type: problems of edited fields (all after a Next) beside their field."""
        self.show_problems(cs.problems_of(self.problems))  # shown, never raised out of a slot

    def show_problems(self, problems: Sequence[cs.Problem]) -> None:
        targets = self.targets()
        for label in {id(lb): lb for lb in [*self.inline.values(), *targets.values()]}.values():
            label.clear()
            label.hide()
        rest: list[str] = []
        for p in problems:
            if not (
                self.tried
                or p.field in self.touched
                or any(p.field.startswith(t) for t in self.touched if t.endswith("*"))
            ):
                continue
            target = targets.get(p.field) or next(
                (lb for key, lb in targets.items() if p.field.startswith((key + ".", key + "["))), None
            )
            if target is not None:
                target.setText("\n".join(filter(None, [target.text(), self.describe(p)])))
                target.show()
            else:
                rest.append(self.describe(p))
        self.summary.setText("\n".join(dict.fromkeys(rest)))
        self.summary.setVisible(bool(rest))

    def validatePage(self) -> bool:
        wizard = self.wiz()
        if wizard.resuming:
            return True
        self.tried = True
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            return False
        return wizard.save_page(self, on_refused=lambda exc: self.show_problems(cs.refusal_problems(exc)))


def capped(layout: QFormLayout, width: int = 760) -> QWidget:
    """A form no wider than reads well on a wide screen."""
    box = QWidget()
    box.setLayout(layout)
    box.setMaximumWidth(width)
    layout.setContentsMargins(0, 0, 0, 0)
    return box


def add_row(form: QFormLayout, label: str, widget: QWidget, err: QLabel) -> None:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    lay.addWidget(widget)
    lay.addWidget(err)
    form.addRow(label, box)


# --- 1. Clinic -----------------------------------------------------------------------------


class ClinicPage(SetupPage):
    step = "clinic"

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Your clinic"))
        self.setSubTitle(
            self.tr(
                "The practice's name and main phone number, as patients see them in "
                "reminders. You can change all of this later in Settings."
            )
        )
        self.name = QLineEdit()
        self.name.setObjectName("clinicName")
        self.name.setPlaceholderText(self.tr("e.g. Harbour Orthodontics"))
        self.phone = QLineEdit()
        self.phone.setObjectName("clinicPhone")
        self.phone.setPlaceholderText(self.tr("as dialled locally, e.g. (617) 555-0142"))
        self.email = QLineEdit()
        self.email.setObjectName("clinicEmail")
        self.email.setPlaceholderText(self.tr("optional: replies to emails go here"))
        self.country = QComboBox()
        self.country.setObjectName("clinicCountry")
        for code in sorted(
            phonenumbers.SUPPORTED_REGIONS,
            key=lambda c: QLocale.territoryToString(QLocale.codeToTerritory(c)),
        ):
            name = QLocale.territoryToString(QLocale.codeToTerritory(code))
            if name and name != "Unknown":
                self.country.addItem(f"{name} ({code})", code)
        self.country.setCurrentIndex(max(0, self.country.findData(system_country())))
        self.language = QComboBox()
        self.language.setObjectName("clinicLanguage")
        for code in LANGUAGES:
            self.language.addItem(f"{QLocale.languageToString(QLocale.codeToLanguage(code))} ({code})", code)
        form = QFormLayout()
        self.inline = {
            f"clinic.{k}": error_label() for k in ("name", "phone", "email", "country", "language")
        }
        add_row(form, self.tr("Clinic name"), self.name, self.inline["clinic.name"])
        add_row(form, self.tr("Phone"), self.phone, self.inline["clinic.phone"])
        add_row(form, self.tr("Email"), self.email, self.inline["clinic.email"])
        add_row(form, self.tr("Country"), self.country, self.inline["clinic.country"])
        form.addRow(
            "",
            hint(self.tr("Phone numbers written without +country code are read as numbers of this country.")),
        )
        add_row(form, self.tr("Language"), self.language, self.inline["clinic.language"])
        lay = QVBoxLayout(self)
        lay.addWidget(capped(form))
        lay.addStretch(1)
        lay.addWidget(self.summary)
        for key, w in (("name", self.name), ("phone", self.phone), ("email", self.email)):
            w.textEdited.connect(self.touch(f"clinic.{key}"))
        self.country.currentIndexChanged.connect(self.touch("clinic.phone"))

    def spec(self) -> cs.ClinicSpec:
        return cs.ClinicSpec(
            self.name.text(),
            self.phone.text(),
            self.email.text(),
            str(self.country.currentData()),
            str(self.language.currentData()),
        )

    def problems(self) -> list[cs.Problem]:
        return cs.clinic_problems(self.spec())

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        clinic = cs.save_clinic(session, actor, self.spec(), now=now)
        self.wiz().clinic_id = clinic.id

    def load(self, saved: sw.SavedSetup) -> None:
        if saved.clinic is None:
            return
        c = saved.clinic
        self.name.setText(c.name)
        region = c.country if c.country in phonenumbers.SUPPORTED_REGIONS else "US"
        try:
            number = phonenumbers.parse(c.phone, region)
            self.phone.setText(
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
                if phonenumbers.region_code_for_number(number) == region
                else c.phone
            )
        except phonenumbers.NumberParseException:
            self.phone.setText(c.phone)
        self.email.setText(c.email)
        self.country.setCurrentIndex(max(0, self.country.findData(c.country)))
        index = self.language.findData(c.language)
        if index < 0:
            self.language.addItem(c.language, c.language)
            index = self.language.count() - 1
        self.language.setCurrentIndex(index)

    @property
    def country_code(self) -> str:
        return str(self.country.currentData())


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


def row_name(text: str, index: int, what: str) -> str:
    return f"{what} {index + 1}" + (f" “{text.strip()}”" if text.strip() else "")


class ListFormPage(SetupPage):
    """A list of records on the left (Add, Remove), the selected one's form on the right."""

    add_text = "Add"

    def __init__(self) -> None:
        super().__init__()
        self.list = QListWidget()
        self.list.setMaximumWidth(240)
        self.add_button = QPushButton(self.add_text)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.form_box = QWidget()
        self.list.currentRowChanged.connect(self._select)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self._loading = False

    def order_tabs(self, fields: Sequence[QWidget]) -> None:
        """Tab goes through the form first, then the list and its buttons."""
        chain = [*fields, self.list, self.add_button, self.remove_button]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)

    def layout_page(self, intro: QLabel | None = None) -> None:
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)
        top = QHBoxLayout()
        top.addLayout(left)
        top.addWidget(self.form_box, 1)
        lay = QVBoxLayout(self)
        if intro is not None:
            lay.addWidget(intro)
        lay.addLayout(top, 1)
        lay.addWidget(self.summary)

    def rows(self) -> list[Any]:
        raise NotImplementedError

    def label_of(self, row: Any) -> str:
        return str(row.name)

    def new_row(self) -> Any:
        raise NotImplementedError

    def show_row(self, row: Any) -> None:
        raise NotImplementedError

    @property
    def current(self) -> int:
        return self.list.currentRow()

    def rebuild(self, select: int = 0) -> None:
        self._loading = True
        self.list.clear()
        for r in self.rows():
            self.list.addItem(self.label_of(r))
        self._loading = False
        self.form_box.setEnabled(bool(self.rows()))
        if self.rows():
            self.list.setCurrentRow(min(select, len(self.rows()) - 1))
        self.refresh()

    def _select(self, index: int) -> None:
        if self._loading or index < 0 or index >= len(self.rows()):
            return
        self._loading = True
        self.show_row(self.rows()[index])
        self._loading = False
        self.remove_button.setEnabled(self.rows()[index].saved_name is None)
        self.remove_button.setToolTip(
            ""
            if self.rows()[index].saved_name is None
            else self.tr("Already saved: archive it in Administration once the setup is done.")
        )
        self.refresh()

    def add(self) -> None:
        self.rows().append(self.new_row())
        self.rebuild(len(self.rows()) - 1)
        self.form_box.setFocus()
        self.first_field().setFocus()
        self.first_field().selectAll()

    def first_field(self) -> QLineEdit:
        raise NotImplementedError

    def remove(self) -> None:
        i = self.current
        if 0 <= i < len(self.rows()) and self.rows()[i].saved_name is None:
            del self.rows()[i]
            self.rebuild(max(0, i - 1))

    def edited(self, attr: str) -> Callable[..., None]:
        """A form field changed: store it in the current row and validate."""

        def handler(value: Any) -> None:
            if self._loading or self.current < 0:
                return
            row = self.rows()[self.current]
            setattr(row, attr, value)
            item = self.list.item(self.current)
            if item is not None:
                item.setText(self.label_of(row))
            self.touched.add(f"{self.section}[{self.current}].{attr}")
            self.refresh()

        return handler

    section = ""


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


# --- 4. Providers --------------------------------------------------------------------------


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
            works = QCheckBox(translated(WEEKDAY_NAMES[d]))
            loc = QComboBox()
            start, end = QTimeEdit(), QTimeEdit()
            for t in (start, end):
                t.setDisplayFormat(_time_edit())
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
                parts.append(translated(WEEKDAY_NAMES[working[path[3]]]))
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


# --- 5. Appointment types ------------------------------------------------------------------


class TypesPage(SetupPage):
    step = "appointment_types"

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Appointment types"))
        self.setSubTitle(
            self.tr(
                "The kinds of visit you book, their colour in the book and their usual "
                "length. Typical orthodontic visits are filled in: change or add to them."
            )
        )
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("typeTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Colour"), self.tr("Minutes"), self.tr("Category")]
        )
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.add_button = QPushButton(self.tr("Add type"))
        self.remove_button = QPushButton(self.tr("Remove type"))
        self.colour_button = QPushButton(self.tr("Colour…"))
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.colour_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.table_error = error_label()
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.table_error)
        lay.addLayout(buttons)
        lay.addWidget(
            hint(
                self.tr(
                    "Lengths are 5 to 480 minutes, in steps of 5. A booking can still "
                    "be made longer or shorter."
                )
            )
        )
        lay.addWidget(self.summary)
        self.saved_names: list[str | None] = []
        self._loading = False
        self.table.itemChanged.connect(self._changed)
        self.add_button.clicked.connect(self.add_type)
        self.remove_button.clicked.connect(self.remove_type)
        self.colour_button.clicked.connect(self._choose_colour)
        self.set_specs(DEFAULT_TYPES, [None] * len(DEFAULT_TYPES))

    def set_specs(self, specs: Sequence[cs.AppointmentTypeSpec], saved: Sequence[str | None]) -> None:
        self._loading = True
        self.table.setRowCount(0)
        self.saved_names = list(saved)
        for s in specs:
            self._append(s)
        self._loading = False

    def _append(self, s: cs.AppointmentTypeSpec) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(s.name))
        colour = QTableWidgetItem(s.colour)
        colour.setIcon(swatch(s.colour))
        self.table.setItem(r, 1, colour)
        minutes = QSpinBox()
        minutes.setRange(5, 480)
        minutes.setSingleStep(5)
        minutes.setSuffix(self.tr(" min"))
        minutes.setValue(s.minutes)
        minutes.valueChanged.connect(self.touch(f"appointment_types[{r}].minutes"))
        self.table.setCellWidget(r, 2, minutes)
        category = QComboBox()
        category.setEditable(True)
        category.addItems(CATEGORIES)
        category.setCurrentText(s.category)
        category.currentTextChanged.connect(self.touch(f"appointment_types[{r}].category"))
        self.table.setCellWidget(r, 3, category)

    def _changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        if item.column() == 1:
            self._loading = True
            item.setIcon(swatch(item.text().strip()))
            self._loading = False
        self.touched.add(f"appointment_types[{item.row()}].{('name', 'colour')[min(item.column(), 1)]}")
        self.refresh()

    def add_type(self) -> None:
        self._loading = True
        self._append(cs.AppointmentTypeSpec("", "#607d8b", 30, "treatment"))
        self.saved_names.append(None)
        self._loading = False
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.table.setFocus()
        new = self.table.item(self.table.rowCount() - 1, 0)
        if new is not None:
            self.table.editItem(new)

    def remove_type(self) -> None:
        r = self.table.currentRow()
        if not 0 <= r < self.table.rowCount():
            return
        if self.saved_names[r] is not None:
            self.show_problems(
                [
                    cs.Problem(
                        (),
                        self.tr(
                            "This type is already saved: archive it in Administration once the setup is done."
                        ),
                    )
                ]
            )
            return
        specs = [s for i, s in enumerate(self.specs()) if i != r]
        saved = [s for i, s in enumerate(self.saved_names) if i != r]
        self.set_specs(specs, saved)
        self.refresh()

    def _choose_colour(self) -> None:
        r = self.table.currentRow()
        if r < 0:
            return
        item = self.table.item(r, 1)
        if item is None:
            return
        colour = QColorDialog.getColor(QColor(item.text()), self, self.tr("Type colour"))
        if colour.isValid():
            item.setText(colour.name())

    def specs(self) -> list[cs.AppointmentTypeSpec]:
        out = []
        for r in range(self.table.rowCount()):
            minutes = self.table.cellWidget(r, 2)
            category = self.table.cellWidget(r, 3)
            assert isinstance(minutes, QSpinBox) and isinstance(category, QComboBox)
            out.append(
                cs.AppointmentTypeSpec(
                    cell(self.table, r, 0), cell(self.table, r, 1), minutes.value(), category.currentText()
                )
            )
        return out

    def problems(self) -> list[cs.Problem]:
        p = cs.appointment_type_problems(self.specs())
        if not self.table.rowCount():
            p.append(cs.Problem(("appointment_types",), self.tr("add at least one appointment type")))
        return p

    def targets(self) -> dict[str, QLabel]:
        return {"appointment_types": self.table_error}

    def describe(self, problem: cs.Problem) -> str:
        path = problem.path
        if len(path) >= 2 and isinstance(path[1], int) and path[1] < self.table.rowCount():
            what = {
                "name": self.tr("name"),
                "colour": self.tr("colour"),
                "minutes": self.tr("minutes"),
                "category": self.tr("category"),
            }.get(str(path[2]) if len(path) > 2 else "", "")
            name = row_name(cell(self.table, path[1], 0), path[1], self.tr("Type"))
            return f"{name}{', ' + what if what else ''}: {problem.message}"
        return problem.message

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        specs = self.specs()
        for s, old in zip(specs, self.saved_names, strict=True):
            if old is not None and old != s.name.strip():
                sw.rename(session, actor, "appointment type", old, s.name, now=now)
        cs.save_appointment_types(session, actor, self.wiz().clinic_id, specs, now=now)
        self.saved_names = [s.name.strip() for s in specs]

    def load(self, saved: sw.SavedSetup) -> None:
        if saved.appointment_types:
            self.set_specs(saved.appointment_types, [t.name for t in saved.appointment_types])


# --- 6. Staff ------------------------------------------------------------------------------


class StaffPage(SetupPage):
    step = "staff"

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Administrator and staff"))
        self.setSubTitle(
            self.tr(
                "First the administrator who manages Orca Desk (that is probably you), "
                "then everyone else who signs in at the desk."
            )
        )
        self.username = QLineEdit()
        self.username.setObjectName("adminUsername")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("adminName")
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("adminRepeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_exists = hint(self.tr("The administrator is saved and has chosen a password."))
        self.admin_exists.hide()
        self.inline = {f"admin.{k}": error_label() for k in ("username", "name", "password", "repeat")}
        form = QFormLayout()
        add_row(form, self.tr("Username"), self.username, self.inline["admin.username"])
        add_row(form, self.tr("Full name"), self.full_name, self.inline["admin.name"])
        add_row(form, self.tr("Password"), self.password, self.inline["admin.password"])
        add_row(form, self.tr("Type it again"), self.repeat, self.inline["admin.repeat"])
        form.addRow("", self.admin_exists)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("staffTable")
        self.table.setHorizontalHeaderLabels([self.tr("Username"), self.tr("Name"), self.tr("Role")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.add_button = QPushButton(self.tr("Add staff user"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.table_error = error_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        title = QLabel(self.tr("Staff users"))
        title.setObjectName("sectionTitle")
        lay = QVBoxLayout(self)
        lay.addWidget(capped(form))
        lay.addWidget(title)
        lay.addWidget(
            hint(
                self.tr(
                    "Each new user gets a one-time password, shown on the last page; they "
                    "choose their own when they first sign in."
                )
            )
        )
        lay.addWidget(self.table, 1)
        lay.addWidget(self.table_error)
        lay.addLayout(buttons)
        lay.addWidget(self.summary)
        self.saved_users: set[str] = set()
        self._loading = False
        for key, w in (
            ("username", self.username),
            ("name", self.full_name),
            ("password", self.password),
            ("repeat", self.repeat),
        ):
            w.textEdited.connect(self.touch(f"admin.{key}"))
        self.table.itemChanged.connect(self._changed)
        self.add_button.clicked.connect(self.add_user)
        self.remove_button.clicked.connect(self.remove_user)

    @property
    def admin_saved(self) -> bool:
        return self.username.text().strip().casefold() in self.saved_users

    def add_user(self, spec: cs.StaffSpec | None = None) -> None:
        spec = spec if isinstance(spec, cs.StaffSpec) else cs.StaffSpec("", "", "receptionist")
        self._loading = True
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(spec.username))
        self.table.setItem(r, 1, QTableWidgetItem(spec.name))
        role = QComboBox()
        for key, label in STAFF_ROLE_LABELS.items():
            role.addItem(translated(label), key)
        role.setCurrentIndex(max(0, role.findData(spec.role)))
        role.currentIndexChanged.connect(self.touch(f"staff[{r}].role"))
        self.table.setCellWidget(r, 2, role)
        item = self.table.item(r, 0)
        if item is not None and spec.username.strip().casefold() in self.saved_users:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self._loading = False
        if not isinstance(spec, cs.StaffSpec) or not spec.username:
            self.table.setCurrentCell(r, 0)
            self.table.setFocus()

    def remove_user(self) -> None:
        r = self.table.currentRow()
        if not 0 <= r < self.table.rowCount():
            return
        if cell(self.table, r, 0).strip().casefold() in self.saved_users:
            self.show_problems(
                [
                    cs.Problem(
                        (),
                        self.tr(
                            "This user is already saved: "
                            "deactivate them in Administration once the setup is done."
                        ),
                    )
                ]
            )
            return
        self.table.removeRow(r)
        self.refresh()

    def _changed(self, item: QTableWidgetItem) -> None:
        if not self._loading:
            self.touched.add(f"staff[{item.row()}].{('username', 'name')[min(item.column(), 1)]}")
            self.refresh()

    def admin_spec(self) -> cs.StaffSpec:
        return cs.StaffSpec(self.username.text(), self.full_name.text(), "admin")

    def staff_specs(self) -> list[cs.StaffSpec]:
        out = []
        for r in range(self.table.rowCount()):
            role = self.table.cellWidget(r, 2)
            assert isinstance(role, QComboBox)
            out.append(cs.StaffSpec(cell(self.table, r, 0), cell(self.table, r, 1), str(role.currentData())))
        return out

    def problems(self) -> list[cs.Problem]:
        admin = self.admin_spec()
        if self.admin_saved:
            p = [cs.Problem(("admin", *q.path[2:]), q.message) for q in cs.staff_problems([admin])]
        else:
            p = sw.first_admin_problems(admin, self.password.text(), self.repeat.text())
        staff = self.staff_specs()
        p += cs.staff_problems(staff)
        for i, s in enumerate(staff):
            if s.username.strip() and s.username.strip().casefold() == admin.username.strip().casefold():
                p.append(
                    cs.Problem(
                        ("staff", i, "username"),
                        self.tr("this is the administrator's username: choose another"),
                    )
                )
        return p

    def targets(self) -> dict[str, QLabel]:
        return {**self.inline, "staff": self.table_error}

    def describe(self, problem: cs.Problem) -> str:
        path = problem.path
        if (
            len(path) >= 2
            and path[0] == "staff"
            and isinstance(path[1], int)
            and path[1] < self.table.rowCount()
        ):
            what = {"username": self.tr("username"), "name": self.tr("name"), "role": self.tr("role")}.get(
                str(path[2]) if len(path) > 2 else "", ""
            )
            name = row_name(cell(self.table, path[1], 0), path[1], self.tr("Staff user"))
            return f"{name}{', ' + what if what else ''}: {problem.message}"
        return problem.message

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        wizard = self.wiz()
        result = sw.save_staff_page(
            session,
            actor,
            wizard.clinic_id,
            self.admin_spec(),
            None if self.admin_saved else self.password.text(),
            self.staff_specs(),
            now=now,
        )
        wizard.signed_in(result.admin)
        wizard.add_new_users(result.new_users)
        self.saved_users = {s.username.strip().casefold() for s in [self.admin_spec(), *self.staff_specs()]}
        self._lock_saved()

    def _lock_saved(self) -> None:
        saved = self.admin_saved
        for w in (self.password, self.repeat):
            w.setEnabled(not saved)
            if saved:
                w.clear()
        self.username.setReadOnly(saved)
        self.admin_exists.setVisible(saved)
        self._loading = True
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.text().strip().casefold() in self.saved_users:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self._loading = False

    def load(self, saved: sw.SavedSetup) -> None:
        admin = next((s for s in saved.staff if s.spec.role == "admin"), None)
        if admin is None:
            return
        self.saved_users = {s.spec.username.casefold() for s in saved.staff}
        self.username.setText(admin.spec.username)
        self.full_name.setText(admin.spec.name)
        for s in saved.staff:
            if s is not admin:
                self.add_user(s.spec)
        self._lock_saved()


# --- 7. Messaging --------------------------------------------------------------------------


class MessagingPage(SetupPage):
    step = "messaging"

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Messaging"))
        self.setSubTitle(
            self.tr(
                "Reminders and confirmations go out by text and email. Until you connect "
                "an SMS or email service in Settings, messages stay on this computer "
                "(the “local” provider) and nothing is sent."
            )
        )
        self.quiet_start = QTimeEdit(QTime(21, 0))
        self.quiet_start.setObjectName("quietStart")
        self.quiet_end = QTimeEdit(QTime(8, 0))
        self.quiet_end.setObjectName("quietEnd")
        for t in (self.quiet_start, self.quiet_end):
            t.setDisplayFormat(_time_edit())
            t.setMaximumWidth(100)
        self.inline = {"messaging.quiet_start": error_label(), "messaging.quiet_end": error_label()}
        form = QFormLayout()
        form.addRow(self.tr("Text messages"), QLabel(self.tr("local (kept in the Outbox, not sent)")))
        form.addRow(self.tr("Email"), QLabel(self.tr("local (kept in the Outbox, not sent)")))
        add_row(form, self.tr("Quiet hours from"), self.quiet_start, self.inline["messaging.quiet_start"])
        add_row(form, self.tr("until"), self.quiet_end, self.inline["messaging.quiet_end"])
        form.addRow(
            "",
            hint(
                self.tr(
                    "No automatic message is sent to patients between these times; "
                    "they wait until the quiet hours end."
                )
            ),
        )
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addStretch(1)
        lay.addWidget(
            hint(
                self.tr(
                    "Next saves this and gives the clinic its standard reminder, "
                    "confirmation and missed-visit sequences and message templates."
                )
            )
        )
        lay.addWidget(self.summary)
        self.quiet_start.timeChanged.connect(self.touch("messaging.quiet_start"))
        self.quiet_end.timeChanged.connect(self.touch("messaging.quiet_end"))

    def spec(self) -> cs.MessagingSpec:
        return cs.MessagingSpec(
            self.quiet_start.time().toString(SPEC_TIME), self.quiet_end.time().toString(SPEC_TIME)
        )

    def problems(self) -> list[cs.Problem]:
        return cs.messaging_problems(self.spec())

    def save(self, session: Any, actor: Actor, now: datetime) -> None:
        cs.save_messaging(session, actor, self.spec(), now=now)
        defaults, reissued = sw.finish(session, actor, shown=self.wiz().shown_usernames(), now=now)
        self.wiz().setup_finished(defaults, reissued)

    def load(self, saved: sw.SavedSetup) -> None:
        if saved.messaging.quiet_start:
            self.quiet_start.setTime(QTime.fromString(saved.messaging.quiet_start, SPEC_TIME))
        if saved.messaging.quiet_end:
            self.quiet_end.setTime(QTime.fromString(saved.messaging.quiet_end, SPEC_TIME))


# --- the end -------------------------------------------------------------------------------


class DonePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Your clinic is ready"))
        self.setSubTitle(self.tr("Finish opens the appointment book, signed in as the administrator."))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.passwords = QTableWidget(0, 4)
        self.passwords.setObjectName("oneTimePasswords")
        self.passwords.setHorizontalHeaderLabels(
            [self.tr("Username"), self.tr("Name"), self.tr("Role"), self.tr("One-time password")]
        )
        self.passwords.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.passwords.verticalHeader().hide()
        self.passwords.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.passwords_note = QLabel(
            self.tr(
                "<b>Write these down or hand them over now: they are shown only this once.</b> Each person "
                "signs in with theirs and then chooses their own password."
            )
        )
        self.passwords_note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.passwords_note)
        lay.addWidget(self.passwords, 1)
        self.setFinalPage(True)

    def show_result(self, text: str, users: Sequence[cs.NewUser]) -> None:
        self.summary.setText(text)
        self.passwords.setRowCount(len(users))
        mono = self.passwords.font()
        mono.setFamily("monospace")
        for r, u in enumerate(users):
            role = translated(STAFF_ROLE_LABELS.get(u.role, u.role))
            for c, value in enumerate((u.username, u.display_name, role, u.one_time_password)):
                item = QTableWidgetItem(value)
                if c == 3:
                    item.setFont(mono)
                self.passwords.setItem(r, c, item)
        self.passwords.setVisible(bool(users))
        self.passwords_note.setVisible(bool(users))
