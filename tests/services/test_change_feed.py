"""The change feed notices other connections' commits: SQLite data_version, PostgreSQL NOTIFY."""

from __future__ import annotations

import time

from sqlalchemy import text

from orca_desk.services.change_feed import PostgresChangeFeed, SQLiteChangeFeed, open_change_feed
from tests.factories import make_world


def test_sqlite_feed_sees_a_commit_once(db):
    feed = open_change_feed(db)
    assert isinstance(feed, SQLiteChangeFeed)
    assert feed.poll() is False
    with db.write() as s:
        make_world(s)
    assert feed.poll() is True
    assert feed.poll() is False  # reported once
    with db.read() as s:  # reading changes nothing
        s.execute(text("SELECT count(*) FROM appointment")).scalar()
    assert feed.poll() is False
    feed.close()


def test_postgres_feed_hears_the_appointment_trigger(pg_db, clock, manager):
    from orca_desk.services import booking
    from orca_desk.services.booking import BookingRequest

    with pg_db.write() as s:
        w = make_world(s)
    feed = open_change_feed(pg_db)
    assert isinstance(feed, PostgresChangeFeed)
    assert feed.poll() is False
    with pg_db.write() as s:  # a patient change is not a calendar change
        s.execute(text("UPDATE patient SET notes = 'x'"))
    time.sleep(0.05)
    assert feed.poll() is False
    with pg_db.write() as s:
        booking.book_appointment(s, manager, BookingRequest(w.patients[0].id, w.ortho.id, w.chairs[0].id,
                                                            w.adjustment.id, clock.now()), now=clock.now())
    deadline = time.monotonic() + 2
    while not feed.poll():
        assert time.monotonic() < deadline, "no NOTIFY within 2 s"
        time.sleep(0.02)
    assert feed.poll() is False
    feed.close()
