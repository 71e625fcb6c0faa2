"""What a change to a series would do, occurrence by occurrence, before it is made."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Chair, Provider
from orca_desk.services.access.security import Actor
from orca_desk.services.errors import OrcaError
from orca_desk.services.series.create import Decision
from orca_desk.services.series.modify import SeriesChange, modify_series
from orca_desk.services.series.preview import SeriesPreview, preview_series
from orca_desk.services.series.rows import (
    _REPLACEABLE,
    Scope,
    _appointment,
    _family,
    _occurrences_before,
    _replaceable,
    _split_point,
)
from orca_desk.services.series.rules import HORIZON, _check_rule, _with_end


def preview_change(
    session: Session, appointment_id: int, *, scope: Scope, change: SeriesChange, now: datetime
) -> SeriesPreview:
    """What a "following"/"all" change would book, with conflicts (the occurrences it replaces are free)."""
    appt, s = _appointment(session, appointment_id)
    at = _split_point(s, appt, scope, now)
    zone = ZoneInfo(s.timezone)
    start_time = change.start_time or time(s.start_minute // 60, s.start_minute % 60)
    rule = _check_rule(change.rrule) if change.rrule is not None else s.rrule
    if change.rrule is None and s.end_kind == "count" and s.count is not None:
        rule = _with_end(rule, count=max(s.count - _occurrences_before(s, at), 1))
    dtstart = datetime.combine(at.astimezone(zone).date(), start_time, tzinfo=zone)
    return preview_series(
        session,
        patient_id=s.patient_id,
        provider_id=change.provider_id or s.provider_id,
        chair_id=change.chair_id or s.chair_id,
        type_id=change.type_id or s.type_id,
        rrule=rule,
        dtstart=dtstart,
        minutes=change.minutes or s.minutes,
        horizon=now + HORIZON,
        now=now,
        replacing=[a.id for a in _replaceable(session, s, at, now)],
    )


@dataclass(frozen=True)
class ChangeRow:
    """One occurrence a change touches: where it is now and where it would be (local times)."""

    original: datetime  # the occurrence's date in the rule (RECURRENCE-ID), local
    kind: str  # changed | booked | cancelled
    before_start: datetime | None
    before_end: datetime | None
    before_where: str  # "Chair 1 · Priya Shah"
    after_start: datetime | None
    after_end: datetime | None
    after_where: str


@dataclass(frozen=True)
class ChangePlan:
    rows: tuple[ChangeRow, ...]
    error: str | None  # the change cannot be made as asked (the first date that fails, and why)

    @property
    def counts(self) -> dict[str, int]:
        """Occurrences by what the change does to them: changed, booked, cancelled."""
        return {k: sum(1 for r in self.rows if r.kind == k) for k in ("changed", "booked", "cancelled")}

    @property
    def summary(self) -> str:
        if self.error is not None:
            return self.error
        counts = self.counts
        words = {"changed": "change", "booked": "booked", "cancelled": "cancelled"}
        parts = [f"{n} occurrence{'s' if n != 1 else ''} {words[k]}" for k, n in counts.items() if n]
        return ", ".join(parts) if parts else "Nothing changes."


_Where = tuple[datetime, datetime, int, int, int]  # start, end, chair, provider, type


def _future_of(session: Session, series_ids: Iterable[int], now: datetime) -> dict[datetime, _Where]:
    rows = session.execute(
        select(
            Appointment.series_occurrence_start,
            Appointment.start_at,
            Appointment.end_at,
            Appointment.chair_id,
            Appointment.provider_id,
            Appointment.type_id,
        ).where(
            Appointment.series_id.in_(list(series_ids)),
            Appointment.status.in_(_REPLACEABLE),
            Appointment.start_at >= now,
        )
    )
    return {
        (key or start): (start, end, chair, provider, type_id)
        for key, start, end, chair, provider, type_id in rows
    }


def preview_series_change(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    scope: Scope,
    change: SeriesChange,
    decisions: Mapping[datetime, Decision] | None = None,
    now: datetime,
) -> ChangePlan:
    """What :func:`modify_series` would do, occurrence by occurrence, across the whole series; writes nothing.

    The change is made inside a savepoint, the future of every part of the series is read
    before and after, and the savepoint is rolled back. A change that cannot be made
    returns the reason (naming the date) as ``error``.
    """
    _appt, s = _appointment(session, appointment_id)
    zone = ZoneInfo(s.timezone)
    before = _future_of(session, [x.id for x in _family(session, s)], now)
    error: str | None = None
    after = before
    savepoint = session.begin_nested()
    try:
        modify_series(
            session, actor, appointment_id, scope=scope, change=change, decisions=decisions, now=now
        )
        session.flush()
        after = _future_of(session, [x.id for x in _family(session, s)], now)
    except OrcaError as exc:
        error = str(exc)
    finally:
        savepoint.rollback()
    session.expire_all()
    chairs: dict[int, str] = {i: n for i, n in session.execute(select(Chair.id, Chair.name))}
    providers: dict[int, str] = {i: n for i, n in session.execute(select(Provider.id, Provider.name))}

    def where(w: _Where | None) -> str:
        return "" if w is None else f"{chairs.get(w[2], '?')} · {providers.get(w[3], '?')}"

    rows: list[ChangeRow] = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if b == a:
            continue
        kind = "changed" if b is not None and a is not None else ("booked" if a is not None else "cancelled")
        rows.append(
            ChangeRow(
                key.astimezone(zone),
                kind,
                b[0].astimezone(zone) if b else None,
                b[1].astimezone(zone) if b else None,
                where(b),
                a[0].astimezone(zone) if a else None,
                a[1].astimezone(zone) if a else None,
                where(a),
            )
        )
    return ChangePlan(tuple(rows) if error is None else (), error)
