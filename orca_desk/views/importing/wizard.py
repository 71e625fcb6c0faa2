"""The import wizard: choose a file → match its columns if needed → see the dry run → import → result.

The same engine as ``orca-desk import`` (``services/importing``); the dry run and the import run in
a thread of their own (``run.ImportThread``) with progress and Cancel, so a 20,000-row file never
freezes the window. Opened from Settings (“Import patients…”, “Import appointments…”).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services.access.security import IMPORT_DATA
from orca_desk.services.errors import OrcaError
from orca_desk.services.importing.appointments import APPOINTMENT_FIELDS, REQUIRED_APPOINTMENT_FIELDS
from orca_desk.services.importing.job import (
    ImportCancelled,
    ImportJob,
    read_checked,
    run_import,
    with_our_headers,
)
from orca_desk.services.importing.mapping import GENERIC, OPEN_DENTAL, Mapping
from orca_desk.services.importing.report import ImportReport, Rejection
from orca_desk.services.importing.table import Table
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.export_button import export_button
from orca_desk.ui.labels import hint, section_title
from orca_desk.ui.rows_table import RowsModel, table
from orca_desk.views.importing.mapping_dialog import MappingDialog, needs_mapping
from orca_desk.views.importing.run import ImportThread

KINDS = ("patients", "appointments")
# The appointments format as a mapping, so its columns can be matched like the patients'.
APPOINTMENTS = Mapping(
    "appointments", {f: f for f in APPOINTMENT_FIELDS}, required=REQUIRED_APPOINTMENT_FIELDS
)
CHOOSE, REPORT, RESULT = range(3)


class ImportWizard(QDialog):
    """Patients or appointments from a CSV file; nothing is written before the user presses Import."""

    sig_status = Signal(str)
    """A line for the status bar once something was imported."""
    sig_job_finished = Signal()
    """A dry run or import ended (done, failed or cancelled); tests wait on it."""

    def __init__(self, ctx: AppContext, kind: str = "patients", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Import"))
        self.resize(900, 620)
        self.table_read: Table | None = None
        self.mapping: Mapping | None = None
        self.report: ImportReport | None = None
        self.imported: ImportReport | None = None
        self.job_thread: ImportThread | None = None
        self._dry_run = True
        # How the column dialog is shown (tests answer it without a modal loop).
        self.map_columns: Callable[[MappingDialog], bool] = lambda d: d.exec() == QDialog.DialogCode.Accepted
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._report_page())
        self.pages.addWidget(self._result_page())
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("hint")
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(self.tr("Check file"))
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress_label)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        # Enter presses the next step, never a button that happens to have the focus.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(button is self.next_button)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self._update()

    # ----- pages ----------------------------------------------------------------------------
    def _choose_page(self) -> QWidget:
        page = QWidget()
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Patients (and their responsible parties)"), "patients")
        self.kind.addItem(self.tr("Appointments (of patients already imported)"), "appointments")
        self.kind.currentIndexChanged.connect(lambda _i: self._update())
        self.file = QLineEdit()
        self.file.setPlaceholderText(self.tr("a .csv file exported from your old program"))
        self.file.textChanged.connect(lambda _t: self._update())
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        self.preset = QComboBox()
        self.preset.addItem(self.tr("Generic (Orca Desk's columns: first_name, last_name, …)"), GENERIC.name)
        self.preset.addItem(self.tr("Open Dental patient export (PatNum, LName, FName, …)"), OPEN_DENTAL.name)
        form = QFormLayout()
        form.addRow(self.tr("What"), self.kind)
        form.addRow(self.tr("File"), row)
        form.addRow(self.tr("Format"), self.preset)
        self.format_hint = hint("")
        v = QVBoxLayout(page)
        v.addWidget(section_title(self.tr("Choose the file")))
        v.addLayout(form)
        v.addWidget(self.format_hint)
        v.addWidget(
            hint(
                self.tr(
                    "UTF-8 or Windows-1252; commas, semicolons or tabs. Nothing is written until you have "
                    "seen what would change and pressed Import; importing the same file again "
                    "changes nothing."
                )
            )
        )
        v.addStretch(1)
        return page

    def _report_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setObjectName("hint")
        self.rejections = RowsModel[Rejection](
            [(self.tr("Line"), lambda r: r.line), (self.tr("Why it is not imported"), lambda r: r.reason)],
            cell_tooltips=True,
        )
        self.rejected_view = table(self.rejections, 1)
        self.columns_button = QPushButton(self.tr("Columns…"))
        self.columns_button.setToolTip(self.tr("Choose which column of the file holds each field"))
        self.columns_button.clicked.connect(self.edit_columns)
        self.export_rejected = export_button(self, self.rejections, self.tr("Rejected lines"))
        head = QHBoxLayout()
        head.addWidget(section_title(self.tr("Lines that would be rejected")))
        head.addStretch(1)
        head.addWidget(self.columns_button)
        head.addWidget(self.export_rejected)
        v = QVBoxLayout(page)
        v.addWidget(section_title(self.tr("What the import would do")))
        v.addWidget(self.summary)
        v.addWidget(self.warnings)
        v.addLayout(head)
        v.addWidget(self.rejected_view, 1)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        v = QVBoxLayout(page)
        v.addWidget(section_title(self.tr("Imported")))
        v.addWidget(self.result_label)
        v.addStretch(1)
        return page

    # ----- state ----------------------------------------------------------------------------
    @property
    def what(self) -> str:
        return str(self.kind.currentData())

    @property
    def running(self) -> bool:
        return self.job_thread is not None

    def _update(self) -> None:
        page = self.pages.currentIndex()
        patients = self.what == "patients"
        self.preset.setEnabled(patients)
        self.format_hint.setText(
            self.tr(
                "Columns: external_id, first_name, last_name, date_of_birth, phone, mobile_phone, email, "
                "sms_consent, … and the guardian's; Open Dental's patient table export is read as it is."
            )
            if patients
            else self.tr(
                "Columns: external_id, patient_external_id, start (local date and time), minutes, type, "
                "provider, location, chair, status, confirmed, notes. Import the patients first."
            )
        )
        allowed = self.ctx.actor.can(IMPORT_DATA)
        self.back_button.setVisible(page == REPORT)
        self.back_button.setEnabled(not self.running)
        if page == CHOOSE:
            self.next_button.setText(self.tr("Check file"))
            self.next_button.setEnabled(bool(self.file.text().strip()) and not self.running)
        elif page == REPORT:
            count = (self.report.created + self.report.updated) if self.report else 0
            self.next_button.setText(
                self.tr("Import {count} {what}").format(count=f"{count:,}", what=self.what)
            )
            self.next_button.setEnabled(allowed and count > 0 and not self.running)
            self.next_button.setToolTip("" if allowed else self.tr("You may not import data; ask a manager."))
        else:
            self.next_button.setText(self.tr("Close"))
            self.next_button.setEnabled(True)
        self.cancel_button.setVisible(page != RESULT or self.running)
        self.kind.setEnabled(page == CHOOSE and not self.running)

    # ----- actions --------------------------------------------------------------------------
    def browse(self) -> None:
        chosen, _f = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the file to import"),
            self.file.text() or str(Path.home()),
            self.tr("CSV files (*.csv *.txt);;All files (*)"),
        )
        if chosen:
            self.file.setText(chosen)

    def next(self) -> None:
        page = self.pages.currentIndex()
        if page == CHOOSE:
            self.check()
        elif page == REPORT:
            self.start_import()
        else:
            self.accept()

    def back(self) -> None:
        if not self.running:
            self.pages.setCurrentIndex(CHOOSE)
            self.error.clear()
            self._update()

    def check(self) -> bool:
        """Read the file, have its columns matched if needed, then start the dry run."""
        self.error.clear()
        self.table_read, problem = read_checked(Path(self.file.text().strip()).expanduser())
        if self.table_read is None:
            self.error.setText(problem)
            return False
        if self.what == "patients":
            base = OPEN_DENTAL if self.preset.currentData() == OPEN_DENTAL.name else GENERIC
        else:
            base = APPOINTMENTS
        self.mapping = base
        if needs_mapping(base, self.table_read) and not self._ask_columns(base):
            return False
        self._start(dry_run=True)
        return True

    def _ask_columns(self, base: Mapping) -> bool:
        assert self.table_read is not None
        dialog = MappingDialog(base, self.table_read, self)
        if not self.map_columns(dialog):
            self.error.setText(self.tr("The file's columns were not matched; nothing was checked."))
            return False
        self.mapping = dialog.mapping()
        return True

    def edit_columns(self) -> None:
        """From the report: match the columns again, then check again."""
        if self.running or self.table_read is None or self.mapping is None:
            return
        if self._ask_columns(self.mapping):
            self._start(dry_run=True)

    def start_import(self) -> bool:
        if self.report is None or self.running:
            return False
        if not self.ctx.actor.can(IMPORT_DATA):
            self.error.setText(self.tr("You may not import data; ask a manager."))
            return False
        self._start(dry_run=False)
        return True

    def _start(self, *, dry_run: bool) -> None:
        assert self.table_read is not None
        source = Path(self.file.text().strip()).name
        if self.what == "patients":
            job = ImportJob(self.what, self.table_read, self.mapping, source, dry_run)
        else:  # the engine reads its own headers: the matched columns are renamed to them
            assert self.mapping is not None
            job = ImportJob(self.what, with_our_headers(self.table_read, self.mapping), None, source, dry_run)
        self._dry_run = dry_run
        db, actor, now = self.ctx.db, self.ctx.actor, self.ctx.clock.now()
        self.job_thread = ImportThread(
            lambda progress, cancel: run_import(db, actor, job, now=now, progress=progress, cancel=cancel),
            parent=self,
        )
        self.job_thread.sig_progress.connect(self._on_progress)
        self.job_thread.sig_done.connect(self._on_done)
        self.job_thread.sig_failed.connect(self._on_failed)
        self.progress.setRange(0, max(len(self.table_read.records), 1))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.progress_label.setText(self.tr("Checking…") if dry_run else self.tr("Importing…"))
        self._update()
        self.job_thread.start()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        if done >= total and not self._dry_run:
            self.progress_label.setText(self.tr("Saving…"))

    def _finish_job(self) -> None:
        if self.job_thread is not None:
            self.job_thread.wait()
            self.job_thread.deleteLater()
        self.job_thread = None
        self.progress.setVisible(False)
        self.progress_label.clear()
        self._update()
        self.sig_job_finished.emit()

    def _on_done(self, report: ImportReport) -> None:
        if self._dry_run:
            self.report = report
            self._show_report(report)
            self.pages.setCurrentIndex(REPORT)
        else:
            self.imported = report
            self.result_label.setText("\n".join(report.lines(dry_run=False)[:6]))
            self.pages.setCurrentIndex(RESULT)
            self.sig_status.emit(
                self.tr("Imported {what} from {source}: {created} created, {updated} updated").format(
                    what=report.what,
                    source=report.source,
                    created=f"{report.created:,}",
                    updated=f"{report.updated:,}",
                )
            )
        self._finish_job()

    def _on_failed(self, exc: object) -> None:
        if isinstance(exc, ImportCancelled):
            self.error.setText(
                self.tr("Cancelled: nothing was imported.")
                if not self._dry_run
                else self.tr("Check cancelled.")
            )
        elif isinstance(exc, OrcaError):
            self.error.setText(language.say(str(exc)))
        else:
            self.error.setText(
                self.tr("The import stopped: {error}. Nothing was imported.").format(error=exc)
            )
        self._finish_job()

    def _show_report(self, report: ImportReport) -> None:
        lines = report.lines(dry_run=True)
        self.summary.setText("\n".join(lines[: 3 if report.guardians else 2]))
        self.warnings.setText(
            "\n".join(report.warnings[:20])
            + (
                self.tr("\n… and {n} more warnings").format(n=len(report.warnings) - 20)
                if len(report.warnings) > 20
                else ""
            )
        )
        self.warnings.setVisible(bool(report.warnings))
        self.rejections.set_rows(report.rejected)

    def cancel(self) -> None:
        if self.job_thread is not None:
            self.job_thread.cancel()
            self.progress_label.setText(self.tr("Cancelling…"))
            return
        self.reject()

    def reject(self) -> None:
        if self.job_thread is not None:  # closing the window cancels the running job first
            if (
                self.imported is None
                and not self._dry_run
                and QMessageBox.question(
                    self, self.tr("Import"), self.tr("Stop the import? Nothing will be imported.")
                )
                != QMessageBox.StandardButton.Yes
            ):
                return
            self.job_thread.cancel()
            self.job_thread.wait()
        super().reject()


def run_import_wizard(ctx: AppContext, parent: QWidget, kind: str, on_status: Callable[[str], None]) -> None:
    """The import wizard for ``kind`` ("patients" or "appointments"), for another screen
    (``ctx.dialogs.import_wizard``); its status lines go to ``on_status``."""
    wizard = ImportWizard(ctx, kind, parent=parent)
    wizard.sig_status.connect(on_status)
    wizard.exec()
