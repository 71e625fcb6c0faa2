"""Calendar week view: a column group per day, a column per chair or provider inside it."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QWidget

from orca_desk.services.calendar_data import week_days
from orca_desk.ui.context import AppContext
from orca_desk.views.calendar.calendar_screen import CalendarScreen


class WeekViewScreen(CalendarScreen):
    """Monday to Sunday of the shown day's week; filter to one provider for a column per day.

    Drag moves an appointment across days as well as across chairs or providers.
    """

    async_load = True
    min_col_w = 62
    nav_step_days = 7

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._opened_week: date | None = None
        self._pending_x: int | None = None  # where to scroll once the grid has its width
        self.sig_loaded.connect(self._show_today_first)
        self.scroll_area.horizontalScrollBar().rangeChanged.connect(self._on_scroll_range)

    def shown_days(self) -> list[date]:
        return week_days(self.day)

    def group_label(self, day: date, location_id: int) -> str:
        return f"{day:%a %-d %b}" + (" · today" if day == self._today(location_id) else "")

    def _today(self, location_id: int) -> date:
        return self.ctx.clock.now().astimezone(self.zone_of(location_id)).date()

    def _show_today_first(self) -> None:
        """Opening the week of today, scroll so today comes first: the days before it are past.
        Only when a week is first shown, so a refresh never moves what the desk is looking at."""
        week = self.shown_days()[0]
        if week == self._opened_week:
            return
        self._opened_week = week
        today_title = self.group_label(self._today(self.location_id), self.location_id)
        first = next((i for i, c in enumerate(self.grid.columns) if c.group == today_title), None)
        self._pending_x = 0 if first is None else round(first * max(self.min_col_w, self.grid.col_width()))
        self._on_scroll_range(0, self.scroll_area.horizontalScrollBar().maximum())

    def _on_scroll_range(self, _low: int, high: int) -> None:
        # The grid takes its width after the load lays it out: scroll when the range allows it.
        if self._pending_x is not None and (high >= self._pending_x or self._pending_x == 0):
            self.scroll_area.horizontalScrollBar().setValue(self._pending_x)
            self._pending_x = None
