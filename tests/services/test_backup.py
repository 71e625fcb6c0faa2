"""Backups: consistent copies on SQLite and PostgreSQL, guarded restores, the daily automatic copy."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from orca_desk.db import Database
from orca_desk.migrate import known_revisions
from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.services.backups.backup import (
    AUTO_BACKUP_KEEP_DAYS,
    auto_backup_state,
    auto_backups,
    backup,
    backup_revisions,
    restore,
    run_auto_backup,
)
from orca_desk.services.errors import ConflictError, ValidationError
from tests.factories import make_world


def _patients(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Patient)) or 0


def _fresh(tmp_path: Path, name: str) -> Database:
    return Database(f"sqlite:///{tmp_path / name}")


def test_backup_then_restore_into_an_empty_database(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        make_world(session)
    before = _patients(db)
    assert before > 0
    result = backup(db.engine, tmp_path / "copy.sqlite3")
    assert result.size_bytes > 0
    assert result.revisions == backup_revisions(result.path)

    target = _fresh(tmp_path, "new.sqlite3")
    restore(target.engine, result.path, known_revisions=known_revisions())
    assert _patients(target) == before


def test_backup_is_consistent_while_another_desk_holds_a_write(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        make_world(session)
    before = _patients(db)
    other_desk = sqlite3.connect(db.url.database, isolation_level=None)
    other_desk.execute("BEGIN IMMEDIATE")
    other_desk.execute("DELETE FROM appointment")
    other_desk.execute("UPDATE patient SET first_name = 'Half-written'")
    try:
        copy = backup(db.engine, tmp_path / "during.sqlite3").path
    finally:
        other_desk.execute("ROLLBACK")
        other_desk.close()
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT count(*) FROM patient").fetchone()[0] == before
        assert (
            conn.execute("SELECT count(*) FROM patient WHERE first_name = 'Half-written'").fetchone()[0] == 0
        )
    finally:
        conn.close()


def test_restore_refuses_a_database_with_a_clinic_unless_forced(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        make_world(session)
    copy = backup(db.engine, tmp_path / "copy.sqlite3").path
    with db.write() as session:
        session.execute(Appointment.__table__.delete())
        session.execute(Patient.__table__.delete())
    with pytest.raises(ConflictError, match="--force"):
        restore(db.engine, copy, known_revisions=known_revisions())
    assert _patients(db) == 0  # nothing changed
    restore(db.engine, copy, known_revisions=known_revisions(), force=True)
    assert _patients(db) > 0


def test_restore_refuses_a_backup_from_a_newer_orca_desk(db: Database, tmp_path: Path) -> None:
    copy = backup(db.engine, tmp_path / "copy.sqlite3").path
    conn = sqlite3.connect(copy)
    conn.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    conn.commit()
    conn.close()
    target = _fresh(tmp_path, "new.sqlite3")
    with pytest.raises(ValidationError, match=r"newer Orca Desk.*9999_from_the_future"):
        restore(target.engine, copy, known_revisions=known_revisions())


def test_restore_refuses_a_file_that_is_no_backup(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    with pytest.raises(ValidationError, match="not an Orca Desk backup"):
        backup_revisions(junk)
    empty_sqlite = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty_sqlite).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ValidationError, match="no Orca Desk schema revision"):
        backup_revisions(empty_sqlite)
    with pytest.raises(ValidationError, match="no backup file"):
        backup_revisions(tmp_path / "missing.sqlite3")


def test_restoring_a_missing_or_foreign_file_into_a_new_path_makes_no_database(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from orca_desk.cli import main

    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    target = tmp_path / "new" / "clinic.sqlite3"
    for source, message in (
        (tmp_path / "missing.sqlite3", "no backup file"),
        (junk, "not an Orca Desk backup"),
    ):
        assert main(["restore", str(source), "--database-url", f"sqlite:///{target}"]) == 2
        assert message in capsys.readouterr().err
    assert not target.parent.exists()


def test_backup_into_a_missing_folder_names_it(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        backup(db.engine, tmp_path / "nowhere" / "copy.sqlite3")
    assert not (tmp_path / "nowhere").exists()


def test_daily_backup_once_a_day_and_fourteen_kept(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    now = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    assert auto_backup_state(folder, now=now).stale
    first = run_auto_backup(db.engine, folder, local_day="2026-03-03")
    assert first is not None
    assert run_auto_backup(db.engine, folder, local_day="2026-03-03") is None  # a restart: no second copy
    for day in range(1, 20):
        (folder / f"orca-desk-2026-02-{day:02d}.sqlite3").write_bytes(b"old")
    (folder / "keep-me.txt").write_text("not ours")
    run_auto_backup(db.engine, folder, local_day="2026-03-04")
    kept = auto_backups(folder)
    assert len(kept) == AUTO_BACKUP_KEEP_DAYS
    assert kept[0].name == "orca-desk-2026-03-04.sqlite3"
    assert (folder / "keep-me.txt").exists()
    state = auto_backup_state(folder, now=datetime.fromtimestamp(kept[0].stat().st_mtime, tz=UTC))
    assert not state.stale
    later = datetime.fromtimestamp(kept[0].stat().st_mtime, tz=UTC) + timedelta(days=2, minutes=1)
    assert auto_backup_state(folder, now=later).stale


def test_backup_and_restore_commands(tmp_path: Path) -> None:
    source = tmp_path / "desk.sqlite3"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}

    def orca(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "orca_desk", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
            check=False,
        )

    assert orca("db", "upgrade", "--database-url", f"sqlite:///{source}").returncode == 0
    with Database(f"sqlite:///{source}").write() as session:
        make_world(session)
    done = orca("backup", "-o", str(tmp_path / "b.sqlite3"), "--database-url", f"sqlite:///{source}")
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout
    refused = orca("restore", str(tmp_path / "b.sqlite3"), "--database-url", f"sqlite:///{source}")
    assert refused.returncode == 2
    assert refused.stderr.startswith("orca-desk: error: ") and "--force" in refused.stderr
    target = tmp_path / "new.sqlite3"
    done = orca("restore", str(tmp_path / "b.sqlite3"), "--database-url", f"sqlite:///{target}")
    assert done.returncode == 0, done.stderr
    assert _patients(Database(f"sqlite:///{target}")) == _patients(Database(f"sqlite:///{source}"))


@pytest.mark.postgres
def test_postgres_backup_and_restore(pg_db: Database, tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    with pg_db.write() as session:
        make_world(session)
    before = _patients(pg_db)
    result = backup(pg_db.engine, tmp_path / "clinic.dump")
    assert result.path.read_bytes()[:5] == b"PGDMP"
    assert backup_revisions(result.path) == result.revisions
    with pytest.raises(ConflictError):
        restore(pg_db.engine, result.path, known_revisions=known_revisions())
    with pg_db.write() as session:
        session.execute(Appointment.__table__.delete())
        session.execute(Patient.__table__.delete())
    restore(pg_db.engine, result.path, known_revisions=known_revisions(), force=True)
    assert _patients(pg_db) == before
