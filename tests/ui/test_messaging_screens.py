"""Outbox screen (filters, history, retry, cancel) and Messages inbox (conversation, mark read, compose)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orca_desk.models.messaging import InboundMessage, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.messaging import outbox
from orca_desk.services.phones import format_phone
from orca_desk.views.messaging.inbox_view import InboxScreen, open_conversation
from orca_desk.views.messaging.outbox_view import OutboxScreen
from tests.factories import inbound_reply


@pytest.fixture
def messages(db, world, clock):
    """Three outbox messages (queued SMS, failed SMS, sent email) and one unread reply needing review."""
    now = clock.now()
    with db.write() as s:
        p0, p1 = (s.get(Patient, world.patients[0].id), s.get(Patient, world.patients[1].id))
        assert p0 is not None and p1 is not None
        p1.contact_email, p1.email_consent = "mum@example.com", True
        queued = outbox.enqueue(
            s,
            clinic_id=p0.clinic_id,
            channel="sms",
            to_address=p0.contact_phone or "",
            body="Reminder for Kid0 tomorrow",
            purpose="reminder",
            dedupe_key="t:1",
            now=now - timedelta(hours=3),
            patient_id=p0.id,
        )
        failed = outbox.enqueue(
            s,
            clinic_id=p0.clinic_id,
            channel="sms",
            to_address=p0.contact_phone or "",
            body="Opening offer for Kid0",
            purpose="waitlist_offer",
            dedupe_key="t:2",
            now=now - timedelta(hours=2),
            patient_id=p0.id,
        )
        failed.status, failed.error = "failed", "provider refused: 21211"
        outbox.add_event(s, failed.id, "failed", "provider refused: 21211", now - timedelta(hours=2))
        sent = outbox.enqueue(
            s,
            clinic_id=p1.clinic_id,
            channel="email",
            to_address="mum@example.com",
            subject="Kid1's visit",
            body="Email for Kid1",
            purpose="reminder",
            dedupe_key="t:3",
            now=now - timedelta(hours=1),
            patient_id=p1.id,
        )
        sent.status, sent.sent_at = "sent", now - timedelta(minutes=59)
        answer = inbound_reply(
            p0.clinic_id,
            "can we do 4pm instead?",
            received_at=now - timedelta(minutes=30),
            from_address=p0.contact_phone or "",
            kind="needs_review",
            patient_id=p0.id,
            needs_review=True,
        )
        s.add(answer)
        s.flush()
        return {
            "queued": queued.id,
            "failed": failed.id,
            "sent": sent.id,
            "reply": answer.id,
            "p0": p0.id,
            "p1": p1.id,
        }


def _outbox(qtbot, ctx) -> OutboxScreen:
    screen = OutboxScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    return screen


def test_outbox_lists_and_filters(qtbot, ctx, messages):
    screen = _outbox(qtbot, ctx)
    assert [r.id for r in screen.model.rows()] == [messages["sent"], messages["failed"], messages["queued"]]
    assert "3 messages" in screen.count_label.text()
    screen.status_combo.setCurrentIndex(screen.status_combo.findData("failed"))
    assert [r.id for r in screen.model.rows()] == [messages["failed"]]
    screen.status_combo.setCurrentIndex(0)
    screen.channel_combo.setCurrentIndex(screen.channel_combo.findData("email"))
    assert [r.id for r in screen.model.rows()] == [messages["sent"]]
    screen.channel_combo.setCurrentIndex(0)
    screen.purpose_combo.setCurrentIndex(screen.purpose_combo.findData("waitlist_offer"))
    assert [r.id for r in screen.model.rows()] == [messages["failed"]]
    screen.purpose_combo.setCurrentIndex(0)
    screen.search.setText("Kid1")
    screen.apply_filters()
    assert [r.id for r in screen.model.rows()] == [messages["sent"]]
    screen.search.setText("")
    screen.all_dates.setChecked(False)  # last 7 days to today: all three
    assert len(screen.model.rows()) == 3
    screen.date_to.setDate(screen.date_to.date().addDays(-2))
    assert screen.model.rows() == []


def test_outbox_history_retry_and_cancel(qtbot, ctx, db, messages):
    screen = _outbox(qtbot, ctx)
    assert screen.select_message(messages["failed"])
    assert [e.status for e in screen.history_model.rows()] == ["queued", "failed"]
    assert "21211" in screen.error_label.text()
    assert screen.retry_button.isEnabled() and not screen.cancel_button.isEnabled()
    screen.retry_selected()
    with db.read() as s:
        assert s.get(OutboxMessage, messages["failed"]).status == "queued"  # type: ignore[union-attr]
    assert screen.select_message(messages["queued"])
    assert screen.cancel_button.isEnabled() and not screen.retry_button.isEnabled()
    screen.cancel_selected()
    with db.read() as s:
        assert s.get(OutboxMessage, messages["queued"]).status == "cancelled"  # type: ignore[union-attr]
    assert screen.selected_row() is not None and screen.selected_row().status == "cancelled"  # type: ignore[union-attr]


def test_outbox_pages_with_fetch_more(qtbot, ctx, db, world, clock):
    with db.write() as s:
        p = s.get(Patient, world.patients[0].id)
        assert p is not None
        for i in range(450):
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
    screen = _outbox(qtbot, ctx)
    assert screen.model.rowCount() == 200 and screen.model.canFetchMore()
    screen.model.fetchMore()
    screen.model.fetchMore()
    assert screen.model.rowCount() == 450 and not screen.model.canFetchMore()


def test_inbox_shows_the_conversation_and_marks_it_read(qtbot, ctx, db, messages):
    screen = InboxScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    first = screen.conversations.row_at(0)
    assert first.patient_id == messages["p0"] and first.needs_review and first.unread == 1
    assert screen.current is not None and screen.current.key == first.key  # opened on show
    texts = [(m.direction, m.text) for m in screen.messages.rows()]
    assert texts == [
        ("out", "Reminder for Kid0 tomorrow"),
        ("out", "Opening offer for Kid0"),
        ("in", "can we do 4pm instead?"),
    ]
    assert "needs a person" in screen.context_label.text()
    # The family's number as the desk dials it (stored and searched as +1…, shown nationally).
    shown = format_phone(first.address, "US")
    assert first.address.startswith("+1") and shown.startswith("(")
    assert first.address_shown == shown and shown in screen.title.text()
    assert screen.mark_read() == 1
    with db.read() as s:
        reply = s.get(InboundMessage, messages["reply"])
        assert reply is not None and not reply.unread and not reply.needs_review
    assert screen.conversations.row_at(0).unread == 0


def test_a_long_last_message_is_cut_short_in_the_list_not_scrolled_sideways(qtbot, ctx, db, world, clock):
    with db.write() as s:
        s.add(
            inbound_reply(
                world.clinic.id,
                "Sorry, " + "we cannot make it on Tuesday after school " * 8,
                received_at=clock.now(),
                patient_id=world.patients[0].id,
            )
        )
    screen = InboxScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(900, 600)
    screen.show()
    qtbot.waitUntil(lambda: screen.conversations.rowCount() == 1)
    view = screen.list
    item = view.visualRect(screen.conversations.index(0, 0))
    assert item.width() <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0


def test_compose_queues_a_staff_message_and_policy_refusals_show(qtbot, ctx, db, messages, main_window):
    screen = main_window.screens["messages"]
    row = open_conversation(main_window, messages["p1"])
    assert main_window.current_screen() is screen and screen.current.key == row.key
    screen.channel_combo.setCurrentIndex(screen.channel_combo.findData("email"))
    screen.subject.setText("Hello")
    screen.compose.setPlainText("Please call us about Kid1's visit.")
    message_id = screen.send()
    assert message_id is not None, screen.error_label.text()
    with db.read() as s:
        m = s.get(OutboxMessage, message_id)
        assert m is not None
        assert (m.purpose, m.created_by, m.to_address) == ("manual", "manager", "mum@example.com")
    # Texts and emails need recorded consent: without it the refusal is shown, nothing queued.
    with db.write() as s:
        p = s.get(Patient, messages["p1"])
        assert p is not None
        p.sms_consent = p.email_consent = False
    screen.subject.setText("Again")
    screen.compose.setPlainText("Again")
    assert screen.send() is None
    assert "no email consent is recorded" in screen.error_label.text()
    screen.channel_combo.setCurrentIndex(screen.channel_combo.findData("sms"))
    screen.compose.setPlainText("hi")
    assert screen.send() is None
    assert "consent" in screen.error_label.text()
