"""The services' English messages have Spanish in resources/i18n/services_es.po (a new English-only
message fails here), and the phrasebook says a message, its values and a joined list in Spanish."""

from __future__ import annotations

import string

import pytest

from orca_desk.services.phrasebook import Phrasebook, catalog_path, read_catalog, say
from tests.service_messages import service_messages

CATALOG = read_catalog(catalog_path("es"))


def _fields(template: str) -> int:
    return sum(1 for _, field, _, _ in string.Formatter().parse(template) if field is not None)


def test_the_extractor_finds_the_services_messages():
    found = service_messages()
    assert len(found) > 300
    assert "Chair #{} does not exist." in found  # an f-string
    assert "Enter the patient's first name." in found  # a literal
    assert "The database is busy with another desk's change; nothing was changed. Please try again." in found
    assert "That time cannot be offered: {}" in found  # a prefix added to a joined list
    assert "Give the sequence a name." in found  # a problem listed before raising


def test_every_service_message_has_spanish():
    missing = sorted(m for m in service_messages() if m not in CATALOG)
    assert not missing, (
        "messages without Spanish: run `python3 dev.py i18n` and fill them in "
        "resources/i18n/services_es.po:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("msgid", sorted(CATALOG))
def test_each_spanish_template_takes_the_values_of_its_english(msgid):
    values = [f"<{i}>" for i in range(_fields(msgid))]
    said = CATALOG[msgid].format(*values)
    assert all(v in said for v in values), CATALOG[msgid]


def test_a_message_is_said_with_its_values():
    assert say("Chair #12 does not exist.", "es") == "El sillón #12 no existe."
    assert say("Message #4 is sent; only queued or deferred messages can be cancelled.", "es") == (
        "El mensaje #4 está en estado «enviado»; solo se pueden cancelar los mensajes en cola o diferidos."
    )


def test_values_that_are_known_words_are_said_too():
    assert (
        say("A cancelled appointment cannot be moved.", "es")
        == "No se puede mover una cita con estado «cancelada»."
    )
    assert say("Saturdays", "es") == "sábados"  # CLDR's, not a hand-written list
    assert say("2 days", "es") == "2 días" and say("1 day 3 h", "es") == "1 día 3 h"


def test_a_joined_list_is_said_sentence_by_sentence_keeping_unknown_ones():
    joined = "Give the sequence a name. Something new went wrong. A sequence needs at least one step."
    assert say(joined, "es") == (
        "Ponga un nombre a la secuencia. Something new went wrong. Una secuencia necesita al menos un paso."
    )


def test_unknown_messages_and_english_stay_as_they_are():
    assert say("Nobody wrote this one.", "es") == "Nobody wrote this one."
    assert say("Chair #12 does not exist.", "en") == "Chair #12 does not exist."
    assert say("Chair #12 does not exist.", "fr") == "Chair #12 does not exist."


def test_a_translation_may_reorder_the_values():
    book = Phrasebook({"{} is taken by {}.": "{1} ocupa {0}."})
    assert book.say("Chair 1 is taken by Ana.") == "Ana ocupa Chair 1."


def test_the_more_specific_template_wins():
    book = Phrasebook({"{} failed: {}": "{} falló: {}", "Export failed: {}": "La exportación falló: {}"})
    assert book.say("Export failed: disk full") == "La exportación falló: disk full"


def test_a_word_said_in_a_context_takes_that_form():
    assert say("cancelled", "es") == "cancelada"  # an appointment
    assert say("cancelled", "es", "message") == "cancelado"  # a message
    assert say("cancelled", "en", "message") == "cancelled"
    assert say("Nobody wrote this one.", "es", "message") == "Nobody wrote this one."


def test_a_listed_problem_is_said_without_losing_its_joining_mark():
    joined = "providers[0].name: name is required; providers[0].colour: #zz is not an email address"
    assert say(joined, "es") == (
        "providers[0].name: name es obligatorio; "
        "providers[0].colour: #zz no es una dirección de correo electrónico"
    )


def test_recovery_steps_risks_and_history_are_said_in_spanish():
    assert say("Staff call after 5 days", "es") == "Llamada del personal a los 5 días"
    assert say("SMS same day (before 9:00 PM)", "es") == "SMS el mismo día (antes de las 9:00 PM)"
    assert say("2 no-shows in the last 12 months", "es") == "2 ausencias en los últimos 12 meses"
    assert say("Email queued (message #13)", "es") == "Correo electrónico en cola (mensaje #13)"
    assert say("medium", "es", "risk") == "medio"
