"""Bulk reads and writes for the hot paths: plain tuples through the driver.

When tens of thousands of rows move at once, SQLAlchemy's per-row work (Row objects, type
processing, ORM bookkeeping) costs more than the database's own work. These helpers go
through the driver instead, reading and storing values exactly as the models' types do:
``UTCDateTime`` keeps naive UTC text ("2026-11-18 13:00:00.000000") on SQLite and
``timestamptz`` elsewhere; dates are ISO text and JSON columns JSON text on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Dialect, SelectBase, Table
from sqlalchemy.orm import Session

from orca_desk.services.changes import note_written

__all__ = [
    "IN_CHUNK",
    "bulk_insert",
    "chunks",
    "core_tuples",
    "epoch_seconds_sql",
    "fetch_tuples",
    "insert_tuples",
    "instant_param",
    "param_mark",
    "sqlite_value",
]

T = TypeVar("T")

# Ids per ``IN (…)``: SQLite allows 999 bound parameters a statement; this leaves room for the rest.
IN_CHUNK = 900


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size`` (for ``IN (…)`` over a long list)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def param_mark(conn: Connection) -> str:
    """The driver's positional parameter marker (``?`` for sqlite3, ``%s`` for psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def instant_param(conn: Connection, dt: datetime) -> Any:
    """An aware instant as ``UTCDateTime`` binds it, for driver SQL."""
    return sqlite_value(dt) if conn.dialect.name == "sqlite" else dt.astimezone(UTC)


def epoch_seconds_sql(conn: Connection, column: str) -> str:
    """SQL for an instant column as whole seconds since 1970 UTC, computed by the database.

    Integer arithmetic on the result stays integer (``/ 60`` floors on both databases).
    """
    if conn.dialect.name == "sqlite":
        return f"CAST(strftime('%s', {column}) AS INTEGER)"  # reads the naive UTC text as UTC
    return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"


def fetch_tuples(session: Session, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of driver SQL as plain tuples, straight from the DB-API cursor, in the session's
    transaction (no autoflush, like ``Connection.execute``).

    SQLAlchemy's Row objects cost ~1.5 µs each: a sixth of a second for 90,000 rows.
    """
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()


_Processor = Callable[[Any], Any]


class _CorePlan:
    """A Core SELECT compiled once for one dialect and one length of each list parameter: its SQL
    text, where each driver parameter comes from, and the columns whose values need converting."""

    __slots__ = ("positional", "row_processors", "sources", "sql", "statement")

    def __init__(self, dialect: Dialect, statement: SelectBase, params: Mapping[str, Any]):
        self.statement = statement  # held so its id() in the cache key stays its own
        compiled = statement.compile(dialect=dialect)
        state = compiled.construct_expanded_state(dict(params))
        self.sql = state.statement
        self.positional = state.positiontup is not None
        item_of = {
            name: (key, i) for key, names in state.parameter_expansion.items() for i, name in enumerate(names)
        }
        # (driver name, caller's key or None for a value fixed in the statement, index in the
        # caller's list or -1, the fixed value, the bind processor)
        self.sources: list[tuple[str, str | None, int, Any, _Processor | None]] = []
        # The expanded state holds the processors of the expanded names only; the others come
        # from the parameters' types, as SQLAlchemy's execution context takes them.
        binds = {compiled.escaped_bind_names.get(k, k): b for k, b in compiled.binds.items()}
        for name in state.positiontup if state.positiontup is not None else state.parameters:
            proc = state.processors.get(name)
            if proc is None and name in binds:
                proc = binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            key, index = (name, -1) if name in params else item_of.get(name, (None, -1))
            if key is not None and key in params:
                self.sources.append((name, key, index, None, proc))
            else:
                value = state.parameters[name]
                self.sources.append((name, None, -1, proc(value) if proc is not None else value, None))
        # A value SQLAlchemy renders into the SQL text (a "literal execute" parameter) would be
        # frozen into the plan: refuse it rather than answer later calls with the first value.
        bound = {key for _name, key, _i, _f, _p in self.sources} | set(state.parameter_expansion)
        frozen = [k for k in params if k in compiled.binds and k not in bound]
        if frozen:
            raise ValueError(f"core_tuples cannot bind {frozen}: the statement renders them into its SQL")
        processors = [
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in statement.selected_columns
        ]
        self.row_processors = [(i, p) for i, p in enumerate(processors) if p is not None]

    def bind(self, params: Mapping[str, Any]) -> Any:
        values = []
        for _name, key, index, fixed, proc in self.sources:
            if key is None:
                values.append(fixed)
                continue
            value = params[key] if index < 0 else params[key][index]
            values.append(proc(value) if proc is not None else value)
        if self.positional:
            return tuple(values)
        return {source[0]: value for source, value in zip(self.sources, values, strict=True)}


_CORE_PLANS: dict[tuple[int, str, str, tuple[tuple[str, int], ...]], _CorePlan] = {}
_CORE_PLANS_MAX = 512


def core_tuples(conn: Connection, statement: SelectBase, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of a Core SELECT as plain tuples, its values converted as ``conn.execute`` would.

    For small hot reads issued many times: SQLAlchemy's execution (compiled-cache lookup,
    re-rendering each ``IN`` list, result metadata, a Row per row) costs more than SQLite's own
    work on a few dozen rows. The statement is compiled once per dialect and per length of each
    list parameter (``bindparam(..., expanding=True)``); each call only binds the values (through
    the columns' bind processors) and runs the SQL on the DB-API cursor, in the connection's
    transaction. The engine's ``before/after_cursor_execute`` events still see the statement
    (query counters, logging) and driver errors still arrive as SQLAlchemy's ``DBAPIError``.

    ``statement`` should be built once (a module-level constant or a cached shape): plans are
    keyed by its identity.
    """
    dialect = conn.dialect
    shape = tuple((k, len(v)) for k, v in params.items() if isinstance(v, list | tuple))
    key = (id(statement), dialect.name, dialect.driver, shape)
    plan = _CORE_PLANS.get(key)
    if plan is None or plan.statement is not statement:
        if len(_CORE_PLANS) >= _CORE_PLANS_MAX:
            _CORE_PLANS.clear()
        plan = _CORE_PLANS[key] = _CorePlan(dialect, statement, params)
    cursor = conn.connection.cursor()
    try:
        # The path SQLAlchemy itself takes for its driver-level statements: listeners, echo and
        # the wrapping of driver errors, without an execution context or a result object.
        conn._cursor_execute(cursor, plan.sql, plan.bind(params))
        rows = cast(list[tuple[Any, ...]], cursor.fetchall())  # a list on sqlite3 and psycopg
    finally:
        cursor.close()
    if not plan.row_processors or not rows:
        return rows
    # Column by column: zip transposes in C, so only the converted values cost Python calls.
    columns: list[Any] = list(zip(*rows, strict=True))
    for i, proc in plan.row_processors:
        columns[i] = map(proc, columns[i])
    return list(zip(*columns, strict=True))


def sqlite_value(value: Any) -> Any:
    """A Python value as SQLAlchemy's SQLite types store it."""
    if isinstance(value, datetime):
        # isoformat with explicit microseconds: the exact text SQLAlchemy stores, far cheaper
        # than strftime (and equal strings matter: SQLite compares these as text).
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def insert_tuples(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    sqlite_ready: bool = False,
) -> None:
    """Insert many rows (values in ``columns`` order) in one statement.

    On PostgreSQL (psycopg) they are sent with COPY; on SQLite they go straight to sqlite3,
    each converted by :func:`sqlite_value` unless ``sqlite_ready`` says the caller already made
    them what SQLite stores; elsewhere they go through Core (and its type processing).
    """
    if not rows:
        return
    note_written(session, table.name)  # COPY and sqlite3 bypass the Session's events
    conn = session.connection()
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        # COPY is an order of magnitude faster than an executemany of INSERTs (a large demo or an
        # import of 500,000 visits); like the SQLite path it takes every column from the caller.
        raw = conn.connection.driver_connection
        assert raw is not None
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for r in rows:
                copy.write_row(tuple(json.dumps(v) if isinstance(v, list | dict) else v for v in r))
        return
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    values = list(rows) if sqlite_ready else [tuple(sqlite_value(v) for v in r) for r in rows]
    conn.exec_driver_sql(sql, values)


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows given as dicts (all with the same keys): :func:`insert_tuples`."""
    if rows:
        columns = list(rows[0])
        insert_tuples(session, table, columns, [tuple(r[c] for c in columns) for r in rows])
