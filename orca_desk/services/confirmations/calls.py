"""The morning call list: families to call about unconfirmed visits, and open staff tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Clinic, Location
from orca_desk.models.patient import Patient
from orca_desk.models.reminders import StaffTask
from orca_desk.models.schedule import ScheduleException
from orca_desk.services.confirmations.answers import (
    _TO_CALL,
    CALL_OUTCOMES,
)
from orca_desk.services.errors import NotFound
from orca_desk.services.messaging.policy import format_date, format_time
from orca_desk.services.phones import format_phone
from orca_desk.services.reminders import (
    ReminderSettings,
)


class CallRow(NamedTuple):
    """One family to call: an unconfirmed visit inside the escalation window (a tuple: a list
    is a hundred or more, and a frozen dataclass costs several times as much to build)."""

    appointment_id: int
    version: int
    start: datetime
    when: str  # local, e.g. "Wed 4 Mar 3:30 PM"
    patient: str
    responsible: str
    phones: tuple[str, ...]
    type_name: str
    location: str
    confirmation: str
    last_outcome: str  # "" or a CALL_OUTCOMES label
    attempts: int


# A whole-day holiday at the location or clinic-wide, built once (a list checks a day or more).
_HOLIDAY = (
    select(ScheduleException.id)
    .where(
        ScheduleException.kind == "holiday",
        ScheduleException.provider_id.is_(None),
        or_(ScheduleException.location_id.is_(None), ScheduleException.location_id == bindparam("location")),
        ScheduleException.start_day <= bindparam("day"),
        ScheduleException.end_day >= bindparam("day"),
        ScheduleException.start_minute.is_(None),
    )
    .limit(1)
)


def is_closed(session: Session, location_id: int, day: date) -> bool:
    """Whether the location is closed all day: a weekend, or a whole-day holiday there or clinic-wide."""
    if day.weekday() >= 5:
        return True
    return session.connection().execute(_HOLIDAY, {"location": location_id, "day": day}).first() is not None


def next_business_day(session: Session, location_id: int, after: date) -> date:
    """The first day after ``after`` on which the location is open (weekends and holidays skipped)."""
    day = after + timedelta(days=1)
    for _ in range(60):
        if not is_closed(session, location_id, day):
            return day
        day += timedelta(days=1)
    return after + timedelta(days=1)


@lru_cache(maxsize=4096)  # a day's visits share a few dozen start times; Babel costs 40 µs a row
def _when_text(wall: datetime) -> str:
    """The local date and time of a visit ("Wed 4 Mar 3:30 PM") from its naive wall time."""
    return f"{format_date(wall)} {format_time(wall)}"


def call_day(session: Session, location_id: int, *, now: datetime) -> date:
    """The day the morning call is about by default: the location's next business day."""
    tz = session.connection().execute(_ZONE, {"location": location_id}).scalar()
    if tz is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    return next_business_day(session, location_id, now.astimezone(ZoneInfo(tz)).date())


_ZONE = select(Location.timezone).where(Location.id == bindparam("location"))
# The locations with their clinic's country (phones are formatted for dialling there).
_PLACES = select(Location.id, Location.name, Location.timezone, Clinic.country).outerjoin(
    Clinic, Clinic.id == Location.clinic_id
)
_PLACE = _PLACES.where(Location.id == bindparam("location"))
# The newest call task of each visit (its outcome and attempts show on the row).
_LAST_CALL = (
    select(func.max(StaffTask.id))
    .where(StaffTask.appointment_id == Appointment.id, StaffTask.kind == "call")
    .correlate(Appointment)
    .scalar_subquery()
)
# One statement per location: the visits to call about with their patient, type and last call,
# as columns (a day at a busy location is hundreds of rows read, never changed).
_VISITS = (
    select(
        Appointment.id,
        Appointment.version,
        Appointment.start_at,
        Appointment.confirmation,
        Patient.first_name,
        Patient.last_name,
        Patient.contact_phone,
        Patient.guardian_phone,
        Patient.phone,
        Patient.guardian_name,
        Patient.guardian_relation,
        AppointmentType.name,
        StaffTask.outcome,
        StaffTask.attempts,
    )
    .join(Patient, Patient.id == Appointment.patient_id)
    .outerjoin(AppointmentType, AppointmentType.id == Appointment.type_id)
    .outerjoin(StaffTask, StaffTask.id == _LAST_CALL)
    .where(
        Appointment.location_id == bindparam("location"),
        Appointment.status == "scheduled",
        Appointment.start_at >= bindparam("lo"),
        Appointment.start_at < bindparam("hi"),
        Appointment.confirmation.in_(_TO_CALL),
    )
    .order_by(Appointment.start_at, Appointment.id)
)


def call_list(
    session: Session,
    *,
    now: datetime,
    location_id: int | None = None,
    day: date | None = None,
    settings: ReminderSettings | None = None,
) -> list[CallRow]:
    """Families to call about unconfirmed visits of one day, in local start-time order.

    ``day`` defaults to each location's next business day (weekends and whole-day holidays
    skipped), so today's visits are never on the morning list; ``location_id`` keeps one
    location (the one chosen in the toolbar). Visits already started are left out. Phones
    are formatted for dialling in the clinic's country. ``settings`` is accepted for callers
    of the older escalation-window list and no longer changes the rows.
    """
    del settings
    conn = session.connection()
    places = conn.execute(_PLACES if location_id is None else _PLACE, {"location": location_id}).all()
    if location_id is not None and not places:
        raise NotFound(f"Location #{location_id} does not exist.")
    found: list[tuple[datetime, datetime, int, Any, str, str]] = []
    for lid, name, tz, country in places:
        zone = ZoneInfo(tz)
        the_day = day or next_business_day(session, lid, now.astimezone(zone).date())
        lo = datetime.combine(the_day, time(0, 0), tzinfo=zone).astimezone(UTC)
        hi = datetime.combine(the_day + timedelta(days=1), time(0, 0), tzinfo=zone).astimezone(UTC)
        rows = conn.execute(_VISITS, {"location": lid, "lo": max(lo, now), "hi": hi}).all()
        country = country or "US"
        found.extend((r[2].astimezone(zone).replace(tzinfo=None), r[2], r[0], r, name, country) for r in rows)
    # Local wall-clock order (a 9:00 in Denver before a 10:00 in Boston), then the instant, then
    # the visit (ids are unique, so the rows themselves are never compared).
    found.sort()
    return [_call_row(wall, r, name, country) for wall, _, _, r, name, country in found]


def _call_row(wall: datetime, r: Any, location: str, country: str) -> CallRow:
    aid, version, start, conf, first, last, contact, guardian_phone, phone, guardian, relation = r[:11]
    type_name, outcome, attempts = r[11:]
    name = f"{first} {last}"
    responsible = guardian or name
    if guardian and relation:
        responsible += f" ({relation})"
    return CallRow(
        aid,
        version,
        start,
        _when_text(wall),
        name,
        responsible,
        tuple(dict.fromkeys(format_phone(x, country) for x in (contact, guardian_phone, phone) if x)),
        type_name or "",
        location,
        conf,
        CALL_OUTCOMES.get(outcome or "", ""),
        len(attempts or []),
    )


@dataclass(frozen=True)
class CallListLoad:
    """The call list of one day at one location (or of each location's next business day)."""

    location_id: int | None
    day: date | None
    rows: list[CallRow]


def load_call_list(db: Database, *, now: datetime, location_id: int | None, day: date | None) -> CallListLoad:
    """The call list in a session of its own (a screen loads it off the UI thread): ``day``, or
    the location's next business day when it is None."""
    with db.read() as s:
        if day is None and location_id is not None:
            day = call_day(s, location_id, now=now)
        return CallListLoad(location_id, day, call_list(s, now=now, location_id=location_id, day=day))


@dataclass(frozen=True)
class TaskRow:
    id: int
    kind: str
    appointment_id: int | None
    patient: str
    reason: str
    created_at: datetime


def open_tasks(session: Session, kind: str | None = None) -> list[TaskRow]:
    """Open staff tasks (reschedule a declined visit, call a family), oldest first."""
    q = select(StaffTask).where(StaffTask.status == "open").order_by(StaffTask.created_at, StaffTask.id)
    if kind is not None:
        q = q.where(StaffTask.kind == kind)
    out = []
    for t in session.scalars(q):
        p = session.get(Patient, t.patient_id) if t.patient_id else None
        out.append(
            TaskRow(t.id, t.kind, t.appointment_id, p.display_name if p else "", t.reason, t.created_at)
        )
    return out
