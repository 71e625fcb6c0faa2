"""The Templates screen's template list: its Qt item model, and the list with its buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from orca_desk.services.schedule_templates import TemplateRow
from orca_desk.ui.rows_table import empty_state

# A template's kind as "{kind} template" says it ("week template", "plantilla semanal").
KINDS = {
    "day": QT_TRANSLATE_NOOP("TemplateListModel", "day"),
    "week": QT_TRANSLATE_NOOP("TemplateListModel", "week"),
}

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
            weeks = (
                QCoreApplication.translate("TemplateListModel", " · weeks {weeks}").format(
                    weeks="/".join(r.rotation)
                )
                if len(r.rotation) > 1
                else ""
            )
            default = " ★" if r.is_default else ""
            line = QCoreApplication.translate(
                "TemplateListModel", "{kind} template · v{version} · {slots} slots"
            ).format(
                kind=QCoreApplication.translate("TemplateListModel", str(KINDS.get(r.kind, r.kind))),
                version=r.version,
                slots=r.slot_count,
            )
            return f"{r.name}{default}\n{line}{weeks}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.description or r.name
        if role == ROLE_ROW:
            return r
        return None


def template_list(
    on_chosen: Callable[[QModelIndex, QModelIndex], object],
    on_new: Callable[[], object],
    on_copy: Callable[[], object],
) -> tuple[QWidget, TemplateListModel, QListView]:
    """The template list (model/view) and its New and Copy buttons, for the screen's left side."""
    model = TemplateListModel()
    view = QListView()
    view.setModel(model)
    model.setParent(view)
    empty_state(
        view,
        QCoreApplication.translate(
            "TemplatesScreen", "No templates yet: New template builds a day of slots to apply."
        ),
    )
    view.setAlternatingRowColors(True)
    view.setSpacing(2)
    view.setWordWrap(True)  # a long name or summary wraps instead of scrolling sideways
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.selectionModel().currentChanged.connect(on_chosen)
    new_btn = QPushButton(QCoreApplication.translate("TemplatesScreen", "New…"))
    copy_btn = QPushButton(QCoreApplication.translate("TemplatesScreen", "Copy…"))
    new_btn.clicked.connect(on_new)
    copy_btn.clicked.connect(on_copy)
    for w, text in (
        (
            view,
            QCoreApplication.translate(
                "TemplateListModel", "The clinic's day templates; select one to design it"
            ),
        ),
        (new_btn, QCoreApplication.translate("TemplateListModel", "Start a new, empty template")),
        (
            copy_btn,
            QCoreApplication.translate(
                "TemplateListModel", "Start a new template from a copy of the selected one"
            ),
        ),
    ):
        w.setAccessibleDescription(text)
    left = QWidget()
    left.setMinimumWidth(190)
    lv = QVBoxLayout(left)
    lv.setContentsMargins(0, 0, 0, 0)
    lv.addWidget(QLabel(QCoreApplication.translate("TemplatesScreen", "<b>Templates</b>")))
    lv.addWidget(view, 1)
    row = QHBoxLayout()
    row.addWidget(new_btn)
    row.addWidget(copy_btn)
    lv.addLayout(row)
    return left, model, view
