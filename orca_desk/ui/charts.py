"""Small QtCharts helpers shared by the analytics panels."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from orca_desk.services.access.security import VIEW_ANALYTICS, Actor
from orca_desk.ui.labels import section_title

NO_ANALYTICS_TEXT = QT_TRANSLATE_NOOP(
    "Analytics",
    "Analytics are shown to staff who may view analytics (treatment coordinators, "
    "clinicians and managers). Ask a manager if you need these figures.",
)


def may_view_analytics(actor: Actor) -> bool:
    """Whether the signed-in user sees analytics tabs (the services check it too)."""
    return actor.can(VIEW_ANALYTICS)


def no_analytics_page() -> QWidget:
    """What an analytics tab shows instead of its figures to a role without the permission."""
    page = QWidget()
    page.setObjectName("noAnalytics")
    v = QVBoxLayout(page)
    note = QLabel(QCoreApplication.translate("Analytics", str(NO_ANALYTICS_TEXT)))
    note.setObjectName("noAnalyticsText")
    note.setWordWrap(True)
    note.setAlignment(Qt.AlignmentFlag.AlignCenter)
    v.addStretch(1)
    v.addWidget(note)
    v.addStretch(2)
    return page


def chart_view(chart: QChart, *, min_height: int = 260) -> QChartView:
    """An antialiased view of ``chart``, tall enough to read."""
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(min_height)
    return view


def analytics_page(summary: QLabel, chart: QChartView, title: str, table: QWidget) -> QWidget:
    """An analytics tab: the summary line, the chart, then a titled breakdown table."""
    page = QWidget()
    v = QVBoxLayout(page)
    v.addWidget(summary)
    v.addWidget(chart, 3)
    v.addWidget(section_title(title))
    v.addWidget(table, 2)
    return page


def show_count_bars(
    chart: QChart, categories: Sequence[str], sets: Sequence[tuple[str, str, Sequence[int]]], *, empty: str
) -> None:
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
