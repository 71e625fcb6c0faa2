"""Notice that another desk changed the appointment book: SQLite data_version, PostgreSQL NOTIFY."""

from __future__ import annotations

import sqlite3
from typing import Protocol

from orca_desk.db import Database

# The PostgreSQL channel the 0400_calendar_notify trigger notifies on every appointment change.
CHANNEL = "orca_calendar"


class ChangeFeed(Protocol):
    def poll(self) -> bool:
        """True when the database changed since the last poll; never blocks."""

    def close(self) -> None:
        """Release the dedicated connection."""


class SQLiteChangeFeed:
    """Polls ``PRAGMA data_version`` on its own connection: it moves when any other connection commits."""

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=1)
        self._version = self._read()

    def _read(self) -> int:
        row = self._conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def poll(self) -> bool:
        try:
            version = self._read()
        except sqlite3.Error:  # locked or gone for a moment: try again on the next tick
            return False
        changed, self._version = version != self._version, version
        return changed

    def close(self) -> None:
        self._conn.close()


class PostgresChangeFeed:
    """LISTENs on its own autocommit connection; ``poll`` drains pending notifications."""

    def __init__(self, conninfo: str) -> None:
        import psycopg

        self._conn = psycopg.connect(conninfo, autocommit=True)
        self._conn.execute(f"LISTEN {CHANNEL}")

    def poll(self) -> bool:
        import psycopg

        try:
            return any(True for _ in self._conn.notifies(timeout=0))
        except psycopg.OperationalError:  # the server went away; a reconnect is the caller's choice
            return False

    def close(self) -> None:
        self._conn.close()


class NullChangeFeed:
    """For databases that cannot tell (in-memory SQLite): never reports a change."""

    def poll(self) -> bool:
        return False

    def close(self) -> None:
        pass


def open_change_feed(db: Database) -> ChangeFeed:
    """The feed that fits the database behind ``db``."""
    if db.is_sqlite:
        path = db.url.database
        if not path or path == ":memory:":
            return NullChangeFeed()
        return SQLiteChangeFeed(path)
    if db.is_postgres:
        url = db.url.set(drivername="postgresql")
        return PostgresChangeFeed(url.render_as_string(hide_password=False))
    return NullChangeFeed()
