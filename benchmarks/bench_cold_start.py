"""Cold start to the painted day, and the CLI's help and errors, as ratios against a floor run
in the same rounds (interleaved subprocesses, so machine load hits both alike)."""

from __future__ import annotations

import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.harness import ANCHOR, BenchContext, Row
from orca_desk.migrate import upgrade

ROUNDS = 7  # after one warm-up round (it also writes the .pyc files an installed app has)
ROOT = Path(__file__).resolve().parent.parent
START_RATIO = 2.0
CLI_SECONDS = 0.3


def run(bench: BenchContext) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="orca-cold-") as tmp:
        return _measure(Path(tmp), desk_copy(bench, Path(tmp)))


def desk_copy(bench: BenchContext, folder: Path) -> Path:
    """A copy of the cached large demo in ``folder``, at the current schema (as a desk has it after
    its first start), for runs that open it as the app would."""
    upgrade(bench.db)
    database = bench.db.url.database
    assert database is not None
    db_path = folder / "large.sqlite3"
    source, target = sqlite3.connect(database), sqlite3.connect(str(db_path))
    source.backup(target)
    source.close()
    target.close()
    return db_path


def _measure(tmp: Path, db_path: Path) -> list[Row]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), ORCA_DESK_DATABASE_URL=f"sqlite:///{db_path}"
    )
    location_id, bounds = day_bounds(db_path)
    day = ANCHOR.astimezone(ZoneInfo(_zone(db_path, location_id))).date()
    py = sys.executable

    def floor_argv(png: str) -> list[str]:
        script = ROOT / "benchmarks" / "cold_start_floor.py"
        return [py, str(script), str(db_path), str(location_id), *bounds, str(tmp / png)]

    commands: dict[str, list[str]] = {
        "floor": floor_argv("floor.png"),
        "floor, SQLAlchemy": [*floor_argv("floor-sqlalchemy.png"), "--sqlalchemy"],
        "floor, SQLAlchemy and models": [*floor_argv("floor-models.png"), "--sqlalchemy", "--models"],
        "app": [
            py,
            "-m",
            "orca_desk",
            "--database-url",
            f"sqlite:///{db_path}",
            "--screenshot",
            str(tmp / "app.png"),
            "--view",
            "calendar",
            "--date",
            day.isoformat(),
        ],
        "python": [py, "-c", "pass"],
        "help": [py, "-m", "orca_desk", "--help"],
        "unknown command": [py, "-m", "orca_desk", "nosuchcmd"],
        "bad option": [py, "-m", "orca_desk", "print", "--date", "2026-11-17", "--by", "room"],
        "missing argument": [py, "-m", "orca_desk", "export-ical", "--from", "2026-11-17"],
        # Errors in what was typed that need no database: said before it (or SQLAlchemy) loads.
        "bad date": [py, "-m", "orca_desk", "print", "--date", "2026-13-45", "-o", str(tmp / "x.pdf")],
        "reversed range": [
            py,
            "-m",
            "orca_desk",
            "availability",
            "--provider",
            "Chen",
            "--from",
            "2026-11-18",
            "--to",
            "2026-11-17",
        ],
        "missing file": [py, "-m", "orca_desk", "import", "patients", str(tmp / "missing.csv")],
        "setup file not TOML": [py, "-m", "orca_desk", "setup", "--from", str(ROOT / "README.md")],
        "no database there": [
            py,
            "-m",
            "orca_desk",
            "--database-url",
            f"sqlite:///{tmp / 'typo' / 'x.sqlite3'}",
            "waitlist",
            "offers",
        ],
        # An error only the database can tell: its check has to load SQLAlchemy and the models.
        "unknown provider": [
            py,
            "-m",
            "orca_desk",
            "availability",
            "--provider",
            "Nobody",
            "--from",
            "2026-11-17",
            "--to",
            "2026-11-17",
        ],
    }
    expected = dict.fromkeys(
        ("floor", "floor, SQLAlchemy", "floor, SQLAlchemy and models", "app", "python", "help"), 0
    )
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for round_no in range(ROUNDS + 1):
        for name, argv in commands.items():
            seconds, cpu_seconds = _timed(lambda argv=argv, name=name: _run(argv, env, expected.get(name, 2)))
            if round_no:
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
    med = {name: statistics.median(v) for name, v in wall.items()}
    med_cpu = {name: statistics.median(v) for name, v in cpu.items()}
    ratio, ratio_cpu = med["app"] / med["floor"], med_cpu["app"] / med_cpu["floor"]
    through_orm = med["floor, SQLAlchemy"]
    with_models = med["floor, SQLAlchemy and models"]
    shown = " ".join(_short(a, tmp) for a in commands["app"][1:])
    floor_shown = " ".join(_short(a, tmp) for a in commands["floor"][1:])
    rows = [
        Row(
            f"cold start → PNG of the day, wall (median of {ROUNDS}, interleaved)",
            f"≤ {START_RATIO:.1f}× floor",
            f"{ratio:.1f}× ({_s(med['app'])} vs {_s(med['floor'])})",
            ratio <= START_RATIO,
            detail=f"app: python {shown}\nfloor: python {floor_shown}",
        ),
        Row(
            "cold start → PNG of the day, CPU (same runs)",
            "—",
            f"{ratio_cpu:.1f}× ({_s(med_cpu['app'])} vs {_s(med_cpu['floor'])})",
            None,
        ),
        Row(
            "the floor with its query through SQLAlchemy (no models), against the floor",
            "—",
            f"{through_orm / med['floor']:.1f}× ({_s(through_orm)} vs {_s(med['floor'])})",
            None,
            detail="floor, SQLAlchemy: the floor above, SQLAlchemy imported before Qt (as the app does) and "
            "its query through a Session: the least a start through the app's database layer takes",
        ),
        Row(
            "cold start → PNG of the day, against the floor through SQLAlchemy with the day's models",
            "—",
            f"{med['app'] / with_models:.1f}× ({_s(med['app'])} vs {_s(with_models)})",
            None,
            detail="floor, SQLAlchemy and models: as above, after declaring the models the day reads",
        ),
    ]
    for name in (
        "help",
        "unknown command",
        "bad option",
        "missing argument",
        "bad date",
        "reversed range",
        "missing file",
        "setup file not TOML",
        "no database there",
    ):
        argv = " ".join(_short(a, tmp) for a in commands[name][1:])
        rows.append(
            Row(
                f"orca-desk {name}: python {argv}",
                f"≤ {CLI_SECONDS * 1000:.0f} ms",
                f"{_s(med[name])} (CPU {_s(med_cpu[name])}; python -c pass {_s(med['python'])})",
                med[name] <= CLI_SECONDS,
            )
        )
    argv = " ".join(_short(a, tmp) for a in commands["unknown provider"][1:])
    rows.append(
        Row(
            f"orca-desk unknown provider (read from the database): python {argv}",
            "—",
            f"{_s(med['unknown provider'])} (CPU {_s(med_cpu['unknown provider'])})",
            None,
            detail="the lookup loads SQLAlchemy (about 220 ms here) and the clinic's models before it can "
            "say the name is unknown",
        )
    )
    return rows


def day_bounds(db_path: Path) -> tuple[int, list[str]]:
    """The first location and the UTC bounds of its benchmark day, as the floor's query takes them."""
    con = sqlite3.connect(str(db_path))
    location_id, zone = con.execute("SELECT id, timezone FROM location ORDER BY id LIMIT 1").fetchone()
    con.close()
    day = ANCHOR.astimezone(ZoneInfo(zone)).date()
    start = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
    return int(location_id), [(start + timedelta(days=d)).strftime("%Y-%m-%d %H:%M:%S") for d in (0, 1)]


def _zone(db_path: Path, location_id: int) -> str:
    con = sqlite3.connect(str(db_path))
    (zone,) = con.execute("SELECT timezone FROM location WHERE id = ?", (location_id,)).fetchone()
    con.close()
    return str(zone)


def _run(argv: list[str], env: dict[str, str], status: int) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != status:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}, not {status}: {result.stderr}")


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and the child's CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _short(arg: str, tmp: Path) -> str:
    return arg.replace(str(tmp), "$TMP").replace(str(ROOT) + "/", "")


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"
