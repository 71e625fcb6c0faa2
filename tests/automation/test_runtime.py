"""Automation runtime: leader election, run-once order, feature ticks, scheduler settings."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from orca_desk.automation.features import clinic_runtime
from orca_desk.automation.leader import LeaseLeadership
from orca_desk.automation.runtime import (
    AutomationRuntime,
    JobContext,
    RuntimeSettings,
    TickJob,
    describe_status,
)
from orca_desk.automation.scheduler import JOB_DEFAULTS, background_scheduler
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.clock import FrozenClock
from orca_desk.services.messaging import outbox
from orca_desk.services.messaging.providers.local import LocalProvider
from tests.conftest import NOW
from tests.services.messaging.support import make_family, providers_for

PHONE = "+16175559000"


def local_providers() -> dict[str, LocalProvider]:
    return {"sms": LocalProvider("sms"), "email": LocalProvider("email")}


def test_one_leader_and_a_standby_that_takes_over_after_expiry(db):
    clock = FrozenClock(NOW)
    settings = RuntimeSettings(lease_ttl=timedelta(seconds=30))
    first = AutomationRuntime(db, local_providers(), clock=clock, settings=settings, worker_id="a")
    second = AutomationRuntime(db, local_providers(), clock=clock, settings=settings, worker_id="b")
    assert first.heartbeat() and not second.heartbeat()
    assert second.status().holder == "a" and not second.status().leader
    assert second.run_once() == {}  # a standby runs nothing
    clock.advance(timedelta(seconds=20))
    assert first.heartbeat() and not second.heartbeat()  # renewed in time
    clock.advance(timedelta(seconds=31))  # the leader died: no heartbeat since
    assert second.heartbeat()
    assert not first.heartbeat()  # back from sleep: it is a standby now
    assert describe_status(second.status()).startswith("Automation: leader · 0 queued")


def test_a_dead_local_holder_is_replaced_at_once(db):
    clock = FrozenClock(NOW)
    dead = LeaseLeadership(db, "ghost-host-check:1:x")
    import socket

    dead.holder = f"{socket.gethostname()[:60]}:999999:deadbeef"  # no such process
    assert dead.acquire(NOW)
    heir = AutomationRuntime(db, local_providers(), clock=clock)
    assert heir.heartbeat()


@pytest.mark.postgres
def test_advisory_lock_leadership_on_postgres(pg_db):
    clock = FrozenClock(NOW)
    first = AutomationRuntime(pg_db, local_providers(), clock=clock, worker_id="a")
    second = AutomationRuntime(pg_db, local_providers(), clock=clock, worker_id="b")
    try:
        assert first.heartbeat() and not second.heartbeat()
        assert second.status().holder == "a"
        first.close()  # the leader's connection goes: the lock is free at once
        assert second.heartbeat() and not first.heartbeat()
    finally:
        first.close()
        second.close()


def test_run_once_reads_replies_before_sending_and_runs_feature_ticks(db, fake):
    fam = make_family(db, siblings=2, phone=PHONE)
    with db.write() as s:
        outbox.enqueue_for_patient(
            s,
            s.get(Patient, fam.patient_ids[0]),
            body="Reminder",
            purpose="reminder",
            dedupe_key="r",
            now=NOW,
        )
    fake.add_inbound(PHONE, body="STOP")
    seen: list[JobContext] = []

    def plan_reminders(ctx: JobContext) -> int:
        seen.append(ctx)
        with ctx.db.write() as s:
            p = s.get(Patient, fam.patient_ids[2])
            outbox.enqueue_for_patient(
                s, p, body="Planned", purpose="reminder", dedupe_key="tick", now=ctx.clock.now()
            )
        return 1

    runtime = AutomationRuntime(db, providers_for(fake), clock=FrozenClock(NOW))
    runtime.register_tick(TickJob("reminders", plan_reminders, timedelta(minutes=1)))
    with pytest.raises(ValueError):
        runtime.register_tick(TickJob("reminders", plan_reminders, timedelta(minutes=1)))
    results = runtime.run_once()
    assert set(results) == {"reconcile", "inbound", "reminders", "dispatch", "delivery"}
    assert len(seen) == 1
    bodies = sorted(r.body for r in fake.sent_sms)
    assert bodies[0] == "Planned" and bodies[1].startswith("Test Ortho: You're unsubscribed")
    assert len(bodies) == 2  # the reminder to the phone that said STOP was not sent
    with db.read() as s:
        statuses = {m.dedupe_key: m.status for m in s.scalars(select(OutboxMessage))}
    assert statuses["r"] == "failed" and statuses["tick"] == "sent"
    # Idempotent: a second run sends nothing new.
    runtime.run_once()
    assert len(fake.sent_sms) == 2
    runtime.close()


def test_scheduler_catches_up_and_keeps_its_store_in_memory(db):
    fam = make_family(db, siblings=0)
    with db.write() as s:
        outbox.enqueue_for_patient(
            s, s.get(Patient, fam.patient_ids[0]), body="Hi", purpose="manual", dedupe_key="m", now=NOW
        )
    runtime = AutomationRuntime(db, local_providers(), clock=FrozenClock(NOW))
    scheduler = background_scheduler(runtime)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"heartbeat", "dispatch", "reconcile", "inbound", "delivery"} <= set(jobs)
    assert JOB_DEFAULTS["misfire_grace_time"] is None
    assert type(scheduler._jobstores["default"]).__name__ == "MemoryJobStore"
    scheduler.start()
    try:
        started = scheduler.get_jobs()
        assert all(j.coalesce and j.misfire_grace_time is None and j.max_instances == 1 for j in started)
        deadline = time.monotonic() + 10
        status = "queued"
        while time.monotonic() < deadline and status != "sent":
            time.sleep(0.1)
            with db.read() as s:
                status = s.scalar(select(OutboxMessage.status))
        assert status == "sent"  # the local provider: "sent locally"
    finally:
        scheduler.shutdown(wait=True)
        runtime.close()


def _save_settings(db, actor, **changes) -> None:
    from dataclasses import replace

    from orca_desk.services.clinic import clinic_settings as cs

    with db.write() as s:
        cs.save_settings(s, actor, replace(cs.load_settings(s), **changes), now=NOW)


def test_the_runtime_follows_the_clinics_saved_quiet_hours(db, manager):
    from datetime import time as wall

    fam = make_family(db, siblings=0)  # New York
    _save_settings(db, manager, quiet_start=wall(20, 0), quiet_end=wall(9, 0))
    evening = NOW.replace(day=4, hour=1, minute=30)  # 20:30 in New York
    clock = FrozenClock(evening)
    with db.write() as s:
        msg = outbox.enqueue_for_patient(
            s, s.get(Patient, fam.patient_ids[0]), body="Hi", purpose="manual", dedupe_key="q", now=evening
        ).id
    runtime = clinic_runtime(db, {}, clock=clock, secret_reader=lambda _n: None)
    try:
        assert runtime.policy.quiet_start == wall(20, 0)
        runtime.run_once()
        with db.read() as s:
            m = s.get(OutboxMessage, msg)
            assert (m.status, m.error_code) == ("deferred", "quiet_hours")
            assert m.next_attempt_at == NOW.replace(day=4, hour=14)  # 09:00 in New York
        # Saved on another desk while running: picked up by the next reload.
        _save_settings(db, manager, quiet_start=wall(21, 0), quiet_end=wall(8, 0))
        runtime.reload_settings()
        assert runtime.policy.quiet_start == wall(21, 0)
    finally:
        runtime.close()


def test_the_runtime_builds_providers_from_settings_and_keyring_and_env_wins(db, fake, manager):
    make_family(db, siblings=0)
    runtime = clinic_runtime(db, {}, clock=FrozenClock(NOW), secret_reader=lambda _n: None)
    assert runtime.providers["sms"].name == "local"
    _save_settings(
        db,
        manager,
        sms_provider="twilio",
        twilio_account_sid=fake.account_sid,
        twilio_from=fake.clinic_number,
        twilio_base_url=fake.twilio_base_url,
        public_base_url="https://links.example",
    )
    secrets = {"ORCA_DESK_TWILIO_AUTH_TOKEN": fake.auth_token}
    runtime._follow = ({"ORCA_DESK_SMS_RATE": "50"}, secrets.get)  # as from_clinic keeps them
    try:
        assert runtime.reload_settings() is True
        sms = runtime.providers["sms"]
        assert sms.name == "twilio" and sms.http.limiter.rate_per_second == 50.0  # type: ignore[attr-defined]
        assert runtime.options.status_callback_base == "https://links.example"
        assert runtime.reload_settings() is False  # nothing changed: the same clients
        fam_id = None
        with db.write() as s:
            fam_id = s.scalars(select(Patient.id)).first()
            msg = outbox.enqueue_for_patient(
                s, s.get(Patient, fam_id), body="Hi", purpose="manual", dedupe_key="p", now=NOW
            ).id
        runtime.run_once()
        assert [r.status_callback for r in fake.sent_sms] == [
            f"https://links.example/twilio/status?outbox_id={msg}"
        ]
    finally:
        runtime.close()


def test_a_failing_job_is_logged_when_it_starts_failing_and_when_it_recovers_not_every_tick(db, caplog):
    import logging

    runtime = AutomationRuntime(db, local_providers(), clock=FrozenClock(NOW), worker_id="a")
    assert runtime.heartbeat()
    failing = {"on": True}

    def job(_ctx: JobContext) -> str:
        if failing["on"]:
            raise RuntimeError("provider down")
        return "ok"

    tick = TickJob("flaky", job, every=timedelta(seconds=2))
    with caplog.at_level(logging.INFO, logger="orca_desk.automation.runtime"):
        for _ in range(5):
            runtime.run_tick(tick)
        failing["on"] = False
        for _ in range(3):
            runtime.run_tick(tick)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["automation job flaky failed", "automation job flaky works again"]


def test_a_stopped_runtime_starts_no_job(db):
    runtime = AutomationRuntime(db, local_providers(), clock=FrozenClock(NOW), worker_id="a")
    assert runtime.heartbeat()
    ran: list[int] = []
    tick = TickJob("t", lambda _ctx: ran.append(1), every=timedelta(seconds=2))
    runtime.stop()
    assert runtime.run_tick(tick) is None and ran == []
    assert runtime.wait_idle(0)
