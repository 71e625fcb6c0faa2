"""The UI thread's own CPU time opening and reloading screens on the large demo (steadier than
wall-clock time on a shared, loaded machine): `python -m benchmarks.screens_cpu [KEY,KEY…]`.

Screens are opened in navigation order as ``bench_screens`` does, but the window starts on the
calendar (it otherwise reopens the screen shown when the last run closed, already built) and
garbage is collected before each measurement, so a collection of earlier screens' objects is not
charged to the next one. CPU is ``time.thread_time()``: work sent off the UI thread is not counted.
"""

from __future__ import annotations

import gc
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


def main(keys: list[str]) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from orca_desk.app import default_screens
    from orca_desk.db import Database
    from orca_desk.ui.main_window import KEY_SCREEN, MainWindow

    bench = large_database()
    folder = Path(tempfile.mkdtemp(prefix="orca-bench-screens-cpu-"))
    copy = folder / "large.sqlite3"
    shutil.copy(Path(bench.url.removeprefix("sqlite:///")), copy)
    db = Database(f"sqlite:///{copy}")
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
            print(
                f"{spec.key:<10}  {open_wall * 1000:6.1f} / {open_cpu * 1000:6.1f} ms"
                f"      {wall * 1000:6.1f} / {cpu * 1000:6.1f} ms"
            )
        window.close()
    finally:
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main([k for k in (sys.argv[1] if len(sys.argv) > 1 else "").split(",") if k])
