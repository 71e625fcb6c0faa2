"""Settings → Online booking: a manager opens it for a type; the desk turns it off; reviews leave the list."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.models.online_booking import BookingReview
from orca_desk.models.patient import Patient
from orca_desk.services import online_booking as ob
from orca_desk.views.settings.online_booking_tab import OnlineBookingTab
from tests.conftest import NOW
from tests.factories import book_ids


def _tab(qtbot, ctx) -> OnlineBookingTab:
    tab = OnlineBookingTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1000, 700)
    tab.show()
    return tab


def test_a_manager_opens_online_booking_and_the_desk_stops_it(qtbot, ctx, db, world, receptionist) -> None:
    tab = _tab(qtbot, ctx)
    assert not tab.pause_button.isEnabled() and "not set up" in tab.state.text()
    tab.enabled.setChecked(True)
    assert not tab.save()  # no location or type chosen: refused, naming what is missing
    assert "location" in tab.error_label.text()
    tab.location_boxes[world.location.id].setChecked(True)
    tab.type_boxes[world.adjustment.id].setChecked(True)
    tab.colour.setText("#ffee00")
    assert not tab.save() and "hard to read" in tab.error_label.text()
    tab.colour.setText("#7b1fa2")
    assert tab.save()
    with db.read() as s:
        saved = ob.load_settings(s)
    assert saved.open and saved.type_ids == (world.adjustment.id,) and saved.colour == "#7b1fa2"
    desk = _tab(qtbot, replace(ctx, actor=receptionist))
    assert not desk.save_button.isEnabled() and desk.pause_button.isEnabled()
    assert desk.toggle_pause()
    with db.read() as s:
        assert ob.load_settings(s).paused
    assert "OFF" in desk.state.text() and not desk.pause_button.isEnabled()  # a manager turns it back on
    shots = os.environ.get("ORCA_DESK_BOOK_SHOTS")
    if shots:
        tab.refresh()
        tab.grab().save(f"{shots}/settings-online-booking.png")


def test_an_uncertain_match_is_listed_until_marked_reviewed(qtbot, ctx, db, world, manager) -> None:
    with db.write() as s:
        p = s.get(Patient, world.patients[0].id)
        p.date_of_birth = date(2014, 5, 2)
        twin = Patient(
            clinic_id=world.clinic.id, first_name="Kid0", last_name="Smith", date_of_birth=p.date_of_birth
        )
        s.add(twin)
        s.flush()
        appt_id = book_ids(
            s,
            manager,
            patient_id=twin.id,
            provider_id=world.ortho.id,
            chair_id=world.chairs[0].id,
            type_id=world.adjustment.id,
            start=NOW + timedelta(days=1),
            now=NOW,
        )
        s.add(
            BookingReview(
                clinic_id=world.clinic.id,
                appointment_id=appt_id,
                patient_id=twin.id,
                candidate_id=p.id,
                reason="test",
                created_at=NOW,
            )
        )
    tab = _tab(qtbot, ctx)
    assert tab.reviews.rowCount() == 1 and "Kid0 Smith (#" in tab.reviews.data(tab.reviews.index(0, 3))
    tab.review_view.selectRow(0)
    assert tab.resolve_selected()
    assert tab.reviews.rowCount() == 0
    with db.read() as s:
        assert s.scalars(select(BookingReview.resolved_by)).one() == manager.username
        assert s.scalars(select(Appointment)).one()
