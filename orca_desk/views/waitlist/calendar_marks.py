"""Calendar marks of waitlist openings: "offered · 1h52m left" drawn over the freed slot."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from orca_desk.services.waitlist import offered_openings
from orca_desk.ui.time_grid import GridItem

OFFERED_COLOUR = "#f2c14e"


def opening_marks(screen: Any) -> list[GridItem]:
    """Grid items for the openings with an offer pending in the shown columns (ids < 0)."""
    data = getattr(screen, "data", None)
    col_defs = getattr(screen, "col_defs", None)
    if data is None or not col_defs:
        return []
    by_provider = any(cd.provider_id is not None for cd in col_defs.values())
    keys = {(cd.day, cd.location_id, cd.provider_id if by_provider else cd.chair_id): k
            for k, cd in col_defs.items()}
    now = screen.ctx.clock.now()
    first, last = min(data.days), max(data.days)
    lo = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(days=1)
    hi = datetime.combine(last, time(0), tzinfo=UTC) + timedelta(days=2)
    items: list[GridItem] = []
    with screen.ctx.db.read() as s:
        for location_id, zone in data.zones.items():
            for o in offered_openings(s, location_id=location_id, start=lo, end=hi, now=now):
                if o.status != "offered":
                    continue  # a plain opening is free time; the calendar shows it as such
                start, end = o.start.astimezone(zone), o.end.astimezone(zone)
                key = keys.get((start.date(), location_id, o.provider_id if by_provider else o.chair_id))
                if key is None:
                    continue
                items.append(GridItem(
                    id=-o.opening_id, column=key, start=start.hour * 60 + start.minute,
                    end=max(start.hour * 60 + start.minute + 10, end.hour * 60 + end.minute),
                    colour=OFFERED_COLOUR, title=o.label,
                    subtitle="waitlist", faded=True, movable=False,
                    tooltip=f"Waitlist opening #{o.opening_id}: {o.label} (see the Waitlist screen)"))
    return items


def add_opening_marks(screen: Any) -> None:
    """Add the marks to the calendar grid the screen has just built."""
    marks = opening_marks(screen)
    if marks:
        grid = screen.grid
        grid.set_content(grid.columns, [i for i in grid.items if i.id >= 0] + marks)
