"""Small QtCharts helpers shared by the analytics panels."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor


def show_count_bars(chart: QChart, categories: Sequence[str],
                    sets: Sequence[tuple[str, str, Sequence[int]]], *, empty: str) -> None:
    """Replace ``chart``'s content with grouped bars of whole counts.

    ``sets``: (legend name, colour, one value per category). ``empty`` labels the axis when
    there is no category yet, so the chart says why it is blank.
    """
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    series = QBarSeries()
    top = 1
    for name, colour, values in sets:
        bar = QBarSet(name)
        bar.setColor(QColor(colour))
        for v in values:
            bar.append(v)
        top = max([top, *values])
        series.append(bar)
    chart.addSeries(series)
    x = QBarCategoryAxis()
    x.append(list(categories) or [empty])
    y = QValueAxis()
    y.setRange(0, top)
    y.setTickCount(min(top, 5) + 1)
    y.setLabelFormat("%d")
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
