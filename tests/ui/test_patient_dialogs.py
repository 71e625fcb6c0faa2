"""Ctrl+F patient search with a new-patient dialog that refuses bad input and saves good input."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from orca_desk.views.calendar.patient_search import PatientSearchDialog
from orca_desk.views.patients.patient_dialog import NewPatientDialog


def test_new_patient_refuses_bad_phone_then_saves(ctx, qtbot):
    dialog = NewPatientDialog(ctx, name_hint="Zara Okafor")
    qtbot.addWidget(dialog)
    assert (dialog.first_name.text(), dialog.last_name.text()) == ("Zara", "Okafor")
    dialog.guardian_name.setText("Ngozi Okafor")
    dialog.guardian_phone.setText("555")
    dialog.save()
    assert "not a" in dialog.error.text() and dialog.patient_id is None
    dialog.guardian_phone.setText("617-555-0188")
    dialog.sms_consent.setChecked(True)
    dialog.save()
    assert dialog.patient_id is not None and dialog.result() == dialog.DialogCode.Accepted


def test_search_dialog_creates_and_selects_new_patient(ctx, qtbot):
    search = PatientSearchDialog(ctx)
    qtbot.addWidget(search)
    search.search.setText("Zara Okafor")

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewPatientDialog)
        dialog.guardian_phone.setText("617-555-0188")
        dialog.save()

    QTimer.singleShot(0, fill)
    new_id = search.new_patient()
    assert new_id is not None
    assert search.model.rowCount() == 1 and search.model.row_at(0).id == new_id
    assert "no upcoming visits" in search.visits.text()


@pytest.fixture
def second_location(db, world):
    """A visit for Kid1 at another location, Southside, in another zone, next Thursday."""
    from datetime import UTC, datetime

    from orca_desk.models.appointment import Appointment
    from orca_desk.models.clinic import Chair, Location

    with db.write() as s:
        south = Location(clinic_id=world.clinic.id, name="Southside", timezone="America/Chicago")
        s.add(south)
        s.flush()
        chair = Chair(location_id=south.id, name="South 1")
        s.add(chair)
        s.flush()
        start = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)
        s.add(
            Appointment(
                clinic_id=world.clinic.id,
                patient_id=world.patients[1].id,
                provider_id=world.ortho.id,
                chair_id=chair.id,
                location_id=south.id,
                type_id=world.adjustment.id,
                start_at=start,
                end_at=start.replace(minute=20),
                created_at=start,
                updated_at=start,
            )
        )
        return south.id


def test_go_to_next_visit_switches_to_its_location(second_location, main_window, qtbot):
    from datetime import date

    screen = main_window.show_screen("calendar")
    assert main_window.location_id != second_location

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PatientSearchDialog)
        dialog.search.setText("Kid1")
        qtbot.waitUntil(lambda: dialog.go_button.isEnabled(), timeout=3000)
        dialog.go_button.click()

    QTimer.singleShot(0, choose)
    screen.find_patient()
    assert main_window.day == date(2026, 3, 5)
    assert main_window.location_id == second_location
    assert main_window.location_combo.currentText() == "Southside"


def test_a_new_patient_starts_in_the_clinics_language(ctx, qtbot, monkeypatch):
    english = NewPatientDialog(ctx, name_hint="Tom Hill")
    qtbot.addWidget(english)
    assert english.language.currentData() == "en"
    monkeypatch.setattr(ctx, "clinic", replace(ctx.clinic, language="es"))  # a Madrid practice
    dialog = NewPatientDialog(ctx, name_hint="Lucía Gómez")
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == "es"


def test_last_comma_first_is_read_as_the_family_name_first(ctx, qtbot):
    dialog = NewPatientDialog(ctx, name_hint="Rivera, Mila")
    qtbot.addWidget(dialog)
    assert (dialog.first_name.text(), dialog.last_name.text()) == ("Mila", "Rivera")


def test_a_likely_duplicate_is_shown_before_saving(ctx, world, qtbot):
    from sqlalchemy import func, select

    from orca_desk.models.patient import Patient

    dialog = NewPatientDialog(ctx, name_hint="Kid0 Smith")
    qtbot.addWidget(dialog)
    dialog.guardian_name.setText("Pat Smith")
    dialog.guardian_phone.setText(world.patients[0].contact_phone)
    dialog.save()
    assert "may be a patient you already have: Kid0 Smith" in dialog.error.text()
    assert dialog.patient_id is None
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Patient)) == 4
    dialog.save()  # the receptionist has seen it and creates a new record all the same
    assert dialog.patient_id is not None
