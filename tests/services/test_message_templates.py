"""Message templates: defaults, validation naming the unknown variable, PHI refusal, segment counting."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orca_desk.models.messaging import MessageTemplate
from orca_desk.services.errors import PermissionDenied, ValidationError
from orca_desk.services.messaging import message_templates as mt
from tests.factories import make_world


@pytest.fixture
def clinic_id(db):
    with db.write() as s:
        return make_world(s).clinic.id


def test_defaults_are_valid_and_listed_until_saved(db, clinic_id):
    with db.read() as s:
        rows = mt.list_templates(s, clinic_id)
    keys = {(r.key, r.channel) for r in rows}
    assert {
        ("reminder.confirm", "sms"),
        ("waitlist.offer", "sms"),
        ("recovery.no_show", "email"),
        ("confirmation.thanks", "sms"),
    } <= keys
    assert not any(r.saved for r in rows)
    for r in rows:
        assert mt.check_template(r.body, r.subject, r.channel).problems == (), r.key


def test_save_refuses_an_unknown_variable_naming_it(db, clinic_id, clock, manager):
    wanted = r"Unknown variable \{frist_name\} — did you mean \{first_name\}"
    with pytest.raises(ValidationError, match=wanted), db.write() as s:
        mt.save_template(
            s,
            manager,
            clinic_id,
            key="reminder.confirm",
            channel="sms",
            name="R",
            subject=None,
            body="Hi {frist_name}",
            now=clock.now(),
        )
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MessageTemplate)) == 0


def test_save_refuses_procedure_names_unless_allowed(db, clinic_id, clock, manager):
    with pytest.raises(ValidationError, match="'bonding'"), db.write() as s:
        mt.save_template(
            s,
            manager,
            clinic_id,
            key="k",
            channel="sms",
            name="K",
            subject=None,
            body="{patient_first_name}'s bonding is on {date}",
            now=clock.now(),
        )


def test_save_stores_and_overrides_the_default(db, clinic_id, clock, manager, receptionist):
    with db.write() as s:
        mt.save_template(
            s,
            manager,
            clinic_id,
            key="reminder.confirm",
            channel="sms",
            name="Confirm",
            subject="ignored for sms",
            body="See you {date} at {time}. {link}",
            now=clock.now(),
        )
    with db.read() as s:
        row = mt.get_template(s, clinic_id, "reminder.confirm", "sms")
    assert row.saved and row.body == "See you {date} at {time}. {link}" and row.subject is None
    with pytest.raises(PermissionDenied), db.write() as s:
        mt.save_template(
            s,
            receptionist,
            clinic_id,
            key="reminder.confirm",
            channel="sms",
            name="x",
            subject=None,
            body="hi",
            now=clock.now(),
        )


def test_email_needs_a_subject(db, clinic_id, clock, manager):
    check = mt.check_template("Hello {first_name}", "", "email")
    assert "An email needs a subject." in check.problems


def test_segments_and_non_gsm_characters_are_reported():
    plain = mt.check_template("Hi {first_name}, see you {date}.", None, "sms")
    assert plain.segments is not None and plain.segments.encoding == "GSM-7"
    assert plain.segments.segments == 1 and plain.preview == "Hi Emma, see you Tue, Mar 10."
    curly = mt.check_template("See you soon \u2019 {first_name} \U0001f600", None, "sms")
    assert curly.segments is not None and curly.segments.encoding == "UCS-2"
    assert curly.non_gsm == (("\u2019", 14), ("\U0001f600", 29))
    long = mt.check_template("x" * 161, None, "sms")
    assert long.segments is not None and long.segments.segments == 2


def test_seed_defaults_is_idempotent(db, clinic_id, clock):
    with db.write() as s:
        added = mt.seed_default_templates(s, clinic_id, now=clock.now())
        assert added == len(mt.default_templates())
        assert mt.seed_default_templates(s, clinic_id, now=clock.now()) == 0


def test_preview_keeps_an_unknown_variable_visible():
    check = mt.check_template("Hi {frist_name}, see you {date}", None, "sms")
    assert check.preview == "Hi {frist_name}, see you Tue, Mar 10" and check.problems


# --- Issue 18 item 6: the texts that carry a link fit one GSM-7 segment --------------------

CLINIC_BASE_URL = "https://go.brightsmiles.com"  # a clinic's gateway behind its own domain
REALISTIC = {
    "clinic_name": "Bright Smiles Orthodontics",
    "first_name": "Jennifer",
    "patient_first_name": "Isabella",
    "date": "Wed, Mar 11",
    "time": "10:45 AM",
    "day": "Wednesday",
    "location": "Northside",
    "hold_minutes": "120",
    "provider": "Dr. Chen",
    "clinic_phone": "(617) 555-0100",
}


@pytest.mark.parametrize(
    ("key", "purpose"), [("reminder.confirm", "confirm"), ("waitlist.offer", "waitlist_accept")]
)
def test_default_offer_and_reminder_texts_fit_one_gsm7_segment(clock, key, purpose):
    from datetime import timedelta

    from orca_desk.services.links.patient_links import link_for
    from orca_desk.services.messaging.render import render, sms_segments

    body = next(t.body for t in mt.default_templates() if (t.key, t.channel) == (key, "sms"))
    link = link_for(
        purpose, 1_250_000, clock.now() + timedelta(days=2), secret=b"k" * 32, base_url=CLINIC_BASE_URL
    )
    text = render(body, {**mt.SAMPLE_VALUES, **REALISTIC, "link": link})
    if key == "waitlist.offer" and sms_segments(text).segments > 1:
        # The rule when an offer is over one segment: its shorter template is sent instead.
        body = next(
            t.body for t in mt.default_templates() if (t.key, t.channel) == ("waitlist.offer_short", "sms")
        )
        text = render(body, {**mt.SAMPLE_VALUES, **REALISTIC, "link": link})
    assert link in text and REALISTIC["clinic_name"] in text
    info = sms_segments(text)
    assert (info.encoding, info.segments) == ("GSM-7", 1), f"{info.units} characters: {text}"


def test_the_editor_sample_link_is_as_long_as_a_real_one_for_the_clinic_address():
    from datetime import UTC, datetime

    from orca_desk.services.links.patient_links import link_for

    real = link_for(
        "confirm",
        250_000,
        datetime(2026, 3, 11, 14, 45, tzinfo=UTC),
        secret=b"k" * 32,
        base_url=CLINIC_BASE_URL,
    )
    check = mt.check_template("{link}", None, "sms", base_url=CLINIC_BASE_URL)
    assert check.preview.startswith(CLINIC_BASE_URL + "/c/") and len(check.preview) == len(real)
    default = mt.check_template("{link}", None, "sms")  # no address given: the default one
    assert default.preview.startswith("http://127.0.0.1:8765/c/")
    assert mt.SAMPLE_VALUES["link"] == default.preview


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"key": "k" * 61}, "key", "at most 60"),
        ({"key": "reminder\x00confirm"}, "key", "control characters"),
        ({"channel": "email", "subject": "S" * 201}, "subject", "at most 200"),
        ({"body": "Hi {first_name}\x00"}, "body", "control characters"),
    ],
)
def test_over_long_keys_and_nul_bytes_are_refused_naming_the_field(
    db, clinic_id, clock, manager, kw, field, words
):
    args = {
        "key": "reminder.confirm",
        "channel": "sms",
        "name": "R",
        "subject": None,
        "body": "Hi {first_name}",
        **kw,
    }
    with pytest.raises(ValidationError, match=words) as err, db.write() as s:
        mt.save_template(s, manager, clinic_id, now=clock.now(), **args)
    assert err.value.field == field
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MessageTemplate)) == 0


def test_the_preview_speaks_in_the_clinics_own_words(db):
    """A London practice's sample text has its name, its first location's address and number (as
    dialled there), and its orthodontist, as its families' texts will; without a clinic, the
    built-in sample."""
    from orca_desk.models.clinic import Clinic, Location, Provider
    from orca_desk.services.clinic.clinic import load_clinic

    with db.read() as s:
        assert mt.read_sample_clinic(s) == mt.BUILT_IN_CLINIC
    assert mt.sample_clinic(None) == mt.BUILT_IN_CLINIC
    with db.write() as s:
        w = make_world(s)
        clinic = s.get(Clinic, w.clinic.id)
        clinic.name, clinic.country, clinic.phone = "Harbour Orthodontics", "GB", "+442079460000"
        place = s.get(Location, w.location.id)
        place.name, place.address, place.phone = "Harbour Street", "12 Harbour St, London", "+442079460123"
        s.get(Provider, w.hygienist.id).name = "Aaron Abbott"  # first by name, but not the orthodontist
        s.get(Provider, w.ortho.id).name = "Dr. Ana Costa"
    with db.read() as s:
        read = mt.read_sample_clinic(s)
        from_shell = mt.sample_clinic(load_clinic(s))
    assert (
        read
        == from_shell
        == mt.SampleClinic(
            "Harbour Orthodontics",
            "020 7946 0123",
            "Harbour Street",
            "12 Harbour St, London",
            "Dr. Ana Costa",
        )
    )
    check = mt.check_template(
        "{clinic_name}: {patient_first_name} sees {provider} on {date} at {time}, {location_address}. "
        "Questions: {clinic_phone}",
        None,
        "sms",
        country="GB",
        clinic=read,
    )
    assert check.preview == (
        "Harbour Orthodontics: Liam sees Dr. Ana Costa on Tue 10 Mar at 15:30, 12 Harbour St, London. "
        "Questions: 020 7946 0123"
    )


def test_a_spanish_practices_reminder_preview_is_its_families_spanish_text(db, clock):
    """The sample family reads the clinic's language: the Spanish template, dates in Spanish."""
    from orca_desk.models.clinic import Clinic
    from orca_desk.services import reminders

    with db.write() as s:
        w = make_world(s)
        clinic = s.get(Clinic, w.clinic.id)
        clinic.language, clinic.country = "es", "ES"
        mt.seed_default_templates(s, w.clinic.id, now=clock.now())
        clinic_id = w.clinic.id
    step = reminders.StepInput(offset_minutes=2 * 1440, channels=("sms",), template_key="reminder.confirm")
    with db.read() as s:
        [preview] = reminders.preview_step(s, clinic_id, step)
    spanish = next(
        t.body
        for t in mt.default_templates()
        if (t.key, t.channel, t.language) == ("reminder.confirm", "sms", "es")
    )
    assert preview.text.startswith("Test Ortho: cita de Liam el ") and "15:30" in preview.text
    assert spanish.startswith("{clinic_name}: cita de {patient_first_name} el {date}")
