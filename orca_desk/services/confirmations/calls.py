"""The morning call list: families to call about unconfirmed visits, and open staff tasks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache, partial
from itertools import chain, islice, repeat
from operator import itemgetter, le
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, bindparam, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from orca_desk.db import CachedSelect, Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Clinic, Location
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.models.patient import Patient
from orca_desk.models.reminders import StaffTask
from orca_desk.models.schedule import ScheduleException
from orca_desk.services.confirmations.answers import (
    _TO_CALL,
    CALL_OUTCOMES,
)
from orca_desk.services.errors import NotFound
from orca_desk.services.local_time import TIME_FORMATS, default_time_format, fmt_wall
from orca_desk.services.messaging.message_locale import staff_format, staff_locale_name
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
_HOLIDAY = CachedSelect(
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
    return bool(_HOLIDAY.rows(session.connection(), {"location": location_id, "day": day}))


def next_business_day(session: Session, location_id: int, after: date) -> date:
    """The first day after ``after`` on which the location is open (weekends and holidays skipped)."""
    day = after + timedelta(days=1)
    for _ in range(60):
        if not is_closed(session, location_id, day):
            return day
        day += timedelta(days=1)
    return after + timedelta(days=1)


@lru_cache(maxsize=4096)  # a day's visits share a few dozen start times; Babel costs 40 µs a row
def _local(start: datetime, zone: ZoneInfo, style: str, desk: str) -> tuple[datetime, str]:
    """A visit's naive local wall time and its text in the desk's language (``desk``, its
    locale: part of the cache's key) and the clinic's clock: "Wed, Mar 4 3:30 PM", "Wed 4 Mar 15:30"."""
    del desk
    wall = start.astimezone(zone).replace(tzinfo=None)
    return wall, f"{staff_format(wall, 'MMMEd')} {fmt_wall(wall, style)}"


def call_day(session: Session, location_id: int, *, now: datetime) -> date:
    """The day the morning call is about by default: the location's next business day."""
    found = _ZONE.rows(session.connection(), {"location": location_id})
    if not found:
        raise NotFound(f"Location #{location_id} does not exist.")
    return next_business_day(session, location_id, now.astimezone(ZoneInfo(found[0][0])).date())


_ZONE = CachedSelect(select(Location.timezone).where(Location.id == bindparam("location")))
# Each location with its clinic's country (phones are formatted for dialling there; the usual
# clock) and the clock the clinic chose (Settings).
_CLOCK = select(ClinicSetting.value).where(ClinicSetting.key == "time_format").scalar_subquery()
_ALL_PLACES = select(Location.id, Location.name, Location.timezone, Clinic.country, _CLOCK).outerjoin(
    Clinic, Clinic.id == Location.clinic_id
)
_PLACES = CachedSelect(_ALL_PLACES)
_PLACE = CachedSelect(_ALL_PLACES.where(Location.id == bindparam("location")))
# The newest call task of each visit (its outcome and attempts show on the row).
_LAST_CALL = (
    select(func.max(StaffTask.id))
    .where(StaffTask.appointment_id == Appointment.id, StaffTask.kind == "call")
    .correlate(Appointment)
    .scalar_subquery()
)
_NAME = Patient.first_name + " " + Patient.last_name
# Whom the desk asks for: the guardian (and how they are related) when there is one, else the
# patient. A column the database fills costs less than a line of Python per row.
_ASK_FOR = case(
    (
        and_(Patient.guardian_name != "", Patient.guardian_relation != ""),
        Patient.guardian_name + " (" + Patient.guardian_relation + ")",
    ),
    (Patient.guardian_name != "", Patient.guardian_name),
    else_=_NAME,
)
# One statement per location: the visits to call about with their patient, type and last call
# (a day at a busy location is hundreds of rows read, never changed), the patient's name put
# together by the database.
_VISITS = CachedSelect(
    select(
        Appointment.id,
        Appointment.version,
        Appointment.start_at,
        _NAME,
        _ASK_FOR,
        Patient.contact_phone,
        Patient.guardian_phone,
        Patient.phone,
        func.coalesce(AppointmentType.name, ""),
        Appointment.confirmation,
        StaffTask.outcome,
        # Counted only where there is a call task: SQLAlchemy's JSON would parse every row's NULL.
        type_coerce(StaffTask.attempts, String),
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
    if location_id is None:
        places = _PLACES.rows(conn)
    else:
        places = _PLACE.rows(conn, {"location": location_id})
        if not places:
            raise NotFound(f"Location #{location_id} does not exist.")
    parts: list[tuple[list[datetime], tuple[datetime, ...], tuple[int, ...], list[CallRow]]] = []
    desk = staff_locale_name()
    for lid, name, tz, country, chosen in places:
        zone = ZoneInfo(tz)
        style = chosen if chosen in TIME_FORMATS else default_time_format(country)
        the_day = day or next_business_day(session, lid, now.astimezone(zone).date())
        lo = datetime.combine(the_day, time(0, 0), tzinfo=zone).astimezone(UTC)
        hi = datetime.combine(the_day + timedelta(days=1), time(0, 0), tzinfo=zone).astimezone(UTC)
        # A day's visits share a few dozen start times: each parsed once, its local time once.
        columns = _VISITS.columns(conn, {"location": lid, "lo": max(lo, now), "hi": hi}, shared=(2,))
        if columns[0]:
            parts.append(_call_rows(columns, zone, name, country or "US", style, desk))
    if len(parts) == 1 and all(map(le, parts[0][0], islice(parts[0][0], 1, None))):
        # One location whose wall clock runs forward all day (no clock change among its visits):
        # the statement's (instant, visit) order is already the local order below.
        return parts[0][3]
    # Local wall-clock order (a 9:00 in Denver before a 10:00 in Boston), then the instant, then
    # the visit (ids are unique, so the rows themselves are never compared).
    found = sorted(chain.from_iterable(zip(*part, strict=True) for part in parts))
    return list(map(_LAST, found))


def _call_rows(
    columns: list[tuple[Any, ...]], zone: ZoneInfo, location: str, country: str, style: str, desk: str
) -> tuple[list[datetime], tuple[datetime, ...], tuple[int, ...], list[CallRow]]:
    """The rows of one location with their sort key (local wall time, instant, visit), built a
    column at a time: the visits of a day share a few dozen start times and their families'
    phones, each worked out once."""
    (
        ids,
        versions,
        starts,
        names,
        ask_for,
        contacts,
        guardian_phones,
        phones,
        type_names,
        confs,
        outcomes,
        attempts,
    ) = columns
    # The rows share their start times' objects (CachedSelect's ``shared``): one lookup each.
    local_of = {start: _local(start, zone, style, desk) for start in set(starts)}
    local = list(map(local_of.__getitem__, starts))
    walls = list(map(_FIRST, local))
    calls = map(
        _CALL_ROW,
        zip(
            ids,
            versions,
            starts,
            map(_SECOND, local),
            names,
            ask_for,
            map(_phones, repeat(country), contacts, guardian_phones, phones),
            type_names,
            repeat(location),
            confs,
            map(CALL_OUTCOMES.get, outcomes, repeat("")),
            [_count(a) if a is not None else 0 for a in attempts],
            strict=False,  # repeat() is endless
        ),
    )
    return walls, starts, ids, list(calls)


def _count(attempts: Any) -> int:
    """How many attempts a call task's list holds: its JSON text (SQLite), or the list the driver
    parsed (psycopg)."""
    items = json.loads(attempts) if isinstance(attempts, str) else attempts
    return len(items or ())


_FIRST, _SECOND, _LAST = itemgetter(0), itemgetter(1), itemgetter(-1)
# CallRow._make without its Python frame per row.
_CALL_ROW = partial(tuple.__new__, CallRow)


@lru_cache(maxsize=4096)  # a family's numbers are on the list day after day
def _phones(country: str, *numbers: str | None) -> tuple[str, ...]:
    """A family's numbers as the desk dials them, each once, in the order given."""
    return tuple(dict.fromkeys(format_phone(x, country) for x in numbers if x))


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
