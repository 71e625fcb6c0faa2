"""Small label helpers shared by screens."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QLabel


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
