"""Load what a calendar day or week shows, as plain rows, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from orca_desk.models import Appointment, AppointmentType, Patient, Provider
from orca_desk.services.booking import MAX_MINUTES

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


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local calendar day starts and ends (23 or 25 h across DST)."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def _appointments_query(include_cancelled: bool) -> Select[*tuple[Any, ...]]:
    q: Select[*tuple[Any, ...]] = (
        select(Appointment.id, Appointment.version, Appointment.patient_id, Patient.first_name,
               Patient.last_name, Appointment.provider_id, Provider.name, Appointment.chair_id,
               Appointment.location_id, Appointment.type_id, AppointmentType.name,
               AppointmentType.colour, Appointment.start_at, Appointment.end_at, Appointment.status,
               Appointment.confirmation, Appointment.series_id, Patient.alert_summary)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(Provider, Provider.id == Appointment.provider_id)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        # The lower bound on start_at keeps the (location_id, start_at) index range to the
        # window itself; without it SQLite walks the location's whole history.
        .where(Appointment.location_id.in_(bindparam("locations", expanding=True)),
               Appointment.start_at < bindparam("end"), Appointment.start_at > bindparam("earliest"),
               Appointment.end_at > bindparam("start"))
        .order_by(Appointment.start_at, Appointment.chair_id)
    )
    if not include_cancelled:
        q = q.where(Appointment.status.not_in(("cancelled", "no_show")))
    return q


# Built once: composing the statement on every load cost as much as reading a day's rows.
_QUERIES = {flag: _appointments_query(flag) for flag in (False, True)}


def load_appointments(session: Session, location_ids: list[int], start: datetime, end: datetime,
                      *, include_cancelled: bool = False) -> list[CalendarAppointment]:
    """One query: every appointment overlapping [start, end) at the given locations."""
    rows = session.connection().execute(_QUERIES[include_cancelled], {
        "locations": list(location_ids), "end": end, "earliest": start - MAX_LENGTH, "start": start}).all()
    # Core rows (the session's connection): plain columns need none of the ORM's row handling.
    return [CalendarAppointment(i, v, pid, f"{first} {last}", f"{first[:1]}.{last[:1]}.", prov,
                                prov_name, chair, loc, tid, tname, colour, st, en, status, conf, series,
                                alerts or "")
            for (i, v, pid, first, last, prov, prov_name, chair, loc, tid, tname, colour, st, en, status,
                 conf, series, alerts) in rows]


def week_days(day: date, *, length: int = 7) -> list[date]:
    """The days of the week (Monday first) that contains ``day``."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=k) for k in range(length)]


def range_bounds(days: list[date], zones: list[ZoneInfo]) -> tuple[datetime, datetime]:
    """UTC instants covering every given local day in every given zone."""
    starts, ends = [], []
    for zone in zones:
        starts.append(local_day_bounds(min(days), zone)[0])
        ends.append(local_day_bounds(max(days), zone)[1])
    return min(starts), max(ends)


def load_days(session: Session, location_zones: dict[int, ZoneInfo], days: list[date],
              *, include_cancelled: bool = False) -> list[CalendarAppointment]:
    """One query: every appointment over these local days (a week, or one day at several locations).

    Each location keeps its own wall clock, so the window is the union of the days' bounds in
    every zone; rows outside a location's own days are dropped here.
    """
    if not location_zones or not days:
        return []
    start, end = range_bounds(days, list(location_zones.values()))
    rows = load_appointments(session, list(location_zones), start, end,
                             include_cancelled=include_cancelled)
    if len(location_zones) == 1:
        return rows  # the window is that location's own days: the query kept nothing else
    # In UTC, like the rows: comparing instants of one tzinfo skips a UTC-offset lookup per row.
    bounds = {loc: (local_day_bounds(min(days), z)[0].astimezone(UTC),
                    local_day_bounds(max(days), z)[1].astimezone(UTC))
              for loc, z in location_zones.items()}
    return [r for r in rows if r.start < bounds[r.location_id][1] and r.end > bounds[r.location_id][0]]
