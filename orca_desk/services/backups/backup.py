"""Back up and restore the database: SQLite's online backup API, pg_dump and pg_restore on PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL

from orca_desk.services.errors import ConflictError, ValidationError

# A local desk's automatic backups: one a day, the newest fourteen kept.
AUTO_BACKUP_KEEP_DAYS = 14
AUTO_BACKUP_PREFIX = "orca-desk-"
AUTO_BACKUP_SUFFIX = ".sqlite3"
# Settings warns when the newest backup is older than this.
BACKUP_STALE_AFTER = timedelta(days=2)
_AUTO_NAME = re.compile(r"^orca-desk-(\d{4}-\d{2}-\d{2})\.sqlite3$")
_PG_TIMEOUT_SECONDS = 3600


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    seconds: float
    revisions: frozenset[str]


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    revisions: frozenset[str]
    seconds: float


def _check_output(dest: Path) -> None:
    if dest.is_dir():
        raise ValidationError(f"The backup file {str(dest)!r} is a folder; name a file.", field="output")
    if not dest.parent.is_dir():
        raise ValidationError(
            f"The folder {str(dest.parent)!r} for the backup file does not exist.", field="output"
        )
    if not os.access(dest.parent, os.W_OK):
        raise ValidationError(f"The folder {str(dest.parent)!r} cannot be written to.", field="output")


def _sqlite_revisions(conn: sqlite3.Connection) -> frozenset[str]:
    try:
        return frozenset(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
    except sqlite3.DatabaseError:
        return frozenset()


def backup(engine: Engine, dest: Path) -> BackupResult:
    """A consistent copy of the database while desks keep working; written whole or not at all."""
    _check_output(dest)
    started = time.perf_counter()
    if engine.dialect.name == "sqlite":
        revisions = _backup_sqlite(engine, dest)
    elif engine.dialect.name == "postgresql":
        revisions = _backup_postgres(engine, dest)
    else:  # pragma: no cover - only the two supported databases reach here
        raise ValidationError(f"Backups of {engine.dialect.name} databases are not supported.")
    return BackupResult(dest, dest.stat().st_size, time.perf_counter() - started, revisions)


def _backup_sqlite(engine: Engine, dest: Path) -> frozenset[str]:
    # Into a temporary file beside the target, then renamed: a crash never leaves half a backup.
    fd, tmp_name = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite3", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        raw = engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            target = sqlite3.connect(tmp)
            try:
                # Pages in steps so other desks' writes are not held up for the whole copy.
                source.backup(target, pages=4096)
                revisions = _sqlite_revisions(target)
            finally:
                target.close()
        finally:
            raw.close()
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return revisions


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password travels in the environment."""
    args = ["--dbname", url.database or "", "--host", url.host or "127.0.0.1"]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ValidationError(
            f"{name} is not installed on this computer (or not on the PATH): install the PostgreSQL "
            f"client tools, or let the database server's own backups cover the shared database."
        )
    return found


def _run_pg(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=_PG_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise ValidationError(f"{what} did not finish within an hour.") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise ValidationError(f"{what} failed: {detail[-1] if detail else 'no message'}")


def _backup_postgres(engine: Engine, dest: Path) -> frozenset[str]:
    tool = _pg_tool("pg_dump")
    args, env = _libpq(engine.url)
    tmp = dest.with_name(f".{dest.name}.partial")
    try:
        _run_pg([tool, "--format=custom", "--no-owner", "--file", str(tmp), *args], env, "pg_dump")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    with engine.connect() as conn:
        return frozenset(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def backup_revisions(path: Path) -> frozenset[str]:
    """The schema revisions a backup file holds; refuses a file that is no Orca Desk backup."""
    if not path.is_file():
        raise ValidationError(f"There is no backup file {str(path)!r}.", field="file")
    with path.open("rb") as handle:
        magic = handle.read(16)
    if magic.startswith(b"SQLite format 3"):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            revisions = _sqlite_revisions(conn)
        finally:
            conn.close()
    elif magic.startswith(b"PGDMP"):
        revisions = _pg_dump_revisions(path)
    else:
        raise ValidationError(
            f"{str(path)!r} is not an Orca Desk backup (neither a SQLite file nor a pg_dump archive).",
            field="file",
        )
    if not revisions:
        raise ValidationError(f"{str(path)!r} holds no Orca Desk schema revision.", field="file")
    return revisions


def _pg_dump_revisions(path: Path) -> frozenset[str]:
    tool = _pg_tool("pg_restore")
    done = subprocess.run(
        [tool, "--data-only", "--table", "alembic_version", "--file", "-", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise ValidationError(f"{str(path)!r} is not a readable pg_dump archive.", field="file")
    lines = done.stdout.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("COPY ")) + 1
    except StopIteration:
        return frozenset()
    found = []
    for line in lines[start:]:
        if line == "\\.":
            break
        found.append(line.strip())
    return frozenset(found)


def has_data(engine: Engine) -> bool:
    """Whether the database already holds a clinic (a restore over it needs --force)."""
    if "clinic" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM clinic LIMIT 1")).first() is not None


def restore(
    engine: Engine, source: Path, *, known_revisions: Collection[str], force: bool = False
) -> RestoreResult:
    """Replace the database with a backup; ``known_revisions`` are every revision this app knows."""
    revisions = backup_revisions(source)
    unknown = revisions - set(known_revisions)
    if unknown:
        raise ValidationError(
            f"The backup was made by a newer Orca Desk (schema {', '.join(sorted(unknown))}); "
            "update this computer's Orca Desk before restoring it.",
            field="file",
        )
    if not force and has_data(engine):
        raise ConflictError(
            "This database already holds a clinic; restoring would replace everything in it. "
            "Use --force if that is what you want (make a backup of it first)."
        )
    started = time.perf_counter()
    is_pg_archive = source.read_bytes()[:5] == b"PGDMP"
    if engine.dialect.name == "sqlite":
        if is_pg_archive:
            raise ValidationError("A PostgreSQL backup cannot be restored into a SQLite database.")
        _restore_sqlite(engine, source)
    elif engine.dialect.name == "postgresql":
        if not is_pg_archive:
            raise ValidationError("A SQLite backup cannot be restored into a PostgreSQL database.")
        _restore_postgres(engine, source)
    engine.dispose()
    return RestoreResult(source, revisions, time.perf_counter() - started)


def _restore_sqlite(engine: Engine, source: Path) -> None:
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        raw = engine.raw_connection()
        try:
            target = raw.driver_connection
            assert isinstance(target, sqlite3.Connection)
            origin.backup(target)
        finally:
            raw.close()
    finally:
        origin.close()


def _restore_postgres(engine: Engine, source: Path) -> None:
    tool = _pg_tool("pg_restore")
    args, env = _libpq(engine.url)
    engine.dispose()
    with engine.begin() as conn:  # the archive recreates every table; start from an empty schema
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _run_pg(
        [tool, "--no-owner", "--single-transaction", "--exit-on-error", *args, str(source)], env, "pg_restore"
    )


# -- the automatic daily backup of a local database ---------------------------------------------------


@dataclass(frozen=True)
class AutoBackupState:
    folder: Path | None
    last_backup: datetime | None  # the newest automatic backup's file time, aware UTC
    stale: bool  # no backup, or the newest older than BACKUP_STALE_AFTER


def auto_backups(folder: Path) -> list[Path]:
    """The automatic backups in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _AUTO_NAME.match(p.name) and p.is_file()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def auto_backup_state(folder: Path | None, *, now: datetime) -> AutoBackupState:
    if folder is None:
        return AutoBackupState(None, None, stale=True)
    newest = next(iter(auto_backups(folder)), None)
    if newest is None:
        return AutoBackupState(folder, None, stale=True)
    when = datetime.fromtimestamp(newest.stat().st_mtime, tz=now.tzinfo)
    return AutoBackupState(folder, when, stale=now - when > BACKUP_STALE_AFTER)


def run_auto_backup(engine: Engine, folder: Path, *, local_day: str) -> BackupResult | None:
    """Today's backup into ``folder`` unless it exists; then keep only the newest fourteen.

    ``local_day`` (YYYY-MM-DD) names the file, so a desk restarted during the day makes no second
    copy. Returns None when today's backup was already there.
    """
    if engine.dialect.name != "sqlite":
        raise ValidationError(
            "Automatic backups are for a local database; back up a shared one on its server."
        )
    if not folder.is_dir():
        raise ValidationError(f"The backup folder {str(folder)!r} does not exist.", field="backup_folder")
    dest = folder / f"{AUTO_BACKUP_PREFIX}{local_day}{AUTO_BACKUP_SUFFIX}"
    result = None if dest.exists() else backup(engine, dest)
    for old in auto_backups(folder)[AUTO_BACKUP_KEEP_DAYS:]:
        old.unlink(missing_ok=True)
    return result
