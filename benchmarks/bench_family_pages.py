"""Family pages under load: N concurrent families for D seconds on the gateway (large demo copy); p50/p95.

`python -m benchmarks --only family_pages`. The gateway runs in its own process (waitress, as
`orca-desk gateway` does) on a copy of the large demo database with the clock at the demo's
anchor; the families are threads here, each opening a page, reading it (``THINK`` seconds,
randomised ±50 %), and opening the next. Environment: ``ORCA_DESK_BENCH_FAMILIES`` (50),
``ORCA_DESK_BENCH_SECONDS`` (60), ``ORCA_DESK_BENCH_THINK`` (1.0), ``ORCA_DESK_BENCH_QUICK=1``
(10 families for 5 s), ``ORCA_DESK_BENCH_FAMILY_URLS`` (more paths, comma-separated, e.g.
``/book``). A feature adds its pages with :data:`URL_SOURCES`.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import select, update

from benchmarks.harness import ANCHOR, BenchContext, Row
from orca_desk.db import Database
from orca_desk.migrate import upgrade
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Chair
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.links.patient_links import RESCHEDULE, WAITLIST_ACCEPT, link_for

SECRET = b"bench-secret-0123456789abcdef"
BASE = "http://bench.invalid"
TARGET_P95_MS = 200.0

# Each source gives paths (with their token) to open on the prepared copy: (database) -> paths.
UrlSource = Callable[[Database], list[str]]


def reschedule_paths(db: Database, count: int = 20) -> list[str]:
    """Reschedule links of upcoming visits (each GET lists live openings)."""
    with db.read() as s:
        appts = s.scalars(
            select(Appointment)
            .where(
                Appointment.status == "scheduled",
                Appointment.start_at >= ANCHOR + timedelta(days=2),
                Appointment.start_at < ANCHOR + timedelta(days=20),
            )
            .order_by(Appointment.id)
            .limit(count)
        ).all()
        return [_path(link_for(RESCHEDULE, a.id, a.start_at, secret=SECRET, base_url=BASE)) for a in appts]


def offer_paths(db: Database) -> list[str]:
    """A waitlist offer held for two hours: its page and the status it polls."""
    with db.write() as s:
        appt = s.scalars(
            select(Appointment)
            .where(Appointment.status == "scheduled", Appointment.start_at >= ANCHOR + timedelta(days=1))
            .order_by(Appointment.start_at)
            .limit(1)
        ).one()
        s.execute(update(Appointment).where(Appointment.id == appt.id).values(status="cancelled"))
        location_id = s.scalar(select(Chair.location_id).where(Chair.id == appt.chair_id))
        opening = Opening(
            clinic_id=appt.clinic_id,
            location_id=location_id,
            chair_id=appt.chair_id,
            provider_id=appt.provider_id,
            type_id=appt.type_id,
            start_at=appt.start_at,
            end_at=appt.end_at,
            source="cancellation",
            source_appointment_id=appt.id,
            status="offered",
            created_at=ANCHOR,
            updated_at=ANCHOR,
        )
        s.add(opening)
        s.flush()
        entry = s.scalars(select(WaitlistEntry).where(WaitlistEntry.status == "active").limit(1)).one()
        offer = WaitlistOffer(
            clinic_id=appt.clinic_id,
            opening_id=opening.id,
            entry_id=entry.id,
            patient_id=entry.patient_id,
            channel="sms",
            message="bench",
            created_at=ANCHOR,
            send_after=ANCHOR,
            sent_at=ANCHOR,
            hold_started_at=ANCHOR,
            hold_expires_at=ANCHOR + timedelta(hours=2),
        )
        s.add(offer)
        s.flush()
        page = _path(
            link_for(WAITLIST_ACCEPT, offer.id, ANCHOR + timedelta(hours=2), secret=SECRET, base_url=BASE)
        )
    return [page, page + "/status"]


def book_paths(db: Database) -> list[str]:
    """/book open at the first location for its first three visit types: the choice page and the
    live openings of each type (what a family loads before it holds a time), in both languages."""
    from orca_desk.models.clinic import AppointmentType, Location
    from orca_desk.services import online_booking
    from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor

    manager = Actor(username="bench", role="manager", permissions=ROLE_PERMISSIONS["manager"])
    with db.write() as s:
        location = s.scalars(select(Location.id).order_by(Location.id)).first()
        types = list(s.scalars(select(AppointmentType.id).order_by(AppointmentType.id).limit(3)))
        assert location is not None and types
        online_booking.save_settings(
            s,
            manager,
            online_booking.OnlineBookingSettings(
                enabled=True, location_ids=(location,), type_ids=tuple(types)
            ),
            now=ANCHOR,
        )
    times = [f"/book/times?location={location}&type={t}" for t in types]
    return ["/book", "/book?lang=es", *times, *(f"{p}&lang=es" for p in times)]


def extra_paths(_db: Database) -> list[str]:
    raw = os.environ.get("ORCA_DESK_BENCH_FAMILY_URLS", "")
    return [p.strip() for p in raw.split(",") if p.strip()]


URL_SOURCES: list[UrlSource] = [reschedule_paths, offer_paths, book_paths, extra_paths]


def _path(link: str) -> str:
    return link[len(BASE) :]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, port: int) -> None:
    """The gateway process: the family pages on the copy, the clock frozen at the demo's anchor."""
    from waitress import serve as waitress_serve

    from orca_desk.gateway.app import make_app
    from orca_desk.gateway.handlers import installed_handlers
    from orca_desk.services.clock import FrozenClock

    app = make_app(
        Database(url), FrozenClock(ANCHOR), secret=SECRET, handlers=installed_handlers(), public_base_url=BASE
    )
    waitress_serve(app, host="127.0.0.1", port=port, threads=16, _quiet=True)


def _wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the gateway process exited")
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("the gateway did not start")


def _families(
    base: str, paths: list[str], families: int, seconds: float, think: float
) -> tuple[list[tuple[str, float]], int]:
    """Each family: open a page, think, open the next; returns ((path, latency in ms), errors)."""
    latencies: list[tuple[str, float]] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def family(index: int) -> None:
        rnd = random.Random(index)
        session = requests.Session()
        time.sleep(rnd.uniform(0, think))  # families arrive spread out, not in lockstep
        while time.monotonic() < stop_at:
            path = rnd.choice(paths)
            started = time.perf_counter()
            try:
                r = session.get(base + path, timeout=30)
                failed = r.status_code >= 500 or (r.status_code >= 400 and r.status_code != 409)
            except requests.RequestException:
                failed = True
            took = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append((path, took))
                errors[0] += failed
            time.sleep(rnd.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=family, args=(i,), daemon=True) for i in range(families)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return latencies, errors[0]


def _settings() -> tuple[int, float, float]:
    if os.environ.get("ORCA_DESK_BENCH_QUICK"):
        return 10, 5.0, float(os.environ.get("ORCA_DESK_BENCH_THINK", "1.0"))
    return (
        int(os.environ.get("ORCA_DESK_BENCH_FAMILIES", "50")),
        float(os.environ.get("ORCA_DESK_BENCH_SECONDS", "60")),
        float(os.environ.get("ORCA_DESK_BENCH_THINK", "1.0")),
    )


def run(bench: BenchContext) -> list[Row]:
    families, seconds, think = _settings()
    source = Path(bench.url.removeprefix("sqlite:///"))
    with tempfile.TemporaryDirectory(prefix="orca-family-bench-") as tmp:
        copy = Path(tmp) / "family.sqlite3"
        shutil.copy(source, copy)
        url = f"sqlite:///{copy}"
        db = Database(url)
        upgrade(db)
        paths = [p for make in URL_SOURCES for p in make(db)]
        db.dispose()
        port = _free_port()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"from benchmarks.bench_family_pages import serve; serve({url!r}, {port})",
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_up(base, proc)
            for path in paths:  # warm up every page once (imports, caches)
                requests.get(base + path, timeout=30)
            load = os.getloadavg()[0]
            latencies, errors = _families(base, paths, families, seconds, think)
        finally:
            proc.terminate()
            proc.wait(10)
    if not latencies:
        return [Row("family pages p95", f"≤ {TARGET_P95_MS:.0f} ms", "no requests", False)]
    detail = (
        f"{families} families, {seconds:.0f} s, think {think:.1f} s; {len(latencies)} requests "
        f"({len(latencies) / seconds:.0f}/s), {errors} errors; {len(paths)} pages; "
        f"load avg {load:.1f} at start"
    )
    rows = _rows("family pages", [ms for _p, ms in latencies], errors, detail)
    book = [ms for p, ms in latencies if p.startswith("/book")]
    if book:
        rows += _rows(
            "/book pages (choose, live openings)", book, errors, f"{len(book)} requests of the above"
        )
    return rows


def _rows(name: str, latencies: list[float], errors: int, detail: str) -> list[Row]:
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else max(latencies)
    return [
        Row(f"{name} p50", "—", f"{p50:.0f} ms", None),
        Row(
            f"{name} p95",
            f"≤ {TARGET_P95_MS:.0f} ms",
            f"{p95:.0f} ms",
            p95 <= TARGET_P95_MS and not errors,
            detail,
        ),
    ]
