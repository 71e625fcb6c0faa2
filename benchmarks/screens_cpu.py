"""The UI thread's wall and CPU time opening and reloading screens on the large demo (CPU is the
steadier figure on a shared, loaded machine): `python -m benchmarks.screens_cpu [--warm] [--json] [KEY,KEY…]`.

Screens are opened in navigation order as a receptionist clicking down the list would, but the
window starts on the calendar (it otherwise reopens the screen shown when the last run closed,
already built) and garbage is collected before each measurement, so a collection of earlier
screens' objects is not charged to the next one. CPU is ``time.thread_time()``: work sent off the
UI thread is not counted.

The app's modules run from compiled bytecode, as an installed app's do (a machine with
``PYTHONDONTWRITEBYTECODE`` set would otherwise compile every module from source on each run):
``orca_desk`` is compiled into its ``__pycache__`` folders first. ``--warm`` opens the screens after
the app's own warm-up (``screens.warm_screens``, which the window runs once it has painted) has
finished — what a receptionist meets; without it, each opening is measured right at start ("cold").
"""

from __future__ import annotations

import compileall
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from benchmarks.harness import bench_app_context, large_database

T = TypeVar("T")


def compile_app() -> None:
    """Bytecode for every module of the app, written beside it (as installing it does)."""
    import orca_desk

    compileall.compile_dir(str(Path(orca_desk.__file__).parent), quiet=1)


def main(keys: list[str], *, warm: bool = False, as_json: bool = False) -> dict[str, dict[str, float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    compile_app()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from orca_desk.db import Database
    from orca_desk.screens import default_screens, warm_screens
    from orca_desk.ui.main_window import KEY_SCREEN, MainWindow

    bench = large_database()
    folder = Path(tempfile.mkdtemp(prefix="orca-bench-screens-cpu-"))
    copy = folder / "large.sqlite3"
    shutil.copy(Path(bench.url.removeprefix("sqlite:///")), copy)
    db = Database(f"sqlite:///{copy}")
    results: dict[str, dict[str, float]] = {}
    try:
        ctx = bench_app_context(db)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        QSettings().setValue(KEY_SCREEN, "calendar")
        window = MainWindow(ctx, default_screens(), database_label="bench")
        window.change_watcher.timer.stop()
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        if warm:
            results["warm-up"] = warm_up(app, partial(warm_screens, window.specs))

        def settle(screen: object) -> None:
            wait = getattr(screen, "wait_until_loaded", None)
            if wait is not None:
                wait()
            ctx.ops.wait()
            app.processEvents()

        def timed(action: Callable[[], T]) -> tuple[T, float, float]:
            gc.collect()
            wall, cpu = time.perf_counter(), time.thread_time()
            result = action()
            app.processEvents()
            return result, time.perf_counter() - wall, time.thread_time() - cpu

        if not as_json:
            print(f"{'screen':<10}  open wall / UI CPU      reload wall / UI CPU (median of 5)")
        for spec in window.specs:
            screen, open_wall, open_cpu = timed(partial(window.show_screen, spec.key))
            settle(screen)
            if keys and spec.key not in keys:
                continue
            reloads = []
            for _ in range(5):
                reloads.append(timed(screen.refresh))
                settle(screen)
            wall = statistics.median(r[1] for r in reloads)
            cpu = statistics.median(r[2] for r in reloads)
            results[spec.key] = {
                "open_wall": open_wall,
                "open_cpu": open_cpu,
                "reload_wall": wall,
                "reload_cpu": cpu,
            }
            if not as_json:
                print(
                    f"{spec.key:<10}  {open_wall * 1000:6.1f} / {open_cpu * 1000:6.1f} ms"
                    f"      {wall * 1000:6.1f} / {cpu * 1000:6.1f} ms"
                )
        window.close()
    finally:
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    if as_json:
        print(json.dumps(results))
    elif warm:
        step = {k: v * 1000 for k, v in results["warm-up"].items()}
        print(
            f"warm-up: {step['steps'] / 1000:.0f} steps, {step['total_cpu']:.0f} ms of UI CPU in all; "
            f"the longest step {step['longest_wall']:.1f} ms wall / {step['longest_cpu']:.1f} ms CPU"
        )
    return results


def warm_up(app: object, start: Callable[[Callable[[], None]], None]) -> dict[str, float]:
    """Run the app's warm-up to its end, one event-loop turn at a time; the longest turn is how
    long it held the UI thread at once."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    done: list[bool] = []
    walls, cpus = [], []
    start(lambda: done.append(True))
    deadline = time.monotonic() + 120
    while not done and time.monotonic() < deadline:
        wall, cpu = time.perf_counter(), time.thread_time()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.thread_time() - cpu)
    assert done, "the warm-up did not finish in two minutes"
    busy = [(w, c) for w, c in zip(walls, cpus, strict=True) if c > 0.0005]
    longest = max(busy, key=lambda wc: wc[1], default=(0.0, 0.0))
    return {
        "steps": float(len(busy)),
        "total_cpu": sum(cpus),
        "longest_wall": longest[0],
        "longest_cpu": longest[1],
    }


if __name__ == "__main__":
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    named = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(
        [k for k in (named[0] if named else "").split(",") if k],
        warm="--warm" in flags,
        as_json="--json" in flags,
    )
