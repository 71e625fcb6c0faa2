"""The rows provider schedules take and give: week hours, breaks, exceptions, blocks, affected visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from orca_desk.services import local_time
from orca_desk.services.availability import DAY_MINUTES, hhmm
from orca_desk.services.messaging.message_locale import staff_date


@dataclass(frozen=True)
class BreakInput:
    start_minute: int
    end_minute: int
    label: str = "Lunch"


@dataclass(frozen=True)
class DayHours:
    """One working period of the week: a weekday at a location, local minutes, breaks."""

    weekday: int  # 0 = Monday
    location_id: int
    start_minute: int
    end_minute: int
    breaks: tuple[BreakInput, ...] = ()


@dataclass(frozen=True)
class PeriodView:
    id: int
    weekday: int
    location_id: int
    start_minute: int
    end_minute: int
    effective_from: date
    effective_to: date | None
    breaks: tuple[BreakInput, ...]


@dataclass(frozen=True)
class ExceptionView:
    id: int
    kind: str
    provider_id: int | None
    location_id: int | None
    start_day: date
    end_day: date
    start_minute: int | None
    end_minute: int | None
    time_off_type: str | None
    name: str

    @property
    def label(self) -> str:
        """ "Holiday · Thanksgiving", "Vacation · Spain", "Extra day"."""
        kind = {"holiday": "Holiday", "extra_day": "Extra day"}.get(
            self.kind, (self.time_off_type or "time off").capitalize()
        )
        return f"{kind} · {self.name}" if self.name else kind

    @property
    def when(self) -> str:
        days = staff_date(self.start_day) + (
            f" – {staff_date(self.end_day)}" if self.end_day != self.start_day else ""
        )
        if self.start_minute is None:
            return days
        return f"{days}, {hhmm(self.start_minute)}–{hhmm(self.end_minute or DAY_MINUTES)}"


@dataclass(frozen=True)
class BlockView:
    id: int
    location_id: int
    provider_id: int | None
    chair_id: int | None
    day: date
    start_minute: int
    end_minute: int
    reason: str
    colour: str
    rrule: str | None


@dataclass(frozen=True)
class AffectedAppointment:
    id: int
    patient_name: str
    start: datetime  # UTC
    end: datetime  # UTC
    location_name: str
    timezone: str

    def local_label(self, style: str) -> str:
        """ "Tue 3 Mar 2026, 9:00 AM–9:20 AM" in the appointment's location (``style``: 12h or 24h)."""
        z = local_time.zone(self.timezone)
        return f"{local_time.fmt_date(self.start, z)}, {local_time.fmt_range(self.start, self.end, z, style)}"


@dataclass(frozen=True)
class IcsImportResult:
    created: int
    skipped: int
    notes: tuple[str, ...]
