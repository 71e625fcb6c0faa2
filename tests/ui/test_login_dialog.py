"""Sign-in: a one-time password must be replaced before the main window may open."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from orca_desk.models.staff import StaffUser
from orca_desk.services.access.security import authenticate, create_staff_user
from orca_desk.ui.login_dialog import LoginDialog


@pytest.fixture
def users(db, world):
    with db.write() as s:
        create_staff_user(s, world.clinic.id, "dana", "Dana Brooks", "dana-own-pass", "manager")
        new = create_staff_user(s, world.clinic.id, "maria", "Maria Lopez", "OneTime2345", "receptionist")
        new.must_change_password = True


def _dialog(qtbot, db, clock, username, password):
    dialog = LoginDialog(db, "Test Ortho", clock=clock)
    qtbot.addWidget(dialog)
    dialog.username.setText(username)
    dialog.password.setText(password)
    dialog._ok()
    return dialog


def test_a_usual_sign_in_opens_at_once(qtbot, db, clock, users):
    dialog = _dialog(qtbot, db, clock, "dana", "dana-own-pass")
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.actor is not None
    assert not dialog.changing_password


def test_a_one_time_password_must_be_changed_before_the_window_opens(qtbot, db, clock, users):
    dialog = _dialog(qtbot, db, clock, "maria", "OneTime2345")
    assert dialog.changing_password and dialog.actor is None
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "one-time password" in dialog.change_intro.text()
    # Too short: refused, named, still not signed in.
    dialog.new_password.setText("short")
    dialog.repeat_password.setText("short")
    dialog._ok()
    assert "at least 10 characters" in dialog.error.text() and dialog.actor is None
    # Two different entries.
    dialog.new_password.setText("harbour lights 42")
    dialog.repeat_password.setText("harbour lights 43")
    dialog._ok()
    assert "differ" in dialog.error.text() and dialog.actor is None
    dialog.repeat_password.setText("harbour lights 42")
    dialog._ok()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.username == "maria"
    with db.read() as s:
        assert not s.scalar(select(StaffUser.must_change_password).where(StaffUser.username == "maria"))
        assert authenticate(s, "maria", "harbour lights 42").role == "receptionist"


def test_cancel_while_changing_signs_nobody_in(qtbot, db, clock, users):
    dialog = _dialog(qtbot, db, clock, "maria", "OneTime2345")
    dialog.reject()
    assert dialog.actor is None
    with db.read() as s:
        assert s.scalar(select(StaffUser.must_change_password).where(StaffUser.username == "maria"))
