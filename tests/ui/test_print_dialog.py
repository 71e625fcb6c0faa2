"""Print dialog: options regenerate the preview, Save PDF writes the file, Ctrl+P opens it."""

from __future__ import annotations

from dataclasses import replace

from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from orca_desk.views.calendar.print_dialog import PrintDialog, install_print_dialog
from tests.conftest import NOW
from tests.factories import desk_book
from tests.ui.conftest import TEST_DAY


def test_options_regenerate_the_preview_and_save_writes_the_pdf(qtbot, ctx, world, tmp_path):
    desk_book(ctx, world, start=NOW)  # 9:00 in New York
    dialog = PrintDialog(ctx, day=TEST_DAY, location_id=world.location.id)
    qtbot.addWidget(dialog)
    assert dialog.document.status() == QPdfDocument.Status.Ready
    assert dialog.document.pageCount() == 1
    assert dialog.privacy_check.isChecked()  # initials by default: the sheet sits on the counter
    assert "1 page · 1 appointment" in dialog.info.text()
    portrait = dialog.document.pagePointSize(0)
    assert portrait.width() < portrait.height()

    dialog.orientation_combo.setCurrentIndex(1)  # landscape
    landscape = dialog.document.pagePointSize(0)
    assert landscape.width() > landscape.height()

    dialog.privacy_check.setChecked(False)
    dialog.paper_combo.setCurrentIndex(dialog.paper_combo.findData("a4"))
    out = tmp_path / "sheet.pdf"
    dialog.save_pdf(out)
    page = PdfReader(out).pages[0]
    assert round(float(page.mediabox.width)) == 842  # A4 landscape
    assert "Kid0 Smith" in page.extract_text()

    dialog.view_combo.setCurrentIndex(dialog.view_combo.findData("week"))
    assert dialog.summary is not None and dialog.summary.first_day.isoformat() == "2026-03-02"


def test_a_clinic_outside_the_letter_countries_starts_on_a4(qtbot, ctx, world, monkeypatch):
    boston = PrintDialog(ctx, day=TEST_DAY, location_id=world.location.id)
    qtbot.addWidget(boston)
    assert boston.paper_combo.currentData() == "letter"
    monkeypatch.setattr(ctx, "clinic", replace(ctx.clinic, country="GB"))  # a London practice
    dialog = PrintDialog(ctx, day=TEST_DAY, location_id=world.location.id)
    qtbot.addWidget(dialog)
    assert dialog.paper_combo.currentData() == "a4"
    assert round(dialog.document.pagePointSize(0).width()) == 595  # the preview is A4 too


def test_options_are_remembered(qtbot, ctx, world):
    first = PrintDialog(ctx, day=TEST_DAY, location_id=world.location.id)
    qtbot.addWidget(first)
    first.by_combo.setCurrentIndex(first.by_combo.findData("provider"))
    first.grayscale_check.setChecked(True)
    second = PrintDialog(ctx, day=TEST_DAY, location_id=world.location.id)
    qtbot.addWidget(second)
    assert second.by_combo.currentData() == "provider" and second.grayscale_check.isChecked()


def test_print_to_a_pdf_printer(qtbot, ctx, world, tmp_path):
    desk_book(ctx, world, start=NOW)  # 9:00 in New York
    dialog = PrintDialog(ctx, day=TEST_DAY, location_id=world.location.id)
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog.configure_printer(printer)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer) == 1
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 1


def test_ctrl_p_opens_the_dialog_for_the_shown_day_and_location(qtbot, main_window):
    install_print_dialog(main_window)
    seen: list[PrintDialog] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PrintDialog)
        seen.append(dialog)
        dialog.reject()

    QTimer.singleShot(0, close_it)
    main_window.act_print.trigger()
    assert seen and seen[0].day == TEST_DAY and seen[0].location_id == main_window.location_id
    assert main_window.act_print.shortcut().toString() == "Ctrl+P"


def test_ctrl_p_in_the_week_view_prints_the_week(qtbot, main_window):
    install_print_dialog(main_window)
    main_window.show_screen("week")
    seen: list[str] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PrintDialog)
        seen.append(str(dialog.view_combo.currentData()))
        dialog.reject()

    QTimer.singleShot(0, close_it)
    main_window.act_print.trigger()
    assert seen == ["week"]
    assert main_window.act_prev.text() == "Previous week" and main_window.date_title.text().startswith("Week")
    main_window.show_screen("calendar")
    assert main_window.act_prev.text() == "Previous day"


def test_a_spanish_desk_prints_in_spanish(qtbot, qapp, ctx, world, monkeypatch):
    from io import BytesIO

    from orca_desk.ui import language

    monkeypatch.delenv(language.ENV, raising=False)
    desk_book(ctx, world, start=NOW)  # 9:00 in New York
    language.install(qapp, "es")
    try:
        dialog = PrintDialog(ctx, day=TEST_DAY, location_id=world.location.id)
        qtbot.addWidget(dialog)
        text = PdfReader(BytesIO(dialog.pdf_bytes)).pages[0].extract_text()
    finally:
        language.install(qapp, "en")
    assert "Hoja del día por sillón" in text and "Página 1 de 1" in text
    assert "Day sheet" not in text and "Printed" not in text
