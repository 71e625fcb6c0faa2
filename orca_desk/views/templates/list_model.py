"""Qt item model of the Templates screen's template list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from orca_desk.services.schedule_templates import TemplateRow

ROLE_ROW = Qt.ItemDataRole.UserRole + 1


class TemplateListModel(QAbstractListModel):
    """Templates as a list (name, kind, version), over plain TemplateRow values."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[TemplateRow] = []

    def set_rows(self, rows: list[TemplateRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            weeks = f" · weeks {'/'.join(r.rotation)}" if len(r.rotation) > 1 else ""
            default = " ★" if r.is_default else ""
            return f"{r.name}{default}\n{r.kind} template · v{r.version} · {r.slot_count} slots{weeks}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.description or r.name
        if role == ROLE_ROW:
            return r
        return None
