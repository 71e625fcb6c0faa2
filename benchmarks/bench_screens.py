"""Every screen on the large demo: how long opening it and reloading it hold the UI thread.

Each run is a fresh process (``benchmarks.screens_cpu``: the window on a copy of the cached large
demo, the app's modules from compiled bytecode as installed), so what earlier benchmarks imported
is not in it. A screen is measured twice: opened right at start ("cold": its modules load with
it) and opened after the app's own warm-up (``screens.warm_screens``, run once the window has
painted: what a receptionist meets). The time is what the UI thread spends in ``show_screen``
(building the screen, then its first load) and in ``refresh``; loads a screen sends off the UI
thread are not counted. Target: no screen blocks the UI thread for more than 100 ms.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import BenchContext, Row, ms

TARGET = 0.100
RUNS = 3


def _run(warm: bool) -> dict[str, dict[str, float]]:
    args = [sys.executable, "-m", "benchmarks.screens_cpu", "--json", *(["--warm"] if warm else [])]
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run(
        args, cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, dict[str, float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(bench: BenchContext) -> list[Row]:
    del bench  # each run opens the cached large demo itself
    cold, warm = [], []
    for _ in range(RUNS):  # interleaved, so a busy minute on the machine hits both alike
        cold.append(_run(False))
        warm.append(_run(True))

    def median(runs: list[dict[str, dict[str, float]]], key: str, figure: str) -> float:
        return statistics.median(r[key][figure] for r in runs)

    rows = []
    for key in [k for k in warm[0] if k != "warm-up"]:
        opened_cold, opened = median(cold, key, "open_wall"), median(warm, key, "open_wall")
        reload = median(warm, key, "reload_wall")
        rows.append(
            Row(
                f"screen {key}: opening it cold / after the warm-up; a reload (UI thread, median of {RUNS})",
                "≤ 100 ms",
                f"{ms(opened_cold)} / {ms(opened)}; {ms(reload)}",
                max(opened, reload) <= TARGET,
                detail=(
                    f"UI thread CPU: {ms(median(cold, key, 'open_cpu'))} / "
                    f"{ms(median(warm, key, 'open_cpu'))}; {ms(median(warm, key, 'reload_cpu'))}"
                ),
            )
        )
    longest = median(warm, "warm-up", "longest_wall")
    rows.append(
        Row(
            f"the warm-up after the first paint: its longest step (median of {RUNS})",
            "≤ 100 ms",
            ms(longest),
            longest <= TARGET,
            detail=(
                f"UI thread CPU: longest step {ms(median(warm, 'warm-up', 'longest_cpu'))}, "
                f"all steps {ms(median(warm, 'warm-up', 'total_cpu'))}"
            ),
        )
    )
    return rows
