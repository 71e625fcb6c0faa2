"""Checks shared by the schedule editors: minutes within a day, day spans, the provider exists."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from orca_desk.models.clinic import Provider
from orca_desk.services.availability import DAY_MINUTES, hhmm
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging.message_locale import staff_date


def check_minutes(start: int, end: int, what: str, field: str) -> None:
    if not (0 <= start <= DAY_MINUTES and 0 <= end <= DAY_MINUTES):
        raise ValidationError(f"{what}: times must lie between 00:00 and 24:00.", field=field)
    if end <= start:
        raise ValidationError(
            f"{what}: the end {hhmm(end)} is not after the start {hhmm(start)}.", field=field
        )


def get_provider(session: Session, provider_id: int) -> Provider:
    p = session.get(Provider, provider_id)
    if p is None:
        raise NotFound(f"Provider #{provider_id} does not exist.")
    return p


# Time off and holidays: dates a practice plans for, at most a year in one entry.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
MAX_SPAN_DAYS = 366


def check_span(start_day: date, end_day: date, start_minute: int | None, end_minute: int | None) -> None:
    for day, field, what in ((start_day, "start_day", "first"), (end_day, "end_day", "last")):
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValidationError(f"The {what} day is not a date.", field=field)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            edge = "before 1900" if day < EARLIEST_DAY else "after 2199"
            raise ValidationError(f"The {what} day {day.isoformat()} is {edge}; check the year.", field=field)
    if (end_day - start_day).days >= MAX_SPAN_DAYS:
        raise ValidationError(
            f"{staff_date(start_day, weekday=False)} to {staff_date(end_day, weekday=False)} is longer than "
            f"{MAX_SPAN_DAYS} "
            "days; enter at most a year at a time.",
            field="end_day",
        )
    if end_day < start_day:
        raise ValidationError(
            f"The last day {staff_date(end_day, weekday=False)} is before the first day "
            f"{staff_date(start_day, weekday=False)}.",
            field="end_day",
        )
    if (start_minute is None) != (end_minute is None):
        raise ValidationError(
            "Give both a start and an end time, or neither for the whole day.", field="start_minute"
        )
    if start_minute is not None and end_minute is not None:
        if end_day != start_day:
            raise ValidationError("A partial day covers one day only.", field="end_day")
        check_minutes(start_minute, end_minute, "Time off", "start_minute")
