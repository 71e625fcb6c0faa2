"""Qt test fixtures: isolated QSettings, an app context over a small world, a main window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

from orca_desk.app import feature_dialogs
from orca_desk.services.clinic.clinic import load_clinic
from orca_desk.ui.context import AppContext
from orca_desk.ui.theme import apply_theme
from tests.factories import make_world

TEST_DAY = date(2026, 3, 3)  # the conftest NOW, a Tuesday


@pytest.fixture(autouse=True, scope="session")
def english(qapp: QApplication) -> None:
    """The UI in English, as run_gui installs it (its .qm gives "1 visit", "2 visits")."""
    from orca_desk.ui import language

    language.install(qapp, "en")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp: QApplication) -> Iterator[None]:
    """Each test gets its own QSettings file, so no test sees another's window state."""
    QCoreApplication.setOrganizationName("OrcaDeskTest")
    QCoreApplication.setApplicationName("Orca Desk Test")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


@pytest.fixture
def world(db):
    with db.write() as s:
        return make_world(s, chairs=3, patients=4)


@pytest.fixture
def ctx(db, world, clock, manager, qapp) -> AppContext:
    apply_theme(qapp)
    with db.read() as s:
        clinic = load_clinic(s)
    assert clinic is not None
    return AppContext(db=db, clock=clock, actor=manager, clinic=clinic, dialogs=feature_dialogs())


@pytest.fixture
def main_window(qtbot, ctx):
    from orca_desk.app import default_screens
    from orca_desk.ui.main_window import MainWindow

    window = MainWindow(ctx, default_screens(), database_label="test database")
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.go_to_date(TEST_DAY)
    return window
