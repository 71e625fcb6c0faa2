"""A clinic open for online booking: Dr. Chen works weekdays 08:00-17:00, adjustments are bookable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from orca_desk.db import Database
from orca_desk.services import provider_schedules as ps
from orca_desk.services.access.security import Actor
from orca_desk.services.online_booking import OnlineBookingSettings, save_settings
from tests.conftest import NOW
from tests.factories import make_world


@dataclass
class BookingWorld:
    clinic_id: int
    location_id: int
    provider_id: int
    type_id: int
    other_type_id: int
    patient_ids: list[int]


def make_booking_world(db: Database, manager: Actor, *, now: datetime = NOW) -> BookingWorld:
    with db.write() as s:
        w = make_world(s, chairs=2)
        w.clinic.name = "Harbor Orthodontics"
        days = [ps.DayHours(d, w.location.id, 8 * 60, 17 * 60, ()) for d in range(5)]
        ps.set_week(
            s,
            manager,
            w.ortho.id,
            days,
            effective_from=date(2026, 1, 1),
            now=datetime(2026, 3, 1, tzinfo=UTC),
        )
        save_settings(
            s,
            manager,
            OnlineBookingSettings(
                enabled=True, location_ids=(w.location.id,), type_ids=(w.adjustment.id,), horizon_days=21
            ),
            now=now,
        )
        return BookingWorld(
            w.clinic.id, w.location.id, w.ortho.id, w.adjustment.id, w.bonding.id, [p.id for p in w.patients]
        )
