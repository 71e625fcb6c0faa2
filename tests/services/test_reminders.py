"""Reminder planning, the tick job and two-way confirmation, in frozen time through the fake provider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.audit import AuditEvent
from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.openings import Opening
from orca_desk.models.patient import Patient
from orca_desk.models.reminders import ConfirmationRequest, PlannedReminder, StaffTask
from orca_desk.services import confirmations, reminders
from orca_desk.services.access.security import AUTOMATION, ROLE_PERMISSIONS, Actor
from orca_desk.services.analytics import reminder_analytics
from orca_desk.services.booking import booking
from orca_desk.services.clock import FrozenClock
from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.dispatch import dispatch_due
from orca_desk.services.messaging.inbound import InboundHandlers, poll_inbound
from orca_desk.services.messaging.providers.base import Provider
from orca_desk.services.reminders.escalation import _escalate
from tests.conftest import NOW
from tests.factories import World, book, make_world
from tests.fakes import sendgrid_for, twilio_for
from tests.fakes.fake_provider import FakeProviderServer

FAMILY = "+16175559000"
SETTINGS = reminders.ReminderSettings(secret=b"s" * 32, base_url="http://127.0.0.1:8765")
DESK = Actor(
    username="maria", role="receptionist", display_name="Maria", permissions=ROLE_PERMISSIONS["receptionist"]
)
MANAGER = Actor(username="boss", role="manager", display_name="Boss", permissions=ROLE_PERMISSIONS["manager"])


def clinic(db: Database, *, shared: int = 2, email: bool = False) -> World:
    """Kid0..Kid3; the first ``shared`` share the family phone; Kid0 has email consent if asked."""
    with db.write() as s:
        w = make_world(s, patients=4)
        for p in w.patients[:shared]:
            p.contact_phone = FAMILY
            p.guardian_name = "Emma Smith"
        if email:
            w.patients[0].contact_email = "emma@example.com"
            w.patients[0].email_consent = True
        reminders.seed_default_sequences(s, w.clinic.id, now=NOW)
        return w


def plans(db: Database, appt: int) -> list[tuple[int, str, str]]:
    with db.read() as s:
        return [(r.offset_minutes, r.channel, r.status) for r in reminders.planned_for(s, appt)]


def providers(fake: FakeProviderServer) -> dict[str, Provider]:
    return {"sms": twilio_for(fake), "email": sendgrid_for(fake)}


def at(clock: FrozenClock, when: datetime) -> datetime:
    clock.set(when)
    return when


def tick(db: Database, provs: dict[str, Provider], now: datetime) -> reminders.ReminderTick:
    report = reminders.process_reminders(db, now=now, settings=SETTINGS)
    dispatch_due(db, provs, now=now, worker_id="w")
    return report


HANDLERS = InboundHandlers([confirmations.ConfirmationReplyHandler(SETTINGS)])


def reply(
    db: Database,
    fake: FakeProviderServer,
    provs: dict[str, Provider],
    body: str,
    now: datetime,
    sender: str = FAMILY,
) -> InboundMessage:
    fake.add_inbound(sender, body=body, at=now)
    poll_inbound(db, provs["sms"], now=now, handlers=HANDLERS)
    with db.read() as s:
        row = s.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()).limit(1))
        assert row is not None
        s.expunge(row)
        return row


def appt(db: Database, appointment_id: int) -> Appointment:
    with db.read() as s:
        a = s.get(Appointment, appointment_id)
        assert a is not None
        s.expunge(a)
        return a


# Tue 10 Mar 2026 (after the DST change): 15:30 EDT = 19:30 UTC.
TUE_1530 = datetime(2026, 3, 10, 19, 30, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)
M = 24 * 60


def test_booking_plans_each_step_and_skips_what_has_passed(db):
    c = clinic(db)
    soon = book(db, DESK, c, patient=2, start=NOW + 3 * D, now=NOW)  # the 7-day email's time has passed
    later = book(db, DESK, c, patient=3, start=TUE_1530, now=NOW)
    assert plans(db, soon) == [
        (7 * M, "email", "skipped"),
        (2 * M, "sms", "planned"),
        (120, "sms", "planned"),
    ]
    assert plans(db, later) == [
        (7 * M, "email", "planned"),
        (2 * M, "sms", "planned"),
        (120, "sms", "planned"),
    ]
    with db.read() as s:
        reasons = {r.offset_minutes: r.reason for r in reminders.planned_for(s, soon)}
    assert reasons[7 * M] == reminders.SKIP_PAST
    # Planning again (per appointment or everything) changes nothing.
    with db.write() as s:
        again = reminders.plan_all(s, now=NOW)
        reminders.plan_appointment(s, s.get(Appointment, later), now=NOW)
    assert (again.planned, again.skipped, again.withdrawn, again.revived) == (0, 0, 0, 0)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PlannedReminder)) == 6


def test_move_replans_cancel_withdraws_and_queued_messages_are_cancelled(db, fake, shared_clock):
    c = clinic(db)
    provs = providers(fake)
    a = book(db, DESK, c, patient=2, start=NOW + 2 * D + 2 * H, now=NOW)
    now = at(shared_clock, NOW + 2 * H + timedelta(minutes=1))
    reminders.process_reminders(db, now=now, settings=SETTINGS)  # the 2-day SMS is queued, not yet sent
    with db.read() as s:
        [queued] = s.scalars(select(PlannedReminder).where(PlannedReminder.status == "queued")).all()
        message_id = queued.outbox_message_id
    with db.write() as s:
        booking.move_appointment(s, DESK, a, start=NOW + 4 * D, now=now)
    with db.read() as s:
        assert s.get(OutboxMessage, message_id).status == "cancelled"
        rows = reminders.planned_for(s, a)
    old = [r for r in rows if r.status == "withdrawn"]
    assert len(old) == 2 and all(r.reason == "The appointment moved." for r in old)
    assert sorted(r.offset_minutes for r in rows if r.status == "planned") == [120, 2 * M]
    # Moving back: the 2-day step's time has passed (skipped, never sent late); the 2-hour one
    # is planned again (revived, so its outbox key will be fresh).
    with db.write() as s:
        booking.move_appointment(s, DESK, a, start=NOW + 2 * D + 2 * H, now=now)
    reminders.process_reminders(db, now=now, settings=SETTINGS)
    with db.read() as s:
        back = [
            r
            for r in s.scalars(
                select(PlannedReminder).where(
                    PlannedReminder.appointment_id == a, PlannedReminder.planned_start == NOW + 2 * D + 2 * H
                )
            )
        ]
    assert {(r.offset_minutes, r.status, r.revision) for r in back} == {
        (7 * M, "skipped", 0),
        (2 * M, "withdrawn", 0),
        (120, "planned", 1),
    }
    assert reminders.dedupe_key(next(r for r in back if r.offset_minutes == 120)).endswith(":r1")
    with db.write() as s:
        booking.cancel_appointment(s, DESK, a, reason="school event", now=now)
    dispatch_due(db, provs, now=now, worker_id="w")
    assert fake.sent_sms == []
    assert {status for _, _, status in plans(db, a)} == {"withdrawn", "skipped"}


def test_a_week_siblings_get_one_text_and_yes_confirms_both(db, fake, shared_clock, manager):
    c = clinic(db, shared=2)
    provs = providers(fake)
    ava = book(db, DESK, c, patient=0, start=TUE_1530, now=NOW, chair=0)
    ben = book(db, DESK, c, patient=1, start=TUE_1530 + H, now=NOW, chair=1)
    solo = book(db, DESK, c, patient=2, start=TUE_1530, now=NOW, chair=2)
    # The 7-day step is email only and nobody has an email on file: skipped with the reason.
    now = at(shared_clock, TUE_1530 - 7 * D + timedelta(minutes=1))
    tick(db, provs, now)
    assert fake.sent_sms == [] and fake.sent_email == []
    with db.read() as s:
        assert {r.reason for r in reminders.planned_for(s, ava) if r.offset_minutes == 7 * M} == {
            "No email address on file."
        }
    # Two days before: one text for both siblings, one for the other family.
    now = at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1))
    report = tick(db, provs, now)
    assert report.merged == 1
    to_family = [m for m in fake.sent_sms if m.to == FAMILY]
    assert len(to_family) == 1 and len(fake.sent_sms) == 2
    assert "Kid0" in to_family[0].body and "Kid1" in to_family[0].body
    assert "Reply YES to confirm both" in to_family[0].body
    assert appt(db, ava).confirmation == appt(db, ben).confirmation == "requested"
    # A restart in the middle: the tick runs again at the same instant and sends nothing twice.
    tick(db, provs, now)
    assert len(fake.sent_sms) == 2
    now = at(shared_clock, now + 3 * H)
    inbound = reply(db, fake, provs, "Yes", now)
    assert inbound.handled_by == "confirmation" and not inbound.unread
    assert (appt(db, ava).status, appt(db, ava).confirmation) == ("confirmed", "confirmed")
    assert (appt(db, ben).status, appt(db, ben).confirmation) == ("confirmed", "confirmed")
    assert appt(db, solo).confirmation == "requested"
    dispatch_due(db, provs, now=now, worker_id="w")
    assert fake.sent_sms[-1].body.startswith("Thanks, confirmed: Kid0 Tue, Mar 10 at 3:30 PM and Kid1")
    with db.read() as s:
        assert (
            s.scalar(
                select(AuditEvent.actor).where(AuditEvent.entity_id == ava, AuditEvent.action == "confirmed")
            )
            == "automation"
        )
    # The day-of reminder still goes, once, to the family (merged, no question).
    now = at(shared_clock, TUE_1530 - 2 * H + timedelta(minutes=1))
    tick(db, provs, now)
    day_of = [m for m in fake.sent_sms if m.to == FAMILY][-1]
    assert "Reply YES" not in day_of.body and "Kid1" in day_of.body
    # Analytics: the 2-day step got the family's answer.
    with db.read() as s:
        stats = reminder_analytics.step_stats(s, manager, since=NOW, until=NOW + 30 * D)
        rates = reminder_analytics.confirmation_rates(s, manager, since=NOW, until=NOW + 30 * D)
    two_day = next(x for x in stats if x.offset_minutes == 2 * M)
    assert (two_day.sent, two_day.responses, two_day.confirmations) == (2, 2, 2)
    assert reminder_analytics.response_shares(stats)[two_day.step_id] == 1.0
    assert [(r.label, r.appointments, r.confirmed) for r in rates] == [("Adjustment", 3, 2)]


def test_confirmed_visit_skips_the_remaining_confirm_steps(db):
    c = clinic(db)
    a = book(db, DESK, c, patient=2, start=TUE_1530, now=NOW)
    with db.write() as s:
        confirmations.confirm_appointment(s, DESK, a, now=NOW)
    got = {(o, st) for o, _, st in plans(db, a)}
    assert got == {(7 * M, "planned"), (2 * M, "skipped"), (120, "planned")}
    # Back to scheduled (staff undo): the question is planned again.
    with db.write() as s:
        booking.set_status(s, DESK, a, "scheduled", now=NOW)
        s.get(Appointment, a).confirmation = "unconfirmed"
        reminders.plan_appointment(s, s.get(Appointment, a), now=NOW)
    assert (2 * M, "sms", "planned") in plans(db, a)


def test_stop_in_the_middle_stops_texts_but_email_continues(db, fake, shared_clock):
    c = clinic(db, shared=1, email=True)
    provs = providers(fake)
    a = book(db, DESK, c, patient=0, start=TUE_1530, now=NOW)
    with db.write() as s:  # a sequence that emails and texts at two days
        seq = reminders.list_sequences(s, c.clinic.id)[0]
        data = seq.as_input()
        steps = tuple(
            reminders.StepInput(
                st.offset_minutes,
                ("sms", "email") if st.offset_minutes == 2 * M else st.channels,
                st.template_key,
                st.asks_for_confirmation,
            )
            for st in data.steps
        )
        reminders.save_sequence(
            s,
            MANAGER,
            c.clinic.id,
            reminders.SequenceInput(data.name, data.appointment_type_ids, True, True, steps),
            now=NOW,
            sequence_id=seq.id,
        )
    now = at(shared_clock, TUE_1530 - 7 * D + timedelta(minutes=1))
    tick(db, provs, now)
    assert len(fake.sent_email) == 1 and "Kid0" in fake.sent_email[0].subject
    now = at(shared_clock, now + D)
    assert reply(db, fake, provs, "STOP", now).handled_by == "opt_out"
    now = at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1))
    tick(db, provs, now)
    # The only text is the carrier-required answer to STOP; no reminder after it.
    assert [m.body.split(":")[1].strip()[:17] for m in fake.sent_sms] == ["You're unsubscrib"]
    assert len(fake.sent_email) == 2 and "/c/" in str(fake.sent_email[1].content)
    with db.read() as s:
        texts = {r.offset_minutes: r.reason for r in reminders.planned_for(s, a) if r.channel == "sms"}
    assert texts[2 * M] == "The number replied STOP; no more texts."


def test_separate_questions_about_different_days_go_to_staff(db, fake, shared_clock):
    c = clinic(db, shared=2)
    provs = providers(fake)
    thu = book(db, DESK, c, patient=0, start=TUE_1530 + 2 * D, now=NOW)
    fri = book(db, DESK, c, patient=1, start=TUE_1530 + 3 * D, now=NOW)
    tick(db, provs, at(shared_clock, TUE_1530 + timedelta(minutes=1)))
    now = at(shared_clock, TUE_1530 + D + timedelta(minutes=1))
    tick(db, provs, now)
    assert len([m for m in fake.sent_sms if m.to == FAMILY]) == 2
    inbound = reply(db, fake, provs, "YES", now + H)
    assert (inbound.handled_by, inbound.unread, inbound.needs_review) == (None, True, True)
    assert appt(db, thu).confirmation == appt(db, fri).confirmation == "requested"
    # A link click answers Thursday; the next YES then resolves to Friday alone.
    with db.write() as s:
        confirmations.confirm_appointment(s, AUTOMATION, thu, now=now + H, via="link")
    assert reply(db, fake, provs, "y", now + 2 * H).handled_by == "confirmation"
    assert appt(db, fri).confirmation == "confirmed"


def test_reply_to_an_expired_request_and_free_text_go_to_staff(db, fake, shared_clock):
    c = clinic(db, shared=1)
    provs = providers(fake)
    a = book(db, DESK, c, patient=0, start=TUE_1530, now=NOW)
    now = at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1))
    tick(db, provs, now)
    question = reply(db, fake, provs, "can we do 4pm instead?", now + H)
    assert (question.handled_by, question.unread, question.appointment_id) == (None, True, a)
    with db.write() as s:  # staff move it: the old question expires
        booking.move_appointment(s, DESK, a, start=TUE_1530 + H, now=now + H)
    late = reply(db, fake, provs, "YES", now + 2 * H)
    assert (late.handled_by, late.needs_review, late.appointment_id) == (None, True, a)
    assert appt(db, a).confirmation == "unconfirmed"
    with db.read() as s:
        assert s.scalar(select(ConfirmationRequest.status)) == "expired"


@pytest.mark.parametrize("release", [True, False])
def test_decline_flags_reschedule_and_releases_the_slot_by_setting(db, fake, shared_clock, release):
    c = clinic(db, shared=1)
    provs = providers(fake)
    a = book(db, DESK, c, patient=0, start=TUE_1530, now=NOW)
    now = at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1))
    tick(db, provs, now)
    settings = reminders.ReminderSettings(secret=SETTINGS.secret, release_on_decline=release)
    fake.add_inbound(FAMILY, body="No", at=now + H)
    poll_inbound(db, provs["sms"], now=now + H, handlers=[confirmations.ConfirmationReplyHandler(settings)])
    got = appt(db, a)
    assert got.confirmation == "declined"
    with db.read() as s:
        assert confirmations.needs_reschedule(s, a)
        openings = s.scalar(
            select(func.count()).select_from(Opening).where(Opening.source_appointment_id == a)
        )
        pending = s.scalar(
            select(func.count())
            .select_from(PlannedReminder)
            .where(PlannedReminder.appointment_id == a, PlannedReminder.status == "planned")
        )
    assert pending == 0
    if release:
        assert (got.status, got.cancel_reason, openings) == ("cancelled", "declined by family", 1)
    else:
        assert (got.status, openings) == ("scheduled", 0)


def test_unconfirmed_visits_escalate_to_the_call_list_with_one_click_outcomes(db):
    c = clinic(db, shared=2)
    # Wed 15:00 local: inside "24 h, to the end of that day"
    tomorrow = book(db, DESK, c, patient=0, start=NOW + D + 6 * H, now=NOW)
    later = book(db, DESK, c, patient=2, start=NOW + 3 * D, now=NOW)
    with db.write() as s:
        escalated = _escalate(s, NOW, SETTINGS)
        rows = confirmations.call_list(s, now=NOW)
    assert escalated == 1
    assert [r.appointment_id for r in rows] == [tomorrow] and later not in [r.appointment_id for r in rows]
    assert rows[0].phones == ("(617) 555-9000",) and rows[0].responsible == "Emma Smith"
    with db.write() as s:
        confirmations.record_call_outcome(s, DESK, tomorrow, "left_voicemail", now=NOW)
        assert confirmations.call_list(s, now=NOW)[0].last_outcome == "Left voicemail"
        confirmations.record_call_outcome(s, DESK, tomorrow, "confirmed", now=NOW)
        assert confirmations.call_list(s, now=NOW) == []
        task = s.scalar(select(StaffTask).where(StaffTask.appointment_id == tomorrow))
        assert (task.status, task.outcome, len(task.attempts)) == ("done", "confirmed", 2)
    assert appt(db, tomorrow).status == "confirmed"
    with pytest.raises(ValidationError, match="Unknown call outcome"), db.write() as s:
        confirmations.record_call_outcome(s, DESK, later, "maybe", now=NOW)


def test_the_tick_is_idempotent_and_a_crash_leaves_nothing(db, fake, shared_clock):
    c = clinic(db, shared=1)
    provs = providers(fake)
    book(db, DESK, c, patient=0, start=TUE_1530, now=NOW)
    now = at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1))

    class Crash(Exception):
        pass

    from orca_desk.services.reminders import tick as mod

    original = mod._open_request

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        original(*args, **kwargs)
        raise Crash

    mod._open_request = crash  # type: ignore[assignment]
    try:
        with pytest.raises(Crash):
            reminders.process_reminders(db, now=now, settings=SETTINGS)
    finally:
        mod._open_request = original  # type: ignore[assignment]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    for _ in range(3):
        tick(db, provs, now)
    assert len(fake.sent_sms) == 1
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ConfirmationRequest)) == 1


def test_sequence_validation_names_each_problem(db):
    c = clinic(db)
    bad = reminders.SequenceInput(
        "Bad",
        steps=(
            reminders.StepInput(2 * M, ("sms",), sms_body="Hi {frist_name}, reply YES"),
            reminders.StepInput(
                2 * M,
                ("email",),
                asks_for_confirmation=True,
                email_subject="Visit",
                email_body="See you {date}.",
            ),
        ),
    )
    with db.read() as s:
        problems = reminders.sequence_problems(s, c.clinic.id, bad)
    text = " ".join(problems)
    assert "Unknown variable {frist_name} — did you mean {first_name}?" in text
    assert "Steps 1 and 2 are both 2 days before" in text
    assert "its email has no {link}" in text
    with db.write() as s, pytest.raises(ValidationError):
        reminders.save_sequence(s, MANAGER, c.clinic.id, bad, now=NOW)
    with db.write() as s, pytest.raises(Exception, match="may not change reminder"):
        reminders.save_sequence(s, DESK, c.clinic.id, reminders.DEFAULT_SEQUENCE, now=NOW)


def test_patient_without_consent_is_skipped_with_the_reason(db, fake, shared_clock):
    c = clinic(db, shared=1)
    with db.write() as s:
        s.get(Patient, c.patients[0].id).sms_consent = False
    a = book(db, DESK, c, patient=0, start=TUE_1530, now=NOW)
    tick(db, providers(fake), at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1)))
    assert fake.sent_sms == []
    with db.read() as s:
        assert {r.reason for r in reminders.planned_for(s, a) if r.offset_minutes == 2 * M} == {
            "No SMS consent is recorded."
        }


def long_names_two_day_reminder(db, *, country: str | None = None, language: str | None = None) -> str:
    """The two-day confirm text of Isabella at "Bright Smiles Orthodontics", its link on the clinic's
    real address: a realistic length (``country``, ``language``: the clinic's, the family's)."""
    from orca_desk.models.clinic import Clinic as ClinicRow

    c = clinic(db, shared=0)
    with db.write() as s:
        row = s.get(ClinicRow, c.clinic.id)
        row.name = "Bright Smiles Orthodontics"
        if country is not None:
            row.country = country
        kid = s.get(Patient, c.patients[0].id)
        kid.first_name = "Isabella"
        if language is not None:
            kid.language = language
    book(db, DESK, c, patient=0, start=TUE_1530 + timedelta(minutes=15), now=NOW)
    settings = reminders.ReminderSettings(secret=b"s" * 32, base_url="https://go.brightsmiles.com")
    reminders.process_reminders(db, now=TUE_1530 - 2 * D + timedelta(minutes=16), settings=settings)
    with db.read() as s:
        return s.scalars(select(OutboxMessage.body).where(OutboxMessage.channel == "sms")).one()


def test_the_two_day_reminder_with_its_link_is_one_gsm7_segment(db):
    """Issue 18: a realistic clinic's confirm reminder, link included, is one 160-character text."""
    from orca_desk.services.messaging.render import sms_segments

    body = long_names_two_day_reminder(db)
    assert "https://go.brightsmiles.com/c/" in body and "Bright Smiles Orthodontics" in body
    assert "Isabella" in body and "3:45 PM" in body
    info = sms_segments(body)
    assert (info.encoding, info.segments) == ("GSM-7", 1), f"{info.units} characters: {body}"


@pytest.mark.parametrize("answer", ["SÍ", "si, gracias"])
def test_a_spanish_si_confirms_the_visit(db, fake, shared_clock, answer):
    c = clinic(db, shared=1)
    visit = book(db, DESK, c, patient=0, start=TUE_1530, now=NOW)
    provs = providers(fake)
    now = at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1))
    tick(db, provs, now)
    assert appt(db, visit).confirmation == "requested"
    inbound = reply(db, fake, provs, answer, at(shared_clock, now + H))
    assert inbound.handled_by == "confirmation" and not inbound.unread
    assert (appt(db, visit).status, appt(db, visit).confirmation) == ("confirmed", "confirmed")


def test_a_step_without_a_template_on_its_channel_speaks_the_familys_language():
    """An SMS added to the week-before email step (no SMS template has that key) reads as the
    family's language; every shipped language has such a text, the SMS in the GSM alphabet."""
    from orca_desk.services.messaging.message_locale import MESSAGE_LANGUAGES
    from orca_desk.services.messaging.render import non_gsm_characters
    from orca_desk.services.reminders.steps import _FALLBACK, StepInput, step_texts

    step = StepInput(7 * 1440, ("email", "sms"), template_key="reminder.week")
    assert step_texts(None, None, step, "sms", "es")[1].startswith("{clinic_name}: recordatorio de la cita")
    assert step_texts(None, None, step, "sms", "fr")[1].startswith("{clinic_name}: reminder of")  # English
    assert set(_FALLBACK) == set(MESSAGE_LANGUAGES)
    assert all(not non_gsm_characters(texts["sms"][1]) for texts in _FALLBACK.values())
