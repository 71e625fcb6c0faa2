"""Booking core: conflicts, concurrency limits, transitions, stale edits, permissions, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.audit import AuditEvent
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.services.errors import (
    ConflictError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)
from tests.factories import make_world


@pytest.fixture
def world(db):
    with db.write() as s:
        w = make_world(s)
    return w


def req(w, *, patient=0, chair=0, provider=None, start, minutes=20, type_=None):
    return BookingRequest(
        patient_id=w.patients[patient].id,
        provider_id=(provider or w.ortho).id,
        chair_id=w.chairs[chair].id,
        type_id=(type_ or w.adjustment).id,
        start=start,
        minutes=minutes,
    )


def test_book_then_same_chair_conflicts_with_a_named_reason(db, world, clock, receptionist):
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:
        appt = booking.book_appointment(s, receptionist, req(world, start=t), now=clock.now())
        assert appt.end_at - appt.start_at == timedelta(minutes=20)
    with pytest.raises(ConflictError, match=r"Chair 1 is taken.*Kid0 Smith"), db.write() as s:
        booking.book_appointment(
            s, receptionist, req(world, patient=1, start=t + timedelta(minutes=10)), now=clock.now()
        )
    # Back-to-back is fine: intervals are half-open.
    with db.write() as s:
        booking.book_appointment(
            s, receptionist, req(world, patient=1, start=t + timedelta(minutes=20)), now=clock.now()
        )


def test_patient_cannot_be_in_two_chairs(db, world, clock, receptionist):
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:
        booking.book_appointment(s, receptionist, req(world, start=t), now=clock.now())
    with pytest.raises(ConflictError, match="already has an appointment"), db.write() as s:
        booking.book_appointment(
            s, receptionist, req(world, chair=1, start=t + timedelta(minutes=5)), now=clock.now()
        )


def test_provider_concurrency_limit(db, world, clock, receptionist):
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:  # Dr. Chen sees two at once, not three
        booking.book_appointment(s, receptionist, req(world, patient=0, chair=0, start=t), now=clock.now())
        booking.book_appointment(s, receptionist, req(world, patient=1, chair=1, start=t), now=clock.now())
    with pytest.raises(ConflictError, match=r"Dr\. Chen already sees 2 patients"), db.write() as s:
        booking.book_appointment(
            s, receptionist, req(world, patient=2, chair=2, start=t + timedelta(minutes=5)), now=clock.now()
        )
    with db.write() as s:  # another provider in the third chair is fine
        booking.book_appointment(
            s,
            receptionist,
            req(world, patient=2, chair=2, provider=world.hygienist, start=t),
            now=clock.now(),
        )


def test_cancelled_appointment_frees_the_chair_and_restore_checks_again(db, world, clock, receptionist):
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:
        a = booking.book_appointment(s, receptionist, req(world, start=t), now=clock.now())
    with db.write() as s:
        c = booking.cancel_appointment(s, receptionist, a.id, reason="school event", now=clock.now())
        assert c.status == "cancelled" and c.late_cancel is True
    with db.write() as s:
        booking.book_appointment(s, receptionist, req(world, patient=1, start=t), now=clock.now())
    with pytest.raises(ConflictError), db.write() as s:
        booking.restore_appointment(s, receptionist, a.id, now=clock.now())


def test_cancel_needs_a_reason_and_changes_nothing(db, world, clock, receptionist):
    with db.write() as s:
        a = booking.book_appointment(
            s, receptionist, req(world, start=clock.now() + timedelta(days=3)), now=clock.now()
        )
    with pytest.raises(ValidationError, match="reason"), db.write() as s:
        booking.cancel_appointment(s, receptionist, a.id, reason="  ", now=clock.now())
    with db.read() as s:
        assert s.get(Appointment, a.id).status == "scheduled"


def test_late_cancel_flag_depends_on_notice(db, world, clock, receptionist):
    with db.write() as s:
        a = booking.book_appointment(
            s, receptionist, req(world, start=clock.now() + timedelta(days=3)), now=clock.now()
        )
        c = booking.cancel_appointment(s, receptionist, a.id, reason="sick", now=clock.now())
        assert c.late_cancel is False


def test_move_keeps_duration_and_detects_conflicts(db, world, clock, receptionist):
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:
        a = booking.book_appointment(s, receptionist, req(world, start=t), now=clock.now())
        booking.book_appointment(
            s,
            receptionist,
            req(world, patient=1, chair=1, start=t + timedelta(hours=1), provider=world.hygienist),
            now=clock.now(),
        )
    with db.write() as s:
        m = booking.move_appointment(s, receptionist, a.id, start=t + timedelta(minutes=30), now=clock.now())
        assert m.end_at - m.start_at == timedelta(minutes=20) and m.version == 2
    with pytest.raises(ConflictError, match="Chair 2 is taken"), db.write() as s:
        booking.move_appointment(
            s, receptionist, a.id, start=t + timedelta(hours=1), chair_id=world.chairs[1].id, now=clock.now()
        )
    with pytest.raises(ValidationError, match="end after it starts"), db.write() as s:
        booking.move_appointment(s, receptionist, a.id, start=t, end=t, now=clock.now())


def test_stale_edit_is_reported_not_overwritten(db, world, clock, receptionist):
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:
        a = booking.book_appointment(s, receptionist, req(world, start=t), now=clock.now())
    seen_version = a.version
    with db.write() as s:  # the other desk moves it
        booking.move_appointment(
            s,
            receptionist,
            a.id,
            start=t + timedelta(hours=1),
            expected_version=seen_version,
            now=clock.now(),
        )
    with pytest.raises(StaleEditError, match="Another desk changed"), db.write() as s:
        booking.move_appointment(
            s,
            receptionist,
            a.id,
            start=t + timedelta(hours=3),
            expected_version=seen_version,
            now=clock.now(),
        )
    with db.read() as s:
        assert s.get(Appointment, a.id).start_at == t + timedelta(hours=1)


def test_status_transitions(db, world, clock, receptionist):
    t = clock.now() - timedelta(minutes=5)
    with db.write() as s:
        a = booking.book_appointment(s, receptionist, req(world, start=t), now=clock.now())
        for st in ("arrived", "seated", "completed"):
            booking.set_status(s, receptionist, a.id, st, now=clock.now())
    with (
        pytest.raises(ValidationError, match="completed appointment cannot become cancelled"),
        db.write() as s,
    ):
        booking.cancel_appointment(s, receptionist, a.id, reason="x", now=clock.now())
    with db.write() as s:
        b = booking.book_appointment(
            s,
            receptionist,
            req(world, patient=1, chair=1, start=clock.now() + timedelta(hours=1)),
            now=clock.now(),
        )
    with pytest.raises(ValidationError, match="not started yet"), db.write() as s:
        booking.mark_no_show(s, receptionist, b.id, now=clock.now())


def test_no_show_and_restore(db, world, clock, receptionist):
    t = clock.now() - timedelta(minutes=30)
    with db.write() as s:
        a = booking.book_appointment(s, receptionist, req(world, start=t), now=clock.now())
        booking.mark_no_show(s, receptionist, a.id, now=clock.now())
    with db.write() as s:
        r = booking.restore_appointment(s, receptionist, a.id, now=clock.now())
        assert r.status == "scheduled"


@pytest.mark.parametrize(("minutes", "message"), [(0, "at least one minute"), (600, "more than 8 hours")])
def test_bad_durations_are_refused(db, world, clock, receptionist, minutes, message):
    with pytest.raises(ValidationError, match=message), db.write() as s:
        booking.book_appointment(
            s, receptionist, req(world, start=clock.now(), minutes=minutes), now=clock.now()
        )


def test_past_booking_is_refused(db, world, clock, receptionist):
    with pytest.raises(ValidationError, match="in the past"), db.write() as s:
        booking.book_appointment(
            s, receptionist, req(world, start=clock.now() - timedelta(days=2)), now=clock.now()
        )


def test_permissions_are_checked_in_the_service(db, world, clock):
    clinician = Actor("drx", "clinician", permissions=ROLE_PERMISSIONS["clinician"])
    with pytest.raises(PermissionDenied, match="may not book"), db.write() as s:
        booking.book_appointment(s, clinician, req(world, start=clock.now()), now=clock.now())


def test_every_change_writes_an_audit_event(db, world, clock, receptionist):
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:
        a = booking.book_appointment(s, receptionist, req(world, start=t), now=clock.now())
        booking.move_appointment(s, receptionist, a.id, start=t + timedelta(minutes=20), now=clock.now())
        booking.cancel_appointment(s, receptionist, a.id, reason="sick", now=clock.now())
    with db.read() as s:
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["book", "move", "cancelled"]
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "move")).one()
        assert ev.actor == "maria" and ev.before["start"] != ev.after["start"]
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1


def test_every_change_is_reported_to_appointment_effects(db, world, clock, receptionist, monkeypatch):
    seen: list[tuple[str, str, bool, str | None]] = []

    def capture(session, change, *, now):
        a = change.appointment
        seen.append((change.kind, a.status, a.late_cancel, a.cancel_reason))

    monkeypatch.setattr(booking, "after_change", capture)
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:
        a = booking.book_appointment(s, receptionist, req(world, start=t), now=clock.now())
        booking.move_appointment(s, receptionist, a.id, start=t + timedelta(minutes=20), now=clock.now())
        booking.set_status(s, receptionist, a.id, "confirmed", now=clock.now())
        booking.cancel_appointment(s, receptionist, a.id, reason="sick", now=clock.now())
        booking.restore_appointment(s, receptionist, a.id, now=clock.now())
    assert seen == [
        ("booked", "scheduled", False, None),
        ("moved", "scheduled", False, None),
        ("status", "confirmed", False, None),
        ("cancelled", "cancelled", True, "sick"),
        ("restored", "scheduled", False, None),
    ]


def test_set_status_many_is_all_or_nothing_and_audits_each(db, world, clock, receptionist):
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:
        ids = [
            booking.book_appointment(
                s,
                receptionist,
                req(world, patient=i, chair=i, start=t + timedelta(minutes=30 * i)),
                now=clock.now(),
            ).id
            for i in range(3)
        ]
        booking.set_status(s, receptionist, ids[2], "arrived", now=clock.now())
    # One of them can't become confirmed: the refusal names it and nothing changes.
    with pytest.raises(ValidationError, match="arrived appointment cannot become confirmed"), db.write() as s:
        booking.set_status_many(s, receptionist, ids, "confirmed", now=clock.now())
    with db.read() as s:
        assert [s.get(Appointment, i).status for i in ids] == ["scheduled", "scheduled", "arrived"]
    with pytest.raises(ValidationError, match="cannot be set for many"), db.write() as s:
        booking.set_status_many(s, receptionist, ids[:2], "cancelled", now=clock.now())
    with db.write() as s:
        done = booking.set_status_many(s, receptionist, ids[:2], "confirmed", now=clock.now())
        assert [a.id for a in done] == ids[:2]
    with db.read() as s:
        for i in ids[:2]:
            a = s.get(Appointment, i)
            assert (a.status, a.confirmation, a.version) == ("confirmed", "confirmed", 2)
        events = s.execute(
            select(AuditEvent.entity_id, AuditEvent.actor, AuditEvent.before, AuditEvent.after)
            .where(AuditEvent.action == "confirmed")
            .order_by(AuditEvent.entity_id)
        ).all()
    assert [(e[0], e[1], e[2]["status"], e[3]["status"]) for e in events] == [
        (ids[0], "maria", "scheduled", "confirmed"),
        (ids[1], "maria", "scheduled", "confirmed"),
    ]


def test_set_status_many_reports_each_change_to_appointment_effects(
    db, world, clock, receptionist, monkeypatch
):
    seen: list[list[tuple[str, int, str]]] = []
    monkeypatch.setattr(
        booking,
        "after_changes",
        lambda session, changes, *, now: seen.append(
            [(c.kind, c.appointment.id, c.before["status"]) for c in changes]
        ),
    )
    t = clock.now() + timedelta(hours=2)
    with db.write() as s:
        ids = [
            booking.book_appointment(
                s, receptionist, req(world, patient=i, chair=i, start=t), now=clock.now()
            ).id
            for i in range(2)
        ]
        booking.set_status(s, receptionist, ids[0], "confirmed", now=clock.now())
        booking.set_status_many(s, receptionist, ids, "confirmed", now=clock.now())
    # The one already confirmed is not a change.
    assert seen == [[("status", ids[1], "scheduled")]]
