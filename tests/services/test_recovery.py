"""Failed-appointment recovery in frozen time, through the fake provider over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from orca_desk.db import Database
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.recovery import RecoveryCase
from orca_desk.models.reminders import StaffTask
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.booking import booking
from orca_desk.services.clock import FrozenClock
from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.dispatch import dispatch_due
from orca_desk.services.messaging.providers.base import Provider
from orca_desk.services.recovery import steps as recovery_steps
from orca_desk.services.recovery.metrics import recovery_metrics
from orca_desk.services.recovery.queries import list_cases
from orca_desk.services.recovery.rows import StepInput, step_label
from orca_desk.services.recovery.sequences import save_sequence
from orca_desk.services.recovery.staff import close_case, log_call_outcome
from orca_desk.services.recovery.steps import RecoveryTick, process_recovery
from tests.conftest import NOW
from tests.factories import World, book, make_world
from tests.fakes import sendgrid_for, twilio_for
from tests.fakes.fake_provider import FakeProviderServer

DESK = Actor(
    username="maria", role="receptionist", display_name="Maria", permissions=ROLE_PERMISSIONS["receptionist"]
)
D = timedelta(days=1)
H = timedelta(hours=1)


@pytest.fixture(autouse=True)
def link_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCA_DESK_LINK_SECRET", "r" * 64)


def clinic(db: Database) -> World:
    with db.write() as s:
        w = make_world(s, patients=4)
        for i, p in enumerate(w.patients):
            p.contact_email, p.email_consent = f"family{i}@example.com", True
            p.guardian_name = f"Emma Smith{i}"
        return w


def no_show(db: Database, appt: int, now: datetime) -> None:
    with db.write() as s:
        booking.mark_no_show(s, DESK, appt, now=now)


def providers(fake: FakeProviderServer) -> dict[str, Provider]:
    return {"sms": twilio_for(fake), "email": sendgrid_for(fake)}


def tick(db: Database, provs: dict[str, Provider], clock: FrozenClock, when: datetime) -> RecoveryTick:
    clock.set(when)
    report = process_recovery(db, now=when)
    dispatch_due(db, provs, now=when, worker_id="w")
    return report


def the_case(db: Database) -> RecoveryCase:
    with db.read() as s:
        [case] = s.scalars(select(RecoveryCase)).all()
        s.expunge(case)
        return case


def events(case: RecoveryCase) -> list[str]:
    return [h["event"] for h in case.history]


# Tue 3 Mar 2026, New York (EST, UTC-5): the visit at 08:00 local, marked a no-show at 09:00.
VISIT = NOW - H


def test_no_show_sms_same_day_email_after_two_days_call_after_five(db, fake, shared_clock):
    c = clinic(db)
    provs = providers(fake)
    appt = book(db, DESK, c, patient=0, start=VISIT, now=NOW - 2 * H)
    no_show(db, appt, NOW)
    case = the_case(db)
    assert (case.status, case.cause_kind, case.next_step_at) == ("open", "no_show", NOW)
    assert case.next_step_label == "SMS same day (before 9:00 PM)"  # the clinic writes 12-hour times

    tick(db, provs, shared_clock, NOW)
    assert [m.to for m in fake.sent_sms] == ["+16175551000"]
    assert "we missed Kid0 today" in fake.sent_sms[0].body
    tick(db, provs, shared_clock, NOW + H)  # the next tick sees the text went out
    case = the_case(db)
    assert case.status == "contacted" and case.next_step_label == "Email after 2 days"
    assert case.next_step_at == NOW + 2 * D

    tick(db, provs, shared_clock, NOW + 2 * D - H)
    assert fake.sent_email == []
    tick(db, provs, shared_clock, NOW + 2 * D)
    assert len(fake.sent_email) == 1
    assert "We missed Kid0" in str(fake.sent_email[0].subject)

    tick(db, provs, shared_clock, NOW + 5 * D)
    case = the_case(db)
    with db.read() as s:
        task = s.get(StaffTask, case.call_task_id)
        assert task is not None and task.kind == "call" and task.status == "open"
        assert task.reason.startswith("Recovery: call Kid0 Smith to rebook after the no-show on Tue, Mar 3")
    assert events(case) == ["opened", "sms_queued", "contacted", "email_queued", "call_task"]
    assert len(fake.sent_sms) == 1 and len(fake.sent_email) == 1

    # Nothing booked 14 days after the last step: lost.
    tick(db, provs, shared_clock, NOW + 19 * D - H)
    assert the_case(db).status == "contacted"
    tick(db, provs, shared_clock, NOW + 19 * D)
    assert the_case(db).status == "lost"


def test_the_same_day_sms_never_goes_after_21(db, fake, shared_clock):
    c = clinic(db)
    provs = providers(fake)
    late_visit = datetime(2026, 3, 4, 0, 30, tzinfo=UTC)  # 19:30 EST
    marked = datetime(2026, 3, 4, 1, 30, tzinfo=UTC)  # 20:30 EST
    appt = book(db, DESK, c, patient=1, start=late_visit, now=NOW)
    no_show(db, appt, marked)
    tick(db, provs, shared_clock, datetime(2026, 3, 4, 2, 5, tzinfo=UTC))  # 21:05: too late
    assert fake.sent_sms == []
    case = the_case(db)
    assert case.history[-1]["event"] == "sms_skipped" and "too late" in case.history[-1]["detail"]
    assert case.next_step_label == "Email after 2 days"


def test_a_queued_sms_expires_at_21_when_it_could_not_go(db, fake, shared_clock):
    c = clinic(db)
    provs = providers(fake)
    appt = book(db, DESK, c, patient=1, start=datetime(2026, 3, 4, 0, 30, tzinfo=UTC), now=NOW)
    marked = datetime(2026, 3, 4, 1, 55, tzinfo=UTC)  # 20:55 EST
    no_show(db, appt, marked)
    shared_clock.set(marked)
    process_recovery(db, now=marked)  # queued with not_after 21:00, dispatcher down
    dispatch_due(db, provs, now=datetime(2026, 3, 4, 2, 1, tzinfo=UTC), worker_id="w")
    assert fake.sent_sms == []
    with db.read() as s:
        msg = s.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "recovery"))
        assert msg is not None and msg.status == "cancelled" and msg.error_code == "expired"


def test_booking_stops_the_sequence(db, fake, shared_clock):
    c = clinic(db)
    provs = providers(fake)
    appt = book(db, DESK, c, patient=0, start=VISIT, now=NOW - 2 * H)
    no_show(db, appt, NOW)
    tick(db, provs, shared_clock, NOW)
    new = book(db, DESK, c, patient=0, start=NOW + 3 * D, now=NOW + 6 * H)
    case = the_case(db)
    assert (case.status, case.rebooked_appointment_id, case.rebooked_at) == ("rescheduled", new, NOW + 6 * H)
    assert case.next_step_at is None
    for day in (2, 5, 20):
        tick(db, provs, shared_clock, NOW + day * D)
    assert len(fake.sent_sms) == 1 and fake.sent_email == []
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(StaffTask)) == 0
    assert the_case(db).status == "rescheduled"


def test_booking_before_the_queued_message_goes_cancels_it(db, fake, shared_clock):
    c = clinic(db)
    appt = book(db, DESK, c, patient=0, start=VISIT, now=NOW - 2 * H)
    no_show(db, appt, NOW)
    process_recovery(db, now=NOW)  # queued, not sent yet
    book(db, DESK, c, patient=0, start=NOW + 3 * D, now=NOW + H)
    dispatch_due(db, providers(fake), now=NOW + H, worker_id="w")
    assert fake.sent_sms == []
    with db.read() as s:
        statuses = s.scalars(select(OutboxMessage.status).where(OutboxMessage.purpose == "recovery")).all()
    assert statuses == ["cancelled"]


def test_late_cancel_starts_a_case_an_early_one_does_not(db, fake, shared_clock):
    c = clinic(db)
    provs = providers(fake)
    soon = book(db, DESK, c, patient=2, start=NOW + 5 * H, now=NOW)
    later = book(db, DESK, c, patient=3, start=NOW + 3 * D, now=NOW)
    with db.write() as s:
        booking.cancel_appointment(s, DESK, soon, reason="sick", now=NOW)
        booking.cancel_appointment(s, DESK, later, reason="holiday", now=NOW)
    case = the_case(db)
    assert (case.cause_kind, case.appointment_id) == ("late_cancel", soon)
    tick(db, provs, shared_clock, NOW)
    assert len(fake.sent_sms) == 1 and "couldn't make the visit on Tue, Mar 3" in fake.sent_sms[0].body


def test_restoring_the_visit_closes_the_case(db):
    c = clinic(db)
    appt = book(db, DESK, c, patient=0, start=VISIT, now=NOW - 2 * H)
    no_show(db, appt, NOW)
    with db.write() as s:
        booking.restore_appointment(s, DESK, appt, now=NOW + H)
    case = the_case(db)
    assert case.status == "closed" and "restored" in case.outcome


def test_the_tick_is_idempotent_and_restart_safe(db, fake, shared_clock, monkeypatch):
    c = clinic(db)
    for kid in range(3):
        no_show(db, book(db, DESK, c, patient=kid, start=VISIT, now=NOW - 2 * H, chair=kid), NOW)
    real = recovery_steps.enqueue_for_patient
    calls = {"n": 0}

    def crash_on_third(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(recovery_steps, "enqueue_for_patient", crash_on_third)
    with pytest.raises(RuntimeError):
        process_recovery(db, now=NOW)
    with db.read() as s:  # the whole batch rolled back: nothing half-done
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert all(case.next_position == 0 for case in s.scalars(select(RecoveryCase)))
    monkeypatch.setattr(recovery_steps, "enqueue_for_patient", real)
    first = process_recovery(db, now=NOW)
    again = process_recovery(db, now=NOW)
    assert first.messages == 3 and again.messages == 0 and again.steps_run == 0
    dispatch_due(db, providers(fake), now=NOW, worker_id="w")
    assert len(fake.sent_sms) == 3


def test_a_late_tick_runs_each_missed_step_once_in_order(db, fake, shared_clock):
    c = clinic(db)
    no_show(db, book(db, DESK, c, patient=0, start=VISIT, now=NOW - 2 * H), NOW)
    report = tick(db, providers(fake), shared_clock, NOW + 6 * D)  # the laptop slept for six days
    case = the_case(db)
    assert report.steps_run == 3
    assert events(case) == ["opened", "sms_skipped", "email_queued", "call_task"]
    assert len(fake.sent_email) == 1 and fake.sent_sms == []


def test_call_outcomes_and_closing_as_lost(db):
    c = clinic(db)
    no_show(db, book(db, DESK, c, patient=0, start=VISIT, now=NOW - 2 * H), NOW)
    process_recovery(db, now=NOW + 5 * D)
    case = the_case(db)
    with db.write() as s:
        log_call_outcome(s, DESK, case.id, "no_answer", now=NOW + 5 * D, note="voicemail full")
        with pytest.raises(ValidationError, match="Unknown call outcome"):
            log_call_outcome(s, DESK, case.id, "maybe", now=NOW + 5 * D)
    with db.write() as s:
        log_call_outcome(s, DESK, case.id, "reached", now=NOW + 6 * D)
    assert the_case(db).status == "contacted"
    with db.write() as s:
        close_case(s, DESK, case.id, now=NOW + 7 * D, reason="moved away")
    case = the_case(db)
    assert case.status == "lost" and case.outcome == "moved away"
    with db.read() as s:
        task = s.get(StaffTask, case.call_task_id)
        assert task is not None and task.status == "done" and len(task.attempts) == 2
    with db.write() as s, pytest.raises(ValidationError, match="already lost"):
        close_case(s, DESK, case.id, now=NOW + 8 * D)


def test_metrics_rate_time_to_rebook_and_groups(db, manager):
    c = clinic(db)
    for kid in range(3):
        no_show(db, book(db, DESK, c, patient=kid, start=VISIT, now=NOW - 2 * H, chair=kid), NOW)
    book(db, DESK, c, patient=0, start=NOW + 10 * D, now=NOW + 2 * D)
    book(db, DESK, c, patient=1, start=NOW + 10 * D, now=NOW + 4 * D, chair=1)
    with db.read() as s:
        m = recovery_metrics(s, manager, since=NOW - 7 * D, until=NOW + 7 * D)
        rows = list_cases(s, now=NOW + 5 * D, statuses=("open", "contacted", "rescheduled"))
    assert (m.cases, m.rescheduled, m.open) == (3, 2, 1)
    assert m.recovery_rate == pytest.approx(2 / 3)
    assert m.median_days_to_rebook == pytest.approx(3.0)
    assert [(g.name, g.cases, g.rescheduled) for g in m.by_provider] == [("Dr. Chen", 3, 2)]
    assert [(g.name, g.cases) for g in m.by_type] == [("Adjustment", 3)]
    assert sum(w.opened for w in m.weeks) == 3
    # Kid2 has nothing booked any more: the most at risk comes first, with the reasons.
    assert rows[0].patient_name == "Kid2 Smith"
    assert rows[0].phone == "(617) 555-1002"  # as the desk dials it, not +16175551002
    assert rows[0].risk.score > rows[1].risk.score
    assert any(f.factor == "no-shows" for f in rows[0].risk.factors)


def test_custom_sequence_and_validation(db, manager):
    c = clinic(db)
    with db.write() as s:
        clinic_id = s.scalar(select(func.min(RecoveryCase.clinic_id))) or 1
        with pytest.raises(ValidationError, match="order of their delay"):
            save_sequence(
                s,
                manager,
                clinic_id,
                [StepInput("email", 60), StepInput("sms", 0)],
                now=NOW,
            )
        save_sequence(s, manager, clinic_id, [StepInput("call", 0)], now=NOW, cause_kinds=("no_show",))
    no_show(db, book(db, DESK, c, patient=0, start=VISIT, now=NOW - 2 * H), NOW)
    process_recovery(db, now=NOW)
    case = the_case(db)
    assert case.call_task_id is not None and case.next_step_label == "Lost if not booked"


def test_the_runtime_installs_the_recovery_and_campaign_ticks():
    from types import SimpleNamespace

    from orca_desk.automation.features import install_features

    ticks: list[str] = []
    runtime = SimpleNamespace(
        register_tick=lambda job: ticks.append(job.name),
        handlers=SimpleNamespace(register=lambda handler: None),
    )
    install_features(runtime)  # type: ignore[arg-type]
    assert {"recovery", "campaigns"} <= set(ticks)


def test_a_step_reads_in_the_clinics_time_format():
    step = StepInput(action="sms", delay_minutes=0, template_key="recovery", latest_local_minute=21 * 60)
    assert step_label(step) == "SMS same day (before 9:00 PM)"
    assert step_label(step, "24h") == "SMS same day (before 21:00)"
