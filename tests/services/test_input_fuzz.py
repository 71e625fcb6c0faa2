"""Fuzzing the services that take what staff type or a file holds (issue 18, item 22).

Every call either succeeds or raises one of the typed errors of ``services/errors.py``, and a
refused call writes nothing; on SQLite and on PostgreSQL alike (lengths are checked in the
services, not left to the database). Small budgets: the whole module runs in seconds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from orca_desk.models.audit import AuditEvent
from orca_desk.models.clinic import Clinic
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.models.messaging import MessageTemplate
from orca_desk.models.patient import Patient
from orca_desk.models.schedule import ScheduleBlock, ScheduleException
from orca_desk.models.template import ScheduleTemplate, TemplateSlot, TemplateVersion
from orca_desk.services import provider_schedules as ps
from orca_desk.services import schedule_templates
from orca_desk.services.clinic import clinic_settings as cs
from orca_desk.services.errors import OrcaError
from orca_desk.services.patients.patients import (
    PatientInput,
    create_patient,
    likely_duplicates,
    search_patients,
)
from tests.conftest import NOW
from tests.factories import make_world

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TABLES = (
    AuditEvent,
    Clinic,
    ClinicSetting,
    MessageTemplate,
    Patient,
    ScheduleBlock,
    ScheduleException,
    ScheduleTemplate,
    TemplateSlot,
    TemplateVersion,
)

# Text as typed or pasted: any character (NUL and other controls included), sometimes long,
# sometimes one of the inputs that broke things before.
NASTY = [
    "",
    " ",
    "%",
    "_",
    "\\",
    "\x00",
    "a\x00b",
    "Mars/Olympus",
    "abc",
    "x" * 81,
    "y" * 121,
    "z" * 256,
    "é" * 90,
    "Robert'); DROP TABLE patient;--",
    "line\nbreak",
    "\ud7ff" * 3,
]
text = st.one_of(st.sampled_from(NASTY), st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
optional_text = st.none() | text
dates = st.one_of(st.dates(), st.sampled_from([date(1, 1, 1), date(9999, 12, 31), date(2026, 3, 10)]))
ids = st.one_of(
    st.none(), st.integers(min_value=-3, max_value=5), st.integers(min_value=-(2**40), max_value=2**40)
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    """The same fuzzing on a SQLite file and on PostgreSQL (skipped without a server)."""
    db = request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")
    with db.write() as s:
        make_world(s)
    return db


def _counts(db) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES)


def _refused_or_done(db, call) -> Any:
    """Run ``call(session)`` in a unit of work: typed error and nothing written, or success."""
    before = _counts(db)
    try:
        with db.write() as s:
            return call(s)
    except OrcaError as exc:
        assert str(exc), "a typed error must say what is wrong"
        assert _counts(db) == before, f"{type(exc).__name__}: {exc} but something was written"
        return exc


def _fits_its_columns(row: Any) -> None:
    """What a service accepted fits the columns (SQLite would keep anything) and holds no NUL."""
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, str):
            assert "\x00" not in value, f"{column.key} holds a NUL byte"
            length = getattr(column.type, "length", None)
            assert length is None or len(value) <= length, f"{column.key} is {len(value)} > {length}"


# A valid patient; each example spoils one or two of its fields.
GOOD_PATIENT = {
    "first_name": "Ava",
    "last_name": "Smith",
    "date_of_birth": date(2012, 5, 1),
    "phone": "6175550143",
    "email": "ava@example.com",
    "preferred_channel": "sms",
    "guardian_name": "Mai Smith",
    "guardian_relation": "mother",
    "guardian_email": "mai@example.com",
    "sms_consent": True,
    "sms_consent_source": "form",
    "home_location_id": 1,
    "timezone": "America/New_York",
}
PATIENT_FIELDS = {
    "first_name": text,
    "last_name": text,
    "date_of_birth": st.none() | dates,
    "phone": optional_text,
    "email": optional_text,
    "preferred_channel": st.sampled_from(["sms", "email", "phone", "fax", ""]),
    "guardian_name": optional_text,
    "guardian_relation": optional_text,
    "guardian_email": optional_text,
    "sms_consent": st.booleans(),
    "sms_consent_source": optional_text,
    "home_location_id": ids,
    "timezone": st.one_of(
        st.none(),
        st.sampled_from(["America/Chicago", "Mars/Olympus", "UTC", "../x", "America/New_York\x00"]),
        text,
    ),
}


def _spoiled(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """One or two of ``fields`` with drawn values."""
    return st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=2, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({n: fields[n] for n in names})
    )


@FUZZ
@given(changes=_spoiled(PATIENT_FIELDS))
def test_create_patient(database, manager, changes):
    from zoneinfo import ZoneInfo

    data = PatientInput(**{**GOOD_PATIENT, **changes})
    with database.read() as s:  # what the Ctrl+F dialog asks before saving
        likely_duplicates(s, data)
    result = _refused_or_done(database, lambda s: create_patient(s, manager, 1, data, now=NOW))
    if not isinstance(result, OrcaError):
        _fits_its_columns(result)
        assert result.timezone is None or ZoneInfo(result.timezone)
        assert result.home_location_id in (None, 1)


@FUZZ
@given(query=text)
def test_search_patients(database, query):
    with database.read() as s:
        rows = search_patients(s, query)
    if query.strip() in ("%", "_", "\\"):
        assert rows == []


SETTINGS_FIELDS = {
    "clinic_name": text,
    "clinic_phone": st.one_of(text, st.sampled_from(["617-555-0199", "abc"])),
    "public_base_url": st.one_of(text, st.just("https://links.example.com/" + "p" * 2000)),
    "sendgrid_from": text,
    "email_provider": st.sampled_from(["local", "sendgrid", "other"]),
    "twilio_base_url": text,
    "daily_budget_per_number": st.integers(-5, 200),
    "allow_procedure_names": st.booleans(),
}


@FUZZ
@given(changes=_spoiled(SETTINGS_FIELDS))
def test_save_settings(database, manager, changes):
    result = _refused_or_done(
        database, lambda s: cs.save_settings(s, manager, replace(cs.load_settings(s), **changes), now=NOW)
    )
    if not isinstance(result, OrcaError):
        with database.read() as s:
            clinic = s.scalar(select(Clinic))
            _fits_its_columns(clinic)
            assert clinic.phone.startswith("+")


DT_VALUES = [
    "20260310T090000Z",
    "20260310T090000",
    "20261310T090000",
    "garbage",
    "99991231T235959Z",
    "20560310T090000Z",
    "00010101T000000",
    ";TZID=Mars/Olympus:20260310T090000",
    ";TZID=America/New_York:20260310T090000",
    ";VALUE=DATE:20260310",
    ";VALUE=DATE:99991231",
    ";VALUE=DATE:20261301",
    "",
]
event = st.fixed_dictionaries(
    {
        "DTSTART": st.none() | st.sampled_from(DT_VALUES),
        "DTEND": st.none() | st.sampled_from(DT_VALUES),
        "DURATION": st.none() | st.sampled_from(["PT1H", "P400D", "-PT1H", "garbage", "P99999999D"]),
        "UID": st.none() | text.map(lambda t: t.replace("\r", "").replace("\n", "")),
        "SUMMARY": st.none() | text.map(lambda t: t.replace("\r", "").replace("\n", "")),
        "STATUS": st.none() | st.sampled_from(["CANCELLED", "CONFIRMED"]),
        "RRULE": st.none() | st.sampled_from(["FREQ=WEEKLY;COUNT=3", "FREQ=SECONDLY"]),
    }
)


def _ics(events: list[dict[str, str | None]]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Fuzz//EN"]
    for ev in events:
        lines.append("BEGIN:VEVENT")
        for key, value in ev.items():
            if value is not None:
                lines.append(f"{key}{value}" if value.startswith(";") else f"{key}:{value}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8", errors="surrogatepass")


@FUZZ
@given(
    events=st.lists(event, min_size=1, max_size=3),
    zone=st.none() | st.sampled_from(["America/New_York", "Mars/Olympus"]),
    kind=st.sampled_from(["vacation", "party"]),
)
def test_import_time_off_ics(database, manager, events, zone, kind):
    result = _refused_or_done(
        database,
        lambda s: ps.import_time_off_ics(
            s, manager, provider_id=1, data=_ics(events), now=NOW, timezone=zone, time_off_type=kind
        ),
    )
    if not isinstance(result, OrcaError):
        _time_off_is_sane(database)


def _time_off_is_sane(db) -> None:
    with db.read() as s:
        rows = s.scalars(select(ScheduleException)).all()
    for row in rows:
        _fits_its_columns(row)
        assert (row.end_day - row.start_day).days <= ps.MAX_SPAN_DAYS
        assert ps.EARLIEST_DAY <= row.start_day <= row.end_day <= ps.LATEST_DAY


@FUZZ
@given(
    data=st.binary(max_size=400)
    | st.sampled_from(
        [b"", b"BEGIN:VCALENDAR", b"\x00\xff", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n"]
    )
)
def test_import_time_off_garbage_files(database, manager, data):
    _refused_or_done(
        database, lambda s: ps.import_time_off_ics(s, manager, provider_id=1, data=data, now=NOW)
    )


@FUZZ
@given(
    start=dates,
    end=st.none() | dates,
    name=text,
    minutes=st.none() | st.tuples(st.integers(-10, 1500), st.integers(-10, 1500)),
    holiday=st.booleans(),
    uid=st.none() | text,
)
def test_time_off_and_holidays(database, manager, start, end, name, minutes, holiday, uid):
    lo, hi = minutes if minutes is not None else (None, None)

    def call(s):
        if holiday:
            return ps.add_holiday(
                s, manager, name=name, start_day=start, end_day=end, start_minute=lo, end_minute=hi, now=NOW
            )
        return ps.add_time_off(
            s,
            manager,
            provider_id=1,
            start_day=start,
            end_day=end,
            name=name,
            start_minute=lo,
            end_minute=hi,
            source_uid=uid,
            now=NOW,
        )

    if not isinstance(_refused_or_done(database, call), OrcaError):
        _time_off_is_sane(database)


@FUZZ
@given(name=text, description=text, reason=text, week=text, note=text)
def test_templates(database, manager, name, description, reason, week, note):
    slots = [schedule_templates.SlotSpec(600, 660, None, weekday=0, blocked=True, reason=reason)]

    def call(s):
        detail = schedule_templates.create_template(
            s, manager, name=name, description=description, slots=slots, rotation=("A", week), now=NOW
        )
        schedule_templates.save_template(s, manager, detail.template.id, slots=(), note=note, now=NOW)
        return detail

    if not isinstance(_refused_or_done(database, call), OrcaError):
        with database.read() as s:
            for model in (ScheduleTemplate, TemplateVersion, TemplateSlot):
                for row in s.scalars(select(model)):
                    _fits_its_columns(row)


@FUZZ
@given(
    key=st.one_of(text, st.just("reminder.confirm")),
    name=text,
    subject=optional_text,
    body=st.one_of(text, st.just("Hi {first_name}\r\nSee you {date}.")),
    channel=st.sampled_from(["sms", "email", "fax"]),
)
def test_message_templates(database, manager, key, name, subject, body, channel):
    from orca_desk.services.messaging import message_templates as mt

    result = _refused_or_done(
        database,
        lambda s: mt.save_template(
            s, manager, 1, key=key, channel=channel, name=name, subject=subject, body=body, now=NOW
        ),
    )
    if not isinstance(result, OrcaError):
        with database.read() as s:
            for row in s.scalars(select(MessageTemplate)):
                _fits_its_columns(row)
