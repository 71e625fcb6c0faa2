"""The calendar's rows on either database: UTC instants (PostgreSQL's driver values are turned to
UTC in the row loop, SQLite's text is parsed as UTC), names and initials as the database joins them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.services.calendar import calendar_data
from tests.factories import make_world

NY = ZoneInfo("America/New_York")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


def test_a_day_loads_utc_instants_in_start_order(any_db):
    starts = [datetime(2026, 3, 4, 16, 30, tzinfo=NY), datetime(2026, 3, 4, 8, 15, tzinfo=NY)]
    with any_db.write() as s:
        w = make_world(s)
        for kid, start in enumerate(starts):
            s.add(
                Appointment(
                    clinic_id=w.clinic.id,
                    patient_id=w.patients[kid].id,
                    provider_id=w.ortho.id,
                    chair_id=w.chairs[kid].id,
                    location_id=w.location.id,
                    type_id=w.adjustment.id,
                    start_at=start,
                    end_at=start + timedelta(minutes=45),
                    created_at=start,
                    updated_at=start,
                )
            )
        loc = w.location.id
    with any_db.read() as s:
        rows = calendar_data.load_days(s, {loc: NY}, [date(2026, 3, 4)], include_cancelled=True)
    assert [(r.start, r.end) for r in rows] == [(a, a + timedelta(minutes=45)) for a in sorted(starts)]
    assert all(r.start.tzinfo is UTC and r.end.tzinfo is UTC for r in rows)
    assert rows[0].start == datetime(2026, 3, 4, 13, 15, tzinfo=UTC)
    assert [(r.patient_name, r.patient_initials, r.alerts) for r in rows] == [
        ("Kid1 Smith", "K.S.", ""),
        ("Kid0 Smith", "K.S.", ""),
    ]
