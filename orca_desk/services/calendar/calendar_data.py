"""Load what a calendar day or week shows, as plain rows, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Select, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Provider
from orca_desk.models.patient import Patient
from orca_desk.services import local_time
from orca_desk.services.booking.statuses import MAX_MINUTES
from orca_desk.services.calendar.local_days import local_day_bounds, range_bounds

if TYPE_CHECKING:
    from orca_desk.db import Database
    from orca_desk.services.booking.rebook import RebookRow

MAX_LENGTH = timedelta(minutes=MAX_MINUTES)


class CalendarAppointment(NamedTuple):
    """One visit as the calendar shows it: a tuple, because a week holds thousands and a frozen
    dataclass costs ten times as much to build."""

    id: int
    version: int
    patient_id: int
    patient_name: str
    patient_initials: str
    provider_id: int
    provider_name: str
    chair_id: int
    location_id: int
    type_id: int
    type_name: str
    colour: str
    start: datetime  # UTC
    end: datetime  # UTC
    status: str
    confirmation: str
    series_id: int | None
    alerts: str = ""  # the patient's alerts in one line (allergy, medical, "call father only")


def _appointments_query(include_cancelled: bool, raw_times: bool = False) -> Select[*tuple[Any, ...]]:
    start_at: Any = Appointment.start_at
    end_at: Any = Appointment.end_at
    if raw_times:
        # The driver's own aware datetimes, turned to UTC in the row loop below: the column
        # type's processor is two Python calls more per value, on thousands of values.
        start_at = type_coerce(Appointment.start_at, DateTime(timezone=True))
        end_at = type_coerce(Appointment.end_at, DateTime(timezone=True))
    q: Select[*tuple[Any, ...]] = (
        select(
            Appointment.id,
            Appointment.version,
            Appointment.patient_id,
            # The name and the initials as the calendar shows them, put together by the database:
            # each row is then the calendar's tuple as it comes.
            (Patient.first_name + " " + Patient.last_name).label("patient_name"),
            (func.substr(Patient.first_name, 1, 1) + "." + func.substr(Patient.last_name, 1, 1) + ".").label(
                "patient_initials"
            ),
            Appointment.provider_id,
            Provider.name,
            Appointment.chair_id,
            Appointment.location_id,
            Appointment.type_id,
            AppointmentType.name,
            AppointmentType.colour,
            start_at,
            end_at,
            Appointment.status,
            Appointment.confirmation,
            Appointment.series_id,
            func.coalesce(Patient.alert_summary, ""),
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Provider, Provider.id == Appointment.provider_id)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        # The lower bound on start_at keeps the (location_id, start_at) index range to the
        # window itself; without it SQLite walks the location's whole history.
        .where(
            Appointment.location_id.in_(bindparam("locations", expanding=True)),
            Appointment.start_at < bindparam("end"),
            Appointment.start_at > bindparam("earliest"),
            Appointment.end_at > bindparam("start"),
        )
        .order_by(Appointment.start_at, Appointment.chair_id)
    )
    if not include_cancelled:
        q = q.where(Appointment.status.not_in(("cancelled", "no_show")))
    return q


# Built once: composing the statement on every load cost as much as reading a day's rows.
# SQLite stores text, which the column type parses in one C call; PostgreSQL's driver returns
# aware datetimes already ("raw").
_QUERIES = {(flag, raw): _appointments_query(flag, raw) for flag in (False, True) for raw in (False, True)}


def load_appointments(
    session: Session,
    location_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    include_cancelled: bool = False,
) -> list[CalendarAppointment]:
    """One query: every appointment overlapping [start, end) at the given locations."""
    conn = session.connection()
    raw = conn.dialect.name != "sqlite"
    rows = conn.execute(
        _QUERIES[(include_cancelled, raw)],
        {"locations": list(location_ids), "end": end, "earliest": start - MAX_LENGTH, "start": start},
    ).all()
    # Core rows (the session's connection): plain columns need none of the ORM's row handling.
    if not raw:
        return list(map(CalendarAppointment._make, rows))
    make = CalendarAppointment._make
    return [make((*r[:12], r[12].astimezone(UTC), r[13].astimezone(UTC), *r[14:])) for r in rows]


def week_days(day: date, *, length: int = 7) -> list[date]:
    """The days of the week (Monday first) that contains ``day``."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=k) for k in range(length)]


def load_days(
    session: Session,
    location_zones: dict[int, ZoneInfo],
    days: list[date],
    *,
    include_cancelled: bool = False,
) -> list[CalendarAppointment]:
    """One query: every appointment over these local days (a week, or one day at several locations).

    Each location keeps its own wall clock, so the window is the union of the days' bounds in
    every zone; rows outside a location's own days are dropped here.
    """
    if not location_zones or not days:
        return []
    start, end = range_bounds(days, list(location_zones.values()))
    rows = load_appointments(session, list(location_zones), start, end, include_cancelled=include_cancelled)
    if len(location_zones) == 1:
        return rows  # the window is that location's own days: the query kept nothing else
    # In UTC, like the rows: comparing instants of one tzinfo skips a UTC-offset lookup per row.
    bounds = {
        loc: (
            local_day_bounds(min(days), z)[0].astimezone(UTC),
            local_day_bounds(max(days), z)[1].astimezone(UTC),
        )
        for loc, z in location_zones.items()
    }
    return [r for r in rows if r.start < bounds[r.location_id][1] and r.end > bounds[r.location_id][0]]


OFFERED_COLOUR = "#f2c14e"  # a waitlist offer holding a slot


@dataclass(frozen=True)
class CalendarMark:
    """Something drawn over free time: a waitlist opening on offer, or an open template slot."""

    kind: str  # "offer" | "template"
    location_id: int
    chair_id: int | None
    provider_id: int | None
    start: datetime  # UTC
    end: datetime
    title: str
    subtitle: str
    colour: str
    tooltip: str
    type_id: int | None = None


@dataclass
class CalendarData:
    """One load: the appointments of some local days at some locations (plain rows)."""

    days: list[date]
    zones: dict[int, ZoneInfo]
    appointments: list[CalendarAppointment]
    overlays: dict[int, Any] = field(default_factory=dict)  # location → CalendarOverlay
    marks: list[CalendarMark] = field(default_factory=list)
    missed: list[CalendarAppointment] = field(default_factory=list)  # cancelled and no-show visits
    rebook: list[RebookRow] = field(default_factory=list)  # missed visits not rebooked yet
    time_format: str = "12h"  # the clinic's, when this was loaded: the book's hours are written in it


def load_calendar(
    db: Database, zones: dict[int, ZoneInfo], days: list[date], now: datetime | None = None
) -> CalendarData:
    """Runs on a pool thread: its own Session, one appointment query, the overlay per location,
    and (given ``now``) the marks: offers pending and open template slots."""
    with db.read() as session:
        return read_calendar(session, zones, days, now)


def read_calendar(
    session: Session, zones: dict[int, ZoneInfo], days: list[date], now: datetime | None = None
) -> CalendarData:
    """What ``load_calendar`` loads, in the caller's session."""
    from orca_desk.services import availability
    from orca_desk.services.booking.rebook import MISSED_STATUSES, to_rebook

    rows = load_days(session, zones, days, include_cancelled=True)
    missed = [a for a in rows if a.status in MISSED_STATUSES]
    rows = [a for a in rows if a.status not in MISSED_STATUSES]
    overlays: dict[int, Any] = {
        location_id: availability.calendar_overlay(session, location_id=location_id, days=days)
        for location_id in zones
    }
    marks = load_marks(session, zones, days, now) if now is not None else []
    rebook = to_rebook(session, zones, days, now=now) if now is not None and missed else []
    style = local_time.clinic_time_format(session)
    return CalendarData(days, zones, rows, overlays, marks, missed, rebook, style)


def load_marks(
    session: Session, zones: dict[int, ZoneInfo], days: list[date], now: datetime
) -> list[CalendarMark]:
    """Waitlist openings with an offer pending (their timer) and unbooked template slots."""
    from orca_desk.services.template_engine.reading import open_template_slots
    from orca_desk.services.waitlist.queries import offered_openings

    lo = min(datetime.combine(min(days), time(0), tzinfo=z) for z in zones.values())
    hi = max(datetime.combine(max(days) + timedelta(days=1), time(0), tzinfo=z) for z in zones.values())
    marks = []
    for location_id in zones:
        for o in offered_openings(session, location_id=location_id, start=lo, end=hi, now=now):
            if o.status == "offered":  # a plain opening is free time, and shows as such
                marks.append(
                    CalendarMark(
                        "offer",
                        location_id,
                        o.chair_id,
                        o.provider_id,
                        o.start,
                        o.end,
                        o.label,
                        "waitlist",
                        OFFERED_COLOUR,
                        f"Waitlist opening #{o.opening_id}: {o.label} (see the Waitlist screen)",
                    )
                )
    for t in open_template_slots(session, location_ids=list(zones), start=lo, end=hi, include_blocked=True):
        blocked = t.block_reason is not None
        marks.append(
            CalendarMark(
                "template",
                t.location_id,
                t.chair_id,
                t.provider_id,
                t.start,
                t.end,
                f"Blocked · {t.block_reason}" if blocked else t.type_name,
                f"template · {t.template_name}",
                t.colour,
                ("Template time kept free: " + (t.block_reason or ""))
                if blocked
                else f"Open {t.type_name} slot from {t.template_name}: double-click to book it",
                None if blocked else t.type_id,
            )
        )
    return marks
