"""The family pages write dates in the clinic's country's order: day first for a British clinic,
month first for a US one, CLDR's es_US for a US clinic's Spanish families."""

from __future__ import annotations

import html

import pytest
import requests
from sqlalchemy import select

from orca_desk.db import Database
from orca_desk.models.clinic import Clinic
from orca_desk.services.links.patient_links import CONFIRM, link_for
from tests.gateway.family_world import BASE, SECRET, VISIT, family_world, gateway, on
from tests.gateway.test_gateway import _url


def in_country(db: Database, country: str) -> None:
    with db.write() as s:
        for c in s.scalars(select(Clinic)):
            c.country = country


@pytest.mark.parametrize(
    ("country", "language", "booked", "heading"),
    [
        ("GB", "en", "Booked for Thu 5 Mar at 10:00 am", "Wednesday 4 Mar"),
        ("US", "en", "Booked for Thu, Mar 5 at 10:00 AM", "Wednesday, Mar 4"),
        ("US", "es", "Reservada para el jue, 5 de mar a las 10:00", "miércoles, 4 de mar"),
    ],
    ids=["en_GB", "en_US", "es_US"],
)
def test_the_reschedule_page_writes_dates_in_the_clinics_order(
    db, manager, clock, country, language, booked, heading
):
    f = family_world(db, manager, clock, language=language)
    in_country(db, country)
    with gateway(db, clock) as gw:
        page = requests.get(on(gw, f.link), timeout=10)
    text = html.unescape(page.text)
    assert page.status_code == 200 and booked in text, text
    assert f">{heading}</h2>" in text  # the first day of open times


@pytest.mark.parametrize(
    ("country", "language", "about"),
    [
        ("GB", "en", "Kid0's appointment on Thu 5 Mar at 10:00 am"),
        ("US", "es", "la cita de Kid0 el jue, 5 de mar a las 10:00"),
    ],
    ids=["en_GB", "es_US"],
)
def test_the_confirm_page_writes_the_visit_in_the_clinics_order(db, manager, clock, country, language, about):
    f = family_world(db, manager, clock, language=language)
    in_country(db, country)
    link = link_for(CONFIRM, f.appointment_id, VISIT, secret=SECRET, base_url=BASE)
    with gateway(db, clock) as gw:
        page = requests.get(_url(gw, link), timeout=10)
    assert page.status_code == 200 and about in html.unescape(page.text), page.text
