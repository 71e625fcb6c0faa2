"""Calendar week view: a column group per day, a column per chair or provider inside it."""

from __future__ import annotations

from datetime import date

from orca_desk.services.calendar_data import week_days
from orca_desk.views.calendar.calendar_screen import CalendarScreen


class WeekViewScreen(CalendarScreen):
    """Monday to Sunday of the shown day's week; filter to one provider for a column per day.

    Drag moves an appointment across days as well as across chairs or providers.
    """

    async_load = True
    min_col_w = 62
    nav_step_days = 7

    def shown_days(self) -> list[date]:
        return week_days(self.day)

    def group_label(self, day: date, location_id: int) -> str:
        today = self.ctx.clock.now().astimezone(self.zone_of(location_id)).date()
        return f"{day:%a %-d %b}" + (" · today" if day == today else "")
