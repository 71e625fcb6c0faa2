"""Calendar day view: a column per chair or per provider at one location."""

from __future__ import annotations

from orca_desk.views.calendar.book_columns import (
    CANCEL_REASONS,
    CONFIRMATION_BADGES,
    STATUS_BADGES,
    local_instant,
    local_minute,
)
from orca_desk.views.calendar.calendar_screen import CalendarScreen

__all__ = [
    "CANCEL_REASONS",
    "CONFIRMATION_BADGES",
    "STATUS_BADGES",
    "DayViewScreen",
    "local_instant",
    "local_minute",
]


class DayViewScreen(CalendarScreen):
    """One day loads in one small query, so it loads on the UI thread (well under a frame)."""
