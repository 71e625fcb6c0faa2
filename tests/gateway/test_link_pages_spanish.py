"""The link pages of a Spanish-speaking family are Spanish whoever wrote them: a waitlist offer's
"pass" page (a service's handler, said through the phrasebook) and the unsubscribe page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from orca_desk.db import Database
from orca_desk.gateway.app import make_app
from orca_desk.gateway.handlers import installed_handlers
from orca_desk.gateway.server import RunningGateway, serve_in_thread
from orca_desk.models.openings import WaitlistOffer
from orca_desk.models.patient import Patient
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.services.clock import FrozenClock
from orca_desk.services.links.patient_links import WAITLIST_DECLINE, link_for, unsubscribe_link_for
from orca_desk.services.waitlist.settings import WaitlistSettings
from orca_desk.services.waitlist.tick import process_waitlist
from tests.factories import book, make_world
from tests.services.test_waitlist import SLOT, WEEK, add_entry, cancel, send_due

SECRET = b"test-secret-0123456789abcdef"
BASE = "http://127.0.0.1:8765"
STAFF = Actor(
    username="maria", role="receptionist", display_name="Maria", permissions=ROLE_PERMISSIONS["receptionist"]
)


@pytest.fixture
def gateway(db: Database, clock: FrozenClock) -> Iterator[RunningGateway]:
    app = make_app(db, clock, secret=SECRET, handlers=installed_handlers(), public_base_url=BASE)
    running = serve_in_thread(app, threads=2)
    yield running
    running.stop()


def _url(gw: RunningGateway, link: str) -> str:
    return gw.url + link.split("8765", 1)[1]


def _offer(db: Database, clock: FrozenClock, *, language: str, guardian_language: str | None) -> int:
    """An offer sent to patient 1's family, who speak ``language`` (their guardian ``guardian_language``)."""
    with db.write() as s:
        w = make_world(s, patients=3)
        patient = s.get(Patient, w.patients[1].id)
        assert patient is not None
        patient.language = language
        if guardian_language is not None:
            patient.guardian_name, patient.guardian_language = "Ana Pérez", guardian_language
    now = clock.now()
    settings = WaitlistSettings(secret=SECRET, base_url=BASE)
    add_entry(db, w, 1, now=now)
    cancel(db, STAFF, book(db, STAFF, w, start=SLOT, ahead=WEEK), now)
    process_waitlist(db, now=now, settings=settings)
    send_due(db, now)
    process_waitlist(db, now=now, settings=settings)
    with db.read() as s:
        return s.scalars(select(WaitlistOffer)).one().id


def _pass_link(offer_id: int, clock: FrozenClock) -> str:
    return link_for(
        WAITLIST_DECLINE, offer_id, clock.now() + timedelta(hours=6), secret=SECRET, base_url=BASE
    )


def test_a_spanish_guardian_passes_on_an_offer_in_spanish(db, clock, gateway):
    offer_id = _offer(db, clock, language="en", guardian_language="es")
    url = _url(gateway, _pass_link(offer_id, clock))
    asked = requests.get(url, timeout=5)
    assert asked.status_code == 200 and 'lang="es"' in asked.text, asked.text
    assert "¿Deja pasar esta cita?" in asked.text and "Sigue en nuestra lista de espera." in asked.text
    assert " con " in asked.text and " a las " in asked.text  # the date is Spanish too
    assert "Pass on this visit" not in asked.text and " with " not in asked.text
    done = requests.post(url, timeout=5)
    assert done.status_code == 200 and "Gracias por avisarnos." in done.text, done.text
    assert "sigue en nuestra lista de espera" in done.text and "stays on" not in done.text
    again = requests.post(url, timeout=5)
    assert again.status_code == 409 and "Este enlace ya se usó" in again.text


def test_a_closed_offer_is_explained_in_spanish(db, clock, gateway):
    offer_id = _offer(db, clock, language="es", guardian_language=None)
    with db.write() as s:
        offer = s.get(WaitlistOffer, offer_id)
        assert offer is not None
        offer.hold_released = True
    r = requests.get(_url(gateway, _pass_link(offer_id, clock)), timeout=5)
    assert r.status_code == 409 and "Esta oferta ya está cerrada." in r.text and "closed" not in r.text


def test_an_english_family_s_offer_page_is_unchanged(db, clock, gateway):
    offer_id = _offer(db, clock, language="es", guardian_language="en")  # the guardian reads English
    asked = requests.get(_url(gateway, _pass_link(offer_id, clock)), timeout=5)
    assert asked.status_code == 200 and "Pass on this visit?" in asked.text and " with " in asked.text


def test_a_spanish_family_unsubscribes_in_spanish(db, clock, gateway):
    with db.write() as s:
        w = make_world(s, patients=1)
        w.patients[0].contact_email, w.patients[0].email_consent = "padre@example.com", True
        w.patients[0].language = "es"
        link = unsubscribe_link_for(
            s, "email", "padre@example.com", secret=SECRET, base_url=BASE, now=clock.now()
        )
    url = _url(gateway, link)
    shown = requests.get(url, timeout=5)
    assert shown.status_code == 200 and 'lang="es"' in shown.text
    assert "¿Dejar de recibir correos electrónicos en p•••@example.com?" in shown.text
    assert "Unsubscribe" not in shown.text
    done = requests.post(url, timeout=5)
    assert done.status_code == 200 and "Ya no enviaremos correos electrónicos" in done.text
    again = requests.get(url, timeout=5)
    assert "Se dio de baja" in again.text and "Darse de baja de nuevo" in again.text
