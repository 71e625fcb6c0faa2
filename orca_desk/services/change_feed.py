"""Notice other desks' commits: SQLite's data_version, PostgreSQL's NOTIFY orca_changes."""

from __future__ import annotations

import sqlite3
import threading
from typing import Protocol

from orca_desk.db import Database
from orca_desk.services.changes import EVERYTHING, NO_CHANGES, UNSEEN_TABLES, Changes

# The channel the 1700_change_notify triggers notify on: "<table> <txid>" per changing statement.
CHANNEL = "orca_changes"


class ChangeFeed(Protocol):
    def poll(self) -> Changes:
        """What other connections committed since the last poll (empty: nothing); never blocks."""

    def own(self, txid: int | None) -> None:
        """This desk's transaction ``txid`` (PostgreSQL, told before it commits) or commit just
        made (SQLite, ``None``, told right after): do not report it back. Thread-safe."""

    def close(self) -> None:
        """Release the dedicated connection."""


class SQLiteChangeFeed:
    """Polls ``PRAGMA data_version`` on its own connection: it moves when any other connection
    commits, without saying what; so a change is ``EVERYTHING``."""

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=1)
        self._lock = threading.Lock()  # polled on the UI thread, told of own commits from workers
        self._version = self._read()

    def _read(self) -> int:
        row = self._conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def poll(self) -> Changes:
        with self._lock:
            try:
                version = self._read()
            except sqlite3.Error:  # locked or gone for a moment: try again on the next tick
                return NO_CHANGES
            changed, self._version = version != self._version, version
        return EVERYTHING if changed else NO_CHANGES

    def own(self, txid: int | None) -> None:
        # Called right after this desk's commit: take the version that commit made as seen. A
        # commit by another process in the same instant is folded into ours (its screens reload
        # on the next change); one desk per SQLite file makes that rare.
        self.poll()

    def close(self) -> None:
        self._conn.close()


class PostgresChangeFeed:
    """LISTENs on its own autocommit connection; ``poll`` drains pending notifications and
    drops those of this desk's own transactions."""

    def __init__(self, conninfo: str) -> None:
        import psycopg

        self._conn = psycopg.connect(conninfo, autocommit=True)
        self._conn.execute(f"LISTEN {CHANNEL}")
        self._own: set[int] = set()
        self._lock = threading.Lock()

    def poll(self) -> Changes:
        import psycopg

        tables: set[str] = set()
        try:
            for note in self._conn.notifies(timeout=0):
                table, _, txid = note.payload.partition(" ")
                with self._lock:
                    mine = txid.isdigit() and int(txid) in self._own
                if mine:
                    continue
                tables.add(table)
        except psycopg.OperationalError:  # the server went away; a reconnect is the caller's choice
            return NO_CHANGES
        return Changes(frozenset(tables - UNSEEN_TABLES))

    def own(self, txid: int | None) -> None:
        if txid is None:
            return
        with self._lock:
            if len(self._own) > 10_000:  # long-past transactions cannot notify any more
                self._own.clear()
            self._own.add(txid)

    def close(self) -> None:
        self._conn.close()


class NullChangeFeed:
    """For databases that cannot tell (in-memory SQLite): never reports a change."""

    def poll(self) -> Changes:
        return NO_CHANGES

    def own(self, txid: int | None) -> None:
        pass

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
