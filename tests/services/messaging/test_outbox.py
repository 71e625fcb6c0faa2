"""Outbox: idempotent enqueue (single and bulk), recipients and refusals, staff actions, queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from orca_desk.models.messaging import ContactState, OutboxEvent, OutboxMessage
from orca_desk.services.access.security import Actor
from orca_desk.services.errors import PermissionDenied, ValidationError
from orca_desk.services.messaging import outbox, outbox_queries
from orca_desk.services.messaging.outbox import NewMessage
from orca_desk.services.messaging.outbox_queries import OutboxFilter
from tests.conftest import NOW
from tests.factories import make_world


def test_enqueue_is_idempotent_on_dedupe_key(db):
    with db.write() as s:
        w = make_world(s)
        first = outbox.enqueue(
            s,
            clinic_id=w.clinic.id,
            channel="sms",
            to_address="+16175551000",
            body="Hello",
            purpose="reminder",
            dedupe_key="r:1",
            now=NOW,
            patient_id=w.patients[0].id,
        )
        again = outbox.enqueue(
            s,
            clinic_id=w.clinic.id,
            channel="sms",
            to_address="+16175551000",
            body="Hello again",
            purpose="reminder",
            dedupe_key="r:1",
            now=NOW,
        )
        assert again.id == first.id and again.body == "Hello"
    with db.read() as s:
        assert s.scalar(select(func.count(OutboxMessage.id))) == 1
        assert [e.status for e in outbox_queries.message_history(s, first.id)] == ["queued"]


def test_enqueue_rolls_back_with_its_cause(db):
    with db.write() as s:
        w = make_world(s)
        clinic_id = w.clinic.id
    with pytest.raises(RuntimeError), db.write() as s:
        outbox.enqueue(
            s,
            clinic_id=clinic_id,
            channel="sms",
            to_address="+16175551000",
            body="Hi",
            purpose="manual",
            dedupe_key="x",
            now=NOW,
        )
        raise RuntimeError("the cause failed")
    with db.read() as s:
        assert s.scalar(select(func.count(OutboxMessage.id))) == 0


def test_enqueue_validates(db):
    with db.write() as s:
        w = make_world(s)
        with pytest.raises(ValidationError, match="subject"):
            outbox.enqueue(
                s,
                clinic_id=w.clinic.id,
                channel="email",
                to_address="a@b.example",
                body="Hi",
                purpose="manual",
                dedupe_key="e",
                now=NOW,
            )
        with pytest.raises(ValidationError, match="1600"):
            outbox.enqueue(
                s,
                clinic_id=w.clinic.id,
                channel="sms",
                to_address="+16175551000",
                body="x" * 1601,
                purpose="manual",
                dedupe_key="l",
                now=NOW,
            )


def test_enqueue_many_is_idempotent(db):
    """Its speed is measured by the benchmarks (``dev.py bench``), never by a timed unit test."""
    with db.write() as s:
        w = make_world(s)
        clinic_id = w.clinic.id
    batch = [
        NewMessage(
            clinic_id=clinic_id,
            channel="sms",
            to_address=f"+1617555{i:04d}",
            body=f"Reminder {i}",
            purpose="reminder",
            dedupe_key=f"bulk:{i}",
        )
        for i in range(5000)
    ]
    with db.write() as s:
        ids = outbox.enqueue_many(s, batch, now=NOW)
    assert len(set(ids)) == 5000
    with db.write() as s:
        again = outbox.enqueue_many(s, [*batch[:10], batch[0]], now=NOW)
    assert again == [*ids[:10], ids[0]]
    with db.read() as s:
        assert s.scalar(select(func.count(OutboxMessage.id))) == 5000
        assert s.scalar(select(func.count(OutboxEvent.id))) == 5000


def test_enqueue_for_patient_resolves_and_refuses(db):
    with db.write() as s:
        w = make_world(s)
        kid = w.patients[0]
        msg = outbox.enqueue_for_patient(s, kid, body="Hi", purpose="manual", dedupe_key="p1", now=NOW)
        assert (msg.channel, msg.to_address) == ("sms", kid.contact_phone)
        kid.sms_consent = False
        with pytest.raises(ValidationError, match="No SMS consent"):
            outbox.enqueue_for_patient(s, kid, body="Hi", purpose="manual", dedupe_key="p2", now=NOW)
        with pytest.raises(ValidationError, match="no email address"):
            outbox.enqueue_for_patient(
                s, kid, body="Hi", subject="S", purpose="manual", dedupe_key="p3", now=NOW, channel="email"
            )
        other = w.patients[1]
        s.add(ContactState(channel="sms", address=other.contact_phone, opted_out=True, updated_at=NOW))
        s.flush()
        with pytest.raises(ValidationError, match="STOP"):
            outbox.enqueue_for_patient(s, other, body="Hi", purpose="manual", dedupe_key="p4", now=NOW)


def test_cancel_retry_and_queries(db, receptionist):
    with db.write() as s:
        w = make_world(s)
        a = outbox.enqueue_for_patient(
            s, w.patients[0], body="Braces check", purpose="manual", dedupe_key="a", now=NOW
        )
        b = outbox.enqueue_for_patient(
            s,
            w.patients[1],
            body="Other text",
            purpose="reminder",
            dedupe_key="b",
            now=NOW + timedelta(hours=1),
        )
        a_id, b_id = a.id, b.id
    with db.write() as s:
        with pytest.raises(PermissionDenied):
            outbox.cancel(s, Actor(username="x", role="clinician"), a_id, now=NOW)
        outbox.cancel(s, receptionist, a_id, now=NOW, reason="wrong patient")
        with pytest.raises(ValidationError, match="only queued"):
            outbox.cancel(s, receptionist, a_id, now=NOW)
        with pytest.raises(ValidationError, match="only failed"):
            outbox.retry(s, receptionist, b_id, now=NOW)
    with db.read() as s:
        counts = outbox_queries.outbox_counts(s)
        assert (counts.queued, counts.deferred, counts.failed) == (1, 0, 0)
        rows = outbox_queries.list_messages(s, OutboxFilter(text="kid0"))
        assert [r.id for r in rows] == [a_id]
        assert rows[0].patient_name == "Kid0 Smith" and rows[0].status == "cancelled"
        assert [r.id for r in outbox_queries.list_messages(s)] == [b_id, a_id]
        assert [r.id for r in outbox_queries.list_messages(s, OutboxFilter(purpose="reminder"))] == [b_id]
        assert [
            r.id for r in outbox_queries.list_messages(s, OutboxFilter(since=NOW + timedelta(minutes=1)))
        ] == [b_id]
        assert outbox_queries.count_messages(s, OutboxFilter(statuses=("cancelled",))) == 1
        assert [e.status for e in outbox_queries.message_history(s, a_id)] == ["queued", "cancelled"]
    with db.write() as s:
        outbox.retry(s, receptionist, a_id, now=NOW)
    with db.read() as s:
        assert outbox_queries.get_message(s, a_id).status == "queued"


def test_a_manual_email_needs_recorded_email_consent(db):
    with db.write() as s:
        w = make_world(s)
        p = w.patients[0]
        p.contact_email = "parent@example.com"
        with pytest.raises(ValidationError, match="no email consent is recorded"):
            outbox.enqueue_for_patient(
                s, p, channel="email", subject="Hi", body="Hello", purpose="manual", dedupe_key="m1", now=NOW
            )
        p.email_consent = True
        assert outbox.enqueue_for_patient(
            s, p, channel="email", subject="Hi", body="Hello", purpose="manual", dedupe_key="m1", now=NOW
        ).id
