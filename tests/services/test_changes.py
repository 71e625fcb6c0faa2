"""A unit of work says what it changed: tables written (ORM or Core) and appointments touched."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text, update

from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.services.booking import booking
from orca_desk.services.changes import EVERYTHING, NO_CHANGES, Changes, run_tracked
from tests.factories import book, make_world


def test_a_booking_names_the_appointment_and_its_tables(db, clock, manager):
    with db.write() as s:
        w = make_world(s)
    appt_id, changes, txid = run_tracked(
        db, lambda s: book(s, manager, w, start=clock.now(), now=clock.now())
    )
    assert txid is None  # SQLite has no transaction ids to tell desks apart
    assert changes.appointments == {appt_id}
    assert "appointment" in changes.tables
    assert "audit_event" not in changes.tables  # bookkeeping is not a change any screen shows


def test_core_statements_count_and_reads_and_no_op_edits_do_not(db):
    with db.write() as s:
        make_world(s)
    _, changes, _ = run_tracked(db, lambda s: s.execute(update(Patient).values(notes="x")))
    assert changes.tables == {"patient"}

    def read_and_touch(s):  # a read, and an attribute set to the value it had
        p = s.scalars(select(Patient)).first()
        p.first_name = p.first_name
        s.execute(text("SELECT count(*) FROM appointment"))

    _, changes, _ = run_tracked(db, read_and_touch)
    assert changes == NO_CHANGES and not changes


def test_a_move_is_one_appointment_and_a_refusal_changes_nothing(db, clock, manager):
    with db.write() as s:
        w = make_world(s)
        a_id = book(s, manager, w, start=clock.now(), now=clock.now())
        b_id = book(
            s, manager, w, start=clock.now() + timedelta(hours=1), now=clock.now(), patient=1, chair=1
        )
        version = s.get(Appointment, a_id).version
    _, changes, _ = run_tracked(
        db,
        lambda s: booking.move_appointment(
            s,
            manager,
            a_id,
            start=clock.now() + timedelta(hours=2),
            expected_version=version,
            now=clock.now(),
        ),
    )
    assert changes.appointments == {a_id}
    with db.read() as s:
        assert s.get(Appointment, b_id).version == 1


def test_touches_follows_what_a_screen_shows():
    patients = Changes(frozenset({"patient"}))
    assert patients.touches({"patient", "appointment"})
    assert not patients.touches({"outbox_message"})
    assert patients.touches(None)  # a screen that cannot say reloads on anything
    assert EVERYTHING.touches({"outbox_message"})
    assert not NO_CHANGES.touches(None)
    assert (patients | Changes(frozenset({"chair"}), frozenset({3}))) == Changes(
        frozenset({"patient", "chair"}), frozenset({3})
    )


def test_hand_written_sql_is_read_for_its_table(db):
    with db.write() as s:
        make_world(s)
    _, changes, _ = run_tracked(db, lambda s: s.execute(text('update "chair" set room = :r'), {"r": "B"}))
    assert changes.tables == {"chair"}
