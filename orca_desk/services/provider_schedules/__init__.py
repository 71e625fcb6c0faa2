"""Provider schedules: set a week, exceptions (holidays, time off, extra days), blocks, .ics import.

Every change validates first and raises a ``ValidationError`` naming the field before
anything is written. A schedule change never moves or deletes an appointment:
``appointments_outside_new_hours`` lists the ones new hours would leave outside working
time, so the screen can show them before saving.
"""

from __future__ import annotations

from orca_desk.services.provider_schedules.blocks import create_block, delete_block, list_blocks
from orca_desk.services.provider_schedules.checks import EARLIEST_DAY, LATEST_DAY, MAX_SPAN_DAYS
from orca_desk.services.provider_schedules.exceptions import (
    add_extra_day,
    add_holiday,
    add_time_off,
    list_exceptions,
    remove_exception,
)
from orca_desk.services.provider_schedules.rows import (
    AffectedAppointment,
    BlockView,
    BreakInput,
    DayHours,
    ExceptionView,
    IcsImportResult,
    PeriodView,
)
from orca_desk.services.provider_schedules.time_off_import import MAX_ICS_EVENTS, import_time_off_ics
from orca_desk.services.provider_schedules.weekly import (
    add_period,
    appointments_outside_new_hours,
    list_periods,
    set_week,
    validate_week,
    week_on,
)

__all__ = [
    "EARLIEST_DAY",
    "LATEST_DAY",
    "MAX_ICS_EVENTS",
    "MAX_SPAN_DAYS",
    "AffectedAppointment",
    "BlockView",
    "BreakInput",
    "DayHours",
    "ExceptionView",
    "IcsImportResult",
    "PeriodView",
    "add_extra_day",
    "add_holiday",
    "add_period",
    "add_time_off",
    "appointments_outside_new_hours",
    "create_block",
    "delete_block",
    "import_time_off_ics",
    "list_blocks",
    "list_exceptions",
    "list_periods",
    "remove_exception",
    "set_week",
    "validate_week",
    "week_on",
]
