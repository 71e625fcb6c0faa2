"""The daily automatic backup run by the automation runtime: one file per clinic-local day, 14 kept;
the backup folder setting is validated; the status Settings shows warns when it is due."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from orca_desk.automation.features import clinic_runtime
from orca_desk.db import Database
from orca_desk.services.backups import auto_backup
from orca_desk.services.backups.backup import auto_backups
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.clock import FrozenClock
from orca_desk.services.errors import ValidationError
from tests.conftest import NOW
from tests.factories import make_world

LOCAL_ONLY = {"ORCA_DESK_SMS_PROVIDER": "local", "ORCA_DESK_EMAIL_PROVIDER": "local"}


def _choose_folder(db: Database, actor, folder: Path | str) -> None:
    with db.write() as s:
        current = clinic_settings.load_settings(s)
        clinic_settings.save_settings(s, actor, replace(current, backup_folder=str(folder)), now=NOW)


@pytest.fixture
def clinic(db: Database) -> None:
    with db.write() as s:
        make_world(s, patients=2)  # New York


def test_the_runtime_tick_makes_one_file_a_day_named_by_the_local_day_and_keeps_fourteen(
    db: Database, clinic: None, manager, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in range(1, 16):  # fifteen older copies: the oldest two go once today's is made
        (folder / f"orca-desk-2026-02-{day:02d}.sqlite3").write_bytes(b"old")
    (folder / "notes.txt").write_text("not ours")
    _choose_folder(db, manager, folder)
    clock = FrozenClock(NOW)  # 09:00 in New York, Tuesday 3 March
    runtime = clinic_runtime(db, LOCAL_ONLY, clock=clock)
    try:
        assert "auto_backup" in {t.name for t in runtime.ticks}
        first = runtime.run_once()["auto_backup"]
        assert isinstance(first, auto_backup.AutoBackupRun) and first.made is not None
        assert first.made.name == "orca-desk-2026-03-03.sqlite3"
        clock.advance(timedelta(hours=12))  # 21:00 local (02:00 UTC on the 4th): still the 3rd
        again = runtime.run_once()["auto_backup"]
        assert isinstance(again, auto_backup.AutoBackupRun)
        assert again.day == "2026-03-03" and again.made is None
        clock.advance(timedelta(hours=4))  # 01:00 local on the 4th
        runtime.run_once()
    finally:
        runtime.close()
    names = [p.name for p in auto_backups(folder)]
    assert names[:2] == ["orca-desk-2026-03-04.sqlite3", "orca-desk-2026-03-03.sqlite3"]
    assert len(names) == 14 and "orca-desk-2026-02-03.sqlite3" not in names
    assert (folder / "notes.txt").exists()
    assert (folder / names[0]).read_bytes().startswith(b"SQLite format 3")


def test_without_a_folder_the_tick_does_nothing_and_says_why(db: Database, clinic: None) -> None:
    run = auto_backup.run_daily_backup(db, now=NOW)
    assert run.made is None and run.skipped == "no backup folder chosen in Settings"


def test_the_backup_folder_must_exist_be_writable_and_a_full_path(
    db: Database, clinic: None, manager, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="does not exist") as exc:
        _choose_folder(db, manager, tmp_path / "nowhere")
    assert exc.value.field == "backup_folder"
    with pytest.raises(ValidationError, match="full path"):
        _choose_folder(db, manager, "backups")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(ValidationError, match="cannot be written"):
            _choose_folder(db, manager, locked)
    _choose_folder(db, manager, tmp_path)
    with db.read() as s:
        assert clinic_settings.load_settings(s).backup_folder == str(tmp_path)
    _choose_folder(db, manager, "")  # no folder: allowed, and Settings warns
    with db.read() as s:
        assert clinic_settings.load_settings(s).backup_folder == ""


def test_status_warns_with_no_folder_no_backup_and_a_stale_backup(
    db: Database, clinic: None, manager, tmp_path: Path
) -> None:
    assert "No backup folder" in (auto_backup.status(db, now=NOW).warning or "")
    _choose_folder(db, manager, tmp_path)
    assert "No automatic backup" in (auto_backup.status(db, now=NOW).warning or "")
    made = auto_backup.run_daily_backup(db, now=NOW).made
    assert made is not None
    os.utime(made, (NOW.timestamp(), NOW.timestamp()))
    fresh = auto_backup.status(db, now=NOW + timedelta(days=1))
    assert fresh.warning is None and fresh.applies
    assert fresh.last_local == datetime(2026, 3, 3, 9, 0, tzinfo=fresh.last_local.tzinfo)  # local time
    assert fresh.last_local is not None and fresh.last_local.utcoffset() == timedelta(hours=-5)
    stale = auto_backup.status(db, now=NOW + timedelta(days=3))
    assert stale.warning is not None and "3 days old" in stale.warning
