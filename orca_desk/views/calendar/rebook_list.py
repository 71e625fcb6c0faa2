"""The "To rebook" list: the shown day's (week's) cancelled and no-show patients with nothing booked since."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from orca_desk.services.booking.rebook import RebookRow
from orca_desk.ui import language
from orca_desk.ui.rows_table import RowsModel, selected, table

BOOK, FIND = "book", "find"


class RebookListDialog(QDialog):
    """Choose a patient, then "Book…" (in the book, their type, provider and length filled in) or
    "Find next opening…"; ``choice`` is then (action, row)."""

    def __init__(self, rows: Sequence[RebookRow], *, scope: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("To rebook"))
        self.resize(760, 360)
        self.choice: tuple[str, RebookRow] | None = None
        self.model: RowsModel[RebookRow] = RowsModel(
            [
                (self.tr("Patient"), lambda r: r.patient_name),
                (
                    self.tr("Missed"),
                    lambda r: language.say(r.status_label) + (f" · {r.reason}" if r.reason else ""),
                ),
                (self.tr("When"), lambda r: r.when_text),
                (
                    self.tr("Type"),
                    lambda r: self.tr("{type_name} · {minutes} min").format(
                        type_name=r.type_name, minutes=r.minutes
                    ),
                ),
                (self.tr("Provider"), lambda r: r.provider_name),
            ],
            cell_tooltips=True,
        )
        self.model.set_rows(rows)
        self.view = table(
            self.model,
            0,
            empty=self.tr(
                "Nobody to rebook: every cancelled or no-show patient of {scope} has a visit booked since."
            ).format(scope=scope),
        )
        self.view.doubleClicked.connect(self._on_double_clicked)
        if rows:
            self.view.selectRow(0)
        intro = QLabel(
            self.tr(
                "Cancelled and no-show visits of {scope} whose patient has no visit booked after them. "
                "Book one: the patient, type, provider and length are filled in."
            ).format(scope=scope)
        )
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.book_button = QPushButton(self.tr("Book…"))
        self.book_button.setToolTip(
            self.tr("Book at the free cell selected in the book, else at the next free time you double-click")
        )
        self.find_button = QPushButton(self.tr("Find next opening…"))
        for button, action in ((self.book_button, BOOK), (self.find_button, FIND)):
            button.setEnabled(bool(rows))
            button.clicked.connect(lambda _=False, a=action: self.choose(a))
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.book_button.setDefault(bool(rows))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)

    def choose(self, action: str, row: RebookRow | None = None) -> bool:
        row = row or selected(self.view, self.model)
        if row is None:
            return False
        self.choice = (action, row)
        self.accept()
        return True

    def _on_double_clicked(self, index: QModelIndex) -> None:
        self.choose(BOOK, self.model.row_at(index.row()))
