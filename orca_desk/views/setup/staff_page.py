"""Setup page 6: the administrator and the staff users who sign in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
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
    STAFF_ROLE_LABELS,
    SetupPage,
    add_row,
    capped,
    cell,
    error_label,
    hint,
    row_name,
    translated,
)


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
