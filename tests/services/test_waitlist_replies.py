"""Waitlist offers end to end through the fake Twilio/SendGrid over HTTP, with a frozen clock.

The offer link and a YES must work from the moment the provider accepted the text, whatever
the waitlist tick's timing; follow-ups keep the clinic's quiet hours; a family whose number
has used its texts for the day never blocks an opening.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
import requests
from sqlalchemy import select, update

from orca_desk.gateway.app import make_app
from orca_desk.gateway.handlers import installed_handlers
from orca_desk.gateway.server import RunningGateway, serve_in_thread
from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.booking import booking
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.clock import FrozenClock
from orca_desk.services.messaging import message_effects, outbox
from orca_desk.services.messaging.dispatch import dispatch_due
from orca_desk.services.messaging.inbound import InboundHandlers, poll_inbound
from orca_desk.services.waitlist import entries as waitlist_entries
from orca_desk.services.waitlist.offers import offer_opening
from orca_desk.services.waitlist.replies import WaitlistReplyHandler
from orca_desk.services.waitlist.rows import EntryInput
from orca_desk.services.waitlist.settings import PURPOSE, WaitlistSettings, default_settings
from orca_desk.services.waitlist.tick import process_waitlist
from tests.conftest import NOW
from tests.factories import World, book, make_world
from tests.fakes import sendgrid_for, twilio_for

SECRET = b"test-secret-0123456789abcdef"
STAFF = Actor(
    username="manager", role="manager", display_name="Manager", permissions=ROLE_PERMISSIONS["manager"]
)
SLOT = datetime(2026, 3, 3, 20, 30, tzinfo=UTC)  # Tue 15:30 in New York; NOW is 09:00


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, db):  # the same tests on both databases (PostgreSQL when configured)
    return db if request.param == "sqlite" else request.getfixturevalue("pg_db")


@pytest.fixture
def world(db) -> World:
    with db.write() as s:
        return make_world(s, patients=6)


@pytest.fixture
def gateway(db, shared_clock) -> Iterator[RunningGateway]:
    app = make_app(
        db,
        shared_clock,
        secret=SECRET,
        handlers=installed_handlers(),
        public_base_url="http://127.0.0.1:8765",
    )
    running = serve_in_thread(app, threads=2)
    yield running
    running.stop()


def settings_of(db, base_url: str = "http://127.0.0.1:8765") -> WaitlistSettings:
    """The clinic's saved waitlist settings, with the test's link secret."""
    with db.read() as s:
        return replace(default_settings(s, with_secret=False), secret=SECRET, base_url=base_url)


def add_entry(db, w: World, k: int, *, priority: int = 3) -> int:
    with db.write() as s:
        return waitlist_entries.add_entry(
            s,
            STAFF,
            EntryInput(patient_id=w.patients[k].id, type_id=w.adjustment.id, priority=priority),
            now=NOW - timedelta(days=10),
        )


def cancel_slot(db, w: World, *, start: datetime = SLOT, now: datetime = NOW) -> int:
    appt = book(db, STAFF, w, start=start, now=now - timedelta(days=7))
    with db.write() as s:
        booking.cancel_appointment(s, STAFF, appt, reason="school event", now=now)
        oid = s.scalar(select(Opening.id).where(Opening.source_appointment_id == appt))
        assert oid is not None
        return oid


def providers(fake) -> dict:
    return {"sms": twilio_for(fake), "email": sendgrid_for(fake)}


def the_offers(db) -> list[WaitlistOffer]:
    with db.read() as s:
        return list(s.scalars(select(WaitlistOffer).order_by(WaitlistOffer.id)))


def reply(db, fake, clock: FrozenClock, phone: str, body: str, at: datetime) -> InboundMessage:
    """The family texts ``body`` at ``at``; the automation polls it with the production handlers."""
    clock.set(at)
    fake.add_inbound(phone, body=body, at=at)
    handlers = InboundHandlers([WaitlistReplyHandler()])
    poll_inbound(db, twilio_for(fake), now=at, handlers=handlers)
    with db.read() as s:
        return s.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()


# ----- 1. the link works from the moment the text is sent ------------------------------------


def test_the_offer_link_works_as_soon_as_the_provider_accepted_the_text(
    db, world, fake, shared_clock, gateway
):
    add_entry(db, world, 1)
    cancel_slot(db, world)
    process_waitlist(db, now=NOW, settings=settings_of(db))
    summary = dispatch_due(db, providers(fake), now=NOW, worker_id="w")
    assert summary.sent == 1
    [sms] = fake.sent_sms
    # No waitlist tick since the text went out: the hold started when its sending was recorded.
    [offer] = the_offers(db)
    assert message_effects.WAITLIST_OFFER == PURPOSE
    assert offer.sent_at == NOW and offer.hold_started_at == NOW
    assert offer.hold_expires_at == NOW + timedelta(hours=2)
    link = next(w for w in sms.body.split() if w.startswith("http"))  # the short /o/ link
    url = gateway.url + link.split("8765", 1)[1]
    shared_clock.set(NOW + timedelta(seconds=20))  # the family taps it right away
    page = requests.get(url, timeout=5)
    assert page.status_code == 200, page.text
    assert "A visit has opened up" in page.text and "held for you for 2 h 00 min" in page.text
    done = requests.post(url, timeout=5)
    assert done.status_code == 200 and "booked" in done.text.lower()
    with db.read() as s:
        assert s.get(WaitlistEntry, offer.entry_id).status == "booked"


# ----- 2. a YES before the tick is applied --------------------------------------------------


def test_a_yes_right_after_the_text_books_without_waiting_for_the_tick(db, world, fake, shared_clock):
    eid = add_entry(db, world, 1)
    cancel_slot(db, world)
    process_waitlist(db, now=NOW, settings=settings_of(db))
    dispatch_due(db, providers(fake), now=NOW, worker_id="w")
    phone = world.patients[1].contact_phone
    inbound = reply(db, fake, shared_clock, phone, "YES", NOW + timedelta(minutes=1))
    assert inbound.handled_by == PURPOSE and not inbound.unread
    with db.read() as s:
        assert s.get(WaitlistEntry, eid).status == "booked"
    dispatch_due(db, providers(fake), now=NOW + timedelta(minutes=1), worker_id="w")
    assert fake.sent_sms[-1].body.startswith("You're booked: Kid1")


def test_a_yes_to_a_text_whose_hold_no_tick_started_is_still_applied(db, world, fake, shared_clock):
    """A send recorded by a path that started no hold (an older worker, a failed hook): the reply
    handler starts the hold from the recorded send itself."""
    eid = add_entry(db, world, 1)
    cancel_slot(db, world)
    process_waitlist(db, now=NOW, settings=settings_of(db))
    with db.write() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.purpose == PURPOSE)
            .values(status="sent", sent_at=NOW, provider="twilio", provider_id="SMx")
        )
    assert the_offers(db)[0].hold_started_at is None
    inbound = reply(
        db, fake, shared_clock, world.patients[1].contact_phone, "Yes please", NOW + timedelta(minutes=2)
    )
    assert inbound.handled_by == PURPOSE
    [offer] = the_offers(db)
    assert offer.hold_started_at == NOW and offer.response == "accepted" and offer.booked_appointment_id
    with db.read() as s:
        assert s.get(WaitlistEntry, eid).status == "booked"


def test_a_yes_that_cannot_be_applied_is_put_in_front_of_staff(db, world, fake, shared_clock):
    add_entry(db, world, 1)
    cancel_slot(db, world)
    process_waitlist(db, now=NOW, settings=settings_of(db))
    # The text is in doubt: claimed, and the provider's answer never came.
    with db.write() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.purpose == PURPOSE)
            .values(status="sending", claimed_by="w", claimed_at=NOW, error_code="unknown")
        )
    phone = world.patients[1].contact_phone
    inbound = reply(db, fake, shared_clock, phone, "YES", NOW + timedelta(minutes=1))
    assert inbound.handled_by is None and inbound.unread and inbound.needs_review
    [offer] = the_offers(db)
    assert offer.response is None  # staff decide (Record response), nothing was guessed


def test_a_yes_after_the_family_passed_goes_to_staff_flagged(db, world, fake, shared_clock):
    add_entry(db, world, 1)
    cancel_slot(db, world)
    process_waitlist(db, now=NOW, settings=settings_of(db))
    dispatch_due(db, providers(fake), now=NOW, worker_id="w")
    process_waitlist(db, now=NOW, settings=settings_of(db))
    phone = world.patients[1].contact_phone
    first = reply(db, fake, shared_clock, phone, "NO", NOW + timedelta(minutes=1))
    assert first.handled_by == PURPOSE
    again = reply(db, fake, shared_clock, phone, "yes", NOW + timedelta(minutes=3))
    assert again.handled_by is None and again.unread and again.needs_review


# ----- 3. follow-ups keep the clinic's quiet hours ------------------------------------------


def test_youre_booked_follows_the_clinics_quiet_hours_not_the_built_in_ones(
    db, world, fake, shared_clock, manager
):
    with db.write() as s:
        clinic_settings.save_settings(
            s,
            manager,
            replace(clinic_settings.load_settings(s), quiet_start=time(22, 0), quiet_end=time(7, 0)),
            now=NOW,
        )
    evening = datetime(2026, 3, 4, 2, 15, tzinfo=UTC)  # 21:15 in New York: allowed until 22:00
    morning = datetime(2026, 3, 4, 16, 0, tzinfo=UTC)  # the slot, 11:00 the next day
    eid = add_entry(db, world, 1)
    cancel_slot(db, world, start=morning, now=evening)
    process_waitlist(db, now=evening, settings=settings_of(db))
    assert dispatch_due(db, providers(fake), now=evening, worker_id="w").sent == 1
    process_waitlist(db, now=evening, settings=settings_of(db))  # (holds need no tick)
    at = evening + timedelta(minutes=15)  # 21:30: the family answers
    reply(db, fake, shared_clock, world.patients[1].contact_phone, "YES", at)
    with db.read() as s:
        assert s.get(WaitlistEntry, eid).status == "booked"
        booked = s.scalars(select(OutboxMessage).where(OutboxMessage.body.like("You're booked%"))).one()
        assert booked.next_attempt_at == at  # not 08:00, the built-in quiet hours' end
    assert dispatch_due(db, providers(fake), now=at, worker_id="w").sent == 1
    assert fake.sent_sms[-1].body.startswith("You're booked")


def test_a_taken_notice_from_the_booking_seam_follows_the_clinics_quiet_hours(
    db, world, fake, shared_clock, manager
):
    with db.write() as s:
        clinic_settings.save_settings(
            s,
            manager,
            replace(clinic_settings.load_settings(s), quiet_start=time(22, 0), quiet_end=time(7, 0)),
            now=NOW,
        )
    evening = datetime(2026, 3, 4, 2, 15, tzinfo=UTC)  # 21:15 in New York
    morning = datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
    add_entry(db, world, 1)
    cancel_slot(db, world, start=morning, now=evening)
    process_waitlist(db, now=evening, settings=settings_of(db))
    dispatch_due(db, providers(fake), now=evening, worker_id="w")
    process_waitlist(db, now=evening, settings=settings_of(db))
    at = evening + timedelta(minutes=10)
    book(db, STAFF, world, start=morning, now=at, patient=3)  # staff give the slot to someone at the desk
    with db.read() as s:
        taken = s.scalars(select(OutboxMessage).where(OutboxMessage.body.like("Sorry, the visit%"))).one()
        assert taken.next_attempt_at == at


# ----- 4. a family out of texts for the day never blocks an opening ------------------------


def use_up_texts(db, w: World, k: int, at: datetime) -> None:
    """Three texts (the daily budget) already went to patient ``k``'s number today."""
    with db.write() as s:
        p = s.get(Patient, w.patients[k].id)
        for i in range(3):
            m = outbox.enqueue_for_patient(
                s,
                p,
                body=f"Reminder {i}",
                purpose="reminder",
                dedupe_key=f"r{k}-{i}-{at.isoformat()}",
                now=at,
            )
            m.status, m.sent_at, m.provider = "sent", at - timedelta(minutes=30 - i), "twilio"


def test_an_opening_goes_to_the_next_in_line_when_the_first_familys_texts_are_used_up(
    db, world, fake, shared_clock
):
    first = add_entry(db, world, 1, priority=1)
    second = add_entry(db, world, 2, priority=3)
    use_up_texts(db, world, 1, NOW)
    oid = cancel_slot(db, world)
    process_waitlist(db, now=NOW, settings=settings_of(db))
    [offer] = the_offers(db)
    assert offer.entry_id == second and offer.channel == "sms"
    dispatch_due(db, providers(fake), now=NOW, worker_id="w")
    assert [r.to for r in fake.sent_sms] == [world.patients[2].contact_phone]
    with db.read() as s:
        assert s.get(Opening, oid).status == "offered"
        e = s.get(WaitlistEntry, first)
        assert (e.status, e.notification_count) == ("active", 0)  # not told: nothing used up


def test_a_family_out_of_texts_is_offered_by_email_when_they_have_it(db, world, fake, shared_clock):
    with db.write() as s:
        p = s.get(Patient, world.patients[1].id)
        p.contact_email, p.email_consent = "kid1.parent@example.com", True
    first = add_entry(db, world, 1, priority=1)
    add_entry(db, world, 2)
    use_up_texts(db, world, 1, NOW)
    cancel_slot(db, world)
    process_waitlist(db, now=NOW, settings=settings_of(db))
    [offer] = the_offers(db)
    assert (offer.entry_id, offer.channel) == (first, "email")
    dispatch_due(db, providers(fake), now=NOW, worker_id="w")
    [mail] = fake.sent_email
    assert "offer 1 of 3" in str(mail.payload) and fake.sent_sms == []


def test_an_offer_deferred_by_the_budget_at_send_time_is_replaced_at_the_next_tick(
    db, world, fake, shared_clock
):
    first = add_entry(db, world, 1, priority=1)
    second = add_entry(db, world, 2, priority=3)
    # Thursday: deferred to tomorrow morning, the text would still be in time (a same-day
    # opening's text is cancelled instead, and that already frees the opening).
    oid = cancel_slot(db, world, start=SLOT + timedelta(days=2))
    process_waitlist(db, now=NOW, settings=settings_of(db))
    [offer] = the_offers(db)
    assert offer.entry_id == first
    use_up_texts(db, world, 1, NOW)  # other texts went to that number meanwhile
    summary = dispatch_due(db, providers(fake), now=NOW, worker_id="w")
    assert (summary.sent, summary.deferred) == (0, 1)
    report = process_waitlist(db, now=NOW + timedelta(minutes=1), settings=settings_of(db))
    assert report.offers_made == 1
    old, new = the_offers(db)
    assert (old.response, old.hold_released, new.entry_id) == ("no_response", True, second)
    with db.read() as s:
        assert s.get(OutboxMessage, old.outbox_message_id).status == "cancelled"
        assert s.get(Opening, oid).status == "offered"
        e = s.get(WaitlistEntry, first)
        assert (e.status, e.notification_count) == ("active", 0)
    dispatch_due(db, providers(fake), now=NOW + timedelta(minutes=1), worker_id="w")
    assert [r.to for r in fake.sent_sms] == [world.patients[2].contact_phone]
    assert the_offers(db)[1].hold_started_at == NOW + timedelta(minutes=1)


def test_siblings_offers_in_one_tick_count_against_their_shared_number(db, world, fake, shared_clock):
    with db.write() as s:  # Kid1 and Kid2 share a parent's phone, which had two texts today
        s.get(Patient, world.patients[2].id).contact_phone = world.patients[1].contact_phone
    kid1 = add_entry(db, world, 1, priority=1)
    kid2 = add_entry(db, world, 2, priority=1)
    other = add_entry(db, world, 3, priority=3)
    with db.write() as s:
        p = s.get(Patient, world.patients[1].id)
        for i in range(2):
            m = outbox.enqueue_for_patient(
                s, p, body=f"Reminder {i}", purpose="reminder", dedupe_key=f"sib-{i}", now=NOW
            )
            m.status, m.sent_at, m.provider = "sent", NOW - timedelta(minutes=30), "twilio"
    cancel_slot(db, world)
    cancel_slot(db, world, start=SLOT + timedelta(hours=1))
    process_waitlist(db, now=NOW, settings=settings_of(db))
    offers = the_offers(db)
    assert len(offers) == 2 and {o.channel for o in offers} == {"sms"}
    assert len({kid1, kid2} & {o.entry_id for o in offers}) == 1 and other in {o.entry_id for o in offers}
    assert dispatch_due(db, providers(fake), now=NOW, worker_id="w").sent == 2


def test_an_offer_deferred_by_the_budget_goes_to_the_same_family_by_email_when_they_have_it(
    db, world, fake, shared_clock
):
    with db.write() as s:
        p = s.get(Patient, world.patients[1].id)
        p.contact_email, p.email_consent = "kid1.parent@example.com", True
    first = add_entry(db, world, 1, priority=1)
    add_entry(db, world, 2, priority=3)
    oid = cancel_slot(db, world, start=SLOT + timedelta(days=2))
    process_waitlist(db, now=NOW, settings=settings_of(db))
    use_up_texts(db, world, 1, NOW)
    assert dispatch_due(db, providers(fake), now=NOW, worker_id="w").deferred == 1
    later = NOW + timedelta(minutes=1)
    assert process_waitlist(db, now=later, settings=settings_of(db)).offers_made == 1
    old, new = the_offers(db)
    assert (old.response, new.entry_id, new.channel) == ("no_response", first, "email")
    assert "offered by email" in old.outcome
    with db.read() as s:
        e = s.get(WaitlistEntry, first)
        assert (e.status, e.notification_count) == ("notified", 1)  # told once, by email
        assert s.get(Opening, oid).status == "offered"
    dispatch_due(db, providers(fake), now=later, worker_id="w")
    assert [m.to for m in fake.sent_email] == [["kid1.parent@example.com"]] and fake.sent_sms == []
    assert the_offers(db)[1].hold_started_at == later


def test_staff_offering_a_family_out_of_texts_by_hand_get_a_call_to_make(db, world, fake, shared_clock):
    eid = add_entry(db, world, 1)
    use_up_texts(db, world, 1, NOW)
    oid = cancel_slot(db, world)
    with db.write() as s:
        [row] = offer_opening(s, STAFF, oid, now=NOW, entry_id=eid, settings=settings_of(db))
    assert row.channel == "phone" and "offer 1 of 3" in row.message
    assert row.state == "holding"  # staff call now; the hold runs from the offer
