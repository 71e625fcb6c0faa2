"""The appointment card's rows: the visit and its patient, history, confirmations, messages, series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from orca_desk.services import local_time
from orca_desk.services.booking.statuses import STATUS_LABELS


def age_on(born: date | None, day: date) -> int | None:
    """Whole years from ``born`` to ``day`` (None without a date of birth)."""
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class HistoryRow:
    at: datetime  # UTC
    actor: str
    action: str
    label: str  # "Cancelled (sick)", "Moved from Tue 3 Mar 2026, 9:00 AM"


@dataclass(frozen=True)
class ConfirmationRow:
    at: datetime  # when the request was made
    channel: str
    to_address: str
    status: str  # open | answered | expired | …
    answer: str  # confirm | decline | callback | ""
    answered_via: str
    answered_at: datetime | None


@dataclass(frozen=True)
class MessageRow:
    at: datetime
    direction: str  # out | in
    channel: str
    address: str
    purpose: str  # outbox purpose, or the kind of reply
    text: str
    status: str


@dataclass(frozen=True)
class SeriesRow:
    id: int
    summary: str  # "Every 6 weeks on Tuesday, 8 times"
    status: str


@dataclass(frozen=True)
class AppointmentCard:
    """Everything the appointment card shows; times are UTC (``zone`` and ``time_format`` show them)."""

    id: int
    version: int
    patient_id: int
    patient_name: str
    preferred_name: str
    date_of_birth: date | None
    age: int | None
    chart_number: str
    phone: str  # formatted for dialling from the clinic's country
    guardian_name: str
    guardian_relation: str
    guardian_phone: str
    guardian_email: str
    contact_phone: str
    contact_email: str
    sms_consent: bool
    alerts: tuple[str, ...]
    location_id: int
    location_name: str
    location_address: str
    location_phone: str  # formatted; the clinic's number when the location has none
    clinic_name: str
    zone: ZoneInfo
    chair_name: str
    provider_name: str
    type_name: str
    start: datetime
    end: datetime
    status: str
    confirmation: str
    cancel_reason: str
    late_cancel: bool
    notes: str
    series: SeriesRow | None
    history: tuple[HistoryRow, ...]  # oldest first
    confirmations: tuple[ConfirmationRow, ...]  # newest first
    messages: tuple[MessageRow, ...]  # newest first
    time_format: str
    country: str

    @property
    def when(self) -> str:
        """ "Tue 3 Mar 2026, 9:00 AM–9:20 AM" at the location."""
        return (
            f"{local_time.fmt_date(self.start, self.zone)}, "
            f"{local_time.fmt_range(self.start, self.end, self.zone, self.time_format)}"
        )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)
