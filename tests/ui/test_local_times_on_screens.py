"""Every screen shows the location's local time in the clinic's one format, whatever this desk's zone is."""

from __future__ import annotations

import time as systime
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.booking import booking
from orca_desk.services.clinic import clinic_settings
from orca_desk.services.messaging import outbox
from orca_desk.services.recovery.steps import process_recovery
from orca_desk.services.waitlist.entries import add_entry
from orca_desk.services.waitlist.rows import EntryInput
from orca_desk.services.waitlist.settings import WaitlistSettings
from orca_desk.services.waitlist.tick import process_waitlist
from orca_desk.views.calendar.recurrence_dialog import RecurrenceDialog
from orca_desk.views.messaging.outbox_view import OutboxScreen
from orca_desk.views.patients.patient_card import PatientCardDialog
from orca_desk.views.recovery.screen import RecoveryScreen
from orca_desk.views.waitlist.screen import WaitlistScreen
from tests.factories import book

# The world's location is in New York; the conftest clock says 14:00 UTC = 9:00 AM there.
NY = ZoneInfo("America/New_York")
TOKYO_DESK = "Asia/Tokyo"  # this computer's own zone in these tests: never what the screens show
AHEAD = timedelta(days=3)  # how long before its start each visit here was booked


@pytest.fixture(autouse=True)
def desk_in_tokyo(monkeypatch):
    monkeypatch.setenv("TZ", TOKYO_DESK)
    systime.tzset()
    yield
    monkeypatch.undo()
    systime.tzset()


@pytest.fixture(params=["12h", "24h"])
def style(request, db, manager, clock):
    with db.write() as s:
        clinic_settings.save_settings(
            s, manager, replace(clinic_settings.load_settings(s), time_format=request.param), now=clock.now()
        )
    return request.param


def _shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    return widget


def test_outbox_times(qtbot, ctx, db, world, clock, style):
    with db.write() as s:
        p = s.get(Patient, world.patients[0].id)
        msg = outbox.enqueue(
            s,
            clinic_id=p.clinic_id,
            channel="sms",
            to_address=p.contact_phone or "",
            body="Hello",
            purpose="reminder",
            dedupe_key="t:1",
            now=clock.now(),
            patient_id=p.id,
        )
        msg.status, msg.sent_at = "sent", clock.now() + timedelta(hours=6, minutes=5)  # 3:05 PM in New York
    screen = _shown(qtbot, OutboxScreen(ctx))
    shown = [str(screen.model.index(0, c).data()) for c in range(screen.model.columnCount())]
    assert {"12h": "9:00 AM", "24h": "09:00"}[style] in shown  # created, today in New York
    assert {"12h": "3:05 PM", "24h": "15:05"}[style] in shown  # sent
    with db.write() as s:
        s.execute(update(OutboxMessage).values(created_at=clock.now() - timedelta(days=1)))
    screen.apply_filters()
    shown = [str(screen.model.index(0, c).data()) for c in range(screen.model.columnCount())]
    assert {"12h": "Mar 2, 9:00 AM", "24h": "Mar 2, 09:00"}[style] in shown


def test_recovery_times(qtbot, ctx, db, world, manager, style):
    now = ctx.clock.now()
    appt = book(db, manager, world, start=now - timedelta(hours=1), ahead=AHEAD)
    with db.write() as s:
        booking.mark_no_show(s, manager, appt, now=now)
    process_recovery(db, now=now)
    screen = _shown(qtbot, RecoveryScreen(ctx))
    assert screen.wait_until_loaded()
    assert screen.cases.rowCount() == 1
    when = screen.history.data(screen.history.index(0, 0), Qt.ItemDataRole.DisplayRole)
    assert when == {"12h": "9:00 AM", "24h": "09:00"}[style]  # today: the time alone
    case = screen.cases.rows[0]
    assert case.missed_text == {"12h": "Tue, Mar 3 8:00 AM", "24h": "Tue, Mar 3 08:00"}[style]


def test_patient_card_times(qtbot, ctx, db, world, manager, style):
    start = datetime(2026, 3, 10, 15, 30, tzinfo=NY)
    book(db, manager, world, start=start, ahead=AHEAD)
    card = _shown(qtbot, PatientCardDialog(ctx, world.patients[0].id))
    expected = {"12h": "Tue, Mar 10, 2026, 3:30 PM", "24h": "Tue, Mar 10, 2026, 15:30"}[style]
    assert f"next visit {expected}" in card.summary.text()
    assert card.upcoming_table.item(0, 0).text() == expected


def test_series_conflict_times(qtbot, ctx, db, world, manager, style):
    start = datetime(2026, 3, 10, 15, 45, tzinfo=NY)
    # the 2nd date clashes
    book(db, manager, world, patient=1, start=start + timedelta(weeks=1), ahead=AHEAD, minutes=30)
    dialog = RecurrenceDialog(
        ctx,
        patient_id=world.patients[0].id,
        patient_name="Noah Smith",
        provider_id=world.ortho.id,
        chair_id=world.chairs[0].id,
        type_id=world.adjustment.id,
        start=start,
        minutes=20,
    )
    qtbot.addWidget(dialog)
    dialog.set_rule(frequency="WEEKLY", interval=1, weekdays=(1,), count=3)
    dialog.refresh_preview()
    assert dialog.wait_for_preview()
    assert dialog.model.index(1, 2).data() == {"12h": "3:45 PM", "24h": "15:45"}[style]
    assert dialog.model.index(1, 3).data() != "✓ free"
    alternative = dialog.model.index(1, 4).data()
    assert alternative and ("AM" in alternative or "PM" in alternative) == (style == "12h")


SETTINGS = WaitlistSettings(secret=b"ui-test-secret-0123456789", base_url="http://gw.test")


def test_waitlist_times(qtbot, ctx, db, world, manager, clock, style):
    now = clock.now()
    with db.write() as s:
        add_entry(
            s,
            manager,
            EntryInput(
                patient_id=world.patients[1].id,
                type_id=world.adjustment.id,
                priority=3,
                time_windows=[(13 * 60, 18 * 60)],
            ),
            now=now - timedelta(days=2),
        )
    appt = book(db, manager, world, start=now + timedelta(hours=6, minutes=30), ahead=AHEAD)  # 3:30 PM in NY
    with db.write() as s:
        booking.cancel_appointment(s, manager, appt, reason="school event", now=now)
    screen = WaitlistScreen(ctx)
    screen.settings_for = lambda _s: SETTINGS
    _shown(qtbot, screen)
    assert (
        screen.openings.rows[0].local_text
        == {"12h": "Tue, Mar 3 3:30 PM–3:50 PM", "24h": "Tue, Mar 3 15:30–15:50"}[style]
    )
    screen.tabs.setCurrentIndex(1)
    assert screen.wait_until_loaded()
    assert screen.entries.rows[0].preferences == {"12h": "1:00 PM–6:00 PM", "24h": "13:00–18:00"}[style]
    assert screen.notify_best()
    with db.write() as s:
        s.execute(update(OutboxMessage).values(status="sent", sent_at=now))
    process_waitlist(db, now=now, settings=SETTINGS)
    clock.advance(timedelta(hours=3))
    screen.tabs.setCurrentIndex(0)
    expired = {"12h": "hold expired 11:00 AM", "24h": "hold expired 11:00"}[style]
    assert screen.offers.rows[0].state_text == expired
