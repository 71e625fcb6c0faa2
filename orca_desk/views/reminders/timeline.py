"""A small custom-painted timeline of a sequence's steps before the appointment."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

if TYPE_CHECKING:
    from orca_desk.services.reminders import StepInput

SMS_COLOUR = QColor("#1e88e5")
EMAIL_COLOUR = QColor("#8e24aa")
CONFIRM_COLOUR = QColor("#2e7d32")
AXIS_COLOUR = QColor("#607d8b")


def short_offset(minutes: int) -> str:
    """``−7d``, ``−2h``, ``−1d 3h`` for the markers."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if mins or not parts:
        parts.append(f"{mins}m")
    return "−" + " ".join(parts)


class StepTimeline(QWidget):
    """Markers at each step's offset on a log-like scale ending at the appointment (0)."""

    sig_step_clicked = Signal(int)
    """The user clicked the marker of the step at this index."""

    MARGIN = 28

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._steps: list[StepInput] = []
        self._selected = -1
        self.setMinimumHeight(92)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(520, 92)

    def set_steps(self, steps: Sequence[StepInput], selected: int = -1) -> None:
        self._steps = list(steps)
        self._selected = selected
        self.update()

    def _max_minutes(self) -> int:
        return max([7 * 24 * 60, *(s.offset_minutes for s in self._steps)])

    def x_for(self, minutes: int) -> float:
        """x of an offset: a square-root scale so hours and weeks both stay readable."""
        width = self.width() - 2 * self.MARGIN
        frac = math.sqrt(max(0, minutes) / self._max_minutes())
        return self.width() - self.MARGIN - frac * width

    def marker_rects(self) -> list[QRectF]:
        y = 30.0
        return [QRectF(self.x_for(s.offset_minutes) - 7, y - 7, 14, 14) for s in self._steps]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        y = 30.0
        left, right = float(self.MARGIN), float(self.width() - self.MARGIN)
        p.setPen(QPen(AXIS_COLOUR, 2))
        p.drawLine(QPointF(left, y), QPointF(right, y))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        p.setFont(small)
        p.setBrush(AXIS_COLOUR)
        p.drawEllipse(QPointF(right, y), 5, 5)
        p.drawText(QRectF(right - 60, y + 10, 74, 16), Qt.AlignmentFlag.AlignRight, self.tr("visit"))
        for i, (step, rect) in enumerate(zip(self._steps, self.marker_rects(), strict=True)):
            colour = EMAIL_COLOUR if step.channels == ("email",) else SMS_COLOUR
            p.setPen(
                QPen(
                    QColor("#000000") if i == self._selected else colour.darker(130),
                    2.5 if i == self._selected else 1.2,
                )
            )
            p.setBrush(CONFIRM_COLOUR if step.asks_for_confirmation else colour)
            p.drawEllipse(rect)
            text = short_offset(step.offset_minutes)
            channels = (
                "+".join(self.tr("SMS") if c == "sms" else self.tr("email") for c in step.channels) or "—"
            )
            if step.asks_for_confirmation:
                channels += " ✓?"
            p.setPen(QColor("#263238"))
            cx = rect.center().x()
            p.drawText(QRectF(cx - 50, y + 10, 100, 16), Qt.AlignmentFlag.AlignHCenter, text)
            p.drawText(QRectF(cx - 50, y + 26, 100, 16), Qt.AlignmentFlag.AlignHCenter, channels)
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for i, rect in enumerate(self.marker_rects()):
            if rect.adjusted(-4, -4, 4, 4).contains(event.position()):
                self.sig_step_clicked.emit(i)
                return
        super().mousePressEvent(event)
