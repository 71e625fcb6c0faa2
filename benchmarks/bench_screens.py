"""Every screen on the large demo: how long opening it and reloading it hold the UI thread.

The main window runs on a copy of the cached large demo. For each screen the time measured is
what the UI thread spends in ``show_screen`` (building it the first time, then its first load)
and in ``refresh``; loads a screen sends off the UI thread are not counted here, only what the
window waits for. Target: no screen blocks the UI thread for more than 100 ms.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.harness import BenchContext, Row, bench_app_context, ms

TARGET = 0.100


def run(bench: BenchContext) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from orca_desk.app import default_screens
    from orca_desk.db import Database
    from orca_desk.ui.main_window import MainWindow

    source = Path(bench.url.removeprefix("sqlite:///"))
    folder = Path(tempfile.mkdtemp(prefix="orca-bench-screens-"))
    copy = folder / "large.sqlite3"
    shutil.copy(source, copy)  # screens may write (settings, seen marks): never the shared cache
    db = Database(f"sqlite:///{copy}")
    try:
        ctx = bench_app_context(db)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        window = MainWindow(ctx, default_screens(), database_label="bench")
        window.change_watcher.timer.stop()  # the copy changes only by what is measured
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        rows = []
        for spec in window.specs:
            started = time.perf_counter()
            screen = window.show_screen(spec.key)
            app.processEvents()
            opened = time.perf_counter() - started
            wait = getattr(screen, "wait_until_loaded", None)
            if wait is not None:
                wait()
            ctx.ops.wait()
            refreshes = []
            for _ in range(5):
                started = time.perf_counter()
                screen.refresh()
                app.processEvents()
                refreshes.append(time.perf_counter() - started)
                if wait is not None:
                    wait()
                ctx.ops.wait()
            refresh = statistics.median(refreshes)
            worst = max(opened, refresh)
            rows.append(
                Row(
                    f"screen {spec.key}: UI thread held by opening / a reload (median of 5)",
                    "≤ 100 ms",
                    f"{ms(opened)} / {ms(refresh)}",
                    worst <= TARGET,
                )
            )
        window.close()
        return rows
    finally:
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
