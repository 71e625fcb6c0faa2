"""On a Spanish desk the words around the data are Spanish too: a user's role, a guardian's
relation, message languages, the print choices, the campaign count, the waitlist's weekdays and
the template preview's subject; the stored values stay English and an English desk is unchanged."""

from __future__ import annotations

import pytest
from babel import Locale

from orca_desk.app import support_viewer
from orca_desk.services.campaigns.audience import AudienceSummary
from orca_desk.ui import language
from orca_desk.views.calendar.print_dialog import PrintDialog
from orca_desk.views.campaigns.wizard import CampaignWizard
from orca_desk.views.waitlist.entry_dialog import EntryDialog
from tests.ui.conftest import TEST_DAY


@pytest.fixture
def spanish(qapp, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    assert language.install(qapp, "es") == "es"
    yield
    language.install(qapp, "en")


def test_a_role_and_a_relation_are_said_in_spanish(spanish):
    assert language.signed_in_name("Dana Brooks (manager)", "manager") == "Dana Brooks (gerente)"
    assert language.signed_in_name("Maria Lopez", "receptionist") == "Maria Lopez"
    viewer = support_viewer()  # who a --screenshot run is signed in as
    assert language.signed_in_name(viewer.display_name, viewer.role) == "Support (solo consulta)"
    assert language.say("Ana Pérez (mother)") == "Ana Pérez (madre)"
    assert language.say("grandparent", "relation") == "abuelo/a"
    assert language.language_name("en") == "Inglés" and language.language_name("es") == "Español"


def test_an_english_desk_keeps_the_stored_words(qapp):
    language.install(qapp, "en")
    assert language.signed_in_name("Dana Brooks (manager)", "manager") == "Dana Brooks (manager)"
    assert language.say("Ana Pérez (mother)") == "Ana Pérez (mother)"
    assert language.language_name("en") == "English"


def test_the_print_dialog_offers_its_choices_in_spanish(spanish, qtbot, ctx, world):
    dialog = PrintDialog(ctx, day=TEST_DAY, location_id=world.location.id)
    qtbot.addWidget(dialog)
    assert [dialog.view_combo.itemText(i) for i in range(2)] == ["Hoja del día", "Semana"]
    assert dialog.paper_combo.itemText(0) == "Carta" and dialog.paper_combo.itemData(0) == "letter"
    assert dialog.orientation_combo.itemText(1) == "Horizontal"


def test_the_waitlist_weekdays_are_the_locale_s(spanish, qtbot, ctx, world):
    dialog = EntryDialog(ctx, None)
    qtbot.addWidget(dialog)
    texts = [box.text() for box in dialog.day_checks]
    # Qt's Spanish short names; never the English ones the services keep.
    assert texts[0].startswith("lun") and texts[6].startswith("dom"), texts
    assert "Mon" not in texts


def test_the_campaign_count_line_is_spanish(spanish, qtbot, ctx, world):
    wizard = CampaignWizard(ctx)
    qtbot.addWidget(wizard)
    page = wizard.audience_page
    assert page._count_text(AudienceSummary(3, 3, 0, 0, 0)) == "3 pacientes"
    assert page._count_text(AudienceSummary(1, 4, 2, 1, 0)) == (
        "1 paciente (4 coinciden; quedan fuera: 2 se dieron de baja, 1 sin consentimiento o dirección)"
    )


def test_the_template_list_names_languages_in_spanish(spanish, qtbot, ctx, world):
    from orca_desk.views.settings.templates_editor import TemplatesEditor

    editor = TemplatesEditor(ctx)
    qtbot.addWidget(editor)
    shown = [editor.model.data(editor.model.index(r, 0)) for r in range(editor.model.rowCount())]
    english = str(Locale.parse("en").get_display_name("es")).capitalize()
    assert any(english in text for text in shown) and not any("English" in text for text in shown)
