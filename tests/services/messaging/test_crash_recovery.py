"""A worker that dies mid-batch: twins are never lost, unstarted claims go back to the queue.

The crash is simulated deterministically: the claim is committed by ``dispatch_due`` (or
written as a dead worker's claim), the provider is called through the fake over HTTP (or
not), and the process "dies" by raising an exception the dispatcher does not catch, with
the recording of accepted sends disabled as a kill -9 would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from orca_desk.models.messaging import OutboxEvent, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.dispatch import (
    dispatch_due,
    outgoing,
    reconcile_sending,
)
from orca_desk.services.messaging.dispatch import send as dispatch_send
from orca_desk.services.messaging.dispatch.common import Claim
from orca_desk.services.messaging.providers.base import OutgoingMessage, SendResult
from tests.conftest import NOW
from tests.services.messaging.support import OPTIONS, make_family, providers_for

LATER = NOW + timedelta(minutes=6)  # past the 5-minute claim timeout
TWIN_BODY = "Orca Ortho: please bring the signed consent form to the next visit."


class Killed(BaseException):
    """The process died here (kill -9): nothing after this point runs, no handler catches it."""


def twins(db, fam, n: int, *, body: str = TWIN_BODY, channel: str | None = None) -> list[int]:
    """``n`` identical messages to one parent's number (one per sibling), same body."""
    with db.write() as s:
        ids = []
        for i in range(n):
            p = s.get(Patient, fam.patient_ids[i])
            ids.append(
                outbox.enqueue_for_patient(
                    s,
                    p,
                    body=body,
                    purpose="manual",
                    dedupe_key=f"twin:{i}",
                    now=NOW,
                    channel=channel,
                    subject="Consent form" if channel == "email" else None,
                ).id
            )
        return ids


def row(db, message_id: int) -> OutboxMessage:
    with db.read() as s:
        m = s.get(OutboxMessage, message_id)
        assert m is not None
        return m


def claim_as_dead_worker(db, ids: list[int]) -> None:
    """A worker claimed these rows (committed) and died before recording anything."""
    with db.write() as s:
        for i in ids:
            m = s.get(OutboxMessage, i)
            m.status, m.claimed_by, m.claimed_at, m.attempts = "sending", "dead", NOW, 1


def send_directly(db, providers, message_id: int) -> str:
    """The dead worker's request for this row reached the provider."""
    with db.read() as s:
        m = s.get(OutboxMessage, message_id)
        result = providers[m.channel].send(
            outgoing(Claim(m.id, m.channel, m.to_address, m.body, m.subject, m.html, NOW), OPTIONS)
        )
    assert result.status == "sent"
    assert result.provider_id is not None
    return result.provider_id


def die_on_send(monkeypatch, provider, *, call: int, after_request: bool) -> list[int]:
    """Make the ``call``-th send kill the worker, before or after the request went out.

    The recording of accepted sends dies too (a killed process writes nothing more).
    Returns the outbox ids whose request was made.
    """
    original = provider.send
    made: list[int] = []

    def send(msg: OutgoingMessage) -> SendResult:
        if len(made) + 1 == call:
            if after_request:
                original(msg)
                made.append(msg.outbox_id)
            raise Killed()
        result = original(msg)
        made.append(msg.outbox_id)
        return result

    def record_nothing(_db, accepted, **_k):
        if accepted:
            raise Killed()
        return []

    monkeypatch.setattr(provider, "send", send)
    monkeypatch.setattr(dispatch_send, "record_sent", record_nothing)
    return made


# --- item 19: twin texts ------------------------------------------------------------------


def test_a_twins_provider_record_is_never_matched_to_the_other_twin(db, fake):
    fam = make_family(db, siblings=2)
    a, b = twins(db, fam, 2)
    providers = providers_for(fake)
    claim_as_dead_worker(db, [a, b])
    sid = send_directly(db, providers, a)  # the worker died after A's request, before B's
    rec = reconcile_sending(db, providers, now=LATER, options=OPTIONS)
    assert (rec.found, rec.requeued) == (1, 1)
    statuses = Counter(row(db, i).status for i in (a, b))
    assert statuses == {"sent": 1, "queued": 1}
    assert {row(db, i).provider_id for i in (a, b)} == {sid, None}
    dispatch_due(db, providers, now=LATER, worker_id="w2", options=OPTIONS)
    assert len(fake.sent_sms) == 2  # the second sibling's text went out, once
    assert {row(db, i).status for i in (a, b)} == {"sent"}
    assert len({row(db, i).provider_id for i in (a, b)}) == 2


def test_a_provider_id_already_recorded_for_one_twin_never_settles_another(db, fake):
    fam = make_family(db, siblings=2)
    a, b = twins(db, fam, 2)
    providers = providers_for(fake)
    # A went out normally and was recorded; B was claimed by a worker that died before its call.
    claim_as_dead_worker(db, [a])
    sid = send_directly(db, providers, a)
    with db.write() as s:
        m = s.get(OutboxMessage, a)
        m.status, m.provider, m.provider_id, m.sent_at = "sent", "twilio", sid, NOW
    claim_as_dead_worker(db, [b])
    rec = reconcile_sending(db, providers, now=LATER, options=OPTIONS)
    assert (rec.found, rec.requeued) == (0, 1)
    assert row(db, b).status == "queued" and row(db, b).provider_id is None
    dispatch_due(db, providers, now=LATER, worker_id="w2", options=OPTIONS)
    assert len(fake.sent_sms) == 2 and row(db, b).status == "sent"
    assert row(db, b).provider_id != sid


def test_ambiguous_twins_are_decided_by_count_and_only_the_difference_is_resent(db, fake, monkeypatch):
    fam = make_family(db, siblings=3)
    ids = twins(db, fam, 3)
    providers = providers_for(fake)
    made = die_on_send(monkeypatch, providers["sms"], call=3, after_request=False)
    with pytest.raises(Killed):
        dispatch_due(db, providers, now=NOW, worker_id="w1", options=OPTIONS)
    monkeypatch.undo()
    assert len(made) == 2 and len(fake.sent_sms) == 2
    assert {row(db, i).status for i in ids} == {"sending"}
    rec = reconcile_sending(db, providers, now=LATER, options=OPTIONS)
    assert (rec.found, rec.requeued) == (2, 1)
    sids = {r.sid for r in fake.sent_sms}
    assert sorted(str(row(db, i).provider_id) for i in ids if row(db, i).status == "sent") == sorted(sids)
    dispatch_due(db, providers, now=LATER, worker_id="w2", options=OPTIONS)
    assert len(fake.sent_sms) == 3  # 3 rows, 3 texts: none lost, none twice
    assert {row(db, i).status for i in ids} == {"sent"}
    assert len({row(db, i).provider_id for i in ids}) == 3


def test_a_live_twins_unrecorded_send_is_not_taken_for_a_dead_ones(db, fake, shared_clock):
    fam = make_family(db, siblings=2)
    dead, live = twins(db, fam, 2)
    providers = providers_for(fake)
    claim_as_dead_worker(db, [dead])  # died before its request
    with db.write() as s:  # a live worker claimed the twin a moment ago and sent it
        m = s.get(OutboxMessage, live)
        m.status, m.claimed_by, m.claimed_at, m.attempts = "sending", "alive", LATER, 1
    shared_clock.set(LATER)
    sid = send_directly(db, providers, live)
    rec = reconcile_sending(db, providers, now=LATER, options=OPTIONS)
    assert (rec.found, rec.requeued, rec.waiting) == (0, 0, 1)  # cannot tell yet: wait
    assert row(db, dead).status == "sending"
    with db.write() as s:  # the live worker records its send
        m = s.get(OutboxMessage, live)
        m.status, m.provider, m.provider_id, m.sent_at = "sent", "twilio", sid, LATER
    rec = reconcile_sending(db, providers, now=LATER + timedelta(seconds=30), options=OPTIONS)
    assert (rec.found, rec.requeued) == (0, 1)
    assert row(db, dead).status == "queued"


# --- item 20: only the message in flight is in doubt --------------------------------------


def emails(db, fam, n: int) -> list[int]:
    with db.write() as s:
        ids = []
        for i in range(n):
            p = s.get(Patient, fam.patient_ids[i % 4])
            p.contact_email = f"family{i % 4}@example.com"
            p.email_consent, p.email_consent_at = True, NOW  # every email needs recorded consent
            ids.append(
                outbox.enqueue_for_patient(
                    s,
                    p,
                    channel="email",
                    subject=f"Note {i}",
                    body=f"Hello {i}",
                    purpose="manual",
                    dedupe_key=f"mail:{i}",
                    now=NOW,
                ).id
            )
        return ids


@pytest.mark.parametrize("after_request", [True, False])
def test_emails_claimed_but_never_started_go_back_to_the_queue(db, fake, monkeypatch, after_request):
    fam = make_family(db, siblings=0)
    ids = emails(db, fam, 5)
    providers = providers_for(fake)
    die_on_send(monkeypatch, providers["email"], call=2, after_request=after_request)
    with pytest.raises(Killed):
        dispatch_due(db, providers, now=NOW, worker_id="w1", options=OPTIONS)
    monkeypatch.undo()
    first, in_flight, *unstarted = ids
    assert row(db, first).status == "sent"
    assert len(fake.sent_email) == (2 if after_request else 1)
    rec = reconcile_sending(db, providers, now=LATER, options=OPTIONS)
    # Only the email whose request was under way when the worker died is in doubt.
    assert (rec.gave_up, rec.requeued) == (1, 3)
    assert (row(db, in_flight).status, row(db, in_flight).error_code) == ("failed", "unknown_outcome")
    for i in unstarted:
        m = row(db, i)
        assert (m.status, m.claimed_by, m.attempts) == ("queued", None, 0)
    with db.read() as s:
        details = [
            e.detail
            for e in s.scalars(
                select(OutboxEvent).where(OutboxEvent.message_id == unstarted[0]).order_by(OutboxEvent.id)
            )
        ]
    assert any("never started" in d for d in details), details
    summary = dispatch_due(db, providers, now=LATER, worker_id="w2", options=OPTIONS)
    assert summary.sent == 3
    sent_to = Counter(r.custom_args["outbox_id"] for r in fake.sent_email)
    assert all(sent_to[str(i)] == 1 for i in unstarted)
    assert {row(db, i).status for i in unstarted} == {"sent"}


# --- a real kill -9 ----------------------------------------------------------------------


def test_kill_9_mid_batch_loses_no_twin_and_fails_no_untried_email(db, fake):
    """A worker process SIGKILLed right after its second request: three twin texts (two went
    out, unrecorded) and three emails (claimed, never started) in one batch."""
    fam = make_family(db, siblings=3)
    sms_ids = twins(db, fam, 3)
    mail_ids = emails(db, fam, 3)
    root = Path(__file__).resolve().parents[3]
    args = [
        sys.executable,
        "-m",
        "tests.services.messaging.crash_worker",
        str(db.url),
        fake.base_url,
        fake.account_sid,
        fake.auth_token,
        fake.api_key,
        fake.clinic_number,
        "2",
        NOW.isoformat(),
    ]
    done = subprocess.run(
        args,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert len(fake.sent_sms) == 2 and fake.sent_email == []
    assert {row(db, i).status for i in sms_ids + mail_ids} == {"sending"}
    providers = providers_for(fake)
    rec = reconcile_sending(db, providers, now=LATER, options=OPTIONS)
    assert (rec.found, rec.requeued, rec.gave_up) == (2, 1 + 3, 0)
    dispatch_due(db, providers, now=LATER, worker_id="w2", options=OPTIONS)
    assert len(fake.sent_sms) == 3  # one text per sibling, none twice
    assert sorted(r.custom_args["outbox_id"] for r in fake.sent_email) == sorted(str(i) for i in mail_ids)
    assert {row(db, i).status for i in sms_ids + mail_ids} == {"sent"}
    assert {row(db, i).provider_id for i in sms_ids} == {r.sid for r in fake.sent_sms}
