"""A receptionist's morning start: process start → the sign-in dialog, and Enter → the day painted,
beside the cold-start floor run in the same rounds (interleaved subprocesses)."""

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
    child = [py, str(ROOT / "benchmarks" / "sign_in_child.py"), f"sqlite:///{db_path}", "maria", "orca-demo"]
    floors: list[float] = []
    dialogs: list[float] = []
    days: list[float] = []
    for round_no in range(ROUNDS + 1):
        started = time.perf_counter()
        subprocess.run(
            [*floor, str(tmp / "floor.png")], env=env, check=True, capture_output=True, timeout=300
        )
        floor_seconds = time.perf_counter() - started
        spawned = time.monotonic()
        result = subprocess.run(
            [*child, str(TYPING_SECONDS), str(tmp / "day.png")],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"sign-in run exited {result.returncode}: {result.stderr}")
        stamps = json.loads(result.stdout.strip().splitlines()[-1])
        if round_no:
            floors.append(floor_seconds)
            dialogs.append(stamps["dialog"] - spawned)
            days.append(stamps["day"] - stamps["enter"])
    floor_med, dialog_med, day_med = (statistics.median(v) for v in (floors, dialogs, days))
    return [
        Row(
            f"start → sign-in dialog on screen (median of {ROUNDS}, interleaved)",
            "—",
            f"{dialog_med / floor_med:.1f}× floor ({dialog_med * 1000:.0f} ms vs {floor_med * 1000:.0f} ms)",
            None,
            detail="app: python benchmarks/sign_in_child.py URL maria orca-demo "
            f"{TYPING_SECONDS} day.png (the app's own start; the dialog's exec types for it)",
        ),
        Row(
            f"Enter → the day painted, after {TYPING_SECONDS:.0f} s of typing (same runs)",
            "—",
            f"{day_med * 1000:.0f} ms",
            None,
            detail="includes the password check (argon2, on purpose slow) and the PNG of the window",
        ),
    ]
