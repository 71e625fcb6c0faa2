"""Confirmation replies that arrive together (one poll): applied together, still in the order they came.

YES replies of a poll are applied at the end of the batch in one statement per table
(``confirmations._settle``); these tests pin that the outcome is what replies handled one
by one would give, and that a reply the batch can't apply goes to staff.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from orca_desk.models.audit import AuditEvent
from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.reminders import ConfirmationRequest, StaffTask
from orca_desk.services import confirmations
from orca_desk.services.access.security import AUTOMATION
from orca_desk.services.booking import booking
from orca_desk.services.errors import StaleEditError
from orca_desk.services.messaging.inbound import poll_inbound
from tests.conftest import NOW
from tests.factories import book
from tests.services.test_reminders import (
    DESK,
    FAMILY,
    HANDLERS,
    TUE_1530,
    D,
    H,
    M,
    appt,
    at,
    clinic,
    plans,
    providers,
    tick,
)

KID2, KID3 = "+16175551002", "+16175551003"  # make_world's own numbers for Kid2 and Kid3


def _asked(db, fake, shared_clock):
    """Siblings Kid0+Kid1 (family phone), Kid2 and Kid3 (own phones), all asked to confirm."""
    c = clinic(db, shared=2)
    provs = providers(fake)
    ids = [
        book(db, DESK, c, patient=0, start=TUE_1530, now=NOW, chair=0),
        book(db, DESK, c, patient=1, start=TUE_1530 + H, now=NOW, chair=1),
        book(db, DESK, c, patient=2, start=TUE_1530, now=NOW, chair=2),
        book(db, DESK, c, patient=3, start=TUE_1530 - H, now=NOW, chair=0),
    ]
    now = at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1))
    tick(db, provs, now)
    assert {appt(db, i).confirmation for i in ids} == {"requested"}
    return c, provs, ids, now


def _poll(db, fake, provs, now, replies, handlers=HANDLERS):
    """The replies arrive a second apart and are fetched by one poll; returns them as stored, in order."""
    for n, (sender, body) in enumerate(replies):
        fake.add_inbound(sender, body=body, at=now + timedelta(seconds=n))
    now += timedelta(seconds=len(replies))
    summary = poll_inbound(db, provs["sms"], now=now, handlers=handlers)
    with db.read() as s:
        rows = list(s.scalars(select(InboundMessage).order_by(InboundMessage.received_at, InboundMessage.id)))
        s.expunge_all()
    assert [(r.from_address, r.body) for r in rows[-len(replies) :]] == replies
    return summary, rows[-len(replies) :]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request):  # type: ignore[no-untyped-def]
    """The desk's SQLite and the clinic's shared PostgreSQL (the batch's statements differ by dialect)."""
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


def test_a_poll_of_yes_replies_confirms_every_family_with_one_thank_you_each(any_db, fake, shared_clock):
    db = any_db
    _, provs, ids, now = _asked(db, fake, shared_clock)
    now = at(shared_clock, now + H)
    versions = {i: appt(db, i).version for i in ids}
    summary, rows = _poll(db, fake, provs, now, [(FAMILY, "YES"), (KID2, "y"), (KID3, "Confirm")])
    assert (summary.handled, summary.to_staff) == (3, 0)
    assert [(r.handled_by, r.unread, r.needs_review) for r in rows] == [("confirmation", False, False)] * 3
    assert rows[0].appointment_id in ids[:2] and [r.appointment_id for r in rows[1:]] == [ids[2], ids[3]]
    for i in ids:
        a = appt(db, i)
        assert (a.status, a.confirmation, a.version) == ("confirmed", "confirmed", versions[i] + 1)
        # The day-of reminder stays; the question is not asked again.
        assert plans(db, i) == [
            (7 * D // timedelta(minutes=1), "email", "skipped"),
            (2 * M, "sms", "queued"),
            (120, "sms", "planned"),
        ]
    with db.read() as s:
        answered = dict(
            s.execute(
                select(ConfirmationRequest.appointment_id, ConfirmationRequest.inbound_id).where(
                    ConfirmationRequest.status == "answered"
                )
            ).all()
        )
        audits = list(s.scalars(select(AuditEvent.actor).where(AuditEvent.action == "confirmed")))
        thanks = list(
            s.scalars(
                select(OutboxMessage.to_address)
                .where(OutboxMessage.purpose == confirmations.REPLY_PURPOSE)
                .order_by(OutboxMessage.id)
            )
        )
    assert answered == {ids[0]: rows[0].id, ids[1]: rows[0].id, ids[2]: rows[1].id, ids[3]: rows[2].id}
    assert audits == ["automation"] * 4
    assert thanks == [FAMILY, KID2, KID3]
    # The poll again (a restart): nothing is stored or answered twice.
    again = poll_inbound(db, provs["sms"], now=now, handlers=HANDLERS)
    assert again.stored == 0


def test_yes_then_no_from_one_number_in_one_poll_act_in_the_order_they_came(db, fake, shared_clock):
    _, provs, ids, now = _asked(db, fake, shared_clock)
    now = at(shared_clock, now + H)
    summary, rows = _poll(db, fake, provs, now, [(KID2, "YES"), (FAMILY, "yes"), (KID2, "No")])
    # The YES confirmed Kid2 before the NO was read: the NO contradicts an answered question.
    assert appt(db, ids[2]).confirmation == "confirmed" and appt(db, ids[2]).status == "confirmed"
    assert [(r.handled_by, r.needs_review) for r in rows] == [
        ("confirmation", False),
        ("confirmation", False),
        (None, True),
    ]
    assert (summary.handled, summary.to_staff) == (2, 1)
    assert appt(db, ids[0]).confirmation == appt(db, ids[1]).confirmation == "confirmed"


class _CancelsKid2:
    """A feature's handler that cancels Kid2's visit when a (made-up) reply says so."""

    name = "canceller"

    def __init__(self, appointment_id: int) -> None:
        self.appointment_id = appointment_id

    def handle(self, session, inbound, now):  # type: ignore[no-untyped-def]
        if inbound.body != "CANCEL KID2":
            return False
        booking.cancel_appointment(session, AUTOMATION, self.appointment_id, reason="test", now=now)
        return True


def test_a_yes_whose_visit_another_handler_cancelled_in_the_same_poll_goes_to_staff(db, fake, shared_clock):
    _, provs, ids, now = _asked(db, fake, shared_clock)
    now = at(shared_clock, now + H)
    handlers = [_CancelsKid2(ids[2]), *HANDLERS]
    replies = [(KID2, "YES"), (KID3, "YES"), ("+16175550199", "CANCEL KID2")]
    summary, rows = _poll(db, fake, provs, now, replies, handlers=handlers)
    assert [(r.handled_by, r.unread, r.needs_review) for r in rows] == [
        (None, True, True),
        ("confirmation", False, False),
        ("canceller", False, False),
    ]
    assert (summary.handled, summary.to_staff) == (2, 1)
    assert appt(db, ids[2]).status == "cancelled" and appt(db, ids[3]).status == "confirmed"
    with db.read() as s:
        thanks = list(
            s.scalars(
                select(OutboxMessage.to_address).where(OutboxMessage.purpose == confirmations.REPLY_PURPOSE)
            )
        )
    assert thanks == [KID3]


def test_when_the_batch_is_refused_each_reply_is_applied_on_its_own(db, fake, shared_clock, monkeypatch):
    _, provs, ids, now = _asked(db, fake, shared_clock)
    now = at(shared_clock, now + H)
    calls = []

    def another_desk_was_faster(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[2])
        raise StaleEditError("Another desk changed this appointment a moment ago.")

    monkeypatch.setattr(booking, "set_status_many", another_desk_was_faster)
    summary, _ = _poll(db, fake, provs, now, [(FAMILY, "YES"), (KID3, "YES")])
    assert calls == [[ids[0], ids[1], ids[3]]]
    assert (summary.handled, summary.to_staff) == (2, 0)
    assert {appt(db, i).status for i in (ids[0], ids[1], ids[3])} == {"confirmed"}
    assert appt(db, ids[2]).status == "scheduled"


def test_a_yes_to_an_already_confirmed_visit_closes_its_call_task(db, fake, shared_clock):
    _, provs, ids, now = _asked(db, fake, shared_clock)
    with db.write() as s:  # the desk confirmed Kid3 by hand; a call was still on the list
        booking.set_status(s, DESK, ids[3], "confirmed", now=now)
        s.add(
            StaffTask(
                clinic_id=appt(db, ids[3]).clinic_id,
                kind="call",
                appointment_id=ids[3],
                patient_id=appt(db, ids[3]).patient_id,
                reason="unconfirmed",
                status="open",
                attempts=[],
                created_at=now,
                updated_at=now,
            )
        )
    now = at(shared_clock, now + H)
    summary, _ = _poll(db, fake, provs, now, [(KID3, "YES"), (KID2, "YES")])
    assert (summary.handled, summary.to_staff) == (2, 0)
    with db.read() as s:
        task = s.scalar(select(StaffTask).where(StaffTask.appointment_id == ids[3]))
        assert (task.status, task.outcome) == ("done", "confirmed")
    assert appt(db, ids[2]).status == "confirmed"
