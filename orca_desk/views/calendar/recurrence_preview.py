"""A series' preview as a table: every date, its conflicts, the suggested time and the decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from orca_desk.services import local_time
from orca_desk.services.series import Decision, PreviewOccurrence, SeriesPreview
from orca_desk.ui.dates import MEDIUM, fmt_day

DECISION_LABELS = {
    "book": QT_TRANSLATE_NOOP("PreviewModel", "Book"),
    "skip": QT_TRANSLATE_NOOP("PreviewModel", "Skip"),
    "alternative": QT_TRANSLATE_NOOP("PreviewModel", "Use suggested"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("PreviewModel", text)


def when_text(dt: datetime) -> str:
    return fmt_day(dt.date(), MEDIUM)


@dataclass
class _Row:
    occurrence: PreviewOccurrence
    decision: str  # book | skip | alternative


class PreviewModel(QAbstractTableModel):
    """Every occurrence of the preview with its conflicts, the suggestion and the chosen decision."""

    HEADERS = (
        "#",
        QT_TRANSLATE_NOOP("PreviewModel", "Date"),
        QT_TRANSLATE_NOOP("PreviewModel", "Time"),
        QT_TRANSLATE_NOOP("PreviewModel", "Conflicts"),
        QT_TRANSLATE_NOOP("PreviewModel", "Suggested instead"),
        QT_TRANSLATE_NOOP("PreviewModel", "Decision"),
    )

    def __init__(self, parent: QWidget | None = None, style: str = "12h") -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self.time_fmt = style  # the clinic's time format

    def set_preview(self, preview: SeriesPreview | None) -> None:
        self.beginResetModel()
        self._rows = []
        if preview is not None:
            for occ in preview.occurrences:
                default = "book" if occ.ok else ("alternative" if occ.alternative else "skip")
                self._rows.append(_Row(occ, default))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(str(self.HEADERS[section]))
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        occ = row.occurrence
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(occ.index)
            if col == 1:
                return when_text(occ.start)
            if col == 2:
                return local_time.fmt_wall(occ.start, self.time_fmt)
            if col == 3:
                return " ".join(p.message for p in occ.problems) or QCoreApplication.translate(
                    "PreviewModel", "✓ free"
                )
            if col == 4:
                alt = occ.alternative
                if alt is None:
                    return "" if occ.ok else QCoreApplication.translate("PreviewModel", "none within a week")
                return f"{when_text(alt.start)} {local_time.fmt_wall(alt.start, self.time_fmt)}"
            if col == 5:
                return _tr(str(DECISION_LABELS[row.decision]))
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return "\n".join(p.message for p in occ.problems) or None
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QColor("#b3261e") if occ.problems else QColor("#1b7f4b")
        if role == Qt.ItemDataRole.ForegroundRole and col == 5 and row.decision == "skip":
            return QColor("#6b7280")
        return None

    def occurrence(self, row: int) -> PreviewOccurrence:
        return self._rows[row].occurrence

    def decision(self, row: int) -> str:
        return self._rows[row].decision

    def set_decision(self, row: int, decision: str) -> bool:
        """Book, skip or use the suggested time for one row; False when that is not possible."""
        r = self._rows[row]
        if decision == "alternative" and r.occurrence.alternative is None:
            return False
        r.decision = decision
        self.dataChanged.emit(self.index(row, 5), self.index(row, 5))
        return True

    def decisions(self) -> dict[datetime, Decision]:
        out: dict[datetime, Decision] = {}
        for r in self._rows:
            if r.decision == "skip":
                out[r.occurrence.start] = "skip"
            elif r.decision == "alternative" and r.occurrence.alternative is not None:
                out[r.occurrence.start] = r.occurrence.alternative
            else:
                out[r.occurrence.start] = "book"
        return out

    def counts(self) -> tuple[int, int, int]:
        """(to book, skipped, conflicts still set to book)."""
        book = sum(1 for r in self._rows if r.decision != "skip")
        skip = len(self._rows) - book
        risky = sum(1 for r in self._rows if r.decision == "book" and r.occurrence.problems)
        return book, skip, risky
