"""Inbound replies through the fake provider: STOP/START/HELP, feature handlers, staff inbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.audit import AuditEvent
from orca_desk.models.messaging import ContactState, InboundMessage, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.dispatch import dispatch_due
from orca_desk.services.messaging.inbound import (
    InboundHandlers,
    poll_inbound,
    unsubscribe_address,
)
from tests.conftest import NOW
from tests.factories import book
from tests.services.messaging.support import DESK, make_family, providers_for

PHONE = "+16175559000"


def remind(db, fam, key: str, patient: int, appointment_id: int | None = None) -> int:
    with db.write() as s:
        p = s.get(Patient, fam.patient_ids[patient])
        return outbox.enqueue_for_patient(
            s,
            p,
            body=f"Reminder {key}",
            purpose="reminder",
            dedupe_key=key,
            now=NOW,
            appointment_id=appointment_id,
        ).id


def inbound_rows(db) -> list[InboundMessage]:
    with db.read() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_stop_from_a_parents_phone_stops_every_sibling_and_is_confirmed(db, fake, shared_clock):
    fam = make_family(db, siblings=2, phone=PHONE)
    providers = providers_for(fake)
    fake.add_inbound(PHONE, body=" stop ")
    summary = poll_inbound(db, providers["sms"], now=NOW)
    assert (summary.stored, summary.handled) == (1, 1)
    with db.read() as s:
        kids = [s.get(Patient, pid) for pid in fam.patient_ids[:2]]
        assert [k.sms_consent for k in kids] == [False, False]
        state = s.scalar(select(ContactState).where(ContactState.address == PHONE))
        assert state.opted_out and state.opt_source == "STOP reply"
        assert s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "consent.revoke")) == 2
    [row] = inbound_rows(db)
    assert (row.kind, row.handled_by, row.unread) == ("opt_out", "opt_out", False)
    # The confirmation goes out at once (even at night and to the opted-out number) …
    with db.write() as s:  # enqueue_for_patient now refuses; a raw enqueue meets it at send time
        a = outbox.enqueue(
            s,
            clinic_id=fam.clinic_id,
            channel="sms",
            to_address=PHONE,
            body="R",
            purpose="reminder",
            dedupe_key="r1",
            now=NOW,
            patient_id=fam.patient_ids[0],
        ).id
    dispatch_due(db, providers, now=NOW, worker_id="w")
    bodies = [r.body for r in fake.sent_sms]
    assert bodies == [
        "Test Ortho: You're unsubscribed and will get no more texts from us. Reply START to resubscribe."
    ]
    with db.read() as s:
        assert s.get(OutboxMessage, a).status == "failed"
    # … and polling again neither stores nor answers it twice.
    assert poll_inbound(db, providers["sms"], now=NOW).stored == 0
    dispatch_due(db, providers, now=NOW, worker_id="w")
    assert len(fake.sent_sms) == 1


def test_start_resubscribes_and_help_answers_with_the_clinic(db, fake, shared_clock):
    fam = make_family(db, siblings=2, phone=PHONE)
    providers = providers_for(fake)
    with db.write() as s:
        unsubscribe_address(s, "sms", PHONE, source="STOP reply", now=NOW)
    shared_clock.set(NOW + timedelta(minutes=1))
    fake.add_inbound(PHONE, body="START")
    fake.add_inbound(PHONE, body="help")
    summary = poll_inbound(db, providers["sms"], now=NOW + timedelta(minutes=1))
    assert summary.handled == 2
    with db.read() as s:
        assert all(s.get(Patient, pid).sms_consent for pid in fam.patient_ids[:2])
        assert not s.scalar(select(ContactState).where(ContactState.address == PHONE)).opted_out
    remind(db, fam, "after", 1)
    dispatch_due(db, providers, now=NOW + timedelta(minutes=1), worker_id="w")
    bodies = sorted(r.body for r in fake.sent_sms)
    assert bodies == sorted(
        [
            "Test Ortho: You're subscribed to appointment texts again. Reply STOP to unsubscribe, "
            "HELP for help.",
            "Test Ortho: appointment messages. For help call us at +16175550100. Reply STOP to unsubscribe.",
            "Reminder after",
        ]
    )


class YesHandler:
    """A stand-in for the confirmations feature: takes YES replies."""

    name = "confirmation"

    def __init__(self) -> None:
        self.seen: list[int] = []

    def handle(self, session: Session, inbound: InboundMessage, now: datetime) -> bool:
        if inbound.kind != "confirm":
            return False
        self.seen.append(inbound.appointment_id or 0)
        return True


def test_feature_handlers_then_the_staff_inbox(db, fake, shared_clock):
    fam = make_family(db, siblings=2, phone=PHONE)
    providers = providers_for(fake)
    appt = book(db, DESK, fam.world, patient=1, start=NOW + timedelta(days=2), now=NOW)
    remind(db, fam, "r", 1, appointment_id=appt)
    dispatch_due(db, providers, now=NOW, worker_id="w")
    handler = YesHandler()
    handlers = InboundHandlers()
    handlers.register(handler)
    shared_clock.set(NOW + timedelta(minutes=5))
    fake.add_inbound(PHONE, body="Yes")
    fake.add_inbound(PHONE, body="can we do 4pm instead?")
    fake.add_inbound(PHONE, body="please stop texting me")
    summary = poll_inbound(db, providers["sms"], now=NOW + timedelta(minutes=5), handlers=handlers)
    assert (summary.handled, summary.to_staff) == (1, 2)
    assert handler.seen == [appt]
    by_body = {r.body: r for r in inbound_rows(db)}
    yes, free = by_body["Yes"], by_body["can we do 4pm instead?"]
    plain_stop = by_body["please stop texting me"]
    assert (yes.handled_by, yes.unread) == ("confirmation", False)
    # Free text waits for staff, linked to the patient and appointment the last text was about.
    assert (free.handled_by, free.unread, free.patient_id, free.appointment_id) == (
        None,
        True,
        fam.patient_ids[1],
        appt,
    )
    # A plain-language request to stop is for staff to confirm; nothing is revoked yet.
    assert (plain_stop.kind, plain_stop.needs_review, plain_stop.unread) == ("needs_review", True, True)
    with db.read() as s:
        assert s.get(Patient, fam.patient_ids[0]).sms_consent
    # The cursor moved: nothing is fetched as new again.
    assert poll_inbound(db, providers["sms"], now=NOW + timedelta(minutes=6), handlers=handlers).stored == 0


def test_email_unsubscribe_for_the_gateway(db, fake):
    fam = make_family(db, siblings=0)
    with db.write() as s:
        p = s.get(Patient, fam.patient_ids[0])
        p.contact_email, p.email_consent = "parent@example.com", True
        queued = outbox.enqueue_for_patient(
            s, p, channel="email", subject="S", body="B", purpose="reminder", dedupe_key="e", now=NOW
        ).id
    with db.write() as s:
        assert unsubscribe_address(s, "email", "parent@example.com", source="unsubscribe link", now=NOW) == [
            fam.patient_ids[0]
        ]
    dispatch_due(db, providers_for(fake), now=NOW, worker_id="w")
    with db.read() as s:
        m = s.get(OutboxMessage, queued)
        assert (m.status, m.error_code) == ("failed", "opted_out")
        assert not s.get(Patient, fam.patient_ids[0]).email_consent
    assert fake.sent_email == []
