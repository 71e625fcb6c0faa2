"""Engine and session factory for SQLite (one desk) and PostgreSQL (a shared clinic)."""

from __future__ import annotations

import logging
import random
import sqlite3
import time
import weakref
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import CompoundSelect, Connection, Dialect, Engine, Select, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, StatementError
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
# read(): how many idle read sessions a process keeps on their connections; after how long idle
# a server's connection is pinged before reuse (as the pool pings at checkout), and after how
# long idle one goes back to the pool instead.
IDLE_READERS = 2
READER_PING_SECONDS = 1.0
READER_IDLE_SECONDS = 60.0

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
        self._readers = _Readers(self.engine)
        # A Database dropped without dispose() still hands its readers' connections back.
        weakref.finalize(self, self._readers.close)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with _typed_busy(), self.write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read session, closed (rolled back) at the end; one of the idle ones when there is
        one, so a read costs its statements and not a new Session and pool checkout."""
        with _typed_busy():
            reader = self._readers.take()
            try:
                try:
                    yield reader.session
                finally:
                    reader.session.close()
            finally:
                self._readers.give_back(reader)

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
        self._readers.close()
        self.engine.dispose()


class _Reader:
    """A read session bound to a connection it keeps while idle."""

    __slots__ = ("connection", "idle_since", "session")

    def __init__(self, engine: Engine) -> None:
        self.connection = engine.connect()
        self.session = Session(bind=self.connection, expire_on_commit=False)
        self.idle_since = 0.0

    def close(self) -> None:
        try:
            self.session.close()
        finally:
            self.connection.close()


class _Readers:
    """The idle read sessions of one engine, each on its own connection.

    Opening a Session and checking a connection out of the pool cost several times a small
    read's own statements (``benchmarks``: ``--only read_session``), so ``Database.read()``
    reuses them. Each reader serves one ``read()`` at a time (a read inside a read, or on
    another thread, takes another). A server's connection idle for ``READER_PING_SECONDS`` is
    pinged before reuse, as the pool pings at checkout, so a connection the server dropped
    meanwhile is replaced instead of failing a read; one idle for ``READER_IDLE_SECONDS`` goes
    back to the pool. Disposing the engine closes the idle ones.
    """

    def __init__(self, engine: Engine) -> None:
        self._idle: list[_Reader] = []
        self._engine = engine
        event.listen(engine, "engine_disposed", self._on_disposed)

    def take(self) -> _Reader:
        idle = self._idle
        while idle:
            try:
                reader = idle.pop()
            except IndexError:  # another thread took the last one
                break
            idle_for = time.monotonic() - reader.idle_since
            if idle_for < READER_PING_SECONDS or (idle_for < READER_IDLE_SECONDS and self._alive(reader)):
                return reader
            reader.close()
        return _Reader(self._engine)

    def _alive(self, reader: _Reader) -> bool:
        """Whether the reader's connection still answers (a SQLite file's always does)."""
        if self._engine.dialect.name == "sqlite":
            return True
        dbapi_connection = reader.connection.connection.dbapi_connection
        if dbapi_connection is None:
            return False
        try:
            alive = bool(self._engine.dialect.do_ping(dbapi_connection))
            dbapi_connection.rollback()  # the driver began a transaction for the ping: end it
            return alive
        except Exception:
            reader.connection.invalidate()
            return False

    def give_back(self, reader: _Reader) -> None:
        """Keep ``reader`` for the next read if its session ended cleanly on a live connection."""
        session = reader.session
        # What services cache on a session (session.info) belongs to that one read.
        session.info.clear()
        if (
            len(self._idle) < IDLE_READERS
            and not session.in_transaction()
            and not reader.connection.closed
            and not reader.connection.invalidated
            and not reader.connection.in_transaction()
        ):
            reader.idle_since = time.monotonic()
            self._idle.append(reader)
            return
        try:
            reader.close()
        except Exception:  # a broken connection: the read's own error (if any) is what matters
            log.warning("closing a read connection failed", exc_info=True)
            reader.connection.invalidate()

    def close(self) -> None:
        while self._idle:
            try:
                reader = self._idle.pop()
            except IndexError:
                break
            reader.close()

    def _on_disposed(self, _engine: Engine) -> None:
        self.close()


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


class CachedSelect:
    """A Core SELECT compiled once per dialect and run on the DB-API cursor of a connection.

    For tiny hot reads (a search as the receptionist types, the few lookups of a list)
    SQLAlchemy's per-execution work (cache key, parameter processing, result metadata, Row
    objects) costs more than the database's own. ``rows()`` sends the very SQL SQLAlchemy would,
    with the same values (the bind processors of the parameters' types applied), and returns
    plain tuples holding what SQLAlchemy's rows would (the columns' result processors applied).
    Expanding ``IN`` parameters of single values are supported (the SQL is expanded once per
    list length); literal-execute parameters are not.

    Statements and errors stay visible as usual: while anything listens to the connection's
    cursor events, or the engine logs its SQL, the statement runs through ``Connection.execute``;
    a DB-API error leaves as SQLAlchemy's ``DBAPIError``, as it would from ``execute``.
    """

    __slots__ = ("statement",)

    def __init__(self, statement: Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]) -> None:
        self.statement = statement

    def rows(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """The statement's rows on ``conn`` (the session's connection, in its transaction) with
        ``params`` bound: one tuple per row."""
        rows, processors, _ = self._fetch(conn, params or {})
        if not processors or not rows:
            return rows
        columns = list(zip(*rows, strict=True))
        for i, proc in processors:
            columns[i] = tuple(map(proc, columns[i]))
        return list(zip(*columns, strict=True))

    def columns(
        self, conn: Connection, params: Mapping[str, Any] | None = None, *, shared: Collection[int] = ()
    ) -> list[tuple[Any, ...]]:
        """The same values as ``rows()``, one tuple per selected column (for callers that work a
        column at a time: the rows are then never put back together). ``shared``: the indexes of
        columns whose values repeat and are immutable (the start times of a day's visits): each
        distinct stored value is processed once, its value shared by its rows and kept for the
        next run (the same instants come back load after load)."""
        rows, processors, plan = self._fetch(conn, params or {})
        if not rows:
            return [()] * len(self.statement.selected_columns)
        columns = list(zip(*rows, strict=True))
        for i, proc in processors:
            if i in shared and plan is not None:
                known = plan.shared.get(i)
                if known is None or len(known) > SHARED_KEPT:
                    # Replaced, never cleared: a load on another thread may be reading the old one.
                    known = plan.shared[i] = {}
                for raw in set(columns[i]).difference(known):
                    known[raw] = proc(raw)
                columns[i] = tuple(map(known.__getitem__, columns[i]))
            else:
                columns[i] = tuple(map(proc, columns[i]))
        return columns

    def _fetch(
        self, conn: Connection, params: Mapping[str, Any]
    ) -> tuple[list[tuple[Any, ...]], tuple[tuple[int, Any], ...], _Plan | None]:
        """The driver's rows, the result processors still to apply and the plan that ran (none
        of either after the fallback)."""
        dispatch = conn.dispatch
        if (
            dispatch.before_cursor_execute
            or dispatch.after_cursor_execute
            or conn.engine.logger.isEnabledFor(logging.INFO)
        ):
            return [tuple(r) for r in conn.execute(self.statement, dict(params))], (), None
        # The compiled forms live on the dialect (one per engine): they go with it.
        dialect = conn.dialect
        compiled: dict[CachedSelect, _Plans] = vars(dialect).setdefault(_PLANS, {})
        plans = compiled.get(self)
        if plans is None:
            plans = compiled[self] = _Plans(self.statement, dialect)
        plan = plans.get(params)
        return (*plan.run(conn, params), plan)


_PLANS = "_orca_cached_selects"
# Processed values of a ``shared`` column kept per plan (a few weeks of a location's start times).
SHARED_KEPT = 4096


class _Plans:
    """A statement compiled for one dialect, and its expansions by the lengths of its lists."""

    __slots__ = ("by_lengths", "columns", "compiled", "dialect", "expanding", "required")

    def __init__(
        self, statement: Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]], dialect: Dialect
    ) -> None:
        self.dialect = dialect
        self.compiled = statement.compile(dialect=dialect)
        if self.compiled.literal_execute_params:
            raise ValueError("CachedSelect does not run statements with literal-execute parameters")
        self.columns = tuple(statement.selected_columns)
        binds = self.compiled.binds
        self.required = frozenset(name for name, bind in binds.items() if bind.required)
        self.expanding = tuple(sorted(name for name in self.required if binds[name].expanding))
        self.by_lengths: dict[tuple[int, ...], _Plan] = {}

    def get(self, params: Mapping[str, Any]) -> _Plan:
        if not self.required <= params.keys():
            raise ValueError(f"no value for {sorted(self.required - params.keys())}")
        lengths = tuple(len(params[name]) for name in self.expanding)
        plan = self.by_lengths.get(lengths)
        if plan is None:
            plan = self.by_lengths[lengths] = _Plan(self, lengths)
        return plan


class _Plan:
    """One expansion of a compiled SELECT: its SQL, where each driver parameter comes from, and
    the result processors (found at the first run, from the column types the cursor reports)."""

    __slots__ = ("columns", "names", "result", "shared", "slots", "sql")

    def __init__(self, plans: _Plans, lengths: tuple[int, ...]) -> None:
        # The processed values of ``shared`` columns by column, kept from run to run.
        self.shared: dict[int, dict[Any, Any]] = {}
        # Stand-in values: only the number of an expanding list's items shapes the SQL.
        stand_ins: dict[str, Any] = dict.fromkeys(plans.required)
        stand_ins.update({name: [None] * n for name, n in zip(plans.expanding, lengths, strict=True)})
        state = plans.compiled.construct_expanded_state(stand_ins)
        origin = {
            key: (name, i) for name, keys in state.parameter_expansion.items() for i, key in enumerate(keys)
        }
        keys = list(state.positiontup) if state.positiontup is not None else list(state.parameters)
        compiled, dialect = plans.compiled, plans.dialect
        unescaped = {escaped: name for name, escaped in (compiled.escaped_bind_names or {}).items()}
        # (parameter, item of its list or None, bind processor, constant): a constant when the
        # parameter is not the caller's (a literal, a LIMIT), its value already processed. The
        # items of a list have their processors in the expanded state, the others their type's.
        slots: list[tuple[str | None, int | None, Any, Any]] = []
        for key in keys:
            name, index = origin.get(key, (unescaped.get(key, key), None))
            if index is None:
                proc = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            else:
                proc = state.processors.get(key)
            if name in plans.required:
                slots.append((name, index, proc, None))
            else:
                value = state.parameters[key]
                slots.append((None, None, None, value if proc is None else proc(value)))
        self.sql: str = state.statement
        self.slots = tuple(slots)
        self.names = None if state.positiontup is not None else tuple(keys)
        self.columns = plans.columns
        self.result: tuple[tuple[int, Any], ...] | None = None

    def bind(self, params: Mapping[str, Any]) -> Any:
        """The driver's parameters for ``params``: a list (positional paramstyle) or a dict."""
        values: list[Any] = []
        for name, index, proc, constant in self.slots:
            if name is None:
                values.append(constant)
                continue
            value = params[name] if index is None else params[name][index]
            values.append(value if proc is None else proc(value))
        return values if self.names is None else dict(zip(self.names, values, strict=True))

    def run(
        self, conn: Connection, params: Mapping[str, Any]
    ) -> tuple[list[tuple[Any, ...]], tuple[tuple[int, Any], ...]]:
        bound = self.bind(params)
        dialect = conn.dialect
        driver = conn.connection.driver_connection
        assert driver is not None
        cursor = driver.cursor()
        try:
            cursor.execute(self.sql, bound)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            result = self.result
            if result is None:
                result = self.result = self._processors(dialect, cursor.description)
        except dialect.loaded_dbapi.Error as exc:
            raise _dbapi_error(conn, self.sql, bound, exc, cursor) from exc
        finally:
            cursor.close()
        return rows, result

    def _processors(self, dialect: Dialect, description: Any) -> tuple[tuple[int, Any], ...]:
        # What SQLAlchemy's result applies: each selected column's type as the dialect handles
        # it, for the column type the driver reports.
        found = []
        for i, (column, desc) in enumerate(zip(self.columns, description, strict=True)):
            proc = column.type.dialect_impl(dialect).result_processor(dialect, desc[1])
            if proc is not None:
                found.append((i, proc))
        return tuple(found)


def _dbapi_error(conn: Connection, sql: str, params: Any, exc: Any, cursor: Any) -> StatementError:
    """The error ``Connection.execute`` would raise for a DB-API error (a lost connection is
    invalidated, as there)."""
    dbapi = conn.dialect.loaded_dbapi
    lost = conn.dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor)
    if lost:
        conn.invalidate(exc)
    return DBAPIError.instance(
        sql, params, exc, dbapi.Error, connection_invalidated=lost, dialect=conn.dialect
    )
