"""On a clinic just set up from an empty database, every empty list says in one line what fills it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QWidget,
)
from sqlalchemy import select

from orca_desk.app import feature_dialogs
from orca_desk.models.staff import StaffUser
from orca_desk.paths import resources_dir
from orca_desk.services.access.security import actor_for
from orca_desk.services.clinic.clinic import load_clinic
from orca_desk.services.clinic_setup import apply_setup
from orca_desk.services.patients.patients import PatientInput, create_patient
from orca_desk.services.setup_file.reading import parse_setup
from orca_desk.ui.context import AppContext
from orca_desk.ui.theme import apply_theme

SCREENS = (
    "schedules",
    "templates",
    "waitlist",
    "reminders",
    "calls",
    "recovery",
    "campaigns",
    "messages",
    "outbox",
    "admin",
)


@pytest.fixture
def empty_clinic(db, clock, qapp):
    """The example clinic file applied to an empty database: places and people, nothing booked or sent."""
    setup = parse_setup((resources_dir() / "examples" / "clinic.toml").read_text(encoding="utf-8"))
    with db.write() as s:
        apply_setup(s, setup, actor=None, now=clock.now())
    with db.read() as s:
        clinic = load_clinic(s)
        admin = actor_for(s.scalar(select(StaffUser).where(StaffUser.username == "admin")))
    apply_theme(qapp)
    return AppContext(db=db, clock=clock, actor=admin, clinic=clinic, dialogs=feature_dialogs())


def _empty_lists_without_a_hint(root: QWidget) -> list[str]:
    """Each visible list or table with no rows whose viewport shows no one-line empty state."""
    QApplication.processEvents()
    missing = []
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if isinstance(view, QHeaderView) or not view.isVisible() or model is None or model.rowCount() > 0:
            continue
        hints = [
            lb
            for lb in view.viewport().findChildren(QLabel)
            if lb.objectName() == "emptyState" and lb.isVisible()
        ]
        where = f"{type(view.window()).__name__}/{view.objectName() or type(view).__name__}"
        if not hints:
            parent = view.parentWidget()
            while parent is not None and not parent.objectName():
                parent = parent.parentWidget()
            heads = (
                [
                    str(view.model().headerData(c, Qt.Orientation.Horizontal))
                    for c in range(view.horizontalHeader().count())
                ]
                if isinstance(view, QTableView)
                else []
            )
            missing.append(f"{where} in {parent.objectName() if parent else '?'} ({', '.join(heads)})")
        elif "\n" in hints[0].text() or not hints[0].text().strip():
            missing.append(f"{where}: {hints[0].text()!r} is not one line")
    return missing


def _walk_tabs(root: QWidget) -> list[str]:
    missing = _empty_lists_without_a_hint(root)
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            missing += _empty_lists_without_a_hint(root)
        tabs.setCurrentIndex(0)
    return missing


def test_every_list_screen_explains_its_empty_state(qtbot, empty_clinic):
    from orca_desk.app import default_screens
    from orca_desk.ui.main_window import MainWindow

    window = MainWindow(empty_clinic, default_screens(), database_label="test database")
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    missing: list[str] = []
    for key in SCREENS:
        screen = window.show_screen(key)
        wait = getattr(screen, "wait_until_loaded", None)
        if wait is not None:  # a list loading off the UI thread is empty only until it arrives
            assert wait()
        missing += [f"{key}: {m}" for m in _walk_tabs(screen)]
    assert sorted(set(missing)) == [], "\n".join(sorted(set(missing)))


def test_the_patient_card_lists_explain_their_empty_state(qtbot, empty_clinic):
    from orca_desk.views.patients.patient_card import PatientCardDialog

    with empty_clinic.db.write() as s:
        pid = create_patient(
            s,
            empty_clinic.actor,
            empty_clinic.clinic.id,
            PatientInput(first_name="Ava", last_name="Lee"),
            now=empty_clinic.clock.now(),
        ).id
    card = PatientCardDialog(empty_clinic, pid)
    qtbot.addWidget(card)
    card.resize(1280, 720)
    card.show()
    qtbot.waitExposed(card)
    found = sorted(set(_walk_tabs(card)))
    assert found == [], "\n".join(found)
