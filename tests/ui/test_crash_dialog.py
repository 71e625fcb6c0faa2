"""An uncaught error, on the GUI thread or another, shows one calm dialog with the report to copy."""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel

from orca_desk import diagnostics
from orca_desk.ui.crash_dialog import CrashDialog, install_gui_crash_handling


@pytest.fixture
def crash_handling(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(diagnostics.LOG_DIR_ENV, str(tmp_path))
    hooks = sys.excepthook, threading.excepthook
    reporter = install_gui_crash_handling(qapp)
    yield reporter
    qInstallMessageHandler(None)
    faulthandler.enable(sys.__stderr__)
    if reporter.fault_file is not None:
        reporter.fault_file.close()
    sys.excepthook, threading.excepthook = hooks
    if reporter.dialog is not None:
        reporter.dialog.close()
        reporter.dialog.deleteLater()
    reporter.deleteLater()


def test_an_error_on_a_worker_thread_shows_the_dialog_on_the_gui_thread(qtbot, crash_handling, tmp_path):
    def fail() -> None:
        raise RuntimeError("tick failed for +16175551234")

    worker = threading.Thread(target=fail, name="automation")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: crash_handling.dialog is not None and crash_handling.dialog.isVisible())
    dialog = crash_handling.dialog
    assert isinstance(dialog, CrashDialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Something went wrong; your data is safe." in texts
    reports = list(tmp_path.glob("crash-*.txt"))
    assert len(reports) == 1 and any(str(reports[0]) in text for text in texts)
    assert "RuntimeError: tick failed for [redacted]" in dialog.report
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.report
    # A second error while the dialog is up adds a report, not a second dialog.
    sys.excepthook(ValueError, ValueError("again"), None)
    QApplication.processEvents()
    assert crash_handling.dialog is dialog and len(list(tmp_path.glob("crash-*.txt"))) == 2


def test_qt_warnings_go_to_the_log(qtbot, crash_handling, caplog):
    with caplog.at_level(logging.WARNING, logger="qt"):
        qWarning("QPainter::begin: Paint device returned engine == 0")
    assert any("Paint device returned engine" in r.getMessage() for r in caplog.records)
