"""Small label helpers shared by screens."""

from __future__ import annotations

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
