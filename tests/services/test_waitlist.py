"""Waitlist offers: openings from cancellations, matching, holds, escalation, limits, quiet hours, booking."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import ContactState, OutboxMessage
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.booking import booking
from orca_desk.services.errors import ConflictError, ValidationError
from orca_desk.services.waitlist import entries as waitlist_entries
from orca_desk.services.waitlist.entries import list_entries
from orca_desk.services.waitlist.matching import match_opening
from orca_desk.services.waitlist.offers import notify_entry, offer_opening
from orca_desk.services.waitlist.openings import announce_opening
from orca_desk.services.waitlist.queries import offered_openings
from orca_desk.services.waitlist.replies import WaitlistReplyHandler, handle_inbound
from orca_desk.services.waitlist.responses import accept_offer, decline_offer, record_response
from orca_desk.services.waitlist.rows import EntryInput
from orca_desk.services.waitlist.settings import WaitlistSettings, default_settings
from orca_desk.services.waitlist.tick import process_waitlist
from tests.factories import book, inbound_reply, make_world

SECRET = b"test-secret-0123456789abcdef"
SETTINGS = WaitlistSettings(secret=SECRET, base_url="http://gw.test")
# Tue 3 Mar 2026, 15:30 in New York (EST, UTC-5) — Ava's adjustment that gets cancelled.
SLOT = datetime(2026, 3, 3, 20, 30, tzinfo=UTC)
WEEK = timedelta(days=7)  # how long before its start each visit here was booked
STAFF = Actor(
    username="manager", role="manager", display_name="Manager", permissions=ROLE_PERMISSIONS["manager"]
)


@pytest.fixture
def world(db):
    with db.write() as s:
        w = make_world(s, patients=12)
    return w


def add_entry(db, w, k, *, now, days_ago=10, priority=3, **prefs):
    with db.write() as s:
        eid = waitlist_entries.add_entry(
            s,
            STAFF,
            EntryInput(patient_id=w.patients[k].id, type_id=w.adjustment.id, priority=priority, **prefs),
            now=now - timedelta(days=days_ago),
        )
    return eid


def cancel(db, actor, appt_id, now):
    with db.write() as s:
        booking.cancel_appointment(s, actor, appt_id, reason="school event", now=now)
        return s.scalar(select(Opening.id).where(Opening.source_appointment_id == appt_id))


def send_due(db, at):
    """Stand-in for dispatch in unit tests: everything due by ``at`` goes out at ``at``."""
    with db.write() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status.in_(("queued", "deferred")), OutboxMessage.next_attempt_at <= at)
            .values(status="sent", sent_at=at)
        )


def offers(db):
    with db.read() as s:
        return list(s.scalars(select(WaitlistOffer).order_by(WaitlistOffer.id)))


def entry(db, eid):
    with db.read() as s:
        return s.get(WaitlistEntry, eid)


def opening(db, oid):
    with db.read() as s:
        return s.get(Opening, oid)


# ----- detection ----------------------------------------------------------------------------


def test_cancellation_creates_an_opening_in_the_same_transaction_and_a_rollback_removes_it(
    db, world, clock, receptionist
):
    appt = book(db, receptionist, world, start=SLOT, ahead=WEEK)
    oid = cancel(db, receptionist, appt, clock.now())
    o = opening(db, oid)
    assert (o.source, o.status, o.start_at, o.chair_id) == ("cancellation", "open", SLOT, world.chairs[0].id)
    appt2 = book(db, receptionist, world, patient=1, start=SLOT + timedelta(hours=1), ahead=WEEK)
    with pytest.raises(RuntimeError), db.write() as s:
        booking.cancel_appointment(s, receptionist, appt2, reason="sick", now=clock.now())
        assert s.scalar(select(func.count()).select_from(Opening)) == 2
        raise RuntimeError("crash before commit")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Opening)) == 1
        assert s.get(Appointment, appt2).status == "scheduled"


def test_no_show_and_move_away_create_openings_and_a_rebooking_withdraws(db, world, clock, receptionist):
    appt = book(db, receptionist, world, start=SLOT, ahead=WEEK)
    with db.write() as s:
        booking.move_appointment(s, receptionist, appt, start=SLOT + timedelta(days=1), now=clock.now())
        moved = s.scalar(select(Opening).where(Opening.source == "moved"))
        assert (moved.start_at, moved.end_at) == (SLOT, SLOT + timedelta(minutes=20))
    book(db, receptionist, world, patient=2, start=SLOT, ahead=WEEK)  # staff fill the slot by hand
    with db.read() as s:
        assert s.scalar(select(Opening.status).where(Opening.source == "moved")) == "withdrawn"
    past = book(db, receptionist, world, patient=3, start=clock.now() - timedelta(hours=1), ahead=WEEK)
    with db.write() as s:
        booking.mark_no_show(s, receptionist, past, now=clock.now())
        # A no-show of a slot already in the past offers nothing.
        assert s.scalar(select(func.count()).select_from(Opening).where(Opening.source == "no_show")) == 0


# ----- matching -----------------------------------------------------------------------------


def test_match_ranks_by_fit_priority_and_wait_with_reasons(db, world, clock, receptionist):
    now = clock.now()
    liam = add_entry(
        db,
        world,
        1,
        now=now,
        days_ago=19,
        priority=1,
        reason="broken bracket",
        days_of_week=[1, 3],
        time_windows=[(13 * 60, 17 * 60)],
    )
    plain = add_entry(db, world, 2, now=now, days_ago=40)
    add_entry(db, world, 3, now=now, days_ago=80, days_of_week=[0])  # Mondays only: no fit
    add_entry(db, world, 4, now=now, time_windows=[(8 * 60, 12 * 60)])  # mornings: no fit
    add_entry(db, world, 5, now=now, provider_ids=[world.hygienist.id])  # other provider: no fit
    add_entry(db, world, 6, now=now, latest_date=date(2026, 3, 2))  # too late for them
    with db.write() as s:
        e = waitlist_entries.add_entry(
            s, STAFF, EntryInput(patient_id=world.patients[7].id, type_id=world.bonding.id), now=now
        )  # 90 min: too long
    oid = cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    with db.read() as s:
        rows = match_opening(s, oid, now=now)
    assert [r.entry_id for r in rows] == [liam, plain]
    assert rows[0].reason.startswith("prefers Tue/Thu afternoons · waiting 19 days · urgent: broken bracket")
    assert "waiting 40 days" in rows[1].reason
    assert e not in [r.entry_id for r in rows]


def test_match_excludes_the_patient_who_cancelled_and_patients_with_a_live_offer(
    db, world, clock, receptionist
):
    now = clock.now()
    own = add_entry(db, world, 0, now=now, priority=1)
    other = add_entry(db, world, 1, now=now)
    oid = cancel(db, receptionist, book(db, receptionist, world, start=SLOT, patient=0, ahead=WEEK), now)
    with db.read() as s:
        assert [r.entry_id for r in match_opening(s, oid, now=now)] == [other]
    assert own


# ----- offers, holds, escalation ------------------------------------------------------------


def test_offer_marks_notified_and_the_hold_starts_only_when_the_message_is_sent(
    db, world, clock, receptionist
):
    now = clock.now()
    eid = add_entry(db, world, 1, now=now)
    oid = cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    report = process_waitlist(db, now=now, settings=SETTINGS)
    assert report.offers_made == 1
    [offer] = offers(db)
    assert (offer.channel, offer.hold_started_at, offer.response) == ("sms", None, None)
    assert entry(db, eid).status == "notified" and entry(db, eid).notification_count == 1
    assert opening(db, oid).status == "offered"
    with db.read() as s:
        msg = s.get(OutboxMessage, offer.outbox_message_id)
        assert msg.purpose == "waitlist_offer" and "Reply YES" in msg.body and "http://gw.test/o/" in msg.body
    sent = now + timedelta(minutes=3)
    send_due(db, sent)
    process_waitlist(db, now=sent + timedelta(minutes=1), settings=SETTINGS)
    [offer] = offers(db)
    assert offer.hold_started_at == sent and offer.hold_expires_at == sent + timedelta(hours=2)
    with db.read() as s:
        [row] = offered_openings(
            s,
            location_id=world.location.id,
            start=SLOT - timedelta(hours=1),
            end=SLOT + timedelta(hours=1),
            now=sent + timedelta(minutes=8),
        )
    assert row.label == "offered · 1h52m left"


def test_hold_expiry_escalates_to_the_next_match_and_the_entry_returns_to_active(
    db, world, clock, receptionist
):
    now = clock.now()
    first = add_entry(db, world, 1, now=now, priority=1)
    second = add_entry(db, world, 2, now=now, priority=3)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=SETTINGS)
    send_due(db, now)
    process_waitlist(db, now=now, settings=SETTINGS)
    t = now + timedelta(hours=1, minutes=59)
    assert process_waitlist(db, now=t, settings=SETTINGS).holds_expired == 0
    report = process_waitlist(db, now=now + timedelta(hours=2), settings=SETTINGS)
    assert (report.holds_expired, report.offers_made) == (1, 1)
    a, b = offers(db)
    assert (a.entry_id, a.response, b.entry_id, b.response) == (first, "expired", second, None)
    assert entry(db, first).status == "active" and entry(db, second).status == "notified"


def test_decline_offers_the_next_match_at_once(db, world, clock, receptionist):
    now = clock.now()
    first = add_entry(db, world, 1, now=now, priority=1)
    second = add_entry(db, world, 2, now=now)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=SETTINGS)
    send_due(db, now)
    process_waitlist(db, now=now, settings=SETTINGS)
    [offer] = offers(db)
    with db.write() as s:
        assert decline_offer(s, offer.id, now=now + timedelta(minutes=5), settings=SETTINGS).ok
    process_waitlist(db, now=now + timedelta(minutes=5), settings=SETTINGS)
    a, b = offers(db)
    assert (a.response, a.responded_via, b.entry_id) == ("declined", "sms", second)
    assert entry(db, first).status == "active" and entry(db, first).notification_count == 1


def test_an_entry_is_offered_at_most_three_times(db, world, clock, receptionist):
    from dataclasses import replace

    from orca_desk.services.messaging.policy import MessagingPolicy

    # Four offers and their "thanks" in one morning: more than a number's texts per day.
    settings = replace(
        SETTINGS, policy=MessagingPolicy(daily_budget_per_number=10, weekly_budget_per_number=20)
    )
    now = clock.now()
    eid = add_entry(db, world, 1, now=now)
    t = now
    for k in range(4):
        appt = book(db, receptionist, world, patient=2 + k, start=SLOT + timedelta(hours=k), ahead=WEEK)
        cancel(db, receptionist, appt, t)
        process_waitlist(db, now=t, settings=settings)
        send_due(db, t)
        process_waitlist(db, now=t, settings=settings)
        live = [o for o in offers(db) if o.response is None]
        if live:
            with db.write() as s:
                decline_offer(s, live[0].id, now=t, settings=settings)
        t += timedelta(minutes=10)
    assert entry(db, eid).notification_count == 3
    assert len([o for o in offers(db) if o.entry_id == eid]) == 3
    with db.read() as s:
        last = s.scalar(select(Opening.id).order_by(Opening.id.desc()).limit(1))
        assert match_opening(s, last, now=t) == []
    with db.write() as s, pytest.raises(ValidationError, match="most allowed"):
        offer_opening(s, STAFF, last, now=t, entry_id=eid, settings=settings)


def test_the_clinics_hold_and_offer_cap_apply_and_are_told_in_the_offer(
    db, world, clock, receptionist, manager
):
    from dataclasses import replace

    from orca_desk.services.clinic import clinic_settings

    now = clock.now()
    with db.write() as s:
        clinic_settings.save_settings(
            s,
            manager,
            replace(clinic_settings.load_settings(s), waitlist_hold_minutes=45, waitlist_max_offers=2),
            now=now,
        )
    with db.read() as s:
        settings = replace(default_settings(s, with_secret=False), secret=SECRET, base_url="http://gw.test")
    assert settings.hold == timedelta(minutes=45) and settings.max_offers == 2
    eid = add_entry(db, world, 1, now=now)
    t = now
    for k in range(3):
        appt = book(db, receptionist, world, patient=2 + k, start=SLOT + timedelta(hours=k), ahead=WEEK)
        cancel(db, receptionist, appt, t)
        process_waitlist(db, now=t, settings=settings)
        send_due(db, t)
        process_waitlist(db, now=t, settings=settings)
        live = [o for o in offers(db) if o.response is None]
        if live:
            assert live[0].hold_expires_at == t + timedelta(minutes=45)
            assert f"Held 45 min (offer {k + 1}/2)" in live[0].message
            with db.write() as s:
                decline_offer(s, live[0].id, now=t, settings=settings)
        t += timedelta(minutes=10)
    assert entry(db, eid).notification_count == 2
    with db.read() as s:
        [row] = list_entries(s, now=t)
        assert row.max_offers == 2  # the list shows the clinic's cap without being told


def test_quiet_hours_defer_the_message_and_the_hold_starts_when_it_is_sent(db, world, clock, receptionist):
    night = datetime(2026, 3, 4, 2, 30, tzinfo=UTC)  # 21:30 in New York
    morning_slot = datetime(2026, 3, 4, 16, 0, tzinfo=UTC)  # 11:00 the next day
    eid = add_entry(db, world, 1, now=night)
    cancel(db, receptionist, book(db, receptionist, world, start=morning_slot, ahead=WEEK), night)
    process_waitlist(db, now=night, settings=SETTINGS)
    [offer] = offers(db)
    eight = datetime(2026, 3, 4, 13, 0, tzinfo=UTC)  # 08:00 in New York
    assert offer.send_after == eight and offer.hold_started_at is None
    with db.read() as s:
        assert s.get(OutboxMessage, offer.outbox_message_id).next_attempt_at == eight
    # Night passes; nothing is sent and the hold has not started, so nothing expires.
    process_waitlist(db, now=night + timedelta(hours=4), settings=SETTINGS)
    assert offers(db)[0].response is None and entry(db, eid).status == "notified"
    send_due(db, eight + timedelta(minutes=2))
    process_waitlist(db, now=eight + timedelta(minutes=5), settings=SETTINGS)
    [offer] = offers(db)
    assert offer.hold_started_at == eight + timedelta(minutes=2)
    assert offer.hold_expires_at == eight + timedelta(hours=2, minutes=2)


def test_no_offer_when_the_first_allowed_send_is_too_close_or_the_opening_too_soon(
    db, world, clock, receptionist
):
    night = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)  # 22:00 in New York
    early = datetime(2026, 3, 4, 13, 20, tzinfo=UTC)  # 08:20: the 08:00 text leaves no time
    add_entry(db, world, 1, now=night)
    oid = cancel(db, receptionist, book(db, receptionist, world, start=early, ahead=WEEK), night)
    assert process_waitlist(db, now=night, settings=SETTINGS).offers_made == 0
    assert offers(db) == [] and opening(db, oid).status == "open"
    with db.write() as s:  # too close to its start: no opening at all
        soon = book(db, receptionist, world, patient=3, start=clock.now() + timedelta(minutes=25), ahead=WEEK)
        booking.cancel_appointment(s, receptionist, soon, reason="late", now=clock.now())
        assert (
            s.scalar(select(func.count()).select_from(Opening).where(Opening.source_appointment_id == soon))
            == 0
        )


def test_sms_needs_opt_in_else_email_else_a_phone_task(db, world, clock, receptionist):
    now = clock.now()
    with db.write() as s:
        p1, p2, p3 = (s.get(Patient, world.patients[k].id) for k in (1, 2, 3))
        p1.sms_consent, p1.contact_email, p1.email_consent = False, "mum@example.com", True
        p2.sms_consent, p2.contact_email = False, "dad@example.com"  # no email consent: a call
        s.add(ContactState(channel="sms", address=p3.contact_phone, opted_out=True, updated_at=now))
    e1 = add_entry(db, world, 1, now=now, priority=1)
    e2 = add_entry(db, world, 2, now=now, priority=2)
    e3 = add_entry(db, world, 3, now=now, priority=3)
    for k in range(3):
        cancel(
            db,
            receptionist,
            book(db, receptionist, world, start=SLOT, patient=5 + k, chair=k, ahead=WEEK),
            now,
        )
    with db.write() as s:
        opening_ids = list(s.scalars(select(Opening.id)))
        for oid in opening_ids:
            offer_opening(s, STAFF, oid, now=now, settings=SETTINGS)
    by_entry = {o.entry_id: o for o in offers(db)}
    assert by_entry[e1].channel == "email" and by_entry[e1].to_address == "mum@example.com"
    assert by_entry[e2].channel == "phone" and by_entry[e2].outbox_message_id is None
    assert by_entry[e2].hold_started_at == now and "Would you like it?" in by_entry[e2].message
    assert by_entry[e2].message.startswith("Call (617) 555-")  # the family's number, as dialled here
    assert by_entry[e3].channel == "phone"
    with db.read() as s:
        email = s.get(OutboxMessage, by_entry[e1].outbox_message_id)
        assert email.channel == "email" and email.subject.startswith("An earlier visit for Kid1")


def test_staff_accept_books_through_booking_and_closes_the_entry(db, world, clock, receptionist):
    now = clock.now()
    eid = add_entry(db, world, 1, now=now)
    oid = cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    with db.write() as s:
        [row] = offer_opening(s, receptionist, oid, now=now, settings=SETTINGS)
    with db.write() as s:
        result = record_response(s, receptionist, row.id, "accepted", now=now, settings=SETTINGS)
    assert result.ok and result.appointment_id
    with db.read() as s:
        appt = s.get(Appointment, result.appointment_id)
        assert (appt.patient_id, appt.start_at, appt.status) == (world.patients[1].id, SLOT, "scheduled")
    assert entry(db, eid).status == "booked" and opening(db, oid).status == "filled"
    assert offers(db)[0].booked_appointment_id == result.appointment_id


def test_accept_that_cannot_book_tells_the_family_and_reoffers(db, world, clock, receptionist):
    now = clock.now()
    add_entry(db, world, 1, now=now, priority=1)
    second = add_entry(db, world, 2, now=now)
    oid = cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=SETTINGS)
    send_due(db, now)
    process_waitlist(db, now=now, settings=SETTINGS)
    # Kid1 got booked elsewhere meanwhile
    book(db, receptionist, world, patient=1, start=SLOT, chair=1, ahead=WEEK)
    [offer] = offers(db)
    with db.write() as s:
        result = accept_offer(s, offer.id, now=now + timedelta(minutes=1), settings=SETTINGS)
    assert not result.ok and "could not book" in result.message
    assert opening(db, oid).status == "open"
    process_waitlist(db, now=now + timedelta(minutes=2), settings=SETTINGS)
    assert offers(db)[-1].entry_id == second
    with db.read() as s:
        bodies = list(
            s.scalars(
                select(OutboxMessage.body).where(OutboxMessage.to_address == world.patients[1].contact_phone)
            )
        )
    assert any("could not book" in b for b in bodies)


def test_sms_yes_reply_books_the_newest_pending_offer(db, world, clock, receptionist):
    now = clock.now()
    eid = add_entry(db, world, 1, now=now)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=SETTINGS)
    send_due(db, now)
    process_waitlist(db, now=now, settings=SETTINGS)
    with db.write() as s:
        inbound = inbound_reply(
            world.clinic.id, "Yes please", received_at=now, from_address=world.patients[1].contact_phone
        )
        s.add(inbound)
        s.flush()
        assert WaitlistReplyHandler(SETTINGS).handle(s, inbound, now + timedelta(minutes=30))
    assert entry(db, eid).status == "booked"
    with db.write() as s:  # an unrelated number's YES is not ours
        other = inbound_reply(
            world.clinic.id, "YES", received_at=now, from_address="+19995550000", provider_id="SM2"
        )
        s.add(other)
        s.flush()
        assert not handle_inbound(s, other, now)


def test_link_works_only_during_the_hold_and_only_once(db, world, clock, receptionist):
    from orca_desk.services.waitlist import links as waitlist_links

    now = clock.now()
    add_entry(db, world, 1, now=now)
    add_entry(db, world, 2, now=now)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=SETTINGS)
    [offer] = offers(db)
    with db.read() as s, pytest.raises(ValidationError, match="not been sent"):
        waitlist_links.describe_accept(s, offer.id, now)
    send_due(db, now + timedelta(minutes=1))
    process_waitlist(db, now=now + timedelta(minutes=1), settings=SETTINGS)
    after = now + timedelta(hours=2, minutes=1)
    with db.read() as s:
        assert "more" in waitlist_links.describe_accept(s, offer.id, now + timedelta(minutes=2)).text
        with pytest.raises(ValidationError, match="passed"):
            waitlist_links.describe_accept(s, offer.id, after)
    with db.write() as s:
        outcome = waitlist_links.perform_accept(s, offer.id, after)
    assert outcome.code == "not_booked"
    assert offers(db)[0].response == "expired"


def test_gateway_link_books_once(db, world, clock, receptionist):
    from orca_desk.gateway.app import make_app
    from orca_desk.gateway.handlers import merged_handlers
    from orca_desk.services.clock import FrozenClock
    from orca_desk.services.waitlist import links as waitlist_links

    now = clock.now()
    add_entry(db, world, 1, now=now)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=SETTINGS)
    send_due(db, now)
    process_waitlist(db, now=now, settings=SETTINGS)
    with db.read() as s:
        body = s.get(OutboxMessage, offers(db)[0].outbox_message_id).body
    path = body[body.index("http://gw.test") + len("http://gw.test") :].split()[0]
    app = make_app(
        db,
        FrozenClock(now + timedelta(minutes=10)),
        secret=SECRET,
        handlers=merged_handlers(waitlist_links.link_handlers()),
    )

    def call(method):
        status: list[str] = []
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "wsgi.input": __import__("io").BytesIO(b""),
            "CONTENT_LENGTH": "0",
            "SERVER_NAME": "gw.test",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "QUERY_STRING": "",
        }
        out = b"".join(app(environ, lambda st, _h, *_: status.append(st)))
        return status[0], out.decode()

    assert call("GET")[0].startswith("200")
    st, page = call("POST")
    assert st.startswith("200") and "booked" in page.lower()
    assert call("POST")[0].startswith("409")
    with db.read() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(Appointment)
                .where(Appointment.patient_id == world.patients[1].id)
            )
            == 1
        )


def test_broadcast_is_first_come_first_served_and_tells_the_others(db, world, clock, receptionist):
    now = clock.now()
    ids = [add_entry(db, world, k, now=now) for k in (1, 2, 3)]
    oid = cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    with db.write() as s:
        rows = offer_opening(s, receptionist, oid, now=now, broadcast=True, size=3, settings=SETTINGS)
    assert sorted(r.entry_id for r in rows) == sorted(ids)
    send_due(db, now)
    process_waitlist(db, now=now, settings=SETTINGS)
    a, b, c = offers(db)
    with db.write() as s:
        assert accept_offer(s, b.id, now=now + timedelta(minutes=4), settings=SETTINGS).ok
    with db.write() as s:
        late = accept_offer(s, a.id, now=now + timedelta(minutes=5), settings=SETTINGS)
    assert not late.ok and "closed" in late.message
    a, b, c = offers(db)
    assert (a.response, b.response, c.response) == ("no_response", "accepted", "no_response")
    with db.read() as s:
        taken = list(
            s.scalars(select(OutboxMessage.to_address).where(OutboxMessage.dedupe_key.like("%:taken")))
        )
    assert sorted(taken) == sorted([world.patients[1].contact_phone, world.patients[3].contact_phone])


def test_bulk_openings_never_offer_one_patient_two_slots(db, world, clock, receptionist):
    now = clock.now()
    add_entry(db, world, 1, now=now, priority=1)
    add_entry(db, world, 2, now=now)
    for k in range(3):
        cancel(
            db,
            receptionist,
            book(db, receptionist, world, start=SLOT, patient=4 + k, chair=k, ahead=WEEK),
            now,
        )
    report = process_waitlist(db, now=now, settings=SETTINGS)
    assert report.offers_made == 2
    live = offers(db)
    assert len({o.patient_id for o in live}) == 2
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Opening).where(Opening.status == "open")) == 1


def test_restart_during_a_hold_escalates_once(db, world, clock, receptionist):
    now = clock.now()
    add_entry(db, world, 1, now=now, priority=1)
    add_entry(db, world, 2, now=now)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=SETTINGS)
    send_due(db, now)
    process_waitlist(db, now=now, settings=SETTINGS)
    # The app is killed; it comes back three hours later (hold passed while down).
    from orca_desk.db import Database

    db.dispose()
    again = Database(str(db.url))
    back = now + timedelta(hours=3)
    first = process_waitlist(again, now=back, settings=SETTINGS)
    second = process_waitlist(again, now=back, settings=SETTINGS)
    assert (first.holds_expired, first.offers_made) == (1, 1)
    assert (second.holds_expired, second.offers_made, second.holds_started) == (0, 0, 0)
    assert len(offers(again)) == 2
    again.dispose()


def test_concurrent_accepts_make_exactly_one_booking(db, world, clock, receptionist):
    now = clock.now()
    for k in range(1, 11):
        add_entry(db, world, k, now=now)
    oid = cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    with db.write() as s:
        offer_opening(s, receptionist, oid, now=now, broadcast=True, size=10, settings=SETTINGS)
    send_due(db, now)
    process_waitlist(db, now=now, settings=SETTINGS)
    ids = [o.id for o in offers(db)]
    assert len(ids) == 10
    results: list[bool] = []
    barrier = threading.Barrier(10)

    def accept(offer_id: int) -> None:
        barrier.wait()
        with db.write() as s:
            results.append(accept_offer(s, offer_id, now=now + timedelta(minutes=1), settings=SETTINGS).ok)

    threads = [threading.Thread(target=accept, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 9 + [True]
    with db.read() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(Appointment)
                .where(Appointment.start_at == SLOT, Appointment.status == "scheduled")
            )
            == 1
        )


def test_announce_opening_by_hand_refuses_taken_time(db, world, clock, receptionist, manager):
    now = clock.now()
    t = SLOT + timedelta(hours=1)
    with db.write() as s:
        o = announce_opening(
            s,
            receptionist,
            location_id=world.location.id,
            chair_id=world.chairs[0].id,
            provider_id=world.ortho.id,
            start=t,
            end=t + timedelta(minutes=30),
            now=now,
        )
        assert (o.source, o.status) == ("manual", "open")
    book(db, receptionist, world, patient=2, start=SLOT, ahead=WEEK)
    with db.write() as s, pytest.raises(ConflictError, match="chair is taken"):
        announce_opening(
            s,
            receptionist,
            location_id=world.location.id,
            chair_id=world.chairs[0].id,
            provider_id=world.ortho.id,
            start=SLOT,
            end=SLOT + timedelta(minutes=20),
            now=now,
        )


def test_notify_entry_now_picks_the_best_opening_for_it(db, world, clock, receptionist):
    now = clock.now()
    eid = add_entry(db, world, 1, now=now)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    with db.write() as s:
        row = notify_entry(s, receptionist, eid, now=now, settings=SETTINGS)
    assert row.entry_id == eid and row.state == "queued"
    with db.write() as s, pytest.raises(ValidationError):
        notify_entry(s, receptionist, eid, now=now, settings=SETTINGS)


def test_analytics_track_channels_conversion_and_fill_time(db, world, clock, receptionist, manager):
    from orca_desk.services.waitlist import analytics as waitlist_analytics

    now = clock.now()
    with db.write() as s:
        p = s.get(Patient, world.patients[2].id)
        p.sms_consent, p.contact_email, p.email_consent = False, "x@example.com", True
    add_entry(db, world, 1, now=now, priority=1)
    add_entry(db, world, 2, now=now)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=SETTINGS)
    send_due(db, now)
    process_waitlist(db, now=now, settings=SETTINGS)
    with db.write() as s:
        decline_offer(s, offers(db)[0].id, now=now + timedelta(minutes=10), settings=SETTINGS)
    process_waitlist(db, now=now + timedelta(minutes=10), settings=SETTINGS)
    send_due(db, now + timedelta(minutes=11))
    process_waitlist(db, now=now + timedelta(minutes=12), settings=SETTINGS)
    with db.write() as s:
        assert accept_offer(s, offers(db)[1].id, now=now + timedelta(minutes=41), settings=SETTINGS).ok
    with db.read() as s:
        a = waitlist_analytics.offer_analytics(
            s, manager, start=now - timedelta(days=1), end=now + timedelta(days=1)
        )
    by = {c.channel: c for c in a.channels}
    assert (by["sms"].sent, by["sms"].booked, by["email"].sent, by["email"].booked) == (1, 0, 1, 1)
    assert by["email"].conversion == 1.0
    assert a.openings == 1 and a.filled == 1 and a.median_minutes_to_fill == 41
    assert a.median_minutes_to_respond == 20  # 10 min (sms decline) and 30 min (email accept)
    assert a.by_provider[0].name == "Dr. Chen" and a.by_location[0].filled == 1


def test_unbooked_template_slots_in_the_look_ahead_become_openings_once(db, world, clock, monkeypatch):
    from orca_desk.services.template_engine import reading
    from orca_desk.services.template_engine.plans import OpenTemplateSlot

    now = clock.now()
    add_entry(db, world, 1, now=now)
    slot = OpenTemplateSlot(
        id=1,
        application_id=1,
        template_name="Q1",
        provider_id=world.ortho.id,
        chair_id=world.chairs[1].id,
        location_id=world.location.id,
        day=SLOT.date(),
        start=SLOT,
        end=SLOT + timedelta(minutes=20),
        start_minute=15 * 60 + 30,
        end_minute=15 * 60 + 50,
        type_id=world.adjustment.id,
        type_name="Adjustment",
        colour="#42a5f5",
        block_reason=None,
    )
    monkeypatch.setattr(reading, "open_template_slots", lambda *_a, **_k: [slot])
    first = process_waitlist(db, now=now, settings=SETTINGS)
    again = process_waitlist(db, now=now + timedelta(minutes=5), settings=SETTINGS)
    assert (first.template_openings, first.offers_made, again.template_openings) == (1, 1, 0)
    with db.read() as s:
        [o] = s.scalars(select(Opening))
        assert (o.source, o.chair_id, o.type_id, o.note) == (
            "template_slot",
            world.chairs[1].id,
            world.adjustment.id,
            "Template Q1",
        )


def test_concurrent_accepts_on_postgresql_make_exactly_one_booking(pg_db, clock):
    from tests.factories import book
    from tests.factories import make_world as mk

    now = clock.now()
    with pg_db.write() as s:
        w = mk(s, patients=12)
    for k in range(1, 11):
        add_entry(pg_db, w, k, now=now)
    staff = STAFF
    appt = book(pg_db, staff, w, start=SLOT, ahead=WEEK)
    oid = cancel(pg_db, staff, appt, now)
    with pg_db.write() as s:
        offer_opening(s, staff, oid, now=now, broadcast=True, size=10, settings=SETTINGS)
    send_due(pg_db, now)
    process_waitlist(pg_db, now=now, settings=SETTINGS)
    ids = [o.id for o in offers(pg_db)]
    results: list[bool] = []
    barrier = threading.Barrier(len(ids))

    def accept(offer_id: int) -> None:
        barrier.wait()
        with pg_db.write() as s:
            results.append(accept_offer(s, offer_id, now=now + timedelta(minutes=1), settings=SETTINGS).ok)

    threads = [threading.Thread(target=accept, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 10 and sorted(results) == [False] * 9 + [True]
    with pg_db.read() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(Appointment)
                .where(Appointment.start_at == SLOT, Appointment.status == "scheduled")
            )
            == 1
        )


def test_a_template_slot_freed_by_a_cancellation_is_not_offered_twice(
    db, world, clock, receptionist, monkeypatch
):
    from orca_desk.services.template_engine import reading
    from orca_desk.services.template_engine.plans import OpenTemplateSlot

    now = clock.now()
    add_entry(db, world, 1, now=now)
    add_entry(db, world, 2, now=now)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    slot = OpenTemplateSlot(
        id=1,
        application_id=1,
        template_name="Q1",
        provider_id=world.ortho.id,
        chair_id=world.chairs[0].id,
        location_id=world.location.id,
        day=SLOT.date(),
        start=SLOT,
        end=SLOT + timedelta(minutes=20),
        start_minute=0,
        end_minute=0,
        type_id=None,
        type_name="",
        colour="",
        block_reason=None,
    )
    monkeypatch.setattr(reading, "open_template_slots", lambda *_a, **_k: [slot])
    report = process_waitlist(db, now=now, settings=SETTINGS)
    assert (report.template_openings, report.offers_made) == (0, 1)


def test_the_offer_text_is_one_segment_with_a_long_clinic_name_and_still_says_hold_and_cap():
    from orca_desk.services.messaging.render import sms_segments
    from orca_desk.services.waitlist import wording as waitlist_wording

    words = {
        "clinic": "Bright Smiles Orthodontics",
        "patient": "Alexandra",
        "date": "Tue, Mar 10",
        "time": "10:30 AM",
        "location": "Northside",
        "provider": "Dr. Chen",
        "hold": "2 hours",
        "hold_short": "2h",
        "phone": "(617) 555-0100",  # as the clinic's families dial it
        "number": "1",
        "cap": "3",
    }
    link = " https://go.brightsmiles.com/o/" + "A" * 24  # a real short link's length
    text = waitlist_wording._offer_sms(words, link)
    assert sms_segments(text).segments == 1, text
    assert "2h" in text and "1/3" in text and text.endswith(link)
    short_name = waitlist_wording._offer_sms(
        {**words, "clinic": "Test Ortho", "patient": "Liam"}, " https://gw.test/o/" + "A" * 24
    )
    assert "Held 2h (offer 1/3). Reply YES or tap https://gw.test/o/" in short_name
    assert sms_segments(short_name).segments == 1


def test_the_spanish_offer_text_is_one_segment_with_a_long_clinic_name():
    """Spanish dates and times are longer ("mar, 10 de mar 10:30 a.m."): its shorter text still fits."""
    from datetime import datetime

    from orca_desk.services.messaging.message_locale import message_date, message_time
    from orca_desk.services.messaging.render import sms_segments
    from orca_desk.services.waitlist import wording as waitlist_wording

    visit = datetime(2026, 3, 10, 10, 30)
    words = {
        "clinic": "Bright Smiles Orthodontics",
        "patient": "Alexandra",
        "date": message_date(visit, "es", "US"),
        "time": message_time(visit, "es", hour_format=12, country="US"),
        "location": "Northside",
        "provider": "Dr. Chen",
        "hold": "2 horas",
        "hold_short": "2h",
        "phone": "(617) 555-0100",
        "number": "1",
        "cap": "3",
    }
    link = " https://go.brightsmiles.com/o/" + "A" * 24
    text = waitlist_wording._offer_sms(words, link, waitlist_wording._packaged_sms_templates_in("es"))
    assert sms_segments(text).segments == 1, text
    assert "mar, 10 de mar 10:30 a.m." in text and "2h" in text and "1/3" in text and text.endswith(link)
    # A short clinic name: the full text, with its "Responda SI".
    full = waitlist_wording._offer_sms(
        {**words, "clinic": "Test Ortho", "patient": "Liam"},
        " https://gw.test/o/" + "A" * 24,
        waitlist_wording._packaged_sms_templates_in("es"),
    )
    assert sms_segments(full).segments == 1, full
    assert "Guardada 2h (oferta 1/3). Responda SI o abra https://gw.test/o/" in full


def test_the_offer_text_comes_from_the_clinics_edited_template_and_matches_its_preview(
    db, world, clock, receptionist
):
    from orca_desk.services.messaging import message_templates as mt

    edited = (
        "{clinic_name}: {patient_first_name} can come {date} {time} at {location}. "
        "We hold it {hold} (offer {offer_count}). Tap {link}"
    )
    now = clock.now()
    with db.write() as s:
        mt.save_template(
            s,
            STAFF,
            world.clinic.id,
            key="waitlist.offer",
            channel="sms",
            name="Offer",
            subject=None,
            body=edited,
            now=now,
        )
    add_entry(db, world, 1, now=now)
    cancel(db, receptionist, book(db, receptionist, world, start=SLOT, ahead=WEEK), now)
    assert process_waitlist(db, now=now, settings=SETTINGS).offers_made == 1
    [offer] = offers(db)
    with db.read() as s:
        body = s.get(OutboxMessage, offer.outbox_message_id).body
        first = s.get(Patient, world.patients[1].id).first_name
    assert body.startswith(f"{world.clinic.name}: {first} can come Tue, Mar 3 3:30 PM at ")
    assert "We hold it 2h (offer 1/3). Tap http://gw.test/o/" in body
    # The editor's preview is the same text with sample values: one renderer for both.
    preview = mt.check_template(edited, None, "sms").preview
    assert preview.startswith(
        "Bright Smiles Orthodontics: Liam can come Tue, Mar 10 3:30 PM at Northside. "
        "We hold it 2h (offer 1/3). Tap http"
    )
