"""Gateway over real HTTP (waitress on 127.0.0.1): GET asks, POST acts once; expiry, tampering, races."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import ColumnElement, func, select

from orca_desk.db import Database
from orca_desk.gateway.app import make_app
from orca_desk.gateway.handlers import LinkHandler, LinkOutcome, LinkPrompt, default_handlers
from orca_desk.gateway.server import RunningGateway, serve_in_thread
from orca_desk.models.appointment import Appointment
from orca_desk.models.audit import AuditEvent
from orca_desk.models.messaging import ContactState, LinkTokenUse
from orca_desk.models.patient import Patient
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.clock import FrozenClock
from orca_desk.services.links.link_tokens import make_token
from orca_desk.services.links.patient_links import (
    CALLBACK,
    CONFIRM,
    DECLINE,
    UNSUBSCRIBE,
    WAITLIST_ACCEPT,
    WAITLIST_DECLINE,
    ical_feed_link,
    link_for,
    unsubscribe_link_for,
)
from tests.factories import book, make_world

SECRET = b"test-secret-0123456789abcdef"
DESK = Actor(
    username="maria", role="receptionist", display_name="Maria", permissions=ROLE_PERMISSIONS["receptionist"]
)


def _visit(db: Database, clock: FrozenClock, *, days: int = 1) -> int:
    """A clinic whose first patient has a visit ``days`` ahead, its confirmation asked for by
    email: the appointment's id."""
    with db.write() as s:
        w = make_world(s, chairs=2, patients=2)
        w.patients[0].contact_email = "parent@example.com"
        w.patients[0].email_consent = True
        appt_id = book(s, DESK, w, start=clock.now() + timedelta(days=days), now=clock.now())
        appt = s.get(Appointment, appt_id)
        assert appt is not None
        appt.confirmation = "requested"
        return appt_id


def _since_booked(appt_id: int) -> tuple[ColumnElement[bool], ...]:
    """The visit's audit trail after its booking."""
    return (AuditEvent.entity_id == appt_id, AuditEvent.action != "book")


def _serve(
    db: Database, clock: FrozenClock, handlers: dict[str, LinkHandler] | None = None, threads: int = 8
) -> RunningGateway:
    app = make_app(
        db,
        clock,
        secret=SECRET,
        handlers=handlers or default_handlers(),
        public_base_url="http://127.0.0.1:8765",
    )
    return serve_in_thread(app, threads=threads)


@pytest.fixture
def gateway(db: Database, clock: FrozenClock) -> Iterator[RunningGateway]:
    running = _serve(db, clock)
    yield running
    running.stop()


def _url(gw: RunningGateway, link: str) -> str:
    return gw.url + link.split("8765", 1)[1]


def _link(purpose: str, subject: int, clock: FrozenClock, *, hours: float = 24) -> str:
    return link_for(
        purpose,
        subject,
        clock.now() + timedelta(hours=hours),
        secret=SECRET,
        base_url="http://127.0.0.1:8765",
    )


def _appt(db: Database, appt_id: int) -> Appointment:
    with db.read() as s:
        appt = s.get(Appointment, appt_id)
        assert appt is not None
        return appt


def test_link_carries_no_patient_data(db, clock):
    appt_id = _visit(db, clock)
    link = _link(CONFIRM, appt_id, clock)
    assert link.startswith("http://127.0.0.1:8765/c/")
    token = link.rsplit("/", 1)[1]
    assert "Kid" not in link and "Smith" not in link and "@" not in link
    assert len(token) <= 24  # issue 18: short enough that a reminder fits one SMS segment


@pytest.mark.parametrize(
    ("purpose", "letter"),
    [
        (CONFIRM, "c"),
        (DECLINE, "d"),
        (CALLBACK, "b"),
        (WAITLIST_ACCEPT, "o"),
        (WAITLIST_DECLINE, "p"),
        (UNSUBSCRIBE, "u"),
    ],
)
def test_patient_links_have_the_short_form(purpose, letter, clock):
    link = link_for(
        purpose,
        1_234_567,
        clock.now() + timedelta(days=400),
        secret=SECRET,
        base_url="https://go.brightsmiles.com/",
    )
    assert re.fullmatch(rf"https://go\.brightsmiles\.com/{letter}/[A-Za-z0-9_-]{{24}}", link), link


def test_an_expiry_beyond_the_short_form_keeps_the_long_form(clock):
    link = link_for(
        CONFIRM, 7, datetime(2060, 1, 1, tzinfo=UTC), secret=SECRET, base_url="https://go.brightsmiles.com"
    )
    assert link.startswith("https://go.brightsmiles.com/l/confirm/")


def test_short_link_confirms_once_through_http(db, clock, gateway):
    appt_id = _visit(db, clock)
    url = _url(gateway, _link(CONFIRM, appt_id, clock))
    assert "/c/" in url
    shown = requests.get(url, timeout=5)
    assert shown.status_code == 200 and "Yes, confirm" in shown.text
    r = requests.post(url, timeout=5)
    assert r.status_code == 200 and "re confirmed" in r.text
    assert _appt(db, appt_id).confirmation == "confirmed"
    with db.read() as s:
        use = s.scalars(select(LinkTokenUse)).one()
        assert (use.purpose, use.subject_id, use.outcome) == (CONFIRM, appt_id, "confirmed")
    again = requests.post(url, timeout=5)
    assert again.status_code == 409 and "already used" in again.text
    assert requests.get(url, timeout=5).status_code == 409
    assert requests.post(url + "/", timeout=5).status_code == 409  # a trailing slash is the same link


def test_long_links_already_sent_keep_working(db, clock, gateway):
    """Families have the long /l/<purpose>/<token> links in their phones: they still act, once."""
    appt_id = _visit(db, clock)
    token = make_token(SECRET, CONFIRM, appt_id, clock.now() + timedelta(days=1))
    url = f"{gateway.url}/l/confirm/{token}"
    assert requests.get(url, timeout=5).status_code == 200
    r = requests.post(url, timeout=5)
    assert r.status_code == 200 and "re confirmed" in r.text
    assert _appt(db, appt_id).confirmation == "confirmed"
    again = requests.post(url, timeout=5)
    assert again.status_code == 409 and "already used" in again.text


def test_short_links_refuse_tampering_other_purposes_and_expiry(db, clock, gateway):
    appt_id = _visit(db, clock)
    url = _url(gateway, _link(CONFIRM, appt_id, clock, hours=1))
    head, token = url.rsplit("/", 1)
    flipped = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    r = requests.post(f"{head}/{flipped}", timeout=5)
    assert r.status_code == 400 and "not valid" in r.text
    # A decline link's token under the confirm letter (or the long route) must not confirm.
    decline_token = _link(DECLINE, appt_id, clock).rsplit("/", 1)[1]
    assert requests.post(f"{gateway.url}/c/{decline_token}", timeout=5).status_code == 400
    assert requests.post(f"{gateway.url}/l/confirm/{decline_token}", timeout=5).status_code == 400
    assert requests.post(f"{gateway.url}/z/{token}", timeout=5).status_code == 404  # no such letter
    long_token = make_token(SECRET, CONFIRM, appt_id, clock.now() + timedelta(hours=1))
    assert requests.post(f"{gateway.url}/c/{long_token}", timeout=5).status_code == 400
    clock.advance(timedelta(hours=1))
    for r in (requests.get(url, timeout=5), requests.post(url, timeout=5)):
        assert r.status_code == 410 and "expired" in r.text
    assert _appt(db, appt_id).confirmation == "requested"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(LinkTokenUse)) == 0


def test_get_shows_a_button_and_changes_nothing(db, clock, gateway):
    appt_id = _visit(db, clock)
    r = requests.get(_url(gateway, _link(CONFIRM, appt_id, clock)), timeout=5)
    assert r.status_code == 200
    assert '<form method="post"' in r.text and "Yes, confirm" in r.text
    assert "Test Ortho" in r.text and "tel:+16175550100" in r.text  # clinic name and phone
    assert "Kid0" in r.text and "Wed, Mar 4 at 9:00 AM" in r.text
    assert r.headers["Referrer-Policy"] == "no-referrer" and r.headers["Cache-Control"] == "no-store"
    assert _appt(db, appt_id).confirmation == "requested"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(LinkTokenUse)) == 0


def test_post_confirms_once_and_a_second_use_is_refused_politely(db, clock, gateway):
    appt_id = _visit(db, clock)
    url = _url(gateway, _link(CONFIRM, appt_id, clock))
    r = requests.post(url, timeout=5)
    assert r.status_code == 200 and "re confirmed" in r.text
    appt = _appt(db, appt_id)
    assert (appt.confirmation, appt.status) == ("confirmed", "confirmed")
    with db.read() as s:
        assert s.scalar(select(AuditEvent.actor).where(*_since_booked(appt_id))) == "patient-link"
        assert s.scalar(select(LinkTokenUse.outcome)) == "confirmed"
    again = requests.post(url, timeout=5)
    assert again.status_code == 409 and "This link was already used" in again.text
    assert "the appointment was confirmed" in again.text
    shown = requests.get(url, timeout=5)
    assert shown.status_code == 409 and "already used" in shown.text and "<form" not in shown.text


@pytest.mark.parametrize(("purpose", "expected"), [(DECLINE, "declined"), (CALLBACK, "callback")])
def test_decline_and_callback_set_the_confirmation(db, clock, gateway, purpose, expected):
    appt_id = _visit(db, clock)
    r = requests.post(_url(gateway, _link(purpose, appt_id, clock)), timeout=5)
    assert r.status_code == 200
    appt = _appt(db, appt_id)
    # Issue 9: a decline releases the slot by default (cancelled "declined by family").
    assert appt.confirmation == expected
    assert appt.status == ("cancelled" if expected == "declined" else "scheduled")
    with db.read() as s:
        action = s.scalar(select(AuditEvent.action).where(*_since_booked(appt_id)))
    assert action == f"{expected}_by_link"


def _speaks(db: Database, appt_id: int, language: str, guardian_language: str | None = None) -> None:
    with db.write() as s:
        appt = s.get(Appointment, appt_id)
        assert appt is not None
        patient = s.get(Patient, appt.patient_id)
        assert patient is not None
        patient.language = language
        if guardian_language is not None:
            patient.guardian_name, patient.guardian_language = "Ana Pérez", guardian_language


def test_confirm_pages_speak_the_family_s_language(db, clock, gateway):
    appt_id = _visit(db, clock)
    _speaks(db, appt_id, "es")
    url = _url(gateway, _link(CONFIRM, appt_id, clock))
    asked = requests.get(url, timeout=5)
    assert asked.status_code == 200 and 'lang="es"' in asked.text
    assert "Confirme su cita" in asked.text and "Sí, confirmar" in asked.text
    assert "la cita de Kid0 el mié, 4 de mar a las 09:00 en Northside" in asked.text  # es_US
    assert "¿Necesita otro horario?" in asked.text and "¿Preguntas? Llame a Test Ortho" in asked.text
    assert "Yes, confirm" not in asked.text and "Questions?" not in asked.text
    done = requests.post(url, timeout=5)
    assert done.status_code == 200 and "Gracias: la cita está confirmada" in done.text
    assert _appt(db, appt_id).confirmation == "confirmed"
    again = requests.post(url, timeout=5)
    assert again.status_code == 409 and "Este enlace ya se usó" in again.text
    assert "la cita quedó confirmada" in again.text


def test_decline_pages_follow_the_guardian_who_reads_the_messages(db, clock, gateway):
    appt_id = _visit(db, clock)
    _speaks(db, appt_id, "en", guardian_language="es")
    url = _url(gateway, _link(DECLINE, appt_id, clock))
    asked = requests.get(url, timeout=5)
    assert asked.status_code == 200 and "¿No puede venir?" in asked.text and "No puedo ir" in asked.text
    done = requests.post(url, timeout=5)
    assert done.status_code == 200 and "Gracias por avisarnos" in done.text and 'lang="es"' in done.text
    assert _appt(db, appt_id).confirmation == "declined"
    _speaks(db, appt_id, "en", guardian_language="en")  # an English family's pages stay English
    english = requests.get(_url(gateway, _link(CONFIRM, appt_id, clock)), timeout=5)
    assert english.status_code == 409 and 'lang="en"' in english.text
    assert "be done online" in english.text and "Questions? Call Test Ortho" in english.text


def test_a_cancelled_visit_is_explained_in_the_family_s_language(db, clock, gateway):
    appt_id = _visit(db, clock)
    _speaks(db, appt_id, "es")
    with db.write() as s:
        appt = s.get(Appointment, appt_id)
        assert appt is not None
        appt.status = "cancelled"
    r = requests.get(_url(gateway, _link(CONFIRM, appt_id, clock)), timeout=5)
    assert r.status_code == 409 and "Esto no se puede hacer en línea" in r.text
    assert "Esta cita se canceló" in r.text


def test_expired_link_is_refused_and_changes_nothing(db, clock, gateway):
    appt_id = _visit(db, clock)
    url = _url(gateway, _link(CONFIRM, appt_id, clock, hours=1))
    clock.advance(timedelta(hours=1))
    for r in (requests.get(url, timeout=5), requests.post(url, timeout=5)):
        assert r.status_code == 410 and "expired" in r.text
    assert _appt(db, appt_id).confirmation == "requested"


def test_tampered_and_wrong_purpose_links_are_refused(db, clock, gateway):
    appt_id = _visit(db, clock)
    good = _url(gateway, _link(CONFIRM, appt_id, clock))
    head, token = good.rsplit("/", 1)
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    r = requests.post(f"{head}/{flipped}", timeout=5)
    assert r.status_code == 400 and "not valid" in r.text
    foreign = make_token(b"another-clinic-secret-0123456", CONFIRM, appt_id, clock.now() + timedelta(hours=2))
    assert requests.post(f"{head}/{foreign}", timeout=5).status_code == 400
    # A decline token posted to the confirm address must not confirm.
    decline_token = _link(DECLINE, appt_id, clock).rsplit("/", 1)[1]
    assert requests.post(f"{gateway.url}/l/confirm/{decline_token}", timeout=5).status_code == 400
    assert _appt(db, appt_id).confirmation == "requested"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(LinkTokenUse)) == 0


def test_cancelled_appointment_is_explained_and_the_link_stays_unused(db, clock, gateway):
    appt_id = _visit(db, clock)
    with db.write() as s:
        appt = s.get(Appointment, appt_id)
        assert appt is not None
        appt.status = "cancelled"
    r = requests.post(_url(gateway, _link(CONFIRM, appt_id, clock)), timeout=5)
    assert r.status_code == 409 and "cancelled" in r.text
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(LinkTokenUse)) == 0


def test_unknown_routes_methods_and_purposes(db, clock, gateway):
    appt_id = _visit(db, clock)
    assert requests.get(gateway.url + "/nope", timeout=5).status_code == 404
    token = make_token(SECRET, "mystery", appt_id, clock.now() + timedelta(hours=1))
    assert requests.post(f"{gateway.url}/l/mystery/{token}", timeout=5).status_code == 404
    r = requests.put(_url(gateway, _link(CONFIRM, appt_id, clock)), timeout=5)
    assert r.status_code == 405 and "POST" in r.headers["Allow"]
    assert requests.get(gateway.url + "/healthz", timeout=5).text == "ok\n"


def test_unsubscribe_opts_the_address_out_and_revokes_consent(db, clock, gateway):
    _visit(db, clock)
    with db.write() as s:
        link = unsubscribe_link_for(
            s, "email", "Parent@Example.com", secret=SECRET, base_url="http://127.0.0.1:8765", now=clock.now()
        )
    url = _url(gateway, link)
    shown = requests.get(url, timeout=5)
    assert shown.status_code == 200 and "p•••@example.com" in shown.text and "parent@" not in shown.text
    with db.read() as s:
        assert not s.scalars(select(ContactState)).one().opted_out
    r = requests.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=5)  # RFC 8058 one-click
    assert r.status_code == 200 and "unsubscribed" in r.text
    with db.read() as s:
        state = s.scalars(select(ContactState)).one()
        assert state.opted_out and state.opt_source == "unsubscribe link"
        patient = s.scalars(select(Patient).where(Patient.contact_email == "parent@example.com")).one()
        assert patient.email_consent is False
    assert requests.post(url, timeout=5).status_code == 200  # idempotent, not an error


def test_provider_ical_feed(db, clock, gateway):
    appt_id = _visit(db, clock)
    provider_id = _appt(db, appt_id).provider_id
    url = _url(
        gateway, ical_feed_link(provider_id, secret=SECRET, base_url="http://127.0.0.1:8765", now=clock.now())
    )
    assert url.endswith(".ics")
    r = requests.get(url, timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in r.text and f"appt-{appt_id}@" in r.text
    assert "Kid0 Smith" not in r.text  # initials only
    assert requests.get(url, timeout=5).status_code == 200  # a feed is read again and again
    wrong = make_token(SECRET, CONFIRM, provider_id, clock.now() + timedelta(days=1))
    assert requests.get(f"{gateway.url}/ical/{wrong}.ics", timeout=5).status_code == 404


def _race(db: Database, clock: FrozenClock) -> None:
    """Ten concurrent accepts of one offer link: exactly one performs, nine see 'already used'."""
    appt_id = _visit(db, clock)
    performed: list[int] = []

    def describe(session, subject_id, now):
        return LinkPrompt("Take this opening?", "Wed, Mar 4 at 9:00 AM", "Book it")

    def perform(session, subject_id, now):
        appt = session.scalar(select(Appointment).where(Appointment.id == subject_id).with_for_update())
        time.sleep(0.05)  # widen the window in which a second click could slip in
        appt.notes = (appt.notes or "") + "booked;"
        performed.append(subject_id)
        return LinkOutcome("Booked", "See you then.", "booked")

    handlers = {**default_handlers(), WAITLIST_ACCEPT: LinkHandler(describe, perform)}
    running = _serve(db, clock, handlers, threads=10)
    try:
        url = _url(running, _link(WAITLIST_ACCEPT, appt_id, clock))
        barrier = threading.Barrier(10)
        results: list[tuple[int, str]] = []
        lock = threading.Lock()

        def click() -> None:
            barrier.wait()
            r = requests.post(url, timeout=30)
            with lock:
                results.append((r.status_code, r.text))

        threads = [threading.Thread(target=click) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        running.stop()
    codes = sorted(code for code, _ in results)
    assert codes == [200] + [409] * 9, codes
    assert all("already used" in text for code, text in results if code == 409)
    assert _appt(db, appt_id).notes == "booked;"
    with db.read() as s:
        assert s.scalar(select(LinkTokenUse.outcome)) == "booked"


def test_ten_concurrent_accepts_one_wins_sqlite(db, clock):
    _race(db, clock)


@pytest.mark.postgres
def test_ten_concurrent_accepts_one_wins_postgres(pg_db, clock):
    _race(pg_db, clock)


def test_a_real_waitlist_offer_text_carries_a_short_link_that_books_once_over_http(db, clock):
    """The offer SMS the waitlist writes holds /o/<token>; tapping it books, once; a replay is refused."""
    from orca_desk.gateway.handlers import installed_handlers
    from orca_desk.models.messaging import OutboxMessage
    from orca_desk.models.openings import WaitlistOffer
    from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
    from orca_desk.services.waitlist.settings import WaitlistSettings
    from orca_desk.services.waitlist.tick import process_waitlist
    from tests.services.test_waitlist import SLOT, WEEK, add_entry, cancel, send_due

    staff = Actor(
        username="maria",
        role="receptionist",
        display_name="Maria",
        permissions=ROLE_PERMISSIONS["receptionist"],
    )
    settings = WaitlistSettings(secret=SECRET, base_url="http://127.0.0.1:8765")
    with db.write() as s:
        w = make_world(s, patients=3)
    now = clock.now()
    add_entry(db, w, 1, now=now)
    cancel(db, staff, book(db, staff, w, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=settings)
    send_due(db, now)
    process_waitlist(db, now=now, settings=settings)
    with db.read() as s:
        offer = s.scalars(select(WaitlistOffer)).one()
        body = s.get(OutboxMessage, offer.outbox_message_id).body
    [link] = re.findall(r"http://127\.0\.0\.1:8765/o/[A-Za-z0-9_-]+", body)
    clock.advance(timedelta(minutes=5))
    running = serve_in_thread(
        make_app(
            db, clock, secret=SECRET, handlers=installed_handlers(), public_base_url="http://127.0.0.1:8765"
        ),
        threads=2,
    )
    try:
        url = _url(running, link)
        shown = requests.get(url, timeout=5)
        assert shown.status_code == 200 and "Book this visit" in shown.text
        r = requests.post(url, timeout=5)
        assert r.status_code == 200 and "booked" in r.text.lower()
        again = requests.post(url, timeout=5)
        assert again.status_code == 409 and "already used" in again.text
    finally:
        running.stop()
    with db.read() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(Appointment)
                .where(Appointment.patient_id == w.patients[1].id, Appointment.status != "cancelled")
            )
            == 1
        )
        use = s.scalars(select(LinkTokenUse)).one()
        assert (use.purpose, use.subject_id, use.outcome) == (WAITLIST_ACCEPT, offer.id, "booked")
