"""The demo's appointment book: a busy past and a future still filling up."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Location, Provider
from orca_desk.services.bulk import bulk_insert
from orca_desk.services.demo.spec import DAY_END, DAY_START, LUNCH, DemoSize, Progress, table

ROLE_TYPES = {
    "hygienist": ("Adjustment", "Retainer check", "Records"),
    "assistant": ("Records", "Retainer check", "Adjustment"),
}


def insert_appointments(
    session: Session,
    spec: DemoSize,
    rng: random.Random,
    now: datetime,
    clinic_id: int,
    locations: list[Location],
    chairs_by_loc: list[list[Chair]],
    chair_provider: dict[int, Provider],
    types: list[tuple[AppointmentType, int]],
    patient_ids: list[int],
    reasons: list[str],
    say: Progress,
    closed: set[tuple[int | None, date]],
) -> int:
    by_name = {t.name: t for t, _ in types}
    all_types = [t for t, _ in types]
    weights = [w for _, w in types]
    n_pat = len(patient_ids)
    batch: list[dict[str, Any]] = []
    total = 0
    today = now.astimezone(ZoneInfo(locations[0].timezone)).date()
    for offset in range(-spec.days_back, spec.days_ahead + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5 or (None, day) in closed:
            continue
        # How full the book is: the past was busy, the far future is still filling up.
        fill = 0.9 if offset < 0 else max(0.5, 0.92 - 0.4 * offset / max(spec.days_ahead, 1))
        cursor = rng.randrange(n_pat)
        for loc, chairs in zip(locations, chairs_by_loc, strict=True):
            zone = ZoneInfo(loc.timezone)
            base = datetime.combine(day, time(0), tzinfo=zone)
            for chair in chairs:
                provider = chair_provider.get(chair.id)
                if provider is None or (provider.id, day) in closed:
                    continue
                allowed = ROLE_TYPES.get(provider.role)
                t = DAY_START + rng.choice((0, 0, 10, 20))
                while t < DAY_END:
                    atype = by_name[rng.choice(allowed)] if allowed else rng.choices(all_types, weights)[0]
                    dur = atype.default_minutes
                    if t < LUNCH[1] and t + dur > LUNCH[0]:
                        t = LUNCH[1]
                        continue
                    if t + dur > DAY_END:
                        break
                    if rng.random() < fill:
                        start = (base + timedelta(minutes=t)).astimezone(UTC)
                        state = _visit_state(rng, offset, reasons)
                        cursor = (cursor + 1) % n_pat
                        batch.append(
                            {
                                "clinic_id": clinic_id,
                                "patient_id": patient_ids[cursor],
                                "provider_id": provider.id,
                                "chair_id": chair.id,
                                "location_id": loc.id,
                                "type_id": atype.id,
                                **_visit_row(start, dur, state),
                            }
                        )
                    t += dur + rng.choice((0, 0, 0, 5, 10))
        if len(batch) >= 20_000:
            bulk_insert(session, table(Appointment), batch)
            total += len(batch)
            say(f"appointments: {total:,}")
            batch = []
    if batch:
        bulk_insert(session, table(Appointment), batch)
        total += len(batch)
    return total


def _visit_state(rng: random.Random, offset: int, reasons: list[str]) -> tuple[str, str, str | None, bool]:
    """(status, confirmation, cancel reason, late) of a visit ``offset`` days from today: the past
    mostly happened, the next days are mostly confirmed."""
    status, confirmation, reason, late = "scheduled", "unconfirmed", None, False
    if offset < 0:
        r = rng.random()
        status = "completed" if r < 0.9 else ("no_show" if r < 0.93 else "cancelled")
        confirmation = "confirmed" if rng.random() < 0.8 else "unconfirmed"
        if status == "cancelled":
            reason, late = rng.choice(reasons), rng.random() < 0.4
    elif offset <= 2:
        confirmation = rng.choices(("confirmed", "requested", "unconfirmed"), (60, 25, 15))[0]
        status = "confirmed" if confirmation == "confirmed" else "scheduled"
    return status, confirmation, reason, late


def _visit_row(start: datetime, minutes: int, state: tuple[str, str, str | None, bool]) -> dict[str, Any]:
    """The columns of a visit row that follow from its time and state."""
    status, confirmation, reason, late = state
    return {
        "start_at": start,
        "end_at": start + timedelta(minutes=minutes),
        "status": status,
        "confirmation": confirmation,
        "cancel_reason": reason,
        "late_cancel": late,
        "notes": "",
        "series_id": None,
        "created_at": start - timedelta(days=30),
        "updated_at": start - timedelta(days=30),
        "version": 1,
    }
