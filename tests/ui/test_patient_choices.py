"""The patient forms' languages, relations and consent sources: shown in the desk's language,
stored as ISO codes and English words whichever language the desk reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from orca_desk.models.patient import ConsentEvent, Patient
from orca_desk.ui import language
from orca_desk.views.patients.patient_card import PatientCardDialog
from orca_desk.views.patients.patient_dialog import NewPatientDialog


@pytest.fixture
def spanish(qapp, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    assert language.install(qapp, "es") == "es"
    yield
    language.install(qapp, "en")


def _items(combo) -> list[tuple[str, str]]:
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def _pick(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, (text, _items(combo))
    combo.setCurrentIndex(index)


def test_a_spanish_card_names_languages_relations_and_stores_codes(spanish, ctx, world, qtbot):
    card = PatientCardDialog(ctx, world.patients[0].id)
    qtbot.addWidget(card)
    items = _items(card.language)
    assert ("Inglés", "en") in items and ("Español", "es") in items and ("Francés", "fr") in items
    assert not any(text in ("en", "es", "fr") for text, _ in items)  # no raw codes shown
    assert card.language.currentText() == "Inglés"
    assert _items(card.guardian_language)[0] == ("", "")
    assert ("madre", "mother") in _items(card.guardian_relation)
    _pick(card.language, "Español")
    _pick(card.guardian_language, "Inglés")
    _pick(card.guardian_relation, "abuelo/a")
    assert card.save()
    with ctx.db.read() as s:
        p = s.get(Patient, world.patients[0].id)
        assert (p.language, p.guardian_language, p.guardian_relation) == ("es", "en", "grandparent")
    reopened = PatientCardDialog(ctx, world.patients[0].id)
    qtbot.addWidget(reopened)
    assert reopened.language.currentText() == "Español"
    assert reopened.guardian_relation.currentText() == "abuelo/a"


def test_a_spanish_consent_source_is_stored_in_english_and_shown_in_spanish(spanish, ctx, world, qtbot):
    card = PatientCardDialog(ctx, world.patients[0].id)
    qtbot.addWidget(card)
    assert ("llamada telefónica", "phone call") in _items(card.consent_source)
    card.consent_source.setCurrentText("llamada telefónica")  # typed, as the desk may
    assert card.toggle_consent("sms")
    with ctx.db.read() as s:
        event = s.scalars(select(ConsentEvent).order_by(ConsentEvent.id.desc())).first()
        assert event is not None and event.source == "phone call"
    assert card.consent_table.item(0, 4).text() == "llamada telefónica"


def test_a_typed_relation_is_kept_as_typed(spanish, ctx, world, qtbot):
    card = PatientCardDialog(ctx, world.patients[0].id)
    qtbot.addWidget(card)
    card.guardian_relation.setCurrentText("tía")
    assert card.save()
    with ctx.db.read() as s:
        assert s.get(Patient, world.patients[0].id).guardian_relation == "tía"


def test_a_spanish_new_patient_dialog_stores_codes_and_english_words(spanish, ctx, qtbot):
    dialog = NewPatientDialog(ctx, name_hint="Lucía Pérez")
    qtbot.addWidget(dialog)
    assert ("Español", "es") in _items(dialog.language)
    assert not any(text in ("en", "es") for text, _ in _items(dialog.language))
    _pick(dialog.language, "Español")
    _pick(dialog.guardian_language, "Español")
    dialog.guardian_name.setText("Marta Pérez")
    dialog.guardian_phone.setText("617-555-0188")
    _pick(dialog.guardian_relation, "madre")
    dialog.sms_consent.setChecked(True)
    _pick(dialog.consent_source, "formulario de admisión")
    dialog.save()
    assert dialog.patient_id is not None, dialog.error.text()
    with ctx.db.read() as s:
        p = s.get(Patient, dialog.patient_id)
        assert (p.language, p.guardian_language) == ("es", "es")
        assert (p.guardian_relation, p.sms_consent_source) == ("mother", "intake form")


def test_an_english_desk_names_languages_in_english_and_keeps_an_unlisted_code(ctx, world, qtbot):
    with ctx.db.write() as s:
        s.get(Patient, world.patients[0].id).language = "de"
    card = PatientCardDialog(ctx, world.patients[0].id)
    qtbot.addWidget(card)
    assert ("English", "en") in _items(card.language) and ("Spanish", "es") in _items(card.language)
    assert card.language.currentText() == "German"
    assert card.save()
    with ctx.db.read() as s:
        assert s.get(Patient, world.patients[0].id).language == "de"
