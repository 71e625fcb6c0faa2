"""The fake provider server keeps the Twilio/SendGrid contract: spec checks, errors, faults."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.fakes import start_fake_server
from tests.fakes.fake_provider import (
    SPECS_ENV,
    FakeProviderServer,
    default_specs_dir,
    load_spec,
)

CLIENT = "+15551110000"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeProviderServer]:
    with start_fake_server() as running:
        yield running


@pytest.fixture
def fake(server: FakeProviderServer) -> Iterator[FakeProviderServer]:
    server.reset()
    yield server
    assert server.response_errors == [], "the fake answered outside the spec"


def messages_url(fake: FakeProviderServer) -> str:
    return f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"


def post_sms(fake: FakeProviderServer, form: dict[str, str], **kw: object) -> requests.Response:
    return requests.post(
        messages_url(fake),
        data=form,
        auth=(fake.account_sid, fake.auth_token),
        timeout=kw.pop("timeout", 5),  # type: ignore[arg-type]
    )


def post_mail(fake: FakeProviderServer, payload: object, key: str | None = None) -> requests.Response:
    return requests.post(
        f"{fake.base_url}/v3/mail/send",
        json=payload,
        headers={"Authorization": f"Bearer {key or fake.api_key}"},
        timeout=5,
    )


def mail(to: str = "pat@example.com") -> dict[str, object]:
    return {
        "personalizations": [{"to": [{"email": to}], "custom_args": {"outbox_id": "9"}}],
        "from": {"email": "desk@clinic.example"},
        "subject": "Your appointment",
        "content": [{"type": "text/plain", "value": "See you soon"}],
    }


# -- Twilio: spec validation -----------------------------------------------------------


def test_valid_create_returns_a_queued_message_resource(fake: FakeProviderServer) -> None:
    response = post_sms(
        fake,
        {
            "To": CLIENT,
            "From": fake.clinic_number,
            "Body": "Hello",
            "StatusCallback": "https://desk.example/cb?outbox_id=3",
        },
    )
    assert response.status_code == 201
    data = response.json()
    assert re.fullmatch(r"SM[0-9a-f]{32}", data["sid"])
    assert data["status"] == "queued"
    assert data["direction"] == "outbound-api"
    assert (data["to"], data["from"], data["body"]) == (CLIENT, fake.clinic_number, "Hello")
    [record] = fake.sent_sms
    assert record.sid == data["sid"]
    assert record.status_callback == "https://desk.example/cb?outbox_id=3"
    assert fake.rejected == []


def test_missing_to_is_rejected_by_the_spec(fake: FakeProviderServer) -> None:
    response = post_sms(fake, {"From": fake.clinic_number, "Body": "Hello"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 21604
    assert body["status"] == 400
    assert body["more_info"].endswith("/21604")
    [rejection] = fake.rejected
    assert "'To' is a required property" in rejection.reason
    assert fake.sent_sms == []


def test_wrong_parameter_type_is_rejected_by_the_spec(fake: FakeProviderServer) -> None:
    response = post_sms(
        fake, {"To": CLIENT, "From": fake.clinic_number, "Body": "x", "ValidityPeriod": "soon"}
    )
    assert response.status_code == 400
    assert "ValidityPeriod" in fake.rejected[0].reason or "soon" in fake.rejected[0].reason
    assert fake.sent_sms == []


def test_body_over_1600_characters_is_refused(fake: FakeProviderServer) -> None:
    ok = post_sms(fake, {"To": CLIENT, "From": fake.clinic_number, "Body": "x" * 1600})
    too_long = post_sms(fake, {"To": CLIENT, "From": fake.clinic_number, "Body": "x" * 1601})
    assert ok.status_code == 201
    assert too_long.status_code == 400
    assert too_long.json()["code"] == 21617
    assert len(fake.sent_sms) == 1


def test_from_or_messaging_service_is_required(fake: FakeProviderServer) -> None:
    response = post_sms(fake, {"To": CLIENT, "Body": "Hello"})
    assert response.json()["code"] == 21603
    service = "MG" + "1" * 32
    response = post_sms(fake, {"To": CLIENT, "Body": "Hello", "MessagingServiceSid": service})
    assert response.status_code == 201
    assert response.json()["status"] == "accepted"
    assert response.json()["from"] is None


def test_bad_credentials_get_401(fake: FakeProviderServer) -> None:
    response = requests.post(
        messages_url(fake),
        data={"To": CLIENT, "From": fake.clinic_number, "Body": "x"},
        auth=(fake.account_sid, "wrong"),
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json()["code"] == 20003
    assert fake.rejected[0].reason == "bad credentials"


@pytest.mark.parametrize(
    ("behaviour", "code"), [("opted_out", 21610), ("invalid", 21211), ("landline", 21614)]
)
def test_recipient_behaviours_answer_twilio_error_codes(
    fake: FakeProviderServer, behaviour: str, code: int
) -> None:
    fake.set_recipient_behaviour(CLIENT, behaviour)  # type: ignore[arg-type]
    response = post_sms(fake, {"To": CLIENT, "From": fake.clinic_number, "Body": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert fake.sent_sms == []


# -- Twilio: reading -------------------------------------------------------------------


def test_status_advances_on_each_poll(fake: FakeProviderServer) -> None:
    fake.set_recipient_behaviour("+15551110009", "undelivered")
    good = post_sms(fake, {"To": CLIENT, "From": fake.clinic_number, "Body": "a"}).json()["sid"]
    bad = post_sms(fake, {"To": "+15551110009", "From": fake.clinic_number, "Body": "b"}).json()["sid"]
    auth = (fake.account_sid, fake.auth_token)

    def poll(sid: str) -> dict[str, object]:
        url = f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages/{sid}.json"
        response = requests.get(url, auth=auth, timeout=5)
        assert response.status_code == 200
        return response.json()  # type: ignore[no-any-return]

    assert [poll(good)["status"] for _ in range(4)] == ["queued", "sent", "delivered", "delivered"]
    last = [poll(bad) for _ in range(3)][-1]
    assert (last["status"], last["error_code"]) == ("undelivered", 30003)


def test_list_filters_and_pages(fake: FakeProviderServer) -> None:
    for i in range(5):
        post_sms(fake, {"To": CLIENT, "From": fake.clinic_number, "Body": f"m{i}"})
    post_sms(fake, {"To": "+15551110002", "From": fake.clinic_number, "Body": "other"})
    auth = (fake.account_sid, fake.auth_token)
    url: str | None = messages_url(fake)
    params: dict[str, str] | None = {"To": CLIENT, "PageSize": "2"}
    bodies: list[str] = []
    pages = 0
    while url:
        page = requests.get(url, params=params, auth=auth, timeout=5).json()
        bodies += [m["body"] for m in page["messages"]]
        url = fake.base_url + page["next_page_uri"] if page["next_page_uri"] else None
        params = None
        pages += 1
    assert pages == 3
    assert bodies == ["m4", "m3", "m2", "m1", "m0"]  # newest first, like Twilio
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = requests.get(messages_url(fake), params={"DateSent>": tomorrow}, auth=auth, timeout=5).json()
    assert later["messages"] == []


def test_list_rejects_a_page_size_outside_the_spec(fake: FakeProviderServer) -> None:
    response = requests.get(
        messages_url(fake),
        params={"PageSize": "5000"},
        auth=(fake.account_sid, fake.auth_token),
        timeout=5,
    )
    assert response.status_code == 400
    assert "PageSize" in fake.rejected[0].reason


def test_inbound_messages_are_listed_to_the_clinic_number(fake: FakeProviderServer) -> None:
    sid = fake.add_inbound(CLIENT, body="YES")
    page = requests.get(
        messages_url(fake),
        params={"To": fake.clinic_number},
        auth=(fake.account_sid, fake.auth_token),
        timeout=5,
    ).json()
    [message] = page["messages"]
    assert (message["sid"], message["direction"], message["status"]) == (
        sid,
        "inbound",
        "received",
    )


# -- SendGrid --------------------------------------------------------------------------


def test_sendgrid_accepts_valid_mail_and_records_custom_args(fake: FakeProviderServer) -> None:
    response = post_mail(fake, mail())
    assert response.status_code == 202
    [record] = fake.sent_email
    assert response.headers["X-Message-Id"] == record.message_id
    assert record.custom_args == {"outbox_id": "9"}
    assert record.to == ["pat@example.com"]


def test_sendgrid_rejects_spec_invalid_mail(fake: FakeProviderServer) -> None:
    payload = mail()
    payload["personalizations"] = [{"custom_args": {"outbox_id": "9"}}]  # no "to"
    response = post_mail(fake, payload)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]
    assert "'to' is a required property" in fake.rejected[0].reason
    assert fake.sent_email == []


def test_sendgrid_requires_a_subject_and_a_valid_key(fake: FakeProviderServer) -> None:
    payload = mail()
    del payload["subject"]
    assert post_mail(fake, payload).status_code == 400
    assert post_mail(fake, mail(), key="SG.wrong").status_code == 401
    assert fake.sent_email == []
    assert len(fake.rejected) == 2


# -- fault injection -------------------------------------------------------------------


def test_fail_next_answers_the_status_with_retry_after(fake: FakeProviderServer) -> None:
    fake.fail_next(2, status=429, retry_after=3)
    form = {"To": CLIENT, "From": fake.clinic_number, "Body": "x"}
    first, second, third = (post_sms(fake, form) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 201)
    assert first.headers["Retry-After"] == "3"
    assert first.json()["code"] == 20429
    assert len(fake.sent_sms) == 1


def test_drop_after_accept_records_but_never_answers(fake: FakeProviderServer) -> None:
    fake.drop_after_accept_next(1, stall_seconds=0.6)
    with pytest.raises(requests.exceptions.ReadTimeout):
        post_sms(fake, {"To": CLIENT, "From": fake.clinic_number, "Body": "x"}, timeout=0.2)
    assert len(fake.sent_sms) == 1


def test_delay_next_makes_a_slow_answer(fake: FakeProviderServer) -> None:
    fake.delay_next(1, 0.3)
    started = time.monotonic()
    response = post_sms(fake, {"To": CLIENT, "From": fake.clinic_number, "Body": "x"})
    assert response.status_code == 201
    assert time.monotonic() - started >= 0.3


def test_request_times_are_recorded_on_arrival(fake: FakeProviderServer) -> None:
    before = time.monotonic()
    post_sms(fake, {"To": CLIENT, "From": fake.clinic_number, "Body": "x"})
    [at] = fake.request_times()
    assert before <= at <= time.monotonic()


# -- setup -----------------------------------------------------------------------------


def test_specs_are_found_in_the_repository(server: FakeProviderServer) -> None:
    assert default_specs_dir() == Path(__file__).resolve().parents[1] / "provider_specs"
    assert (default_specs_dir() / "twilio_api_v2010.json").is_file()
    assert (default_specs_dir() / "LICENSE-twilio-oai.txt").is_file()
    assert (default_specs_dir() / "LICENSE-sendgrid-oai.txt").is_file()
    with FakeProviderServer(specs_dir=default_specs_dir()) as second:
        assert second.port != server.port


def test_missing_specs_name_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SPECS_ENV, str(tmp_path))
    assert default_specs_dir() == tmp_path
    with pytest.raises(FileNotFoundError, match=SPECS_ENV):
        load_spec(default_specs_dir() / "twilio_api_v2010.json")


def test_command_line_entry_serves_until_stopped() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.fake_provider", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", first)
        assert match, first
        response = requests.get(f"http://127.0.0.1:{match.group(1)}/v3/unknown", timeout=5)
        assert response.status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=10)
