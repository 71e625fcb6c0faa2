"""Print dialog: sheet options, a live preview of the PDF pages, print through Qt or save the PDF."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSettings, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.printing import PrintSummary, default_paper, render_calendar_pdf
from orca_desk.ui import language
from orca_desk.ui.accessibility import describe
from orca_desk.ui.context import AppContext
from orca_desk.ui.dates import LONG, fmt_day
from orca_desk.ui.main_window import MainWindow

KEY_OPTIONS = "printDialog/options"


class PrintDialog(QDialog):
    """Choose what to print, see the pages, then print them or save them as a PDF."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        day: date,
        location_id: int,
        view: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.day = day
        self.location_id = location_id
        self.pdf_bytes = b""
        self.summary: PrintSummary | None = None
        self.setWindowTitle(self.tr("Print calendar"))
        self.resize(1000, 760)

        self.view_combo = self._combo([(self.tr("Day sheet"), "day"), (self.tr("Week"), "week")])
        self.by_combo = self._combo([(self.tr("Chairs"), "chair"), (self.tr("Providers"), "provider")])
        self.paper_combo = self._combo([(self.tr("Letter"), "letter"), ("A4", "a4")])
        # The clinic's usual paper until this desk chooses another (A4 in London, letter in Boston).
        self.paper_combo.setCurrentIndex(self.paper_combo.findData(default_paper(ctx.clinic.country)))
        self.orientation_combo = self._combo([(self.tr("Portrait"), False), (self.tr("Landscape"), True)])
        self.grayscale_check = QCheckBox(self.tr("Grayscale"))
        self.privacy_check = QCheckBox(self.tr("Initials only"))
        self.privacy_check.setToolTip(self.tr("Print patients' initials instead of their names"))
        self.privacy_check.setChecked(True)  # the sheet sits on the counter
        self._restore()
        if view is not None:  # opened from the week view: the week, whatever was printed last
            self.view_combo.setCurrentIndex(max(0, self.view_combo.findData(view)))

        form = QFormLayout()
        form.addRow(self.tr("Print"), self.view_combo)
        form.addRow(self.tr("Columns"), self.by_combo)
        form.addRow(self.tr("Paper"), self.paper_combo)
        form.addRow(self.tr("Orientation"), self.orientation_combo)
        form.addRow("", self.grayscale_check)
        form.addRow("", self.privacy_check)
        loc = ctx.clinic.location(location_id)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setObjectName("printInfo")
        heading = QLabel(self.tr("<b>{name}</b><br>{day}").format(name=loc.name, day=fmt_day(day, LONG)))
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self._on_print_clicked)
        self.save_button = QPushButton(self.tr("Save PDF…"))
        self.save_button.clicked.connect(self._on_save_clicked)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        self._describe(close)
        side = QVBoxLayout()
        side.addWidget(heading)
        side.addLayout(form)
        side.addWidget(self.info)
        side.addStretch(1)
        side.addWidget(self.print_button)
        side.addWidget(self.save_button)
        side.addWidget(close)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(240)

        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.preview = QPdfView(self)
        self.preview.setDocument(self.document)
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.preview.setPageSpacing(12)
        row = QHBoxLayout(self)
        row.addWidget(side_widget)
        row.addWidget(self.preview, 1)

        for combo in (self.view_combo, self.by_combo, self.paper_combo, self.orientation_combo):
            combo.currentIndexChanged.connect(self._on_option_changed)
        self.grayscale_check.toggled.connect(self._on_option_changed)
        self.privacy_check.toggled.connect(self._on_option_changed)
        self.regenerate()

    def _describe(self, close: QPushButton) -> None:
        describe(
            (
                (self.view_combo, self.tr("Print one day's sheet or the whole week")),
                (self.by_combo, self.tr("Whether the page has a column per chair or per provider")),
                (self.paper_combo, self.tr("The paper size to print on")),
                (self.orientation_combo, self.tr("Print the page upright or sideways")),
                (self.grayscale_check, self.tr("On: print in shades of gray, for a black-and-white printer")),
                (self.print_button, self.tr("Send the pages shown to a printer")),
                (self.save_button, self.tr("Save the pages shown as a PDF file")),
                (close, self.tr("Close without printing")),
            )
        )

    def _combo(self, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        for label, value in items:
            combo.addItem(label, value)
        return combo

    # ----- options -----------------------------------------------------------------------
    def options(self) -> dict[str, object]:
        return {
            "view": self.view_combo.currentData(),
            "by": self.by_combo.currentData(),
            "paper": self.paper_combo.currentData(),
            "landscape": bool(self.orientation_combo.currentData()),
            "grayscale": self.grayscale_check.isChecked(),
            "privacy": self.privacy_check.isChecked(),
        }

    def _restore(self) -> None:
        saved = QSettings().value(KEY_OPTIONS)
        if not isinstance(saved, dict):
            return
        for combo, key in ((self.view_combo, "view"), (self.by_combo, "by"), (self.paper_combo, "paper")):
            index = combo.findData(saved.get(key))
            if index >= 0:
                combo.setCurrentIndex(index)
        self.orientation_combo.setCurrentIndex(1 if str(saved.get("landscape")) in ("true", "True") else 0)
        self.grayscale_check.setChecked(str(saved.get("grayscale")) in ("true", "True"))
        self.privacy_check.setChecked(str(saved.get("privacy", "true")) in ("true", "True"))

    def _on_option_changed(self, *_: object) -> None:
        QSettings().setValue(KEY_OPTIONS, {k: str(v) for k, v in self.options().items()})
        self.regenerate()

    # ----- preview -----------------------------------------------------------------------
    def regenerate(self) -> None:
        """Render the sheet with the current options and show its pages (well under a second)."""
        o = self.options()
        buffer = io.BytesIO()
        now = self.ctx.clock.now()

        def refused(message: str) -> None:
            self.info.setText(self.tr("Cannot print: {message}").format(message=message))
            self.print_button.setEnabled(False)
            self.save_button.setEnabled(False)

        summaries: list[PrintSummary] = []
        self.ctx.ops.read(
            lambda session: render_calendar_pdf(
                session,
                view=str(o["view"]),
                day=self.day,
                location_id=self.location_id,
                by=str(o["by"]),
                paper=str(o["paper"]),
                landscape=bool(o["landscape"]),
                grayscale=bool(o["grayscale"]),
                privacy=bool(o["privacy"]),
                now=now,
                out=buffer,
                language=language.current(),
            ),
            parent=self,
            on_done=summaries.append,
            on_error=refused,
            title=self.tr("Cannot print"),
            background=False,
        )
        if not summaries:
            return
        self.summary = summaries[0]
        self.pdf_bytes = buffer.getvalue()
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(self.pdf_bytes))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        s = self.summary
        pages = self.tr("%n page(s)", "", s.pages)
        self.info.setText(
            self.tr("{pages} · {appointments}").format(
                pages=pages, appointments=self.tr("%n appointment(s)", "", s.appointments)
            )
        )
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    # ----- output ------------------------------------------------------------------------
    def save_pdf(self, path: str | Path) -> None:
        Path(path).write_bytes(self.pdf_bytes)

    def _on_save_clicked(self) -> None:
        suggested = f"calendar-{self.day.isoformat()}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save PDF"), suggested, "PDF files (*.pdf)")
        if not path:
            return
        try:
            self.save_pdf(path)
        except OSError as exc:
            QMessageBox.warning(
                self,
                self.tr("Not saved"),
                self.tr("Could not write {path}: {strerror}").format(path=path, strerror=exc.strerror),
            )
            return
        self.info.setText(self.tr("Saved {name}").format(name=Path(path).name))

    def configure_printer(self, printer: QPrinter) -> None:
        """Paper and orientation of the printer as chosen here (the print dialog may change them)."""
        o = self.options()
        size = QPageSize.PageSizeId.A4 if o["paper"] == "a4" else QPageSize.PageSizeId.Letter
        orientation = (
            QPageLayout.Orientation.Landscape if o["landscape"] else QPageLayout.Orientation.Portrait
        )
        printer.setPageLayout(QPageLayout(QPageSize(size), orientation, QMarginsF(0, 0, 0, 0)))
        printer.setFullPage(True)
        if o["grayscale"]:
            printer.setColorMode(QPrinter.ColorMode.GrayScale)

    def print_to(self, printer: QPrinter) -> int:
        """Draw every page of the generated PDF into the printer; returns the pages printed."""
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("The printer could not be started.")
        try:
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            options = QPdfDocumentRenderOptions()
            count = self.document.pageCount()
            for page in range(count):
                if page:
                    printer.newPage()
                size = self.document.pagePointSize(page)
                scale = min(target.width() / size.width(), target.height() / size.height())
                # Rendered at no more than 300 dpi (a 1200 dpi Letter page would be 0.5 GB),
                # then drawn scaled into the printable page.
                dpi = min(300.0, float(printer.resolution()))
                pixels = QSize(int(size.width() * dpi / 72), int(size.height() * dpi / 72))
                image = self.document.render(page, pixels, options)
                painter.drawImage(
                    QRectF(target.left(), target.top(), size.width() * scale, size.height() * scale), image
                )
        finally:
            painter.end()
        return count

    def _on_print_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.configure_printer(printer)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print calendar"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            pages = self.print_to(printer)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Not printed"), language.say(str(exc)))
            return
        where = printer.printerName() or self.tr("the printer")
        self.info.setText(self.tr("Sent %n page(s) to {where}", "", pages).format(where=where))

    def sizeHint(self) -> QSize:
        return QSize(1000, 760)


def install_print_dialog(window: MainWindow) -> None:
    """Make the main window's Print action (Ctrl+P) open this dialog for its day and location."""

    def open_dialog(day: date, location_id: int) -> int:
        week = getattr(window.current_screen(), "nav_step_days", 1) == 7
        return PrintDialog(
            window.ctx, day=day, location_id=location_id, view="week" if week else None, parent=window
        ).exec()

    window.print_handler = open_dialog
