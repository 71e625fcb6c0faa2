"""Series figures: a 104-date preview with every conflict check; expanding and checking 1,000 series."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from benchmarks.harness import ANCHOR, BenchContext, Row, count_queries, median_wall_cpu, ms
from orca_desk.migrate import upgrade
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import AppointmentType, Chair, Location, Provider
from orca_desk.models.patient import Patient
from orca_desk.models.series import RecurringSeries
from orca_desk.services.series import plan_extensions, preview_series


def run(bench: BenchContext) -> list[Row]:
    upgrade(bench.db)  # the cached database may predate the series tables
    rows: list[Row] = []
    with bench.db.read() as s:
        busy = s.execute(
            select(Appointment.chair_id, Appointment.provider_id, Appointment.patient_id, Appointment.type_id)
            .where(Appointment.start_at > ANCHOR, Appointment.status == "scheduled")
            .order_by(Appointment.start_at)
            .limit(1)
        ).one()
        chair = s.get(Chair, busy.chair_id)
        assert chair is not None
        loc = s.get(Location, chair.location_id)
        assert loc is not None
        zone = ZoneInfo(loc.timezone)
    # Next Tuesday 10:00 at a busy chair: the first 16 weeks cross the demo's booked future.
    day = ANCHOR.astimezone(zone).date() + timedelta(days=7)
    start = datetime.combine(day, time(10, 0), tzinfo=zone)

    def preview() -> int:
        with bench.db.read() as s:
            p = preview_series(
                s,
                patient_id=busy.patient_id,
                provider_id=busy.provider_id,
                chair_id=busy.chair_id,
                type_id=busy.type_id,
                rrule="FREQ=WEEKLY;COUNT=104",
                dtstart=start,
                minutes=30,
            )
            assert len(p.occurrences) == 104
            return len(p.conflicts)

    with count_queries(bench.db) as statements:
        conflicts = preview()
    t, cpu = median_wall_cpu(preview, repeat=15)
    rows.append(
        Row(
            f"series preview, 104 weekly dates, full checks ({conflicts} conflicts, "
            f"{len(statements)} queries)",
            "≤ 20 ms",
            f"{ms(t)} (CPU {ms(cpu)})",
            t <= 0.020,
        )
    )

    # 1,000 never-ending series whose horizon is four weeks behind (a month without the scheduler).
    with bench.db.write_sessions() as s, s.begin():
        rng = random.Random(6)
        chairs = s.execute(
            select(Chair.id, Chair.location_id, Location.timezone).join(
                Location, Location.id == Chair.location_id
            )
        ).all()
        providers = list(s.scalars(select(Provider.id)))
        patients = list(s.scalars(select(Patient.id).limit(5000)))
        type_id = s.scalar(select(AppointmentType.id).limit(1))
        clinic_id = s.scalar(select(Patient.clinic_id).limit(1))
        for _ in range(1000):
            chair_id, location_id, tz = rng.choice(chairs)
            first = ANCHOR.astimezone(ZoneInfo(tz)).date() + timedelta(days=rng.randint(0, 6))
            s.add(
                RecurringSeries(
                    clinic_id=clinic_id,
                    patient_id=rng.choice(patients),
                    provider_id=rng.choice(providers),
                    chair_id=chair_id,
                    location_id=location_id,
                    type_id=type_id,
                    rrule="FREQ=WEEKLY",
                    start_date=first,
                    start_minute=rng.randrange(8 * 60, 16 * 60, 15),
                    timezone=tz,
                    minutes=30,
                    end_kind="never",
                    materialised_until=ANCHOR + timedelta(weeks=8),
                    status="active",
                    created_at=ANCHOR,
                    updated_at=ANCHOR,
                )
            )
        s.flush()

        def plan() -> int:
            plans = plan_extensions(s, now=ANCHOR, horizon=timedelta(weeks=12))
            return sum(len(p.occurrences) for p in plans)

        with count_queries(bench.db) as statements:
            checked = plan()
        t, cpu = median_wall_cpu(plan, repeat=5, warmup=1)
        s.rollback()  # leave the cached database as it was
    rows.append(
        Row(
            f"expand + check 1,000 series ({checked:,} new dates, {len(statements)} queries)",
            "≤ 1 s",
            f"{ms(t)} (CPU {ms(cpu)})",
            t <= 1.0,
        )
    )
    return rows
