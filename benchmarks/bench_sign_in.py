"""A receptionist's morning start: process start → the sign-in dialog, and Enter → the day painted,
beside the cold-start floor run in the same rounds (interleaved subprocesses); on PostgreSQL too
when ORCA_DESK_BENCH_PG_URL names a database holding the large demo."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_cold_start import ROOT, day_bounds, desk_copy
from benchmarks.bench_read_paths import PG_ENV
from benchmarks.harness import BenchContext, Row

ROUNDS = 7  # after one warm-up round
TYPING_SECONDS = 2.0  # a username and a password, typed


def run(bench: BenchContext) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="orca-sign-in-") as tmp:
        return _measure(Path(tmp), desk_copy(bench, Path(tmp)))


def _measure(tmp: Path, db_path: Path) -> list[Row]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), HOME=str(tmp))  # no saved window state
    location_id, bounds = day_bounds(db_path)
    py = sys.executable
    floor = [py, str(ROOT / "benchmarks" / "cold_start_floor.py"), str(db_path), str(location_id), *bounds]
    child = [py, str(ROOT / "benchmarks" / "sign_in_child.py")]
    typing = [str(TYPING_SECONDS), str(tmp / "day.png")]
    targets = {"sqlite": f"sqlite:///{db_path}"}
    if os.environ.get(PG_ENV):  # the large demo loaded there (bench_read_paths)
        targets["postgresql"] = os.environ[PG_ENV]
    floors: list[float] = []
    dialogs: dict[str, list[float]] = {label: [] for label in targets}
    days: dict[str, list[float]] = {label: [] for label in targets}
    for round_no in range(ROUNDS + 1):
        started = time.perf_counter()
        subprocess.run(
            [*floor, str(tmp / "floor.png")], env=env, check=True, capture_output=True, timeout=300
        )
        if round_no:
            floors.append(time.perf_counter() - started)
        for label, url in targets.items():
            spawned = time.monotonic()
            result = subprocess.run(
                [*child, url, "maria", "orca-demo", *typing],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if result.returncode != 0:
                raise RuntimeError(f"sign-in run exited {result.returncode}: {result.stderr}")
            stamps = json.loads(result.stdout.strip().splitlines()[-1])
            if round_no:
                dialogs[label].append(stamps["dialog"] - spawned)
                days[label].append(stamps["day"] - stamps["enter"])
    floor_med = statistics.median(floors)
    rows = []
    for label in targets:
        dialog_med, day_med = statistics.median(dialogs[label]), statistics.median(days[label])
        ratio = dialog_med / floor_med
        rows += [
            Row(
                f"start → sign-in dialog on screen [{label}] (median of {ROUNDS}, interleaved)",
                "—",
                f"{ratio:.1f}× floor ({dialog_med * 1000:.0f} ms vs {floor_med * 1000:.0f} ms)",
                None,
                detail="app: python benchmarks/sign_in_child.py URL maria orca-demo "
                f"{TYPING_SECONDS} day.png (the app's own start; the dialog's exec types for it)",
            ),
            Row(
                f"Enter → the day painted, after {TYPING_SECONDS:.0f} s of typing [{label}] (same runs)",
                "—",
                f"{day_med * 1000:.0f} ms",
                None,
                detail="includes the password check (argon2, on purpose slow) and the PNG of the window",
            ),
        ]
    return rows
