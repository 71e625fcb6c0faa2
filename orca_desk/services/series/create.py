"""Creating a series and booking its occurrences as the desk decided (book, skip or an alternative)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.series import RecurringSeries
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.booking.series_exceptions import add_exception
from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.services.series.preview import _Plan, _plan
from orca_desk.services.series.rules import HORIZON, _check_rule, _end_of, _expand, _label, _utc, _zone


class SlotChoice(Protocol):
    """An alternative time: :class:`Alternative` or the availability engine's ``Opening``."""

    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def provider_id(self) -> int: ...
    @property
    def chair_id(self) -> int: ...


Decision = Literal["book", "skip"] | SlotChoice
_SlotKey = tuple[datetime, datetime, int, int, int]  # start, end, chair, provider, type


def _normalise(decisions: Mapping[datetime, Decision] | None) -> dict[datetime, Decision]:
    return {_utc(k): v for k, v in (decisions or {}).items()}


def _book_occurrences(
    session: Session,
    actor: Actor,
    series: RecurringSeries,
    occs: Sequence[datetime],
    decisions: Mapping[datetime, Decision],
    *,
    now: datetime,
    strict: bool,
    reuse: dict[_SlotKey, Appointment] | None = None,
) -> tuple[int, list[tuple[datetime, str]]]:
    """Book each occurrence as decided; ``strict`` raises naming the date, else skips and reports."""
    zone = ZoneInfo(series.timezone)
    length = timedelta(minutes=series.minutes)
    booked = 0
    skipped: list[tuple[datetime, str]] = []
    for occ in occs:
        key = _utc(occ)
        local = occ.astimezone(zone)
        decision = decisions.get(key, "book")
        if decision == "skip":
            add_exception(session, series.id, key, "removed", None, "skipped when booking", now)
            continue
        if isinstance(decision, str):
            start, minutes = key, series.minutes
            provider_id, chair_id = series.provider_id, series.chair_id
            override = False
        else:
            start, minutes = _utc(decision.start), int((decision.end - decision.start).total_seconds() // 60)
            provider_id, chair_id = decision.provider_id, decision.chair_id
            override = True
        existing = (
            (reuse or {}).pop((start, start + length, chair_id, provider_id, series.type_id), None)
            if not override
            else None
        )
        if existing is not None:
            existing.series_id, existing.series_occurrence_start, existing.updated_at = series.id, key, now
            booked += 1
            continue
        req = BookingRequest(
            patient_id=series.patient_id,
            provider_id=provider_id,
            chair_id=chair_id,
            type_id=series.type_id,
            start=start,
            minutes=minutes,
            series_id=series.id,
        )
        try:
            if strict:
                appt = booking.book_appointment(session, actor, req, now=now)
            else:
                with session.begin_nested():
                    appt = booking.book_appointment(session, actor, req, now=now)
        except OrcaError as exc:
            if strict:
                raise type(exc)(
                    f"{_label(local, session)}: {exc} Nothing was booked; skip that date or "
                    "choose the suggested time."
                ) from None
            add_exception(session, series.id, key, "removed", None, str(exc)[:200], now)
            skipped.append((local, str(exc)))
            continue
        appt.series_occurrence_start = key
        if override:
            add_exception(session, series.id, key, "override", appt.id, "alternative time", now)
        booked += 1
    session.flush()
    return booked, skipped


def create_series(
    session: Session,
    actor: Actor,
    *,
    patient_id: int,
    provider_id: int,
    chair_id: int,
    type_id: int,
    rrule: str,
    dtstart: datetime,
    minutes: int | None = None,
    decisions: Mapping[datetime, Decision] | None = None,
    notes: str = "",
    adopt_appointment_id: int | None = None,
    now: datetime,
) -> int:
    """Create the series and book its occurrences (a year ahead when it never ends); all or nothing.

    ``decisions`` maps an occurrence start (as in the preview) to "book", "skip" or an
    alternative slot. An occurrence that cannot be booked raises, naming its date, and
    nothing at all is written. ``adopt_appointment_id``: the appointment "Repeat…" was
    opened from; it becomes the occurrence at its time instead of being booked twice.
    """
    actor.require(BOOK)
    plan = _plan(
        session,
        patient_id=patient_id,
        provider_id=provider_id,
        chair_id=chair_id,
        type_id=type_id,
        minutes=minutes,
    )
    _zone(dtstart)
    start = dtstart.astimezone(plan.zone).replace(second=0, microsecond=0)
    if start < now - booking.PAST_GRACE:
        raise ValidationError("The series would start in the past.", field="dtstart")
    rule = _check_rule(rrule)
    horizon = now + HORIZON
    occs = _expand(rule, start, until=horizon, new=True)
    if not occs:
        raise ValidationError("The rule gives no dates at all; check the days and the end.", field="rrule")
    start = occs[0]  # DTSTART is the first occurrence (RFC 5545 asks them to agree)
    chosen = _normalise(decisions)
    if all(chosen.get(_utc(o)) == "skip" for o in occs):
        raise ValidationError("Every date is skipped; there is nothing to book.")
    with session.begin_nested():
        series = _series_row(plan, rule, start, horizon, notes=notes, now=now)
        session.add(series)
        session.flush()
        reuse = _adopted(session, adopt_appointment_id, patient_id)
        _book_occurrences(session, actor, series, occs, chosen, now=now, strict=True, reuse=reuse)
        audit.record(
            session,
            actor,
            "create",
            "series",
            series.id,
            now=now,
            after={"rrule": rule, "dtstart": start.isoformat(), "occurrences": len(occs)},
        )
    return series.id


def _series_row(
    plan: _Plan, rule: str, start: datetime, horizon: datetime, *, notes: str, now: datetime
) -> RecurringSeries:
    """The new series row; a never-ending one is booked up to ``horizon`` (the scheduler goes on)."""
    end_kind, count, until_date = _end_of(rule, plan.zone)
    return RecurringSeries(
        clinic_id=plan.clinic_id,
        patient_id=plan.patient_id,
        provider_id=plan.provider_id,
        chair_id=plan.chair_id,
        location_id=plan.location_id,
        type_id=plan.type_id,
        rrule=rule,
        start_date=start.date(),
        start_minute=start.hour * 60 + start.minute,
        timezone=plan.zone.key,
        minutes=plan.minutes,
        end_kind=end_kind,
        count=count,
        until_date=until_date,
        materialised_until=horizon if end_kind == "never" else None,
        status="active",
        notes=notes,
        created_at=now,
        updated_at=now,
    )


def _adopted(session: Session, appointment_id: int | None, patient_id: int) -> dict[_SlotKey, Appointment]:
    """The appointment "Repeat…" was opened from, by its slot, when it can become an occurrence."""
    reuse: dict[_SlotKey, Appointment] = {}
    if appointment_id is not None:
        own = session.get(Appointment, appointment_id)
        if own is not None and own.patient_id == patient_id and own.series_id is None:
            reuse[(own.start_at, own.end_at, own.chair_id, own.provider_id, own.type_id)] = own
    return reuse
