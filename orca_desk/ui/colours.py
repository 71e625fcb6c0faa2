"""Colour helpers shared by the calendar grid, the template palette and charts."""

from __future__ import annotations

from PySide6.QtGui import QColor


def tint(colour: QColor, amount: float) -> QColor:
    """Blend toward white: keeps the hue readable where QColor.lighter() oversaturates."""
    r, g, b = colour.red(), colour.green(), colour.blue()
    return QColor(int(r + (255 - r) * amount), int(g + (255 - g) * amount), int(b + (255 - b) * amount))
