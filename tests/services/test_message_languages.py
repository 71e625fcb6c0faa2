"""Families get their messages in their language (or their guardian's), through the real dispatch."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import MessageTemplate
from orca_desk.models.patient import Patient
from orca_desk.models.recovery import RecoverySequence
from orca_desk.models.reminders import ReminderSequence
from orca_desk.services.access.security import Actor
from orca_desk.services.clinic.clinic_defaults import seed_clinic_defaults
from orca_desk.services.messaging import message_templates as mt
from orca_desk.services.messaging.dispatch import dispatch_due
from orca_desk.services.messaging.message_locale import (
    message_date,
    message_language,
    message_time,
    message_when,
    recipient_language,
)
from orca_desk.services.messaging.policy import merge_family_messages
from orca_desk.services.messaging.render import non_gsm_characters
from orca_desk.services.waitlist.replies import WaitlistReplyHandler
from orca_desk.services.waitlist.responses import decline_offer
from orca_desk.services.waitlist.tick import process_waitlist
from tests.conftest import NOW
from tests.factories import World, book, inbound_reply, make_world
from tests.fakes.fake_provider import FakeProviderServer
from tests.services import test_recovery as rec
from tests.services import test_waitlist as wl
from tests.services.test_reminders import (
    DESK,
    FAMILY,
    TUE_1530,
    D,
    H,
    at,
    clinic,
    providers,
    reply,
    tick,
)


def speaks(db: Database, patient_id: int, language: str, guardian_language: str | None = None) -> None:
    with db.write() as s:
        p = s.get(Patient, patient_id)
        assert p is not None
        p.language, p.guardian_language = language, guardian_language


# --- Babel formatting ---------------------------------------------------------------------


def test_dates_and_times_are_written_by_babel_in_english_as_before_and_in_spanish() -> None:
    tue = datetime(2026, 3, 10, 15, 30)
    assert (message_date(tue), message_time(tue)) == ("Tue, Mar 10", "3:30 PM")
    assert message_time(tue, hour_format=24) == "15:30"
    assert message_when(tue) == "Tue, Mar 10 at 3:30 PM"
    assert message_when(tue, "es") == "mar, 10 mar a las 3:30 p. m."
    assert message_when(tue.replace(hour=13, minute=5), "es") == "mar, 10 mar a la 1:05 p. m."
    assert message_when(tue.replace(hour=13, minute=5), "es", hour_format=24) == "mar, 10 mar a las 13:05"
    # US Spanish writes "p.m."; a Saturday stays in the GSM alphabet ("sab", not "sáb").
    assert message_time(tue, "es", country="US") == "3:30 p.m."
    saturday = message_date(datetime(2026, 3, 14), "es")
    assert saturday == "sab, 14 mar" and non_gsm_characters(saturday) == []


def test_an_unshipped_language_falls_back_to_english() -> None:
    assert [message_language(c) for c in ("es", "es-MX", "ES", "fr", "", None)] == [
        "es",
        "es",
        "es",
        "en",
        "en",
        "en",
    ]
    assert message_when(datetime(2026, 3, 10, 15, 30), "fr") == "Tue, Mar 10 at 3:30 PM"


def test_the_guardian_reads_in_their_language() -> None:
    child = Patient(first_name="Ava", last_name="Ruiz", language="en", guardian_name="Rosa Ruiz")
    assert recipient_language(child) == "en"  # no guardian language: the patient's
    child.guardian_language = "es"
    assert recipient_language(child) == "es"
    adult = Patient(first_name="Ana", last_name="Ruiz", language="es", guardian_language="en")
    assert recipient_language(adult) == "es"  # no guardian set: the guardian's language is moot


def test_merged_family_reminder_in_spanish() -> None:
    text = merge_family_messages(
        [
            ("Ava", datetime(2026, 3, 3, 15, 30), "Northside"),
            ("Liam", datetime(2026, 3, 3, 15, 50), "Northside"),
        ],
        language="es",
    )
    assert text == (
        "Recordatorio: Ava el mar, 3 mar a las 3:30 p. m. y Liam el mar, 3 mar a las 3:50 p. m. en "
        "Northside. Responda SI para confirmar ambas, NO para cancelar."
    )


# --- Templates per language ---------------------------------------------------------------


def test_every_packaged_template_ships_in_english_and_spanish() -> None:
    rows = mt.default_templates()
    english = {(t.key, t.channel) for t in rows if t.language == "en"}
    spanish = {(t.key, t.channel) for t in rows if t.language == "es"}
    assert english == spanish and len(english) >= 15
    for t in rows:
        assert not mt.check_template(t.body, t.subject, t.channel, language=t.language).problems
        if t.channel == "sms":
            assert non_gsm_characters(t.body) == [], (t.key, t.language)


def test_the_clinic_edits_each_language_apart_and_rendering_falls_back_to_english(db, manager) -> None:
    c = clinic(db, shared=1)
    with db.write() as s:
        clinic_id = s.get(Patient, c.patients[0].id).clinic_id  # type: ignore[union-attr]
        mt.save_template(
            s,
            manager,
            clinic_id,
            key="reminder.day_of",
            channel="sms",
            language="es",
            name="Recordatorio 2 horas antes",
            subject=None,
            body="{clinic_name}: hoy a las {time}, {patient_first_name}. ¡Lo esperamos!",
            now=NOW,
        )
        assert mt.get_template(s, clinic_id, "reminder.day_of", "sms", "es").body.endswith("¡Lo esperamos!")
        assert mt.get_template(s, clinic_id, "reminder.day_of", "sms", "en").body.startswith(
            "{clinic_name}: see you today"
        )
        # A language without templates gets English; the Spanish rows are listed apart.
        assert mt.get_template(s, clinic_id, "reminder.day_of", "sms", "fr").language == "en"
        assert {r.language for r in mt.list_templates(s, clinic_id, "es")} == {"es"}
        assert mt.seed_default_templates(s, clinic_id, now=NOW) == len(mt.default_templates()) - 1
        assert (
            s.scalar(
                select(MessageTemplate.language).where(
                    MessageTemplate.key == "reminder.day_of", MessageTemplate.body.like("%esperamos%")
                )
            )
            == "es"
        )


# --- Through dispatch ---------------------------------------------------------------------


def test_a_spanish_family_gets_the_reminder_the_thanks_and_keyword_answers_in_spanish(
    db, fake: FakeProviderServer, shared_clock
) -> None:
    c = clinic(db, shared=1)
    speaks(db, c.patients[0].id, "es")
    provs = providers(fake)
    visit = book(db, DESK, c, patient=0, start=TUE_1530, now=NOW)
    tick(db, provs, at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1)))
    [question] = [m for m in fake.sent_sms if m.to == FAMILY]
    # A US clinic: CLDR's es_US ("10 de mar", "p.m.").
    assert "cita de Kid0 el mar, 10 de mar 3:30 p.m." in question.body
    assert "Confirme con SI" in question.body
    now = at(shared_clock, TUE_1530 - D)
    assert reply(db, fake, provs, "SÍ", now).handled_by == "confirmation"
    dispatch_due(db, provs, now=now, worker_id="w")
    assert fake.sent_sms[-1].body == "Gracias, confirmado: Kid0 mar, 10 de mar a las 3:30 p.m. ¡Hasta pronto!"
    assert reply(db, fake, provs, "ayuda", now + H).handled_by == "help"
    dispatch_due(db, provs, now=now + H, worker_id="w")
    assert "mensajes sobre citas" in fake.sent_sms[-1].body
    assert reply(db, fake, provs, "ALTO", now + 2 * H).handled_by == "opt_out"
    dispatch_due(db, provs, now=now + 2 * H, worker_id="w")
    assert "Ya no recibira mas mensajes" in fake.sent_sms[-1].body
    with db.read() as s:
        assert s.get(Appointment, visit).confirmation == "confirmed"  # type: ignore[union-attr]


def test_the_guardians_language_wins_and_an_english_family_is_unchanged(
    db, fake: FakeProviderServer, shared_clock
) -> None:
    c = clinic(db, shared=1)
    speaks(db, c.patients[0].id, "en", guardian_language="es")  # Kid0's guardian reads the texts
    speaks(db, c.patients[2].id, "fr")  # a language with no templates: English
    provs = providers(fake)
    book(db, DESK, c, patient=0, start=TUE_1530, now=NOW, chair=0)
    book(db, DESK, c, patient=2, start=TUE_1530, now=NOW, chair=1)
    tick(db, provs, at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1)))
    bodies = sorted(m.body for m in fake.sent_sms)
    assert len(bodies) == 2
    assert any("Confirme con SI" in b and "Kid0" in b for b in bodies)
    assert any("Kid2's visit Tue, Mar 10 3:30 PM" in b and "Reply YES" in b for b in bodies)


def test_the_long_visit_day_before_text_is_in_each_familys_language(
    db, fake: FakeProviderServer, shared_clock
) -> None:
    """The long-visit sequence's day-before text is a template: a Spanish family reads it in
    Spanish, an English one in English (it was once the step's own English text)."""
    c = clinic(db, shared=1)
    speaks(db, c.patients[0].id, "es")
    provs = providers(fake)
    book(db, DESK, c, patient=0, start=TUE_1530, now=NOW, chair=0, type_=c.bonding, minutes=90)
    book(db, DESK, c, patient=2, start=TUE_1530, now=NOW, chair=1, type_=c.bonding, minutes=90)
    tick(db, provs, at(shared_clock, TUE_1530 - D + timedelta(minutes=1)))
    bodies = {m.to: m.body for m in fake.sent_sms}
    with db.read() as s:
        kid2_phone = s.get(Patient, c.patients[2].id).contact_phone  # type: ignore[union-attr]
    assert "la cita de Kid0 es mañana, mar, 10 de mar a las 3:30 p.m." in bodies[FAMILY]
    assert "calcule unos 90 minutos" in bodies[FAMILY]
    assert "Kid2's longer visit is tomorrow, Tue, Mar 10 at 3:30 PM" in bodies[kid2_phone]


@pytest.mark.parametrize(
    ("language", "reminders", "recovery"),
    [
        ("en", ["Long visits", "Standard reminders"], "Missed visit follow-up"),
        ("es", ["Recordatorios habituales", "Visitas largas"], "Seguimiento de citas perdidas"),
    ],
)
def test_a_new_clinic_names_its_default_sequences_in_its_language(
    db, language: str, reminders: list[str], recovery: str
) -> None:
    with db.write() as s:
        w = make_world(s)
        w.clinic.language = language
        s.flush()
        seed_clinic_defaults(s, w.clinic.id, now=NOW)
        assert sorted(s.scalars(select(ReminderSequence.name))) == reminders
        assert s.scalar(select(RecoverySequence.name)) == recovery


def waitlist_family(db: Database, language: str) -> World:
    """A waitlist world whose patient 1 (Kid1) reads ``language``."""
    with db.write() as s:
        w = wl.make_world(s, patients=12)
    speaks(db, w.patients[1].id, language)
    return w


def offer_sent(db: Database, fake: FakeProviderServer, receptionist: Actor, w: World, now: datetime) -> None:
    """Kid1 waits for a visit; a cancellation opens one, it is offered to Kid1 and the text sent."""
    wl.add_entry(db, w, 1, now=now)
    wl.cancel(db, receptionist, book(db, receptionist, w, start=wl.SLOT, ahead=wl.WEEK), now)
    assert process_waitlist(db, now=now, settings=wl.SETTINGS).offers_made == 1
    dispatch_due(db, providers(fake), now=now, worker_id="w")


def test_a_spanish_waitlist_offer_through_dispatch(db, fake: FakeProviderServer, clock, receptionist) -> None:
    w = waitlist_family(db, "es")
    now = clock.now()
    offer_sent(db, fake, receptionist, w, now)
    [offer] = fake.sent_sms
    assert "para " in offer.body and "mar, 3 de mar 3:30 p.m." in offer.body and "Guardada 2h" in offer.body
    assert "http://gw.test/o/" in offer.body
    # "SÍ" books it; the family is told in Spanish.
    later = now + timedelta(minutes=30)
    with db.write() as s:
        inbound = inbound_reply(
            w.clinic.id, "Sí", received_at=later, from_address=w.patients[1].contact_phone
        )
        s.add(inbound)
        s.flush()
        assert WaitlistReplyHandler(wl.SETTINGS).handle(s, inbound, later)
    dispatch_due(db, providers(fake), now=later, worker_id="w")
    assert fake.sent_sms[-1].body.startswith("Cita reservada: Kid1 el mar, 3 de mar a las 3:30 p.m.")


def test_a_spanish_family_declining_an_offer_is_thanked_in_spanish(
    db, fake: FakeProviderServer, clock, receptionist
) -> None:
    w = waitlist_family(db, "es")
    now = clock.now()
    offer_sent(db, fake, receptionist, w, now)
    [offer] = wl.offers(db)
    with db.write() as s:
        decline_offer(s, offer.id, now=now + timedelta(minutes=5), via="sms")
    dispatch_due(db, providers(fake), now=now + timedelta(minutes=5), worker_id="w")
    assert fake.sent_sms[-1].body == "Gracias por avisarnos. Kid1 sigue en nuestra lista de espera."


def test_a_spanish_family_gets_the_recovery_text_in_spanish(
    db, fake: FakeProviderServer, shared_clock
) -> None:
    c = rec.clinic(db)
    with db.write() as s:
        p = s.get(Patient, c.patients[0].id)
        assert p is not None
        p.guardian_language = "es"
    appt = book(db, rec.DESK, c, patient=0, start=rec.VISIT, now=NOW - 2 * H)
    rec.no_show(db, appt, NOW)
    rec.tick(db, providers(fake), shared_clock, NOW)
    [text] = fake.sent_sms
    assert "hoy no vimos a Kid0" in text.body and "llame al" in text.body


def test_dates_staff_read_stay_in_the_desks_english_through_babel() -> None:
    from orca_desk.services import local_time

    when = datetime(2026, 12, 2, 20, 15, tzinfo=local_time.zone("America/New_York"))
    assert local_time.fmt_date(when, when.tzinfo) == "Wed, Dec 2, 2026"
    assert local_time.fmt_day_time(when, when.tzinfo) == "Wed, Dec 2, 8:15 PM"
    later = when + timedelta(days=40)
    assert local_time.fmt_recent(when, when.tzinfo, now=later) == "Dec 2, 2026, 8:15 PM"


def test_messages_keep_the_clinics_24_hour_clock(db, fake: FakeProviderServer, shared_clock, manager) -> None:
    from orca_desk.services.clinic import clinic_settings

    c = clinic(db, shared=1)
    speaks(db, c.patients[0].id, "es")
    with db.write() as s:
        chosen = clinic_settings.replace(clinic_settings.load_settings(s), time_format="24h")
        clinic_settings.save_settings(s, manager, chosen, now=NOW)
    provs = providers(fake)
    book(db, DESK, c, patient=0, start=TUE_1530, now=NOW, chair=0)
    book(db, DESK, c, patient=2, start=TUE_1530, now=NOW, chair=1)
    tick(db, provs, at(shared_clock, TUE_1530 - 2 * D + timedelta(minutes=1)))
    bodies = sorted(m.body for m in fake.sent_sms)
    assert any("cita de Kid0 el mar, 10 de mar 15:30 en" in b for b in bodies), bodies
    assert any("Kid2's visit Tue, Mar 10 15:30 at" in b for b in bodies), bodies


def test_a_library_campaign_variant_speaks_each_familys_language_unless_edited(
    db, fake: FakeProviderServer, shared_clock
) -> None:
    from tests.services import test_campaigns as camp

    st = camp.setup(db)
    speaks(db, st.ids["retained"], "es")
    with db.read() as s:
        from_library = camp.variant_from_template(s, st.clinic_id, "A", "campaign.we_miss_you")
    edited = camp.VariantInput("B", 1, "campaign.we_miss_you", "{clinic_name}: hello {patient_first_name}!")
    for variant, spanish in ((from_library, True), (edited, False)):
        fake.sent_sms.clear()
        cid = camp.make(
            db, st, variants=(variant,), rate=600, not_seen_days=270, age_max=18, recently_contacted_days=0
        )
        camp.launch(db, cid)
        camp.tick(db, camp.providers(fake), shared_clock, NOW + 30 * camp.M)
        by_phone = {m.to: m.body for m in fake.sent_sms}
        with db.read() as s:
            retained = s.get(Patient, st.ids["retained"])
            retained_teen = s.get(Patient, st.ids["retained_teen"])
            assert retained is not None and retained_teen is not None
        assert ("hace tiempo que no vemos a Retained" in by_phone[retained.contact_phone or ""]) is spanish
        assert "Retained_Teen" in by_phone[retained_teen.contact_phone or ""]
        assert "hace tiempo" not in by_phone[retained_teen.contact_phone or ""]


def test_alto_and_ayuda_are_answered_in_spanish_stop_in_the_familys_language(
    db, fake: FakeProviderServer, shared_clock
) -> None:
    clinic(db, shared=1)  # Kid0's family speaks English
    provs = providers(fake)
    now = at(shared_clock, TUE_1530 - 3 * D)
    stranger = "+16175559999"
    for n, (sender, word, expected) in enumerate(
        (
            (stranger, "AYUDA", "mensajes sobre citas"),
            (stranger, "alto", "Ya no recibira mas mensajes"),
            (FAMILY, "HELP", "appointment messages. For help call us at"),
            (FAMILY, "STOP", "You're unsubscribed"),
        )
    ):
        when = now + n * H
        reply(db, fake, provs, word, when, sender=sender)
        dispatch_due(db, provs, now=when, worker_id="w")
        assert expected in fake.sent_sms[-1].body and fake.sent_sms[-1].to == sender
