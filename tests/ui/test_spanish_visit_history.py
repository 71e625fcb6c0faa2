"""A visit's history on its card is said in Spanish on a Spanish desk: every action, and the moves,
cancellations and notes that carry a value."""

from __future__ import annotations

import pytest

from orca_desk.services.appointment_card.card import _ACTIONS
from orca_desk.ui import language


@pytest.fixture
def spanish(qapp, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    assert language.install(qapp, "es") == "es"
    yield
    language.install(qapp, "en")


def test_every_action_of_a_visit_s_history_has_its_spanish(spanish):
    untranslated = [label for label in _ACTIONS.values() if language.say(label) == label]
    assert untranslated == []


def test_history_lines_with_a_value_keep_the_value(spanish):
    assert language.say("Moved from mar 3 mar, 3:00 p. m.") == "Movida desde mar 3 mar, 3:00 p. m."
    assert language.say("Cancelled (family moved away)") == "Cancelada (family moved away)"
    assert language.say("Notes changed: “bring the retainer”") == "Notas cambiadas: “bring the retainer”"
    assert language.say("Notes changed (cleared)") == "Notas borradas"
