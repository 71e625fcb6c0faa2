"""Changing a series for one occurrence, this and the following ones, or all future ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.series import RecurringSeries, SeriesException
from orca_desk.services.access import audit
from orca_desk.services.access.security import BOOK, Actor
from orca_desk.services.booking import booking
from orca_desk.services.booking.series_exceptions import record_moved
from orca_desk.services.errors import OrcaError, ValidationError
from orca_desk.services.series.create import Decision, _book_occurrences, _normalise, _SlotKey
from orca_desk.services.series.preview import _Plan, _plan
from orca_desk.services.series.rows import (
    _REPLACEABLE,
    Scope,
    _appointment,
    _end_before,
    _exceptions,
    _family,
    _first_future,
    _has_future,
    _occurrences_before,
    _replaceable,
    _split_point,
)
from orca_desk.services.series.rules import (
    HORIZON,
    _check_rule,
    _dtstart,
    _end_of,
    _expand,
    _label,
    _rule_until_utc,
    _strip,
    _utc,
    _with_end,
)


@dataclass(frozen=True)
class SeriesChange:
    """What a modification changes; ``None`` keeps the series' current value."""

    rrule: str | None = None
    start_time: time | None = None  # new local time of day
    minutes: int | None = None
    provider_id: int | None = None
    chair_id: int | None = None
    type_id: int | None = None


def modify_series(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    scope: Scope,
    change: SeriesChange,
    decisions: Mapping[datetime, Decision] | None = None,
    expected_version: int | None = None,
    now: datetime,
) -> int:
    """Change one occurrence, this and the following ones, or all future ones; returns the series id.

    "this" moves the appointment and makes it an exception. "following" ends the rule
    before this occurrence and starts a new series (``parent_id``) with the change. "all"
    does the same from the first occurrence that has not started (in place when none has):
    past occurrences never change, moved ones stay where they are. All or nothing.
    """
    actor.require(BOOK)
    appt, s = _appointment(session, appointment_id)
    if scope == "this":
        original = appt.series_occurrence_start or appt.start_at
        zone = ZoneInfo(s.timezone)
        start = appt.start_at
        if change.start_time is not None:
            start = datetime.combine(appt.start_at.astimezone(zone).date(), change.start_time, tzinfo=zone)
        minutes = change.minutes or int((appt.end_at - appt.start_at).total_seconds() // 60)
        with session.begin_nested():
            moved = booking.move_appointment(
                session,
                actor,
                appt.id,
                start=start,
                end=start + timedelta(minutes=minutes),
                chair_id=change.chair_id,
                provider_id=change.provider_id,
                expected_version=expected_version,
                now=now,
            )
            if change.type_id is not None:
                moved.type_id = change.type_id
            moved.series_occurrence_start = original
            record_moved(session, moved, now=now)
        return s.id
    if scope not in ("following", "all"):
        raise ValidationError(f"Unknown scope {scope!r}: choose this, following or all.")
    if change.rrule is not None:
        _check_rule(change.rrule)
    if scope == "all":
        with session.begin_nested():
            return _change_family(session, actor, s, change, _normalise(decisions), now)
    at = _split_point(s, appt, scope, now)
    with session.begin_nested():
        return _split(session, actor, s, at, change, _normalise(decisions), now)


def _change_family(
    session: Session,
    actor: Actor,
    s: RecurringSeries,
    change: SeriesChange,
    decisions: dict[datetime, Decision],
    now: datetime,
) -> int:
    """ "All": every part of the series (continuations included) from its first future occurrence.

    Each part keeps its own dates (a part ended by a split keeps its end) and whatever the
    change leaves as is; returns the id of the part that now holds ``s``'s future.
    """
    parts = [
        (part, at)
        for part in _family(session, s)
        if part.status != "cancelled"
        for at in [_first_future(part, now)]
        if at is not None
    ]
    if not parts:
        raise ValidationError("Every occurrence of this series has already started; nothing to change.")
    result: int | None = None
    for i, (part, at) in enumerate(parts):
        part_change = change
        if change.rrule is not None and i < len(parts) - 1:
            # A part that a later part continues keeps its end, so the parts never overlap.
            kind, _count, _until = _end_of(part.rrule, ZoneInfo(part.timezone))
            until = _rule_until_utc(part.rrule, ZoneInfo(part.timezone)) if kind == "until" else None
            if until is not None:
                part_change = replace(change, rrule=_with_end(_strip(change.rrule), until_utc=until))
        target = _split(session, actor, part, at, part_change, decisions, now, exceptions_too=True)
        if result is None or part.id == s.id:
            result = target
    assert result is not None
    return result


def _split(
    session: Session,
    actor: Actor,
    old: RecurringSeries,
    at: datetime,
    change: SeriesChange,
    decisions: dict[datetime, Decision],
    now: datetime,
    *,
    exceptions_too: bool = False,
) -> int:
    """Make the change from ``at`` on; returns the id of the series that holds those occurrences.

    When none of ``old`` has happened it changes in place; otherwise ``old`` ends before ``at``
    and a continuation (``parent_id``) takes the change.
    """
    zone = ZoneInfo(old.timezone)
    before = _occurrences_before(old, at)
    replaced = _replaceable(session, old, at, now)
    removed = {k for k, e in _exceptions(session, old.id).items() if k >= at and e.kind == "removed"}
    start_time = change.start_time or time(old.start_minute // 60, old.start_minute % 60)
    rule = _strip(change.rrule) if change.rrule is not None else old.rrule
    if change.rrule is None and old.end_kind == "count" and old.count is not None:
        rule = _with_end(rule, count=max(old.count - before, 1))
    snapshot = {
        "rrule": old.rrule,
        "start": _dtstart(old).isoformat(),
        "minutes": old.minutes,
        "provider_id": old.provider_id,
        "chair_id": old.chair_id,
        "type_id": old.type_id,
    }
    target = old if before == 0 else _continuation(session, old, at, now)
    plan = _plan(
        session,
        patient_id=old.patient_id,
        provider_id=change.provider_id or old.provider_id,
        chair_id=change.chair_id or old.chair_id,
        type_id=change.type_id or old.type_id,
        minutes=change.minutes or old.minutes,
    )
    dtstart = datetime.combine(at.astimezone(zone).date(), start_time, tzinfo=zone)
    every = _apply_rule(session, target, plan, rule, dtstart, zone, now)
    old_exceptions = _exceptions(session, old.id)
    overrides = {k: e for k, e in old_exceptions.items() if k >= at and e.kind == "override"}
    occs = _carry_exceptions(
        session, target, [o for o in every if o >= now], removed, overrides, decisions, zone
    )
    if exceptions_too:  # "all" covers the moved occurrences as well; "following" leaves them be
        moved_ones = [e for e in overrides.values() if e.appointment_id]
        _apply_to_moved(session, actor, moved_ones, change, zone, now)
    reuse = _reuse_or_release(session, actor, replaced, occs, plan, now)
    if target is old:
        still = {o.date() for o in every}
        for k in removed:
            if k.astimezone(zone).date() not in still or k not in {_utc(o) for o in every}:
                session.delete(old_exceptions[k])  # re-created below for dates the rule still has
        session.flush()
    _book_occurrences(session, actor, target, occs, decisions, now=now, strict=True, reuse=reuse)
    for a in reuse.values():  # not claimed after all
        _release(session, actor, a, now)
    audit.record(
        session,
        actor,
        "modify",
        "series",
        old.id,
        now=now,
        before=snapshot,
        after={"series_id": target.id, "rrule": rule, "start": dtstart.isoformat(), "from": at.isoformat()},
    )
    if target is not old and not _has_future(session, old, now):
        old.status = "ended"
    return target.id


def _continuation(session: Session, old: RecurringSeries, at: datetime, now: datetime) -> RecurringSeries:
    """End ``old`` before ``at`` and add the series that continues it (the caller gives it its rule)."""
    _end_before(old, at, now)
    target = RecurringSeries(
        clinic_id=old.clinic_id,
        patient_id=old.patient_id,
        notes=old.notes,
        parent_id=old.id,
        status="active",
        created_at=now,
        updated_at=now,
        rrule="",
        start_date=at.astimezone(ZoneInfo(old.timezone)).date(),
        start_minute=0,
        timezone=old.timezone,
        minutes=old.minutes,
        end_kind="never",
        provider_id=old.provider_id,
        chair_id=old.chair_id,
        location_id=old.location_id,
        type_id=old.type_id,
    )
    session.add(target)
    return target


def _apply_rule(
    session: Session,
    target: RecurringSeries,
    plan: _Plan,
    rule: str,
    dtstart: datetime,
    zone: ZoneInfo,
    now: datetime,
) -> list[datetime]:
    """Give ``target`` the rule, start and booking details; returns its occurrences up to the horizon."""
    end_kind, count, until_date = _end_of(rule, zone)
    target.rrule, target.start_date = rule, dtstart.date()
    target.start_minute = dtstart.hour * 60 + dtstart.minute
    target.provider_id, target.chair_id = plan.provider_id, plan.chair_id
    target.location_id = plan.location_id
    target.type_id, target.minutes = plan.type_id, plan.minutes
    target.end_kind, target.count, target.until_date = end_kind, count, until_date
    target.materialised_until = now + HORIZON if end_kind == "never" else None
    target.status, target.updated_at = "active", now
    session.flush()
    every = _expand(rule, dtstart, until=now + HORIZON, new=True)
    if every and every[0] != dtstart:  # DTSTART is the first occurrence
        target.start_date, target.start_minute = every[0].date(), every[0].hour * 60 + every[0].minute
    return every


def _carry_exceptions(
    session: Session,
    target: RecurringSeries,
    occs: list[datetime],
    removed: set[datetime],
    overrides: dict[datetime, SeriesException],
    decisions: dict[datetime, Decision],
    zone: ZoneInfo,
) -> list[datetime]:
    """Exceptions follow their date: a skipped date stays skipped, a moved occurrence stays where
    it is and stands for that date's occurrence of the new rule. Returns the occurrences to book."""
    removed_days = {k.astimezone(zone).date() for k in removed}
    override_days = {k.astimezone(zone).date(): e for k, e in overrides.items()}
    kept: list[datetime] = []
    for o in occs:
        key = _utc(o)
        if o.date() in removed_days:
            decisions.setdefault(key, "skip")
        exc = override_days.get(o.date())
        if exc is not None:
            moved = session.get(Appointment, exc.appointment_id) if exc.appointment_id else None
            if moved is not None:
                moved.series_id, moved.series_occurrence_start = target.id, key
            exc.series_id, exc.original_start = target.id, key
            continue
        kept.append(o)
    session.flush()
    return kept


def _reuse_or_release(
    session: Session,
    actor: Actor,
    replaced: list[Appointment],
    occs: list[datetime],
    plan: _Plan,
    now: datetime,
) -> dict[_SlotKey, Appointment]:
    """Keep the replaced appointments the new plan books again unchanged (by slot); release the rest."""
    length = timedelta(minutes=plan.minutes)
    reuse = {
        (a.start_at, a.end_at, a.chair_id, a.provider_id, a.type_id): a
        for a in replaced
        if a.end_at - a.start_at == length
    }
    planned = {(_utc(o), _utc(o) + length, plan.chair_id, plan.provider_id, plan.type_id) for o in occs}
    for a in replaced:
        slot = (a.start_at, a.end_at, a.chair_id, a.provider_id, a.type_id)
        if slot not in planned or reuse.get(slot) is not a:
            _release(session, actor, a, now)
            if reuse.get(slot) is a:
                del reuse[slot]
    return reuse


def _apply_to_moved(
    session: Session,
    actor: Actor,
    moved: Sequence[SeriesException],
    change: SeriesChange,
    zone: ZoneInfo,
    now: datetime,
) -> None:
    """A moved occurrence stays where it was moved to, but takes the new length, chair, provider and type."""
    if (
        change.minutes is None
        and change.chair_id is None
        and change.provider_id is None
        and change.type_id is None
    ):
        return
    for exc in moved:
        appt = session.get(Appointment, exc.appointment_id) if exc.appointment_id else None
        if appt is None or appt.start_at < now or appt.status not in _REPLACEABLE:
            continue
        end = appt.start_at + timedelta(minutes=change.minutes) if change.minutes else appt.end_at
        try:
            with session.begin_nested():
                booking.move_appointment(
                    session,
                    actor,
                    appt.id,
                    start=appt.start_at,
                    end=end,
                    chair_id=change.chair_id,
                    provider_id=change.provider_id,
                    now=now,
                )
        except OrcaError as exc_:
            raise type(exc_)(
                f"{_label(appt.start_at.astimezone(zone), session)} (moved earlier): {exc_} "
                "Nothing was changed."
            ) from None
        if change.type_id is not None:
            appt.type_id = change.type_id
    session.flush()


def _release(
    session: Session, actor: Actor, appt: Appointment, now: datetime, reason: str = "series changed"
) -> None:
    """Take an unaltered occurrence out of the book; the clinic changed it, so never a late cancel."""
    booking.cancel_appointment(session, actor, appt.id, reason=reason, now=now)
    appt.late_cancel = False
