"""Settings screen: invalid input refused with its message and nothing saved; secrets and the keyring."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QTime
from sqlalchemy import func, select

from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.models.messaging import MessageTemplate
from orca_desk.views.settings.settings_screen import SettingsScreen
from tests.services.test_clinic_settings import MemoryKeyring


@pytest.fixture
def fail_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _screen(qtbot, ctx) -> SettingsScreen:
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    ctx.ops.wait()  # where secrets live is asked off the UI thread
    return screen


def test_equal_quiet_hours_are_refused_with_a_message_and_nothing_saved(qtbot, ctx, db, fail_keyring):
    screen = _screen(qtbot, ctx)
    screen.quiet_start.setTime(QTime(21, 0))
    screen.quiet_end.setTime(QTime(21, 0))
    assert screen.save() is False
    assert "same time (21:00)" in screen.error_label.text()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ClinicSetting)) == 0


def test_valid_settings_are_saved(qtbot, ctx, db, fail_keyring):
    screen = _screen(qtbot, ctx)
    screen.quiet_start.setTime(QTime(20, 0))
    screen.daily_budget.setValue(2)
    with qtbot.waitSignal(screen.sig_status):
        assert screen.save() is True
    with db.read() as s:
        stored = {k: v for k, v in s.execute(select(ClinicSetting.key, ClinicSetting.value))}
    assert stored["quiet_start"] == "20:00" and stored["daily_budget_per_number"] == "2"


def test_waitlist_hold_and_offer_cap_are_edited_and_validated(qtbot, ctx, db, fail_keyring):
    screen = _screen(qtbot, ctx)
    assert (screen.waitlist_hold.value(), screen.waitlist_max_offers.value()) == (120, 3)
    screen.waitlist_hold.setValue(10)
    assert screen.save() is False
    assert "waitlist hold" in screen.error_label.text()
    assert screen.focusWidget() is screen.waitlist_hold
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ClinicSetting)) == 0
    screen.waitlist_hold.setValue(90)
    screen.waitlist_max_offers.setValue(4)
    with qtbot.waitSignal(screen.sig_status):
        assert screen.save() is True
    with db.read() as s:
        stored = {k: v for k, v in s.execute(select(ClinicSetting.key, ClinicSetting.value))}
    assert stored["waitlist_hold_minutes"] == "90" and stored["waitlist_max_offers"] == "4"


def test_secret_fields_are_disabled_and_explained_without_a_keyring(qtbot, ctx, fail_keyring):
    screen = _screen(qtbot, ctx)
    screen.sms_provider.setCurrentIndex(screen.sms_provider.findData("twilio"))
    screen.email_provider.setCurrentIndex(screen.email_provider.findData("sendgrid"))
    assert screen.twilio_sid.isEnabled()
    assert not screen.twilio_token.isEnabled() and not screen.sendgrid_key.isEnabled()
    note = screen.keyring_note.text()
    assert "no OS keyring" in note and "ORCA_DESK_TWILIO_AUTH_TOKEN" in note
    assert "ORCA_DESK_SENDGRID_API_KEY" in note and "disabled" in note
    assert "ORCA_DESK_TWILIO_AUTH_TOKEN" in screen.twilio_token.placeholderText()


def test_secrets_typed_in_go_to_the_keyring_not_the_database(qtbot, ctx, db, memory_keyring):
    screen = _screen(qtbot, ctx)
    screen.sms_provider.setCurrentIndex(screen.sms_provider.findData("twilio"))
    assert screen.twilio_token.isEnabled()
    screen.twilio_sid.setText("AC" + "1" * 32)
    screen.twilio_from.setText("+16175550111")
    screen.twilio_token.setText("secret-token-42")
    assert screen.save() is True, screen.error_label.text()
    assert memory_keyring.store[("Orca Desk", "ORCA_DESK_TWILIO_AUTH_TOKEN")] == "secret-token-42"
    with db.read() as s:
        assert "secret-token-42" not in " ".join(s.scalars(select(ClinicSetting.value)))
    assert screen.twilio_token.text() == ""  # never shown back
    ctx.ops.wait()
    assert "stored in the OS keyring" in screen.twilio_token.placeholderText()


def _select_template(screen: SettingsScreen, key: str, channel: str) -> None:
    screen.tabs.setCurrentWidget(screen.templates)
    assert screen.templates.select(key, channel)


def test_template_editor_refuses_an_unknown_variable(qtbot, ctx, db, fail_keyring):
    screen = _screen(qtbot, ctx)
    editor = screen.templates
    _select_template(screen, "reminder.confirm", "sms")
    editor.body.setPlainText("Hi {frist_name}, see you {date}")
    check = editor.update_checks()
    assert check is not None and "{frist_name}" in editor.problems.text()
    assert editor.save() is False
    assert "did you mean {first_name}" in editor.problems.text()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MessageTemplate)) == 0
    editor.body.setPlainText("Hi {first_name}, see you {date} at {time}.")
    assert editor.save() is True
    with db.read() as s:
        assert s.scalar(select(MessageTemplate.body)) == "Hi {first_name}, see you {date} at {time}."


def test_a_template_saved_keeps_unsaved_edits_on_the_clinic_tab(qtbot, ctx, db, fail_keyring):
    screen = _screen(qtbot, ctx)
    screen.clinic_name.setText("Bright Smiles (typing)")
    _select_template(screen, "reminder.confirm", "sms")
    screen.templates.body.setPlainText("Hi {first_name}, see you {date} at {time}.")
    assert screen.templates.save() is True
    assert screen.clinic_name.text() == "Bright Smiles (typing)"
    row = screen.templates.current
    assert row is not None and row.saved and row.key == "reminder.confirm"
    listed = screen.templates.model.row_at(screen.templates.list.currentIndex().row())
    assert (listed.key, listed.saved) == ("reminder.confirm", True)  # the list reloaded


def test_template_editor_counts_segments_and_points_at_non_gsm_characters(qtbot, ctx, fail_keyring):
    screen = _screen(qtbot, ctx)
    editor = screen.templates
    _select_template(screen, "reminder.day_of", "sms")
    editor.body.setPlainText("See you at {time}, {first_name}!")
    editor.update_checks()
    assert "GSM-7 · 1 segment" in editor.counter.text()
    assert editor.non_gsm_label.text() == ""
    assert "See you at 3:30 PM, Emma!" in editor.preview.toPlainText()
    editor.body.setPlainText("See you at {time} \u2014 don\u2019t be late")
    editor.update_checks()
    assert "UCS-2" in editor.counter.text()
    assert "“—” at character 19" in editor.non_gsm_label.text()
    assert "“’” at character 24" in editor.non_gsm_label.text()
    assert len(editor.body.extraSelections()) == 2
    editor.body.setPlainText("x" * 170)
    editor.update_checks()
    assert "2 segments" in editor.counter.text()


def test_provider_feed_urls_are_shown_with_a_copy_button(qtbot, ctx, db, fail_keyring, monkeypatch):
    from PySide6.QtGui import QGuiApplication

    from orca_desk.services.links.link_tokens import verify_token
    from orca_desk.services.links.patient_links import ICAL

    secret = "s" * 40
    monkeypatch.setenv("ORCA_DESK_LINK_SECRET", secret)
    monkeypatch.setenv("ORCA_DESK_PUBLIC_BASE_URL", "https://links.example")
    screen = _screen(qtbot, ctx)
    assert screen.feed_rows == []  # nothing signed until asked
    screen.feeds_button.click()
    names = [label.text() for label, _f, _b in screen.feed_rows]
    assert names == sorted(names) and len(names) >= 2
    label, field, button = screen.feed_rows[0]
    url = field.text()
    assert url.startswith("https://links.example/ical/") and url.endswith(".ics")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    claims = verify_token(secret.encode(), token, ICAL, ctx.clock.now())
    with db.read() as s:
        from orca_desk.models.clinic import Provider

        assert s.get(Provider, claims.subject_id).name == label.text()
    with qtbot.waitSignal(screen.sig_status) as said:
        button.click()
    assert QGuiApplication.clipboard().text() == url
    assert said.args[0] == f"Copied {label.text()}'s calendar feed URL"


def test_send_test_message_goes_through_the_outbox_and_says_what_happened(qtbot, ctx, db, fail_keyring):
    from orca_desk.models.messaging import OutboxMessage
    from orca_desk.services.messaging.dispatch import dispatch_due
    from orca_desk.services.messaging.providers.local import LocalProvider

    screen = _screen(qtbot, ctx)
    screen.test_address.setText("not a number")
    assert screen.send_test_message() is False
    assert "phone" in screen.test_result.text().lower() or "number" in screen.test_result.text()
    screen.test_address.setText("(617) 555-0123")
    assert screen.send_test_message() is True
    assert "queued" in screen.test_result.text() and "+16175550123" in screen.test_result.text()
    with db.read() as s:
        m = s.scalars(select(OutboxMessage)).one()
        assert (m.purpose, m.channel, m.patient_id) == ("test", "sms", None)
    # 14:00 UTC is 09:00 in New York: outside quiet hours; no consent on file is waived.
    dispatch_due(
        db, {"sms": LocalProvider("sms"), "email": LocalProvider("email")}, now=ctx.clock.now(), worker_id="w"
    )
    with qtbot.waitSignal(screen.sig_status, timeout=5000) as said:
        pass
    assert said.args[0].startswith(f"Test message #{m.id} to +16175550123: sent through local")
    assert "sent through local" in screen.test_result.text()


def test_loopback_link_address_with_a_real_provider_is_warned(qtbot, ctx, db, fail_keyring, monkeypatch):
    """Families open links on their phones: http://127.0.0.1 there is the phone itself."""
    monkeypatch.delenv("ORCA_DESK_PUBLIC_BASE_URL", raising=False)
    for name in ("ORCA_DESK_SMS_PROVIDER", "ORCA_DESK_EMAIL_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    screen = _screen(qtbot, ctx)
    assert screen.loopback_note.isHidden()  # local providers: nothing leaves this computer
    screen.sms_provider.setCurrentIndex(screen.sms_provider.findData("twilio"))
    assert not screen.loopback_note.isHidden()
    assert "families cannot open those links" in screen.loopback_note.text()
    assert "http://127.0.0.1:8765" in screen.loopback_note.text()
    screen.public_base_url.setText("https://links.clinic.example")
    assert screen.loopback_note.isHidden()
    screen.public_base_url.setText("http://localhost:8765")
    assert not screen.loopback_note.isHidden()


def test_email_rate_is_edited_and_saved(qtbot, ctx, db, fail_keyring):
    screen = _screen(qtbot, ctx)
    assert screen.email_rate.value() == 1.0
    screen.email_provider.setCurrentIndex(screen.email_provider.findData("sendgrid"))
    screen.sendgrid_from.setText("desk@clinic.example")
    screen.email_rate.setValue(4.5)
    assert screen.save() is True
    with db.read() as s:
        stored = {k: v for k, v in s.execute(select(ClinicSetting.key, ClinicSetting.value))}
    assert stored["email_rate_per_second"] == "4.5"


def test_time_format_is_chosen_in_settings_and_used_for_times_shown(qtbot, ctx, db, fail_keyring):
    from orca_desk.services import local_time

    screen = _screen(qtbot, ctx)
    assert screen.time_format.currentData() == ""  # the clinic country's custom until chosen
    assert "12-hour" in screen.time_format.currentText()  # the test clinic is in the US
    screen.time_format.setCurrentIndex(screen.time_format.findData("24h"))
    with qtbot.waitSignal(screen.sig_status):
        assert screen.save() is True
    with db.read() as s:
        assert s.scalar(select(ClinicSetting.value).where(ClinicSetting.key == "time_format")) == "24h"
        assert local_time.clinic_time_format(s) == "24h"
    screen.refresh()
    assert screen.time_format.currentData() == "24h"


def test_the_templates_tab_is_built_and_loaded_when_first_shown(qtbot, ctx, fail_keyring):
    screen = _screen(qtbot, ctx)
    assert screen._templates is None  # opening Settings does not build or load it
    screen.tabs.setCurrentIndex(1)  # as a click on the tab does
    editor = screen.tabs.currentWidget()
    assert editor is screen.templates and editor.isVisible()
    assert editor.model.rowCount() > 0 and editor.current is not None
    assert screen.tabs.tabText(1) == "Message templates" and screen.tabs.tabText(2) == "API keys"
    assert screen.tabs.count() == 4 and screen.tabs.tabText(3) == "Online booking"
