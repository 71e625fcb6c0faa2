"""Where local calendar days start and end in UTC, in each location's zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local calendar day starts and ends (23 or 25 h across DST)."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def range_bounds(days: list[date], zones: list[ZoneInfo]) -> tuple[datetime, datetime]:
    """UTC instants covering every given local day in every given zone."""
    starts, ends = [], []
    for zone in zones:
        starts.append(local_day_bounds(min(days), zone)[0])
        ends.append(local_day_bounds(max(days), zone)[1])
    return min(starts), max(ends)
