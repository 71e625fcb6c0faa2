"""Switching the day in the calendar on the large demo: load, layout and paint, end to end."""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from benchmarks.harness import ANCHOR, BenchContext, Row, bench_app_context, biggest_location, ms


def run(bench: BenchContext) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from orca_desk.views.calendar.day_view import DayViewScreen

    location_id, tz, chairs = biggest_location(bench.db)
    ctx = bench_app_context(bench.db)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    screen = DayViewScreen(ctx)
    screen.location_id = location_id
    screen.filters = type(screen.filters)()  # no filters: every chair
    screen.bar.set_filters(screen.filters)
    screen.resize(1100, 640)  # the book's share of a 1280×720 window
    screen.show()
    app.processEvents()
    grid, viewport = screen.grid, screen.scroll_area.viewport()
    first = ANCHOR.astimezone(ZoneInfo(tz)).date()
    # Weekdays around the anchor, each one new to the screen (as ← / → walk the book).
    days = [first + timedelta(days=k) for k in range(-21, 22) if (first + timedelta(days=k)).weekday() < 5]

    def switch(day: object) -> None:
        screen.show_day(day)  # type: ignore[arg-type]
        app.processEvents()  # the scroll area sizes the grid
        grid.grab(QRect(-grid.x(), -grid.y(), viewport.width(), viewport.height()))

    for day in days[:2]:  # warm-up: fonts, caches, the first query plans
        switch(day)
    samples, cpus, items = [], [], []
    for day in days[2:]:
        cpu, started = time.process_time(), time.perf_counter()
        switch(day)
        samples.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)  # this process only: the shared machine's load left out
        items.append(len(grid.items))
    screen.close()
    t, t_cpu = statistics.median(samples), statistics.median(cpus)
    return [
        Row(
            f"day switch: load + layout + paint ({chairs} chairs, up to {max(items)} appts; "
            f"median of {len(samples)} days)",
            "≤ 50 ms",
            f"{ms(t)} (CPU {ms(t_cpu)})",
            t <= 0.050,
        ),
        Row("day switch: slowest day", "—", f"{ms(max(samples))} (CPU {ms(max(cpus))})", None),
    ]
