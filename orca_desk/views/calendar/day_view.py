"""Calendar day view: a column per chair or per provider at one location."""

from __future__ import annotations

from orca_desk.views.calendar.calendar_screen import (
    CANCEL_REASONS,
    CONFIRMATION_BADGES,
    STATUS_BADGES,
    CalendarScreen,
    local_instant,
    local_minute,
)

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
