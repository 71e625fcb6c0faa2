"""The Waitlist screen: openings, offers and ranked matches; notify now; responses; entries; analytics."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget
from sqlalchemy import select, update

from orca_desk.models.appointment import Appointment
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.openings import WaitlistOffer
from orca_desk.models.waitlist import WaitlistEntry
from orca_desk.services.booking import booking
from orca_desk.services.waitlist import entries as waitlist_entries
from orca_desk.services.waitlist.entries import add_entry
from orca_desk.services.waitlist.rows import EntryInput
from orca_desk.services.waitlist.settings import WaitlistSettings
from orca_desk.services.waitlist.tick import process_waitlist
from orca_desk.views.waitlist.screen import WaitlistScreen
from tests.factories import book

SETTINGS = WaitlistSettings(secret=b"ui-test-secret-0123456789", base_url="http://gw.test")


@pytest.fixture
def screen(qtbot, ctx, db, world, clock, manager):
    now = clock.now()
    slot = now + timedelta(hours=6, minutes=30)  # 15:30 in New York
    with db.write() as s:
        for k, prio in ((1, 1), (2, 3), (3, 4)):
            add_entry(
                s,
                manager,
                EntryInput(
                    patient_id=world.patients[k].id,
                    type_id=world.adjustment.id,
                    priority=prio,
                    reason="broken bracket" if prio == 1 else "",
                    days_of_week=[1],
                    time_windows=[(13 * 60, 18 * 60)],
                ),
                now=now - timedelta(days=5 * k),
            )
        appt = book(s, manager, world, start=slot, now=now - timedelta(days=3))
        booking.cancel_appointment(s, manager, appt, reason="school event", now=now)
    w = WaitlistScreen(ctx)
    w.settings_for = lambda _s: SETTINGS
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def _save(widget, name):
    out = os.environ.get("ORCA_DESK_SHOTS")
    if out:
        widget.grab().save(os.path.join(out, name))


def test_shows_the_opening_and_its_ranked_matches_with_reasons(screen):
    assert screen.openings.rowCount() == 1
    assert screen.openings.rows[0].label == "open · waiting for a match"
    names = [m.patient_name for m in screen.matches.rows]
    assert names == ["Kid1 Smith", "Kid2 Smith", "Kid3 Smith"]
    assert screen.matches.data(screen.matches.index(0, 5)) == (
        "prefers Tue after 1:00 PM · waiting 5 days · urgent: broken bracket · same visit type"
    )
    # The reason column is often cut off: its full text is the cell's tooltip.
    assert screen.matches.data(
        screen.matches.index(0, 5), Qt.ItemDataRole.ToolTipRole
    ) == screen.matches.data(screen.matches.index(0, 5))
    assert "Ranked matches for Tue, Mar 3 3:30 PM" in screen.matches_title.text()


def test_notify_best_then_record_a_decline_offers_the_next(screen, db, clock):
    assert screen.notify_best()
    [offer] = screen.offers.rows
    assert (offer.patient_name, offer.state) == ("Kid1 Smith", "queued")
    assert screen.openings.rows[0].label == "offered · message queued"
    with db.write() as s:  # dispatch sends it
        s.execute(update(OutboxMessage).values(status="sent", sent_at=clock.now()))
    process_waitlist(db, now=clock.now(), settings=SETTINGS)
    screen.refresh()
    assert screen.openings.rows[0].label == "offered · 2h00m left"
    assert screen.offers.rows[0].state_text == "holding · 2h00m left"
    screen.offers_view.selectRow(0)
    assert screen.record_response("declined")
    assert screen.offers.rows[0].state_text == "declined"
    screen.openings_view.selectRow(0)
    assert [m.patient_name for m in screen.matches.rows] == ["Kid2 Smith", "Kid3 Smith"]
    assert screen.notify_selected_entry()
    assert [o.patient_name for o in screen.offers.rows] == ["Kid1 Smith", "Kid2 Smith"]
    _save(screen, "waitlist_openings.png")


def test_notify_all_broadcasts_and_a_staff_acceptance_books(screen, db, clock, qtbot):
    assert screen.notify_all()
    assert len(screen.offers.rows) == 3 and all(o.broadcast for o in screen.offers.rows)
    screen.offers_view.selectRow(1)
    assert screen.record_response("accepted")
    with db.read() as s:
        booked = s.scalar(select(Appointment).where(Appointment.notes == "Booked from the waitlist"))
        assert booked is not None
    assert screen.openings.rowCount() == 0  # filled openings leave the list
    screen.tabs.setCurrentIndex(2)
    assert "<b>1</b> booked" in screen.summary.text()
    assert screen.groups.rowCount() == 2
    qtbot.wait(200)  # let the chart lay itself out before the picture
    _save(screen, "waitlist_analytics.png")


def test_entries_tab_lists_status_offers_and_days_waiting_and_removes(screen, db, monkeypatch):
    screen.notify_best()
    screen.tabs.setCurrentIndex(1)
    assert screen.wait_until_loaded()  # the waitlist loads off the UI thread
    rows = {r.patient_name: r for r in screen.entries.rows}
    assert rows["Kid1 Smith"].status == "notified"
    assert screen.entries.data(screen.entries.index(0, 3)) == "NOTIFIED"
    assert screen.entries.data(screen.entries.index(0, 4)) == "1/3"
    assert screen.entries.data(screen.entries.index(0, 5)) == "5 d"
    _save(screen, "waitlist_entries.png")
    screen.entries_view.selectRow(2)
    assert screen.remove_entry()
    with db.read() as s:
        gone = rows["Kid3 Smith"].patient_id
        assert s.scalar(select(WaitlistEntry.status).where(WaitlistEntry.patient_id == gone)) == "removed"
    assert screen.wait_until_loaded()
    assert len(screen.entries.rows) == 2


def test_entry_dialog_adds_an_entry(screen, db, ctx, qtbot, world):
    from orca_desk.views.waitlist.entry_dialog import EntryDialog

    dialog = EntryDialog(ctx, None, screen)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()
    dialog.search.setText("Kid0")
    assert dialog.save_button.isEnabled()
    dialog.day_checks[3].setChecked(True)
    dialog.use_window.setChecked(True)
    assert screen._save_entry(dialog)
    with db.read() as s:
        e = s.scalar(select(WaitlistEntry).where(WaitlistEntry.patient_id == world.patients[0].id))
        assert (e.days_of_week, e.time_windows, e.duration_minutes) == ([3], [[900, 1080]], 20)


def test_offers_are_not_made_twice_from_the_screen(screen, db):
    assert screen.notify_best()
    with db.read() as s:
        assert len(list(s.scalars(select(WaitlistOffer)))) == 1


def test_the_calendar_shows_an_offered_opening_with_its_timer(main_window, db, clock, world, manager):
    now = clock.now()
    slot = now + timedelta(hours=6, minutes=30)
    with db.write() as s:
        add_entry(
            s,
            manager,
            EntryInput(patient_id=world.patients[1].id, type_id=world.adjustment.id),
            now=now - timedelta(days=3),
        )
        appt = book(s, manager, world, start=slot, now=now - timedelta(days=3))
        booking.cancel_appointment(s, manager, appt, reason="sick", now=now)
    process_waitlist(db, now=now, settings=SETTINGS)
    with db.write() as s:
        s.execute(update(OutboxMessage).values(status="sent", sent_at=now - timedelta(minutes=8)))
    process_waitlist(db, now=now, settings=SETTINGS)
    main_window.show_screen("calendar")
    view = main_window.current_screen()
    view.refresh()
    view.wait_until_loaded()
    [mark] = [i for i in view.grid.items if i.id < 0]  # offers and template slots are marks
    assert (mark.title, mark.start, mark.column, mark.movable) == (
        "offered · 1h52m left",
        15 * 60 + 30,
        0,
        False,
    )
    assert any(i.id == mark.id for i in view.grid.items)
    _save(main_window, "calendar_offer.png")


def test_empty_lists_say_what_would_appear_and_how(qtbot, ctx):
    from orca_desk.views.waitlist.screen import WaitlistScreen

    screen = WaitlistScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    screen.refresh()

    def shown() -> list[str]:
        labels = screen.findChildren(QLabel, "emptyState")
        return [label.text() for label in labels if label.isVisibleTo(screen)]

    assert any(text.startswith("No openings.") for text in shown())
    tabs = screen.findChild(QTabWidget)
    tabs.setCurrentIndex(1)
    assert any(text == "Loading the waitlist…" for text in shown())  # never "nobody" while it loads
    assert screen.wait_until_loaded()
    assert any("Add entry…" in text for text in shown())


def test_a_hold_that_ran_out_says_when_it_expired_not_zero_minutes_left(screen, db, clock):
    assert screen.notify_best()
    with db.write() as s:  # dispatch sends it at 9:00 AM in New York; the hold is 2 hours
        s.execute(update(OutboxMessage).values(status="sent", sent_at=clock.now()))
    process_waitlist(db, now=clock.now(), settings=SETTINGS)
    clock.advance(timedelta(hours=2, minutes=5))  # the tick that closes the hold has not run yet
    screen.refresh()
    label, state = screen.openings.rows[0].label, screen.offers.rows[0].state_text
    assert "0m left" not in label and "0m left" not in state
    assert label == "offered · hold expired 11:00 AM"
    assert state == "hold expired 11:00 AM"


def test_a_waitlist_that_cannot_be_loaded_says_so(screen, monkeypatch):
    from orca_desk.services.errors import ValidationError

    def refuse(*_args: object, **_kwargs: object) -> list[object]:
        raise ValidationError("The database is busy.")

    monkeypatch.setattr(waitlist_entries, "list_entries", refuse)
    screen.tabs.setCurrentIndex(1)
    assert screen.entries_summary.text() == "Loading the waitlist…"
    screen.wait_until_loaded()
    assert screen.entries_summary.text() == "The waitlist could not be loaded: The database is busy."
    assert screen.entries_empty.text() == "The waitlist could not be loaded."
