"""What emails carry besides their text, through the runtime and the fake SendGrid over HTTP:
the visit as an .ics file calendar apps import, and RFC 8058 one-click unsubscribe headers."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
import recurring_ical_events
import requests
from icalendar import Calendar

from orca_desk.automation.features import clinic_runtime
from orca_desk.automation.runtime import AutomationRuntime
from orca_desk.gateway.app import make_app
from orca_desk.gateway.server import serve_in_thread
from orca_desk.models.messaging import ContactState
from orca_desk.models.openings import Opening, WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.clock import FrozenClock
from orca_desk.services.messaging import outbox
from tests.conftest import NOW
from tests.factories import book
from tests.services.messaging.support import DESK, make_family

SECRET = "email-extras-test-secret-0123456789"
PUBLIC = "https://links.clinic.example"


def run_dispatch(db, fake) -> AutomationRuntime:
    env = {
        **fake.env(),
        "ORCA_DESK_PUBLIC_BASE_URL": PUBLIC,
        "ORCA_DESK_LINK_SECRET": SECRET,
        "ORCA_DESK_EMAIL_RATE": "1000000",
    }
    runtime = clinic_runtime(db, env, secret_reader=lambda _n: None, clock=FrozenClock(NOW), worker_id="w1")
    try:
        assert runtime.heartbeat()
        runtime.dispatch()
    finally:
        runtime.close()
    return runtime


def family_with_email(db) -> tuple[Any, int]:
    fam = make_family(db, siblings=0)
    with db.write() as s:
        p = s.get(Patient, fam.patient_ids[0])
        p.contact_email, p.email_consent = "parent@example.com", True
        return fam, p.id


def attachment(record) -> tuple[dict[str, Any], bytes]:
    [item] = record.payload["attachments"]
    return item, base64.b64decode(item["content"], validate=True)


def assert_calendar_apps_can_import(data: bytes) -> Calendar:
    """The rules Apple Calendar, Google Calendar and Outlook hold an emailed .ics to."""
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF line ends only (RFC 5545 §3.1)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded long lines
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    assert str(cal["METHOD"]) == "PUBLISH"  # "add to calendar", not a meeting request
    [event] = cal.walk("VEVENT")
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "ORGANIZER"):
        assert required in event, required
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)  # UTC: no VTIMEZONE needed
    assert not cal.walk("VTIMEZONE")
    return cal


def test_an_offer_email_carries_the_offered_slot_as_a_tentative_event(db, fake):
    fam, patient_id = family_with_email(db)
    start = NOW + timedelta(days=1, hours=2)
    with db.write() as s:
        p = s.get(Patient, patient_id)
        from orca_desk.models.clinic import AppointmentType, Chair
        from orca_desk.models.clinic import Provider as Doc

        chair = s.query(Chair).first()
        doc = s.query(Doc).first()
        typ = s.query(AppointmentType).first()
        entry = WaitlistEntry(
            clinic_id=fam.clinic_id,
            patient_id=p.id,
            type_id=typ.id,
            duration_minutes=30,
            created_at=NOW,
            updated_at=NOW,
        )
        opening = Opening(
            clinic_id=fam.clinic_id,
            location_id=fam.location_id,
            chair_id=chair.id,
            provider_id=doc.id,
            type_id=typ.id,
            start_at=start,
            end_at=start + timedelta(minutes=30),
            source="cancellation",
            status="offered",
            created_at=NOW,
            updated_at=NOW,
        )
        s.add_all([entry, opening])
        s.flush()
        offer = WaitlistOffer(
            clinic_id=fam.clinic_id,
            opening_id=opening.id,
            entry_id=entry.id,
            patient_id=p.id,
            channel="email",
            to_address=p.contact_email,
            message="An earlier visit",
            created_at=NOW,
            send_after=NOW,
        )
        s.add(offer)
        s.flush()
        outbox.enqueue(
            s,
            clinic_id=fam.clinic_id,
            channel="email",
            to_address=p.contact_email,
            subject="An earlier visit",
            body="Book it: https://x.example/l/waitlist_accept/t",
            purpose="waitlist_offer",
            dedupe_key=f"waitlist-offer:{offer.id}",
            now=NOW,
            patient_id=p.id,
            source_type="waitlist_offer",
            source_id=offer.id,
        )
        offer_id = offer.id
    run_dispatch(db, fake)
    [record] = fake.sent_email
    item, data = attachment(record)
    assert (item["filename"], item["type"], item["disposition"]) == (
        "visit.ics",
        "text/calendar",
        "attachment",
    )
    cal = assert_calendar_apps_can_import(data)
    [event] = cal.walk("VEVENT")
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["UID"]) == f"waitlist-offer-{offer_id}@orca-desk"
    assert str(event["ORGANIZER"]) == "mailto:t@example.com"
    # An independent expander finds the one visit, at the offered time.
    [found] = recurring_ical_events.of(cal).between(start - timedelta(hours=1), start + timedelta(hours=1))
    assert found.decoded("DTSTART") == start and found.decoded("DTEND") == start + timedelta(minutes=30)
    # An offer is not transactional: one-click unsubscribe, and a footer link (the text has none).
    assert record.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert record.headers["List-Unsubscribe"].startswith(f"<{PUBLIC}/u/")  # the short link form
    assert f"Unsubscribe: {PUBLIC}/u/" in record.content["text/plain"]


def test_the_youre_booked_email_carries_the_booked_visit(db, fake):
    fam, patient_id = family_with_email(db)
    start = NOW + timedelta(days=1)
    appt = book(db, DESK, fam.world, start=start, now=NOW)
    with db.write() as s:
        from orca_desk.models.appointment import Appointment

        a = s.get(Appointment, appt)
        entry = WaitlistEntry(
            clinic_id=fam.clinic_id,
            patient_id=patient_id,
            type_id=a.type_id,
            duration_minutes=20,
            created_at=NOW,
            updated_at=NOW,
        )
        opening = Opening(
            clinic_id=fam.clinic_id,
            location_id=a.location_id,
            chair_id=a.chair_id,
            provider_id=a.provider_id,
            type_id=a.type_id,
            start_at=start,
            end_at=a.end_at,
            source="cancellation",
            status="filled",
            created_at=NOW,
            updated_at=NOW,
        )
        s.add_all([entry, opening])
        s.flush()
        offer = WaitlistOffer(
            clinic_id=fam.clinic_id,
            opening_id=opening.id,
            entry_id=entry.id,
            patient_id=patient_id,
            channel="email",
            to_address="parent@example.com",
            message="offer",
            created_at=NOW,
            send_after=NOW,
            booked_appointment_id=appt,
        )
        s.add(offer)
        s.flush()
        for key, subject in (("booked", "About the visit we offered"), ("expired", "Too late")):
            outbox.enqueue(
                s,
                clinic_id=fam.clinic_id,
                channel="email",
                to_address="parent@example.com",
                subject=subject,
                body=f"You're {key}.",
                purpose="waitlist_offer",
                dedupe_key=f"waitlist-offer:{offer.id}:{key}",
                now=NOW,
                patient_id=patient_id,
                source_type="waitlist_offer",
                source_id=offer.id,
            )
    run_dispatch(db, fake)
    by_subject = {r.subject: r for r in fake.sent_email}
    _, data = attachment(by_subject["About the visit we offered"])
    [event] = assert_calendar_apps_can_import(data).walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["UID"]) == f"appointment-{appt}@orca-desk"
    assert event.decoded("DTSTART") == start
    assert "attachments" not in by_subject["Too late"].payload  # books nothing: no event


def test_a_confirmation_email_carries_the_booked_visit_and_no_unsubscribe_headers(db, fake):
    fam, patient_id = family_with_email(db)
    start = NOW + timedelta(days=2)
    appt = book(db, DESK, fam.world, start=start, now=NOW)
    with db.write() as s:
        p = s.get(Patient, patient_id)
        outbox.enqueue_for_patient(
            s,
            p,
            channel="email",
            subject="Please confirm",
            body="Please confirm Tuesday.",
            purpose="confirmation_request",
            dedupe_key="c1",
            now=NOW,
            appointment_id=appt,
        )
        outbox.enqueue_for_patient(
            s,
            p,
            channel="email",
            subject="Reminder",
            body="See you Tuesday.",
            purpose="appointment_reminder",
            dedupe_key="r1",
            now=NOW,
            appointment_id=appt,
        )
    run_dispatch(db, fake)
    by_subject = {r.subject: r for r in fake.sent_email}
    _, data = attachment(by_subject["Please confirm"])
    cal = assert_calendar_apps_can_import(data)
    [event] = cal.walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["UID"]) == f"appointment-{appt}@orca-desk"
    assert event.decoded("DTSTART") == start and event.decoded("DTEND") == start + timedelta(minutes=20)
    assert str(event["SUMMARY"]) == "Kid0's visit at Test Ortho"
    for record in by_subject.values():  # transactional: no List-Unsubscribe
        assert "List-Unsubscribe" not in record.headers
    assert "attachments" not in by_subject["Reminder"].payload


def test_marketing_and_manual_emails_get_one_click_unsubscribe_that_works(db, fake, clock):
    _, patient_id = family_with_email(db)
    with db.write() as s:
        p = s.get(Patient, patient_id)
        outbox.enqueue_for_patient(
            s,
            p,
            channel="email",
            subject="From the desk",
            body="Hello!",
            purpose="manual",
            dedupe_key="m1",
            now=NOW,
        )
        outbox.enqueue_for_patient(
            s,
            p,
            channel="email",
            subject="Spring news",
            body=f"News.\n\nNo more? {PUBLIC}/l/unsubscribe/own-link",
            purpose="campaign",
            dedupe_key="k1",
            now=NOW,
        )
        outbox.enqueue_for_patient(
            s,
            p,
            channel="email",
            subject="Summer news",
            body=f"News.\n\nNo more? {PUBLIC}/u/AgEaNEhA7z6rj6F4X0buWQ",
            purpose="campaign",
            dedupe_key="k2",
            now=NOW,
        )
    run_dispatch(db, fake)
    by_subject = {r.subject: r for r in fake.sent_email}
    manual, campaign = by_subject["From the desk"], by_subject["Spring news"]
    assert manual.payload["from"] == {"email": "desk@clinic.example", "name": "Test Ortho"}
    url = manual.headers["List-Unsubscribe"].strip("<>")
    assert manual.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe: {url}" in manual.content["text/plain"]  # the link in a manual email
    assert campaign.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert campaign.content["text/plain"].count("/l/unsubscribe/") == 1  # no second link
    summer = by_subject["Summer news"].content["text/plain"]
    assert summer.count(f"{PUBLIC}/u/") == 1  # a short unsubscribe link in the text: no second one
    # RFC 8058: the mailbox provider POSTs "List-Unsubscribe=One-Click" to the URL; that alone
    # unsubscribes the address.
    app = make_app(db, clock, secret=SECRET.encode(), public_base_url=PUBLIC)
    running = serve_in_thread(app)
    try:
        path = url.removeprefix(PUBLIC)
        r = requests.post(running.url + path, data={"List-Unsubscribe": "One-Click"}, timeout=10)
        assert r.status_code == 200
    finally:
        running.stop()
    with db.read() as s:
        state = s.query(ContactState).filter_by(channel="email", address="parent@example.com").one()
        assert state.opted_out


@pytest.mark.parametrize("bad", ["not base64!", ""])
def test_the_fake_refuses_an_attachment_that_is_not_base64(fake, bad):
    from orca_desk.services.messaging.providers.base import Attachment, OutgoingMessage
    from tests.fakes import sendgrid_for

    provider = sendgrid_for(fake)
    body = provider.payload(
        OutgoingMessage(
            outbox_id=1,
            channel="email",
            to="a@example.com",
            body="x",
            subject="s",
            attachments=(Attachment("a.ics", "text/calendar", b"x"),),
        )
    )
    body["attachments"][0]["content"] = bad
    r = requests.post(
        f"{fake.sendgrid_base_url}/v3/mail/send",
        json=body,
        headers={"Authorization": f"Bearer {fake.api_key}"},
        timeout=10,
    )
    assert r.status_code == 400 and fake.sent_email == []
