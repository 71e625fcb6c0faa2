"""A simulated front-desk day: dozens of cancellations, offers by SMS over HTTP, replies, escalations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.booking import booking
from orca_desk.services.clock import FrozenClock
from orca_desk.services.messaging.dispatch import dispatch_due
from orca_desk.services.messaging.inbound import InboundHandlers, poll_inbound
from orca_desk.services.waitlist.entries import add_entry
from orca_desk.services.waitlist.replies import WaitlistReplyHandler
from orca_desk.services.waitlist.rows import EntryInput
from orca_desk.services.waitlist.settings import WaitlistSettings
from orca_desk.services.waitlist.tick import process_waitlist
from tests.factories import book, make_world
from tests.fakes import start_fake_server, twilio_for

NY = ZoneInfo("America/New_York")
START = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)  # Tue 08:00 in New York
SETTINGS = WaitlistSettings(secret=b"day-secret-0123456789abcdef", base_url="http://gw.test")
DESK = Actor(
    username="maria", role="receptionist", display_name="Maria", permissions=ROLE_PERMISSIONS["receptionist"]
)
# Patients who answer YES after 10 min, NO after 5; the other waitlist families stay silent.
YES, NO = range(10, 13), range(13, 16)


@pytest.fixture(scope="module")
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture(scope="module")
def server(clock: FrozenClock) -> Iterator[object]:
    with start_fake_server(clock=clock.now) as running:
        yield running


def test_a_day_of_cancellations_and_replies(db, server, clock):
    clock.set(START)
    with db.write() as s:
        w = make_world(s, patients=20)
        for k in range(10, 20):
            add_entry(
                s,
                DESK,
                EntryInput(patient_id=w.patients[k].id, type_id=w.adjustment.id, priority=1 + k % 4),
                now=START - timedelta(days=k),
            )
        appts = []
        for k in range(30):
            local = datetime(2026, 3, 3 + k // 15, 10, 0, tzinfo=NY) + timedelta(minutes=25 * (k % 15))
            appts.append(
                book(
                    s,
                    DESK,
                    w,
                    start=local.astimezone(UTC),
                    now=START - timedelta(days=7),
                    patient=k % 10,
                    chair=k % 3,
                )
            )
    phone_of = {w.patients[k].contact_phone: k for k in range(20)}
    sms = twilio_for(server)
    handlers = InboundHandlers([WaitlistReplyHandler(SETTINGS)])
    replies: list[tuple[datetime, str, str]] = []
    seen = 0
    now = START
    while now < START + timedelta(hours=15):  # to 23:00 local
        clock.set(now)
        k = int((now - START).total_seconds() // 1200)  # one cancellation every 20 minutes
        if (now - START).total_seconds() % 1200 == 0 and k < len(appts):
            with db.write() as s:
                a = s.get(Appointment, appts[k])
                if a.status == "scheduled" and a.start_at > now:
                    booking.cancel_appointment(s, DESK, a.id, reason="school event", now=now)
        process_waitlist(db, now=now, settings=SETTINGS)
        dispatch_due(db, {"sms": sms}, now=now, worker_id="day")
        for rec in server.sent_sms[seen:]:
            who = phone_of.get(rec.to)
            if "Reply YES" in rec.body and who in YES:
                replies.append((now + timedelta(minutes=10), rec.to, "Yes please"))
            elif "Reply YES" in rec.body and who in NO:
                replies.append((now + timedelta(minutes=5), rec.to, "No thanks"))
        seen = len(server.sent_sms)
        for due in [r for r in replies if r[0] <= now]:
            server.add_inbound(due[1], body=due[2], at=now)
            replies.remove(due)
        poll_inbound(db, sms, now=now, handlers=handlers)
        process_waitlist(db, now=now, settings=SETTINGS)  # a decline escalates at once
        now += timedelta(minutes=10)

    assert server.response_errors == [] and server.rejected == []
    with db.read() as s:
        openings = list(s.scalars(select(Opening)))
        offers = list(s.scalars(select(WaitlistOffer)))
        entries = {e.patient_id: e for e in s.scalars(select(WaitlistEntry))}
        booked = list(s.scalars(select(Appointment).where(Appointment.notes == "Booked from the waitlist")))
        active = list(
            s.scalars(select(Appointment).where(Appointment.status.in_(("scheduled", "confirmed"))))
        )
    assert len(openings) >= 20
    # Every YES family got exactly one slot, and nobody else was booked.
    yes_ids = {w.patients[k].id for k in YES}
    assert {a.patient_id for a in booked} == yes_ids and len(booked) == len(yes_ids)
    assert all(entries[p].status == "booked" for p in yes_ids)
    assert all(o.status == "filled" for o in openings if o.filled_appointment_id)
    assert sum(o.status == "filled" for o in openings) == len(booked)
    # No chair and no patient holds two overlapping appointments.
    for x in active:
        for y in active:
            if x.id < y.id and x.start_at < y.end_at and y.start_at < x.end_at:
                assert x.chair_id != y.chair_id and x.patient_id != y.patient_id
    # At most three offers per entry; decliners and silent families stay on the list.
    for e in entries.values():
        assert e.notification_count <= 3
        assert len([o for o in offers if o.entry_id == e.id and o.hold_started_at is not None]) <= 3
    assert all(entries[w.patients[k].id].status in ("active", "notified") for k in (*NO, 16, 17, 18, 19))
    assert any(o.response == "declined" and o.responded_via == "sms" for o in offers)
    assert any(o.response == "expired" for o in offers)
    # Never a text in quiet hours, never a hold before its text went out, never two live offers per patient.
    offer_texts = [r for r in server.sent_sms if "Reply YES" in r.body]
    assert offer_texts and all(8 <= r.received.astimezone(NY).hour < 21 for r in offer_texts)
    assert all(o.hold_started_at is None or o.hold_started_at >= o.created_at for o in offers)
    assert any("You're booked" in r.body for r in server.sent_sms)
    for o in offers:
        overlapping = [
            x
            for x in offers
            if x.patient_id == o.patient_id
            and x.id != o.id
            and x.hold_started_at
            and o.hold_started_at
            and x.hold_expires_at
            and o.hold_expires_at
            and x.hold_started_at < o.hold_expires_at
            and o.hold_started_at < x.hold_expires_at
            and x.responded_at is None
            and o.responded_at is None
        ]
        assert not overlapping
