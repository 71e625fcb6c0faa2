"""The plain rows the waitlist hands to screens and the CLI, and the results of its actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

# The words for a waitlist entry's priority (1 most urgent), shown on screens and in the ranking's reasons.
PRIORITY_LABELS = {1: "urgent", 2: "high priority", 3: "normal", 4: "low priority", 5: "whenever"}


@dataclass(frozen=True)
class MatchRow:
    entry_id: int
    patient_id: int
    patient_name: str
    type_name: str
    duration_minutes: int
    priority: int
    days_waiting: int
    notification_count: int
    score: float
    reason: str
    channel: str  # how they would be told: sms | email | phone


@dataclass(frozen=True)
class OfferRow:
    id: int
    opening_id: int
    entry_id: int
    patient_id: int
    patient_name: str
    channel: str
    to_address: str
    state: str  # queued | holding | accepted | declined | no_response | expired
    state_text: str  # "holding · 1h52m left", "queued until 08:00", "booked"
    sent_at: datetime | None
    hold_expires_at: datetime | None
    seconds_left: int | None
    responded_at: datetime | None
    response: str | None
    booked_appointment_id: int | None
    message: str
    broadcast: bool
    sent_text: str = ""  # when the offer went out, in the opening's local time ("" = not yet)


@dataclass(frozen=True)
class OpeningRow:
    id: int
    location_id: int
    location_name: str
    chair_id: int
    chair_name: str
    provider_id: int
    provider_name: str
    start: datetime
    end: datetime
    local_text: str  # "Tue, Mar 3 3:30 PM–3:50 PM" (the desk's language, the clinic's clock)
    source: str
    status: str
    mode: str
    label: str  # "offered · 1h52m left", "open", "filled"
    offers: tuple[OfferRow, ...]


@dataclass(frozen=True)
class OfferedOpening:
    """An opening as the calendar draws it: where, when, and its timer."""

    opening_id: int
    chair_id: int
    provider_id: int
    start: datetime
    end: datetime
    status: str  # open | offered
    label: str  # "offered · 1h52m left" / "opening · waitlist"
    seconds_left: int | None


@dataclass(frozen=True)
class EntryRow:
    id: int
    patient_id: int
    patient_name: str
    type_id: int
    type_name: str
    duration_minutes: int
    priority: int
    status: str
    notification_count: int
    max_offers: int
    days_waiting: int
    preferences: str
    reason: str
    provider_ids: tuple[int, ...]
    location_ids: tuple[int, ...]
    days_of_week: tuple[int, ...]
    time_windows: tuple[tuple[int, int], ...]
    earliest_date: date | None
    latest_date: date | None


@dataclass(frozen=True)
class EntryInput:
    patient_id: int
    type_id: int
    duration_minutes: int | None = None  # None: the type's default
    provider_ids: Sequence[int] = ()
    location_ids: Sequence[int] = ()
    days_of_week: Sequence[int] = ()
    time_windows: Sequence[tuple[int, int]] = ()
    earliest_date: date | None = None
    latest_date: date | None = None
    priority: int = 3
    reason: str = ""


@dataclass(frozen=True)
class OfferResult:
    ok: bool
    message: str  # what to tell the patient or staff
    offer_id: int | None = None
    appointment_id: int | None = None


@dataclass
class TickReport:
    holds_started: int = 0
    never_sent: int = 0
    holds_expired: int = 0
    openings_expired: int = 0
    template_openings: int = 0
    offers_made: int = 0
    notes: list[str] = field(default_factory=list)
