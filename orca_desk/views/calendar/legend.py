"""The calendar's legend: one colour chip per appointment type, and what each badge means."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QWidget

from orca_desk.services.clinic.clinic import TypeRow
from orca_desk.ui.flow_layout import FlowLayout


class LegendBar(QWidget):
    def __init__(self, types: Sequence[TypeRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarLegend")
        row = FlowLayout(self, spacing=14)
        self.chips: dict[str, QLabel] = {}
        for t in types:
            chip = QLabel(
                self.tr("<span style='color:{colour}; font-size:x-large'>■</span>&nbsp;{name}").format(
                    colour=t.colour, name=t.name
                )
            )
            chip.setToolTip(
                self.tr("{name}: {default_minutes} min").format(
                    name=t.name, default_minutes=t.default_minutes
                )
            )
            self.chips[t.name] = chip
            row.addWidget(chip)
        # One label per key so the row can wrap between them on a narrow screen.
        for text in (
            "<span style='color:#1b7f4b'>✓</span> " + self.tr("confirmed"),
            "<span style='color:#b7791f'>?</span> " + self.tr("requested"),
            "<span style='color:#b3261e'>✗</span> " + self.tr("declined"),
            "<span style='color:#8a96a3'>•</span> " + self.tr("unconfirmed"),
            "↻ " + self.tr("series"),
            "<span style='background:#e9edf2'>&nbsp;&nbsp;&nbsp;</span> " + self.tr("not working"),
            "<span style='color:#8a6d52'>▨</span> " + self.tr("blocked"),
        ):
            key = QLabel(text)
            key.setObjectName("hint")
            row.addWidget(key)
