"""Dates and times in families' messages follow the clinic's country as well as the family's
language: a British clinic writes "Tue 10 Mar", a US one "Tue, Mar 10", and a US clinic's Spanish
families read CLDR's es_US ("mar, 10 de mar 3:30 p.m.")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from orca_desk.db import Database
from orca_desk.models.clinic import Clinic
from orca_desk.models.messaging import OutboxMessage
from orca_desk.services.booking import booking
from orca_desk.services.messaging.dispatch import dispatch_due
from orca_desk.services.recovery.steps import process_recovery
from tests.conftest import NOW
from tests.factories import book
from tests.fakes.fake_provider import FakeProviderServer
from tests.services import test_recovery as rec
from tests.services.test_message_languages import offer_sent, speaks, waitlist_family
from tests.services.test_reminders import (
    DESK,
    FAMILY,
    TUE_1530,
    D,
    H,
    at,
    clinic,
    long_names_two_day_reminder,
    providers,
    reply,
    tick,
)


@dataclass(frozen=True)
class Case:
    country: str
    language: str
    tue_10: str  # Tue 10 Mar 2026 at 15:30 in New York, as the reminder writes it
    tue_10_at: str  # the same with the joining word, as the thank-you writes it
    tue_3: str  # Tue 3 Mar 2026 at 15:30, as the waitlist offer writes it
    tue_3_day: str  # Tue 3 Mar alone, as the recovery text writes it
    clinic_phone: str  # the clinic's +16175550100 in the recovery text


GB = Case(
    "GB", "en", "Tue 10 Mar 15:30", "Tue 10 Mar at 15:30", "Tue 3 Mar 15:30", "Tue 3 Mar", "+1 617-555-0100"
)
US = Case(
    "US",
    "en",
    "Tue, Mar 10 3:30 PM",
    "Tue, Mar 10 at 3:30 PM",
    "Tue, Mar 3 3:30 PM",
    "Tue, Mar 3",
    "(617) 555-0100",
)
US_ES = Case(
    "US",
    "es",
    "mar, 10 de mar 3:30 p.m.",
    "mar, 10 de mar a las 3:30 p.m.",
    "mar, 3 de mar 3:30 p.m.",
    "mar, 3 de mar",
    "(617) 555-0100",
)
CASES = pytest.mark.parametrize("case", [GB, US, US_ES], ids=["en_GB", "en_US", "es_US"])


def in_country(db: Database, country: str) -> None:
    """The clinic set up in ``country`` (a British clinic writes 24-hour times unless told)."""
    with db.write() as s:
        for c in s.scalars(select(Clinic)):
            c.country = country


@CASES
def test_the_reminder_and_the_thank_you_follow_the_clinics_country(
    db, fake: FakeProviderServer, shared_clock, case: Case
) -> None:
    c = clinic(db, shared=1)
    in_country(db, case.country)
    speaks(db, c.patients[0].id, case.language)
    provs = providers(fake)
    book(db, DESK, c, patient=0, start=TUE_1530, now=NOW)
    tick(db, provs, at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1)))
    [question] = [m for m in fake.sent_sms if m.to == FAMILY]
    said = "Kid0's visit" if case.language == "en" else "Kid0 el"
    assert f"{said} {case.tue_10} " in question.body, question.body
    now = at(shared_clock, TUE_1530 - D)
    assert reply(db, fake, provs, "YES" if case.language == "en" else "SI", now).handled_by == "confirmation"
    dispatch_due(db, provs, now=now, worker_id="w")
    thanks = fake.sent_sms[-1].body
    assert f"confirm{'ed' if case.language == 'en' else 'ado'}: Kid0 {case.tue_10_at}" in thanks, thanks


@CASES
def test_siblings_merged_reminder_follows_the_clinics_country(
    db, fake: FakeProviderServer, shared_clock, case: Case
) -> None:
    c = clinic(db, shared=2)
    in_country(db, case.country)
    for p in c.patients[:2]:
        speaks(db, p.id, case.language)
    provs = providers(fake)
    book(db, DESK, c, patient=0, start=TUE_1530, now=NOW, chair=0)
    book(db, DESK, c, patient=1, start=TUE_1530, now=NOW, chair=1)
    tick(db, provs, at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1)))
    [merged] = [m for m in fake.sent_sms if m.to == FAMILY]
    assert f"Kid0 {'on' if case.language == 'en' else 'el'} {case.tue_10_at}" in merged.body, merged.body


@CASES
def test_the_waitlist_offer_follows_the_clinics_country(
    db, fake: FakeProviderServer, clock, receptionist, case: Case
) -> None:
    w = waitlist_family(db, case.language)
    in_country(db, case.country)
    offer_sent(db, fake, receptionist, w, clock.now())
    [offer] = fake.sent_sms
    assert f"Kid1, {case.tue_3} " in offer.body, offer.body


@CASES
def test_the_recovery_text_follows_the_clinics_country(
    db, fake: FakeProviderServer, shared_clock, case: Case
) -> None:
    c = rec.clinic(db)
    in_country(db, case.country)
    speaks(db, c.patients[2].id, case.language)
    soon = book(db, DESK, c, patient=2, start=NOW + 5 * H, now=NOW)  # Tue 3 Mar, 13:00 in New York
    with db.write() as s:
        booking.cancel_appointment(s, DESK, soon, reason="sick", now=NOW)
    process_recovery(db, now=NOW)
    with db.read() as s:
        [body] = s.scalars(select(OutboxMessage.body).where(OutboxMessage.channel == "sms")).all()
    assert f" {case.tue_3_day}." in body, body
    # The clinic's number (stored +16175550100) as its families dial it: from Britain, with +1.
    assert f" {case.clinic_phone} " in body, body


def test_a_us_clinics_spanish_two_day_reminder_with_its_link_is_one_gsm7_segment(db) -> None:
    """es_US writes "10 de mar" and "p.m.": the Spanish confirm text, a realistic clinic's name and
    link included, still fits one 160-character text."""
    from orca_desk.services.messaging.render import sms_segments

    body = long_names_two_day_reminder(db, country="US", language="es")
    assert "Isabella el mar, 10 de mar 3:45 p.m. en Northside" in body and "Confirme con SI" in body
    info = sms_segments(body)
    assert (info.encoding, info.segments) == ("GSM-7", 1), f"{info.units} characters: {body}"


@pytest.mark.parametrize(
    ("country", "clock", "day", "time"),
    [
        ("GB", None, "Tue 10 Mar", "15:30"),
        ("US", None, "Tue, Mar 10", "3:30 PM"),
        ("GB", "12h", "Tue 10 Mar", "3:30 pm"),
    ],
)
def test_the_editors_sample_visit_is_written_as_the_clinics_families_will_read_it(
    db, country: str, clock: str | None, day: str, time: str
) -> None:
    from orca_desk.models.clinic_setting import ClinicSetting
    from orca_desk.services import reminders
    from orca_desk.services.recovery.rows import StepInput as RecoveryStep
    from orca_desk.services.recovery.sequences import step_messages

    clinic(db, shared=1)
    in_country(db, country)
    if clock:
        with db.write() as s:
            s.add(ClinicSetting(key="time_format", value=clock, updated_at=NOW))
    step = reminders.StepInput(2 * D, ("sms",), sms_body="{patient_first_name}: {date} {time}, reply YES")
    with db.read() as s:
        clinic_id = s.scalar(select(Clinic.id))
        [preview] = reminders.preview_step(s, clinic_id, step)
        recovery = step_messages(
            s, clinic_id, RecoveryStep(action="sms", delay_minutes=0, template_key="recovery")
        )
    assert preview.text == f"Liam: {day} {time}, reply YES"
    # The recovery texts that name the missed visit's day name it so.
    previews = [check.preview for _, check in recovery if check is not None]
    assert any(f" on {day}." in text for text in previews), previews
