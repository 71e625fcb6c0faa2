"""CachedSelect: the same SQL, values and errors as Connection.execute, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, column, event, literal, select, table, union_all
from sqlalchemy.exc import DBAPIError

from orca_desk.db import CachedSelect, Database, _Plans
from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.models.reminders import StaffTask
from tests.factories import make_world

STAMP = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
BORN = date(2012, 5, 17)

# Every kind of value the helper handles: the caller's scalars (an instant: its bind processor),
# lists of any length, a constant IN list, a literal, a LIMIT, dates, booleans and JSON read back.
_PATIENTS = (
    select(
        Patient.id,
        Patient.first_name + " " + Patient.last_name,
        Patient.date_of_birth,
        Patient.sms_consent,
        Patient.sms_consent_at,
        literal(True),
    )
    .where(
        Patient.id.in_(bindparam("ids", expanding=True)),
        Patient.preferred_channel.in_(("sms", "email", "phone")),
        Patient.sms_consent_at <= bindparam("until"),
    )
    .order_by(Patient.id)
    .limit(10)
)
_TASKS = select(StaffTask.id, StaffTask.attempts, StaffTask.created_at).order_by(StaffTask.id)
_UNION = union_all(
    select(literal("patient"), Patient.id).where(Patient.id == bindparam("patient")),
    select(literal("visit"), Appointment.id).where(Appointment.id.in_(bindparam("visits", expanding=True))),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


def _world(database: Database) -> list[int]:
    with database.write() as s:
        w = make_world(s, patients=5)
        for i, p in enumerate(w.patients):
            p.date_of_birth = BORN if i % 2 else None
            p.sms_consent, p.sms_consent_at = bool(i % 3), STAMP
        s.add_all(
            [
                StaffTask(
                    clinic_id=w.clinic.id,
                    kind="call",
                    attempts=[{"outcome": "no_answer"}],
                    created_at=STAMP,
                    updated_at=STAMP,
                ),
                StaffTask(
                    clinic_id=w.clinic.id, kind="call", attempts=[], created_at=STAMP, updated_at=STAMP
                ),
            ]
        )
        s.flush()
        return [p.id for p in w.patients]


def _executed(database: Database, work: Any) -> list[tuple[str, Any]]:
    sent: list[tuple[str, Any]] = []

    def before(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", before)
    try:
        with database.read() as s:
            work(s.connection())
    finally:
        event.remove(database.engine, "before_cursor_execute", before)
    return sent


@pytest.mark.parametrize("count", [0, 1, 3])
def test_rows_are_what_execute_gives(any_db, count):
    ids = _world(any_db)
    cached = CachedSelect(_PATIENTS)
    params = {"ids": ids[:count], "until": datetime(2030, 1, 1, tzinfo=UTC)}
    with any_db.read() as s:
        conn = s.connection()
        expected = [tuple(r) for r in conn.execute(_PATIENTS, params)]
        got = cached.rows(conn, params)
        again = cached.rows(conn, params)
        columns = cached.columns(conn, params)
    assert len(expected) == count
    assert got == expected and again == expected
    assert [tuple(map(type, r)) for r in got] == [tuple(map(type, r)) for r in expected]
    assert columns == (list(zip(*expected, strict=True)) if expected else [()] * 6)
    if expected:
        assert expected[0][4].tzinfo is not None and isinstance(expected[0][3], bool)


def test_json_and_a_union_read_as_execute_reads_them(any_db):
    ids = _world(any_db)
    with any_db.read() as s:
        conn = s.connection()
        visits: list[int] = []
        for statement, params in ((_TASKS, {}), (_UNION, {"patient": ids[1], "visits": visits})):
            assert CachedSelect(statement).rows(conn, params) == [
                tuple(r) for r in conn.execute(statement, params)
            ]
        tasks = CachedSelect(_TASKS).rows(conn)
    assert [t[1] for t in tasks] == [[{"outcome": "no_answer"}], []]


def test_the_driver_is_sent_what_execute_sends(any_db):
    ids = _world(any_db)
    params = {"ids": ids[1:4], "until": STAMP}
    by_execute = _executed(any_db, lambda conn: conn.execute(_PATIENTS, params).all())
    # While something listens, the helper runs through execute: what it sends is then seen, and
    # the fast path must send the same.
    by_helper = _executed(any_db, lambda conn: CachedSelect(_PATIENTS).rows(conn, params))
    assert by_helper == by_execute
    (sql, sent), dialect = by_execute[0], any_db.engine.dialect
    plan = _Plans(_PATIENTS, dialect).get(params)
    assert plan.sql == sql
    bound = plan.bind(params)
    assert (tuple(bound) if isinstance(bound, list) else bound) == sent


def test_a_driver_error_leaves_as_sqlalchemys(any_db):
    missing = select(column("x")).select_from(table("no_such_table")).where(column("x") == bindparam("x"))
    with any_db.read() as s, pytest.raises(DBAPIError) as info:
        CachedSelect(missing).rows(s.connection(), {"x": 1})
    assert "no_such_table" in str(info.value)


def test_a_missing_value_is_refused(db):
    with db.read() as s, pytest.raises(ValueError, match="until"):
        CachedSelect(_PATIENTS).rows(s.connection(), {"ids": [1]})


def test_shared_columns_give_equal_values_one_object_each(any_db):
    ids = _world(any_db)
    params = {"ids": ids, "until": datetime(2030, 1, 1, tzinfo=UTC)}
    with any_db.read() as s:
        conn = s.connection()
        plain = CachedSelect(_PATIENTS).columns(conn, params)
        shared = CachedSelect(_PATIENTS).columns(conn, params, shared=(4,))
    assert shared == plain
    assert len({id(v) for v in shared[4]}) == 1 < len(shared[4])  # every patient consented at STAMP


def test_shared_values_are_kept_from_run_to_run_within_a_bound(any_db, monkeypatch):
    ids = _world(any_db)
    params = {"ids": ids, "until": datetime(2030, 1, 1, tzinfo=UTC)}
    query = CachedSelect(_PATIENTS)
    with any_db.read() as s:
        first = query.columns(s.connection(), params, shared=(4,))
    with any_db.read() as s:
        second = query.columns(s.connection(), params, shared=(4,))
    assert second == first
    assert second[4][0] is first[4][0]  # processed once, in the first load
    monkeypatch.setattr("orca_desk.db.SHARED_KEPT", 0)  # full: the next load starts afresh
    with any_db.read() as s:
        third = query.columns(s.connection(), params, shared=(4,))
    assert third == first
    assert third[4][0] is not first[4][0]
