"""The calm dialog an uncaught error shows, and the hooks that route every error and Qt message to it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO

from PySide6.QtCore import QObject, Qt, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from orca_desk.diagnostics import install_crash_hooks

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


class CrashDialog(QDialog):
    """Says that the data is safe, where the report is, and copies it for support."""

    def __init__(self, report_path: Path, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("Orca Desk"))
        self.report = report
        layout = QVBoxLayout(self)
        headline = QLabel(self.tr("Something went wrong; your data is safe."))
        headline.setObjectName("crashHeadline")
        headline.setProperty("textRole", "headline")
        layout.addWidget(headline)
        explain = QLabel(
            self.tr(
                "Everything saved before this moment is in the database. You can keep working; "
                "if it happens again, send the report below to your support contact."
            )
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.path_label = QLabel(self.tr("Report: {path}").format(path=report_path))
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label.setWordWrap(True)
        layout.addWidget(self.path_label)
        details = QPlainTextEdit(report)
        details.setReadOnly(True)
        details.setAccessibleName(self.tr("Crash report"))
        details.setMinimumSize(560, 180)
        layout.addWidget(details)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(self.tr("Copy report"))
        self.copy_button.setAccessibleDescription(self.tr("Copies the report to the clipboard"))
        self.copy_button.clicked.connect(self.copy_report)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText(self.tr("Copied"))


class CrashReporter(QObject):
    """Brings crash reports from any thread to the GUI thread and shows one dialog at a time."""

    reported = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self.fault_file: IO[str] | None = None  # faulthandler's file: open as long as the app runs
        self.reported.connect(self._show)

    def report(self, path: Path, text: str) -> None:
        self.reported.emit(str(path), text)  # queued to the GUI thread when emitted elsewhere

    def _show(self, path: str, text: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            return  # one calm dialog, not a cascade of them
        self.dialog = CrashDialog(Path(path), text, QApplication.activeWindow())
        self.dialog.open()


def _log_qt_message(kind: QtMsgType, context: object, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def install_gui_crash_handling(app: QApplication) -> CrashReporter:
    """Uncaught errors show the crash dialog; Qt's own messages go to the log."""
    reporter = CrashReporter(app)
    reporter.fault_file = install_crash_hooks(reporter.report)
    qInstallMessageHandler(_log_qt_message)
    return reporter
