"""Foundation figures: large demo load, cold start to a painted day, day-view queries and time."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.harness import ANCHOR, BenchContext, Row, count_queries, median_seconds, ms
from orca_desk.models.clinic import Chair, Location
from orca_desk.services.calendar.calendar_data import load_appointments, local_day_bounds


def run(bench: BenchContext) -> list[Row]:
    rows = []
    if bench.load_seconds is not None:
        rows.append(
            Row("large demo load (SQLite)", "≤ 90 s", f"{bench.load_seconds:.1f} s", bench.load_seconds <= 90)
        )
    else:
        rows.append(Row("large demo load (SQLite)", "≤ 90 s", "cached (run with --fresh)", None))
    with bench.db.read() as s:
        loc = s.execute(
            select(Location.id, Location.timezone, func.count(Chair.id))
            .join(Chair, Chair.location_id == Location.id)
            .group_by(Location.id)
            .order_by(Location.id)
        ).first()
    assert loc is not None
    location_id, tz, chairs = loc
    from zoneinfo import ZoneInfo

    day = ANCHOR.astimezone(ZoneInfo(tz)).date()
    start, end = local_day_bounds(day, ZoneInfo(tz))

    def load() -> int:
        with bench.db.read() as s:
            return len(load_appointments(s, [location_id], start, end))

    with count_queries(bench.db) as statements:
        n = load()
    rows.append(
        Row(
            f"queries per day-view load ({chairs} chairs, {n} appts)",
            "≤ 3",
            str(len(statements)),
            len(statements) <= 3,
        )
    )
    t = median_seconds(load, repeat=30)
    rows.append(Row(f"day-view data load ({chairs} chairs)", "≤ 30 ms", ms(t), t <= 0.030))

    with tempfile.TemporaryDirectory() as tmp:
        shot = Path(tmp) / "day.png"
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "orca_desk",
                    "--database-url",
                    bench.url,
                    "--screenshot",
                    str(shot),
                    "--date",
                    day.isoformat(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            samples.append(time.perf_counter() - started)
        cold = sorted(samples)[1]
    rows.append(
        Row("cold start to painted day view (process, offscreen)", "≤ 2 s", f"{cold:.2f} s", cold <= 2.0)
    )
    return rows
