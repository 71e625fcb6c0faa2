"""The hot reads against their floor: the same SQL, captured from the app, run through the raw driver
(sqlite3, and psycopg when ORCA_DESK_BENCH_PG_URL is set) plus the minimal Python to turn its rows
into values (datetimes parsed, one tuple per row), in interleaved rounds."""

from __future__ import annotations

import os
import re
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from benchmarks.harness import ANCHOR, BenchContext, Row
from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Chair, Location, Provider
from orca_desk.models.openings import Opening
from orca_desk.services import availability, confirmations
from orca_desk.services.calendar import calendar_data
from orca_desk.services.patients import patients
from orca_desk.services.waitlist import matching
from orca_desk.services.waitlist.matching import match_opening

ROUNDS = 21  # per side, after two warm-up calls
TARGET = 1.5
PG_ENV = "ORCA_DESK_BENCH_PG_URL"
_SKIP = ("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass
class Case:
    name: str
    call: str  # the app's call as shown in the detail line
    fn: Callable[[Session], object]
    floor_note: str = ""


def run(bench: BenchContext) -> list[Row]:
    targets: list[tuple[str, Database, Callable[[], Floor]]] = []
    path = bench.db.url.database
    assert path is not None
    targets.append(("sqlite", bench.db, lambda: SqliteFloor(path)))
    pg_url = os.environ.get(PG_ENV)
    pg_db = Database(pg_url) if pg_url else None
    if pg_url and pg_db is not None:
        targets.append(("postgresql", pg_db, lambda: PgFloor(pg_url)))
    results: dict[str, list[Row]] = {}
    for label, db, make_floor in targets:
        floor = make_floor()
        try:
            for case in _cases(db):
                results.setdefault(case.name, []).append(_measure(label, db, floor, case))
                if case.name.startswith("waitlist") and label == "sqlite":
                    results[case.name].append(_without_matching(label, db, floor, case))
        finally:
            floor.close()
    if pg_db is not None:
        pg_db.dispose()
    rows = [row for name in results for row in results[name]]
    if not pg_url:
        rows.append(
            Row(
                f"read paths on PostgreSQL: set {PG_ENV} to a database holding the large demo",
                "—",
                "not run",
                None,
            )
        )
    return rows


def _cases(db: Database) -> list[Case]:
    with db.read() as s:
        loc_id, tz = s.execute(select(Location.id, Location.timezone).order_by(Location.id)).first()  # type: ignore[misc]
        chairs = s.scalar(select(func.count(Chair.id)).where(Chair.location_id == loc_id))
        provider_ids = list(
            s.scalars(select(Provider.id).where(Provider.is_active.is_(True)).order_by(Provider.id).limit(30))
        )
        source = s.execute(
            select(Appointment)
            .where(
                Appointment.location_id == loc_id,
                Appointment.status == "scheduled",
                Appointment.start_at > ANCHOR + timedelta(days=1),
            )
            .order_by(Appointment.id)
            .limit(1)
        ).scalar_one()
        opening = _transient_opening(source, loc_id)
    zone = ZoneInfo(tz)
    day = ANCHOR.astimezone(zone).date()
    week = calendar_data.week_days(day)
    call_now = datetime.combine(day, clock_time(7, 45), tzinfo=zone)

    def calls(s: Session) -> object:
        the_day = confirmations.call_day(s, loc_id, now=call_now)
        return confirmations.call_list(s, now=call_now, location_id=loc_id, day=the_day)

    def match(s: Session) -> object:
        with _opening_is(opening):
            return match_opening(s, opening.id, now=ANCHOR, limit=20)

    return [
        Case(
            f"day load ({chairs} chairs)",
            f"calendar_data.load_days(s, {{{loc_id}: {tz}}}, [{day}], include_cancelled=True)",
            lambda s: calendar_data.load_days(s, {loc_id: zone}, [day], include_cancelled=True),
        ),
        Case(
            f"week load ({chairs} chairs)",
            f"calendar_data.load_days(s, {{{loc_id}: {tz}}}, week of {day}, include_cancelled=True)",
            lambda s: calendar_data.load_days(s, {loc_id: zone}, week, include_cancelled=True),
        ),
        Case(
            "openings search (30 providers × 90 days)",
            "availability.find_openings(s, minutes=30, after=anchor, provider_ids=30, horizon_days=90, "
            "limit=20, spread=True)",
            lambda s: availability.find_openings(
                s, minutes=30, after=ANCHOR, provider_ids=provider_ids, horizon_days=90, limit=20, spread=True
            ),
            "the floor does not search: the app's in-memory gap search is all overhead here",
        ),
        Case(
            "call list (next business day, one location)",
            f"confirmations.call_day + call_list(s, now={call_now:%H:%M} local, location_id={loc_id})",
            calls,
            "the floor does not format phones (phonenumbers) or dates",
        ),
        Case(
            "waitlist matching (one opening, 20 shown)",
            "waitlist.match_opening(s, opening, now=anchor, limit=20) (opening not written: read-only)",
            match,
            "the floor does not score: the entries are cached parsed in the app",
        ),
        Case(
            "patient search: name prefix 'Gar'",
            "patients.search_patients(s, 'Gar', limit=50)",
            lambda s: patients.search_patients(s, "Gar", limit=50),
        ),
        Case(
            "patient search: two names 'mar s'",
            "patients.search_patients(s, 'mar s', limit=50)",
            lambda s: patients.search_patients(s, "mar s", limit=50),
        ),
        Case(
            "patient search: phone digits '555-01'",
            "patients.search_patients(s, '555-01', limit=50)",
            lambda s: patients.search_patients(s, "555-01", limit=50),
        ),
    ]


def _without_matching(label: str, db: Database, floor: Floor, case: Case) -> Row:
    """The same match with its in-memory work (the scan, scores, explanations and the choice of
    channel) replaced by its answers: what the session, the statements and the rows cost alone.
    Informative: it shows the fixed costs the ratio is made of."""
    real = matching._Matcher.top, matching._reason, matching._pick_channel
    answers: dict[Any, Any] = {}

    def top(self: Any, slot: Any, k: int, **skips: Any) -> Any:
        if (slot, k) not in answers:
            answers[slot, k] = real[0](self, slot, k, **skips)
        return answers[slot, k]

    def fn(s: Session) -> object:
        matching._Matcher.top = top  # type: ignore[method-assign,assignment]
        matching._reason = lambda *_a: ""  # type: ignore[assignment]
        matching._pick_channel = lambda *_a: ("sms", "")  # type: ignore[assignment]
        try:
            return case.fn(s)
        finally:
            matching._Matcher.top, matching._reason, matching._pick_channel = real  # type: ignore[method-assign,assignment]

    measured = _measure(label, db, floor, Case(case.name, case.call, fn, case.floor_note))
    return Row(
        f"  the same, its in-memory work replaced by its answers [{label}]",
        "—",
        measured.measured,
        None,
        detail="the session, the statements through CachedSelect and the 20 rows, without the scan, "
        "scores, explanations or channel choice",
    )


def _transient_opening(a: Appointment, location_id: int) -> Opening:
    """An opening as a cancellation of ``a`` would make, never added to a session (the databases are
    only read here)."""
    return Opening(
        id=-1,
        clinic_id=a.clinic_id,
        location_id=location_id,
        chair_id=a.chair_id,
        provider_id=a.provider_id,
        type_id=a.type_id,
        start_at=a.start_at,
        end_at=a.end_at,
        source="cancellation",
        source_appointment_id=a.id,
        status="open",
        mode="sequential",
        broadcast_size=3,
        next_check_at=ANCHOR,
        note="",
        created_by="bench",
        created_at=ANCHOR,
        updated_at=ANCHOR,
    )


@contextmanager
def _opening_is(opening: Opening) -> Iterator[None]:
    real = matching._get_opening
    matching._get_opening = lambda _s, _id, **_kw: opening  # type: ignore[assignment]
    try:
        yield
    finally:
        matching._get_opening = real  # type: ignore[assignment]


def _capture(db: Database, case: Case) -> list[tuple[str, Any]]:
    statements: list[tuple[str, Any]] = []

    def before(_conn, _cursor, statement, parameters, _context, executemany):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(_SKIP):
            assert not executemany, "a read path ran executemany"
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        with db.read() as s:
            case.fn(s)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return statements


def _measure(label: str, db: Database, floor: Floor, case: Case) -> Row:
    for _ in range(2):  # warm: the engine's statement cache, the waitlist's parsed entries, the pool
        with db.read() as s:
            case.fn(s)
    statements = _capture(db, case)
    prepared = floor.prepare(statements)
    for _ in range(2):
        prepared()
    app_t, floor_t, app_cpu, floor_cpu = [], [], [], []
    for _ in range(ROUNDS):
        started, cpu = time.perf_counter(), time.process_time()
        with db.read() as s:  # a fresh session, as each screen's load opens
            case.fn(s)
        app_t.append(time.perf_counter() - started)
        app_cpu.append(time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        prepared()
        floor_t.append(time.perf_counter() - started)
        floor_cpu.append(time.process_time() - cpu)
    app, low = statistics.median(app_t), statistics.median(floor_t)
    ratio = app / low if low else float("inf")
    # This process's CPU time: steadier than wall time when other work shares the cores, but it
    # leaves out the server's share on PostgreSQL.
    c_app, c_low = statistics.median(app_cpu), statistics.median(floor_cpu)
    c_ratio = f"{c_app / c_low:.2f}×" if c_low else "—"
    detail = (
        f"app: {case.call}\nfloor: the same {len(statements)} statement(s) through {floor.driver}"
        f" + {floor.work}"
        + (f"; {case.floor_note}" if case.floor_note else "")
        + f"\nCPU of this process: {c_ratio} ({_ms(c_app)} vs {_ms(c_low)})"
    )
    return Row(
        f"{case.name} [{label}]",
        f"≤ {TARGET:.1f}× floor",
        f"{ratio:.2f}× ({_ms(app)} vs {_ms(low)})",
        ratio <= TARGET,
        detail=detail,
    )


class Floor:
    driver = ""
    work = ""

    def prepare(self, statements: list[tuple[str, Any]]) -> Callable[[], object]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SqliteFloor(Floor):
    driver = "sqlite3"
    work = "fetchall, datetimes/dates parsed, one tuple per row"

    def __init__(self, path: str) -> None:
        # Read-only: the cached database is shared.
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)

    def prepare(self, statements: list[tuple[str, Any]]) -> Callable[[], object]:
        plans = []
        for sql, params in statements:
            rows = self.con.execute(sql, params).fetchall()
            convert: dict[int, Callable[[str], object]] = {}
            for row in rows[:50]:
                for i, v in enumerate(row):
                    if isinstance(v, str) and i not in convert:
                        if _DATETIME.match(v):
                            convert[i] = _utc
                        elif _DATE.match(v):
                            convert[i] = date.fromisoformat
            plans.append((sql, params, _row_converter(len(rows[0]) if rows else 0, convert)))
        con = self.con

        def floor() -> object:
            out = []
            con.execute("BEGIN")
            try:
                for sql, params, convert in plans:
                    rows = con.execute(sql, params).fetchall()
                    out.append(list(map(convert, rows)) if convert else rows)
            finally:
                con.execute("ROLLBACK")
            return out

        return floor

    def close(self) -> None:
        self.con.close()


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


def _row_converter(
    width: int, convert: dict[int, Callable[[str], object]]
) -> Callable[[Any], tuple[Any, ...]] | None:
    """One tuple per row with its datetime/date columns parsed, as a single expression (the least
    Python a hand-written loader would run)."""
    if not convert:
        return None
    parts = [
        f"(c{i}(r[{i}]) if r[{i}] is not None else None)" if i in convert else f"r[{i}]" for i in range(width)
    ]
    scope = {f"c{i}": f for i, f in convert.items()}
    return eval(f"lambda r: ({', '.join(parts)},)", scope)  # our own generated source


class PgFloor(Floor):
    driver = "psycopg"
    work = "fetchall (psycopg parses timestamptz into tuples)"

    def __init__(self, url: str) -> None:
        import psycopg

        u = make_url(url)
        self.con = psycopg.connect(
            host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database
        )
        self.con.read_only = True

    def prepare(self, statements: list[tuple[str, Any]]) -> Callable[[], object]:
        con = self.con

        def floor() -> object:
            out = []
            try:
                with con.cursor() as cur:
                    for sql, params in statements:
                        cur.execute(sql, params)
                        out.append(cur.fetchall())
            finally:
                con.rollback()
            return out

        return floor

    def close(self) -> None:
        self.con.close()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
