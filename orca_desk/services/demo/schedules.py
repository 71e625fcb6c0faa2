"""The demo's working hours, a clinic holiday and one provider's day off."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.clinic import Location, Provider
from orca_desk.models.schedule import ScheduleBreak, ScheduleException, SchedulePeriod
from orca_desk.services.bulk import bulk_insert
from orca_desk.services.demo.spec import DAY_END, DAY_START, LUNCH, DemoSize, table


def insert_schedules(
    session: Session,
    spec: DemoSize,
    now: datetime,
    locations: list[Location],
    providers: list[Provider],
    chair_provider: dict[int, Provider],
) -> set[tuple[int | None, date]]:
    """Mon–Fri 08:00–17:00 with lunch 12:00–13:00 at each provider's location (what the
    appointment generator fills), a clinic holiday and one provider's day off.

    Returns the (provider id or None for everyone, day) pairs the generator must leave empty.
    """
    chair_loc = {c: loc.id for loc in locations for c in [ch.id for ch in loc.chairs]}
    home: dict[int, int] = {}
    for chair_id, p in chair_provider.items():
        home.setdefault(p.id, chair_loc.get(chair_id, locations[0].id))
    today = now.astimezone(ZoneInfo(locations[0].timezone)).date()
    since = today - timedelta(days=spec.days_back + 7)
    first_id = (session.scalar(select(func.max(SchedulePeriod.id))) or 0) + 1
    periods: list[dict[str, Any]] = []
    breaks: list[dict[str, Any]] = []
    for p in providers:
        for weekday in range(5):
            pid = first_id + len(periods)
            periods.append(
                {
                    "id": pid,
                    "provider_id": p.id,
                    "location_id": home.get(p.id, locations[0].id),
                    "weekday": weekday,
                    "start_minute": DAY_START,
                    "end_minute": DAY_END,
                    "effective_from": since,
                    "effective_to": None,
                }
            )
            breaks.append(
                {"period_id": pid, "start_minute": LUNCH[0], "end_minute": LUNCH[1], "label": "Lunch"}
            )
    bulk_insert(session, table(SchedulePeriod), periods)
    bulk_insert(session, table(ScheduleBreak), breaks)
    # Deterministic dates relative to "today": a holiday on the Monday two to three weeks out,
    # the first provider off on the Friday of next week.
    holiday = today + timedelta(days=14 + (7 - today.weekday()) % 7)
    pto = today + timedelta(days=7 + (4 - today.weekday()) % 7)
    session.add_all(
        [
            ScheduleException(
                kind="holiday",
                provider_id=None,
                location_id=None,
                start_day=holiday,
                end_day=holiday,
                name="Clinic closed (staff training)",
                created_at=now,
            ),
            ScheduleException(
                kind="time_off",
                provider_id=providers[0].id,
                location_id=None,
                start_day=pto,
                end_day=pto,
                time_off_type="vacation",
                name="Long weekend",
                created_at=now,
            ),
        ]
    )
    session.flush()
    return {(None, holiday), (providers[0].id, pto)}
