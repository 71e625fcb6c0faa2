"""A family's reschedule-or-cancel link: the visit it names, live openings, the move, the cancel."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Location, Provider
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.availability import Opening, find_openings
from orca_desk.services.booking import booking
from orca_desk.services.errors import ConflictError, NotFound, ValidationError
from orca_desk.services.links.link_tokens import SHORT_EPOCH
from orca_desk.services.links.link_types import PATIENT_LINK
from orca_desk.services.links.patient_links import RESCHEDULE, link_for

__all__ = [
    "CANCEL_REASONS",
    "RESCHEDULE",
    "FamilyRules",
    "Visit",
    "VisitGone",
    "cancel_visit",
    "load_visit",
    "move_visit",
    "openings_for",
    "reschedule_link",
]

VIA = "reschedule link"
MAX_REASON = 200
# The reasons a family picks from (the key is stored; "other" takes their words).
CANCEL_REASONS = ("cant_make_it", "unwell", "schedule", "other")
_REASON_WORDS = {
    "cant_make_it": "Can't make it",
    "unwell": "Patient unwell",
    "schedule": "Schedule conflict",
    "other": "Other",
}
# The online-booking setting holds the clinic's horizon and minimum notice; a link keeps the same.
_SETTING_KEY = "online_booking"


class VisitGone(ConflictError):
    """The visit was cancelled, has passed or is under way: the link can no longer change it."""


@dataclass(frozen=True)
class FamilyRules:
    horizon_days: int = 28
    min_notice_hours: int = 24

    def earliest(self, now: datetime) -> datetime:
        return now + timedelta(hours=self.min_notice_hours)

    def latest(self, now: datetime) -> datetime:
        return now + timedelta(days=self.horizon_days)


def load_rules(session: Session) -> FamilyRules:
    """The clinic's booking horizon and minimum notice (defaults 28 days and 24 hours)."""
    row = session.get(ClinicSetting, _SETTING_KEY)
    if row is None:
        return FamilyRules()
    try:
        raw = json.loads(row.value)
        return FamilyRules(int(raw.get("horizon_days", 28)), int(raw.get("min_notice_hours", 24)))
    except (ValueError, TypeError, AttributeError):
        return FamilyRules()


@dataclass(frozen=True)
class Visit:
    """What the page shows about one appointment: the first name only, local time and place."""

    appointment_id: int
    version: int
    patient_id: int
    first_name: str
    language: str
    start: datetime  # UTC
    minutes: int
    zone: ZoneInfo
    location_id: int
    location: str
    location_address: str
    location_phone: str
    provider_id: int
    provider: str
    type_name: str
    status: str

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.zone)


def reschedule_link(appointment: Appointment, *, secret: bytes, base_url: str) -> str:
    """``/r/<token>``: valid until the visit starts, naming only the appointment's id."""
    return link_for(RESCHEDULE, appointment.id, appointment.start_at, secret=secret, base_url=base_url)


def load_visit(session: Session, appointment_id: int, now: datetime, *, lock: bool = False) -> Visit:
    """The visit a link names; NotFound, or ConflictError when it can no longer change online."""
    query = select(Appointment).where(Appointment.id == appointment_id)
    appt = session.scalar(query.with_for_update() if lock else query)
    if appt is None:
        raise NotFound("We could not find this appointment; please call us.")
    if appt.status in ("cancelled", "no_show"):
        raise VisitGone("This appointment was cancelled. Please call us to book another.")
    if appt.status not in booking.MOVABLE_STATUSES or appt.start_at <= now:
        raise VisitGone("This appointment can no longer be changed online; please call us.")
    patient = session.get(Patient, appt.patient_id)
    location = session.get(Location, appt.location_id)
    provider = session.get(Provider, appt.provider_id)
    atype = session.get(AppointmentType, appt.type_id)
    assert patient is not None and location is not None
    return Visit(
        appointment_id=appt.id,
        version=appt.version,
        patient_id=appt.patient_id,
        first_name=patient.first_name,
        language=(patient.language or "en").lower(),
        start=appt.start_at,
        minutes=int((appt.end_at - appt.start_at).total_seconds() // 60),
        zone=ZoneInfo(location.timezone or "UTC"),
        location_id=location.id,
        location=location.name,
        location_address=location.address or "",
        location_phone=location.phone or "",
        provider_id=appt.provider_id,
        provider=provider.name if provider else "",
        type_name=atype.name if atype else "",
        status=appt.status,
    )


def too_late(visit: Visit, now: datetime, rules: FamilyRules) -> bool:
    """Within the minimum notice of the visit, a change goes through the desk (a phone call)."""
    return visit.start < rules.earliest(now)


# (session, provider, location, minutes, after, days) -> openings of anyone; the gateway may keep
# them a few seconds (every move is checked again by the booking rules, so a stale list only
# costs the family a "just taken" and a fresh list).
OpeningsSearch = Callable[[Session, int, int, int, datetime, int], list[Opening]]
SEARCH_LIMIT = 16
GRID = timedelta(minutes=5)


def search_openings(
    session: Session, provider_id: int, location_id: int, minutes: int, after: datetime, days: int
) -> list[Opening]:
    """Choices spread over days and parts of the day, for any patient."""
    return find_openings(
        session,
        minutes=minutes,
        after=after,
        provider_ids=[provider_id],
        location_ids=[location_id],
        horizon_days=days,
        limit=SEARCH_LIMIT,
        spread=True,
    )


def openings_for(
    session: Session,
    visit: Visit,
    now: datetime,
    *,
    rules: FamilyRules | None = None,
    limit: int = 12,
    search: OpeningsSearch = search_openings,
) -> list[Opening]:
    """Live openings for the same length, provider and location, inside notice and horizon,
    at times the patient has no other visit."""
    rules = rules or load_rules(session)
    earliest, latest = rules.earliest(now), rules.latest(now)
    # On a 5-minute grid, so that searches within a few minutes of each other are the same search.
    after = earliest + (-(earliest - SHORT_EPOCH) % GRID)
    if latest <= after:
        return []
    days = max(1, math.ceil((latest - after).total_seconds() / 86400))
    found = search(session, visit.provider_id, visit.location_id, visit.minutes, after, days)
    busy = session.execute(
        select(Appointment.start_at, Appointment.end_at).where(
            Appointment.patient_id == visit.patient_id,
            Appointment.id != visit.appointment_id,
            Appointment.status.not_in(("cancelled", "no_show")),
            Appointment.end_at > after,
            Appointment.start_at < latest,
        )
    ).all()
    return [
        o
        for o in found
        if o.start < latest and o.start != visit.start and not any(o.start < e and s < o.end for s, e in busy)
    ][:limit]


def parse_choice(value: str) -> tuple[datetime, int]:
    """A form's opening value "<UTC ISO start>|<chair id>"; ValidationError when it is not one."""
    try:
        raw_start, raw_chair = value.split("|", 1)
        start, chair_id = datetime.fromisoformat(raw_start), int(raw_chair)
    except ValueError:
        raise ValidationError("Choose one of the times shown.", field="slot") from None
    if start.tzinfo is None:
        raise ValidationError("Choose one of the times shown.", field="slot")
    return start, chair_id


def choice_value(opening: Opening) -> str:
    return f"{opening.start.isoformat()}|{opening.chair_id}"


def move_visit(
    session: Session, appointment_id: int, choice: str, *, now: datetime, rules: FamilyRules | None = None
) -> Visit:
    """Move the visit to a chosen opening through the desk's own rules; returns the moved visit.

    Raises ValidationError (not a time offered), ConflictError (taken a moment ago: another
    family or a desk was first) or OutsideHoursError; nothing is changed then.
    """
    rules = rules or load_rules(session)
    visit = load_visit(session, appointment_id, now, lock=True)
    if too_late(visit, now, rules):
        raise ConflictError("This visit is too soon to change online; please call us.")
    start, chair_id = parse_choice(choice)
    if not rules.earliest(now) <= start < rules.latest(now):
        raise ValidationError("That time is no longer open online; choose another.", field="slot")
    chair = session.get(Chair, chair_id)
    if chair is None or chair.location_id != visit.location_id or not chair.is_active:
        raise ValidationError("Choose one of the times shown.", field="slot")
    # The desk's move: conflicts, working hours and blocks are refused as for staff.
    booking.move_appointment(
        session,
        PATIENT_LINK,
        appointment_id,
        start=start,
        chair_id=chair_id,
        provider_id=visit.provider_id,
        now=now,
    )
    audit.record(
        session,
        PATIENT_LINK,
        "family_link.move",
        "appointment",
        appointment_id,
        now=now,
        before={"start": visit.start.isoformat()},
        after={"start": start.isoformat(), "via": VIA},
    )
    return load_visit(session, appointment_id, now)


def cancel_visit(session: Session, appointment_id: int, reason: str, note: str, *, now: datetime) -> Visit:
    """Cancel with the family's reason; the freed time becomes a waitlist opening (booking effects)."""
    if reason not in CANCEL_REASONS:
        raise ValidationError("Choose a reason for cancelling.", field="reason")
    note = " ".join(note.split())[:MAX_REASON]
    if reason == "other" and not note:
        raise ValidationError("Tell us briefly why you are cancelling.", field="note")
    visit = load_visit(session, appointment_id, now, lock=True)
    words = _REASON_WORDS[reason] + (f": {note}" if note else "")
    booking.cancel_appointment(
        session, PATIENT_LINK, appointment_id, reason=f"{words} (family link)", now=now
    )
    audit.record(
        session,
        PATIENT_LINK,
        "family_link.cancel",
        "appointment",
        appointment_id,
        now=now,
        before={"start": visit.start.isoformat()},
        after={"reason": reason, "via": VIA},
    )
    return visit
