"""Many desks on one PostgreSQL database: each a process doing a front desk's mix, one worker leading.

    ORCA_DESK_BENCH_PG_URL=postgresql+psycopg://… python3 dev.py bench --only multi_desk

The database must hold the large demo (``orca-desk demo --size large --database-url URL``).
Each desk, for ``ORCA_DESK_BENCH_DESK_SECONDS`` (120): loads a day of its location (70 %),
books or moves a visit (20 %), or searches a patient (10 %), with a short think time between,
and polls the change feed every ``POLL_MS`` like the desk's ``ChangeWatcher``: when another
desk changed an appointment it reloads its day. "Visible" is the time from the other desk's
commit to the end of that reload. ``orca-desk worker`` leads the automation meanwhile.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.harness import Row

DESKS = int(os.environ.get("ORCA_DESK_BENCH_DESKS", "20"))
SECONDS = float(os.environ.get("ORCA_DESK_BENCH_DESK_SECONDS", "120"))
THINK = (0.2, 0.8)  # seconds between a receptionist's actions on a busy morning


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def desk(url: str, index: int, seconds: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """One desk: its own engine and change feed, at one location, for ``seconds``."""
    from sqlalchemy import select

    from orca_desk.db import Database
    from orca_desk.models.appointment import Appointment
    from orca_desk.models.clinic import Chair, Location
    from orca_desk.models.patient import Patient
    from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
    from orca_desk.services.booking import booking
    from orca_desk.services.booking.booking import BookingRequest
    from orca_desk.services.calendar.calendar_data import load_days
    from orca_desk.services.change_feed import open_change_feed
    from orca_desk.services.changes import run_tracked
    from orca_desk.services.errors import OrcaError
    from orca_desk.services.patients import patients
    from orca_desk.ui.change_watcher import POLL_MS

    rng = random.Random(index)
    db = Database(url)
    feed = open_change_feed(db)
    actor = Actor(username=f"desk{index}", role="receptionist", permissions=ROLE_PERMISSIONS["receptionist"])
    with db.read() as s:
        locations = s.execute(select(Location.id, Location.timezone).order_by(Location.id)).all()
        location_id, tz = locations[index % len(locations)]
        zone = ZoneInfo(tz)
        chairs = list(s.scalars(select(Chair.id).where(Chair.location_id == location_id)))
        patient_ids = list(s.scalars(select(Patient.id).limit(2000)))
        names = list(s.scalars(select(Patient.last_name).limit(500)))
        first = s.scalar(
            select(Appointment.start_at)
            .where(Appointment.location_id == location_id)
            .order_by(Appointment.start_at.desc())
            .limit(1)
        )
    anchor = (first or datetime.now(zone)).astimezone(zone).date() - timedelta(days=14)
    days = [anchor + timedelta(days=d) for d in range(14)]
    zones = {location_id: zone}
    timings: dict[str, list[float]] = {"load day": [], "book or move": [], "search": []}
    refused = 0
    committed: list[tuple[int, float]] = []  # (txid, wall time of commit)
    seen: list[tuple[int, float]] = []  # (txid, wall time its reload ended here)
    last_poll = time.monotonic()
    shown = rng.choice(days)
    ends = time.monotonic() + seconds

    def load(day: object) -> list:  # type: ignore[type-arg]
        with db.read() as s:
            return load_days(s, zones, [day])  # type: ignore[list-item]

    def poll() -> None:
        import psycopg

        nonlocal last_poll
        last_poll = time.monotonic()
        # Drain the raw notifications to learn which transactions they came from.
        txids = []
        conn = getattr(feed, "_conn", None)
        if conn is None:
            return
        try:
            for note in conn.notifies(timeout=0):
                table, _, txid = note.payload.partition(" ")
                if table == "appointment" and txid.isdigit():
                    txids.append(int(txid))
        except psycopg.OperationalError:
            return
        if txids:
            load(shown)
            now = time.time()
            seen.extend((t, now) for t in txids)

    while time.monotonic() < ends:
        if time.monotonic() - last_poll >= POLL_MS / 1000:
            poll()
        roll = rng.random()
        started = time.perf_counter()
        if roll < 0.7:
            shown = rng.choice(days)
            load(shown)
            timings["load day"].append(time.perf_counter() - started)
        elif roll < 0.9:
            day = rng.choice(days)
            start = datetime.combine(day, datetime.min.time(), zone) + timedelta(
                hours=rng.randint(8, 16), minutes=rng.choice((0, 20, 40))
            )
            try:
                rows = load(day)
                movable = [a for a in rows if a.status in ("scheduled", "confirmed")]
                if movable and rng.random() < 0.5:
                    a = rng.choice(movable)
                    _, _, txid = run_tracked(
                        db,
                        lambda s, a=a: booking.move_appointment(
                            s,
                            actor,
                            a.id,
                            start=a.start + timedelta(minutes=rng.choice((-20, 20))),
                            expected_version=a.version,
                            now=datetime.now(zone),
                        ),
                    )
                else:  # right after a visit of the day: a chair and provider at work then
                    after = rng.choice(rows) if rows else None
                    req = BookingRequest(
                        rng.choice(patient_ids),
                        after.provider_id if after else 1,
                        after.chair_id if after else rng.choice(chairs),
                        after.type_id if after else 1,
                        after.end if after else start,
                    )
                    _, _, txid = run_tracked(
                        db, lambda s, req=req: booking.book_appointment(s, actor, req, now=datetime.now(zone))
                    )
                if txid is not None:
                    committed.append((txid, time.time()))
            except OrcaError:
                refused += 1  # taken meanwhile, outside hours…: what a desk sees and shows
            timings["book or move"].append(time.perf_counter() - started)
        else:
            with db.read() as s:
                patients.search_patients(s, rng.choice(names)[:4])
            timings["search"].append(time.perf_counter() - started)
        time.sleep(rng.uniform(*THINK))
    feed.close()
    db.dispose()
    out.put({"timings": timings, "refused": refused, "committed": committed, "seen": seen})


def run_desks(url: str, *, desks: int = DESKS, seconds: float = SECONDS) -> dict[str, object]:
    """Start the worker and ``desks`` desk processes; gather their figures."""
    root = Path(__file__).resolve().parents[1]
    worker = subprocess.Popen(
        [sys.executable, "-m", "orca_desk", "worker", "--database-url", url],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [ctx.Process(target=desk, args=(url, i, seconds, out)) for i in range(desks)]
    try:
        for p in procs:
            p.start()
        results = [out.get(timeout=seconds + 300) for _ in procs]
        for p in procs:
            p.join(timeout=30)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    timings: dict[str, list[float]] = {}
    commits: dict[int, float] = {}
    seen: list[tuple[int, float]] = []
    for r in results:
        for name, values in r["timings"].items():
            timings.setdefault(name, []).extend(values)
        commits.update(dict(r["committed"]))
        seen.extend(r["seen"])
    visible = [t - commits[txid] for txid, t in seen if txid in commits]
    return {
        "timings": timings,
        "visible": visible,
        "refused": sum(r["refused"] for r in results),
        "commits": len(commits),
    }


def run(_bench: object) -> list[Row]:
    url = os.environ.get("ORCA_DESK_BENCH_PG_URL")
    if not url:
        return [
            Row(
                "multi-desk run (set ORCA_DESK_BENCH_PG_URL to a database with the large demo)",
                "—",
                "skipped",
                None,
            )
        ]
    figures = run_desks(url)
    rows = []
    for name, values in figures["timings"].items():  # type: ignore[attr-defined]
        rows.append(
            Row(
                f"{DESKS} desks × {SECONDS:.0f} s: {name} p50 / p95 ({len(values)} actions)",
                "—",
                f"{_pct(values, 0.5) * 1000:.0f} / {_pct(values, 0.95) * 1000:.0f} ms",
                None,
            )
        )
    visible = figures["visible"]
    assert isinstance(visible, list)
    p95 = _pct(visible, 0.95)
    rows.append(
        Row(
            f"a change visible at the other desks p50 / p95 ({len(visible)} sightings of "
            f"{figures['commits']} commits; {figures['refused']} refused bookings)",
            "p95 ≤ 1 s",
            f"{_pct(visible, 0.5) * 1000:.0f} / {p95 * 1000:.0f} ms",
            p95 <= 1.0,
        )
    )
    if visible:
        rows.append(Row("a change visible: mean", "—", f"{statistics.mean(visible) * 1000:.0f} ms", None))
    return rows
