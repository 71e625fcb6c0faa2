"""The PyInstaller bundle runs from a folder outside the checkout with no Python on the PATH.

CI builds the bundle in the background while the other tests run (.ci/run) and names its folder
in ORCA_DESK_BUNDLE_DIR; without it, this module builds one itself (a few minutes: deselect it
with ``-m "not bundle"``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from orca_desk import __version__

pytestmark = [pytest.mark.bundle, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
BUNDLE_ENV = "ORCA_DESK_BUNDLE_DIR"  # the --distpath of a build started earlier (orca-desk/ inside)
STATUS_FILE = "build.status"  # written there when that build ends: its exit status
LOG_FILE = "build.log"
BUILD_WAIT_SECONDS = 900.0
RUN_SECONDS = 180.0
NEWER = "9999_from_the_future"


def build_bundle(dist: Path) -> None:
    """The build `python3 dev.py package` runs, into ``dist``."""
    work = dist.parent / "pyinstaller-work"
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(dist)]
    command += ["--workpath", str(work), str(ROOT / "packaging" / "orca-desk.spec")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-4000:]


def wait_for_build(dist: Path) -> None:
    """The background build of CI: wait for its status (the other tests ran meanwhile)."""
    status = dist / STATUS_FILE
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while not status.exists():
        assert time.monotonic() < deadline, f"the bundle build did not finish; see {dist / LOG_FILE}"
        time.sleep(2)
    code = status.read_text().strip()
    log = (dist / LOG_FILE).read_text(errors="replace")[-4000:] if (dist / LOG_FILE).exists() else ""
    assert code == "0", f"the bundle build failed (exit {code}):\n{log}"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    named = os.environ.get(BUNDLE_ENV)
    if named:
        dist = Path(named)
        wait_for_build(dist)
    else:
        dist = tmp_path_factory.mktemp("bundle") / "dist"
        build_bundle(dist)
    folder = dist / "orca-desk"
    assert folder.is_dir(), f"no bundle in {dist}"
    return folder


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A working folder outside the checkout and an environment with nothing of Python in it."""
    place = tmp_path_factory.mktemp("clinic-pc")
    empty_bin = place / "bin"
    empty_bin.mkdir()
    env = {
        "PATH": str(empty_bin),
        "HOME": str(place / "home"),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "ORCA_DESK_DATABASE_URL": f"sqlite:///{place / 'desk.sqlite3'}",
        "ORCA_DESK_LOG_DIR": str(place / "logs"),
        "ORCA_DESK_LINK_SECRET": "a-bundle-test-secret-of-enough-length",
        # No system zone database: the zones must come from the tzdata inside the bundle.
        "PYTHONTZPATH": str(place / "no-zoneinfo"),
    }
    assert (
        shutil.which("python3", path=env["PATH"]) is None and shutil.which("python", path=env["PATH"]) is None
    )
    assert not place.is_relative_to(ROOT)
    yield place, env


def run(
    bundle: Path, exe: str, args: list[str], place: Path, env: dict[str, str]
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bundle / exe), *args], cwd=place, env=env, capture_output=True, text=True, timeout=RUN_SECONDS
    )


def test_the_bundle_holds_three_executables_and_its_data(bundle: Path):
    for exe in ("orca-desk", "orca-desk-worker", "orca-desk-gateway"):
        assert os.access(bundle / exe, os.X_OK), exe
    inside = bundle / "_internal"
    assert (inside / "orca_desk" / "resources" / "style.qss").is_file()
    assert (inside / "orca_desk" / "resources" / "icons" / "logo.svg").is_file()
    assert (inside / "orca_desk" / "migrations" / "env.py").is_file()
    assert (inside / "orca_desk" / "migrations" / "versions" / "0001_foundation_schema.py").is_file()
    assert (inside / "tzdata" / "zoneinfo" / "America" / "New_York").is_file()
    assert not list(inside.rglob("*WebEngine*")) and not (inside / "tests").exists()


def test_the_desk_screenshots_the_demo_clinic_from_outside_the_checkout(bundle, outside):
    from PySide6.QtGui import QImage

    place, env = outside
    shot = place / "x.png"
    done = run(bundle, "orca-desk", ["--demo", "--screenshot", str(shot), "--size", "1280x720"], place, env)
    assert done.returncode == 0, done.stderr[-4000:]
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 720)
    # A real screen, not a blank or one-colour window: many colours across a grid of samples.
    colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 720, 16)}
    assert len(colours) > 50, len(colours)
    assert shot.stat().st_size > 40_000


def test_help_of_the_desk_the_worker_and_the_gateway(bundle, outside):
    place, env = outside
    desk = run(bundle, "orca-desk", ["--help"], place, env)
    assert desk.returncode == 0 and "worker" in desk.stdout and "gateway" in desk.stdout, desk.stderr
    worker = run(bundle, "orca-desk-worker", ["--help"], place, env)
    assert worker.returncode == 0 and "--once" in worker.stdout, worker.stderr
    gateway = run(bundle, "orca-desk-gateway", ["--help"], place, env)
    assert gateway.returncode == 0 and "--port" in gateway.stdout, gateway.stderr


def test_the_worker_runs_once_and_a_newer_schema_is_refused(bundle, outside):
    place, env = outside
    database = place / "worker.sqlite3"
    env = {**env, "ORCA_DESK_DATABASE_URL": f"sqlite:///{database}"}
    created = run(bundle, "orca-desk", ["db", "upgrade"], place, env)  # Alembic, from the bundle's files
    assert created.returncode == 0, created.stderr[-4000:]
    once = run(bundle, "orca-desk-worker", ["--once"], place, env)
    assert once.returncode in (0, 3), once.stderr[-4000:]
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (NEWER,))
    for exe, args in (("orca-desk-worker", ["--once"]), ("orca-desk", ["db", "upgrade"])):
        refused = run(bundle, exe, args, place, env)
        assert refused.returncode == 2, (exe, refused.stderr)
        assert "was last used by a newer version of Orca Desk" in refused.stderr and NEWER in refused.stderr


def test_the_bundle_reports_this_version(bundle, outside):
    place, env = outside
    done = run(bundle, "orca-desk", ["--version"], place, env)
    assert done.returncode == 0 and done.stdout.strip() == f"Orca Desk {__version__}", done.stderr


@pytest.mark.postgres
def test_the_bundle_reaches_postgresql(bundle, outside, pg_url):
    # psycopg loads its compiled driver by name: the spec must have put it in.
    place, env = outside
    done = run(bundle, "orca-desk", ["db", "current", "--database-url", pg_url], place, env)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.startswith("current ") and "newest" in done.stdout
