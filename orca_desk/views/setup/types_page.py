"""Setup page 5: appointment types, pre-filled with typical orthodontic visits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from orca_desk.services import clinic_setup as cs
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic import setup_wizard as sw
from orca_desk.views.setup.base import (
    CATEGORIES,
    DEFAULT_TYPES,
    SetupPage,
    cell,
    error_label,
    hint,
    row_name,
    swatch,
)


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
