"""The import wizard: file → columns matched → dry-run report → import off the UI thread → result."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from orca_desk.app import feature_dialogs
from orca_desk.models.appointment import Appointment
from orca_desk.models.patient import Patient
from orca_desk.services.clinic.clinic import load_clinic
from orca_desk.ui.context import AppContext
from orca_desk.views.importing.mapping_dialog import MappingDialog
from orca_desk.views.importing.wizard import REPORT, RESULT, ImportWizard
from orca_desk.views.settings.settings_screen import SettingsScreen

OD_HEADER = (
    "PatNum,LName,FName,MiddleI,Preferred,PatStatus,Birthdate,HmPhone,WkPhone,WirelessPhone,Email,"
    "Guarantor,TxtMsgOk,Language,ChartNumber,ApptModNote,MedUrgNote,Address,City,State,Zip\n"
)


def _wizard(qtbot, ctx, kind: str = "patients") -> ImportWizard:
    wizard = ImportWizard(ctx, kind)
    qtbot.addWidget(wizard)
    wizard.resize(900, 620)
    wizard.show()
    return wizard


def _wait(qtbot, wizard: ImportWizard, action) -> None:
    with qtbot.waitSignal(wizard.sig_job_finished, timeout=60_000):
        assert action() is not False


def _external_patients(db) -> dict[str, Patient]:
    with db.read() as s:
        imported = s.scalars(select(Patient).where(Patient.external_id.is_not(None)))
        return {p.external_id or "": p for p in imported}


def test_unknown_headers_are_mapped_then_the_dry_run_reports_then_import(qtbot, ctx, db, tmp_path: Path):
    path = tmp_path / "patients.csv"
    path.write_text(
        "Id;Given;Family;Cell\nX1;Ana;Lopez;617-555-0134\nX2;;Reyes;617-555-0135\n"
        "X3;Ben;Okafor;not a phone\nX4;Cleo;Ng;(617) 555-0136\n",
        encoding="cp1252",
    )
    wizard = _wizard(qtbot, ctx)
    wizard.file.setText(str(path))
    shown: list[MappingDialog] = []

    def answer(dialog: MappingDialog) -> bool:
        shown.append(dialog)
        assert "first name" in dialog.problem.text()  # required and not found: OK is disabled
        for field, header in (
            ("external_id", "id"),
            ("first_name", "GIVEN"),
            ("last_name", "Family"),
            ("mobile_phone", "cell"),
        ):
            dialog.choose(field, header)
        assert dialog.problems() == []
        return True

    wizard.map_columns = answer
    _wait(qtbot, wizard, wizard.check)
    assert shown and wizard.pages.currentIndex() == REPORT
    assert wizard.report is not None and wizard.report.created == 2
    assert [r.line for r in wizard.rejections.rows] == [3, 4]  # no first name; a bad phone
    assert "not a phone" in wizard.rejections.rows[1].reason or "phone" in wizard.rejections.rows[1].reason
    assert "2 would be created" in wizard.summary.text()
    assert not _external_patients(db)  # a dry run writes nothing
    assert wizard.next_button.text() == "Import 2 patients" and wizard.next_button.isEnabled()
    statuses: list[str] = []
    wizard.sig_status.connect(statuses.append)
    _wait(qtbot, wizard, wizard.start_import)
    assert wizard.pages.currentIndex() == RESULT
    got = _external_patients(db)
    assert set(got) == {"X1", "X4"} and got["X1"].first_name == "Ana"
    assert statuses and "2 created" in statuses[-1]


def test_open_dental_needs_no_column_matching_and_skips_deleted(qtbot, ctx, db, tmp_path: Path):
    path = tmp_path / "od.csv"
    path.write_text(
        OD_HEADER
        + "11,Smith,Mia,,,Patient,2012-05-01,,,6175550199,,12,1,,C11,,,1 Main St,Boston,MA,"
        + "02110\n"
        + "12,Smith,Pat,,,NonPatient,0001-01-01,6175550198,,,,12,0,,,,,,,,\n"
        + "13,Gone,Old,,,Deleted,2010-01-01,,,,,13,0,,,,,,,,\n",
        encoding="utf-8",
    )
    wizard = _wizard(qtbot, ctx)
    wizard.file.setText(str(path))
    wizard.preset.setCurrentIndex(wizard.preset.findData("open-dental"))
    wizard.map_columns = lambda _d: pytest.fail("an Open Dental export needs no column matching")
    _wait(qtbot, wizard, wizard.check)
    assert wizard.report is not None
    assert (wizard.report.created, wizard.report.skipped, len(wizard.report.rejected)) == (1, 2, 0)
    _wait(qtbot, wizard, wizard.start_import)
    assert set(_external_patients(db)) == {"11"}


def test_twenty_thousand_rows_run_off_the_ui_thread_and_cancel_leaves_nothing(qtbot, ctx, db, tmp_path: Path):
    path = tmp_path / "big.csv"
    lines = ["external_id,first_name,last_name,phone"]
    lines += [f"B{i},Kid{i},Family{i // 3},617555{i % 10000:04d}" for i in range(20_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wizard = _wizard(qtbot, ctx)
    wizard.file.setText(str(path))
    seen: list[int] = []
    wizard.progress.valueChanged.connect(seen.append)
    _wait(qtbot, wizard, wizard.check)
    # Progress reached the window while the rows were checked: its event loop kept running.
    assert len(set(seen)) > 5 and max(seen) == 20_000
    assert wizard.report is not None and wizard.report.created == 20_000
    assert wizard.start_import()
    assert wizard.running and not wizard.back_button.isEnabled()
    with qtbot.waitSignal(wizard.sig_job_finished, timeout=60_000):
        wizard.cancel()
    assert "nothing was imported" in wizard.error.text()
    assert wizard.pages.currentIndex() == REPORT
    with db.read() as s:
        imported = select(func.count()).select_from(Patient).where(Patient.external_id.is_not(None))
        assert s.scalar(imported) == 0


def test_appointments_with_their_own_headers_are_matched_then_booked(qtbot, ctx, db, world, tmp_path: Path):
    with db.write() as s:
        for i, p in enumerate(world.patients):
            s.get(Patient, p.id).external_id = f"P{i}"  # type: ignore[union-attr]
    path = tmp_path / "appts.csv"
    path.write_text(
        "Appt,Patient,When,Length,Kind,Doctor,Office,Op,Colour\n"
        "A1,P0,2026-03-10 15:30,20,adjustment,dr. chen,Northside,Chair 1,blue\n"
        "A2,P9,2026-03-10 16:30,20,adjustment,dr. chen,Northside,Chair 1,red\n",
        encoding="utf-8",
    )
    wizard = _wizard(qtbot, ctx, "appointments")
    assert not wizard.preset.isEnabled()
    wizard.file.setText(str(path))
    wizard.map_columns = lambda _d: False  # the user closes the column dialog
    assert wizard.check() is False and "not matched" in wizard.error.text()

    def answer(dialog: MappingDialog) -> bool:
        assert "patient external id" in dialog.problem.text()
        for field, header in (
            ("external_id", "Appt"),
            ("patient_external_id", "Patient"),
            ("start", "When"),
            ("minutes", "Length"),
            ("type", "Kind"),
            ("provider", "Doctor"),
            ("location", "Office"),
            ("chair", "Op"),
        ):
            dialog.choose(field, header)
        return dialog.problems() == []

    wizard.map_columns = answer
    _wait(qtbot, wizard, wizard.check)
    assert wizard.report is not None and wizard.report.created == 1
    assert [r.line for r in wizard.rejections.rows] == [3]  # P9 is no imported patient
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 0  # the dry run rolled back
    _wait(qtbot, wizard, wizard.start_import)
    with db.read() as s:
        assert s.scalars(select(Appointment.external_id)).all() == ["A1"]


def test_a_missing_file_is_named(qtbot, ctx, tmp_path: Path):
    wizard = _wizard(qtbot, ctx)
    wizard.file.setText(str(tmp_path / "nope.csv"))
    assert wizard.check() is False
    assert "nope.csv" in wizard.error.text()


def test_only_staff_who_may_import_get_the_buttons(qtbot, db, world, clock, receptionist, qapp, tmp_path):
    with db.read() as s:
        clinic = load_clinic(s)
    assert clinic is not None
    ctx = AppContext(db=db, clock=clock, actor=receptionist, clinic=clinic, dialogs=feature_dialogs())
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    ctx.ops.wait()
    assert not screen.import_patients_button.isEnabled()
    path = tmp_path / "p.csv"
    path.write_text("first_name,last_name\nAna,Lopez\n", encoding="utf-8")
    wizard = _wizard(qtbot, ctx)
    wizard.file.setText(str(path))
    _wait(qtbot, wizard, wizard.check)  # the dry run reads only
    assert wizard.pages.currentIndex() == REPORT and not wizard.next_button.isEnabled()
    assert wizard.start_import() is False and "ask a manager" in wizard.error.text()


def test_settings_opens_the_wizard(qtbot, ctx, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(ImportWizard, "exec", lambda self: opened.append(self.what) or 0)
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    ctx.ops.wait()
    screen.import_appointments_button.click()
    screen.import_patients_button.click()
    assert opened == ["appointments", "patients"]
    out = os.environ.get("ORCA_DESK_SHOTS")
    if out:
        screen.grab().save(os.path.join(out, "settings-import.png"))
