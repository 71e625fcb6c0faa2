"""The rolling horizon: the scheduler books never-ending series further ahead, skipping collisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.models.reminders import StaffTask
from orca_desk.models.series import RecurringSeries, SeriesException
from orca_desk.services import local_time, recurrence
from orca_desk.services.access.security import AUTOMATION, Actor
from orca_desk.services.booking.series_exceptions import add_exception
from orca_desk.services.series.conflicts import _Busy, _load_busy, _load_names
from orca_desk.services.series.create import _book_occurrences
from orca_desk.services.series.rules import HORIZON, _dtstart, _label, _utc


@dataclass(frozen=True)
class HorizonReport:
    series: int
    booked: int
    skipped: tuple[tuple[int, datetime, str], ...]  # (series id, local start, why)


@dataclass(frozen=True)
class _Extension:
    series_id: int
    occurrences: tuple[datetime, ...]
    problems: tuple[tuple[datetime, str], ...]


def plan_extensions(session: Session, *, now: datetime, horizon: timedelta = HORIZON) -> list[_Extension]:
    """Expand every never-ending active series up to ``now + horizon`` and check the new dates.

    A fixed number of queries for any number of series: the series, their existing
    occurrences and exceptions, and the appointments of the window (by location).
    """
    target = now + horizon
    series = list(
        session.scalars(
            select(RecurringSeries).where(
                RecurringSeries.status == "active",
                RecurringSeries.end_kind == "never",
                or_(
                    RecurringSeries.materialised_until.is_(None), RecurringSeries.materialised_until < target
                ),
            )
        )
    )
    if not series:
        return []
    ids = [s.id for s in series]
    lo = min((s.materialised_until or _dtstart(s)) for s in series)
    taken = _taken_dates(session, ids, lo)
    new: list[tuple[RecurringSeries, list[datetime]]] = []
    for s in series:
        since = max(s.materialised_until or now, now)
        # Expanded from the window, not from DTSTART: a years-old series reads only its new dates.
        occs = [
            o
            for o in recurrence.occurrences_from(s.rrule, _dtstart(s), since=since, until=target)
            if (s.id, _utc(o)) not in taken
        ]
        new.append((s, occs))
    busy = _Busy(style=local_time.clinic_time_format(session))
    windows = [(o, o + timedelta(minutes=s.minutes)) for s, occs in new for o in occs]
    _load_busy(
        session,
        busy,
        [(min(w[0] for w in windows), max(w[1] for w in windows))] if windows else [],
        location_ids={s.location_id for s, _ in new},
    )
    _load_names(
        session,
        busy,
        {s.patient_id for s in series},
        {s.chair_id for s in series},
        {s.provider_id for s in series},
    )
    out = []
    for s, occs in new:
        zone = ZoneInfo(s.timezone)
        length = timedelta(minutes=s.minutes)
        problems: list[tuple[datetime, str]] = []
        for o in occs:
            found = busy.problems(
                patient_id=s.patient_id,
                provider_id=s.provider_id,
                chair_id=s.chair_id,
                start=o,
                end=o + length,
                zone=zone,
            )
            if found:
                problems.append((o, " ".join(p.message for p in found)))
            else:
                busy.add_planned(s.chair_id, s.patient_id, s.provider_id, o, o + length)
        out.append(_Extension(s.id, tuple(occs), tuple(problems)))
    return out


def _taken_dates(session: Session, ids: list[int], lo: datetime) -> set[tuple[int, datetime]]:
    """(series, occurrence start) from ``lo`` on that are booked or excepted already."""
    taken: set[tuple[int, datetime]] = set()
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for sid, start in session.execute(
            select(Appointment.series_id, Appointment.series_occurrence_start).where(
                Appointment.series_id.in_(part), Appointment.series_occurrence_start >= lo
            )
        ):
            if sid is not None and start is not None:
                taken.add((sid, start))
        for sid, start in session.execute(
            select(SeriesException.series_id, SeriesException.original_start).where(
                SeriesException.series_id.in_(part), SeriesException.original_start >= lo
            )
        ):
            taken.add((sid, start))
    return taken


def extend_horizons(
    session: Session, *, now: datetime, actor: Actor = AUTOMATION, horizon: timedelta = HORIZON
) -> HorizonReport:
    """Book never-ending series up to ``now + horizon``; idempotent (a second run books nothing).

    The scheduler has nobody to ask, so a date that collides is skipped (recorded as a
    removed occurrence with the reason) and listed in the report for the desk to follow up.
    """
    plans = plan_extensions(session, now=now, horizon=horizon)
    booked = 0
    skipped: list[tuple[int, datetime, str]] = []
    for ext in plans:
        series = session.get(RecurringSeries, ext.series_id)
        assert series is not None
        bad = {_utc(o): why for o, why in ext.problems}
        good = [o for o in ext.occurrences if _utc(o) not in bad]
        for o, why in ext.problems:
            add_exception(session, series.id, _utc(o), "removed", None, why[:200], now)
            skipped.append((series.id, o, why))
        n, late = _book_occurrences(session, actor, series, good, {}, now=now, strict=False)
        booked += n
        skipped += [(series.id, o, why) for o, why in late]
        for o, why in [*ext.problems, *late]:
            _skip_task(session, series, o, why, now)
        series.materialised_until = now + horizon
        series.updated_at = now
    session.flush()
    return HorizonReport(series=len(plans), booked=booked, skipped=tuple(skipped))


SKIP_TASK = "series_skip"  # StaffTask.kind of a date the scheduler could not book


def _skip_task(session: Session, series: RecurringSeries, start: datetime, why: str, now: datetime) -> None:
    """Put a skipped date in front of the desk: an open staff task naming the patient and the date."""
    patient = session.get(Patient, series.patient_id)
    name = patient.display_name if patient is not None else f"patient #{series.patient_id}"
    when = _label(start.astimezone(ZoneInfo(series.timezone)), session)
    reason = f"Find another time for {name}: series #{series.id} could not book {when}. {why.strip()}"
    session.add(
        StaffTask(
            clinic_id=series.clinic_id,
            kind=SKIP_TASK,
            appointment_id=None,
            patient_id=series.patient_id,
            reason=reason[:300],
            status="open",
            attempts=[],
            created_at=now,
            updated_at=now,
        )
    )
