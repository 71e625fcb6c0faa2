"""The Recovery screen: open cases most at risk first, with history and next step; at-risk list; metrics;
the follow-up sequence (managers edit it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QLocale, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import local_time
from orca_desk.services.access.security import VIEW_ANALYTICS
from orca_desk.services.recovery.rows import CALL_OUTCOMES, CaseRow, GroupMetrics, HistoryRow, RecoveryMetrics
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import DAY_MONTH, SHORT, fmt_day
from orca_desk.ui.export_button import export_button
from orca_desk.ui.labels import section_title as _title
from orca_desk.ui.rows_table import RowsModel, empty_state, selected, table
from orca_desk.ui.screen import Screen
from orca_desk.ui.workers import BackgroundLoader
from orca_desk.views.recovery.sequence import SequenceEditor

if TYPE_CHECKING:
    from orca_desk.services.analytics.at_risk import AtRiskRow, RiskFactor

LEVEL_COLOURS = {"high": "#c62828", "medium": "#ef6c00", "low": "#2e7d32"}
METRICS_DAYS = 90
NO_RISK = QT_TRANSLATE_NOOP(
    "RecoveryScreen", "No patient at risk: overdue or repeatedly missed visits put a patient on this list."
)


class RecoveryScreen(Screen):
    """Missed visits being followed up until the family books again. The at-risk list scores every
    active patient (seconds on a large clinic): it loads off the UI thread, when its tab is shown."""

    # The cases with their visits and families; the at-risk list follows every visit.
    watches = frozenset(
        {
            "recovery_case",
            "recovery_step",
            "recovery_sequence",
            "appointment",
            "patient",
            "appointment_type",
            "provider",
            "location",
            "outbox_message",
        }
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        first = ctx.clinic.locations[0].timezone if ctx.clinic.locations else "UTC"
        self.zone = ZoneInfo(first)
        self.time_fmt = ctx.time_style()
        self.cases = RowsModel[CaseRow](
            [
                (self.tr("Risk"), lambda r: f"{r.risk.score} {language.say(r.risk.level, 'risk')}"),
                (self.tr("Patient"), lambda r: r.patient_name),
                (self.tr("Cause"), lambda r: language.say(r.cause_label)),
                (self.tr("Missed visit"), lambda r: r.missed_text),
                (self.tr("Status"), lambda r: language.say(r.status)),
                (self.tr("Next step"), lambda r: language.say(r.next_step_label)),
                (self.tr("Due"), lambda r: self._when(r.next_step_at)),
            ],
            tooltip=lambda r: _factor_lines(r.risk.factors) or language.say(r.risk.explain()),
        )
        self.history = RowsModel[HistoryRow](
            [
                (self.tr("When"), lambda h: self._when(h.at)),
                (self.tr("What"), lambda h: language.say(h.event.replace("_", " "), "event")),
                (self.tr("Detail"), lambda h: language.say(h.detail)),
                (self.tr("By"), lambda h: language.say(h.by, "by")),
            ],
            tooltip=lambda h: language.say(h.detail),
        )
        self.risky = RowsModel["AtRiskRow"](
            [
                (self.tr("Score"), lambda r: r.score),
                (self.tr("Level"), lambda r: language.say(r.level, "risk")),
                (self.tr("Patient"), lambda r: r.name),
                (self.tr("Stage"), lambda r: language.say(r.stage)),
                (
                    self.tr("Last visit"),
                    lambda r: (
                        fmt_day(r.last_visit.astimezone(self.zone).date(), SHORT)
                        if r.last_visit
                        else self.tr("never")
                    ),
                ),
                (
                    self.tr("Why"),
                    lambda r: "; ".join(f"+{f.points} {language.say(f.why)}" for f in r.factors),
                ),
            ],
            tooltip=lambda r: _factor_lines(r.factors),
        )
        self.groups = RowsModel[tuple[str, GroupMetrics]](
            [
                (self.tr("By"), lambda r: r[0]),
                (self.tr("Name"), lambda r: r[1].name),
                (self.tr("Cases"), lambda r: r[1].cases),
                (self.tr("Re-booked"), lambda r: f"{r[1].rescheduled} ({r[1].rate:.0%})"),
                (self.tr("Lost"), lambda r: r[1].lost),
                (self.tr("Median time to rebook"), lambda r: self._days(r[1].median_days_to_rebook)),
            ]
        )
        self.loading = False
        self._risk_stale = True
        self._asked = 0  # the newest cases load: only its result is shown
        self._metrics: RecoveryMetrics | None = None
        self._unfilled: dict[QWidget, Callable[[], None]] = {}  # tab pages built when first shown
        self.risk_loader = BackgroundLoader(self)
        self.risk_loader.sig_loaded.connect(self._show_risky)
        self.risk_loader.sig_failed.connect(self._risky_failed)
        self._build()

    def _when(self, at: datetime | None) -> str:
        return local_time.fmt_recent(at, self.zone, self.time_fmt, now=self.ctx.clock.now()) if at else "—"

    # ----- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.headline = QLabel(self.tr("Loading the open cases…"))
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("padding: 2px 0 6px 0;")
        # Containers go into their parents before they are filled: under the app's style sheet each
        # move of a filled page to a new parent restyles every widget on it again.
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.headline)
        layout.addWidget(self.tabs, 1)
        cases = QSplitter(Qt.Orientation.Vertical)
        self.tabs.addTab(cases, self.tr("Open cases"))
        self._cases_tab(cases)
        # The other tabs are filled when first shown: most visits to this screen are for the cases.
        self.risk_tab = self._lazy_page(self._risk_tab)
        self.tabs.addTab(self.risk_tab, self.tr("At risk"))
        self.metrics_tab = self._lazy_page(self._metrics_tab)
        self.tabs.addTab(self.metrics_tab, self.tr("Metrics"))
        self.sequence = SequenceEditor(self.ctx)
        self.sequence.sig_status.connect(self.sig_status.emit)
        self.tabs.addTab(self.sequence, self.tr("Sequence"))
        self.tabs.currentChanged.connect(lambda _i: self._on_tab_shown())

    def _lazy_page(self, fill: Callable[[QVBoxLayout], None]) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 0, 0, 0)
        self._unfilled[page] = lambda: fill(v)
        return page

    def _on_tab_shown(self) -> None:
        fill = self._unfilled.pop(self.tabs.currentWidget(), None)
        if fill is not None:
            fill()
        self._load_risky_if_shown()

    def _cases_tab(self, split: QSplitter) -> None:
        top = QWidget()
        split.addWidget(top)
        pane = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(pane)
        self.cases_view = table(
            self.cases,
            5,
            empty=self.tr(
                "No open cases. A no-show or a late cancellation opens one here, with its follow-up."
            ),
        )
        self.cases_view.selectionModel().selectionChanged.connect(self._on_case_selected)
        self.cases_view.setAccessibleDescription(
            self.tr("Patients who missed or cancelled late, most at risk first; select one to follow it up")
        )
        self.btn_export_cases = export_button(
            self, self.cases, self.tr("Recovery cases"), status=self.sig_status.emit
        )
        lv = QVBoxLayout(top)
        lv.setContentsMargins(0, 0, 0, 6)
        head = QHBoxLayout()
        head.addWidget(_title(self.tr("Open cases — most at risk first")))
        head.addStretch(1)
        head.addWidget(self.btn_export_cases)
        lv.addLayout(head)
        lv.addWidget(self.cases_view, 1)
        # The cases span the screen's width (their next step and due time readable); the chosen
        # case and its history sit under them.
        self._case_pane(pane)
        split.setSizes([330, 250])

    def _case_pane(self, split: QSplitter) -> None:
        case, history = QWidget(), QWidget()
        split.addWidget(case)
        split.addWidget(history)
        self.history_view = table(
            self.history,
            2,
            empty=self.tr(
                "Select a case to see its calls and messages; new cases open after a no-show or late cancel."
            ),
        )
        self.detail = QLabel(self.tr("Select a case to see who to call and why."))
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.btn_call = QPushButton(self.tr("Log call outcome…"))
        self.btn_lost = QPushButton(self.tr("Close as lost…"))
        self.btn_call.clicked.connect(lambda: self.log_call())
        self.btn_lost.clicked.connect(lambda: self.close_lost())
        for w, text in (
            (self.history_view, self.tr("The calls and messages of the selected case, newest first")),
            (self.btn_call, self.tr("Record how a call to the selected case's family went")),
            (self.btn_lost, self.tr("Close the selected case: the patient is not coming back")),
        ):
            w.setAccessibleDescription(text)
        cv = QVBoxLayout(case)
        cv.setContentsMargins(0, 6, 6, 0)
        cv.addWidget(_title(self.tr("Case")))
        cv.addWidget(self.detail, 1)
        row = QHBoxLayout()
        row.addWidget(self.btn_call)
        row.addWidget(self.btn_lost)
        row.addStretch(1)
        cv.addLayout(row)
        hv = QVBoxLayout(history)
        hv.setContentsMargins(6, 6, 0, 0)
        hv.addWidget(_title(self.tr("History")))
        hv.addWidget(self.history_view, 1)
        split.setSizes([470, 590])

    def _risk_tab(self, v: QVBoxLayout) -> None:
        self.risky_view = table(self.risky, 5)
        self.risky_empty = empty_state(self.risky_view, self.tr(str(NO_RISK)))
        v.setContentsMargins(9, 9, 9, 9)
        note = QLabel(
            self.tr(
                "Active patients scoring 25 or more. The score adds no-shows, late cancellations, "
                "unconfirmed visits and time since the last visit against the expected interval of "
                "their treatment stage; hover a row for the breakdown."
            )
        )
        note.setWordWrap(True)
        self.risky_view.setAccessibleName(self.tr("Patients at risk"))
        self.risky_view.setAccessibleDescription(note.text())
        self.btn_export_risky = export_button(
            self, self.risky, self.tr("At-risk patients"), status=self.sig_status.emit
        )
        head = QHBoxLayout()
        head.addWidget(note, 1)
        head.addWidget(self.btn_export_risky)
        v.addLayout(head)
        v.addWidget(self.risky_view, 1)

    def _metrics_tab(self, v: QVBoxLayout) -> None:
        # QtCharts loads with the tab that draws one, not with the screen.
        from PySide6.QtCharts import QChart

        from orca_desk.ui.charts import analytics_page, chart_view, may_view_analytics, no_analytics_page

        if not may_view_analytics(self.ctx.actor):
            v.addWidget(no_analytics_page())
            return
        self.chart = QChart()
        self.chart.setTitle(
            self.tr("Recovery cases by week (last {METRICS_DAYS} days)").format(METRICS_DAYS=METRICS_DAYS)
        )
        self.chart_view = chart_view(self.chart)
        self.metrics_text = QLabel("")
        self.metrics_text.setWordWrap(True)
        self.groups_view = table(
            self.groups,
            1,
            empty=self.tr(
                "No cases yet: a no-show or late cancellation opens one, "
                "counted here by provider and location."
            ),
        )
        self.groups_view.setAccessibleDescription(
            self.tr("Recovery cases opened, rebooked and lost, per provider, location, visit type and cause")
        )
        v.addWidget(
            analytics_page(
                self.metrics_text,
                self.chart_view,
                self.tr("By provider, location, visit type and cause"),
                self.groups_view,
            )
        )
        if self._metrics is not None:
            self._show_metric_figures(self._metrics)

    # ----- loading --------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Reload the cases off the UI thread (with their 90-day figures: a few tens of milliseconds
        on a large clinic); the list on view stays until the new one arrives."""
        now = self.ctx.clock.now()
        actor, analytics = self.ctx.actor, self.ctx.actor.can(VIEW_ANALYTICS)
        self._asked += 1
        asked = self._asked

        def load(s: Any) -> tuple[str, list[CaseRow], RecoveryMetrics | None]:
            # The services (and the recovery models) load here, off the UI thread.
            from orca_desk.services.recovery.metrics import recovery_metrics
            from orca_desk.services.recovery.queries import list_cases

            since, until = now - timedelta(days=METRICS_DAYS), now + timedelta(minutes=1)
            return (
                local_time.clinic_time_format(s),
                list_cases(s, now=now),
                recovery_metrics(s, actor, since=since, until=until) if analytics else None,
            )

        self.ctx.ops.read(
            load,
            parent=self,
            # Only the newest of overlapping loads is shown.
            on_done=lambda loaded: self._show_cases(loaded) if asked == self._asked else None,
        )
        self._risk_stale = True
        self._load_risky_if_shown()

    def _load_risky_if_shown(self) -> None:
        if not self._risk_stale or self.tabs.currentWidget() is not self.risk_tab:
            return
        self._risk_stale = False
        self.loading = True
        if not self.risky.rows:
            self.risky_empty.setText(self.tr("Scoring the active patients…"))
        # A newer load replaces one still running: only the latest list is shown.
        self.risk_loader.start(partial(_at_risk_list, self.ctx.db, self.ctx.clock.now()))

    def _show_cases(self, loaded: tuple[str, list[CaseRow], RecoveryMetrics | None]) -> None:
        self.time_fmt, cases, metrics = loaded
        now = self.ctx.clock.now()
        chosen = self.selected_case()
        self.cases.set_rows(cases)
        if metrics is not None:
            self._show_metrics(metrics)
        else:  # the working figures only: no recovery rate without the analytics permission
            due = sum(1 for c in cases if c.next_step_at and c.next_step_at <= now)
            self.headline.setText(
                self.tr("<b>{count}</b> open cases ({due} with a step due)").format(count=len(cases), due=due)
            )
        ids = [c.id for c in cases]
        if chosen is not None and chosen.id in ids:
            self.cases_view.selectRow(ids.index(chosen.id))
        elif cases:
            self.cases_view.selectRow(0)
        self._on_case_selected()

    def _show_risky(self, rows: object) -> None:
        assert isinstance(rows, list)
        self.risky.set_rows(rows)
        self.risky_empty.setText(self.tr(str(NO_RISK)))
        self.loading = False

    def _risky_failed(self, exc: object) -> None:
        self.loading = False
        self.risky.set_rows([])
        self.risky_empty.setText(
            self.tr("The at-risk list could not be loaded: {exc}").format(exc=language.say(str(exc)))
        )

    def wait_until_loaded(self, timeout_ms: int = 10_000) -> bool:
        """Block until pending background loads have been shown (the screenshot, tests)."""
        cases = self.ctx.ops.wait(timeout_ms)
        return self.risk_loader.wait_while(lambda: self.loading, timeout_ms) and cases

    def _show_metrics(self, m: RecoveryMetrics) -> None:
        due = sum(1 for c in self.cases.rows if c.next_step_at and c.next_step_at <= self.ctx.clock.now())
        self.headline.setText(
            self.tr(
                "<b>{value}</b> open cases ({due} with a step due) · recovery rate "
                "<b>{recovery_rate:.0%}</b> over {METRICS_DAYS} days · median time to "
                "rebook <b>{value2}</b>"
            ).format(
                value=m.open + m.contacted,
                due=due,
                recovery_rate=m.recovery_rate,
                METRICS_DAYS=METRICS_DAYS,
                value2=self._days(m.median_days_to_rebook),
            )
        )
        self._metrics = m
        if self.metrics_tab not in self._unfilled:
            self._show_metric_figures(m)
        # The breakdown's rows are kept while its tab is not built; its export sees them.
        self.groups.set_rows(
            [(self.tr("Provider"), g) for g in m.by_provider]
            + [(self.tr("Location"), g) for g in m.by_location]
            + [(self.tr("Visit type"), g) for g in m.by_type]
            + [(self.tr("Cause"), replace(g, name=language.say(g.name))) for g in m.by_cause]
        )

    def _show_metric_figures(self, m: RecoveryMetrics) -> None:
        from orca_desk.ui.charts import show_count_bars

        self.metrics_text.setText(
            self.tr(
                "{cases} cases opened: <b>{rescheduled}</b> re-booked, {lost} lost, "
                "{open} open, {contacted} contacted, {closed} closed (visit restored "
                "or nothing to recover)."
            ).format(
                cases=m.cases,
                rescheduled=m.rescheduled,
                lost=m.lost,
                open=m.open,
                contacted=m.contacted,
                closed=m.closed,
            )
        )
        show_count_bars(
            self.chart,
            [fmt_day(w.week_start, DAY_MONTH) for w in m.weeks],
            [
                (self.tr("Cases opened"), "#7aa7e0", [w.opened for w in m.weeks]),
                (self.tr("Re-booked"), "#2e9e62", [w.rescheduled for w in m.weeks]),
            ],
            empty=self.tr("no cases yet"),
        )

    def selected_case(self) -> CaseRow | None:
        return selected(self.cases_view, self.cases)

    def _on_case_selected(self, *_args: object) -> None:
        c = self.selected_case()
        self.btn_call.setEnabled(c is not None)
        self.btn_lost.setEnabled(c is not None)
        if c is None:
            self.detail.setText(self.tr("No open cases: every missed visit has been followed up."))
            self.history.set_rows([])
            return
        colour = LEVEL_COLOURS[c.risk.level]
        factors = "".join(
            f"<li><b>+{f.points}</b> {language.say(f.factor)}: {language.say(f.why)}</li>"
            for f in c.risk.factors
        ) or self.tr("<li>No risk factors.</li>")
        self.detail.setText(
            self.tr(
                "<b>{patient_name}</b> — {cause_label} of the {value} on {missed_text} "
                "with {provider} at {location}<br>Call <b>{responsible}</b> "
                "{phone}<br>Next: <b>{value2}</b> {value3}<br>At-risk score <b "
                "style='color:{colour}'>{score} ({level})</b>:<ul style='margin:2px 0 "
                "0 -20px'>{factors}</ul>"
            ).format(
                patient_name=c.patient_name,
                cause_label=language.say(c.cause_label),
                value=c.type_name.lower(),
                missed_text=c.missed_text,
                provider=c.provider,
                location=c.location,
                responsible=language.say(c.responsible),
                phone=c.phone,
                value2=language.say(c.next_step_label) or "—",
                value3=self._when(c.next_step_at),
                colour=colour,
                score=c.risk.score,
                level=language.say(c.risk.level, "risk"),
                factors=factors,
            )
        )
        self.history.set_rows(list(reversed(c.history)))

    # ----- actions --------------------------------------------------------------------------
    def log_call(self, outcome: str | None = None, note: str = "") -> bool:
        c = self.selected_case()
        if c is None:
            return False
        if outcome is None:
            labels = list(CALL_OUTCOMES.values())
            label, ok = QInputDialog.getItem(
                self,
                self.tr("Log call outcome"),
                self.tr("How did the call to {responsible} go?").format(responsible=c.responsible),
                labels,
                0,
                False,
            )
            if not ok:
                return False
            outcome = next(k for k, v in CALL_OUTCOMES.items() if v == label)
        from orca_desk.services.recovery.staff import log_call_outcome

        return self._act(
            self.tr("Log call outcome"),
            lambda s: log_call_outcome(s, self.ctx.actor, c.id, outcome, now=self.ctx.clock.now(), note=note),
            self.tr("Call to {patient_name} logged").format(patient_name=c.patient_name),
        )

    def close_lost(self, reason: str | None = None) -> bool:
        c = self.selected_case()
        if c is None:
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(
                self,
                self.tr("Close as lost"),
                self.tr("Why is {patient_name} not coming back?").format(patient_name=c.patient_name),
            )
            if not ok:
                return False
        from orca_desk.services.recovery.staff import close_case

        return self._act(
            self.tr("Close as lost"),
            lambda s: close_case(
                s, self.ctx.actor, c.id, now=self.ctx.clock.now(), status="lost", reason=reason or ""
            ),
            self.tr("{patient_name}'s case closed as lost").format(patient_name=c.patient_name),
        )

    def _act(self, what: str, fn: Any, message: str) -> bool:
        # The operation's changes reload the cases.
        return self.ctx.ops.write(
            fn, parent=self, title=what, on_done=lambda _result: self.sig_status.emit(message)
        )

    def _days(self, value: float | None) -> str:
        if value is None:
            return "—"
        if value < 1:
            return self.tr("{value} h").format(value=QLocale().toString(value * 24, "f", 0))
        return self.tr("{value} days").format(value=QLocale().toString(value, "f", 1))


def _factor_lines(factors: Iterable[RiskFactor]) -> str:
    """One line per risk factor, e.g. "+30 no-shows: 2 no-shows in the last 12 months"."""
    return "\n".join(f"+{f.points} {language.say(f.factor)}: {language.say(f.why)}" for f in factors)


def _at_risk_list(db: Any, now: datetime) -> list[AtRiskRow]:
    # The scoring service loads here, off the UI thread, as the list does.
    from orca_desk.services.analytics.at_risk import load_at_risk_list

    return load_at_risk_list(db, now=now, limit=200)
