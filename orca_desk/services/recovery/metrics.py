"""Recovery results: rate and time to rebook, overall and by provider, location, visit type and cause."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Location, Provider
from orca_desk.models.recovery import RecoveryCase
from orca_desk.services.access.security import VIEW_ANALYTICS, Actor
from orca_desk.services.recovery.rows import CAUSE_LABELS, GroupMetrics, RecoveryMetrics, WeekMetrics


def _group(name: str, cases: Iterable[RecoveryCase]) -> GroupMetrics:
    items = list(cases)
    counted = [c for c in items if c.status != "closed"]
    days = [
        (c.rebooked_at - c.opened_at).total_seconds() / 86400
        for c in counted
        if c.status == "rescheduled" and c.rebooked_at is not None
    ]
    return GroupMetrics(
        name,
        len(counted),
        sum(c.status == "rescheduled" for c in counted),
        sum(c.status == "lost" for c in counted),
        statistics.median(days) if days else None,
    )


def recovery_metrics(session: Session, actor: Actor, *, since: datetime, until: datetime) -> RecoveryMetrics:
    """Recovery rate, time to rebook, and both by provider, location, visit type and cause."""
    actor.require(VIEW_ANALYTICS)
    cases = list(
        session.scalars(
            select(RecoveryCase).where(RecoveryCase.opened_at >= since, RecoveryCase.opened_at < until)
        )
    )
    providers = dict(session.execute(select(Provider.id, Provider.name)).all())
    locations = dict(session.execute(select(Location.id, Location.name)).all())
    types = dict(session.execute(select(AppointmentType.id, AppointmentType.name)).all())

    def by(key: Any, names: dict[Any, str]) -> tuple[GroupMetrics, ...]:
        groups: dict[Any, list[RecoveryCase]] = {}
        for c in cases:
            groups.setdefault(key(c), []).append(c)
        out = [_group(names.get(k, str(k)), v) for k, v in groups.items()]
        return tuple(sorted(out, key=lambda g: (-g.cases, g.name)))

    total = _group("all", cases)
    start = (since - timedelta(days=since.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    weeks = []
    while start < until:
        end = start + timedelta(days=7)
        inside = [c for c in cases if start <= c.opened_at < end]
        weeks.append(WeekMetrics(start, len(inside), sum(c.status == "rescheduled" for c in inside)))
        start = end
    return RecoveryMetrics(
        cases=len(cases),
        open=sum(c.status == "open" for c in cases),
        contacted=sum(c.status == "contacted" for c in cases),
        rescheduled=total.rescheduled,
        lost=total.lost,
        closed=sum(c.status == "closed" for c in cases),
        median_days_to_rebook=total.median_days_to_rebook,
        by_provider=by(lambda c: c.provider_id, providers),
        by_location=by(lambda c: c.location_id, locations),
        by_type=by(lambda c: c.type_id, types),
        by_cause=by(lambda c: c.cause_kind, dict(CAUSE_LABELS)),
        weeks=tuple(weeks),
    )
