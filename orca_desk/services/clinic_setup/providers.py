"""Saving providers: their details, usual chairs and weekly hours (from today, in the location's clock)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Chair, Location, Provider, ProviderChair
from orca_desk.services.access import audit
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic_setup.changes import (
    Change,
    ChangeLog,
    record_change,
    require_admin,
    update_row,
)
from orca_desk.services.clinic_setup.validation import KnownPlaces, provider_problems
from orca_desk.services.setup_file.problems import hhmm, parse_hhmm, raise_if
from orca_desk.services.setup_file.specs import WEEKDAYS, HoursSpec, ProviderSpec


def save_providers(
    session: Session,
    actor: Actor,
    clinic_id: int,
    specs: Sequence[ProviderSpec],
    *,
    now: datetime,
    log: ChangeLog | None = None,
) -> list[Provider]:
    """Create or update providers, their usual chairs and their weekly hours (from today, in the
    location's wall clock; hours that already match are not rewritten)."""
    require_admin(actor)
    raise_if(provider_problems(specs, KnownPlaces.of(session, ())))
    log = log if log is not None else ChangeLog()
    locations = {loc.name.casefold(): loc for loc in session.scalars(select(Location))}
    chairs = {(c.location_id, c.name.casefold()): c for c in session.scalars(select(Chair))}
    places = KnownPlaces.of(session, ())
    existing = {p.name.casefold(): p for p in session.scalars(select(Provider))}
    out = []
    for spec in specs:
        wanted: dict[str, Any] = {
            "name": spec.name.strip(),
            "role": spec.role,
            "colour": spec.colour.strip().lower(),
            "max_concurrent": spec.max_concurrent,
            "is_active": True,
        }
        row = existing.get(spec.name.strip().casefold())
        if row is None:
            row = Provider(clinic_id=clinic_id, **wanted)
            session.add(row)
            record_change(session, actor, log, "provider", row, row.name, now=now, before=None, after=wanted)
        else:
            before, after = update_row(row, wanted)
            if after:
                record_change(
                    session, actor, log, "provider", row, row.name, now=now, before=before, after=after
                )
        if spec.chairs is not None:
            _save_usual_chairs(session, actor, row, spec.chairs, places, locations, chairs, now=now, log=log)
        if spec.hours is not None:
            _save_hours(session, actor, row, spec.hours, locations, now=now, log=log)
        out.append(row)
    return out


def _save_usual_chairs(
    session: Session,
    actor: Actor,
    row: Provider,
    refs: Sequence[str],
    places: KnownPlaces,
    locations: dict[str, Location],
    chairs: dict[tuple[int, str], Chair],
    *,
    now: datetime,
    log: ChangeLog,
) -> None:
    """The provider's usual chairs, in the order given."""
    wanted_chairs: list[int] = []
    for ref in refs:
        resolved = places.resolve_chair(ref)
        assert not isinstance(resolved, str)  # validated before
        chair = chairs[(locations[resolved[0].casefold()].id, resolved[1].casefold())]
        if chair.id not in wanted_chairs:
            wanted_chairs.append(chair.id)
    have = [
        pc.chair_id
        for pc in session.scalars(
            select(ProviderChair)
            .where(ProviderChair.provider_id == row.id)
            .order_by(ProviderChair.sort_order)
        )
    ]
    if have == wanted_chairs:
        return
    for pc in session.scalars(select(ProviderChair).where(ProviderChair.provider_id == row.id)):
        session.delete(pc)
    session.flush()
    session.add_all(
        [ProviderChair(provider_id=row.id, chair_id=c, sort_order=k) for k, c in enumerate(wanted_chairs)]
    )
    loc_names = {loc.id: loc.name for loc in locations.values()}
    names = {c.id: f"{loc_names[c.location_id]}/{c.name}" for c in chairs.values()}
    shown = ", ".join(names[c] for c in wanted_chairs) or "none"
    log.changes.append(
        Change("update", "usual chairs", row.name, (f"{', '.join(names[c] for c in have)} → {shown}",))
        if have
        else Change("create", "usual chairs", row.name, (shown,))
    )
    session.flush()
    audit.record(
        session,
        actor,
        "setup.update",
        "provider",
        row.id,
        now=now,
        before={"usual_chairs": have},
        after={"usual_chairs": wanted_chairs},
    )


def _save_hours(
    session: Session,
    actor: Actor,
    row: Provider,
    hours: Sequence[HoursSpec],
    locations: dict[str, Location],
    *,
    now: datetime,
    log: ChangeLog,
) -> None:
    """The provider's week from today (in the location's wall clock), when it differs."""
    from orca_desk.services import provider_schedules as schedules

    days = [
        schedules.DayHours(
            WEEKDAYS.index(d),
            locations[h.location.strip().casefold()].id,
            parse_hhmm(h.start) or 0,
            parse_hhmm(h.end) or 0,
            tuple(schedules.BreakInput(*_break(b), label="Break") for b in h.breaks),
        )
        for h in hours
        for d in dict.fromkeys(x.strip().lower() for x in h.days)
    ]
    first = days[0].location_id if days else None
    zone_name = next(
        (loc.timezone for loc in locations.values() if loc.id == first),
        next((loc.timezone for loc in locations.values()), "UTC"),
    )
    today = now.astimezone(ZoneInfo(zone_name)).date()
    current = schedules.week_on(session, row.id, today)
    if _week_key(current) == _week_key(days):
        return
    schedules.set_week(session, actor, row.id, days, effective_from=today, now=now)
    log.changes.append(
        Change(
            "update" if current else "create",
            "working hours",
            row.name,
            (f"{_week_text(current, locations)} → {_week_text(days, locations)}",)
            if current
            else (_week_text(days, locations),),
        )
    )


def _break(text: str) -> tuple[int, int]:
    a, _, b = text.partition("-")
    return parse_hhmm(a) or 0, parse_hhmm(b) or 0


def _week_key(days: Sequence[Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            d.weekday,
            d.location_id,
            d.start_minute,
            d.end_minute,
            tuple(sorted((b.start_minute, b.end_minute) for b in d.breaks)),
        )
        for d in days
    )


def _week_text(days: Sequence[Any], locations: dict[str, Location]) -> str:
    if not days:
        return "none"
    names = {loc.id: loc.name for loc in locations.values()}
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for wd, loc_id, s, e, brk in _week_key(days):
        groups[(loc_id, s, e, brk)].append(WEEKDAYS[wd])
    parts = []
    for (loc_id, s, e, brk), weekdays in groups.items():
        text = f"{' '.join(weekdays)} {hhmm(s)}-{hhmm(e)} at {names.get(loc_id, loc_id)}"
        if brk:
            text += " (break " + ", ".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in brk) + ")"
        parts.append(text)
    return "; ".join(parts)
