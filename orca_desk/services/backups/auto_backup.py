"""The daily automatic backup of a local (SQLite) database into the folder chosen in Settings.

The automation runtime runs :func:`run_daily_backup` every half hour in the desk that leads automation (or in
``orca-desk worker``): one file a day named by the clinic's local day, the newest fourteen kept
(``backup.run_auto_backup``). Settings shows :func:`status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.clinic import Location
from orca_desk.services.backups import backup
from orca_desk.services.clinic import clinic_settings

# Often enough that a desk left open over midnight makes the new day's copy soon after.
TICK_EVERY = timedelta(minutes=30)


@dataclass(frozen=True)
class AutoBackupRun:
    """What one tick did: ``made`` is the new file, None when today's was already there or skipped."""

    day: str
    made: Path | None
    skipped: str | None = None  # why nothing was attempted (no folder chosen, not a local database)


@dataclass(frozen=True)
class AutoBackupStatus:
    """What Settings shows: the last backup in the clinic's local time, and a warning when due."""

    applies: bool  # a local database: automatic backups are possible
    state: backup.AutoBackupState
    last_local: datetime | None
    warning: str | None


def clinic_zone(session: Session) -> ZoneInfo:
    """The clinic's home time zone: its first location's (UTC before any location exists)."""
    name = session.scalar(select(Location.timezone).order_by(Location.id).limit(1))
    return ZoneInfo(name) if name else ZoneInfo("UTC")


def _folder(session: Session) -> Path | None:
    value = clinic_settings.load_settings(session).backup_folder.strip()
    return Path(value) if value else None


def run_daily_backup(db: Database, *, now: datetime) -> AutoBackupRun:
    """Today's backup (by the clinic's local day) unless made already, then the old ones pruned."""
    with db.read() as s:
        folder, zone = _folder(s), clinic_zone(s)
    day = now.astimezone(zone).date().isoformat()
    if db.engine.dialect.name != "sqlite":
        return AutoBackupRun(day, None, "a shared database is backed up on its server")
    if folder is None:
        return AutoBackupRun(day, None, "no backup folder chosen in Settings")
    result = backup.run_auto_backup(db.engine, folder, local_day=day)
    return AutoBackupRun(day, result.path if result else None)


def status(db: Database, *, now: datetime) -> AutoBackupStatus:
    with db.read() as s:
        return status_in(s, now=now)


def status_in(session: Session, *, now: datetime) -> AutoBackupStatus:
    """``status`` within a read the caller opened (the Settings screen's own load)."""
    folder, zone = _folder(session), clinic_zone(session)
    applies = session.get_bind().dialect.name == "sqlite"
    state = backup.auto_backup_state(folder, now=now)
    last_local = state.last_backup.astimezone(zone) if state.last_backup else None
    warning: str | None = None
    if not applies:
        warning = None
    elif folder is None:
        warning = "No backup folder is chosen: this database is not backed up automatically."
    elif not folder.is_dir():
        warning = f"The backup folder {str(folder)!r} is missing: no backup can be made until it is back."
    elif last_local is None:
        warning = "No automatic backup has been made yet (it runs on the desk that leads automation)."
    elif state.stale:
        days = (now - state.last_backup).days if state.last_backup else 0
        warning = (
            f"The last backup is {days} days old: check that a desk or the worker is running "
            "and that the folder can be written to."
        )
    return AutoBackupStatus(applies, state, last_local, warning)
