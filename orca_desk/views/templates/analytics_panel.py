"""The Templates screen's analytics tab: how full the applied slots of a template are."""

from __future__ import annotations

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.analytics import template_analytics
from orca_desk.ui.charts import chart_view, may_view_analytics, no_analytics_page
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import SHORT, fmt_day
from orca_desk.ui.rows_table import empty_state


class AnalyticsPanel(QWidget):
    """Fill rate of the template's applied slots (a chart by weekday and time of day) and a table."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chart = QChart()
        self.chart.setTitle(self.tr("Fill rate of applied slots"))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = chart_view(self.chart)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["", self.tr("Slots"), self.tr("Booked"), self.tr("Fill rate")])
        empty_state(
            self.table, self.tr("No applied slots yet: Apply to dates… puts a template on the calendar.")
        )
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.usage = QTableWidget(0, 6)
        self.usage.setHorizontalHeaderLabels(
            [
                self.tr("Version"),
                self.tr("Applications"),
                self.tr("Slots"),
                self.tr("Providers"),
                self.tr("Locations"),
                self.tr("Dates"),
            ]
        )
        empty_state(
            self.usage, self.tr("This template was never applied: Apply to dates… puts it on the calendar.")
        )
        self.usage.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.usage.verticalHeader().setVisible(False)
        self.table.setAccessibleName(self.tr("Fill rate"))
        self.table.setAccessibleDescription(
            self.tr("How many of the template's applied slots were booked, by weekday and time of day")
        )
        self.usage.setAccessibleName(self.tr("Where and when it was applied"))
        self.usage.setAccessibleDescription(
            self.tr(
                "Each version of the template: how often, where, by whom and on which dates it was applied"
            )
        )
        self.summary = QLabel()
        self.report: template_analytics.FillReport | None = None
        layout = QVBoxLayout(self)
        self.allowed = may_view_analytics(ctx.actor)
        if not self.allowed:  # the figures are never read for a role without the permission
            layout.addWidget(no_analytics_page())
            return
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addWidget(self.chart_view, 3)
        row.addWidget(self.table, 2)
        layout.addLayout(row, 3)
        layout.addWidget(QLabel(self.tr("<b>Where and when it was applied</b>")))
        layout.addWidget(self.usage, 1)

    def show_template(self, template_id: int) -> None:
        if not self.allowed:
            return
        self.ctx.ops.read(
            lambda s: (
                template_analytics.fill_report(s, self.ctx.actor, template_id=template_id),
                template_analytics.template_usage(s, self.ctx.actor, template_id=template_id),
            ),
            parent=self,
            on_done=self._show,
            title=self.tr("Analytics not loaded"),
            background=False,
        )

    def _show(self, loaded: tuple[template_analytics.FillReport, list[template_analytics.UsageRow]]) -> None:
        report, usage = loaded
        self.report = report
        o = report.overall
        self.summary.setText(
            self.tr(
                "<b>{booked:,} of {slots:,}</b> bookable slots booked ({rate:.0%}); "
                "{matched_type:,} booked with the slot's intended type "
                "({match_rate:.0%} of booked)."
            ).format(
                booked=o.booked,
                slots=o.slots,
                rate=o.rate,
                matched_type=report.matched_type,
                match_rate=report.match_rate,
            )
        )
        sections = [
            ("Overall", (o,)),
            ("By type", report.by_type),
            ("By weekday", report.by_weekday),
            ("By time of day", report.by_time_of_day),
        ]
        rows: list[tuple[str, str, str, str, bool]] = []
        for title, group in sections:
            rows.append((title, "", "", "", True))
            rows += [
                (f"   {r.label}", f"{r.slots:,}", f"{r.booked:,}", f"{r.rate:.0%}", False) for r in group
            ]
        self.table.setRowCount(len(rows))
        for i, (a, b, c, d, bold) in enumerate(rows):
            for j, text in enumerate((a, b, c, d)):
                item = QTableWidgetItem(text)
                if bold:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.usage.setRowCount(len(usage))
        for i, u in enumerate(usage):
            dates = (
                f"{fmt_day(u.first_day, SHORT)} – {fmt_day(u.last_day, SHORT)}"
                if u.first_day and u.last_day
                else ""
            )
            for j, text in enumerate(
                (
                    f"v{u.version_number}",
                    str(u.applications),
                    f"{u.slots:,}",
                    str(u.providers),
                    u.locations,
                    dates,
                )
            ):
                self.usage.setItem(i, j, QTableWidgetItem(text))
        self._draw_chart(report)

    def _draw_chart(self, report: template_analytics.FillReport) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        labels = [r.label for r in report.by_weekday] + [r.label for r in report.by_time_of_day]
        rate = QBarSet(self.tr("Fill rate %"))
        rate.append([round(r.rate * 100, 1) for r in (*report.by_weekday, *report.by_time_of_day)])
        rate.setColor("#2f6fb3")
        series = QBarSeries()
        series.append(rate)
        self.chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append(labels or ["—"])
        y = QValueAxis()
        y.setRange(0, 100)
        y.setLabelFormat("%d%%")
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
