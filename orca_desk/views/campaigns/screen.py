"""The Campaigns screen: the list, a campaign's progress, pause/resume/cancel, and A/B results on charts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QValueAxis
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.campaigns.rows import CampaignDetail, CampaignResults, CampaignRow, GroupStats
from orca_desk.ui import language
from orca_desk.ui.charts import chart_view, may_view_analytics, no_analytics_page
from orca_desk.ui.context import AppContext
from orca_desk.ui.export_button import export_button
from orca_desk.ui.labels import section_title as _title
from orca_desk.ui.lazy_tabs import LatestRead
from orca_desk.ui.rows_table import RowsModel, selected, table
from orca_desk.ui.screen import Screen

if TYPE_CHECKING:
    from orca_desk.views.campaigns.wizard import CampaignWizard

ARM_COLOURS = ("#4a7bd0", "#8e5bd0", "#2e9e62", "#d08a2e")
CONTROL_COLOUR = "#9e9e9e"


class CampaignsScreen(Screen):
    """Re-engagement campaigns and what each variant brought back."""

    # The campaigns, their recipients and the messages, replies and bookings that make the results.
    watches = frozenset(
        {
            "campaign",
            "campaign_variant",
            "campaign_recipient",
            "outbox_message",
            "outbox_event",
            "inbound_message",
            "appointment",
        }
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        tz = ctx.clinic.locations[0].timezone if ctx.clinic.locations else "UTC"
        self.zone = ZoneInfo(tz)
        self.list = RowsModel[CampaignRow](
            [
                (self.tr("Campaign"), lambda r: r.name),
                (self.tr("Status"), lambda r: language.say(r.status)),
                (
                    self.tr("Variants"),
                    lambda r: (
                        " / ".join(r.variants)
                        + (
                            self.tr(" + {percent}% control").format(percent=r.holdout_percent)
                            if r.holdout_percent
                            else ""
                        )
                    ),
                ),
                (self.tr("Recipients"), lambda r: r.recipients),
                (self.tr("Sent"), lambda r: r.sent),
                (self.tr("Re-booked"), lambda r: r.rebooked),
                (self.tr("Audience"), lambda r: _say_list(r.audience)),
            ],
            tooltip=lambda r: _say_list(r.audience),
        )
        self.groups = RowsModel[GroupStats](
            [
                (self.tr("Group"), lambda g: language.say(g.name)),
                (self.tr("In group"), lambda g: g.assigned),
                (self.tr("Sent"), lambda g: g.sent),
                (self.tr("Delivered"), lambda g: g.delivered),
                (self.tr("Responses"), lambda g: g.responses),
                (self.tr("Re-booked"), lambda g: g.rebooked),
                (self.tr("Rate"), lambda g: f"{g.rebook_rate:.1%}"),
                (self.tr("Opt-outs"), lambda g: g.opt_outs),
                (self.tr("Waiting"), lambda g: g.pending + g.queued),
            ]
        )
        self.results: CampaignResults | None = None
        # The list and the selected campaign load off the UI thread, and with them the campaign
        # services and models: the screen opens without them.
        self.rows_load: LatestRead[list[CampaignRow]] = LatestRead(
            lambda: self.ctx.ops, self, self._show_rows, self._load_failed
        )
        self.detail_load: LatestRead[tuple[CampaignDetail, CampaignResults | None]] = LatestRead(
            lambda: self.ctx.ops, self, self._show_detail, self._load_failed
        )
        self._build()

    # ----- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self._build_top())
        split.addWidget(self._build_detail())
        split.setSizes([220, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(split)

    def _build_top(self) -> QWidget:
        """The campaign list and its actions."""
        self.list_view = table(
            self.list,
            6,
            empty=self.tr(
                "No campaigns yet. Start one with New campaign… to bring back patients who are due."
            ),
        )
        self.list_view.selectionModel().selectionChanged.connect(self._on_selected)
        self.btn_new = QPushButton(self.tr("New campaign…"))
        self.btn_launch = QPushButton(self.tr("Launch"))
        self.btn_pause = QPushButton(self.tr("Pause"))
        self.btn_resume = QPushButton(self.tr("Resume"))
        self.btn_cancel = QPushButton(self.tr("Cancel campaign"))
        self.btn_new.clicked.connect(lambda: self.new_campaign())
        self.btn_launch.clicked.connect(lambda: self.launch())
        self.btn_pause.clicked.connect(lambda: self.pause())
        self.btn_resume.clicked.connect(lambda: self.resume())
        self.btn_cancel.clicked.connect(lambda: self.cancel())
        for w, text in (
            (self.list_view, self.tr("Recall campaigns and their progress; select one to see its results")),
            (self.btn_new, self.tr("Start a new campaign: an audience, two messages and a test split")),
            (self.btn_launch, self.tr("Start sending the selected campaign's messages")),
            (self.btn_pause, self.tr("Stop sending the selected campaign's messages for now")),
            (self.btn_resume, self.tr("Go on sending the selected paused campaign's messages")),
            (self.btn_cancel, self.tr("End the selected campaign; messages not yet sent are dropped")),
        ):
            w.setAccessibleDescription(text)
        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 4)
        row = QHBoxLayout()
        row.addWidget(_title(self.tr("Campaigns")))
        row.addStretch(1)
        self.btn_export = export_button(self, self.list, self.tr("Campaigns"), status=self.sig_status.emit)
        for b in (
            self.btn_new,
            self.btn_launch,
            self.btn_pause,
            self.btn_resume,
            self.btn_cancel,
            self.btn_export,
        ):
            row.addWidget(b)
        tv.addLayout(row)
        tv.addWidget(self.list_view, 1)
        return top

    def _build_detail(self) -> QWidget:
        """The selected campaign: progress, verdict, charts and results by group."""
        self.heading = _title("")
        self.progress = QLabel("")
        self.progress.setWordWrap(True)
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.verdict.setProperty("textRole", "headline")
        self.verdict.setStyleSheet("padding: 4px 0;")
        self.chart = QChart()
        self.chart.setTitle(self.tr("Re-booked within the attribution window (%)"))
        self.chart.legend().setVisible(False)
        self.chart_view = chart_view(self.chart, min_height=220)
        self.funnel = QChart()
        self.funnel.setTitle(self.tr("Sent, delivered, replies, re-bookings, opt-outs"))
        self.funnel.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.funnel_view = chart_view(self.funnel, min_height=220)
        self.groups_view = table(
            self.groups,
            8,
            empty=self.tr(
                "No results yet: select a campaign that has sent messages, or start one with New campaign."
            ),
        )
        self.groups_view.setAccessibleName(self.tr("Results by group"))
        self.groups_view.setAccessibleDescription(
            self.tr("How each message group of the selected campaign did: sent, replies, re-bookings")
        )
        charts = QHBoxLayout()
        charts.addWidget(self.chart_view, 1)
        charts.addWidget(self.funnel_view, 1)
        detail = QWidget()
        dv = QVBoxLayout(detail)
        dv.setContentsMargins(0, 4, 0, 0)
        dv.addWidget(self.heading)
        dv.addWidget(self.progress)
        if may_view_analytics(self.ctx.actor):
            dv.addWidget(self.verdict)
            dv.addLayout(charts, 3)
            dv.addWidget(self.groups_view, 2)
        else:  # the results (lift, significance) are analytics
            dv.addWidget(no_analytics_page(), 5)
        return detail

    # ----- loading --------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        self.rows_load.start(_list_campaigns)

    def wait_until_loaded(self, timeout_ms: int = 10_000) -> bool:
        """Block until the list and the selected campaign, loading off the UI thread, are shown
        (the screenshot, tests)."""
        return self.rows_load.wait(timeout_ms) and not self.detail_load.loading

    def _load_failed(self, message: str) -> None:
        QMessageBox.warning(self, QCoreApplication.translate("Operations", "Could not load"), message)

    def _show_rows(self, rows: list[CampaignRow]) -> None:
        chosen = self.selected_campaign()
        self.list.set_rows(rows)
        ids = [r.id for r in rows]
        if chosen is not None and chosen.id in ids:
            self.list_view.selectRow(ids.index(chosen.id))
        elif rows:  # the newest campaign that has results, else the newest
            launched = [i for i, r in enumerate(rows) if r.status != "draft"]
            self.list_view.selectRow(launched[0] if launched else 0)
        self._on_selected()

    def selected_campaign(self) -> CampaignRow | None:
        return selected(self.list_view, self.list)

    def _on_selected(self, *_args: object) -> None:
        row = self.selected_campaign()
        status = row.status if row else ""
        self.btn_launch.setEnabled(status == "draft")
        self.btn_pause.setEnabled(status in ("running", "scheduled"))
        self.btn_resume.setEnabled(status == "paused")
        self.btn_cancel.setEnabled(status in ("draft", "scheduled", "running", "paused"))
        if row is None:
            self.heading.setText(self.tr("No campaigns yet"))
            self.progress.setText(
                self.tr(
                    "Start one with “New campaign…”: pick an audience, two messages and a "
                    "hold-out group, and see which brings families back."
                )
            )
            self.verdict.setText("")
            self.groups.set_rows([])
            self._charts(None)
            self.detail_load.cancel()
            return
        now, actor, analytics = self.ctx.clock.now(), self.ctx.actor, may_view_analytics(self.ctx.actor)

        def load(s: Any) -> tuple[CampaignDetail, CampaignResults | None]:
            from orca_desk.services.campaigns.drafts import get_campaign
            from orca_desk.services.campaigns.results import campaign_results

            return get_campaign(s, row.id), campaign_results(s, actor, row.id, now=now) if analytics else None

        self.detail_load.start(load)

    def _show_detail(self, loaded: tuple[CampaignDetail, CampaignResults | None]) -> None:
        detail, res = loaded
        self.results = res
        self.heading.setText(f"{detail.name} — {language.say(detail.status)}")
        style = self.ctx.time_style()
        when = local_time.fmt_day_time(detail.start_at, self.zone, style)
        nxt = (
            self.tr("; next send {next}, last {last}").format(
                next=local_time.fmt_day_time(detail.next_send_at, self.zone, style),
                last=local_time.fmt_day_time(detail.last_send_at, self.zone, style),
            )
            if detail.next_send_at
            and detail.last_send_at
            and detail.status in ("running", "scheduled", "paused")
            else ""
        )
        excluded = ", ".join(f"{n} {language.say(why)}" for why, n in res.excluded_reasons) if res else ""
        self.progress.setText(
            self.tr(
                "{value} · {value2} · starts {when} at {send_rate_per_hour}/h{nxt} · "
                "bookings within {attribution_days} days count"
            ).format(
                value=_say_list(detail.criteria.describe()),
                value2=", ".join(language.say(c) for c in detail.channels),
                when=when,
                send_rate_per_hour=detail.send_rate_per_hour,
                nxt=nxt,
                attribution_days=detail.attribution_days,
            )
            + (self.tr(" · left out: {excluded}").format(excluded=excluded) if excluded else "")
        )
        if res is None:
            return
        self.verdict.setText("\n".join(language.say(line) for line in res.summary().split("\n")))
        self.groups.set_rows(list(res.groups))
        self._charts(res)

    def _charts(self, res: CampaignResults | None) -> None:
        for chart in (self.chart, self.funnel):
            chart.removeAllSeries()
            for axis in chart.axes():
                chart.removeAxis(axis)
        groups = list(res.groups) if res else []
        rates = QBarSet(self.tr("Re-booked %"))
        names = []
        for g in groups:
            rates.append(round(100 * g.rebook_rate, 1))
            names.append(language.say(g.name.replace(" (hold-out)", "")))
        rates.setColor(QColor(ARM_COLOURS[0]))
        series = QBarSeries()
        series.append(rates)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value %")
        self.chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append(names or ["no data yet"])
        y = QValueAxis()
        y.setRange(0, max([100 * g.rebook_rate for g in groups] + [10]) * 1.2)
        y.setLabelFormat("%.0f")
        y.applyNiceNumbers()  # ticks at 0, 10, 20 …, not 0, 10.5, 21 …
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        funnel = QBarSeries()
        top = 1
        for i, g in enumerate(groups):
            bar = QBarSet(names[i])
            values = [g.sent, g.delivered, g.responses, g.rebooked, g.opt_outs]
            for v in values:
                bar.append(v)
            top = max([top, *values])
            bar.setColor(
                QColor(CONTROL_COLOUR if g.variant_id is None else ARM_COLOURS[i % len(ARM_COLOURS)])
            )
            funnel.append(bar)
        self.funnel.addSeries(funnel)
        fx = QBarCategoryAxis()
        # Five categories in half the width: a long name wraps at its spaces instead of being cut.
        fx.append(
            [
                _wrapped(self.tr("Sent")),
                _wrapped(self.tr("Delivered")),
                _wrapped(self.tr("Replies")),
                _wrapped(self.tr("Re-booked")),
                _wrapped(self.tr("Opt-outs")),
            ]
        )
        fx.setTruncateLabels(False)
        small = fx.labelsFont()
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))  # five categories in half the width, uncut
        fx.setLabelsFont(small)
        fy = QValueAxis()
        fy.setRange(0, top)
        fy.setTickCount(min(top, 4) + 1)
        fy.setLabelFormat("%d")
        if top > 4:
            fy.applyNiceNumbers()
        self.funnel.addAxis(fx, Qt.AlignmentFlag.AlignBottom)
        self.funnel.addAxis(fy, Qt.AlignmentFlag.AlignLeft)
        funnel.attachAxis(fx)
        funnel.attachAxis(fy)

    # ----- actions --------------------------------------------------------------------------
    def new_campaign(self, wizard: CampaignWizard | None = None) -> bool:
        if wizard is None:
            from orca_desk.views.campaigns.wizard import CampaignWizard  # only when a campaign is started

            wizard = CampaignWizard(self.ctx, self)
        if not wizard.exec():
            return False
        self.sig_status.emit(self.tr("Campaign saved"))  # its changes reload the list
        return True

    def _act(self, what: str, fn: Any, message: str) -> bool:
        row = self.selected_campaign()
        if row is None:
            return False
        actor, now = self.ctx.actor, self.ctx.clock.now()
        # The operation's changes reload the list and the selected campaign.
        return self.ctx.ops.write(
            lambda s: fn(s, actor, row.id, now=now),
            parent=self,
            title=what,
            on_done=lambda _result: self.sig_status.emit(f"{row.name}: {message}"),
        )

    def launch(self) -> bool:
        from orca_desk.services.campaigns.launch import launch_campaign

        return self._act(self.tr("Launch"), launch_campaign, "launched")

    def pause(self) -> bool:
        from orca_desk.services.campaigns.launch import pause_campaign

        return self._act(self.tr("Pause"), pause_campaign, "paused; nothing more goes out until resumed")

    def resume(self) -> bool:
        from orca_desk.services.campaigns.launch import resume_campaign

        return self._act(self.tr("Resume"), resume_campaign, "resumed")

    def cancel(self, confirm: bool = True) -> bool:
        row = self.selected_campaign()
        if row is None:
            return False
        if (
            confirm
            and QMessageBox.question(
                self,
                self.tr("Cancel campaign"),
                self.tr("Cancel “{name}”? Messages not sent yet will never go.").format(name=row.name),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return False
        from orca_desk.services.campaigns.launch import cancel_campaign

        return self._act(self.tr("Cancel"), cancel_campaign, "cancelled; unsent messages withdrawn")


def _wrapped(label: str) -> str:
    """A chart label of several words on two lines, cut at the space nearest its middle (the axis
    draws labels as rich text)."""
    spaces = [i for i, ch in enumerate(label) if ch == " "]
    if not spaces:
        return label
    cut = min(spaces, key=lambda i: abs(len(label) - 2 * i))
    return f"{label[:cut]}<br>{label[cut + 1 :]}"


def _say_list(text: str) -> str:
    """A list the services join with commas ("not seen for 21 days, no future appointment"), each
    part in the desk's language."""
    return ", ".join(language.say(part) for part in text.split(", "))


def _list_campaigns(s: Any) -> list[CampaignRow]:
    from orca_desk.services.campaigns.results import list_campaigns

    return list_campaigns(s)
