"""Pages no family is known for (a link expired, not valid, not ours, its visit gone) speak the
browser's language (Accept-Language), else the clinic's, else English; a known family's own
language still wins over the browser's."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from orca_desk.gateway.booking_site.strings import pick_language as booking_site_language
from orca_desk.gateway.family_words import Asked, accepted_language
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Clinic
from orca_desk.models.patient import Patient
from orca_desk.services.links.link_tokens import make_token
from orca_desk.services.links.patient_links import CONFIRM
from tests.gateway import family_world as fw
from tests.gateway.test_gateway import SECRET, _link, _url, _visit, gateway  # noqa: F401 (a fixture)

ES = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
ENGLISH_WORDS = ("expired", "not valid", "not found", "Page not", "Please", "call us")


def _no_english(text: str) -> None:
    for words in ENGLISH_WORDS:
        assert words not in text, words


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es", "es"),
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-US,en;q=0.9,es;q=0.8", "en"),
        ("fr-FR,es;q=0.5,en;q=0.4", "es"),  # French is not spoken: the next one is
        ("en;q=0.2,es;q=0.7", "es"),  # by weight, not by order
        ("es;q=0", None),  # q=0: not wanted
        ("de,fr", None),
        ("", None),
    ],
)
def test_accept_language_picks_the_most_wanted_language_the_pages_speak(header, expected):
    assert accepted_language(header) == expected
    # The booking site reads the header the same way, English when nothing it speaks is wanted.
    assert booking_site_language(None, header) == (expected or "en")
    assert booking_site_language("es", header) == "es"  # ?lang= first


def test_the_order_is_query_then_family_then_browser_then_clinic_then_english():
    assert Asked("en", "es").language(None, "es") == "en"  # ?lang= first
    assert Asked(None, "es").language("en", "es") == "en"  # a known family's language
    assert Asked(None, "es").language(None, "en") == "es"  # the browser's
    assert Asked(None, "de").language(None, "es") == "es"  # then the clinic's
    assert Asked(None, "").language(None, "fr") == "en"  # English when none is spoken


def test_expired_and_invalid_links_speak_the_browser_s_spanish(db, clock, gateway):  # noqa: F811
    appt_id = _visit(db, clock)
    url = _url(gateway, _link(CONFIRM, appt_id, clock, hours=1))
    head, token = url.rsplit("/", 1)
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    invalid = requests.get(f"{head}/{flipped}", headers=ES, timeout=5)
    clock.advance(timedelta(hours=1))
    expired = requests.get(url, headers=ES, timeout=5)
    assert expired.status_code == 410 and "Este enlace venció" in expired.text
    assert invalid.status_code == 400 and "Este enlace no es válido" in invalid.text
    for r in (expired, invalid):
        assert '<html lang="es"' in r.text
        _no_english(r.text)
    english = requests.get(url, headers={"Accept-Language": "en-US"}, timeout=5)
    assert "This link has expired" in english.text


def test_unknown_pages_and_links_speak_the_browser_s_spanish(db, clock, gateway):  # noqa: F811
    appt_id = _visit(db, clock)
    missing = requests.get(gateway.url + "/nope", headers=ES, timeout=5)
    assert missing.status_code == 404 and "Página no encontrada" in missing.text
    token = make_token(SECRET, "mystery", appt_id, clock.now() + timedelta(hours=1))
    mystery = requests.get(f"{gateway.url}/l/mystery/{token}", headers=ES, timeout=5)
    assert mystery.status_code == 404 and "Enlace no reconocido" in mystery.text
    home = requests.get(gateway.url + "/", headers=ES, timeout=5)
    assert "Enlaces para pacientes" in home.text
    for r in (missing, mystery, home):
        _no_english(r.text)


def test_a_link_whose_visit_is_gone_speaks_the_browser_s_spanish(db, clock, gateway):  # noqa: F811
    appt_id = _visit(db, clock)
    url = _url(gateway, _link(CONFIRM, appt_id, clock))
    with db.write() as s:
        s.delete(s.get(Appointment, appt_id))
    r = requests.get(url, headers=ES, timeout=5)
    assert r.status_code == 404 and "No encontrado" in r.text and '<html lang="es"' in r.text


def test_without_a_browser_language_the_clinic_s_language_is_used(db, clock, gateway):  # noqa: F811
    appt_id = _visit(db, clock)
    url = _url(gateway, _link(CONFIRM, appt_id, clock, hours=1))
    clock.advance(timedelta(hours=1))
    english = requests.get(url, timeout=5)
    assert "This link has expired" in english.text  # an English clinic
    with db.write() as s:
        for clinic in s.query(Clinic):
            clinic.language = "es"
    spanish = requests.get(url, timeout=5)
    assert "Este enlace venció" in spanish.text
    browser = requests.get(url, headers={"Accept-Language": "en"}, timeout=5)
    assert "This link has expired" in browser.text  # the browser's language before the clinic's


def test_a_known_family_s_language_wins_over_the_browser_s(db, clock, gateway):  # noqa: F811
    appt_id = _visit(db, clock)
    with db.write() as s:
        appt = s.get(Appointment, appt_id)
        assert appt is not None
        patient = s.get(Patient, appt.patient_id)
        assert patient is not None
        patient.language = "en"
    r = requests.get(_url(gateway, _link(CONFIRM, appt_id, clock)), headers=ES, timeout=5)
    assert r.status_code == 200 and '<html lang="en"' in r.text


def test_an_expired_reschedule_link_speaks_the_browser_s_spanish(db, manager, clock):
    f = fw.family_world(db, manager, clock)
    with fw.gateway(db, clock) as gw:
        url = fw.on(gw, f.link)
        clock.advance(timedelta(days=3))
        expired = requests.get(url, headers=ES, timeout=10)
        english = requests.get(url, timeout=10)
    assert expired.status_code == 410 and "Este enlace venció" in expired.text
    _no_english(expired.text)
    assert english.status_code == 410 and "This link has expired" in english.text
