"""Dispatch through the fake provider over HTTP: policy at send time, faults, reconciliation."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from orca_desk.models.messaging import ContactState, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.dispatch import (
    DispatchOptions,
    dispatch_due,
    poll_delivery,
    reconcile_sending,
)
from orca_desk.services.messaging.policy import MessagingPolicy
from tests.conftest import NOW
from tests.factories import book
from tests.fakes import SHORT_TIMEOUTS
from tests.services.messaging.support import CALLBACK_BASE, DESK, OPTIONS, make_family, providers_for


def queue(db, fam, i: int, *, patient: int = 0, purpose: str = "reminder", at=NOW, **kw) -> int:
    with db.write() as s:
        p = s.get(Patient, fam.patient_ids[patient])
        return outbox.enqueue_for_patient(
            s, p, body=kw.pop("body", f"Message {i}"), purpose=purpose, dedupe_key=f"t:{i}", now=at, **kw
        ).id


def row(db, message_id: int) -> OutboxMessage:
    with db.read() as s:
        m = s.get(OutboxMessage, message_id)
        assert m is not None
        return m


def callback_ids(fake) -> list[int]:
    return [int(r.status_callback.rsplit("=", 1)[1]) for r in fake.sent_sms]


def test_sends_due_messages_and_records_provider_ids(db, fake):
    fam = make_family(db, siblings=0)
    ids = [queue(db, fam, i, patient=i % 3, purpose="manual") for i in range(3)]
    later = queue(db, fam, 9, purpose="manual", send_after=NOW + timedelta(hours=1))
    summary = dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1", options=OPTIONS)
    assert (summary.claimed, summary.sent) == (3, 3)
    assert sorted(callback_ids(fake)) == ids
    assert fake.sent_sms[0].status_callback.startswith(CALLBACK_BASE)
    sids = {r.sid for r in fake.sent_sms}
    for i in ids:
        m = row(db, i)
        assert m.status == "sent" and m.provider_id in sids and m.provider == "twilio"
        assert m.attempts == 1 and m.sent_at == NOW
    assert row(db, later).status == "queued"
    with db.read() as s:
        assert [e.status for e in outbox.message_history(s, ids[0])] == ["queued", "sending", "sent"]
    # Nothing more is due: a second pass sends nothing.
    assert dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1").claimed == 0
    assert len(fake.sent_sms) == 3


def test_quiet_hours_are_judged_at_send_time_in_the_patients_zone(db, fake):
    fam = make_family(db, siblings=0)
    with db.write() as s:
        s.get(Patient, fam.patient_ids[1]).timezone = "America/Los_Angeles"
    # Queued at 20:59 New York time (EST, UTC-5), due at 21:05: quiet hours by then.
    queued_at = datetime(2026, 3, 4, 1, 59, tzinfo=UTC)
    due = datetime(2026, 3, 4, 2, 5, tzinfo=UTC)
    ny = queue(db, fam, 1, at=queued_at, send_after=due)
    la = queue(db, fam, 2, patient=1, at=queued_at, send_after=due)
    summary = dispatch_due(db, providers_for(fake), now=due, worker_id="w1", options=OPTIONS)
    assert (summary.sent, summary.deferred) == (1, 1)
    assert callback_ids(fake) == [la]  # 18:05 in Los Angeles
    m = row(db, ny)
    assert m.status == "deferred" and m.error_code == "quiet_hours"
    assert m.next_attempt_at == datetime(2026, 3, 4, 13, 0, tzinfo=UTC)  # 08:00 EST
    assert dispatch_due(db, providers_for(fake), now=due + timedelta(hours=5), worker_id="w1").sent == 0
    assert dispatch_due(db, providers_for(fake), now=m.next_attempt_at, worker_id="w1").sent == 1


def test_quiet_hours_across_the_dst_change_and_the_home_location_zone(db, fake):
    fam = make_family(db, siblings=0)
    # Sat 7 Mar 2026 21:30 EST; clocks spring forward that night: 08:00 Sunday is EDT (UTC-4).
    due = datetime(2026, 3, 8, 2, 30, tzinfo=UTC)
    msg = queue(db, fam, 1, at=due, send_after=due)
    dispatch_due(db, providers_for(fake), now=due, worker_id="w1")
    assert row(db, msg).next_attempt_at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    # A patient without a zone of their own follows their home location (Chicago, CST).
    from orca_desk.models.clinic import Location

    with db.write() as s:
        chicago = Location(clinic_id=fam.clinic_id, name="West", timezone="America/Chicago")
        s.add(chicago)
        s.flush()
        s.get(Patient, fam.patient_ids[2]).home_location_id = chicago.id
    at = datetime(2026, 3, 4, 2, 30, tzinfo=UTC)  # 21:30 New York, 20:30 Chicago
    west = queue(db, fam, 2, patient=2, at=at)
    assert dispatch_due(db, providers_for(fake), now=at, worker_id="w1").sent == 1
    assert row(db, west).status == "sent"


def test_consent_and_opt_out_are_checked_at_send_time(db, fake):
    fam = make_family(db, siblings=0)
    a = queue(db, fam, 1)
    b = queue(db, fam, 2, patient=1)
    with db.write() as s:  # after queueing: consent withdrawn, the other number opts out
        s.get(Patient, fam.patient_ids[0]).sms_consent = False
        s.add(
            ContactState(
                channel="sms",
                address=s.get(Patient, fam.patient_ids[1]).contact_phone,
                opted_out=True,
                updated_at=NOW,
            )
        )
    summary = dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1")
    assert summary.failed == 2 and fake.sent_sms == []
    assert (row(db, a).status, row(db, a).error_code) == ("failed", "no_consent")
    assert (row(db, b).status, row(db, b).error_code) == ("failed", "opted_out")


def test_expired_messages_are_cancelled_not_sent(db, fake):
    fam = make_family(db, siblings=0)
    msg = queue(db, fam, 1, not_after=NOW + timedelta(minutes=5))
    dispatch_due(db, providers_for(fake), now=NOW + timedelta(minutes=6), worker_id="w1")
    assert (row(db, msg).status, row(db, msg).error_code) == ("cancelled", "expired")
    # Deferral past the deadline cancels at once rather than sending late.
    late = datetime(2026, 3, 4, 2, 30, tzinfo=UTC)  # 21:30 New York
    msg2 = queue(db, fam, 2, at=late, not_after=late + timedelta(hours=2))
    dispatch_due(db, providers_for(fake), now=late, worker_id="w1")
    assert row(db, msg2).status == "cancelled" and fake.sent_sms == []


def test_per_number_budget_defers_to_the_next_day(db, fake):
    fam = make_family(db, siblings=2)
    ids = [queue(db, fam, i, patient=i % 2) for i in range(4)]  # siblings share the phone
    policy = MessagingPolicy(daily_budget_per_number=3)
    summary = dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1", policy=policy)
    assert (summary.sent, summary.deferred) == (3, 1)
    last = row(db, ids[3])
    assert last.error_code == "budget"
    assert last.next_attempt_at == datetime(2026, 3, 4, 13, 0, tzinfo=UTC)  # 08:00 next day
    # Staff messages are not budgeted.
    manual = queue(db, fam, 9, purpose="manual")
    dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1", policy=policy)
    assert row(db, manual).status == "sent"


def test_siblings_reminders_to_one_phone_are_merged(db, fake):
    fam = make_family(db, siblings=2)
    start = datetime(2026, 3, 5, 20, 30, tzinfo=UTC)  # 15:30 EST
    a1 = book(db, DESK, fam.world, patient=0, start=start, now=NOW)
    a2 = book(db, DESK, fam.world, patient=1, start=start + timedelta(minutes=20), now=NOW)
    m1 = queue(db, fam, 1, appointment_id=a1)
    m2 = queue(db, fam, 2, patient=1, appointment_id=a2, send_after=NOW + timedelta(minutes=10))
    summary = dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1")
    assert (summary.sent, summary.merged) == (1, 1)
    [sms] = fake.sent_sms
    assert sms.body == (
        "Reminder: Kid0 on Thu, Mar 5 at 3:30 PM and Kid1 on Thu, Mar 5 at 3:50 PM "
        "at Northside. Reply YES to confirm both, NO to cancel."
    )
    first, second = row(db, m1), row(db, m2)
    assert first.status == second.status == "sent"
    assert second.provider_id == first.provider_id and second.merged_into_id == m1


def test_429_storm_defers_with_backoff_then_sends_once(db, fake):
    fam = make_family(db, siblings=0)
    ids = [queue(db, fam, i, patient=i % 3, purpose="manual") for i in range(3)]
    fake.fail_next(12, status=429, retry_after=2)  # 4 attempts for each of the 3 messages
    providers = providers_for(fake)
    summary = dispatch_due(db, providers, now=NOW, worker_id="w1", options=OPTIONS)
    assert (summary.sent, summary.deferred) == (0, 3)
    assert fake.sent_sms == []
    for i in ids:
        m = row(db, i)
        assert m.status == "deferred" and m.next_attempt_at >= NOW + timedelta(seconds=2)
        assert m.claimed_by is None
    later = NOW + timedelta(hours=1)
    assert dispatch_due(db, providers, now=later, worker_id="w1", options=OPTIONS).sent == 3
    assert sorted(callback_ids(fake)) == ids
    assert all(row(db, i).attempts == 2 for i in ids)


def test_500s_are_retried_by_the_client_and_then_by_the_outbox(db, fake):
    fam = make_family(db, siblings=0)
    msg = queue(db, fam, 1, purpose="manual")
    fake.fail_next(2, status=500)
    assert dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1").sent == 1
    assert len(fake.sent_sms) == 1 and row(db, msg).attempts == 1
    # Gives up after max_attempts outbox attempts.
    msg2 = queue(db, fam, 2, purpose="manual")
    options = DispatchOptions(max_attempts=2)
    fake.fail_next(8, status=500)
    t = NOW
    for _ in range(2):
        dispatch_due(db, providers_for(fake), now=t, worker_id="w1", options=options)
        t += timedelta(hours=2)
    assert (row(db, msg2).status, row(db, msg2).attempts) == ("failed", 2)


def test_permanent_errors_flag_the_contact(db, fake):
    fam = make_family(db, siblings=0)
    phones = []
    with db.read() as s:
        phones = [s.get(Patient, pid).contact_phone for pid in fam.patient_ids[:3]]
    fake.set_recipient_behaviour(phones[0], "opted_out")
    fake.set_recipient_behaviour(phones[1], "invalid")
    fake.set_recipient_behaviour(phones[2], "landline")
    ids = [queue(db, fam, i, patient=i) for i in range(3)]
    dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1")
    assert [row(db, i).status for i in ids] == ["failed", "undeliverable", "undeliverable"]
    with db.read() as s:
        states = {c.address: c for c in s.scalars(select(ContactState))}
        assert states[phones[0]].opted_out and not s.get(Patient, fam.patient_ids[0]).sms_consent
        assert states[phones[1]].undeliverable and states[phones[2]].undeliverable
    # Later messages to a refused number fail without a request.
    before = len(fake.requests)
    with db.write() as s:  # enqueue_for_patient refuses it; a raw enqueue meets it at send time
        later = outbox.enqueue(
            s,
            clinic_id=fam.clinic_id,
            channel="sms",
            to_address=phones[2],
            body="Hi",
            purpose="manual",
            dedupe_key="late",
            now=NOW,
        ).id
    dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1")
    assert row(db, later).status == "undeliverable" and len(fake.requests) == before


def test_timeout_is_reconciled_without_a_duplicate(db, fake):
    fam = make_family(db, siblings=0)
    msg = queue(db, fam, 1, purpose="manual")
    providers = providers_for(fake, timeouts=SHORT_TIMEOUTS)
    fake.drop_after_accept_next(1, stall_seconds=1.0)  # Twilio creates it, the answer is lost
    summary = dispatch_due(db, providers, now=NOW, worker_id="w1", options=OPTIONS)
    assert summary.unknown == 1
    m = row(db, msg)
    assert (m.status, m.error_code) == ("sending", "unknown")
    # The next dispatch pass does not resend it.
    dispatch_due(db, providers, now=NOW + timedelta(minutes=1), worker_id="w1", options=OPTIONS)
    assert len(fake.sent_sms) == 1
    rec = reconcile_sending(db, providers, now=NOW + timedelta(minutes=1), options=OPTIONS)
    assert rec.found == 1
    m = row(db, msg)
    assert m.status == "sent" and m.provider_id == fake.sent_sms[0].sid
    assert len(fake.sent_sms) == 1


def test_slow_provider_waits_for_the_grace_period_before_deciding(db, fake):
    fam = make_family(db, siblings=0)
    msg = queue(db, fam, 1, purpose="manual")
    providers = providers_for(fake, timeouts=SHORT_TIMEOUTS)
    fake.delay_next(1, 1.5)  # the request is still being handled when we look
    assert dispatch_due(db, providers, now=NOW, worker_id="w1", options=OPTIONS).unknown == 1
    early = reconcile_sending(db, providers, now=NOW + timedelta(seconds=10), options=OPTIONS)
    assert (early.found, early.requeued, early.waiting) == (0, 0, 1)
    deadline = time.monotonic() + 5
    while not fake.sent_sms and time.monotonic() < deadline:
        time.sleep(0.05)
    rec = reconcile_sending(db, providers, now=NOW + timedelta(seconds=20), options=OPTIONS)
    assert rec.found == 1 and row(db, msg).status == "sent" and len(fake.sent_sms) == 1


def test_claims_of_a_dead_worker_are_requeued_only_when_the_provider_lacks_them(db, fake):
    fam = make_family(db, siblings=0)
    lost = queue(db, fam, 1, purpose="manual")
    went = queue(db, fam, 2, patient=1, purpose="manual")
    with db.write() as s:  # a worker claimed both, sent one, and died
        for i in (lost, went):
            m = s.get(OutboxMessage, i)
            m.status, m.claimed_by, m.claimed_at, m.attempts = "sending", "dead", NOW, 1
    providers = providers_for(fake)
    from orca_desk.services.messaging.dispatch import outgoing
    from orca_desk.services.messaging.dispatch.common import Claim

    with db.read() as s:
        m = s.get(OutboxMessage, went)
        providers["sms"].send(outgoing(Claim(m.id, "sms", m.to_address, m.body, None, None, NOW), OPTIONS))
    # Young claims belong to a worker that may be alive: left alone.
    young = reconcile_sending(db, providers, now=NOW + timedelta(minutes=1), options=OPTIONS)
    assert (young.found, young.requeued) == (0, 0)
    later = NOW + timedelta(minutes=6)
    rec = reconcile_sending(db, providers, now=later, options=OPTIONS)
    assert (rec.found, rec.requeued) == (1, 1)
    dispatch_due(db, providers, now=later, worker_id="w2", options=OPTIONS)
    assert Counter(callback_ids(fake)) == {lost: 1, went: 1}
    assert row(db, lost).status == row(db, went).status == "sent"


def test_unknown_email_goes_to_staff_instead_of_a_blind_resend(db, fake):
    fam = make_family(db, siblings=0)
    with db.write() as s:
        p = s.get(Patient, fam.patient_ids[0])
        p.contact_email, p.email_consent = "parent@example.com", True
        name = p.display_name
        msg = outbox.enqueue_for_patient(
            s, p, channel="email", subject="Hi", body="Hello", purpose="manual", dedupe_key="e1", now=NOW
        ).id
    providers = providers_for(fake, timeouts=SHORT_TIMEOUTS)
    fake.drop_after_accept_next(1, stall_seconds=1.0)
    dispatch_due(db, providers, now=NOW, worker_id="w1", options=OPTIONS)
    assert row(db, msg).status == "sending"
    later = NOW + timedelta(minutes=10)
    reconcile_sending(db, providers, now=later, options=OPTIONS)
    assert (row(db, msg).status, row(db, msg).error_code) == ("failed", "unknown_outcome")
    assert len(fake.sent_email) == 1
    assert fake.sent_email[0].custom_args == {"outbox_id": str(msg)}
    # The family may have got nothing: staff get a task naming them, once.
    from orca_desk.models.reminders import StaffTask

    with db.read() as s:
        [task] = s.scalars(select(StaffTask)).all()
        assert (task.status, task.patient_id, task.created_at) == ("open", fam.patient_ids[0], later)
        assert name in task.reason and "parent@example.com" in task.reason and "“Hi”" in task.reason
    reconcile_sending(db, providers, now=later + timedelta(minutes=10), options=OPTIONS)
    with db.read() as s:
        assert len(s.scalars(select(StaffTask)).all()) == 1


@pytest.mark.parametrize(
    "purpose", ["manual", "campaign", "waitlist_offer", "recovery", "appointment_reminder"]
)
def test_email_consent_is_checked_at_send_time(db, fake, purpose):
    """Offers, campaigns, manual emails…: every email but a test needs recorded email consent,
    judged when it is sent (consent may be withdrawn after it was queued)."""
    fam = make_family(db, siblings=0)
    with db.write() as s:
        p = s.get(Patient, fam.patient_ids[0])
        p.contact_email = "parent@example.com"
        msg = outbox.enqueue(
            s,
            clinic_id=p.clinic_id,
            channel="email",
            to_address=p.contact_email,
            subject="News",
            body="Hello",
            purpose=purpose,
            dedupe_key="c1",
            now=NOW,
            patient_id=p.id,
        ).id
        test = outbox.enqueue(
            s,
            clinic_id=p.clinic_id,
            channel="email",
            to_address="me@clinic.example",
            subject="Test",
            body="Test",
            purpose="test",
            dedupe_key="t1",
            now=NOW,
        ).id
    summary = dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1", options=OPTIONS)
    assert (row(db, msg).status, row(db, msg).error_code) == ("failed", "no_consent")
    assert "no email consent" in (row(db, msg).error or "")
    assert row(db, test).status == "sent" and summary.sent == 1
    assert [r.to for r in fake.sent_email] == [["me@clinic.example"]]


def test_delivery_reports_are_polled(db, fake):
    fam = make_family(db, siblings=0)
    ok = queue(db, fam, 1, purpose="manual")
    bad = queue(db, fam, 2, patient=1, purpose="manual")
    with db.read() as s:
        fake.set_recipient_behaviour(s.get(Patient, fam.patient_ids[1]).contact_phone, "undelivered")
    providers = providers_for(fake)
    dispatch_due(db, providers, now=NOW, worker_id="w1")
    t = NOW
    for _ in range(4):
        t += timedelta(minutes=10)
        poll_delivery(db, providers["sms"], now=t)
    assert row(db, ok).status == "delivered" and row(db, ok).delivered_at is not None
    assert (row(db, bad).status, row(db, bad).error_code) == ("failed", "30003")


def test_a_late_worker_releases_what_it_did_not_send(db, fake):
    fam = make_family(db, siblings=0)
    ids = [queue(db, fam, i, patient=i % 3, purpose="manual") for i in range(3)]
    # Half the claim's time is the sending budget (0.8 s): the first send alone outlasts it, with
    # room for a slow claim on a busy machine before it.
    fake.delay_next(1, 1.0)
    options = DispatchOptions(claim_timeout=timedelta(seconds=1.6))
    summary = dispatch_due(db, providers_for(fake), now=NOW, worker_id="w1", options=options)
    assert summary.sent == 1 and summary.released == 2
    assert sorted(row(db, i).status for i in ids) == ["queued", "queued", "sent"]


@pytest.mark.postgres
def test_two_workers_on_postgres_never_send_twice(pg_db, fake):
    fam = make_family(pg_db, siblings=0)
    with pg_db.write() as s:
        patients = [s.get(Patient, pid) for pid in fam.patient_ids]
        ids = [
            outbox.enqueue_for_patient(
                s, patients[i % 4], body=f"M{i}", purpose="manual", dedupe_key=f"pg:{i}", now=NOW
            ).id
            for i in range(60)
        ]
    fake.delay_next(60, 0.005)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            dispatch_due(pg_db, providers_for(fake), now=NOW, worker_id=name, batch=5, options=OPTIONS)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    counts = Counter(callback_ids(fake))
    assert set(counts) == set(ids) and max(counts.values()) == 1
    with pg_db.read() as s:
        claimed = {m.claimed_by for m in s.scalars(select(OutboxMessage))}
        assert {m.status for m in s.scalars(select(OutboxMessage))} == {"sent"}
    assert len(claimed) >= 2  # the work really was shared


def test_a_crash_before_accepted_sends_are_recorded_is_reconciled_not_resent(db, fake, monkeypatch):
    fam = make_family(db, siblings=0)
    ids = [queue(db, fam, i, patient=i, purpose="manual") for i in range(3)]
    providers = providers_for(fake)
    import orca_desk.services.messaging.dispatch.send as dispatch_send

    def crash(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(dispatch_send, "record_sent", crash)  # Twilio took them; nothing recorded
    with pytest.raises(RuntimeError):
        dispatch_due(db, providers, now=NOW, worker_id="w1", options=OPTIONS)
    monkeypatch.undo()
    assert len(fake.sent_sms) == 3
    assert {row(db, i).status for i in ids} == {"sending"}
    # A restarted worker does not send them again: they are claimed, then reconciled.
    assert (
        dispatch_due(db, providers, now=NOW + timedelta(minutes=1), worker_id="w2", options=OPTIONS).claimed
        == 0
    )
    rec = reconcile_sending(db, providers, now=NOW + timedelta(minutes=6), options=OPTIONS)
    assert rec.found == 3 and rec.requeued == 0
    sids = {r.to: r.sid for r in fake.sent_sms}
    for i in ids:
        m = row(db, i)
        assert m.status == "sent" and m.provider_id == sids[m.to_address]
    assert len(fake.sent_sms) == 3


def test_accepted_sends_are_recorded_even_when_a_claim_was_taken_back(db, fake):
    fam = make_family(db, siblings=0)
    ids = [queue(db, fam, i, patient=i, purpose="manual") for i in range(2)]
    providers = providers_for(fake)
    sms = providers["sms"]
    original = sms.send

    def send_then_lose_the_other_claim(msg):
        result = original(msg)
        if msg.outbox_id == ids[0]:  # meanwhile a reconciler requeued the second one
            with db.write() as s:
                m = s.get(OutboxMessage, ids[1])
                m.status, m.claimed_by, m.claimed_at = "queued", None, None
        return result

    sms.send = send_then_lose_the_other_claim  # type: ignore[method-assign]
    summary = dispatch_due(db, providers, now=NOW, worker_id="w1", options=OPTIONS, batch=2)
    assert row(db, ids[0]).status == "sent" and row(db, ids[0]).provider_id == fake.sent_sms[0].sid
    assert row(db, ids[1]).status in ("queued", "sent")  # its late answer never overwrote it
    with db.read() as s:
        details = [e.detail for e in outbox.message_history(s, ids[1])]
    assert any("late provider answer ignored" in d for d in details)
    assert summary.errors and summary.errors[0].startswith(f"#{ids[1]}: late result sent ignored")


def test_a_stop_request_releases_the_claims_not_yet_tried(db, fake):
    """SIGTERM: the message in flight is finished; the rest of the batch goes back to the queue
    at once (not left claimed until it looks abandoned)."""
    fam = make_family(db, siblings=0)
    ids = [queue(db, fam, i, patient=i, purpose="manual") for i in range(3)]
    stop = {"now": False}
    providers = providers_for(fake)
    real_send = providers["sms"].send

    def send_then_stop(msg):  # the signal arrives while the first text is in flight
        result = real_send(msg)
        stop["now"] = True
        return result

    providers["sms"].send = send_then_stop  # type: ignore[method-assign]
    summary = dispatch_due(
        db, providers, now=NOW, worker_id="w1", options=OPTIONS, should_stop=lambda: stop["now"]
    )
    assert (summary.sent, summary.released) == (1, 2) and len(fake.sent_sms) == 1
    assert [row(db, i).status for i in ids] == ["sent", "queued", "queued"]
    with db.read() as s:
        assert outbox.message_history(s, ids[1])[-1].detail == "released unsent (the worker is stopping)"
    assert (
        dispatch_due(
            db, providers, now=NOW, worker_id="w1", options=OPTIONS, should_stop=lambda: True
        ).claimed
        == 0
    )  # claims nothing once stopping
