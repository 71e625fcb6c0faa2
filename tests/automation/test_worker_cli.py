"""``orca-desk worker`` and ``orca-desk message send``, including kill -9 in mid-dispatch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from orca_desk.cli import main
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.outbox import NewMessage
from tests.factories import make_world
from tests.fakes import start_fake_server
from tests.fakes.fake_provider import FakeProviderServer


def noon_zone() -> str:
    """A fixed-offset zone where it is about noon now, so quiet hours never interfere."""
    offset = 12 - datetime.now(UTC).hour  # local = UTC + offset
    if offset < -12:
        offset += 24
    if offset > 14:
        offset -= 24
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


@pytest.fixture(scope="module")
def live_server() -> Iterator[FakeProviderServer]:
    with start_fake_server() as running:  # the real clock: the worker runs in real time
        yield running


@pytest.fixture
def live(live_server: FakeProviderServer) -> FakeProviderServer:
    live_server.reset()
    return live_server


def worker_env(fake: FakeProviderServer, url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORCA_DESK_")}
    env.update(fake.env())
    env.update(
        {
            "ORCA_DESK_DATABASE_URL": url,
            "ORCA_DESK_PUBLIC_BASE_URL": "https://desk.example",
            "ORCA_DESK_SMS_RATE": "200",
            **extra,
        }
    )
    return env


def populate(db, n: int) -> list[int]:
    """``n`` families, each its own number and consent, about noon where they live."""
    zone = noon_zone()
    with db.write() as s:
        w = make_world(s, patients=0)
        patients = [
            Patient(
                clinic_id=w.clinic.id,
                first_name=f"P{i}",
                last_name="Family",
                contact_phone=f"+1202555{i:04d}",
                sms_consent=True,
                timezone=zone,
            )
            for i in range(n)
        ]
        s.add_all(patients)
        s.flush()
        now = datetime.now(UTC)
        return outbox.enqueue_many(
            s,
            [
                NewMessage(
                    clinic_id=w.clinic.id,
                    channel="sms",
                    to_address=p.contact_phone,
                    body=f"Hello {p.first_name}",
                    purpose="reminder",
                    dedupe_key=f"k:{p.id}",
                    patient_id=p.id,
                )
                for p in patients
            ],
            now=now,
        )


def sent_ids(fake: FakeProviderServer) -> Counter[int]:
    return Counter(int(r.status_callback.rsplit("=", 1)[1]) for r in fake.sent_sms if r.status_callback)


def test_worker_once_sends_what_is_due(db, live, monkeypatch, capsys):
    ids = populate(db, 3)
    url = str(db.url)
    for key, value in worker_env(live, url).items():
        if key.startswith("ORCA_DESK_"):
            monkeypatch.setenv(key, value)
    assert main(["worker", "--once"]) == 0
    assert "Automation: leader · 0 queued · 0 deferred · 0 failed" in capsys.readouterr().out
    assert sorted(sent_ids(live)) == ids
    assert main(["worker", "--once"]) == 0  # nothing twice
    assert len(live.sent_sms) == 3


def test_worker_refuses_a_bad_provider_setting(db, monkeypatch, capsys):
    monkeypatch.setenv("ORCA_DESK_SMS_PROVIDER", "carrier-pigeon")
    assert main(["worker", "--once", "--database-url", str(db.url)]) == 2
    assert "ORCA_DESK_SMS_PROVIDER must be 'twilio' or 'local'" in capsys.readouterr().err


def test_message_send_queues_or_says_why_not(db, capsys, monkeypatch):
    from orca_desk.services.access.security import create_staff_user

    monkeypatch.setenv("ORCA_DESK_PASSWORD", "front-desk-1")
    with db.write() as s:
        w = make_world(s)
        create_staff_user(s, w.clinic.id, "maria", "Maria", "front-desk-1", "receptionist")
        ok, no_consent, no_email = w.patients[0], w.patients[1], w.patients[2]
        no_consent.sms_consent = False
        ok.contact_email, ok.email_consent = "parent@example.com", True
        no_consent.contact_email = "other@example.com"  # and no email consent either
        ids = ok.id, no_consent.id, no_email.id
    url = str(db.url)
    assert (
        main(
            [
                "message",
                "send",
                "--database-url",
                url,
                "--user",
                "maria",
                "--patient",
                str(ids[0]),
                "--channel",
                "sms",
                "--text",
                "See you Tuesday",
            ]
        )
        == 0
    )
    assert "queued message #1 to +16175551000 (sms)" in capsys.readouterr().out
    assert (
        main(
            [
                "message",
                "send",
                "--database-url",
                url,
                "--user",
                "maria",
                "--patient",
                str(ids[0]),
                "--channel",
                "email",
                "--text",
                "See you Tuesday",
            ]
        )
        == 0
    )
    capsys.readouterr()
    cases = [
        (ids[1], "sms", "Cannot text Kid1 Smith: No SMS consent is recorded for this number."),
        (
            ids[1],
            "email",
            "Cannot email Kid1 Smith: no email consent is recorded; record it on the "
            "patient's details first.",
        ),
        (ids[2], "email", "Kid2 Smith has no email address on file."),
        (999, "sms", "There is no patient with id 999."),
    ]
    for patient, channel, error in cases:
        assert (
            main(
                [
                    "message",
                    "send",
                    "--database-url",
                    url,
                    "--user",
                    "maria",
                    "--patient",
                    str(patient),
                    "--channel",
                    channel,
                    "--text",
                    "Hi",
                ]
            )
            == 2
        )
        assert capsys.readouterr().err.strip() == f"orca-desk: error: {error}"
    with db.write() as s:  # the number replies STOP
        from orca_desk.services.messaging.inbound import unsubscribe_address

        unsubscribe_address(s, "sms", "+16175551000", source="STOP reply", now=datetime.now(UTC))
    assert (
        main(
            [
                "message",
                "send",
                "--database-url",
                url,
                "--user",
                "maria",
                "--patient",
                str(ids[0]),
                "--channel",
                "sms",
                "--text",
                "Hi",
            ]
        )
        == 2
    )
    assert "replied STOP" in capsys.readouterr().err
    with db.read() as s:
        rows = outbox.list_messages(s)
        assert [(r.channel, r.purpose, r.subject) for r in rows] == [
            ("email", "manual", "Message from Test Ortho"),
            ("sms", "manual", None),
        ]


class UncheckedFake(FakeProviderServer):
    """The fake without OpenAPI request checks (20 ms of CPU each), which the provider tests
    already make; here it only has to count what arrives, fast enough for 1,000 messages."""

    def _validate(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.mark.slow
def test_kill_9_in_mid_dispatch_sends_every_message_exactly_once(db):
    total = 1000
    ids = populate(db, total)
    with UncheckedFake() as live:
        _kill_and_restart(db, live, ids, total)


def _kill_and_restart(db, live: FakeProviderServer, ids: list[int], total: int) -> None:
    env = worker_env(live, str(db.url), ORCA_DESK_CLAIM_TIMEOUT_SECONDS="4", ORCA_DESK_LEASE_SECONDS="3")
    live.delay_next(10_000, 0.002)  # a provider that takes a moment to answer
    command = [sys.executable, "-m", "orca_desk", "worker"]
    began = time.monotonic()
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(live.sent_sms) < total // 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(live.sent_sms) >= total // 3, "the first worker never got going"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_at = time.monotonic()
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = len(live.sent_sms)
    assert at_kill < total, "the worker finished before it could be killed"
    with db.read() as s:
        in_flight = s.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "sending"))
    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        restarted = time.monotonic()
        deadline = restarted + 90
        done = 0
        while time.monotonic() < deadline:
            with db.read() as s:
                done = (
                    s.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "sent")) or 0
                )
            if done == total:
                finished = time.monotonic()
                break
            time.sleep(0.2)
        if done != total:
            with db.read() as s:
                stuck = s.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent")).all()
                states = Counter(m.status for m in stuck)
                history = outbox.message_history(s, stuck[0].id) if stuck else []
            err = second.stderr.read1(4000).decode() if second.stderr else ""  # type: ignore[union-attr]
            pytest.fail(f"only {done} of {total} sent after the restart: {states}; {history}; {err}")
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(10)
        except subprocess.TimeoutExpired:
            second.kill()
    counts = sent_ids(live)
    assert set(counts) == set(ids)
    assert [i for i, n in counts.items() if n > 1] == [], "some family got the same text twice"
    assert len(live.sent_sms) == total
    print(
        f"killed after {at_kill} sends ({killed_at - began:.1f} s) with {in_flight} claimed in "
        f"flight; the rest took {finished - restarted:.1f} s after the restart"
    )


def test_worker_defers_by_the_clinics_saved_quiet_hours(db, live, monkeypatch, manager):
    """Quiet hours saved in Settings (20:00–09:00) reach ``orca-desk worker``'s dispatch: a
    text due at 20:xx where the family lives waits (the default window starts at 21:00)."""
    from dataclasses import replace
    from datetime import time as wall

    from orca_desk.services.clinic import clinic_settings as cs

    offset = 20 - datetime.now(UTC).hour  # local = UTC + offset is 20:xx
    offset = offset + 24 if offset < -12 else offset - 24 if offset > 14 else offset
    zone = "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"
    with db.write() as s:
        w = make_world(s, patients=0)
        p = Patient(
            clinic_id=w.clinic.id,
            first_name="Evening",
            last_name="Family",
            contact_phone="+12025550199",
            sms_consent=True,
            timezone=zone,
        )
        s.add(p)
        s.flush()
        cs.save_settings(
            s,
            manager,
            replace(cs.load_settings(s), quiet_start=wall(20, 0), quiet_end=wall(9, 0)),
            now=datetime.now(UTC),
        )
        msg = outbox.enqueue_for_patient(
            s, p, body="Hello", purpose="manual", dedupe_key="eve", now=datetime.now(UTC)
        ).id
    for key, value in worker_env(live, str(db.url)).items():
        if key.startswith("ORCA_DESK_"):
            monkeypatch.setenv(key, value)
    assert main(["worker", "--once"]) == 0
    assert live.sent_sms == []
    with db.read() as s:
        m = s.get(OutboxMessage, msg)
        assert (m.status, m.error_code) == ("deferred", "quiet_hours")


def test_worker_once_that_cannot_lead_exits_non_zero_with_the_reason(db, monkeypatch, capsys):
    """Another process holds the lead: ``--once`` ran nothing, and cron must hear about it."""
    from datetime import timedelta

    from orca_desk.models.messaging import AutomationLease

    now = datetime.now(UTC)
    with db.write() as s:
        make_world(s, patients=0)
        s.add(
            AutomationLease(
                name="automation",
                holder="desk-7:4242:cafe0123",
                expires_at=now + timedelta(seconds=25),
                heartbeat_at=now,
            )
        )
    assert main(["worker", "--once", "--database-url", str(db.url)]) == 3
    err = capsys.readouterr().err
    assert "orca-desk: error: standby: automation is led by desk-7:4242:cafe0123" in err
    assert "nothing was run" in err
    assert "lease runs until" in err


def test_worker_warns_when_real_providers_send_links_to_this_machine(db, live, monkeypatch, capsys):
    with db.write() as s:
        make_world(s, patients=0)
    env = worker_env(live, str(db.url), ORCA_DESK_PUBLIC_BASE_URL="http://127.0.0.1:8765")
    for key, value in env.items():
        if key.startswith("ORCA_DESK_"):
            monkeypatch.setenv(key, value)
    assert main(["worker", "--once"]) == 0
    err = capsys.readouterr().err
    assert "the public link address is http://127.0.0.1:8765, this computer itself" in err
    monkeypatch.setenv("ORCA_DESK_PUBLIC_BASE_URL", "https://desk.example")
    assert main(["worker", "--once"]) == 0
    assert "this computer itself" not in capsys.readouterr().err


def populate_email(db, n: int) -> list[int]:
    """``n`` families with email consent, each their own address, about noon where they live."""
    zone = noon_zone()
    with db.write() as s:
        w = make_world(s, patients=0)
        patients = [
            Patient(
                clinic_id=w.clinic.id,
                first_name=f"E{i}",
                last_name="Family",
                contact_email=f"family{i}@example.com",
                email_consent=True,
                timezone=zone,
            )
            for i in range(n)
        ]
        s.add_all(patients)
        s.flush()
        return outbox.enqueue_many(
            s,
            [
                NewMessage(
                    clinic_id=w.clinic.id,
                    channel="email",
                    to_address=p.contact_email or "",
                    body=f"Hello {p.first_name}",
                    subject="Your visit",
                    purpose="appointment_reminder",
                    dedupe_key=f"e:{p.id}",
                    patient_id=p.id,
                )
                for p in patients
            ],
            now=datetime.now(UTC),
        )


def test_sigterm_stops_claiming_finishes_the_message_in_flight_and_exits(db, live):
    """40 emails at SendGrid's 1 per second: SIGTERM after the first one must not send the rest
    (nor leave them claimed): the worker finishes the one in flight and exits."""
    ids = populate_email(db, 40)
    env = worker_env(live, str(db.url), ORCA_DESK_CLAIM_TIMEOUT_SECONDS="600")
    proc = subprocess.Popen(
        [sys.executable, "-m", "orca_desk", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not live.sent_email and time.monotonic() < deadline:
            time.sleep(0.02)
        assert live.sent_email, "the worker never sent anything"
        proc.send_signal(signal.SIGTERM)
        at_signal = len(live.sent_email)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    err = proc.stderr.read() if proc.stderr else ""
    out = proc.stdout.read() if proc.stdout else ""
    assert proc.returncode == 0, err
    assert len(live.sent_email) <= at_signal + 1  # only the one in flight
    with db.read() as s:
        statuses = Counter(s.scalars(select(OutboxMessage.status).where(OutboxMessage.id.in_(ids))))
    assert statuses["sent"] == len(live.sent_email)
    assert statuses["queued"] == 40 - len(live.sent_email)  # released, not left "sending"
    # It says what it does on stdout, one JSON event a line, once each; not a line per tick.
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert all(e["service"] == "worker" for e in events), out
    assert any(e["event"].startswith("stopping") for e in events), out
    assert not any("Running job" in e["event"] or "executed successfully" in e["event"] for e in events), out
    assert len(events) <= 6, out


SERVICE = "MG" + "ab" * 16


def test_worker_with_a_messaging_service_reads_stop_replies(db, live, monkeypatch, capsys):
    """README allows a Messaging Service SID and no From number: replies must still be read."""
    from orca_desk.models.messaging import ContactState

    populate(db, 1)
    live.add_inbound("+12025550000", to=live.clinic_number, body="STOP", messaging_service_sid=SERVICE)
    env = worker_env(
        live, str(db.url), ORCA_DESK_TWILIO_FROM="", ORCA_DESK_TWILIO_MESSAGING_SERVICE_SID=SERVICE
    )
    for key, value in env.items():
        if key.startswith("ORCA_DESK_"):
            monkeypatch.setenv(key, value)
    assert main(["worker", "--once"]) == 0
    with db.read() as s:
        state = s.scalar(select(ContactState).where(ContactState.address == "+12025550000"))
        assert state is not None and state.opted_out
    # The STOP landed before the queued text could go; only its confirmation went out.
    assert [r.body.split(":")[1].strip()[:16] for r in live.sent_sms] == ["You're unsubscri"]


def test_worker_refuses_to_start_when_no_inbound_number_can_be_known(db, live, monkeypatch, capsys):
    with db.write() as s:
        make_world(s, patients=0)
    live.set_incoming_numbers([])
    env = worker_env(
        live, str(db.url), ORCA_DESK_TWILIO_FROM="", ORCA_DESK_TWILIO_MESSAGING_SERVICE_SID=SERVICE
    )
    for key, value in env.items():
        if key.startswith("ORCA_DESK_"):
            monkeypatch.setenv(key, value)
    assert main(["worker", "--once"]) == 2
    err = capsys.readouterr().err
    assert "orca-desk: error:" in err and "no number to read replies from" in err
    assert "ORCA_DESK_TWILIO_INBOUND_NUMBERS" in err
