"""Guard against PySide6 releases that leak a reference on void calls (6.12.0 aborts after ~5,000)."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from orca_desk.ui.time_grid import GridColumn, GridItem, TimeGridWidget


def test_fifty_thousand_void_paint_calls_do_not_crash(qapp):
    image = QImage(200, 200, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    pen, colour = QPen(QColor("#336699")), QColor("#99ccff")
    for i in range(50_000):
        painter.setPen(pen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(i % 150, i % 170, 30, 20), 4, 4)
    painter.end()
    assert image.pixelColor(20, 20).alpha() == 255


def test_grid_repaints_many_times(qtbot):
    grid = TimeGridWidget()
    qtbot.addWidget(grid)
    grid.resize(900, 700)
    grid.set_content(
        [GridColumn(k, f"Chair {k}") for k in range(6)],
        [
            GridItem(
                i,
                i % 6,
                480 + (i // 6) * 25,
                500 + (i // 6) * 25,
                "#42a5f5",
                f"P{i}",
                "Adjustment",
                badge="✓",
            )
            for i in range(120)
        ],
    )
    for _ in range(100):
        grid.grab()
    assert grid.grab().width() == 900
