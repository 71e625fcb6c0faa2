"""What every setup wizard page shares: inline problems next to the fields, saving on Next,
the list-and-form layout, and the labels the pages translate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import available_timezones

import phonenumbers
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, QTimeZone
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from orca_desk.services import clinic_setup as cs
from orca_desk.services import local_time
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic import setup_wizard as sw
from orca_desk.ui.dates import weekday_name
from orca_desk.ui.labels import time_edit_format

if TYPE_CHECKING:
    from orca_desk.views.setup.wizard import SetupWizard


# Labels kept here are marked for translation and translated where shown (context "SetupWizard").
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


def weekday_label(weekday: int) -> str:
    """A weekday (0 = Monday) as a label starts: "Monday", "Lunes" (the desk's QLocale)."""
    name = weekday_name(weekday, short=False)
    return name[:1].upper() + name[1:]


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


def time_edit_display() -> str:
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
