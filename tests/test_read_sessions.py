"""Database.read() reuses idle read sessions on their connections, and never lets one read's
state, a broken connection or a disposed engine reach the next read."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from orca_desk import db as db_module
from orca_desk.db import IDLE_READERS, Database
from orca_desk.models.clinic import Clinic
from tests.factories import make_world


def _backend(session) -> object:  # type: ignore[no-untyped-def]
    return session.connection().connection.dbapi_connection


@pytest.fixture(params=["db", "pg_db"])
def database(request) -> Database:  # type: ignore[no-untyped-def]
    return request.getfixturevalue(request.param)


def test_a_read_after_a_read_reuses_the_connection_but_nothing_of_the_first_read(database) -> None:
    with database.write() as s:
        make_world(s)
    with database.read() as s:
        first = _backend(s)
        clinic = s.scalars(select(Clinic)).one()
        s.info["cached by a service"] = True
        assert clinic in s
    with database.read() as s:
        assert _backend(s) is first
        assert "cached by a service" not in s.info
        assert len(s.identity_map) == 0
    # What the first read loaded stays usable, detached, as from any closed session.
    assert clinic.name


def test_a_read_sees_what_was_committed_after_the_previous_read(database) -> None:
    with database.read() as s:
        assert s.scalar(select(Clinic.id)) is None
    with database.write() as s:
        make_world(s)
    with database.read() as s:
        assert s.scalar(select(Clinic.id)) is not None


def test_a_read_inside_a_read_and_reads_on_other_threads_each_get_their_own_session(database) -> None:
    with database.write() as s:
        make_world(s)
    seen: list[object] = []
    errors: list[BaseException] = []

    def on_a_thread() -> None:
        try:
            for _ in range(50):
                with database.read() as s:
                    seen.append(s)
                    assert s.scalar(select(Clinic.id)) is not None
        except BaseException as exc:  # reported below
            errors.append(exc)

    with database.read() as outer, database.read() as inner:
        assert outer is not inner
        assert _backend(outer) is not _backend(inner)
        threads = [threading.Thread(target=on_a_thread) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert outer.scalar(select(Clinic.id)) == inner.scalar(select(Clinic.id))
    assert not errors
    assert len(database._readers._idle) <= IDLE_READERS


def test_a_read_that_failed_leaves_no_transaction_and_the_next_read_works(database) -> None:
    with pytest.raises(DBAPIError), database.read() as s:
        s.execute(text("SELECT * FROM no_such_table"))
    with database.read() as s:
        assert s.execute(text("SELECT 1")).scalar() == 1
    with pytest.raises(ValueError), database.read() as s:
        s.connection()
        raise ValueError("a service's own error")
    for reader in database._readers._idle:
        assert not reader.connection.in_transaction()


def test_disposing_the_engine_hands_the_idle_connections_back(database) -> None:
    with database.read() as s:
        s.connection()
    assert database.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    database.engine.dispose()  # as a restore does
    assert not database._readers._idle
    with database.read() as s:
        assert s.execute(text("SELECT 1")).scalar() == 1
    database.dispose()
    assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_reader_idle_too_long_goes_back_to_the_pool(database, monkeypatch) -> None:
    with database.read() as s:
        first = s
    monkeypatch.setattr(db_module, "READER_IDLE_SECONDS", 0.0)
    monkeypatch.setattr(db_module, "READER_PING_SECONDS", 0.0)
    with database.read() as s:
        assert s is not first


def test_a_connection_the_server_dropped_while_idle_is_replaced_not_failed(pg_db, monkeypatch) -> None:
    with pg_db.read() as s:
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
    with pg_db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    monkeypatch.setattr(db_module, "READER_PING_SECONDS", 0.0)
    with pg_db.read() as s:
        assert s.execute(text("SELECT pg_backend_pid()")).scalar() != pid
