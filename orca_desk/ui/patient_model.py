"""Qt list model over patient search results (plain rows from the patients service)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from orca_desk.services.patients.patients import PatientRow
from orca_desk.ui.dates import SHORT, fmt_day

Index = QModelIndex | QPersistentModelIndex


class PatientListModel(QAbstractListModel):
    PatientIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[PatientRow] = []

    def set_rows(self, rows: list[PatientRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> PatientRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            dob = (
                QCoreApplication.translate("PatientModel", " · born {day}").format(
                    day=fmt_day(r.date_of_birth, SHORT)
                )
                if r.date_of_birth
                else ""
            )
            parent = (
                QCoreApplication.translate("PatientModel", " · parent {name}").format(name=r.guardian_name)
                if r.guardian_name
                else ""
            )
            return f"{r.name}{dob}{parent}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.contact_phone or QCoreApplication.translate("PatientModel", "no phone")
        if role == self.PatientIdRole:
            return r.id
        return None
