"""Calendar week view: a column group per day, one provider's or a few chairs' columns inside it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from orca_desk.services.calendar.calendar_data import CalendarData, week_days
from orca_desk.services.calendar.week_plan import (
    WeekScope,
    chair_scopes,
    days_to_show,
    provider_scopes,
    who_works,
)
from orca_desk.services.clinic.clinic import ChairRow
from orca_desk.ui.accessibility import tab_after
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import MEDIUM, WEEKDAY_DAY, WEEKDAY_DAY_MONTH, fmt_day, weekday_name
from orca_desk.views.calendar.calendar_screen import CalendarScreen
from orca_desk.views.calendar.filters import BY_PROVIDER

PROVIDER, CHAIRS = "provider", "chairs"


class WeekViewScreen(CalendarScreen):
    """Monday to Sunday of the shown day's week, for one provider or one group of chairs at a time
    (a quick switch: the "Show" combo, Ctrl+[ and Ctrl+]), so 20 chairs never make 140 columns.

    Saturday and Sunday are left out when nobody works or is booked then. Drag moves an
    appointment across days as well as across chairs or providers.
    """

    async_load = True
    min_col_w = 62
    nav_step_days = 7
    zoom_view = "week"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._opened_week: date | None = None
        self._pending_x: int | None = None  # where to scroll once the grid has its width
        self.scopes: list[WeekScope] = []
        self.scope: WeekScope | None = None
        self._chosen: dict[str, WeekScope] = {}  # the desk's last choice per kind, kept across weeks
        self.hidden_days: list[date] = []
        self.sig_loaded.connect(self._show_today_first)
        self.scroll_area.horizontalScrollBar().rangeChanged.connect(self._on_scroll_range)
        self.scroll_area.horizontalScrollBar().actionTriggered.connect(self._on_user_scroll)
        self._build_switch()

    def _build_switch(self) -> None:
        row_widget = QWidget()
        row_widget.setObjectName("weekScopeBar")
        row = QHBoxLayout(row_widget)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.scope_label = QLabel(self.tr("Show"))
        self.act_prev_scope = self._scope_action(self.tr("Previous provider or chairs"), "Ctrl+[", -1)
        self.act_next_scope = self._scope_action(self.tr("Next provider or chairs"), "Ctrl+]", 1)
        self.prev_scope_button, self.next_scope_button = QToolButton(), QToolButton()
        for button, act, text in (
            (self.prev_scope_button, self.act_prev_scope, "‹"),
            (self.next_scope_button, self.act_next_scope, "›"),
        ):
            button.setDefaultAction(act)
            button.setText(text)
        self.scope_combo = QComboBox()
        self.scope_combo.setMinimumContentsLength(16)
        self.scope_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scope_combo.setToolTip(
            self.tr("Whose week to show: one provider, or a few chairs (Ctrl+[ / Ctrl+])")
        )
        self.scope_combo.setAccessibleName(self.tr("Whose week"))
        self.scope_combo.activated.connect(self._on_scope_activated)
        self.days_note = QLabel()
        self.days_note.setObjectName("hint")
        row.addWidget(self.scope_label)
        row.addWidget(self.prev_scope_button)
        row.addWidget(self.scope_combo)
        row.addWidget(self.next_scope_button)
        row.addSpacing(12)
        row.addWidget(self.days_note)
        row.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, row_widget)
        tab_after(self.bar, [self.prev_scope_button, self.scope_combo, self.next_scope_button])

    def _scope_action(self, text: str, key: str, step: int) -> QAction:
        act = QAction(text, self)
        act.setShortcut(QKeySequence(key))
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.setToolTip(f"{text} ({QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)})")
        act.triggered.connect(lambda: self.switch_scope(step))
        self.addAction(act)
        return act

    # ----- what is shown ------------------------------------------------------------------
    def shown_days(self) -> list[date]:
        return week_days(self.day)

    def group_label(self, day: date, location_id: int) -> str:
        return fmt_day(day, WEEKDAY_DAY_MONTH) + (
            self.tr(" · today") if day == self._today(location_id) else ""
        )

    def period_title(self, day: date) -> str:
        """The toolbar's title: the week, not the day."""
        days = week_days(day)
        first, last = days[0], days[-1]
        same_month = first.month == last.month
        return self.tr("Week of {first} – {last}").format(
            first=fmt_day(first, WEEKDAY_DAY if same_month else WEEKDAY_DAY_MONTH), last=fmt_day(last, MEDIUM)
        )

    def _today(self, location_id: int) -> date:
        return self.ctx.clock.now().astimezone(self.zone_of(location_id)).date()

    def column_days(self, data: CalendarData) -> list[date]:
        working: dict[tuple[date, int], list[tuple[int, int]]] = {}
        booked: list[tuple[date, int]] = []
        for lid, zone in data.zones.items():
            overlay = data.overlays.get(lid)
            if overlay is not None:
                working.update(overlay.working)
            booked += [
                (a.start.astimezone(zone).date(), a.provider_id)
                for a in data.appointments
                if a.location_id == lid
            ]
        shown = days_to_show(data.days, who_works(working, booked))
        self.hidden_days = [d for d in data.days if d not in shown]
        return shown

    def rebuild(self) -> None:
        if self.data is not None:
            self._update_scopes(self.data)
        super().rebuild()
        self._sync_days_note()

    def _chairs(self, location_id: int) -> list[ChairRow]:
        chairs = super()._chairs(location_id)
        if self.scope is None or self.scope.kind != CHAIRS:
            return chairs
        return [c for c in chairs if c.id in self.scope.ids]

    def _providers(self, location_id: int, data: CalendarData) -> list[tuple[int, str, str]]:
        providers = super()._providers(location_id, data)
        if self.scope is None or self.scope.kind != PROVIDER:
            return providers
        return [p for p in providers if p[0] in self.scope.ids]

    # ----- the quick switch -------------------------------------------------------------------
    def _update_scopes(self, data: CalendarData) -> None:
        """The choices for this week and these filters; the desk's last choice stays when offered."""
        kind = PROVIDER if self.filters.by == BY_PROVIDER else CHAIRS
        if kind == PROVIDER:
            shown = [pid for lid in data.zones for pid, _n, _r in CalendarScreen._providers(self, lid, data)]
            rows = [p for p in self.ctx.clinic.providers if p.id in shown]
            working = {
                pid
                for lid in data.zones
                for (_d, pid), ivs in getattr(data.overlays.get(lid), "working", {}).items()
                if ivs
            }
            scopes = provider_scopes(rows, working | {a.provider_id for a in data.appointments})
        else:
            scopes = chair_scopes([c for lid in data.zones for c in CalendarScreen._chairs(self, lid)])
        wanted = self._chosen.get(kind)
        self.scopes = scopes
        self.scope = wanted if wanted in scopes else (scopes[0] if scopes else None)
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        for s in scopes:
            self.scope_combo.addItem(s.label)
        if self.scope is not None:
            self.scope_combo.setCurrentIndex(scopes.index(self.scope))
        self.scope_combo.blockSignals(False)
        several = len(scopes) > 1
        for w in (self.scope_combo, self.act_prev_scope, self.act_next_scope):
            w.setEnabled(several)

    def choose_scope(self, scope: WeekScope) -> None:
        """Show this provider's or these chairs' week (and keep it when the week changes)."""
        self._chosen[scope.kind] = scope
        if self.data is not None:
            self._opened_week = None  # a new set of columns: show today first again
            self.rebuild()
            self._show_today_first()

    def switch_scope(self, step: int) -> None:
        """The next (or previous) provider, or the next group of chairs (a single chair: the next one)."""
        if self.scope is None or not self.scopes:
            return
        alike = (
            self.scopes
            if self.scope.kind == PROVIDER
            else [s for s in self.scopes if (len(s.ids) > 1) == (len(self.scope.ids) > 1)]
        )
        k = alike.index(self.scope) if self.scope in alike else -1
        self.choose_scope(alike[(k + step) % len(alike)])

    def _on_scope_activated(self, index: int) -> None:
        if 0 <= index < len(self.scopes):
            self.choose_scope(self.scopes[index])

    def _sync_days_note(self) -> None:
        if not self.hidden_days:
            self.days_note.setText("")
            return
        names = ", ".join(weekday_name(d.weekday()) for d in self.hidden_days)
        self.days_note.setText(self.tr("{days} hidden: nobody works then").format(days=names))

    # ----- scrolling ------------------------------------------------------------------------
    def _show_today_first(self) -> None:
        """Opening the week of today, scroll so today comes first: the days before it are past.
        Only when a week is first shown, so a refresh never moves what the desk is looking at."""
        week = self.shown_days()[0]
        if week == self._opened_week:
            return
        self._opened_week = week
        today_title = self.group_label(self._today(self.location_id), self.location_id)
        columns = self.grid.columns
        first = next((i for i, c in enumerate(columns) if c.group == today_title), None)
        unit = max(self.grid.min_column_width(), self.grid.col_width())
        self._pending_x = 0 if first is None else round(sum(c.weight for c in columns[:first]) * unit)
        self._on_scroll_range(0, self.scroll_area.horizontalScrollBar().maximum())

    def _on_scroll_range(self, _low: int, high: int) -> None:
        # The grid takes its width after the load lays it out: scroll as far as the range allows
        # (all the way once it does), unless the desk scrolls first.
        if self._pending_x is None:
            return
        self.scroll_area.horizontalScrollBar().setValue(min(self._pending_x, high))
        if high >= self._pending_x:
            self._pending_x = None

    def _on_user_scroll(self, _action: int) -> None:
        self._pending_x = None
