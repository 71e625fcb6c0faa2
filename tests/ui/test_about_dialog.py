"""Help → About names the version, the Python and Qt it runs on, the database and the log folder."""

from __future__ import annotations

import platform

from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QToolButton

from orca_desk import __version__, diagnostics
from orca_desk.db import Database
from orca_desk.ui.about_dialog import AboutDialog, database_kind


def texts(dialog: AboutDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_about_shows_version_runtime_database_and_log_folder(qtbot, db, tmp_path, monkeypatch):
    monkeypatch.setenv(diagnostics.LOG_DIR_ENV, str(tmp_path / "logs"))
    dialog = AboutDialog(db)
    qtbot.addWidget(dialog)
    shown = texts(dialog)
    assert __version__ in shown
    assert platform.python_version() in shown and qVersion() in shown
    assert "SQLite" in shown and str(tmp_path / "logs") in shown
    assert "Python source" in shown  # not the installed build: this test runs from the checkout
    dialog.copy_details()
    copied = QGuiApplication.clipboard().text()
    assert f"Version: {__version__}" in copied and str(tmp_path / "logs") in copied


def test_a_shared_database_is_named_without_its_password():
    db = Database("postgresql+psycopg://desk:s3cret-pass@db.clinic.lan:5433/orca")
    try:
        kind = database_kind(db)
    finally:
        db.dispose()
    assert kind == "PostgreSQL, shared by the desks: db.clinic.lan:5433/orca"
    assert "s3cret" not in kind


def test_the_help_button_opens_about(main_window, monkeypatch):
    opened: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: opened.append(self) or 0)
    button = main_window.findChild(QToolButton, "helpButton")
    assert button is not None and button.isVisible() and button.text() == "Help"
    assert main_window.act_about in button.menu().actions()
    main_window.act_about.trigger()
    assert len(opened) == 1 and __version__ in texts(opened[0])
    opened[0].deleteLater()
