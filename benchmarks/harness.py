"""Shared benchmark plumbing: the cached large demo database, timing, query counting, rows."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event

from orca_desk.db import Database

if TYPE_CHECKING:
    from orca_desk.ui.context import AppContext
from orca_desk.migrate import upgrade
from orca_desk.services.demo import load_demo

CACHE = Path(__file__).resolve().parent / ".cache"
# The large demo is generated around a fixed instant so every run measures the same data.
ANCHOR = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)  # a Tuesday


@dataclass
class Row:
    name: str
    target: str
    measured: str
    ok: bool | None  # None: informative, no target
    detail: str = ""  # printed under the row (e.g. the commands a ratio compares)


@dataclass
class BenchContext:
    db: Database
    url: str
    load_seconds: float | None  # None when the cached database was reused


def large_database(force: bool = False) -> BenchContext:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / "large.sqlite3"
    if force or not (CACHE / "large.ok").exists():
        for p in CACHE.glob("large.sqlite3*"):
            p.unlink()
        (CACHE / "large.ok").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        db = Database(url)
        upgrade(db)
        started = time.perf_counter()
        with db.write() as session:
            load_demo(session, "large", seed=7, now=ANCHOR)
        seconds = time.perf_counter() - started
        (CACHE / "large.ok").write_text(f"{seconds:.2f}\n")
        return BenchContext(db, url, seconds)
    url = f"sqlite:///{path}"
    return BenchContext(Database(url), url, None)


def median_seconds(fn: Callable[[], object], *, repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def median_wall_cpu(fn: Callable[[], object], *, repeat: int = 15, warmup: int = 2) -> tuple[float, float]:
    """Median wall-clock and CPU (this process) seconds; on a loaded machine CPU time is the steadier."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


@contextmanager
def count_queries(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if not statement.startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def biggest_location(db: Database) -> tuple[int, str, int]:
    """The location with the most chairs (the book's hardest day): id, time zone, chairs."""
    from sqlalchemy import func, select

    from orca_desk.models.clinic import Chair, Location

    with db.read() as s:
        row = s.execute(
            select(Location.id, Location.timezone, func.count(Chair.id))
            .join(Chair, Chair.location_id == Location.id)
            .group_by(Location.id)
            .order_by(func.count(Chair.id).desc(), Location.id)
        ).first()
    assert row is not None
    return int(row[0]), str(row[1]), int(row[2])


def bench_app_context(db: Database) -> AppContext:
    """A Qt application (offscreen, themed, its own settings) and a manager's context over ``db``."""
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
    from orca_desk.services.clinic.clinic import load_clinic
    from orca_desk.services.clock import FrozenClock
    from orca_desk.ui.context import AppContext
    from orca_desk.ui.theme import apply_theme

    QCoreApplication.setOrganizationName("OrcaDeskBench")  # keep the user's window and calendar settings out
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    # Each run starts like a first start, on the calendar: a screen the last run left open would be
    # built before its opening is timed.
    QSettings().clear()
    apply_theme(app)
    with db.read() as s:
        clinic = load_clinic(s)
    assert clinic is not None
    actor = Actor(username="bench", role="manager", permissions=ROLE_PERMISSIONS["manager"])
    return AppContext(db=db, clock=FrozenClock(ANCHOR), actor=actor, clinic=clinic)
