"""Calendar figures: week-view data load and queries, layout + first paint, repaint during a drag."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from benchmarks.harness import (
    ANCHOR,
    BenchContext,
    Row,
    bench_app_context,
    biggest_location,
    count_queries,
    median_seconds,
    ms,
)
from orca_desk.services.calendar.calendar_data import load_days, week_days


def run(bench: BenchContext) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    location_id, tz, chairs = biggest_location(bench.db)
    zone = ZoneInfo(tz)
    days = week_days(ANCHOR.astimezone(zone).date())
    zones = {location_id: zone}

    def load() -> int:
        with bench.db.read() as s:
            return len(load_days(s, zones, days))

    with count_queries(bench.db) as statements:
        n = load()
    rows = [
        Row(
            f"queries per week-view load ({chairs} chairs × 7 days, {n} appts)",
            "≤ 3",
            str(len(statements)),
            len(statements) <= 3,
        )
    ]
    t = median_seconds(load, repeat=20)
    rows.append(Row(f"week-view data load ({chairs} chairs × 7 days, SQLite)", "≤ 50 ms", ms(t), t <= 0.050))
    rows.extend(_paint_rows(bench, location_id, days))
    return rows


def _paint_rows(bench: BenchContext, location_id: int, days: list[date]) -> list[Row]:
    from PySide6.QtCore import QEvent, QPointF, QRect, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from orca_desk.views.calendar.calendar_screen import load_calendar
    from orca_desk.views.calendar.week_view import WeekViewScreen

    ctx = bench_app_context(bench.db)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    screen = WeekViewScreen(ctx)
    screen.location_id = location_id
    screen.day = days[1]
    screen.filters = type(screen.filters)()  # no filters: every chair of every day
    screen.bar.set_filters(screen.filters)
    screen.resize(1400, 860)
    screen.show()
    app.processEvents()
    screen.wait_until_loaded()
    zones = {location_id: screen.zone_of(location_id)}
    data = load_calendar(bench.db, zones, days)  # the appointments plus the schedules overlay
    grid = screen.grid
    viewport = screen.scroll_area.viewport()

    def layout_and_paint() -> None:
        screen._on_loaded(data)
        app.processEvents()  # the scroll area sizes the grid
        grid.grab(QRect(0, 0, viewport.width(), viewport.height()))

    t_first, cpu_first = _median_wall_and_cpu(layout_and_paint, repeat=10)
    cols, items = len(grid.columns), len(grid.items)
    rows = [
        Row(
            f"week view layout + first paint ({cols} columns, {items} appts, visible area)",
            "≤ 50 ms",
            f"{ms(t_first)} (CPU {ms(cpu_first)})",
            t_first <= 0.050,
        )
    ]
    t_full = median_seconds(lambda: grid.grab(), repeat=5)
    rows.append(
        Row(
            f"week view full-widget paint, strips cached ({grid.width()}×{grid.height()} px)",
            "—",
            ms(t_full),
            None,
        )
    )

    # A drag: press on a movable appointment in view, then move; each move repaints the dirty rects.
    target = min((i for i in grid.items if i.movable), key=lambda i: i.rect.left())
    origin = target.rect.center()
    screen.scroll_area.ensureVisible(int(origin.x()), int(origin.y()), 200, 200)
    app.processEvents()
    visible = QRect(-grid.x(), -grid.y(), viewport.width(), viewport.height())

    def mouse(kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:
        ev = QMouseEvent(
            kind,
            pos,
            grid.mapToGlobal(pos),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(grid, ev)

    mouse(QEvent.Type.MouseButtonPress, origin, Qt.MouseButton.LeftButton)
    mouse(QEvent.Type.MouseMove, origin + QPointF(0, 12), Qt.MouseButton.LeftButton)
    app.processEvents()
    samples = []
    for k in range(40):
        pos = origin + QPointF((k % 8) * 9.0, 12 + (k % 11) * 7.0)
        started = time.perf_counter()
        mouse(QEvent.Type.MouseMove, pos, Qt.MouseButton.LeftButton)
        app.processEvents()  # the partial update(rect) repaints here
        samples.append(time.perf_counter() - started)
    samples.sort()
    t_drag = samples[len(samples) // 2]
    rows.append(
        Row(
            "repaint during drag (move event + partial repaint, median)",
            "≤ 16 ms",
            ms(t_drag),
            t_drag <= 0.016,
        )
    )
    started = time.perf_counter()
    for _ in range(10):
        grid.repaint(visible)
    t_worst = (time.perf_counter() - started) / 10
    rows.append(
        Row("repaint of the whole visible area during drag", "≤ 16 ms", ms(t_worst), t_worst <= 0.016)
    )
    grid.cancel_drag()  # never drop: the benchmark database stays as it is
    screen.close()
    return rows


def _median_wall_and_cpu(fn: Callable[[], object], *, repeat: int, warmup: int = 2) -> tuple[float, float]:
    """Median wall and CPU (``process_time``) seconds: on a shared machine the wall time also
    counts the other processes' turns, the CPU time only this one's work."""
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus)
