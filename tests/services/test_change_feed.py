"""The change feed notices other connections' commits: SQLite data_version, PostgreSQL NOTIFY."""

from __future__ import annotations

import time

from sqlalchemy import text

from orca_desk.services.change_feed import PostgresChangeFeed, SQLiteChangeFeed, open_change_feed
from orca_desk.services.changes import EVERYTHING, Changes, run_tracked
from tests.factories import book, make_world


def test_sqlite_feed_sees_a_commit_once(db):
    feed = open_change_feed(db)
    assert isinstance(feed, SQLiteChangeFeed)
    assert not feed.poll()
    with db.write() as s:
        make_world(s)
    assert feed.poll() == EVERYTHING  # SQLite cannot say what
    assert not feed.poll()  # reported once
    with db.read() as s:  # reading changes nothing
        s.execute(text("SELECT count(*) FROM appointment")).scalar()
    assert not feed.poll()
    with db.write() as s:  # this desk's own commit, told right after it
        s.execute(text("UPDATE patient SET notes = 'x'"))
    feed.own(None)
    assert not feed.poll()
    feed.close()


def _next(feed: PostgresChangeFeed) -> Changes:
    deadline = time.monotonic() + 2
    while not (changes := feed.poll()):
        assert time.monotonic() < deadline, "no NOTIFY within 2 s"
        time.sleep(0.02)
    return changes


def test_postgres_feed_says_which_tables_changed(pg_db, clock, manager):
    with pg_db.write() as s:
        w = make_world(s)
    feed = open_change_feed(pg_db)
    assert isinstance(feed, PostgresChangeFeed)
    assert not feed.poll()
    with pg_db.write() as s:
        s.execute(text("UPDATE patient SET notes = 'x'"))
    assert _next(feed).tables == {"patient"}
    book(pg_db, manager, w, start=clock.now(), now=clock.now())
    assert "appointment" in _next(feed).tables
    assert "audit_event" not in feed.poll().tables  # bookkeeping no screen shows
    feed.close()


def test_postgres_feed_leaves_out_this_desks_own_transactions(pg_db):
    with pg_db.write() as s:
        make_world(s)
    feed = open_change_feed(pg_db)
    _value, changes, txid = run_tracked(
        pg_db, lambda s: s.execute(text("UPDATE patient SET notes = 'a'")), before_commit=feed.own
    )
    assert changes.tables == {"patient"} and txid is not None
    with pg_db.write() as s:  # another desk, a moment later
        s.execute(text("UPDATE chair SET room = 'b'"))
    assert _next(feed).tables == {"chair"}  # ours was dropped, theirs came through
    time.sleep(0.1)
    assert not feed.poll()
    feed.close()
