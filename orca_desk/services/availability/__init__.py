"""The one availability engine: working hours minus exceptions, blocks and appointments.

Every caller (booking, find-next-opening, the calendar shading, templates, recurrence,
waitlist matching) asks here. The engine loads a window's data in a fixed number of
queries as plain tuples, then computes in memory with the interval algebra of
``services.intervals`` (sorted integer minutes, two-pointer subtract, bisect lookups).

Rules:
- Working hours, breaks, exceptions and blocks are wall-clock rules in the location's
  zone (local minutes of a day). Each day's rules are converted to real instants
  ("epoch minutes", minutes since 1970 UTC) before they meet appointments, so a
  08:00–17:00 day stays 08:00–17:00 across DST and the 23 h / 25 h days are exact.
- A provider with no schedule periods at all is *unscheduled*: booking does not check
  their hours (holidays, time off and blocks still apply, they are explicit), and
  find-next-opening offers them nothing, because it cannot invent hours.
- Holidays (clinic-wide or for a location) and time off take precedence over working
  periods and extra days; blocks take time away from the provider, the chair, or
  (with neither) everyone at the location.
"""

from __future__ import annotations

from orca_desk.services.availability.clock import (
    DAY_MINUTES,
    HOUR_KINDS,
    WEEKDAY_NAMES,
    DayClock,
    epoch_minute,
    from_epoch,
    hhmm,
    zone_of,
)
from orca_desk.services.availability.openings import Opening, find_openings
from orca_desk.services.availability.overlay import CalendarOverlay, calendar_overlay, free_intervals
from orca_desk.services.availability.schedule import (
    BLOCK_COLUMNS,
    BlockRow,
    ExceptionRow,
    PeriodRow,
    ScheduleData,
    load_schedule_data,
)
from orca_desk.services.availability.slots import SlotProblem, check_slot, hours_problems

__all__ = [
    "BLOCK_COLUMNS",
    "DAY_MINUTES",
    "HOUR_KINDS",
    "WEEKDAY_NAMES",
    "BlockRow",
    "CalendarOverlay",
    "DayClock",
    "ExceptionRow",
    "Opening",
    "PeriodRow",
    "ScheduleData",
    "SlotProblem",
    "calendar_overlay",
    "check_slot",
    "epoch_minute",
    "find_openings",
    "free_intervals",
    "from_epoch",
    "hhmm",
    "hours_problems",
    "load_schedule_data",
    "zone_of",
]
