"""The morning call list on the large demo: what the Call list screen's background job runs."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from benchmarks.harness import ANCHOR, BenchContext, Row, ms
from orca_desk.migrate import upgrade
from orca_desk.models.clinic import Location
from orca_desk.services import confirmations


def run(bench: BenchContext) -> list[Row]:
    upgrade(bench.db)
    with bench.db.read() as s:
        locations = [(loc.id, loc.timezone) for loc in s.scalars(select(Location).order_by(Location.id))]
    opens: list[float] = []
    changes: list[float] = []
    families = 0
    for _ in range(5):
        for location_id, zone in locations:
            # 07:45 at the location on the anchor Tuesday: the call is about Wednesday.
            now = datetime.combine(
                ANCHOR.astimezone(ZoneInfo(zone)).date(), clock_time(7, 45), tzinfo=ZoneInfo(zone)
            )
            started = time.perf_counter()
            with bench.db.read() as s:  # a fresh session, as the screen's job opens
                day = confirmations.call_day(s, location_id, now=now)
                rows = confirmations.call_list(s, now=now, location_id=location_id, day=day)
            opens.append(time.perf_counter() - started)
            families = max(families, len(rows))
            started = time.perf_counter()
            with bench.db.read() as s:  # the toolbar moved to the day after
                confirmations.call_list(s, now=now, location_id=location_id, day=day + timedelta(days=1))
            changes.append(time.perf_counter() - started)
    worst_open = statistics.median(sorted(opens)[len(opens) // 2 :])
    return [
        Row(
            f"call list: open at 07:45 (next business day, one location, up to {families} families; "
            f"median of {len(opens)})",
            "≤ 200 ms",
            ms(statistics.median(opens)),
            statistics.median(opens) <= 0.200,
        ),
        Row("call list: slower half of the opens (median)", "≤ 200 ms", ms(worst_open), worst_open <= 0.200),
        Row(
            f"call list: day change (median of {len(changes)})",
            "≤ 200 ms",
            ms(statistics.median(changes)),
            statistics.median(changes) <= 0.200,
        ),
    ]
