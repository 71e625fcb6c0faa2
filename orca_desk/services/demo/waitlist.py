"""The demo's waitlist: short visits wanted sooner, with varied days and time windows."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from orca_desk.models.clinic import AppointmentType, Location, Provider
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.bulk import bulk_insert
from orca_desk.services.demo.spec import table


def insert_waitlist(
    session: Session,
    count: int,
    rng: random.Random,
    now: datetime,
    clinic_id: int,
    patient_ids: list[int],
    types: list[tuple[AppointmentType, int]],
    providers: list[Provider],
    locations: list[Location],
) -> None:
    short = [t for t, _ in types if t.name in ("Adjustment", "Retainer check", "Records", "Consult")]
    windows: tuple[list[list[int]], ...] = (
        [[15 * 60, 18 * 60]],
        [[8 * 60, 12 * 60]],
        [],
        [[13 * 60, 17 * 60]],
    )
    rows = []
    for k in range(count):
        t = rng.choice(short)
        created = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
        rows.append(
            {
                "clinic_id": clinic_id,
                "patient_id": patient_ids[(k * 7919) % len(patient_ids)],
                "type_id": t.id,
                "duration_minutes": t.default_minutes,
                "provider_ids": rng.sample([p.id for p in providers], k=1) if rng.random() < 0.4 else [],
                "location_ids": [rng.choice(locations).id] if rng.random() < 0.5 else [],
                "days_of_week": sorted(rng.sample(range(5), k=rng.randint(2, 5))),
                "time_windows": rng.choice(windows),
                "earliest_date": None,
                "latest_date": (now + timedelta(days=rng.randint(20, 90))).date(),
                "priority": rng.choices((1, 2, 3, 4, 5), (5, 15, 50, 20, 10))[0],
                "reason": rng.choice(
                    ("wants an earlier date", "after-school slot", "broken bracket", "moved school", "")
                ),
                "status": "active",
                "notification_count": 0,
                "created_at": created,
                "updated_at": created,
            }
        )
    bulk_insert(session, table(WaitlistEntry), rows)
