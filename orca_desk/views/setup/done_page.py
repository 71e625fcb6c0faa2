"""The setup wizard's last page: what was set up and the staff users' first passwords."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from orca_desk.services import clinic_setup as cs
from orca_desk.views.setup.base import STAFF_ROLE_LABELS, translated


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
