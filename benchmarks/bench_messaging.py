"""Messaging: bulk enqueue speed, dispatch CPU at the provider's rate, the rate limit kept."""

from __future__ import annotations

import itertools
import multiprocessing as mp
import statistics
import tempfile
import time
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

from benchmarks.harness import BenchContext, Row
from orca_desk.db import Database
from orca_desk.migrate import upgrade
from orca_desk.models.clinic import Clinic, Location
from orca_desk.models.patient import Patient
from orca_desk.services.messaging.dispatch import DispatchOptions, dispatch_due
from orca_desk.services.messaging.outbox import NewMessage, enqueue_many
from orca_desk.services.messaging.providers.twilio import TwilioProvider

ENQUEUE_COUNT = 5000
RATE = 20.0  # messages per second through the fake
DISPATCH_COUNT = 200


def _fresh_db(folder: Path, name: str) -> tuple[Database, int, list[Patient]]:
    db = Database(f"sqlite:///{folder / name}")
    upgrade(db)
    with db.write() as s:
        clinic = Clinic(name="Bench Ortho", phone="+16175550100")
        s.add(clinic)
        s.flush()
        s.add(Location(clinic_id=clinic.id, name="Main", timezone="UTC"))
        patients = [
            Patient(
                clinic_id=clinic.id,
                first_name=f"P{i}",
                last_name="Bench",
                contact_phone=f"+1202555{i:04d}",
                sms_consent=True,
                timezone=_noon_zone(),
            )
            for i in range(DISPATCH_COUNT)
        ]
        s.add_all(patients)
        s.flush()
        return db, clinic.id, patients


def _noon_zone() -> str:
    offset = 12 - datetime.now(UTC).hour
    offset = offset + 24 if offset < -12 else offset - 24 if offset > 14 else offset
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def bench_enqueue(folder: Path) -> Row:
    db, clinic_id, _ = _fresh_db(folder, "enqueue.sqlite3")
    samples = []
    for run in range(5):
        batch = [
            NewMessage(
                clinic_id=clinic_id,
                channel="sms",
                to_address=f"+1202555{i:04d}",
                body=f"Reminder: your visit on Tue at 3:30 PM. Reply YES to confirm. {i}",
                purpose="reminder",
                dedupe_key=f"bench:{run}:{i}",
            )
            for i in range(ENQUEUE_COUNT)
        ]
        started = time.perf_counter()
        with db.write() as s:
            enqueue_many(s, batch, now=datetime.now(UTC))
        samples.append(time.perf_counter() - started)
    db.dispose()
    median = statistics.median(samples)
    return Row(
        f"enqueue {ENQUEUE_COUNT:,} messages (SQLite, one transaction)",
        "≤ 1 s",
        f"{median:.2f} s",
        median <= 1.0,
    )


def _serve(conn: Connection) -> None:
    """The fake provider in a process of its own, so its CPU is not counted as ours."""
    from tests.fakes.fake_provider import FakeProviderServer

    with FakeProviderServer() as fake:
        conn.send((fake.base_url, fake.account_sid, fake.auth_token, fake.clinic_number))
        conn.recv()  # "report"
        conn.send((fake.request_times(), len(fake.sent_sms)))
        conn.recv()  # "stop"


def bench_dispatch(folder: Path) -> list[Row]:
    db, clinic_id, patients = _fresh_db(folder, "dispatch.sqlite3")
    now = datetime.now(UTC)
    with db.write() as s:
        enqueue_many(
            s,
            [
                NewMessage(
                    clinic_id=clinic_id,
                    channel="sms",
                    to_address=str(p.contact_phone),
                    body=f"Hello {p.first_name}",
                    purpose="reminder",
                    dedupe_key=f"d:{p.id}",
                    patient_id=p.id,
                )
                for p in patients
            ],
            now=now,
        )
    parent, child = mp.get_context("spawn").Pipe()
    server = mp.get_context("spawn").Process(target=_serve, args=(child,), daemon=True)
    server.start()
    base_url, sid, token, number = parent.recv()
    provider = TwilioProvider(sid, token, from_number=number, base_url=base_url, rate_per_second=RATE)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    summary = dispatch_due(
        db,
        {"sms": provider},
        now=datetime.now(UTC),
        worker_id="bench",
        batch=20,
        options=DispatchOptions(status_callback_base="https://d.example"),
        clock=lambda: datetime.now(UTC),
    )
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    parent.send("report")
    times, received = parent.recv()
    parent.send("stop")
    server.join(10)
    provider.close()
    db.dispose()
    share = cpu / wall
    per_second = [sum(1 for t in times if start <= t < start + 1.0) for start in times]
    busiest = max(per_second) if per_second else 0
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return [
        Row(
            f"dispatch {summary.sent} SMS at {RATE:g}/s through the fake (HTTP)",
            "≤ 5% of a core",
            f"{share:.1%} ({cpu * 1000 / max(1, summary.sent):.1f} ms CPU/msg)",
            share <= 0.05,
        ),
        Row(
            "  provider rate limit (busiest 1 s window, server clock)",
            f"≤ {RATE:g}",
            f"{busiest} (min gap {min(gaps) * 1000:.0f} ms)" if gaps else "n/a",
            busiest <= RATE and received == DISPATCH_COUNT,
        ),
    ]


def run(bench: BenchContext) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        return [bench_enqueue(folder), *bench_dispatch(folder)]


if __name__ == "__main__":
    for row in run(None):  # type: ignore[arg-type]
        print(row)
