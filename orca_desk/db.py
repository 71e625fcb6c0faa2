"""Engine and session factory for SQLite (one desk) and PostgreSQL (a shared clinic)."""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from orca_desk.services.errors import BusyError

T = TypeVar("T")
log = logging.getLogger(__name__)

# PostgreSQL SQLSTATEs after which the whole transaction may simply run again:
# deadlock_detected (one desk's change was chosen as the victim) and serialization_failure.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout / NOWAIT
_SQLITE_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
# run_write: how many times a deadlock victim runs, and the first pause (it doubles, jittered).
WRITE_ATTEMPTS = 5
RETRY_PAUSE = 0.02

_CLASH = (
    "Another desk was changing the same records at the same moment; nothing was changed. Please try again."
)
_LOCKED = (
    "The database is busy with another desk's change (or a long task such as applying "
    "a template); nothing was changed. Please try again in a moment."
)


def busy_error(exc: BaseException) -> BusyError | None:
    """The typed error for a database error that only means "busy, try again", else None."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return BusyError(_CLASH, retryable=True)
    if sqlstate == LOCK_NOT_AVAILABLE:
        return BusyError(_LOCKED)
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        if (
            (code is not None and (code & 0xFF) in _SQLITE_BUSY_CODES)
            or "database is locked" in str(orig)
            or "database table is locked" in str(orig)
        ):
            return BusyError(_LOCKED)
    return None


@contextmanager
def _typed_busy() -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        busy = busy_error(exc)
        if busy is None:
            raise
        raise busy from exc


class Database:
    """The composition root's handle on the database: engine plus session factories.

    ``write()`` opens a unit of work that commits on success. On SQLite it begins with
    ``BEGIN IMMEDIATE`` so two desks writing at once queue instead of failing half-way;
    ``read()`` begins a deferred transaction so readers never block writers (WAL).

    A lock that cannot be had (SQLite still locked after ``busy_timeout`` seconds, a
    PostgreSQL deadlock or serialization failure) leaves either as ``BusyError``, never as a
    raw driver error; ``run_write`` runs a unit of work again when that is safe.
    """

    def __init__(self, url: str, *, echo: bool = False, busy_timeout: float = 30.0) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.is_postgres = self.url.get_backend_name() == "postgresql"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            db_path = self.url.database
            if db_path and db_path != ":memory:":
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": busy_timeout}
        else:
            kwargs["pool_pre_ping"] = True
            if self.is_postgres and "connect_timeout" not in self.url.query:
                # An unreachable server is reported after 10 s instead of hanging the start.
                kwargs["connect_args"] = {"connect_timeout": 10}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _install_sqlite_hooks(self.engine, busy_ms=int(busy_timeout * 1000))
        self._write_engine = (
            self.engine.execution_options(orca_begin="IMMEDIATE") if self.is_sqlite else self.engine
        )
        self.read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with _typed_busy(), self.write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with _typed_busy(), self.read_sessions() as session:
            yield session

    def run_write(self, work: Callable[[Session], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
        """``work(session)`` in a write unit of work, committed; returns what it returns.

        When the database picks it as a deadlock victim or cannot serialize it, nothing was
        written, so it runs again in a fresh transaction, at most ``attempts`` times, after a
        random pause that doubles each time (desks that collided do not collide again in
        step). Raises ``BusyError`` when that keeps happening or a lock was not had in time;
        ``work`` must therefore touch nothing but the session.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return work(session)
            except BusyError as exc:
                if not exc.retryable or attempt >= attempts:
                    raise
                log.info("%s (attempt %d of %d); running it again", exc.__cause__, attempt, attempts)
            time.sleep(random.uniform(RETRY_PAUSE / 2, RETRY_PAUSE) * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def dispose(self) -> None:
        self.engine.dispose()


def _install_sqlite_hooks(engine: Engine, *, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("orca_begin")
        if mode is None:
            # A read's BEGIN takes no lock and cannot be refused, so it goes to the driver
            # directly: through SQLAlchemy's execution it cost more than many a read's query.
            conn.connection.driver_connection.execute("BEGIN DEFERRED")
        else:
            conn.exec_driver_sql(f"BEGIN {mode}")
