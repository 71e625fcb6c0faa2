"""Reading a series' rows (its appointments, exceptions, continuations) and where a scope starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.series import RecurringSeries, SeriesException
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.series.rules import HORIZON, _dtstart, _expand, _utc, _with_end

_REPLACEABLE = ("scheduled", "confirmed")  # an occurrence in another state has happened or is final
Scope = Literal["this", "following", "all"]


def _series(session: Session, series_id: int) -> RecurringSeries:
    s = session.get(RecurringSeries, series_id)
    if s is None:
        raise NotFound(f"Series #{series_id} does not exist.")
    return s


def _appointment(session: Session, appointment_id: int) -> tuple[Appointment, RecurringSeries]:
    appt = session.get(Appointment, appointment_id)
    if appt is None:
        raise NotFound(f"Appointment #{appointment_id} does not exist.")
    if appt.series_id is None:
        raise ValidationError("That appointment is not part of a series.")
    return appt, _series(session, appt.series_id)


def _exceptions(session: Session, series_id: int) -> dict[datetime, SeriesException]:
    return {
        e.original_start: e
        for e in session.scalars(select(SeriesException).where(SeriesException.series_id == series_id))
    }


def _members(session: Session, series_id: int) -> list[Appointment]:
    return list(
        session.scalars(
            select(Appointment).where(Appointment.series_id == series_id).order_by(Appointment.start_at)
        )
    )


def _shown_until(s: RecurringSeries, now: datetime | None) -> datetime:
    if s.materialised_until is not None:
        return s.materialised_until
    return (now or datetime.now(UTC)) + HORIZON  # finite series: _expand ignores it


def _descendants(session: Session, series_id: int) -> list[RecurringSeries]:
    out: list[RecurringSeries] = []
    frontier = [series_id]
    while frontier:
        kids = list(session.scalars(select(RecurringSeries).where(RecurringSeries.parent_id.in_(frontier))))
        out += kids
        frontier = [k.id for k in kids]
    return out


def _family(session: Session, s: RecurringSeries) -> list[RecurringSeries]:
    """The whole series: its first part and every continuation split off with "this and following"."""
    root = s
    seen = {s.id}
    while root.parent_id is not None and root.parent_id not in seen:
        parent = session.get(RecurringSeries, root.parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        root = parent
    return sorted([root, *_descendants(session, root.id)], key=lambda x: (x.start_date, x.start_minute, x.id))


def _first_future(s: RecurringSeries, now: datetime) -> datetime | None:
    occs = _expand(s.rrule, _dtstart(s), until=_shown_until(s, now))
    return next((_utc(o) for o in occs if o >= now), None)


def _occurrences_before(s: RecurringSeries, at: datetime) -> int:
    return sum(1 for o in _expand(s.rrule, _dtstart(s), until=at) if _utc(o) < at)


def _replaceable(session: Session, s: RecurringSeries, at: datetime, now: datetime) -> list[Appointment]:
    """Unaltered, not yet started occurrences of ``s`` from ``at`` on."""
    exceptions = _exceptions(session, s.id)
    return [
        a
        for a in _members(session, s.id)
        if a.series_occurrence_start is not None
        and a.series_occurrence_start >= at
        and a.start_at >= now
        and a.status in _REPLACEABLE
        and a.series_occurrence_start not in exceptions
    ]


def _has_future(session: Session, s: RecurringSeries, now: datetime) -> bool:
    return any(a.start_at >= now and a.status in _REPLACEABLE for a in _members(session, s.id))


def _end_before(s: RecurringSeries, at: datetime, now: datetime) -> None:
    """Give the rule an UNTIL just before ``at`` (COUNT becomes UNTIL: RFC 5545 allows one)."""
    last = at - timedelta(seconds=1)
    s.rrule = _with_end(s.rrule, until_utc=last)
    s.end_kind, s.count, s.until_date = "until", None, last.astimezone(ZoneInfo(s.timezone)).date()
    s.materialised_until = None
    s.updated_at = now


def _split_point(s: RecurringSeries, appt: Appointment, scope: Scope, now: datetime) -> datetime:
    if scope == "all":
        first_future = next(
            (o for o in _expand(s.rrule, _dtstart(s), until=_shown_until(s, now)) if o >= now), None
        )
        if first_future is None:
            raise ValidationError("Every occurrence of this series has already started; nothing to change.")
        return _utc(first_future)
    at = appt.series_occurrence_start or appt.start_at
    if at < now:
        raise ValidationError(
            "That occurrence has already started; past occurrences never change. Choose a later one."
        )
    return at
