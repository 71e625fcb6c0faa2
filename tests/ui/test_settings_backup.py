"""Settings: the automatic backup folder (chosen, validated, saved), the last backup in local time,
warnings."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QFileDialog, QScrollArea

from orca_desk.services.backups import auto_backup
from orca_desk.services.clinic import clinic_settings
from orca_desk.views.settings.settings_screen import SettingsScreen
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def fail_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _screen(qtbot, ctx) -> SettingsScreen:
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    screen.show()
    ctx.ops.wait()  # where secrets live is asked off the UI thread
    return screen


def test_no_folder_warns_then_a_chosen_folder_is_saved(qtbot, ctx, db, tmp_path: Path, monkeypatch):
    screen = _screen(qtbot, ctx)
    assert screen.backup_warning.isVisible()
    assert "No backup folder is chosen" in screen.backup_warning.text()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a: str(tmp_path)))
    screen.backup_choose.click()
    assert screen.backup_folder.text() == str(tmp_path)
    assert screen.save() is True
    with db.read() as s:
        assert clinic_settings.load_settings(s).backup_folder == str(tmp_path)
    assert "No automatic backup has been made yet" in screen.backup_warning.text()


def test_a_missing_folder_is_refused_and_focused(qtbot, ctx, db, tmp_path: Path):
    screen = _screen(qtbot, ctx)
    screen.backup_folder.setText(str(tmp_path / "gone"))
    assert screen.save() is False
    assert "does not exist" in screen.error_label.text()
    with db.read() as s:
        assert clinic_settings.load_settings(s).backup_folder == ""


def test_shows_the_last_backup_in_local_time_and_warns_when_two_days_old(
    qtbot, ctx, db, clock, manager, tmp_path: Path
):
    with db.write() as s:
        current = clinic_settings.load_settings(s)
        clinic_settings.save_settings(s, manager, replace(current, backup_folder=str(tmp_path)), now=NOW)
    made = auto_backup.run_daily_backup(db, now=NOW).made
    assert made is not None
    os.utime(made, (NOW.timestamp(), NOW.timestamp()))  # 09:00 in New York
    clock.advance(timedelta(hours=5))
    screen = _screen(qtbot, ctx)
    assert "Last backup: Tue, Mar 3, 2026, 9:00 AM" in screen.backup_last.text()
    assert not screen.backup_warning.isVisible()
    clock.advance(timedelta(days=2))
    screen.refresh()
    assert screen.backup_warning.isVisible()
    assert "2 days old" in screen.backup_warning.text()
    out = os.environ.get("ORCA_DESK_SHOTS")
    if out:
        area = screen.findChild(QScrollArea)
        area.ensureWidgetVisible(screen.import_patients_button)
        screen.grab().save(os.path.join(out, "settings-backup-stale.png"))
