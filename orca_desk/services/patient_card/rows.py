"""What the patient card shows: demographics, alerts, consents, visits, messages, waitlist, family."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

ALERT_KINDS = {"allergy": "Allergy", "medical": "Medical", "contact": "Contact", "other": "Note"}
LANGUAGES = ("en", "es", "fr", "pt", "zh", "vi", "ar", "ru", "ht", "ko")


@dataclass(frozen=True)
class Demographics:
    id: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date | None
    language: str
    chart_number: str
    phone: str
    email: str
    preferred_channel: str
    home_location_id: int | None
    guardian_name: str
    guardian_relation: str
    guardian_phone: str
    guardian_email: str
    contact_phone: str
    contact_email: str
    sms_consent: bool
    sms_consent_at: datetime | None
    sms_consent_source: str
    email_consent: bool
    email_consent_at: datetime | None
    notes: str
    is_active: bool
    merged_into_id: int | None
    guardian_language: str = ""  # "": the patient's language

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class AlertRow:
    id: int
    kind: str
    text: str
    created_at: datetime
    created_by: str

    @property
    def label(self) -> str:
        return f"{ALERT_KINDS.get(self.kind, 'Note')}: {self.text}"


@dataclass(frozen=True)
class ConsentRow:
    channel: str
    granted: bool
    address: str | None
    source: str
    at: datetime
    recorded_by: str


@dataclass(frozen=True)
class CardVisit:
    appointment_id: int
    start: datetime
    location_id: int
    location_name: str
    timezone: str
    type_name: str
    provider_name: str
    status: str


@dataclass(frozen=True)
class CardMessage:
    at: datetime
    direction: str  # out|in
    channel: str
    address: str
    text: str
    status: str


@dataclass(frozen=True)
class CardWaitlist:
    id: int
    type_name: str
    status: str
    priority: int
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class CardRecovery:
    id: int
    cause_kind: str
    missed_start: datetime
    status: str
    next_step_label: str


@dataclass(frozen=True)
class FamilyMember:
    id: int
    name: str


@dataclass(frozen=True)
class PatientCard:
    patient: Demographics
    alerts: tuple[AlertRow, ...]
    consent_history: tuple[ConsentRow, ...]  # newest first
    upcoming: tuple[CardVisit, ...]  # soonest first
    past: tuple[CardVisit, ...]  # newest first
    messages: tuple[CardMessage, ...]  # newest first
    waitlist: tuple[CardWaitlist, ...]
    recovery: tuple[CardRecovery, ...]
    family: tuple[FamilyMember, ...]  # other patients with the same responsible party
    contact: str = ""  # who the messages reach, as the desk dials or writes it

    @property
    def next_visit(self) -> CardVisit | None:
        return self.upcoming[0] if self.upcoming else None
