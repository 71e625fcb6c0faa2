"""Ctrl+F patient search with a new-patient dialog that refuses bad input and saves good input."""

from __future__ import annotations

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
