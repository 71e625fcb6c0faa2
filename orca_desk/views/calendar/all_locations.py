"""Calendar "all locations": one day, the locations side by side, each in its own wall clock."""

from __future__ import annotations

from datetime import date

from orca_desk.views.calendar.calendar_screen import CalendarScreen


class AllLocationsScreen(CalendarScreen):
    async_load = True
    min_col_w = 80
    zoom_view = "all"
    show_location_filter = True

    def shown_locations(self) -> list[int]:
        return [loc.id for loc in self.ctx.clinic.locations]

    def group_label(self, day: date, location_id: int) -> str:
        return self.ctx.clinic.location(location_id).name
