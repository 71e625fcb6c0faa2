"""The patient card: edit, consent history, same family, alerts on the calendar, go to the next visit."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.models.audit import AuditEvent
from orca_desk.models.patient import Patient
from orca_desk.services.access.security import ROLE_PERMISSIONS, Actor
from orca_desk.views.calendar.day_view import DayViewScreen
from orca_desk.views.patients.patient_card import PatientCardDialog
from tests.factories import book, desk_book

NY = ZoneInfo("America/New_York")


def _card(ctx, qtbot, patient_id):
    card = PatientCardDialog(ctx, patient_id)
    qtbot.addWidget(card)
    return card


def test_edit_on_the_card_is_saved_and_audited(ctx, world, qtbot):
    card = _card(ctx, qtbot, world.patients[0].id)
    assert card.first_name.text() == "Kid0"
    card.preferred_name.setText("KJ")
    card.chart_number.setText("A-77")
    card.guardian_email.setText("not an email")
    assert not card.save()
    assert "not an email" in card.error.text()
    card.guardian_email.setText("pat@example.com")
    assert card.save()
    assert "“KJ”" in card.title.text() and "chart A-77" in card.summary.text()
    with ctx.db.read() as s:
        p = s.get(Patient, world.patients[0].id)
        assert (p.preferred_name, p.chart_number, p.guardian_email) == ("KJ", "A-77", "pat@example.com")
        row = s.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert row.after["chart_number"] == "A-77" and row.before["chart_number"] is None


def test_the_card_s_summary_dials_the_contact_as_the_desk_does(ctx, world, qtbot):
    with ctx.db.write() as s:
        p = s.get(Patient, world.patients[0].id)
        p.date_of_birth = date(2014, 5, 3)
    card = _card(ctx, qtbot, world.patients[0].id)
    summary = card.summary.text()
    assert "contact (617) 555-1000" in summary, summary  # national, not +16175551000
    assert "born May 3, 2014" in summary, summary  # the desk's date, not 2014-05-03


def test_consent_change_needs_a_source_and_shows_in_the_history(ctx, world, qtbot):
    card = _card(ctx, qtbot, world.patients[0].id)
    assert card.sms_button.text() == "Withdraw SMS consent"
    assert not card.toggle_consent("sms")
    assert "how consent was withdrawn" in card.error.text()
    card.consent_source.setCurrentText("phone call")
    assert card.toggle_consent("sms")
    assert card.sms_button.text() == "Record SMS consent"
    assert card.consent_table.rowCount() == 1
    assert [card.consent_table.item(0, c).text() for c in (1, 2, 4, 5)] == [
        "SMS",
        "withdrawn",
        "phone call",
        "manager",
    ]


def test_same_family_links_the_guardian(ctx, world, qtbot):
    with ctx.db.write() as s:
        sib = s.get(Patient, world.patients[1].id)
        sib.guardian_name, sib.guardian_relation, sib.guardian_phone = "Pat Smith", "father", "+16175550177"
        sib.contact_phone = "+16175550177"
    card = _card(ctx, qtbot, world.patients[0].id)
    assert card.link_family(world.patients[1].id)
    assert card.guardian_name.text() == "Pat Smith" and card.guardian_phone.text() == "+16175550177"
    assert "Kid1 Smith" in card.family_label.text()
    with ctx.db.read() as s:
        assert s.get(Patient, world.patients[0].id).contact_phone == "+16175550177"


def test_alert_added_on_the_card_is_shown_on_the_calendar_item(main_window, ctx, world, qtbot):
    appt = desk_book(ctx, world, start=datetime(2026, 3, 3, 15, 0, tzinfo=NY))
    card = _card(ctx, qtbot, world.patients[0].id)
    card.alert_kind.setCurrentIndex(card.alert_kind.findData("contact"))
    card.alert_text.setText("Call father only")
    assert card.add_alert()
    assert card.alert_list.count() == 1 and "Call father only" in card.alert_banner.text()
    screen = main_window.show_screen("calendar")
    assert isinstance(screen, DayViewScreen)
    screen.refresh()
    assert screen.wait_until_loaded()
    item = next(i for i in screen.grid.items if i.id == appt)
    assert item.icon.startswith("⚠")
    assert "⚠ Contact: Call father only" in screen._tooltip(item)
    other = next(i for i in screen.grid.items if i.id != appt) if len(screen.grid.items) > 1 else None
    assert other is None or "⚠" not in other.icon


@pytest.fixture
def southside(db, world):
    """A visit for Kid1 at another location in another zone, next Thursday (before the window exists)."""
    from orca_desk.models.clinic import Chair, Location

    with db.write() as s:
        south = Location(clinic_id=world.clinic.id, name="Southside", timezone="America/Chicago")
        s.add(south)
        s.flush()
        chair = Chair(location_id=south.id, name="South 1")
        s.add(chair)
        s.flush()
        start = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)
        s.add(
            Appointment(
                clinic_id=world.clinic.id,
                patient_id=world.patients[1].id,
                provider_id=world.ortho.id,
                chair_id=chair.id,
                location_id=south.id,
                type_id=world.adjustment.id,
                start_at=start,
                end_at=start.replace(minute=20),
                created_at=start,
                updated_at=start,
            )
        )
        return south.id


def test_card_from_the_appointment_menu_goes_to_the_next_visit(southside, main_window, ctx, world, db, qtbot):
    today = book(
        db,
        ctx.actor,
        world,
        start=datetime(2026, 3, 3, 8, 0, tzinfo=NY),
        now=datetime(2026, 3, 2, tzinfo=UTC),
        patient=1,
    )
    screen = main_window.show_screen("calendar")
    screen.refresh()
    assert screen.wait_until_loaded()
    menu = screen.build_context_menu(today)
    action = next(a for a in menu.actions() if a.text() == "Patient card…")

    def go() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PatientCardDialog)
        assert dialog.upcoming_table.rowCount() == 1 and dialog.past_table.rowCount() == 1
        dialog.go_to_next_visit()

    QTimer.singleShot(0, go)
    action.trigger()
    assert main_window.day == date(2026, 3, 5)
    assert main_window.location_id == southside


def test_the_sibling_picker_lists_patients_as_the_desk_reads_them(ctx, world, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    with ctx.db.write() as s:
        p = s.get(Patient, world.patients[1].id)
        p.date_of_birth = date(2013, 9, 21)
    shown: list[str] = []

    def get_item(parent, title, label, items, current, editable):
        shown.extend(items)
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Kid1", True))
    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    card = _card(ctx, qtbot, world.patients[0].id)
    assert card._pick_patient("Same family as…", "Find the sibling") == world.patients[1].id
    assert shown == [f"Kid1 Smith, Sep 21, 2013, (617) 555-1001  (#{world.patients[1].id})"]


def test_merge_is_offered_to_managers_only(ctx, world, qtbot):
    card = _card(ctx, qtbot, world.patients[0].id)
    assert not card.merge_button.isHidden()
    assert card.merge_with(world.patients[3].id)
    assert "Merged patient" in card.error.text()
    receptionist = Actor(
        "maria", "receptionist", display_name="Maria", permissions=ROLE_PERMISSIONS["receptionist"]
    )
    other = _card(replace(ctx, actor=receptionist), qtbot, world.patients[1].id)
    assert other.merge_button.isHidden()
    assert not other.merge_with(world.patients[2].id)
    assert "may not merge" in other.error.text()


def test_card_screenshot_at_1280x720(ctx, world, qtbot, tmp_path):
    from orca_desk.services.patient_card import add_alert, set_consent

    pid = world.patients[0].id
    with ctx.db.write() as s:
        p = s.get(Patient, pid)
        p.guardian_name, p.guardian_relation, p.guardian_phone = "Pat Smith", "mother", "+16175551000"
        p.chart_number, p.preferred_name, p.date_of_birth = "C-2041", "Kiddo", date(2013, 6, 2)
        p.notes = "Braces since 2025. Prefers after-school times."
        add_alert(s, ctx.actor, pid, "allergy", "Latex", now=ctx.clock.now())
        add_alert(s, ctx.actor, pid, "contact", "Call mother only", now=ctx.clock.now())
        set_consent(s, ctx.actor, pid, "sms", False, "phone call: moved", now=ctx.clock.now())
        set_consent(s, ctx.actor, pid, "sms", True, "intake form", now=ctx.clock.now())
        for day, hour in ((3, 20), (10, 15), (24, 15)):
            book(
                s,
                ctx.actor,
                world,
                start=datetime(2026, 3, day, hour, 0, tzinfo=UTC),
                now=datetime(2026, 3, 1, tzinfo=UTC),
            )
    card = _card(ctx, qtbot, pid)
    card.resize(1280, 720)
    card.show()
    qtbot.waitExposed(card)
    folder = os.environ.get("ORCA_H11_SHOTS") or str(tmp_path)
    for index, name in enumerate(("details", "contacts", "alerts", "visits")):
        card.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert card.grab().save(f"{folder}/patient_card_{name}.png")
    # Nothing on the details page is squeezed below its own size hint.
    card.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    for widget in (card.first_name, card.guardian_email, card.save_button, card.family_button):
        assert widget.width() >= min(widget.sizeHint().width(), 120)
        assert widget.height() >= widget.sizeHint().height()


def test_ctrl_f_opens_the_card_and_its_next_visit_closes_the_search(southside, main_window, qtbot):
    from orca_desk.views.calendar.patient_search import PatientSearchDialog

    screen = main_window.show_screen("calendar")

    def in_search() -> None:
        search = QApplication.activeModalWidget()
        assert isinstance(search, PatientSearchDialog)
        search.search.setText("Kid1")
        qtbot.waitUntil(lambda: search.card_button.isEnabled(), timeout=3000)

        def in_card() -> None:
            card = QApplication.activeModalWidget()
            assert isinstance(card, PatientCardDialog)
            assert card.first_name.text() == "Kid1"
            card.go_to_next_visit()

        QTimer.singleShot(0, in_card)
        search.card_button.click()

    QTimer.singleShot(0, in_search)
    screen.find_patient()
    assert main_window.day == date(2026, 3, 5)
    assert main_window.location_id == southside
