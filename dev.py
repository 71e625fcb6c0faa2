#!/usr/bin/env python3
"""Developer entry point that needs only Python 3.11+: creates .venv, installs, then runs a task.

    python3 dev.py app     open Orca Desk on a local SQLite database with the demo clinic
    python3 dev.py test    run the whole test suite (Qt offscreen, one pytest-xdist worker per core)
    python3 dev.py lint    ruff (check and format), mypy and the import-linter contracts
    python3 dev.py bench   run the benchmarks and print a table
    python3 dev.py env     only create or update .venv
    python3 dev.py package [--distpath DIR]
                           build the self-contained app folder dist/orca-desk/ (PyInstaller)
    python3 dev.py i18n    refresh resources/i18n/*.ts from the sources (pyside6-lupdate), then build
                           each .qm beside its .ts (pyside6-lrelease); commit both; add the services'
                           new English messages to resources/i18n/services_*.po, to fill in
    python3 dev.py fake-providers [--port N]
                           serve the fake Twilio/SendGrid (tests/fakes) on 127.0.0.1 for demos
Any further arguments are passed on (e.g. `python3 dev.py test -k booking`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".orca-desk-installed"
TRANSLATED = (
    "orca_desk/views",
    "orca_desk/ui",
    "orca_desk/app.py",
)  # the UI's strings (services are Qt-free)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under any python3, maybe an old one
        sys.exit(f"Orca Desk needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PY.exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing Orca Desk and its dependencies into .venv …", flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def run(args: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.call(args, cwd=ROOT, env={**os.environ, **(env or {})})


def package(rest: list[str]) -> int:
    """PyInstaller with packaging/orca-desk.spec; prints how long it took and how big it is."""
    started = time.monotonic()
    defaults = [] if "--distpath" in rest else ["--distpath", str(ROOT / "dist")]
    work = ["--workpath", str(ROOT / "build" / "pyinstaller")]
    spec = str(ROOT / "packaging" / "orca-desk.spec")
    code = run([str(PY), "-m", "PyInstaller", "--noconfirm", *defaults, *work, *rest, spec])
    if code == 0:
        folder = Path(rest[rest.index("--distpath") + 1] if "--distpath" in rest else ROOT / "dist")
        folder = folder / "orca-desk"
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
        took = time.monotonic() - started
        print(f"built {folder} ({size / 1e6:.0f} MB) in {took:.0f} s", flush=True)
    return code


def i18n() -> int:
    """The .ts files keep no line numbers, so an edit elsewhere in a file does not touch them."""
    sources = [
        str(p.relative_to(ROOT)) for d in TRANSLATED for p in sorted((ROOT / d).rglob("*.py")) or [ROOT / d]
    ]
    for ts in sorted((ROOT / "resources" / "i18n").glob("orca_desk_*.ts")):
        # English is the source language: its .ts holds only the plural forms ("1 visit", "2 visits").
        plural = ["-pluralonly"] if ts.stem.endswith("_en") else []
        lupdate = [
            str(BIN / "pyside6-lupdate"),
            *plural,
            "-no-obsolete",
            "-locations",
            "none",
            *sources,
            "-ts",
        ]
        code = run([*lupdate, str(ts.relative_to(ROOT))]) or run(
            [str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))]
        )
        if code:
            return code
    for po in sorted((ROOT / "resources" / "i18n").glob("services_*.po")):
        code = run([str(PY), str(ROOT / "tests" / "service_messages.py"), "--update", str(po)])
        if code:
            return code
    return 0


def parallel(args: list[str]) -> list[str]:
    """One pytest-xdist worker per core (page tests grouped on one), unless the caller chose."""
    chosen = any(a.startswith(("-n", "--numprocesses", "--dist")) or a == "no:xdist" for a in args)
    return [] if chosen else ["-n", "auto", "--dist", "loadgroup"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {
        "app",
        "test",
        "lint",
        "bench",
        "fake-providers",
        "package",
        "env",
        "i18n",
    }:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    ensure_venv()
    if task == "app":
        return run([str(PY), "-m", "orca_desk", "--demo", *rest])
    if task == "test":
        return run([str(PY), "-m", "pytest", *parallel(rest), *rest], {"QT_QPA_PLATFORM": "offscreen"})
    if task == "lint":
        codes = [
            run([str(BIN / "ruff"), "check", "."]),
            run([str(BIN / "ruff"), "format", "--check", "."]),
            run([str(BIN / "mypy")]),
            run([str(BIN / "lint-imports"), "--no-cache"]),
        ]
        return max(codes)
    if task == "env":
        return 0
    if task == "package":
        return package(rest)
    if task == "i18n":
        return i18n()
    if task == "fake-providers":
        return run([str(PY), "-m", "tests.fakes.fake_provider", *rest])
    return run([str(PY), "-m", "benchmarks", *rest], {"QT_QPA_PLATFORM": "offscreen"})


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
