"""Twilio's StatusCallback over real HTTP: signature checked, delivery applied once, by outbox id + SID."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests

from orca_desk.db import Database
from orca_desk.gateway.app import make_app
from orca_desk.gateway.server import RunningGateway, serve_in_thread
from orca_desk.models.messaging import ContactState, OutboxMessage
from orca_desk.services.clock import FrozenClock
from orca_desk.services.messaging import outbox
from tests.factories import make_world

TOKEN = "0123456789abcdef0123456789abcdef"
PUBLIC = "https://links.example"  # what Twilio calls (a TLS proxy in front of the gateway)
SID = "SM" + "a" * 32


def twilio_signature(url: str, form: dict[str, str]) -> str:
    """Computed here from Twilio's documentation, independently of the gateway's code."""
    data = url + "".join(f"{k}{form[k]}" for k in sorted(form))
    return base64.b64encode(hmac.new(TOKEN.encode(), data.encode(), hashlib.sha1).digest()).decode()


@pytest.fixture
def gateway(db: Database, clock: FrozenClock) -> Iterator[RunningGateway]:
    app = make_app(
        db, clock, secret=b"test-secret-0123456789abcdef", public_base_url=PUBLIC, twilio_auth_token=TOKEN
    )
    running = serve_in_thread(app)
    yield running
    running.stop()


def sent_message(
    db: Database,
    clock: FrozenClock,
    *,
    status: str = "sent",
    provider_id: str | None = SID,
    error_code: str | None = None,
) -> int:
    with db.write() as s:
        w = make_world(s, patients=1)
        m = outbox.enqueue_for_patient(
            s, w.patients[0], body="Hi", purpose="manual", dedupe_key="cb", now=clock.now()
        )
        m.status, m.provider, m.provider_id, m.error_code = status, "twilio", provider_id, error_code
        m.sent_at = clock.now() if status == "sent" else None
        m.claimed_by, m.claimed_at = "w1", clock.now()
        return m.id


def post(
    gw: RunningGateway,
    outbox_id: int,
    form: dict[str, str],
    *,
    signature: str | None = None,
    signed_url: str | None = None,
) -> requests.Response:
    query = f"/twilio/status?outbox_id={outbox_id}"
    sig = signature if signature is not None else twilio_signature(signed_url or PUBLIC + query, form)
    return requests.post(gw.url + query, data=form, headers={"X-Twilio-Signature": sig}, timeout=10)


def history(db: Database, message_id: int) -> list[str]:
    with db.read() as s:
        return [e.status for e in outbox.message_history(s, message_id)]


def status_of(db: Database, message_id: int) -> OutboxMessage:
    with db.read() as s:
        m = s.get(OutboxMessage, message_id)
        assert m is not None
        return m


def test_delivered_report_is_applied_once(db, clock, gateway):
    msg = sent_message(db, clock)
    form = {
        "MessageSid": SID,
        "MessageStatus": "delivered",
        "AccountSid": "AC" + "b" * 32,
        "To": "+16175551000",
    }
    assert post(gateway, msg, form).status_code == 204
    m = status_of(db, msg)
    assert m.status == "delivered" and m.delivered_at == clock.now()
    before = history(db, msg)
    clock.advance(timedelta(minutes=1))
    assert post(gateway, msg, form).status_code == 204  # Twilio retries: harmless
    assert post(gateway, msg, {**form, "MessageStatus": "sent"}).status_code == 204  # out of order
    assert history(db, msg) == before and before[-1] == "delivered"
    assert status_of(db, msg).status == "delivered"


def test_a_bad_or_missing_signature_changes_nothing(db, clock, gateway):
    msg = sent_message(db, clock)
    form = {"MessageSid": SID, "MessageStatus": "delivered"}
    assert post(gateway, msg, form, signature="bm90IGl0").status_code == 403
    assert post(gateway, msg, form, signature="").status_code == 403
    # Signed for another message: the outbox id is part of the signed URL.
    assert (
        post(gateway, msg, form, signed_url=f"{PUBLIC}/twilio/status?outbox_id={msg + 1}").status_code == 403
    )
    assert status_of(db, msg).status == "sent"


def test_the_sid_must_match_the_outbox_row(db, clock, gateway):
    msg = sent_message(db, clock)
    other = "SM" + "c" * 32
    assert post(gateway, msg, {"MessageSid": other, "MessageStatus": "delivered"}).status_code == 404
    assert post(gateway, 999, {"MessageSid": SID, "MessageStatus": "delivered"}).status_code == 404
    assert post(gateway, msg, {"MessageSid": SID}).status_code == 400
    assert status_of(db, msg).status == "sent"


def test_undelivered_to_a_landline_flags_the_number(db, clock, gateway):
    msg = sent_message(db, clock)
    form = {"MessageSid": SID, "MessageStatus": "undelivered", "ErrorCode": "30006"}
    assert post(gateway, msg, form).status_code == 204
    m = status_of(db, msg)
    assert (m.status, m.error_code) == ("undeliverable", "30006")
    with db.read() as s:
        state = s.query(ContactState).filter_by(address=m.to_address).one()
        assert state.undeliverable


def test_a_timed_out_send_is_settled_by_its_callback(db, clock, gateway):
    msg = sent_message(db, clock, status="sending", provider_id=None, error_code="unknown")
    assert post(gateway, msg, {"MessageSid": SID, "MessageStatus": "sent"}).status_code == 204
    m = status_of(db, msg)
    assert (m.status, m.provider_id) == ("sent", SID)
    assert history(db, msg)[-1] == "sent"


def test_without_an_auth_token_callbacks_are_refused(db, clock):
    """Fail closed: with no token to check the signature, a forged "undelivered 21211" must not
    mark a family's number undeliverable."""
    app = make_app(db, clock, secret=b"test-secret-0123456789abcdef", public_base_url=PUBLIC)
    running = serve_in_thread(app)
    try:
        msg = sent_message(db, clock)
        r = requests.post(
            f"{running.url}/twilio/status?outbox_id={msg}",
            data={"MessageSid": SID, "MessageStatus": "undelivered", "ErrorCode": "21211"},
            timeout=10,
        )
        assert r.status_code == 403
        assert "no Twilio auth token" in r.text
        assert requests.get(f"{running.url}/twilio/status", timeout=10).status_code == 405
    finally:
        running.stop()
    m = status_of(db, msg)
    assert (m.status, m.error_code) == ("sent", None)
    assert history(db, msg)[-1] == "queued"
    with db.read() as s:
        assert s.query(ContactState).count() == 0
