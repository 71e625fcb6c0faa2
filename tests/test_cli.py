"""The command line: demo loading, db upgrade, screenshot, and clear errors for bad input."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtGui import QImage

from orca_desk.cli import main


def test_db_upgrade_then_demo_then_refuse_second_demo(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert "database at revision" in capsys.readouterr().out
    assert main(["--database-url", url, "demo", "--size", "small", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "300 patients" in out and "40 waitlist entries" in out
    assert main(["demo", "--database-url", url]) == 2
    assert "already holds a clinic" in capsys.readouterr().err


def test_database_url_from_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ORCA_DESK_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "env.sqlite3").exists()


def test_screenshot_of_demo_day(tmp_path, qapp):
    shot = tmp_path / "day.png"
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    rc = main(["--database-url", url, "--demo", "--screenshot", str(shot), "--date", "2026-11-23"])
    assert rc == 0
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1400, 900)
    # Appointments are painted in their type colours, not just an empty grid.
    colours = {image.pixelColor(x, y).name() for x in range(300, 1400, 7) for y in range(120, 860, 7)}
    assert len(colours) > 20


def test_bad_date_and_unknown_view_are_named(tmp_path, qapp, capsys):
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    assert (
        main(
            ["--database-url", url, "--demo", "--screenshot", str(tmp_path / "x.png"), "--date", "2026-13-01"]
        )
        == 2
    )
    assert "--date '2026-13-01' is not a date" in capsys.readouterr().err
    assert (
        main(["--database-url", url, "--demo", "--screenshot", str(tmp_path / "x.png"), "--view", "nowhere"])
        == 2
    )
    assert "Unknown view 'nowhere'" in capsys.readouterr().err


def test_python_dash_m_entry_point_prints_help():
    result = subprocess.run(
        [sys.executable, "-m", "orca_desk", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "orca-desk" in result.stdout
