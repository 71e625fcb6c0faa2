"""On a desk in Spanish a service's refusal reaches the receptionist in Spanish: the dialog's
error line and the status bar say it through the phrasebook; an English desk is unchanged."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from orca_desk.services.booking import booking
from orca_desk.services.booking.booking import BookingRequest
from orca_desk.ui import language
from orca_desk.views.patients.patient_dialog import NewPatientDialog
from tests.ui.conftest import TEST_DAY

NY = ZoneInfo("America/New_York")
TEN = datetime(TEST_DAY.year, TEST_DAY.month, TEST_DAY.day, 10, tzinfo=NY)


@pytest.fixture
def spanish(qapp, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    assert language.install(qapp, "es") == "es"
    yield
    language.install(qapp, "en")


def _book(ctx, world, patient: int, errors: list[str]) -> bool:
    request = BookingRequest(
        world.patients[patient].id, world.ortho.id, world.chairs[0].id, world.adjustment.id, TEN, 40
    )
    return ctx.ops.write(
        lambda s: booking.book_appointment(s, ctx.actor, request, now=ctx.clock.now()),
        parent=None,
        on_error=errors.append,
    )


def test_a_double_booked_chair_is_refused_in_spanish(spanish, ctx, world):
    errors: list[str] = []
    statuses: list[str] = []
    ctx.ops.sig_status.connect(statuses.append)
    assert _book(ctx, world, 0, errors)
    assert not _book(ctx, world, 1, errors)
    assert len(errors) == 1
    said = errors[0]
    # "Chair 1" is the chair's own name; the words around it and the times are Spanish.
    assert "está ocupado" in said and "a. m." in said and "taken" not in said and "AM" not in said, said
    assert statuses[-1].endswith(said) and not statuses[-1].startswith("Not saved")


def test_an_english_desk_hears_the_service_s_own_words(qapp, ctx, world):
    language.install(qapp, "en")
    errors: list[str] = []
    assert _book(ctx, world, 0, errors)
    assert not _book(ctx, world, 1, errors)
    assert "is taken" in errors[0] and "AM" in errors[0]


def test_the_new_patient_dialog_says_a_bad_phone_in_spanish(spanish, ctx, qtbot):
    dialog = NewPatientDialog(ctx, name_hint="Zara Okafor")
    qtbot.addWidget(dialog)
    dialog.guardian_name.setText("Ngozi Okafor")
    dialog.guardian_phone.setText("555")
    dialog.save()
    assert "no es un número de teléfono" in dialog.error.text(), dialog.error.text()
    assert dialog.patient_id is None
