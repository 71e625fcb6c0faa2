"""The morning call list: families to call about unconfirmed visits, and open staff tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models import (
    Appointment,
    AppointmentType,
    Clinic,
    Location,
    Patient,
)
from orca_desk.models.reminders import StaffTask
from orca_desk.models.schedule import ScheduleException
from orca_desk.services.bulk import chunks
from orca_desk.services.confirmations.answers import (
    _TO_CALL,
    CALL_OUTCOMES,
)
from orca_desk.services.errors import NotFound
from orca_desk.services.messaging.policy import format_date, format_time
from orca_desk.services.reminders import (
    ReminderSettings,
)


@dataclass(frozen=True)
class CallRow:
    """One family to call: an unconfirmed visit inside the escalation window."""

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


def is_closed(session: Session, location_id: int, day: date) -> bool:
    """Whether the location is closed all day: a weekend, or a whole-day holiday there or clinic-wide."""
    if day.weekday() >= 5:
        return True
    return (
        session.scalar(
            select(ScheduleException.id)
            .where(
                ScheduleException.kind == "holiday",
                ScheduleException.provider_id.is_(None),
                or_(ScheduleException.location_id.is_(None), ScheduleException.location_id == location_id),
                ScheduleException.start_day <= day,
                ScheduleException.end_day >= day,
                ScheduleException.start_minute.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def next_business_day(session: Session, location_id: int, after: date) -> date:
    """The first day after ``after`` on which the location is open (weekends and holidays skipped)."""
    day = after + timedelta(days=1)
    for _ in range(60):
        if not is_closed(session, location_id, day):
            return day
        day += timedelta(days=1)
    return after + timedelta(days=1)


@lru_cache(maxsize=4096)  # a call list formats the same few hundred numbers on every load
def format_phone(number: str, country: str) -> str:
    """A phone number as the desk dials it: national format in the clinic's country, else international."""
    try:
        parsed = phonenumbers.parse(number, country or "US")
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(parsed) == (country or "US").upper()
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)


def call_day(session: Session, location_id: int, *, now: datetime) -> date:
    """The day the morning call is about by default: the location's next business day."""
    loc = session.get(Location, location_id)
    if loc is None:
        raise NotFound(f"Location #{location_id} does not exist.")
    return next_business_day(session, location_id, now.astimezone(ZoneInfo(loc.timezone)).date())


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
    q = select(Location)
    if location_id is not None:
        q = q.where(Location.id == location_id)
    locs = {loc.id: loc for loc in session.scalars(q)}
    if location_id is not None and not locs:
        raise NotFound(f"Location #{location_id} does not exist.")
    countries = {r[0]: r[1] for r in session.execute(select(Clinic.id, Clinic.country))}
    # Column tuples, not entities: a day at a busy location is hundreds of rows read, never changed.
    found: list[tuple[datetime, int, int, datetime, int, int, str, Location]] = []
    for loc in locs.values():
        zone = ZoneInfo(loc.timezone)
        the_day = day or next_business_day(session, loc.id, now.astimezone(zone).date())
        lo = datetime.combine(the_day, time(0, 0), tzinfo=zone).astimezone(UTC)
        hi = datetime.combine(the_day + timedelta(days=1), time(0, 0), tzinfo=zone).astimezone(UTC)
        found.extend(
            (start.astimezone(zone), aid, version, start, pid, tid, conf, loc)
            for aid, version, start, pid, tid, conf in session.connection()
            .execute(
                select(
                    Appointment.id,
                    Appointment.version,
                    Appointment.start_at,
                    Appointment.patient_id,
                    Appointment.type_id,
                    Appointment.confirmation,
                )
                .where(
                    Appointment.location_id == loc.id,
                    Appointment.status == "scheduled",
                    Appointment.start_at >= max(lo, now),
                    Appointment.start_at < hi,
                    Appointment.confirmation.in_(_TO_CALL),
                )
                .order_by(Appointment.start_at, Appointment.id)
            )
            .all()
        )
    if not found:
        return []
    # Local wall-clock order (a 9:00 in Denver before a 10:00 in Boston), then the instant.
    found.sort(key=lambda f: (f[0].date(), f[0].time(), f[3], f[1]))
    ids = [f[1] for f in found]
    tasks: dict[int, tuple[str | None, Any]] = {}
    patients: dict[int, tuple[Any, ...]] = {}
    conn = session.connection()
    for part in chunks(ids, 500):
        for task_appt, outcome, tries in conn.execute(
            select(StaffTask.appointment_id, StaffTask.outcome, StaffTask.attempts)
            .where(StaffTask.appointment_id.in_(part), StaffTask.kind == "call")
            .order_by(StaffTask.id)
        ).all():
            if task_appt is not None:
                tasks[task_appt] = (outcome, tries)
    for part in chunks(list({f[4] for f in found}), 500):
        patients.update(
            (r[0], tuple(r[1:]))
            for r in conn.execute(
                select(
                    Patient.id,
                    Patient.first_name,
                    Patient.last_name,
                    Patient.contact_phone,
                    Patient.guardian_phone,
                    Patient.phone,
                    Patient.guardian_name,
                    Patient.guardian_relation,
                ).where(Patient.id.in_(part))
            ).all()
        )
    types = dict(conn.execute(select(AppointmentType.id, AppointmentType.name)).all())
    out = []
    for local, aid, version, start, pid, tid, conf, loc in found:
        first, last, contact_phone, guardian_phone, phone, guardian, relation = patients[pid]
        country = countries.get(loc.clinic_id, "US")
        phones = tuple(
            dict.fromkeys(format_phone(x, country) for x in (contact_phone, guardian_phone, phone) if x)
        )
        name = f"{first} {last}"
        responsible = guardian or name
        if guardian and relation:
            responsible += f" ({relation})"
        t = tasks.get(aid)
        out.append(
            CallRow(
                aid,
                version,
                start,
                f"{format_date(local)} {format_time(local)}",
                name,
                responsible,
                phones,
                types.get(tid, ""),
                loc.name,
                conf,
                CALL_OUTCOMES.get(t[0] or "", "") if t else "",
                len(t[1] or []) if t else 0,
            )
        )
    return out


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
