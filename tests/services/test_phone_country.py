"""Phone numbers typed without +code belong to the clinic's country (from setup), not always the US."""

from __future__ import annotations

import pytest

from orca_desk.db import Database
from orca_desk.gateway.pages import ClinicContact
from orca_desk.models.patient import Patient
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.errors import ValidationError
from orca_desk.services.messaging.outbox import enqueue
from orca_desk.services.messaging.outbox_queries import get_message, list_messages
from orca_desk.services.patient_card import edit_of, load_card, update_patient
from orca_desk.services.patients.patients import (
    PatientInput,
    clinic_country,
    create_patient,
    likely_duplicates,
    search_patients,
)
from orca_desk.services.phones import format_phone
from tests.conftest import NOW
from tests.factories import make_world

UK_MOBILE = "07400 123456"  # a London clinic's family types it like this


def uk_clinic(db: Database) -> int:
    with db.write() as s:
        w = make_world(s, patients=1, zone="Europe/London")
        w.clinic.country = "GB"
        return w.clinic.id


def test_a_uk_clinic_reads_a_national_mobile_as_british(db, receptionist) -> None:
    clinic_id = uk_clinic(db)
    with db.write() as s:
        assert clinic_country(s, clinic_id) == "GB"
        data = PatientInput(first_name="Olivia", last_name="Hughes", phone=UK_MOBILE, language="en")
        p = create_patient(s, receptionist, clinic_id, data, now=NOW)
        assert (p.phone, p.contact_phone) == ("+447400123456", "+447400123456")
        # The desk finds her by the number as typed, and warns of the duplicate before a second record.
        assert [r.name for r in search_patients(s, UK_MOBILE)] == ["Olivia Hughes"]
        assert [r.name for r in likely_duplicates(s, PatientInput("Olivia", "Smith", phone=UK_MOBILE))] == [
            "Olivia Hughes"
        ]
        # Shown as dialled there; a US number there is shown with its +1.
        assert format_phone(p.phone, clinic_country(s, clinic_id)) == UK_MOBILE
        assert format_phone("+16175550100", "GB") == "+1 617-555-0100"
        assert format_phone("+447911123456", "GB") == "07911 123456"  # Guernsey shares +44


def test_the_card_saves_a_guardians_national_number_and_language(db, receptionist) -> None:
    clinic_id = uk_clinic(db)
    with db.write() as s:
        p = create_patient(s, receptionist, clinic_id, PatientInput("Noah", "Patel"), now=NOW)
        edit = edit_of(load_card(s, p.id, now=NOW).patient)
        edit.guardian_name, edit.guardian_phone, edit.guardian_language = "Asha Patel", "07911 123456", "es"
        update_patient(s, receptionist, p.id, edit, now=NOW)
        saved = s.get(Patient, p.id)
        assert saved is not None
        assert (saved.guardian_phone, saved.guardian_language) == ("+447911123456", "es")
        assert load_card(s, p.id, now=NOW).patient.guardian_language == "es"
        edit.guardian_language = "español!"
        with pytest.raises(ValidationError) as exc:
            update_patient(s, receptionist, p.id, edit, now=NOW)
        assert exc.value.field == "guardian_language"


def test_a_us_clinic_still_reads_numbers_as_american(db, receptionist) -> None:
    with db.write() as s:
        w = make_world(s, patients=0)
        p = create_patient(
            s, receptionist, w.clinic.id, PatientInput("Ava", "Lee", phone="(617) 555-0142"), now=NOW
        )
        assert p.phone == "+16175550142"
        with pytest.raises(ValidationError):
            # Without +44 a British mobile is no American number.
            create_patient(s, receptionist, w.clinic.id, PatientInput("Ben", "Lee", phone=UK_MOBILE), now=NOW)


def test_the_clinic_phone_in_settings_and_on_the_gateway_pages_follows_the_country(db, manager) -> None:
    uk_clinic(db)
    with db.write() as s:
        settings = clinic_settings.load_settings(s)
        settings = clinic_settings.replace(settings, clinic_phone="020 7946 0018")
        clinic_settings.save_settings(s, manager, settings, now=NOW)
        assert clinic_settings.load_settings(s).clinic_phone == "+442079460018"
    assert ClinicContact("Bright Smiles", "+442079460018", "GB").phone_display == "020 7946 0018"
    assert ClinicContact("Bright Smiles", "+16175550100", "US").phone_display == "(617) 555-0100"
    assert ClinicContact("Bright Smiles", "+16175550100", "GB").phone_display == "+1 617-555-0100"


def test_the_outbox_shows_a_text_s_number_as_the_clinic_dials_it(db) -> None:
    clinic_id = uk_clinic(db)
    with db.write() as s:
        for channel, to in (("sms", "+447400123456"), ("email", "family@example.com")):
            enqueue(
                s,
                clinic_id=clinic_id,
                channel=channel,
                to_address=to,
                body="Hello",
                subject="Hello" if channel == "email" else None,
                purpose="manual",
                dedupe_key=f"test:{channel}",
                now=NOW,
            )
    with db.read() as s:
        rows = {r.channel: r for r in list_messages(s)}
        assert (rows["sms"].to_address, rows["sms"].to_shown) == ("+447400123456", UK_MOBILE)
        assert rows["email"].to_shown == "family@example.com"
        assert get_message(s, rows["sms"].id).to_shown == UK_MOBILE


@pytest.mark.parametrize(
    ("country", "dialled", "stored"),
    [
        ("US", "(201) 555-0123", "+12015550123"),
        ("GB", "0121 234 5678", "+441212345678"),
        ("es", "810 12 34 56", "+34810123456"),
    ],
)
def test_an_empty_phone_field_shows_a_number_of_the_clinics_country(country, dialled, stored):
    from orca_desk.services.patients.patients import normalise_phone
    from orca_desk.services.phones import example_phone

    assert example_phone(country) == dialled and example_phone(country, in_full=True) == stored
    assert normalise_phone(dialled, region=country.upper()) == stored  # the example is one the desk accepts
