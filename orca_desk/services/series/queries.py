"""What the desk reads of a series: the series dialog's detail and the iCal export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Provider
from orca_desk.models.patient import Patient
from orca_desk.models.series import RecurringSeries
from orca_desk.services import recurrence
from orca_desk.services.booking import booking
from orca_desk.services.messaging.message_locale import staff_language
from orca_desk.services.series.rows import _REPLACEABLE, _exceptions, _members, _series, _shown_until
from orca_desk.services.series.rules import _dtstart, _expand, _utc


@dataclass(frozen=True)
class ExportAppointment:
    id: int
    start: datetime  # UTC
    end: datetime
    status: str
    patient_id: int
    provider_id: int
    chair_id: int
    location_id: int
    type_id: int


@dataclass(frozen=True)
class SeriesExport:
    series_id: int
    rrule: str
    dtstart_local: datetime  # aware, in ``zone``
    zone: str
    minutes: int
    exdates: tuple[datetime, ...]  # local, aware
    overrides: tuple[tuple[datetime, ExportAppointment], ...]  # (RECURRENCE-ID local, the row)
    patient_id: int
    provider_id: int
    chair_id: int
    location_id: int
    type_id: int
    status: str
    summary: str


@dataclass(frozen=True)
class SeriesOccurrenceRow:
    original_start: datetime  # local, aware
    start: datetime | None  # where it is now (local); None when removed or not booked yet
    end: datetime | None
    state: str  # booked | moved | removed | cancelled | completed | no-show | ... | later
    appointment_id: int | None
    version: int | None


@dataclass(frozen=True)
class SeriesDetail:
    id: int
    summary: str
    rrule: str
    dtstart: datetime
    zone: str
    minutes: int
    status: str
    patient_id: int
    patient_name: str
    provider_id: int
    provider_name: str
    chair_id: int
    chair_name: str
    type_id: int
    type_name: str
    parent_id: int | None
    child_ids: tuple[int, ...]
    occurrences: tuple[SeriesOccurrenceRow, ...]


def load_series(session: Session, series_id: int) -> SeriesDetail:
    """The series as the series dialog shows it: summary, every occurrence and its state."""
    s = _series(session, series_id)
    zone = ZoneInfo(s.timezone)
    dtstart = _dtstart(s)
    occs = _expand(s.rrule, dtstart, until=_shown_until(s, None))
    exceptions = _exceptions(session, s.id)
    members = {
        a.series_occurrence_start: a for a in _members(session, s.id) if a.series_occurrence_start is not None
    }
    horizon = s.materialised_until
    rows: list[SeriesOccurrenceRow] = []
    keys = sorted({_utc(o) for o in occs} | set(members) | set(exceptions))
    for key in keys:
        local = key.astimezone(zone)
        appt = members.get(key)
        exc = exceptions.get(key)
        if appt is not None:
            state = booking.STATUS_LABELS[appt.status]
            if appt.status in _REPLACEABLE:
                state = "moved" if exc is not None and exc.kind == "override" else "booked"
            rows.append(
                SeriesOccurrenceRow(
                    local,
                    appt.start_at.astimezone(zone),
                    appt.end_at.astimezone(zone),
                    state,
                    appt.id,
                    appt.version,
                )
            )
        elif exc is not None:
            rows.append(SeriesOccurrenceRow(local, None, None, "removed", None, None))
        else:
            later = horizon is not None and key >= horizon
            state = "later" if later else "not booked"
            rows.append(SeriesOccurrenceRow(local, None, None, state, None, None))
    patient = session.get(Patient, s.patient_id)
    provider = session.get(Provider, s.provider_id)
    chair = session.get(Chair, s.chair_id)
    atype = session.get(AppointmentType, s.type_id)
    children = tuple(session.scalars(select(RecurringSeries.id).where(RecurringSeries.parent_id == s.id)))
    return SeriesDetail(
        id=s.id,
        summary=recurrence.describe(s.rrule, dtstart, staff_language()),
        rrule=s.rrule,
        dtstart=dtstart,
        zone=s.timezone,
        minutes=s.minutes,
        status=s.status,
        patient_id=s.patient_id,
        patient_name=patient.display_name if patient else "?",
        provider_id=s.provider_id,
        provider_name=provider.name if provider else "?",
        chair_id=s.chair_id,
        chair_name=chair.name if chair else "?",
        type_id=s.type_id,
        type_name=atype.name if atype else "?",
        parent_id=s.parent_id,
        child_ids=children,
        occurrences=tuple(rows),
    )


def series_for_export(session: Session, series_id: int) -> SeriesExport:
    """The series for iCal: RRULE and DTSTART (TZID), EXDATEs and RECURRENCE-ID overrides, local."""
    s = _series(session, series_id)
    zone = ZoneInfo(s.timezone)
    dtstart = _dtstart(s)
    occs = {_utc(o) for o in _expand(s.rrule, dtstart, until=_shown_until(s, None))}
    exceptions = _exceptions(session, s.id)
    members = {
        a.series_occurrence_start: a for a in _members(session, s.id) if a.series_occurrence_start is not None
    }
    exdates: list[datetime] = []
    overrides: list[tuple[datetime, ExportAppointment]] = []
    booked_until = s.materialised_until
    for key in sorted(occs | set(exceptions) | set(members)):
        appt = members.get(key)
        exc = exceptions.get(key)
        if appt is None or appt.status == "cancelled":
            materialised = booked_until is None or key < booked_until
            if key in occs and (exc is not None or appt is not None or materialised):
                exdates.append(key.astimezone(zone))
            continue
        moved = (
            (exc is not None and exc.kind == "override")
            or appt.start_at != key
            or appt.end_at - appt.start_at != timedelta(minutes=s.minutes)
            or (appt.chair_id, appt.provider_id, appt.type_id) != (s.chair_id, s.provider_id, s.type_id)
        )
        if moved or key not in occs:
            overrides.append(
                (
                    key.astimezone(zone),
                    ExportAppointment(
                        appt.id,
                        appt.start_at,
                        appt.end_at,
                        appt.status,
                        appt.patient_id,
                        appt.provider_id,
                        appt.chair_id,
                        appt.location_id,
                        appt.type_id,
                    ),
                )
            )
    return SeriesExport(
        series_id=s.id,
        rrule=s.rrule,
        dtstart_local=dtstart,
        zone=s.timezone,
        minutes=s.minutes,
        exdates=tuple(exdates),
        overrides=tuple(overrides),
        patient_id=s.patient_id,
        provider_id=s.provider_id,
        chair_id=s.chair_id,
        location_id=s.location_id,
        type_id=s.type_id,
        status=s.status,
        summary=recurrence.describe(s.rrule, dtstart, staff_language()),
    )


def series_of(session: Session, appointment_id: int) -> int | None:
    """The series an appointment belongs to, or None."""
    return session.scalar(select(Appointment.series_id).where(Appointment.id == appointment_id))
