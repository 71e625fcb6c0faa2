"""Cancelling one occurrence, this and the following ones, or the whole series' future."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.booking import booking
from orca_desk.services.booking.series_exceptions import add_exception
from orca_desk.services.errors import ValidationError
from orca_desk.services.series.rows import (
    _REPLACEABLE,
    Scope,
    _appointment,
    _descendants,
    _end_before,
    _members,
    _occurrences_before,
    _shown_until,
)
from orca_desk.services.series.rules import _dtstart, _expand, _utc


def cancel_series(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    scope: Scope,
    reason: str,
    expected_version: int | None = None,
    now: datetime,
) -> int:
    """Cancel one occurrence (EXDATE), this and the following ones, or the whole series' future.

    Occurrences that have started are never touched. Series continued by a split (its
    children) are cancelled with "following" and "all". Returns how many appointments
    were cancelled.
    """
    actor.require(BOOK)
    if not reason.strip():
        raise ValidationError("Give a reason for the cancellation.", field="reason")
    appt, s = _appointment(session, appointment_id)
    with session.begin_nested():
        if scope == "this":
            original = appt.series_occurrence_start or appt.start_at
            booking.cancel_appointment(
                session, actor, appt.id, reason=reason.strip(), expected_version=expected_version, now=now
            )
            add_exception(session, s.id, original, "removed", None, reason.strip()[:200], now)
            return 1
        if scope == "following":
            at = max(appt.series_occurrence_start or appt.start_at, now)
        elif scope == "all":
            at = now
        else:
            raise ValidationError(f"Unknown scope {scope!r}: choose this, following or all.")
        cancelled = 0
        for series in [s, *_descendants(session, s.id)]:
            for a in _members(session, series.id):
                original = a.series_occurrence_start or a.start_at
                if a.start_at >= now and a.status in _REPLACEABLE and (original >= at or a.start_at >= at):
                    booking.cancel_appointment(session, actor, a.id, reason=reason.strip(), now=now)
                    cancelled += 1
            first_future = next(
                (
                    o
                    for o in _expand(series.rrule, _dtstart(series), until=_shown_until(series, now))
                    if _utc(o) >= at
                ),
                None,
            )
            if first_future is not None and _occurrences_before(series, _utc(first_future)) > 0:
                _end_before(series, _utc(first_future), now)
                series.status = "ended" if scope == "following" else "cancelled"
            else:
                series.status = "cancelled"
                series.materialised_until = None
            series.updated_at = now
        audit.record(
            session,
            actor,
            f"cancel_{scope}",
            "series",
            s.id,
            now=now,
            after={"from": at.isoformat(), "cancelled": cancelled, "reason": reason.strip()},
        )
        session.flush()
        return cancelled
