"""Issue 18: every template editor counts an SMS live (characters, GSM-7/UCS-2, segments) and renders a
sample, with links as long as the clinic's real ones."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orca_desk.ui.sms_counter import SmsCounter, segment_summary
from orca_desk.views.campaigns.wizard import CampaignWizard
from orca_desk.views.recovery.screen import RecoveryScreen
from orca_desk.views.reminders.screen import RemindersScreen

ADDRESS = "https://go.brightsmiles.com"


@pytest.fixture(autouse=True)
def clinic_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCA_DESK_LINK_SECRET", "u" * 64)
    monkeypatch.setenv("ORCA_DESK_PUBLIC_BASE_URL", ADDRESS)


def test_counter_follows_the_text_as_it_changes(qtbot):
    from PySide6.QtWidgets import QPlainTextEdit

    edit = QPlainTextEdit()
    counter = SmsCounter(ADDRESS)
    qtbot.addWidget(edit)
    qtbot.addWidget(counter)
    counter.attach(edit)
    assert counter.summary.text() == "0 characters · GSM-7 · 0 segments"
    edit.setPlainText("{clinic_name}: tap {link}")
    text = counter.summary.text()
    assert text.endswith("GSM-7 · 1 segment") and counter.check is not None
    assert counter.sample.text().startswith(f"Sample: Bright Smiles Orthodontics: tap {ADDRESS}/c/")
    assert text.startswith(f"{len(counter.check.preview)} characters")
    edit.setPlainText("Price: 5€ [sale]")  # extension characters count twice
    assert counter.summary.text() == "16 characters · GSM-7 · 1 segment (counts as 19)"
    edit.setPlainText("We\u2019re open")  # one curly apostrophe: the whole text is UCS-2
    assert counter.summary.text() == "10 characters · UCS-2 · 1 segment"
    assert "70 characters in one segment, 67" in counter.summary.toolTip()
    edit.setPlainText("x" * 161)
    assert counter.summary.text() == "161 characters · GSM-7 · 2 segments"
    assert counter.summary.styleSheet()  # flagged: more than one segment


def test_campaign_variant_counts_its_sms(qtbot, ctx):
    wizard = CampaignWizard(ctx)
    qtbot.addWidget(wizard)
    box = wizard.message_page.variant_a
    assert box.sms.toPlainText() and "segment" in box.sms_counter.summary.text()  # the library text
    box.sms.setPlainText("{clinic_name}: {patient_first_name} is due for a check. Call {clinic_phone}.")
    assert box.sms_counter.summary.text().endswith("GSM-7 · 1 segment")
    assert f"{ctx.clinic.name}: Liam is due for a check." in box.sms_counter.sample.text()
    # Counted with this clinic's own name ("Test Ortho: " is 12 characters).
    box.sms.setPlainText("{clinic_name}: " + "a" * 148)
    assert box.sms_counter.summary.text() == "160 characters · GSM-7 · 1 segment"
    box.sms.setPlainText("{clinic_name}: " + "a" * 149)
    assert box.sms_counter.summary.text().endswith("GSM-7 · 2 segments")


def test_reminder_step_counts_its_sms_with_the_clinic_link_length(qtbot, ctx):
    from orca_desk.services import reminders

    with ctx.db.write() as s:
        reminders.seed_default_sequences(s, ctx.clinic.id, now=ctx.clock.now())
    screen = RemindersScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.wait_until_loaded()  # the sequences load off the UI thread
    editor = screen.editor
    editor._select(1)  # the two-day reminder that asks to confirm
    assert "{link}" in editor.sms_text.toPlainText()
    assert editor.sms_counter.summary.text().endswith("GSM-7 · 1 segment")
    assert f"{ADDRESS}/c/" in editor.preview.text()
    editor.sms_text.setPlainText(editor.sms_text.toPlainText() + " Thank you for choosing us!")
    assert editor.sms_counter.summary.text().endswith("GSM-7 · 2 segments")
    assert "GSM-7 · 2 segments" in editor.preview.text()


def test_recovery_sequence_shows_the_selected_step_message_and_its_count(qtbot, ctx):
    screen = RecoveryScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.tabs.setCurrentWidget(screen.sequence)
    editor = screen.sequence
    assert editor.show_message() == "Select a step to see its message."
    editor.view.selectRow(0)  # the same-day SMS, the cause's own template
    text = editor.message_preview.text()
    assert "recovery.no_show" in text and "recovery.late_cancel" in text
    assert f"{ctx.clinic.name}: we missed Liam today." in text
    assert "GSM-7 · 1 segment" in text
    editor.view.selectRow(2)
    assert editor.message_preview.text() == "A staff call: no message is sent."


def test_segment_summary_words() -> None:
    from orca_desk.services.messaging.render import sms_segments

    assert segment_summary(sms_segments("a")) == "1 character · GSM-7 · 1 segment"


def test_settings_template_editor_counts_with_the_clinic_link_and_name(qtbot, ctx, monkeypatch):
    from orca_desk.views.settings.templates_editor import TemplatesEditor

    editor = TemplatesEditor(ctx)
    qtbot.addWidget(editor)
    # This clinic's long link, and its short name: the offer still fits one text.
    assert editor.select("waitlist.offer", "sms")
    assert f"{ADDRESS}/c/" in editor.preview.toPlainText()
    assert editor.preview.toPlainText().startswith(f"{ctx.clinic.name}: ")
    assert "GSM-7 · 1 segment" in editor.counter.text()
    # A practice with a longer name: over one segment, so its shorter text is sent instead.
    monkeypatch.setattr(ctx, "clinic", replace(ctx.clinic, name="Bright Smiles Orthodontics"))
    editor = TemplatesEditor(ctx)
    qtbot.addWidget(editor)
    assert editor.select("waitlist.offer", "sms")
    counter = editor.counter.text()
    assert "2 segments" in counter and "“waitlist.offer_short” is sent instead" in counter
    assert editor.select("waitlist.offer_short", "sms")
    assert "characters · GSM-7 · 1 segment" in editor.counter.text()
    assert "/160" in editor.counter.text()


def test_settings_template_editor_lists_and_saves_each_language(qtbot, ctx, db):
    from orca_desk.models.messaging import MessageTemplate
    from orca_desk.views.settings.templates_editor import TemplatesEditor

    editor = TemplatesEditor(ctx)
    qtbot.addWidget(editor)
    assert editor.select("reminder.confirm", "sms", "es")
    assert "Español" in editor.channel_label.text()
    # The preview writes the sample visit's date in Spanish.
    assert "mar, 10 de mar 3:30 p.m." in editor.preview.toPlainText()  # a US clinic: es_US
    editor.body.setPlainText("{clinic_name}: cita de {patient_first_name} el {date}. Responda SI: {link}")
    assert editor.save()
    with db.read() as s:
        saved = {
            (t.language, t.body[:20])
            for t in s.query(MessageTemplate).filter(MessageTemplate.key == "reminder.confirm")
        }
    assert ("es", "{clinic_name}: cita ") in saved and not any(lang == "en" for lang, _ in saved)


def test_reminder_step_counts_its_sms_on_the_clock_the_clinic_chose(qtbot, ctx):
    """A US clinic that chose the 24-hour clock: its texts say "15:30", so the count is of that."""
    from dataclasses import replace

    from orca_desk.services import reminders
    from orca_desk.services.clinic import clinic_settings

    with ctx.db.write() as s:
        reminders.seed_default_sequences(s, ctx.clinic.id, now=ctx.clock.now())
        chosen = replace(clinic_settings.load_settings(s), time_format="24h")
        clinic_settings.save_settings(s, ctx.actor, chosen, now=ctx.clock.now())
    screen = RemindersScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.wait_until_loaded()
    editor = screen.editor
    editor._select(1)
    editor.sms_text.setPlainText("{patient_first_name}: {date} at {time}.")
    check = editor.sms_counter.check
    assert check is not None and "15:30" in check.preview and "PM" not in check.preview
    assert editor.sms_counter.summary.text().startswith(f"{len(check.preview)} characters")
