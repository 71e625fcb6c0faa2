"""Availability figures: next openings across 30 providers × 90 days, one location-week of free/busy."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from benchmarks.harness import ANCHOR, BenchContext, Row, count_queries, median_seconds, ms
from orca_desk.models.clinic import Chair, Location, Provider
from orca_desk.models.schedule import SchedulePeriod
from orca_desk.services.availability import calendar_overlay, find_openings, free_intervals


def run(bench: BenchContext) -> list[Row]:
    rows: list[Row] = []
    with bench.db.read() as s:
        scheduled = s.scalar(select(func.count(func.distinct(SchedulePeriod.provider_id))))
        if not scheduled:
            return [
                Row("availability: the cached large database has no schedules", "run --fresh", "—", False)
            ]
        provider_ids = list(
            s.scalars(select(Provider.id).where(Provider.is_active.is_(True)).order_by(Provider.id).limit(30))
        )
        loc = s.execute(
            select(Location.id, Location.timezone, func.count(Chair.id))
            .join(Chair, Chair.location_id == Location.id)
            .group_by(Location.id)
            .order_by(Location.id)
        ).first()
    assert loc is not None
    location_id, tz, chairs = loc
    zone = ZoneInfo(tz)

    def openings() -> int:
        with bench.db.read() as s:
            return len(
                find_openings(
                    s, minutes=30, after=ANCHOR, provider_ids=provider_ids, horizon_days=90, limit=10
                )
            )

    with count_queries(bench.db) as statements:
        n = openings()
    rows.append(
        Row(
            f"find_openings queries (30 providers × 90 days, {n} found)",
            "bounded",
            f"{len(statements)} (max 24)",
            len(statements) <= 24,
        )
    )
    t = median_seconds(openings, repeat=15)
    rows.append(Row("next 10 openings, 30-min type, 30 providers × 90 days", "≤ 100 ms", ms(t), t <= 0.100))

    # The hard case: afternoon-only Tuesdays and Thursdays, which the full book pushes weeks out.
    def sparse() -> int:
        with bench.db.read() as s:
            return len(
                find_openings(
                    s,
                    minutes=60,
                    after=ANCHOR,
                    provider_ids=provider_ids[:3],
                    days_of_week=[1, 3],
                    time_windows=[(15 * 60, 17 * 60)],
                    horizon_days=90,
                    limit=10,
                )
            )

    with count_queries(bench.db) as statements:
        n2 = sparse()
    t = median_seconds(sparse, repeat=9)
    rows.append(
        Row(
            f"next 10 openings, 60 min, 3 providers, Tue/Thu 15–17 ({n2} found, {len(statements)} queries)",
            "—",
            ms(t),
            None,
        )
    )

    monday = ANCHOR.astimezone(zone).date() - timedelta(days=ANCHOR.astimezone(zone).weekday())
    week = [monday + timedelta(days=k) for k in range(7)]

    def overlay() -> int:
        with bench.db.read() as s:
            return len(calendar_overlay(s, location_id=location_id, days=week).working)

    with count_queries(bench.db) as statements:
        overlay()
    rows.append(
        Row(
            f"calendar_overlay queries (location-week, {chairs} chairs)",
            "bounded",
            f"{len(statements)} (max 4)",
            len(statements) <= 4,
        )
    )
    t = median_seconds(overlay, repeat=30)
    rows.append(Row(f"free/busy overlay, one location-week ({chairs} chairs)", "≤ 20 ms", ms(t), t <= 0.020))

    def free() -> int:
        with bench.db.read() as s:
            return len(free_intervals(s, provider_id=provider_ids[0], start_day=week[0], end_day=week[-1]))

    with count_queries(bench.db) as statements:
        free()
    t = median_seconds(free, repeat=30)
    rows.append(Row(f"free_intervals, one provider-week ({len(statements)} queries)", "—", ms(t), None))
    return rows
