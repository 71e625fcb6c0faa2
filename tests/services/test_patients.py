"""Patients: validation that names the field, E.164 numbers, guardian contact, consent, search."""

from __future__ import annotations

from datetime import date

import pytest

from orca_desk.services.errors import ValidationError
from orca_desk.services.patients.patients import PatientInput, create_patient, search_patients
from tests.factories import make_world


@pytest.fixture
def clinic_id(db):
    with db.write() as s:
        return make_world(s, patients=0).clinic.id


def test_child_messages_go_to_the_guardian(db, clinic_id, clock, receptionist):
    with db.write() as s:
        p = create_patient(
            s,
            receptionist,
            clinic_id,
            PatientInput(
                "Ava",
                "Nguyen",
                date(2012, 5, 1),
                guardian_name="Mai Nguyen",
                guardian_relation="mother",
                guardian_phone="(617) 555-0143",
                sms_consent=True,
                sms_consent_source="phone call",
            ),
            now=clock.now(),
        )
        assert p.contact_phone == p.guardian_phone == "+16175550143"
        assert p.sms_consent_at == clock.now() and p.sms_consent_source == "phone call"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (PatientInput("", "Smith"), "first_name", "First name is required"),
        (PatientInput("Ava", " "), "last_name", "Last name is required"),
        (PatientInput("Ava", "Smith", phone="12"), "phone", "not a valid phone number|not a phone number"),
        (PatientInput("Ava", "Smith", email="ava@"), "email", "not an email address"),
        (
            PatientInput("Ava", "Smith", phone="6175550143", sms_consent=True),
            "sms_consent_source",
            "how SMS consent was given",
        ),
        (PatientInput("Ava", "Smith", sms_consent=True, sms_consent_source="form"), "phone", "needs a phone"),
        (PatientInput("Ava", "Smith", date(2031, 1, 1)), "date_of_birth", "in the future"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    db, clinic_id, clock, receptionist, data, field, message
):
    with pytest.raises(ValidationError, match=message) as err, db.write() as s:
        create_patient(s, receptionist, clinic_id, data, now=clock.now())
    assert err.value.field == field
    with db.read() as s:
        assert search_patients(s, "Ava") == []


def test_search_by_name_forms_and_phone(db, clinic_id, clock, receptionist):
    with db.write() as s:
        for first, last, phone in (
            ("Ava", "Smith", "6175550101"),
            ("Liam", "Smithers", "6175550102"),
            ("Noah", "Jones", "6175550103"),
        ):
            create_patient(
                s, receptionist, clinic_id, PatientInput(first, last, phone=phone), now=clock.now()
            )
    with db.read() as s:
        assert [r.name for r in search_patients(s, "smith")] == ["Ava Smith", "Liam Smithers"]
        assert [r.name for r in search_patients(s, "Smith, Li")] == ["Liam Smithers"]
        assert [r.name for r in search_patients(s, "ava smi")] == ["Ava Smith"]
        assert [r.name for r in search_patients(s, "555-0103")] == ["Noah Jones"]
        assert search_patients(s, "   ") == []


def test_split_name_reads_last_comma_first():
    from orca_desk.services.patients.patients import split_name

    assert split_name("Rivera, Mila") == ("Mila", "Rivera")
    assert split_name("  Mila   de la Rivera ") == ("Mila", "de la Rivera")
    assert split_name("Mila") == ("Mila", "")


def test_likely_duplicates_same_name_and_birth_or_same_first_name_and_phone(db):
    from datetime import date

    from orca_desk.services.patients.patients import PatientInput, likely_duplicates

    with db.write() as s:
        w = make_world(s, patients=2)
        w.patients[0].date_of_birth = date(2013, 4, 2)
        s.flush()
        same = PatientInput(first_name="kid0", last_name="SMITH", date_of_birth=date(2013, 4, 2))
        assert [r.id for r in likely_duplicates(s, same)] == [w.patients[0].id]
        other_birthday = PatientInput(first_name="Kid0", last_name="Smith", date_of_birth=date(2014, 4, 2))
        assert likely_duplicates(s, other_birthday) == []
        by_phone = PatientInput(first_name="Kid1", last_name="Jones", guardian_phone="617-555-1001")
        assert [r.id for r in likely_duplicates(s, by_phone)] == [w.patients[1].id]
        sibling = PatientInput(first_name="Newkid", last_name="Smith", guardian_phone="617-555-1001")
        assert likely_duplicates(s, sibling) == []


# ----- bad input (issue 18, item 22): lengths, zones, locations, search wildcards -----------------


def _patient_count(db) -> int:
    from sqlalchemy import func, select

    from orca_desk.models.audit import AuditEvent
    from orca_desk.models.patient import Patient

    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Patient)) + s.scalar(
            select(func.count()).select_from(AuditEvent)
        )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (PatientInput("A" * 81, "Smith"), "first_name", "at most 80"),
        (PatientInput("Ava", "S" * 81), "last_name", "at most 80"),
        (PatientInput("Ava", "Smith", email="a" * 190 + "@example.com"), "email", "at most 200"),
        (PatientInput("Ava", "Smith", guardian_name="G" * 121), "guardian_name", "at most 120"),
        (PatientInput("Ava", "Smith", guardian_relation="r" * 41), "guardian_relation", "at most 40"),
        (
            PatientInput("Ava", "Smith", guardian_email="g" * 190 + "@example.com"),
            "guardian_email",
            "at most 200",
        ),
        (
            PatientInput("Ava", "Smith", phone="6175550143", sms_consent=True, sms_consent_source="f" * 61),
            "sms_consent_source",
            "at most 60",
        ),
        (PatientInput("Ava", "Smith", timezone="Mars/Olympus"), "timezone", "Unknown time zone"),
        (PatientInput("Ava", "Smith", timezone="x" * 65), "timezone", "Unknown time zone"),
        (PatientInput("Ava", "Smith", home_location_id=999), "home_location_id", "no location #999"),
        (PatientInput("Ava\x00", "Smith"), "first_name", "cannot contain control characters"),
        (PatientInput("Ava", "Smith", date(1850, 1, 1)), "date_of_birth", "before 1900"),
        (PatientInput("Ava", "Smith", preferred_channel="x" * 500), "preferred_channel", "one of"),
    ],
)
def test_over_long_and_unknown_values_are_refused_naming_the_field(
    db, clinic_id, clock, receptionist, data, field, message
):
    before = _patient_count(db)
    with pytest.raises(ValidationError, match=message) as err, db.write() as s:
        create_patient(s, receptionist, clinic_id, data, now=clock.now())
    assert err.value.field == field
    assert _patient_count(db) == before


def test_a_known_zone_and_location_are_kept(db, clinic_id, clock, receptionist):
    from sqlalchemy import select

    from orca_desk.models.clinic import Location

    with db.write() as s:
        loc = s.scalar(select(Location.id))
        p = create_patient(
            s,
            receptionist,
            clinic_id,
            PatientInput("Ava", "A" * 80, timezone="America/Chicago", home_location_id=loc),
            now=clock.now(),
        )
        assert (p.timezone, p.home_location_id, len(p.last_name)) == ("America/Chicago", loc, 80)


def test_search_treats_wildcards_as_text_and_ignores_nul(db, clinic_id, clock, receptionist):
    with db.write() as s:
        for first, last in (("Ava", "Smith"), ("Liam", "O_Neil"), ("Noah", "100%Jones")):
            create_patient(s, receptionist, clinic_id, PatientInput(first, last), now=clock.now())
    with db.read() as s:
        assert search_patients(s, "%") == []
        assert search_patients(s, "_") == []
        assert [r.name for r in search_patients(s, "O_")] == ["Liam O_Neil"]
        assert [r.name for r in search_patients(s, "100%")] == ["Noah 100%Jones"]
        assert [r.name for r in search_patients(s, "Smi\x00th")] == ["Ava Smith"]  # NUL dropped
        assert search_patients(s, "\\") == []
        assert [r.name for r in search_patients(s, "x" * 5000)] == []


def test_a_new_patient_without_a_language_reads_the_clinics(db, clinic_id, clock, receptionist):
    from orca_desk.models.clinic import Clinic
    from orca_desk.services.patients.patients import PatientInput, create_patient

    with db.write() as s:
        s.get(Clinic, clinic_id).language = "es"  # a Madrid practice
        told = create_patient(
            s, receptionist, clinic_id, PatientInput("Tom", "Hill", language="en"), now=clock.now()
        )
        assert (
            create_patient(
                s, receptionist, clinic_id, PatientInput("Lucía", "Gómez"), now=clock.now()
            ).language
            == "es"
        )
        assert told.language == "en"
