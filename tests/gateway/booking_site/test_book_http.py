"""/book over real HTTP: the four steps, bad input, races, expiry, rate limits, the off switch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape

import pytest
import requests
from sqlalchemy import func, select

from orca_desk.gateway.server import RunningGateway
from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services import online_booking as ob
from tests.gateway.booking_site.support import field, serve, slots
from tests.services.online_booking.support import BookingWorld, make_booking_world

DETAILS = {
    "first_name": "Mila",
    "last_name": "Rivera",
    "date_of_birth": "2014-05-02",
    "guardian_name": "Ana Rivera",
    "phone": "6175550142",
    "sms_consent": "yes",
}


@pytest.fixture
def bw(db, manager) -> BookingWorld:
    return make_booking_world(db, manager)


@pytest.fixture
def gw(db, clock, bw) -> Iterator[RunningGateway]:
    running = serve(db, clock)
    yield running
    running.stop()


def _times(gw, bw, **extra) -> requests.Response:
    params = {"location": bw.location_id, "type": bw.type_id, **extra}
    return requests.get(f"{gw.url}/book/times", params=params, timeout=10)


def _hold(gw, bw, slot: str, lang: str = "en") -> requests.Response:
    data = {"location": bw.location_id, "type": bw.type_id, "slot": slot, "lang": lang}
    return requests.post(f"{gw.url}/book/hold", data=data, timeout=10)


def _last_code(db) -> str:
    with db.read() as s:
        body = s.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    assert body
    return body[:6]


def test_a_family_books_in_four_steps(db, gw, bw):
    start = requests.get(f"{gw.url}/book", timeout=10)
    assert start.status_code == 200 and "Harbor Orthodontics" in start.text
    assert 'for="first_name"' not in start.text and "Adjustment" in start.text and "Northside" in start.text
    times = _times(gw, bw)
    assert times.status_code == 200 and "Dr. Chen" in times.text
    held = _hold(gw, bw, slots(times.text)[0])
    assert held.status_code == 200 and "holding" in held.text
    session = field(held.text, "session")
    sent = requests.post(f"{gw.url}/book/details", data={**DETAILS, "session": session}, timeout=10)
    assert sent.status_code == 200 and "0142" in sent.text and "6175550142" not in sent.url
    done = requests.post(
        f"{gw.url}/book/confirm", data={"session": session, "code": _last_code(db)}, timeout=10
    )
    assert done.status_code == 200 and "You're booked" in unescape(done.text) and "Mila" in done.text
    again = requests.post(f"{gw.url}/book/confirm", data={"session": session, "code": "000000"}, timeout=10)
    assert again.status_code == 200 and "You're booked" in unescape(again.text)
    with db.read() as s:
        appt = s.scalars(select(Appointment)).one()  # a second tap books nothing more
        assert appt.notes == ob.BOOKED_ONLINE
    # The form carried the session; the URLs never carried the family's details.
    assert "Mila" not in done.url and "session" not in done.url


def test_a_london_familys_mobile_is_read_as_dialled_in_the_uk(db, gw, bw):
    from orca_desk.models.clinic import Clinic

    with db.write() as s:
        s.scalars(select(Clinic)).one().country = "GB"
    session = field(_hold(gw, bw, slots(_times(gw, bw).text)[0]).text, "session")
    sent = requests.post(
        f"{gw.url}/book/details", data={**DETAILS, "phone": "07911 123456", "session": session}, timeout=10
    )
    assert sent.status_code == 200 and "3456" in sent.text
    with db.read() as s:
        assert s.scalars(select(OutboxMessage.to_address)).one() == "+447911123456"


@pytest.mark.parametrize(("page", "expected"), [(None, "es"), ("en", "en"), ("es", "es")])
def test_a_new_familys_messages_are_in_the_language_they_booked_in(db, gw, bw, page, expected):
    """A Madrid practice: a family who read the page in English gets English texts; one whose
    browser did not say gets the clinic's language."""
    from orca_desk.models.clinic import Clinic

    with db.write() as s:
        s.scalars(select(Clinic)).one().language = "es"
    session = field(_hold(gw, bw, slots(_times(gw, bw).text)[0]).text, "session")
    form = {**DETAILS, "session": session} | ({"lang": page} if page else {})
    assert requests.post(f"{gw.url}/book/details", data=form, timeout=10).status_code == 200
    done = requests.post(
        f"{gw.url}/book/confirm", data={"session": session, "code": _last_code(db)}, timeout=10
    )
    assert done.status_code == 200
    with db.read() as s:
        assert s.scalars(select(Patient.language).where(Patient.first_name == "Mila")).one() == expected


def test_bad_details_name_the_field_and_change_nothing(db, gw, bw):
    session = field(_hold(gw, bw, slots(_times(gw, bw).text)[0]).text, "session")
    bad = requests.post(
        f"{gw.url}/book/details", data={**DETAILS, "date_of_birth": "May 2", "session": session}, timeout=10
    )
    assert bad.status_code == 422 and "Patient's date of birth" in unescape(bad.text)
    assert (
        'id="date_of_birth"' in bad.text and 'aria-invalid="true"' in bad.text and 'value="Mila"' in bad.text
    )
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    wrong = requests.post(f"{gw.url}/book/confirm", data={"session": session + "x", "code": "1"}, timeout=10)
    assert wrong.status_code == 410 and "start again" in wrong.text.lower()


def test_the_second_family_for_a_slot_sees_fresh_openings(gw, bw):
    slot = slots(_times(gw, bw).text)[0]
    assert _hold(gw, bw, slot).status_code == 200
    second = _hold(gw, bw, slot)
    assert second.status_code == 409 and "someone else just took that time" in second.text
    assert slot not in slots(second.text) and slots(second.text)


def test_an_expired_hold_sends_the_family_back_to_the_times(gw, bw, clock):
    session = field(_hold(gw, bw, slots(_times(gw, bw).text)[1]).text, "session")
    clock.advance(timedelta(minutes=6))
    late = requests.post(f"{gw.url}/book/details", data={**DETAILS, "session": session}, timeout=10)
    assert late.status_code == 410 and "5 minutes" in late.text and slots(late.text)


def test_codes_are_rate_limited_per_phone(db, gw, bw):
    answers = []
    for slot in slots(_times(gw, bw).text)[:4]:
        session = field(_hold(gw, bw, slot).text, "session")
        answers.append(
            requests.post(f"{gw.url}/book/details", data={**DETAILS, "session": session}, timeout=10)
        )
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "several codes to this number" in answers[-1].text
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_spanish_by_query_and_by_accept_language(gw, bw):
    assert "Reservar una cita" in requests.get(f"{gw.url}/book?lang=es", timeout=10).text
    page = requests.get(f"{gw.url}/book", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}, timeout=10)
    assert '<html lang="es">' in page.text and "Ver horarios libres" in page.text
    times = _times(gw, bw, lang="es")
    assert re.search(r"(lunes|martes|miércoles|jueves|viernes), \d+ de marzo", times.text)  # CLDR's
    # A US clinic: CLDR's es_US day periods ("3:30 p.m.").
    assert re.search(r"\d+:\d\d [ap]\.m\.", times.text) and not re.search(r"\d [AP]M\b", times.text)
    english = _times(gw, bw).text
    assert re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday), March \d+", english)
    assert re.search(r"\d+:\d\d [AP]M", english)


def test_a_browser_naming_no_language_of_the_pages_gets_the_clinics(db, gw, bw):
    from orca_desk.models.clinic import Clinic

    assert '<html lang="en">' in requests.get(f"{gw.url}/book", timeout=10).text
    with db.write() as s:
        s.scalars(select(Clinic)).one().language = "es"  # a Madrid practice
    for headers in ({}, {"Accept-Language": "de-DE,de;q=0.9"}):
        page = requests.get(f"{gw.url}/book", headers=headers, timeout=10)
        assert '<html lang="es">' in page.text and "Ver horarios libres" in page.text
    asked = requests.get(f"{gw.url}/book", headers={"Accept-Language": "en-GB,en;q=0.9"}, timeout=10)
    assert '<html lang="en">' in asked.text  # the family's browser still wins


def test_the_desk_turns_online_booking_off_at_once(db, gw, bw, manager, clock):
    slot = slots(_times(gw, bw).text)[0]
    with db.write() as s:
        ob.set_paused(s, manager, True, now=clock.now())
    assert "Online booking is closed" in requests.get(f"{gw.url}/book", timeout=10).text
    assert "Online booking is closed" in _hold(gw, bw, slot).text
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Patient)) == 4


def test_a_type_not_on_the_allow_list_is_refused_by_name(gw, bw):
    page = requests.get(
        f"{gw.url}/book/times", params={"location": bw.location_id, "type": bw.other_type_id}, timeout=10
    )
    assert page.status_code == 422 and "Choose one of the visit types shown" in page.text
