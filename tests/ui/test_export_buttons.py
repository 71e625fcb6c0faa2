"""Export buttons on list screens: what the list shows goes to a CSV file (UTF-8 with BOM)."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from orca_desk.models.patient import Patient
from orca_desk.services.messaging import outbox
from orca_desk.services.waitlist.entries import add_entry
from orca_desk.services.waitlist.rows import EntryInput
from orca_desk.ui.export_button import default_file_name
from orca_desk.views.campaigns.screen import CampaignsScreen
from orca_desk.views.messaging.outbox_view import OutboxScreen
from orca_desk.views.waitlist.screen import WaitlistScreen


@pytest.fixture
def save_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, object]:
    """The save dialog answers ``chosen['path']`` (None: the user cancels) and records its arguments."""
    chosen: dict[str, object] = {"path": tmp_path / "out.csv"}

    def fake(parent, title, start, filters):
        chosen["title"], chosen["start"] = title, start
        return (str(chosen["path"]) if chosen["path"] else "", filters)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return chosen


def _read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_waitlist_entries_export_what_the_list_shows(qtbot, ctx, db, world, clock, manager, save_to):
    with db.write() as s:
        for k in (1, 2):
            add_entry(
                s,
                manager,
                EntryInput(
                    patient_id=world.patients[k].id,
                    type_id=world.adjustment.id,
                    priority=1,
                    reason="broken bracket — São Paulo",
                    days_of_week=[1],
                    time_windows=[(13 * 60, 18 * 60)],
                ),
                now=clock.now() - timedelta(days=k),
            )
    screen = WaitlistScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.tabs.setCurrentIndex(1)
    screen.refresh()
    assert screen.wait_until_loaded()
    assert screen.entries.rowCount() == 2
    statuses: list[str] = []
    screen.sig_status.connect(statuses.append)
    qtbot.mouseClick(screen.btn_export_entries, Qt.MouseButton.LeftButton)
    rows = _read(save_to["path"])  # type: ignore[arg-type]
    assert rows[0] == ["Patient", "Visit", "Priority", "Status", "Offers", "Waiting", "Prefers", "Reason"]
    assert sorted(r[0] for r in rows[1:]) == ["Kid1 Smith", "Kid2 Smith"]
    assert rows[1][-1] == "broken bracket — São Paulo"
    assert statuses and "2 rows" in statuses[-1]
    assert str(save_to["start"]).endswith(default_file_name("Waitlist"))


def test_outbox_export_takes_every_page_and_adds_csv(qtbot, ctx, db, world, clock, save_to, tmp_path):
    with db.write() as s:
        p = s.get(Patient, world.patients[0].id)
        assert p is not None
        for i in range(250):
            outbox.enqueue(
                s,
                clinic_id=p.clinic_id,
                channel="sms",
                to_address="+16175551000",
                body=f"m{i}",
                purpose="reminder",
                dedupe_key=f"bulk:{i}",
                now=clock.now() - timedelta(seconds=i),
            )
    screen = OutboxScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.model.rowCount() == 200  # one page loaded; the export takes them all
    save_to["path"] = tmp_path / "outbox"
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    rows = _read(tmp_path / "outbox.csv")
    assert rows[0][:3] == ["Created", "Status", "Channel"]
    assert len(rows) == 251


def test_cancelled_dialog_writes_nothing_and_every_list_has_its_button(qtbot, ctx, save_to, tmp_path):
    save_to["path"] = None
    screen = CampaignsScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.mouseClick(screen.btn_export, Qt.MouseButton.LeftButton)
    assert list(tmp_path.glob("*.csv")) == []
    assert screen.findChildren(QPushButton, "exportButton")


def test_default_file_name():
    from datetime import date

    assert default_file_name("Recovery cases", today=date(2026, 3, 3)) == "recovery-cases-2026-03-03.csv"
