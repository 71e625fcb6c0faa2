"""The appointment card (double-click or Enter in the book) and the hover quick card."""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QTimer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication, QInputDialog
from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.models.audit import AuditEvent
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services import patient_card as pc
from orca_desk.services.booking import booking
from orca_desk.services.clinic import clinic_settings
from orca_desk.views.calendar.appointment_card import AppointmentCardDialog
from orca_desk.views.calendar.day_view import DayViewScreen
from tests.factories import desk_book, inbound_reply
from tests.ui.conftest import TEST_DAY

NY = ZoneInfo("America/New_York")


def at(hour: int, minute: int = 0, day: date = TEST_DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


def _view(main_window) -> DayViewScreen:
    view = main_window.show_screen("calendar")
    assert isinstance(view, DayViewScreen)
    view.refresh()
    assert view.wait_until_loaded()
    return view


def _family(ctx, world, *, patient=0, consent=True) -> int:
    """Give a patient a birthday, a guardian who takes the texts, and an alert."""
    p = world.patients[patient]
    with ctx.db.write() as s:
        row = s.get(Patient, p.id)
        assert row is not None
        row.date_of_birth = date(2013, 7, 1)
        row.guardian_name, row.guardian_relation = "Ana Smith", "mother"
        row.guardian_phone = row.contact_phone = "+16175552222"
        row.phone = "+16175553333"
        row.sms_consent = consent
        pc.add_alert(s, ctx.actor, p.id, "allergy", "Latex", now=ctx.clock.now())
    return p.id


def _card(ctx, qtbot, appt_id, view=None) -> AppointmentCardDialog:
    card = AppointmentCardDialog(ctx, appt_id, calendar=view, parent=view)
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    card.activateWindow()
    qtbot.waitUntil(card.isActiveWindow, timeout=2000)
    return card


def _set_time_format(ctx, style: str) -> None:
    with ctx.db.write() as s:
        chosen = replace(clinic_settings.load_settings(s), time_format=style)
        clinic_settings.save_settings(s, ctx.actor, chosen, now=ctx.clock.now())


# --- opening -------------------------------------------------------------------------------------


def test_double_click_and_enter_open_the_card_of_that_visit(main_window, ctx, world, qtbot, monkeypatch):
    first = desk_book(ctx, world, patient=0, start=at(15))
    second = desk_book(ctx, world, patient=1, chair=1, start=at(16))
    view = _view(main_window)
    opened: list[int] = []
    monkeypatch.setattr(view, "open_appointment_card", opened.append)
    item = view.grid.item(second)
    assert item is not None
    qtbot.mouseDClick(view.grid, Qt.MouseButton.LeftButton, pos=item.rect.center().toPoint())
    assert opened == [second]
    view.grid.setFocus()
    view.grid.select_item(first)
    qtbot.keyClick(view.grid, Qt.Key.Key_Return)
    assert opened == [second, first]


def test_enter_shows_the_card_and_esc_closes_it(main_window, ctx, world, qtbot):
    appt = desk_book(ctx, world, patient=2, start=at(16))
    view = _view(main_window)
    seen: dict[str, object] = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        seen["dialog"] = dialog
        if isinstance(dialog, AppointmentCardDialog):
            seen["id"] = dialog.appointment_id
            seen["title"] = dialog.title.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, look)
    view.grid.setFocus()
    view.grid.select_item(appt)
    qtbot.keyClick(view.grid, Qt.Key.Key_Enter)
    assert isinstance(seen["dialog"], AppointmentCardDialog)
    assert seen["id"] == appt and "Kid2 Smith" in str(seen["title"])
    assert QApplication.activeModalWidget() is None  # Esc closed it


def test_patient_card_is_one_button_away(main_window, ctx, world, qtbot):
    from orca_desk.views.patients.patient_card import PatientCardDialog

    appt = desk_book(ctx, world, patient=1, start=at(16))
    card = _card(ctx, qtbot, appt, _view(main_window))
    seen = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        dialog.reject()

    QTimer.singleShot(0, look)
    card.patient_button.click()
    assert isinstance(seen[0], PatientCardDialog) and seen[0].patient_id == world.patients[1].id


# --- what it shows ---------------------------------------------------------------------------------


def test_card_shows_guardian_phone_notes_alerts_history_and_messages(main_window, ctx, world, qtbot):
    patient_id = _family(ctx, world)
    appt = desk_book(ctx, world, patient=0, start=at(16), notes="Bring the retainer case")
    now = ctx.clock.now()
    with ctx.db.write() as s:
        booking.set_status(s, ctx.actor, appt, "confirmed", now=now)
        s.add(
            inbound_reply(
                world.clinic.id,
                "see you at 4",
                received_at=now,
                provider_id="SM9",
                patient_id=patient_id,
                appointment_id=appt,
            )
        )
    card = _card(ctx, qtbot, appt, _view(main_window))
    assert card.text_family("Please bring the retainer case") is not None
    assert "Ana Smith (mother)" in card.guardian.text()
    assert card.guardian_phone.text().startswith("(617) 555-2222")  # national format, as the call list dials
    assert card.phone.text() == "(617) 555-3333"
    assert card.age.text().startswith("12 ") and card.age.text().endswith("(born Jul 1, 2013)")  # not ISO
    assert "Latex" in card.alert_banner.text() and card.alert_banner.isVisibleTo(card)
    assert card.notes.toPlainText() == "Bring the retainer case"
    assert "4:00 PM–4:20 PM" in card.when.text()  # the location's local time, not UTC (21:00)
    history = [card.history.row_at(i).label for i in range(card.history.rowCount())]
    assert history == ["Confirmed", "Booked"]  # newest first, from the audit trail
    assert "Confirmation: confirmed" in card.state.text()
    texts = [card.messages.row_at(i) for i in range(card.messages.rowCount())]
    assert {(m.direction, m.address, m.text) for m in texts} == {
        ("out", "(617) 555-2222", "Please bring the retainer case"),
        ("in", "(617) 555-2222", "see you at 4"),
    }


def test_editing_notes_saves_and_is_audited(main_window, ctx, world, qtbot):
    appt = desk_book(ctx, world, patient=0, start=at(16), notes="old")
    view = _view(main_window)
    card = _card(ctx, qtbot, appt, view)
    card.notes.setPlainText("Dad brings her; leaves at 4:30")
    qtbot.keyClick(card, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).notes == "Dad brings her; leaves at 4:30"
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "notes")).one()
        assert (event.entity, event.entity_id, event.actor) == ("appointment", appt, "manager")
        assert event.before == {"notes": "old"} and event.after == {"notes": "Dad brings her; leaves at 4:30"}
    assert card.history.row_at(0).label.startswith("Notes changed")
    # the calendar's next command knows the new version: confirming still works
    assert card.confirm()
    card.notes.setPlainText("x" * 1001)
    assert not card.save_notes() and "notes" in card.error.text().lower()
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).notes == "Dad brings her; leaves at 4:30"
    card.notes.setPlainText("Dad brings her; leaves at 4:30")  # nothing left to ask about on close


# --- actions ---------------------------------------------------------------------------------------


def test_cancel_asks_the_reason_and_cancels_undoably(main_window, ctx, world, qtbot, monkeypatch):
    appt = desk_book(ctx, world, patient=0, start=at(16))
    view = _view(main_window)
    card = _card(ctx, qtbot, appt, view)
    asked = []

    def get_item(_parent, title, label, items, current, editable):
        asked.append(label)
        return "sick", True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    assert not card.no_show_button.isEnabled()  # 4 PM has not come yet
    qtbot.keyClick(card, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # Cance&l visit…
    qtbot.waitUntil(lambda: bool(asked), timeout=2000)  # a mnemonic animates the click
    assert "Kid0 Smith" in asked[0]
    with ctx.db.read() as s:
        a = s.get(Appointment, appt)
        assert (a.status, a.cancel_reason) == ("cancelled", "sick")
    assert "cancelled (sick" in card.state.text()
    assert card.history.row_at(0).label == "Cancelled (sick)"
    assert not card.cancel_button.isEnabled() and not card.confirm_button.isEnabled()
    view.undo_stack.undo()
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).status == "scheduled"


def test_confirm_and_no_show(main_window, ctx, world, qtbot):
    appt = desk_book(ctx, world, patient=0, start=at(8, 30))  # began half an hour ago
    view = _view(main_window)
    card = _card(ctx, qtbot, appt, view)
    card.confirm_button.click()
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).status == "confirmed"
    assert not card.confirm_button.isEnabled()
    card.no_show_button.click()
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).status == "no_show"
    assert "no-show" in card.state.text().lower()


def test_move_picks_a_new_time(main_window, ctx, world, qtbot, monkeypatch):
    from PySide6.QtCore import QTime

    from orca_desk.views.calendar.reschedule_dialog import RescheduleDialog

    appt = desk_book(ctx, world, patient=0, start=at(16))
    card = _card(ctx, qtbot, appt, _view(main_window))

    def exec_(dialog: RescheduleDialog) -> int:
        dialog.time_edit.setTime(QTime(17, 0))
        return 1

    monkeypatch.setattr(RescheduleDialog, "exec", exec_)
    assert card.move_to()
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).start_at == at(17)
    assert "5:00 PM" in card.when.text() and card.history.row_at(0).label.startswith("Moved from")


def test_text_family_queues_an_outbox_row(main_window, ctx, world, qtbot, monkeypatch):
    _family(ctx, world)
    appt = desk_book(ctx, world, patient=0, start=at(16))
    card = _card(ctx, qtbot, appt, _view(main_window))
    from orca_desk.views.calendar import appointment_card as view_module

    seen = {}

    def exec_(dialog) -> int:
        seen["text"] = dialog.body.toPlainText()
        return 1

    monkeypatch.setattr(view_module.TextFamilyDialog, "exec", exec_)
    message_id = card.compose_text()
    assert message_id is not None
    assert "4:00 PM" in seen["text"] and "Kid0" in seen["text"]  # suggested in local time
    with ctx.db.read() as s:
        m = s.get(OutboxMessage, message_id)
        assert (m.appointment_id, m.to_address, m.channel) == (appt, "+16175552222", "sms")
        assert m.status == "queued"
        assert m.body == seen["text"]


def test_text_family_is_refused_without_consent(main_window, ctx, world, qtbot):
    _family(ctx, world, consent=False)
    appt = desk_book(ctx, world, patient=0, start=at(16))
    card = _card(ctx, qtbot, appt, _view(main_window))
    assert card.text_family("See you at 4") is None
    assert "Cannot text Kid0 Smith" in card.error.text() and "consent" in card.error.text()
    with ctx.db.read() as s:
        assert s.scalars(select(OutboxMessage)).first() is None


@pytest.mark.parametrize(("style", "shown"), [("12h", "4:00 PM"), ("24h", "16:00")])
def test_printed_card_has_the_name_and_local_time(main_window, ctx, world, qtbot, tmp_path, style, shown):
    from orca_desk.views.calendar.appointment_card import CardPrintDialog

    _set_time_format(ctx, style)
    appt = desk_book(ctx, world, patient=3, start=at(16))
    card = _card(ctx, qtbot, appt, _view(main_window))
    pdf = card.card_pdf()
    assert pdf.startswith(b"%PDF")
    dialog = CardPrintDialog(pdf, "Kid3 Smith", parent=card)
    qtbot.addWidget(dialog)
    path = tmp_path / "card.pdf"
    dialog.save_pdf(path)
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(path.read_bytes()))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    assert document.pageCount() == 1
    text = document.getAllText(0).text()
    assert "Kid3 Smith" in text and shown in text and "Tue, Mar 3, 2026" in text
    assert "21:00" not in text  # not UTC


def test_every_action_has_a_mnemonic_and_the_card_fits_720p(main_window, ctx, world, qtbot, tmp_path):
    _family(ctx, world)
    appt = desk_book(ctx, world, patient=0, start=at(16), notes="Bring the retainer case")
    card = _card(ctx, qtbot, appt, _view(main_window))
    buttons = [
        card.confirm_button,
        card.move_button,
        card.reschedule_button,
        card.cancel_button,
        card.no_show_button,
        card.series_button,
        card.text_button,
        card.print_button,
        card.patient_button,
        card.save_notes_button,
    ]
    keys = [b.text().split("&")[1][0].lower() for b in buttons]
    assert len(set(keys)) == len(keys)  # each button has its own Alt+letter
    hint = card.sizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720
    assert card.minimumSizeHint().height() <= 700
    card.resize(QSize(hint.width(), hint.height()))
    card.show()
    qtbot.waitExposed(card)
    assert card.grab().save(str(tmp_path / "appointment-card.png"))


# --- the hover quick card ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "visit", "last", "nxt"),
    [
        ("12h", "4:00 PM–4:20 PM", "Tue, Mar 3, 2026, 8:00 AM", "Tue, Mar 10, 2026, 3:00 PM"),
        ("24h", "16:00–16:20", "Tue, Mar 3, 2026, 08:00", "Tue, Mar 10, 2026, 15:00"),
    ],
)
def test_quick_card_tooltip(main_window, ctx, world, qtbot, monkeypatch, style, visit, last, nxt):
    _family(ctx, world)
    _set_time_format(ctx, style)
    earlier = desk_book(ctx, world, patient=0, chair=1, start=at(8))
    with ctx.db.write() as s:
        for status in ("arrived", "seated", "completed"):
            booking.set_status(s, ctx.actor, earlier, status, now=ctx.clock.now())
    appt = desk_book(ctx, world, patient=0, start=at(16))
    desk_book(ctx, world, patient=0, start=at(15, day=TEST_DAY + timedelta(days=7)))
    view = _view(main_window)
    item = view.grid.item(appt)
    assert item is not None
    from orca_desk.services import appointment_card as svc

    loads = []
    real = svc.load_quick_card
    monkeypatch.setattr(svc, "load_quick_card", lambda *a, **k: loads.append(1) or real(*a, **k))
    text = view._tooltip(item)
    assert view._tooltip(item) == text and len(loads) == 1  # kept until the next load
    cells = [html.unescape(c).strip() for c in re.split(r"<[^>]+>", text) if c.strip()]
    assert cells[:2] == ["Kid0 Smith", f"Tue, Mar 3, 2026, {visit}"]
    pairs = dict(itertools.pairwise(cells))
    assert pairs["Age"] == "12"
    assert pairs["Guardian"] == "Ana Smith (mother)"
    assert pairs["Phone"] == "(617) 555-2222"
    assert "⚠ Allergy: Latex" in cells
    assert pairs["Last visit"] == f"{last} · Adjustment"
    assert pairs["Next visit"] == f"{nxt} · Adjustment"
    assert ("PM" in text) == (style == "12h")
    view.refresh()
    assert view.wait_until_loaded()
    view._tooltip(view.grid.item(appt))
    assert len(loads) == 2  # a new load of the book loads it again


def test_series_is_shown_and_opens_and_reschedule_uses_the_calendars_command(
    main_window, ctx, world, qtbot, monkeypatch
):
    from orca_desk.services.series import create_series
    from orca_desk.views.calendar import series_actions

    with ctx.db.write() as s:
        sid = create_series(
            s,
            ctx.actor,
            patient_id=world.patients[0].id,
            provider_id=world.hygienist.id,
            chair_id=world.chairs[0].id,
            type_id=world.adjustment.id,
            rrule="FREQ=WEEKLY;COUNT=6",
            dtstart=at(15, 45),
            minutes=20,
            now=ctx.clock.now(),
        )
        appt = s.scalar(
            select(Appointment.id).where(Appointment.series_id == sid).order_by(Appointment.start_at).limit(1)
        )
    view = _view(main_window)
    card = _card(ctx, qtbot, appt, view)
    assert card.series.text() == "Weekly on Tuesday, 6 times" and card.series_button.isEnabled()
    opened = []
    monkeypatch.setattr(series_actions, "open_series_dialog", lambda _w, _c, a: opened.append(a.id) or False)
    card.series_button.click()
    assert opened == [appt]
    asked = []
    monkeypatch.setattr(view, "reschedule", lambda appt_id: asked.append(appt_id) or False)
    card.reschedule_button.click()
    assert asked == [appt]


def test_closing_with_changed_notes_asks_to_save_them(main_window, ctx, world, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    appt = desk_book(ctx, world, patient=0, start=at(16), notes="old")
    card = _card(ctx, qtbot, appt, _view(main_window))
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save]
    asked = []

    def question(*_args, **_kw):
        asked.append(1)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    card.notes.setPlainText("new")
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    assert len(asked) == 1 and card.isVisible()  # Cancel: the card stays open
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    assert len(asked) == 2 and not card.isVisible()
    with ctx.db.read() as s:
        assert s.get(Appointment, appt).notes == "new"


def test_notes_refused_when_another_desk_changed_the_visit(main_window, ctx, world, qtbot):
    appt = desk_book(ctx, world, patient=0, start=at(16))
    card = _card(ctx, qtbot, appt, _view(main_window))
    with ctx.db.write() as s:  # another desk confirms meanwhile
        booking.set_status(s, ctx.actor, appt, "confirmed", now=ctx.clock.now())
    card.notes.setPlainText("mine")
    assert not card.save_notes()
    assert "Another desk" in card.error.text()
    assert "confirmed" in card.state.text() and card.notes.toPlainText() == "mine"
    assert card.save_notes()  # now against what the other desk left
