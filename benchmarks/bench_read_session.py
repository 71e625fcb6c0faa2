"""What a read costs before its first statement: ``db.read()`` (an idle session reused) and a new
Session each time, against the same BEGIN and ROLLBACK on a raw sqlite3 connection (the read paths'
floor pays only the latter)."""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable

from benchmarks.harness import BenchContext, Row

CALLS = 2000  # per sample; the median of 7 samples, the two sides alternating


def run(bench: BenchContext) -> list[Row]:
    db = bench.db
    path = db.url.database
    assert path is not None
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def session() -> None:
        with db.read() as s:
            s.connection()

    def fresh() -> None:  # a new Session and pool checkout each time, as read() did before
        with db.read_sessions() as s:
            s.connection()

    def floor() -> None:
        raw.execute("BEGIN DEFERRED")
        raw.execute("ROLLBACK")

    app_us, fresh_us, floor_us = [], [], []
    for _ in range(7):
        app_us.append(_per_call(session))
        fresh_us.append(_per_call(fresh))
        floor_us.append(_per_call(floor))
    raw.close()
    app, new, bare = statistics.median(app_us), statistics.median(fresh_us), statistics.median(floor_us)
    return [
        Row(
            "a read session opened and closed, no statement [sqlite]",
            "—",
            f"{app:.0f} µs (a new Session each time: {new:.0f} µs; BEGIN/ROLLBACK on sqlite3: {bare:.1f} µs)",
            None,
            detail=(
                "app: with db.read() as s: s.connection()   new: with db.read_sessions() as s: "
                "s.connection()   floor: BEGIN DEFERRED; ROLLBACK"
            ),
        )
    ]


def _per_call(fn: Callable[[], None]) -> float:
    for _ in range(200):
        fn()
    started = time.perf_counter()
    for _ in range(CALLS):
        fn()
    return (time.perf_counter() - started) / CALLS * 1e6
