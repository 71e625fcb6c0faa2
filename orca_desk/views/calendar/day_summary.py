"""One line under the book: the shown day's (or week's) visits, confirmations, chair time and offers."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from orca_desk.services.calendar.day_summary import DaySummary, hours

REBOOK_KEY = "Ctrl+R"


class DaySummaryBar(QWidget):
    """Shows a ``DaySummary`` (a label too long is cut rather than widening the window), and the
    "To rebook" button."""

    sig_rebook_requested = Signal()
    """"To rebook" was clicked: list the shown day's (week's) missed visits still to rebook."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarSummary")
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 0, 2, 0)
        self.label = QLabel()
        self.label.setObjectName("hint")
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.label, 1)
        self.rebook_button = QToolButton()
        self.rebook_button.setText(self.tr("To rebook"))
        self.rebook_button.setToolTip(
            self.tr("Cancelled and no-show visits whose patient has nothing booked since ({key})").format(
                key=REBOOK_KEY
            )
        )
        self.rebook_button.clicked.connect(self.sig_rebook_requested)
        # A QShortcut, not the button's: setText() on a button drops its shortcut.
        self.rebook_shortcut = QShortcut(QKeySequence(REBOOK_KEY), self)
        self.rebook_shortcut.activated.connect(self.sig_rebook_requested)
        row.addWidget(self.rebook_button)
        self.summary: DaySummary | None = None
        self.full_text = ""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The whole line when it fits, else cut with "…" (the tooltip has all of it)."""
        width = max(0, self.label.width())
        self.label.setText(
            self.label.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, width)
        )

    def add_button(self, button: QToolButton) -> None:
        """A calendar toggle shown in this row, before "To rebook"."""
        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.insertWidget(layout.indexOf(self.rebook_button), button)

    def _line(self, s: DaySummary) -> str:
        """The service's line (DaySummary.text), in the UI's language."""
        parts = [
            self.tr("%n visit(s)", "", s.visits),
            self.tr("%n unconfirmed", "", s.unconfirmed),
            self.tr("{0} chair-h booked").format(hours(s.booked_minutes)),
            self.tr("{0} chair-h free").format(hours(s.free_minutes)),
            self.tr("%n opening(s) on offer", "", s.offers),
        ]
        if s.cancelled:
            parts.append(self.tr("%n cancelled", "", s.cancelled))
        if s.no_shows:
            parts.append(self.tr("%n no-show(s)", "", s.no_shows))
        return " · ".join(parts)

    def show_summary(self, summary: DaySummary, *, week: bool = False) -> None:
        self.summary = summary
        count = summary.to_rebook
        text = self.tr("To rebook ({n})").format(n=count) if count else self.tr("To rebook")
        self.rebook_button.setText(text)
        self.rebook_button.setProperty("active", bool(count))
        self.rebook_button.style().unpolish(self.rebook_button)
        self.rebook_button.style().polish(self.rebook_button)
        scope = self.tr("This week") if week else self.tr("This day")
        self.full_text = f"{scope}: {self._line(summary)}"
        self._fit()
        self.label.setToolTip(
            self.full_text
            + "\n\n"
            + self.tr(
                "Visits: booked, arrived, seated or done (not cancelled or no-show). Unconfirmed: scheduled "
                "visits the family has not confirmed. Chair time: {booked} h booked and {free} h free in "
                "chairs while someone works at the location (blocks left out). Openings on offer: waitlist "
                "openings offered to a family now."
            ).format(booked=hours(summary.booked_minutes), free=hours(summary.free_minutes))
        )
