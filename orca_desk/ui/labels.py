"""Small label helpers shared by screens."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def hint(text: str) -> QLabel:
    """A wrapped explanatory line under a field (styled by the theme's ``QLabel#hint``)."""
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def section_title(text: str) -> QLabel:
    """A bold heading over a table or chart inside a screen (``QLabel#sectionTitle`` in the theme)."""
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def time_edit_format(style: str) -> str:
    """The QTimeEdit display format of the clinic's time format ("12h": 3:30 PM, "24h": 15:30); the
    day period as the desk's language writes it ("3:30 p.m." in Spanish, not "P.M.")."""
    if style == "24h":
        return "HH:mm"
    am = QLocale().amText()
    return "h:mm AP" if am == am.upper() else "h:mm ap"


def date_edit_format() -> str:
    """The QDateEdit display format: the desk's short date with a four-digit year ("12/3/2026" on
    a US desk, "3/12/2026" on a Spanish one), so a typed date reads as the receptionist writes it."""
    fmt = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    return fmt if "yyyy" in fmt else fmt.replace("yy", "yyyy")


class ElidedLabel(QLabel):
    """One line that ends in "…" when narrower than its text, instead of widening the window or
    being cut mid-letter; the tooltip and the accessible name hold the whole text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # type: ignore[override]
        self._full = text
        self.setAccessibleName(text)
        self._fit()

    def text(self) -> str:  # type: ignore[override]
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 1))
        QLabel.setText(self, shown)
        self.setToolTip(self._full if shown != self._full else "")
