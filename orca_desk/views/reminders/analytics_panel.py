"""The Reminders screen's analytics tab: which step gets the answer, and confirmation rates."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from orca_desk.services.analytics import reminder_analytics
from orca_desk.ui.charts import chart_view, may_view_analytics, no_analytics_page
from orca_desk.ui.context import AppContext
from orca_desk.ui.rows_table import empty_state


class AnalyticsPanel(QWidget):
    """Per step: sent, delivered, answers, confirmations (last 90 days), a chart and rates."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chart = QChart()
        self.chart.setTitle(self.tr("Which step gets the answer (last 90 days)"))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = chart_view(self.chart, min_height=240)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Sequence"),
                self.tr("Step"),
                self.tr("Sent"),
                self.tr("Delivered"),
                self.tr("Answers"),
                self.tr("Confirmed"),
                self.tr("Share of answers"),
            ]
        )
        empty_state(
            self.table,
            self.tr(
                "No reminders sent in the last 90 days: the sequences above send them before booked visits."
            ),
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.rates = QTableWidget(0, 4)
        self.rates.setHorizontalHeaderLabels(
            [self.tr("By type / location"), self.tr("Asked"), self.tr("Confirmed"), self.tr("Rate")]
        )
        empty_state(
            self.rates, self.tr("No confirmations asked yet: a reminder asking for a YES counts here.")
        )
        self.rates.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.rates.horizontalHeader().setStretchLastSection(True)
        self.rates.verticalHeader().setVisible(False)
        self.table.setAccessibleName(self.tr("Answers by reminder step"))
        self.table.setAccessibleDescription(
            self.tr("Per reminder step in the last 90 days: sent, delivered, answers and confirmations")
        )
        self.rates.setAccessibleName(self.tr("Confirmation rates"))
        self.rates.setAccessibleDescription(
            self.tr("How many families confirmed when asked, by visit type and by location")
        )
        tables = QHBoxLayout()
        tables.addWidget(self.table, 3)
        tables.addWidget(self.rates, 2)
        layout = QVBoxLayout(self)
        self.allowed = may_view_analytics(ctx.actor)
        if not self.allowed:  # the figures are never read for a role without the permission
            layout.addWidget(no_analytics_page())
            return
        layout.addWidget(self.view, 1)
        layout.addLayout(tables, 1)

    def refresh(self) -> None:
        if not self.allowed:
            return
        now = self.ctx.clock.now()
        since, until = now - timedelta(days=90), now + timedelta(days=1)
        actor = self.ctx.actor
        self.ctx.ops.read(
            lambda s: (
                reminder_analytics.step_stats(s, actor, since=since, until=until),
                reminder_analytics.confirmation_rates(
                    s, actor, since=since, until=until + timedelta(days=60)
                ),
                reminder_analytics.confirmation_rates(
                    s, actor, since=since, until=until + timedelta(days=60), by="location"
                ),
            ),
            parent=self,
            on_done=self._show,
            background=False,
        )

    def _show(
        self,
        loaded: tuple[
            list[reminder_analytics.StepStats],
            list[reminder_analytics.RateRow],
            list[reminder_analytics.RateRow],
        ],
    ) -> None:
        stats, by_type, by_loc = loaded
        shares = reminder_analytics.response_shares(stats)
        self.table.setRowCount(len(stats))
        for r, st in enumerate(stats):
            values = [
                st.sequence,
                st.step,
                str(st.sent),
                str(st.delivered),
                str(st.responses),
                str(st.confirmations),
                f"{shares.get(st.step_id, 0.0):.0%}",
            ]
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))
        rows = [*by_type, *by_loc]
        self.rates.setRowCount(len(rows))
        for r, rate in enumerate(rows):
            cells = [rate.label, str(rate.appointments), str(rate.confirmed), f"{rate.rate:.0%}"]
            for c, v in enumerate(cells):
                self.rates.setItem(r, c, QTableWidgetItem(v))
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        sent, answered = QBarSet(self.tr("Sent")), QBarSet(self.tr("Answers"))
        for st in stats:
            sent.append(st.sent)
            answered.append(st.responses)
        series = QBarSeries()
        series.append(sent)
        series.append(answered)
        self.chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append([st.step for st in stats] or [self.tr("no reminders sent yet")])
        axis_y = QValueAxis()
        axis_y.setRange(0, max([1, *(st.sent for st in stats)]))
        axis_y.setLabelFormat("%d")
        self.chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
