"""PostgreSQL: bad input is refused by the services with a typed error, never a raw DataError."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select, text

from orca_desk.models.patient import Patient
from orca_desk.models.schedule import ScheduleException
from orca_desk.models.template import AppliedSlot
from orca_desk.services import provider_schedules as ps
from orca_desk.services import schedule_templates
from orca_desk.services.clinic import clinic_settings as cs
from orca_desk.services.errors import ValidationError
from orca_desk.services.patients.patients import PatientInput, create_patient, search_patients
from orca_desk.services.provider_schedules import DayHours, set_week
from orca_desk.services.schedule_templates import SlotSpec
from orca_desk.services.template_engine.chunks import apply_template_in_chunks
from orca_desk.services.template_engine.plans import ApplyParams
from tests.conftest import NOW
from tests.factories import make_world

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(pg_db):
    with pg_db.write() as s:
        return make_world(s, patients=0)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (PatientInput("A" * 81, "Smith"), "first_name"),
        (PatientInput("Ava", "Smith", email="a" * 195 + "@example.com"), "email"),
        (
            PatientInput("Ava", "Smith", phone="6175550143", sms_consent=True, sms_consent_source="f" * 61),
            "sms_consent_source",
        ),
        (PatientInput("Ava\x00", "Smith"), "first_name"),
        (PatientInput("Ava", "Smith", timezone="Mars/Olympus"), "timezone"),
        (PatientInput("Ava", "Smith", home_location_id=999), "home_location_id"),
    ],
)
def test_bad_patients_are_refused_the_same_as_on_sqlite(pg_db, world, receptionist, data, field):
    with pytest.raises(ValidationError) as err, pg_db.write() as s:
        create_patient(s, receptionist, world.clinic.id, data, now=NOW)
    assert err.value.field == field
    with pg_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Patient)) == 0


def test_search_with_wildcards_and_nul_on_postgresql(pg_db, world, receptionist):
    with pg_db.write() as s:
        create_patient(s, receptionist, world.clinic.id, PatientInput("Ava", "Smith"), now=NOW)
    with pg_db.read() as s:
        assert search_patients(s, "%") == [] and search_patients(s, "_") == []
        assert [r.name for r in search_patients(s, "Smi\x00")] == ["Ava Smith"]


def test_a_thirty_year_event_is_refused_and_the_connection_stays_usable(pg_db, world, manager):
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:long@example.com\r\n"
        b"DTSTART:20260310T090000Z\r\nDTEND:20560310T090000Z\r\nSUMMARY:Thirty years\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(ValidationError, match="longer than 366 days"), pg_db.write() as s:
        ps.import_time_off_ics(s, manager, provider_id=world.ortho.id, data=ics, now=NOW)
    with pg_db.read() as s:
        assert s.scalar(select(func.count()).select_from(ScheduleException)) == 0
        assert s.scalar(text("SELECT 1")) == 1


def test_settings_with_a_bad_phone_or_long_name_are_refused(pg_db, world, manager):
    for change, field in (
        ({"clinic_phone": "abc"}, "clinic_phone"),
        ({"clinic_name": "N" * 200}, "clinic_name"),
    ):
        with pg_db.read() as s:
            bad = replace(cs.load_settings(s), **change)
        with pytest.raises(ValidationError) as err, pg_db.write() as s:
            cs.save_settings(s, manager, bad, now=NOW)
        assert err.value.field == field


def test_chunked_template_apply_on_postgresql(pg_db, world, manager):
    with pg_db.write() as s:
        set_week(
            s,
            manager,
            world.ortho.id,
            [DayHours(wd, world.location.id, 480, 1020) for wd in range(5)],
            effective_from=date(2026, 1, 1),
            now=NOW,
        )
        t = schedule_templates.create_template(
            s,
            manager,
            name="Week",
            kind="week",
            now=NOW,
            slots=[SlotSpec(540, 560, world.adjustment.id, weekday=wd) for wd in range(5)],
        )
    params = ApplyParams(
        template_id=t.template.id,
        provider_ids=(world.ortho.id,),
        start_day=date(2026, 3, 4),
        end_day=date(2026, 3, 31),
        weekdays=(0, 1, 2, 3, 4),
    )
    result = apply_template_in_chunks(pg_db.write, manager, params, now=NOW, chunk_days=3)
    assert (result.created, result.days_done) == (20, 20)
    with pg_db.read() as s:
        assert s.scalar(select(func.count()).select_from(AppliedSlot)) == 20


def test_duplicate_check_with_a_nul_byte_on_postgresql(pg_db, world, receptionist):
    from orca_desk.services.patients.patients import likely_duplicates

    with pg_db.write() as s:
        create_patient(
            s, receptionist, world.clinic.id, PatientInput("Ava", "Smith", date(2012, 5, 1)), now=NOW
        )
    with pg_db.read() as s:
        rows = likely_duplicates(s, PatientInput("Av\x00a", "Smi\x00th", date(2012, 5, 1)))
    assert [r.name for r in rows] == ["Ava Smith"]
