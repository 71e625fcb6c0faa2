"""Provider clients over real loopback HTTP: sends, retries, reconciliation, polling, limits."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from orca_desk.services.messaging.providers.base import OutgoingMessage, Provider, ProviderError
from orca_desk.services.messaging.providers.config import providers_from_env
from orca_desk.services.messaging.providers.http import (
    HttpClient,
    RetryPolicy,
    TokenBucket,
    parse_retry_after,
)
from orca_desk.services.messaging.providers.local import LocalProvider
from orca_desk.services.messaging.providers.sendgrid import SendGridProvider
from orca_desk.services.messaging.providers.twilio import TwilioProvider
from tests.fakes import (
    SHORT_TIMEOUTS,
    TEST_RETRY,
    UNLIMITED,
    SleepRecorder,
    sendgrid_for,
    start_fake_server,
    twilio_for,
)
from tests.fakes.fake_provider import FakeProviderServer

PATIENT = "+15552220001"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeProviderServer]:
    with start_fake_server() as running:
        yield running


@pytest.fixture
def fake(server: FakeProviderServer) -> Iterator[FakeProviderServer]:
    server.reset()
    yield server
    assert server.response_errors == [], "the fake answered outside the spec"


def sms(outbox_id: int = 1, to: str = PATIENT, body: str = "Reminder: Tue 9:00") -> OutgoingMessage:
    return OutgoingMessage(
        outbox_id=outbox_id,
        channel="sms",
        to=to,
        body=body,
        status_callback=f"https://desk.example/twilio/status?outbox_id={outbox_id}",
    )


def email(outbox_id: int = 5, **kw: object) -> OutgoingMessage:
    return OutgoingMessage(
        outbox_id=outbox_id,
        channel="email",
        to="parent@example.com",
        body=kw.pop("body", "Your appointment is Tuesday."),  # type: ignore[arg-type]
        subject=kw.pop("subject", "Appointment reminder"),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def sleeps_of(provider: TwilioProvider | SendGridProvider) -> list[float]:
    return provider.http._sleep.calls  # type: ignore[attr-defined, no-any-return]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- sending ---------------------------------------------------------------------------


def test_providers_satisfy_the_protocol(fake: FakeProviderServer) -> None:
    for provider in (twilio_for(fake), sendgrid_for(fake), LocalProvider("sms")):
        assert isinstance(provider, Provider)


def test_twilio_send_records_body_from_to_and_callback(fake: FakeProviderServer) -> None:
    result = twilio_for(fake).send(sms(outbox_id=42))
    assert result.status == "sent"
    assert result.provider_id and result.provider_id.startswith("SM")
    [record] = fake.sent_sms
    assert (record.sid, record.to, record.from_, record.body) == (
        result.provider_id,
        PATIENT,
        fake.clinic_number,
        "Reminder: Tue 9:00",
    )
    assert record.status_callback is not None and record.status_callback.endswith("outbox_id=42")


def test_twilio_send_through_a_messaging_service(fake: FakeProviderServer) -> None:
    service = "MG" + "ab" * 16
    provider = twilio_for(fake, from_number=None, messaging_service_sid=service)
    assert provider.send(sms()).status == "sent"
    [record] = fake.sent_sms
    assert (record.from_, record.messaging_service_sid) == (None, service)


def test_sendgrid_send_carries_outbox_id_and_unsubscribe(fake: FakeProviderServer) -> None:
    unsubscribe = "https://desk.example/u/abc"
    result = sendgrid_for(fake).send(email(outbox_id=77, html="<p>Tuesday</p>", unsubscribe_url=unsubscribe))
    assert result.status == "sent"
    [record] = fake.sent_email
    assert result.provider_id == record.message_id
    assert record.custom_args == {"outbox_id": "77"}
    assert record.headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert unsubscribe in record.content["text/plain"]
    assert f'href="{unsubscribe}"' in record.content["text/html"]


def test_sendgrid_without_subject_fails_without_a_request(fake: FakeProviderServer) -> None:
    result = sendgrid_for(fake).send(email(subject=""))
    assert (result.status, result.permanent) == ("failed", True)
    assert fake.requests == []


def test_local_provider_sends_nothing(fake: FakeProviderServer) -> None:
    result = LocalProvider("sms").send(sms(outbox_id=3))
    assert (result.status, result.provider_id) == ("sent", "local-3")
    assert fake.requests == []


# -- retries ---------------------------------------------------------------------------


def test_429_storm_then_success_honours_retry_after(fake: FakeProviderServer) -> None:
    provider = twilio_for(fake)
    fake.fail_next(3, status=429, retry_after=2)
    result = provider.send(sms())
    assert result.status == "sent"
    assert len(fake.request_times()) == 4
    assert len(fake.sent_sms) == 1
    sleeps = sleeps_of(provider)
    assert len(sleeps) == 3
    assert all(s >= 2 for s in sleeps)


def test_500s_are_retried_then_handed_back_as_retry(fake: FakeProviderServer) -> None:
    provider = twilio_for(fake)
    fake.fail_next(10, status=500)
    result = provider.send(sms())
    assert result.status == "retry"
    assert result.error_code == "20500"
    assert not result.permanent
    assert len(fake.request_times()) == TEST_RETRY.max_attempts
    assert fake.sent_sms == []
    # Full jitter: each wait is drawn below a cap that doubles per attempt.
    caps = [TEST_RETRY.base_delay * 2**i for i in range(TEST_RETRY.max_attempts - 1)]
    assert all(0 <= s <= cap for s, cap in zip(sleeps_of(provider), caps, strict=True))


def test_long_retry_after_is_not_slept_through(fake: FakeProviderServer) -> None:
    provider = sendgrid_for(fake)
    fake.fail_next(1, status=503, retry_after=3600)
    result = provider.send(email())
    assert (result.status, result.retry_after) == ("retry", 3600)
    assert sleeps_of(provider) == []
    assert fake.sent_email == []


def test_sendgrid_retries_a_503_then_sends(fake: FakeProviderServer) -> None:
    provider = sendgrid_for(fake)
    fake.fail_next(1, status=503)
    assert provider.send(email()).status == "sent"
    assert len(fake.sent_email) == 1


def test_refused_connection_is_retried_because_nothing_was_sent() -> None:
    sleep = SleepRecorder()
    provider = TwilioProvider(
        "AC" + "0" * 32,
        "token",
        from_number="+15005550006",
        base_url=f"http://127.0.0.1:{free_port()}",
        rate_per_second=UNLIMITED,
        retry=TEST_RETRY,
        sleep=sleep,
        rng=random.Random(1),
    )
    result = provider.send(sms())
    assert result.status == "retry"
    assert len(sleep.calls) == TEST_RETRY.max_attempts - 1


# -- the "timeout but it was sent" case ------------------------------------------------


def test_timeout_on_create_is_unknown_and_reconciled_without_resend(
    fake: FakeProviderServer,
) -> None:
    provider = twilio_for(fake, timeouts=SHORT_TIMEOUTS)
    since = datetime.now(UTC)
    fake.drop_after_accept_next(1, stall_seconds=1.5)
    result = provider.send(sms(outbox_id=9, body="Your braces check is Tue 9:00"))
    assert result.status == "unknown"
    assert len(fake.request_times()) == 1, "a create must not be retried blindly"
    found = provider.find_sent(PATIENT, since, 9, body="Your braces check is Tue 9:00")
    assert found == fake.sent_sms[0].sid
    assert len(fake.sent_sms) == 1
    assert provider.find_sent("+15552229999", since, 9) is None
    assert provider.find_sent(PATIENT, since, 9, body="another text") is None


def test_connection_closed_after_accept_is_unknown(fake: FakeProviderServer) -> None:
    provider = twilio_for(fake)
    fake.drop_after_accept_next(1, stall_seconds=0.0)
    result = provider.send(sms())
    assert result.status == "unknown"
    assert len(fake.request_times()) == 1
    assert len(fake.sent_sms) == 1


def test_slow_email_send_is_unknown_not_resent(fake: FakeProviderServer) -> None:
    provider = sendgrid_for(fake, timeouts=SHORT_TIMEOUTS)
    fake.delay_next(1, 1.5)
    assert provider.send(email()).status == "unknown"
    assert len(fake.request_times("POST", "/v3/mail/send")) == 1


def test_gateway_timeout_on_create_is_unknown(fake: FakeProviderServer) -> None:
    provider = twilio_for(fake)
    fake.fail_next(1, status=504)
    assert provider.send(sms()).status == "unknown"
    assert len(fake.request_times()) == 1


def test_sendgrid_bad_key_fails_but_not_permanently(fake: FakeProviderServer) -> None:
    provider = SendGridProvider("SG.wrong", "desk@clinic.example", base_url=fake.base_url)
    result = provider.send(email())
    assert (result.status, result.permanent, result.error_code) == ("failed", False, "401")
    assert result.error and "authorization" in result.error


def test_find_sent_ignores_messages_before_the_window(fake: FakeProviderServer) -> None:
    provider = twilio_for(fake)
    provider.send(sms(body="old"))
    later = datetime.now(UTC) + timedelta(minutes=10)
    assert provider.find_sent(PATIENT, later, 1) is None


# -- permanent errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "code"), [("opted_out", "21610"), ("invalid", "21211"), ("landline", "21614")]
)
def test_permanent_errors_are_failed_and_permanent(
    fake: FakeProviderServer, behaviour: str, code: str
) -> None:
    fake.set_recipient_behaviour(PATIENT, behaviour)  # type: ignore[arg-type]
    result = twilio_for(fake).send(sms())
    assert (result.status, result.permanent, result.error_code) == ("failed", True, code)
    assert result.error
    assert fake.sent_sms == []
    assert len(fake.request_times()) == 1


def test_malformed_number_and_overlong_body_are_permanent(fake: FakeProviderServer) -> None:
    provider = twilio_for(fake)
    bad_number = provider.send(sms(to="0612"))
    too_long = provider.send(sms(body="x" * 1601))
    assert (bad_number.error_code, bad_number.permanent) == ("21211", True)
    assert (too_long.error_code, too_long.permanent) == ("21617", True)


def test_bad_credentials_fail_but_not_permanently(fake: FakeProviderServer) -> None:
    provider = TwilioProvider(
        fake.account_sid, "wrong", from_number=fake.clinic_number, base_url=fake.base_url
    )
    result = provider.send(sms())
    assert (result.status, result.permanent, result.error_code) == ("failed", False, "20003")


# -- delivery status and inbound -------------------------------------------------------


def test_delivery_status_polling(fake: FakeProviderServer) -> None:
    provider = twilio_for(fake)
    fake.set_recipient_behaviour("+15552220002", "undelivered")
    good = provider.send(sms()).provider_id
    bad = provider.send(sms(to="+15552220002")).provider_id
    assert good and bad
    assert [provider.delivery_status(good) for _ in range(3)] == ["queued", "sent", "delivered"]
    reports = [provider.delivery_report(bad) for _ in range(3)]
    last = reports[-1]
    assert last is not None and (last.status, last.error_code, last.final) == (
        "undelivered",
        "30003",
        True,
    )
    assert provider.delivery_status("SM" + "0" * 32) is None


def test_slow_status_poll_is_retried(fake: FakeProviderServer) -> None:
    provider = twilio_for(fake, timeouts=SHORT_TIMEOUTS)
    sid = provider.send(sms()).provider_id
    assert sid
    fake.delay_next(1, 1.5)
    assert provider.delivery_status(sid) == "queued"
    assert len(sleeps_of(provider)) == 1


def test_inbound_fetch_since_cursor_each_sid_once(fake: FakeProviderServer) -> None:
    provider = twilio_for(fake, page_size=2)
    now = datetime.now(UTC)
    fake.add_inbound(PATIENT, body="old", at=now - timedelta(hours=2))
    fake.add_inbound(PATIENT, to="+15005550099", body="to another clinic number", at=now)
    provider.send(sms(body="outbound, not a reply"))
    first_batch = [fake.add_inbound(PATIENT, body=f"reply {i}", at=now) for i in range(3)]

    first = provider.fetch_inbound(now - timedelta(minutes=1))
    assert sorted(m.provider_id for m in first) == sorted(first_batch)
    assert all(m.to == fake.clinic_number and m.from_ == PATIENT for m in first)

    later = now + timedelta(seconds=5)
    second_batch = [fake.add_inbound(PATIENT, body=f"late {i}", at=later) for i in range(3)]
    cursor = max(m.received_at for m in first)
    second = provider.fetch_inbound(cursor)
    ids = [m.provider_id for m in second]
    assert len(ids) == len(set(ids)), "one fetch never answers a SID twice"
    # Twilio keeps seconds only, so the cursor's own second comes back; the caller's
    # de-duplication by provider_id leaves every reply exactly once.
    seen = {m.provider_id for m in first} | set(ids)
    assert seen == set(first_batch) | set(second_batch)
    assert [m.received_at for m in second] == sorted(m.received_at for m in second)


def test_email_has_no_inbound_or_lookup(fake: FakeProviderServer) -> None:
    provider = sendgrid_for(fake)
    assert provider.fetch_inbound(datetime.now(UTC)) == []
    assert provider.find_sent("parent@example.com", datetime.now(UTC), 1) is None
    assert provider.delivery_status("abc") is None


# -- rate limit ------------------------------------------------------------------------


def test_rate_limit_is_never_exceeded_at_the_server(fake: FakeProviderServer) -> None:
    rate = 20
    provider = twilio_for(fake, rate_per_second=float(rate), sleep=time.sleep)
    count = 30
    statuses: list[str] = []

    def worker(start: int) -> None:
        for i in range(start, count, 3):
            statuses.append(provider.send(sms(outbox_id=i)).status)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == ["sent"] * count
    times = sorted(fake.request_times())
    assert len(times) == count
    # Server stamps trail the client's release by a few ms of thread scheduling (client and
    # server share one interpreter here). The tolerance stays well below one interval, so a
    # limiter that lets ``rate + 1`` calls into a second still fails.
    jitter = 0.3 / rate
    shortest_window = min(times[i + rate] - times[i] for i in range(count - rate))
    assert shortest_window >= 1.0 - jitter, "more than `rate` requests in one second"
    assert times[-1] - times[0] >= (count - 1) / rate - jitter


def test_token_bucket_spaces_calls_with_an_injected_clock() -> None:
    clock = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    bucket = TokenBucket(2.0, sleep=sleep, monotonic=lambda: clock[0])
    for _ in range(4):
        bucket.acquire()
    assert waits == [0.5, 0.5, 0.5]
    clock[0] += 10  # idle time does not bank a burst
    bucket.acquire()
    bucket.acquire()
    assert waits[-1] == 0.5


def test_token_bucket_counts_from_a_late_release() -> None:
    clock = [0.0]

    def oversleep(seconds: float) -> None:
        clock[0] += seconds + 0.2  # a busy machine wakes the waiter late

    bucket = TokenBucket(1.0, sleep=oversleep, monotonic=lambda: clock[0])
    bucket.acquire()
    bucket.acquire()  # released at 1.2, not 1.0
    assert bucket.acquire() == pytest.approx(1.0)  # next slot is 2.2, one interval later


def test_retry_after_parsing() -> None:
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_never_undercuts_retry_after() -> None:
    client = HttpClient(retry=RetryPolicy(base_delay=1.0, max_delay=4.0), rng=random.Random(3))
    delays = [client.backoff(attempt, None) for attempt in range(1, 8)]
    assert all(0 <= d <= 4.0 for d in delays)
    assert client.backoff(1, 9.0) >= 9.0
    client.close()


# -- configuration ---------------------------------------------------------------------


def test_default_configuration_is_local() -> None:
    sms_provider, email_provider = providers_from_env({})
    assert isinstance(sms_provider, LocalProvider) and sms_provider.channel == "sms"
    assert isinstance(email_provider, LocalProvider) and email_provider.channel == "email"


def test_configuration_from_env_reaches_the_fake(fake: FakeProviderServer) -> None:
    sms_provider, email_provider = providers_from_env(fake.env())
    assert isinstance(sms_provider, TwilioProvider)
    assert isinstance(email_provider, SendGridProvider)
    assert sms_provider.send(sms()).status == "sent"
    assert email_provider.send(email()).status == "sent"


GOOD_TWILIO = {
    "ORCA_DESK_SMS_PROVIDER": "twilio",
    "ORCA_DESK_TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
    "ORCA_DESK_TWILIO_AUTH_TOKEN": "token",
    "ORCA_DESK_TWILIO_FROM": "+15005550006",
}
GOOD_SENDGRID = {
    "ORCA_DESK_EMAIL_PROVIDER": "sendgrid",
    "ORCA_DESK_SENDGRID_API_KEY": "SG.key",
    "ORCA_DESK_SENDGRID_FROM": "desk@clinic.example",
}


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"ORCA_DESK_SMS_PROVIDER": "carrier-pigeon"}, "ORCA_DESK_SMS_PROVIDER"),
        ({"ORCA_DESK_TWILIO_ACCOUNT_SID": ""}, "ORCA_DESK_TWILIO_ACCOUNT_SID"),
        ({"ORCA_DESK_TWILIO_ACCOUNT_SID": "AC123"}, "ORCA_DESK_TWILIO_ACCOUNT_SID"),
        ({"ORCA_DESK_TWILIO_AUTH_TOKEN": ""}, "ORCA_DESK_TWILIO_AUTH_TOKEN"),
        ({"ORCA_DESK_TWILIO_FROM": ""}, "ORCA_DESK_TWILIO_FROM"),
        ({"ORCA_DESK_TWILIO_FROM": "0612345678"}, "ORCA_DESK_TWILIO_FROM"),
        (
            {"ORCA_DESK_TWILIO_FROM": "", "ORCA_DESK_TWILIO_MESSAGING_SERVICE_SID": "MG1"},
            "ORCA_DESK_TWILIO_MESSAGING_SERVICE_SID",
        ),
        ({"ORCA_DESK_TWILIO_BASE_URL": "api.twilio.com"}, "ORCA_DESK_TWILIO_BASE_URL"),
        ({"ORCA_DESK_EMAIL_PROVIDER": "smtp"}, "ORCA_DESK_EMAIL_PROVIDER"),
        ({"ORCA_DESK_SENDGRID_API_KEY": ""}, "ORCA_DESK_SENDGRID_API_KEY"),
        ({"ORCA_DESK_SENDGRID_FROM": ""}, "ORCA_DESK_SENDGRID_FROM"),
        ({"ORCA_DESK_SENDGRID_FROM": "desk"}, "ORCA_DESK_SENDGRID_FROM"),
        ({"ORCA_DESK_SENDGRID_BASE_URL": "ftp://x"}, "ORCA_DESK_SENDGRID_BASE_URL"),
    ],
)
def test_configuration_errors_name_the_variable(changes: dict[str, str], variable: str) -> None:
    env = {**GOOD_TWILIO, **GOOD_SENDGRID, **changes}
    with pytest.raises(ProviderError, match=variable) as raised:
        providers_from_env(env)
    assert raised.value.variable == variable


def test_messaging_service_alone_is_enough() -> None:
    env = {
        **GOOD_TWILIO,
        "ORCA_DESK_TWILIO_FROM": "",
        "ORCA_DESK_TWILIO_MESSAGING_SERVICE_SID": "MG" + "b" * 32,
    }
    sms_provider, _ = providers_from_env(env)
    assert isinstance(sms_provider, TwilioProvider)
    assert sms_provider.base_url == "https://api.twilio.com"


def test_sms_rate_comes_from_the_environment_and_is_checked() -> None:
    sms_provider, _ = providers_from_env({**GOOD_TWILIO, "ORCA_DESK_SMS_RATE": "5"})
    assert isinstance(sms_provider, TwilioProvider)
    assert sms_provider.http.limiter.rate_per_second == 5.0
    default, _ = providers_from_env(GOOD_TWILIO)
    assert isinstance(default, TwilioProvider) and default.http.limiter.rate_per_second == 1.0
    for bad, words in (("fast", "must be a number, not 'fast'"), ("0", "must be positive")):
        with pytest.raises(ProviderError, match=words) as raised:  # also with the local provider
            providers_from_env({"ORCA_DESK_SMS_RATE": bad})
        assert raised.value.variable == "ORCA_DESK_SMS_RATE"


def test_proxies_are_read_once_per_host_not_per_request(fake: FakeProviderServer, monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    provider = twilio_for(fake)
    assert provider.http.session.trust_env is False  # requests would re-read them every call
    assert (
        provider.http._proxies_for("https://api.twilio.com/2010-04-01/x")["https"]
        == "http://proxy.corp.example:3128"
    )
    assert provider.send(sms(outbox_id=1)).status == "sent"  # NO_PROXY: straight to the fake
    monkeypatch.setenv("NO_PROXY", "")  # read once: a change needs a new client
    assert provider.send(sms(outbox_id=2)).status == "sent"
    assert len(fake.sent_sms) == 2
    assert provider.http._proxies_for(fake.twilio_base_url + "/x") == {}


def test_token_bucket_margin_widens_the_spacing() -> None:
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    bucket = TokenBucket(20.0, margin=0.03, sleep=sleep, monotonic=lambda: clock[0])
    for _ in range(21):
        bucket.acquire()
    # 21 calls span more than one second, however the network delays their arrival by < 30 ms.
    assert clock[0] == pytest.approx(20 / (20 * 0.97)) and clock[0] > 1.03
    with pytest.raises(ValueError, match="margin"):
        TokenBucket(1.0, margin=0.6)


def test_email_rate_and_sender_name_come_from_the_environment(fake: FakeProviderServer) -> None:
    """The email send rate is a setting (not fixed at 1/s); the sender shows the clinic's name."""
    env = {**fake.env(), "ORCA_DESK_EMAIL_RATE": "5", "ORCA_DESK_SENDGRID_FROM_NAME": "Smile Ortho"}
    _, email_provider = providers_from_env(env)
    assert isinstance(email_provider, SendGridProvider)
    assert email_provider.http.limiter.rate_per_second == 5.0
    assert email_provider.send(email()).status == "sent"
    [record] = fake.sent_email
    assert record.payload["from"] == {"email": "desk@clinic.example", "name": "Smile Ortho"}
    _, default = providers_from_env(GOOD_SENDGRID)
    assert isinstance(default, SendGridProvider) and default.http.limiter.rate_per_second == 1.0
    with pytest.raises(ProviderError, match="must be positive") as raised:
        providers_from_env({**GOOD_SENDGRID, "ORCA_DESK_EMAIL_RATE": "-1"})
    assert raised.value.variable == "ORCA_DESK_EMAIL_RATE"


def test_one_click_unsubscribe_headers_and_a_footer_only_when_the_body_has_no_link(
    fake: FakeProviderServer,
) -> None:
    unsubscribe = "https://desk.example/l/unsubscribe/abc"
    provider = sendgrid_for(fake)
    body = f"Our news.\n\nNo longer want these? {unsubscribe.replace('abc', 'xyz')}"
    assert (
        provider.send(email(body=body, unsubscribe_url=unsubscribe, unsubscribe_footer=False)).status
        == "sent"
    )
    [record] = fake.sent_email
    assert record.headers == {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert record.content["text/plain"] == body  # the template's own link, not a second one


SERVICE = "MG" + "ab" * 16


def test_a_messaging_service_reads_replies_to_its_numbers_listed_through_the_api(
    fake: FakeProviderServer,
) -> None:
    """No From number: the replies are read for the account's SMS numbers (IncomingPhoneNumbers,
    validated against Twilio's spec by the fake), keeping the service's own."""
    fake.set_incoming_numbers(["+15005550006", "+15005550007"])
    since = datetime.now(UTC) - timedelta(minutes=1)
    yes = fake.add_inbound(PATIENT, to="+15005550006", body="YES", messaging_service_sid=SERVICE)
    stop = fake.add_inbound("+15552220002", to="+15005550007", body="STOP", messaging_service_sid=SERVICE)
    fake.add_inbound(
        "+15552220003", to="+15005550007", body="other service", messaging_service_sid="MG" + "cd" * 16
    )
    provider = twilio_for(fake, from_number=None, messaging_service_sid=SERVICE)
    assert provider.inbound_targets() == ("+15005550006", "+15005550007")
    got = provider.fetch_inbound(since)
    assert sorted(m.provider_id for m in got) == sorted([yes, stop])
    assert fake.rejected == []
    listings = [r for r in fake.requests if r.path.endswith("/IncomingPhoneNumbers.json")]
    provider.fetch_inbound(since)
    assert (
        len([r for r in fake.requests if r.path.endswith("/IncomingPhoneNumbers.json")]) == len(listings) == 1
    )  # listed once, not on every poll


def test_configured_inbound_numbers_are_read_without_listing(fake: FakeProviderServer) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    sid = fake.add_inbound(PATIENT, to="+15005550009", body="YES", messaging_service_sid=SERVICE)
    env = {
        **fake.env(),
        "ORCA_DESK_TWILIO_FROM": "",
        "ORCA_DESK_TWILIO_MESSAGING_SERVICE_SID": SERVICE,
        "ORCA_DESK_TWILIO_INBOUND_NUMBERS": "+15005550009, +15005550010",
    }
    provider, _ = providers_from_env(env)
    assert isinstance(provider, TwilioProvider)
    assert provider.inbound_targets() == ("+15005550009", "+15005550010")
    assert [m.provider_id for m in provider.fetch_inbound(since)] == [sid]
    assert not any(r.path.endswith("/IncomingPhoneNumbers.json") for r in fake.requests)
    with pytest.raises(ProviderError, match="ORCA_DESK_TWILIO_INBOUND_NUMBERS") as raised:
        providers_from_env({**env, "ORCA_DESK_TWILIO_INBOUND_NUMBERS": "+1500, 617"})
    assert raised.value.variable == "ORCA_DESK_TWILIO_INBOUND_NUMBERS"


def test_no_inbound_number_known_is_a_clear_error(fake: FakeProviderServer) -> None:
    fake.set_incoming_numbers(["+15005550006"], sms=False)  # a voice-only number
    provider = twilio_for(fake, from_number=None, messaging_service_sid=SERVICE)
    with pytest.raises(ProviderError, match="no number to read replies from") as raised:
        provider.inbound_targets()
    assert "ORCA_DESK_TWILIO_INBOUND_NUMBERS" in str(raised.value)
    fake.fail_next(10, status=503)
    with pytest.raises(ProviderError, match="could not list"):
        twilio_for(fake, from_number=None, messaging_service_sid=SERVICE).inbound_targets()
