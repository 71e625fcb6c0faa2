"""The dialogs one feature opens for another come from the composition root, every one of them."""

from __future__ import annotations

from dataclasses import fields

import pytest

from orca_desk.app import feature_dialogs
from orca_desk.ui.feature_dialogs import FeatureDialogs


def test_the_composition_root_wires_every_feature_dialog():
    unwired = FeatureDialogs()
    wired = feature_dialogs()
    assert [
        f.name for f in fields(FeatureDialogs) if getattr(wired, f.name) is getattr(unwired, f.name)
    ] == []


def test_an_unwired_dialog_says_who_supplies_it():
    with pytest.raises(RuntimeError, match=r"app\.feature_dialogs\(\)"):
        FeatureDialogs().patient_card(None, None, 1)  # type: ignore[arg-type]
