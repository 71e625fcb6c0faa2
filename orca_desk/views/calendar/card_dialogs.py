"""Dialogs the appointment card opens: a text to the family, and the printed card's preview."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from orca_desk.ui import language


class TextFamilyDialog(QDialog):
    """Write the one-off text (a suggestion is filled in); Ctrl+Enter sends, Esc does not."""

    def __init__(self, text: str, to: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Text the family"))
        self.body = QPlainTextEdit(text)
        self.body.setTabChangesFocus(True)
        label = QLabel(self.tr("&Message to {0}").format(to or self.tr("the family")))
        label.setBuddy(self.body)
        send = QPushButton(self.tr("&Send"))
        send.setDefault(True)
        send.clicked.connect(self.accept)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.accept)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(send)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        self.resize(480, 240)


class CardPrintDialog(QDialog):
    """The family's card as it will print: print it through Qt or save it as a PDF."""

    def __init__(self, pdf: bytes, patient_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf_bytes = pdf
        self.patient_name = patient_name
        self.setWindowTitle(self.tr("Appointment card for {0}").format(patient_name))
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.preview = QPdfView(self)
        self.preview.setDocument(self.document)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.info = QLabel()
        print_button = QPushButton(self.tr("&Print…"))
        print_button.setDefault(True)
        print_button.clicked.connect(self._on_print_clicked)
        save = QPushButton(self.tr("&Save PDF…"))
        save.clicked.connect(self._on_save_clicked)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(print_button)
        buttons.addWidget(save)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.resize(640, 520)

    def save_pdf(self, path: str | Path) -> None:
        Path(path).write_bytes(self.pdf_bytes)

    def _on_save_clicked(self) -> None:
        suggested = f"appointment-{self.patient_name.replace(' ', '-').lower()}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save PDF"), suggested, self.tr("PDF files (*.pdf)")
        )
        if not path:
            return
        try:
            self.save_pdf(path)
        except OSError as exc:
            self.info.setText(self.tr("Could not write {0}: {1}").format(path, exc.strerror))
            return
        self.info.setText(self.tr("Saved {0}").format(Path(path).name))

    def print_to(self, printer: QPrinter) -> None:
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("The printer could not be started.")
        try:
            target = printer.pageLayout().paintRectPixels(printer.resolution())
            size = self.document.pagePointSize(0)
            # Actual size (a card, not a poster), shrunk only when the paper is smaller.
            scale = min(
                printer.resolution() / 72, target.width() / size.width(), target.height() / size.height()
            )
            dpi = min(300.0, float(printer.resolution()))
            pixels = QSize(int(size.width() * dpi / 72), int(size.height() * dpi / 72))
            image = self.document.render(0, pixels, QPdfDocumentRenderOptions())
            painter.drawImage(QRectF(0, 0, size.width() * scale, size.height() * scale), image)
        finally:
            painter.end()

    def _on_print_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print appointment card"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.print_to(printer)
        except OSError as exc:
            self.info.setText(language.say(str(exc)))
            return
        self.info.setText(self.tr("Sent to {0}").format(printer.printerName() or self.tr("the printer")))
