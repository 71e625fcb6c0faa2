"""pytest-qt tests of the Reminders screen (sequence editor, preview, analytics) and the call list."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from sqlalchemy import select

from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Chair, Location
from orca_desk.models.patient import Patient
from orca_desk.services import reminders
from orca_desk.services.clinic.clinic import load_clinic
from orca_desk.views.reminders.call_list import CallListScreen
from orca_desk.views.reminders.screen import RemindersScreen
from tests.factories import book_ids


def loaded(qtbot, screen: CallListScreen) -> CallListScreen:
    """The screen once its first background load has arrived."""
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: not screen.loading)
    return screen


def click_outcome(qtbot, screen: CallListScreen, row: int, outcome: str) -> None:
    """Click the row's outcome button where the list draws it."""
    index = screen.model.index(row, screen.model.columnCount() - 1)
    screen.table.scrollTo(index)
    spot = screen.outcomes.button_rect(index, outcome).center()
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=spot)


def seed(ctx) -> None:
    with ctx.db.write() as s:
        reminders.seed_default_sequences(s, ctx.clinic.id, now=ctx.clock.now())


def test_editor_adds_a_step_previews_it_and_refuses_an_unknown_variable(qtbot, ctx):
    seed(ctx)
    screen = RemindersScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.wait_until_loaded()  # the sequences load off the UI thread
    editor = screen.editor
    assert [s.offset_minutes for s in editor.steps] == [7 * 1440, 2 * 1440, 120]
    assert len(editor.timeline.marker_rects()) == 3
    editor.add_step.click()
    assert len(editor.steps) == 4 and editor.current == 3
    assert len(editor.timeline.marker_rects()) == 4
    editor.sms_text.setPlainText("{clinic_name}: see {patient_first_name} tomorrow at {time}.")
    # The sample family's visit, in this clinic's name.
    assert f"{ctx.clinic.name}: see Liam tomorrow at 3:30 PM." in editor.preview.text()
    assert "GSM-7 · 1 segment" in editor.preview.text()
    editor.sms_text.setPlainText("Hi {frist_name}")
    assert "did you mean {first_name}" in editor.problems.text()
    assert not editor.save.isEnabled()
    assert editor._on_save() is False  # the service refuses it too, with the same message
    editor.sms_text.setPlainText("{clinic_name}: see {patient_first_name} tomorrow at {time}.")
    editor.days.setValue(2)  # same time as the confirm step
    assert "both 2 days before" in editor.problems.text()
    editor.days.setValue(1)
    assert editor.problems.text() == "" and editor.save.isEnabled()
    assert editor._on_save() is True
    with ctx.db.read() as s:
        [default] = [r for r in reminders.list_sequences(s, ctx.clinic.id) if r.is_default]
    assert [st.offset_minutes for st in default.steps] == [7 * 1440, 2 * 1440, 1440, 120]
    assert default.steps[2].sms_body == "{clinic_name}: see {patient_first_name} tomorrow at {time}."


def test_clicking_a_timeline_marker_selects_its_step_and_analytics_draw(qtbot, ctx):
    seed(ctx)
    screen = RemindersScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.wait_until_loaded()  # the sequences load off the UI thread
    screen.resize(1200, 800)
    screen.show()
    editor = screen.editor
    rect = editor.timeline.marker_rects()[1]
    from PySide6.QtCore import QPoint, Qt

    qtbot.mouseClick(
        editor.timeline, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.center().x()), int(rect.center().y()))
    )
    assert editor.current == 1 and editor.asks.isChecked() and editor.sms.isChecked()
    assert "Reply YES" in editor.preview.text()
    screen.tabs.setCurrentIndex(1)
    assert screen.analytics.table.rowCount() == 0 and len(screen.analytics.chart.series()) == 1


def test_call_list_outcome_click_confirms_the_visit(qtbot, ctx, world):
    now = ctx.clock.now()
    with ctx.db.write() as s:
        p = s.scalar(select(Patient).order_by(Patient.id))
        p.guardian_name, p.guardian_relation, p.guardian_phone = "Emma Smith", "mother", "+16175550999"
        a = book_ids(
            s,
            ctx.actor,
            patient_id=p.id,
            provider_id=world.ortho.id,
            chair_id=world.chairs[0].id,
            type_id=world.adjustment.id,
            start=now + timedelta(hours=20),
            now=now,
        )
    screen = loaded(qtbot, CallListScreen(ctx))
    screen.resize(1280, 600)
    screen.show()
    qtbot.waitExposed(screen)
    model = screen.model
    assert model.rowCount() == 1
    assert model.index(0, 2).data() == "Emma Smith (mother)"
    assert "(617) 555-0999" in model.index(0, 3).data()  # national format, not +1617…
    click_outcome(qtbot, screen, 0, "left_voicemail")
    qtbot.waitUntil(lambda: not screen.loading)
    assert model.index(0, 5).data() == "not asked yet\n1 call: left voicemail"
    # The keyboard's way (the Menu key): the same outcomes as a menu of the row.
    menu = screen.outcome_menu(0)
    assert [a.text() for a in menu.actions()] == ["Confirmed", "Left voicemail", "No answer", "Reschedule"]
    menu.actions()[2].trigger()
    qtbot.waitUntil(lambda: not screen.loading)
    assert model.index(0, 5).data() == "not asked yet\n2 calls: no answer"
    with qtbot.waitSignal(screen.sig_status):
        click_outcome(qtbot, screen, 0, "confirmed")
    qtbot.waitUntil(lambda: not screen.loading)
    assert model.rowCount() == 0
    with ctx.db.read() as s:
        appt = s.get(Appointment, a)
        assert (appt.status, appt.confirmation) == ("confirmed", "confirmed")


def test_call_list_follows_the_toolbar_location_and_skips_today(qtbot, ctx, world):
    """At 07:45 only the next business day's families of the chosen location, in local order."""
    morning = datetime(2026, 3, 3, 7, 45, tzinfo=ZoneInfo("America/New_York"))
    ctx.clock.set(morning.astimezone(UTC))
    with ctx.db.write() as s:
        west = Location(clinic_id=world.clinic.id, name="Foothills", timezone="America/Denver")
        s.add(west)
        s.flush()
        chair = Chair(location_id=west.id, name="West 1", sort_order=0)
        s.add(chair)
        s.flush()
        kids = list(s.scalars(select(Patient).order_by(Patient.id)))

        def visit(kid: int, loc: int, chair_id: int, local: datetime) -> int:
            start = local.astimezone(UTC)
            a = Appointment(
                clinic_id=world.clinic.id,
                patient_id=kids[kid].id,
                provider_id=world.ortho.id,
                chair_id=chair_id,
                location_id=loc,
                type_id=world.adjustment.id,
                start_at=start,
                end_at=start + timedelta(minutes=20),
                created_at=start,
                updated_at=start,
            )
            s.add(a)
            s.flush()
            return a.id

        ny = ZoneInfo("America/New_York")
        today = visit(0, world.location.id, world.chairs[0].id, datetime(2026, 3, 3, 8, 0, tzinfo=ny))
        late = visit(1, world.location.id, world.chairs[0].id, datetime(2026, 3, 4, 11, 0, tzinfo=ny))
        early = visit(2, world.location.id, world.chairs[1].id, datetime(2026, 3, 4, 8, 0, tzinfo=ny))
        denver = ZoneInfo("America/Denver")
        west_visit = visit(3, west.id, chair.id, datetime(2026, 3, 4, 9, 0, tzinfo=denver))
        west_id = west.id
    with ctx.db.read() as s:
        clinic = load_clinic(s)
    assert clinic is not None
    ctx = replace(ctx, clinic=clinic)
    screen = loaded(qtbot, CallListScreen(ctx))
    screen.show_location(world.location.id)
    screen.show_day(date(2026, 3, 3))  # the shell passes the toolbar's day: today
    qtbot.waitUntil(lambda: not screen.loading)
    ids = [line.appointment_id for line in screen.model.rows]
    assert ids == [early, late] and today not in ids
    assert "Wednesday, March 4 at Northside" in screen.summary.text()
    screen.show_location(west_id)
    qtbot.waitUntil(lambda: not screen.loading)
    assert [line.appointment_id for line in screen.model.rows] == [west_visit]
    assert "Foothills" in screen.summary.text()


def test_confirmation_settings_tab_saves_what_the_call_list_and_declines_use(qtbot, ctx, world):
    now = ctx.clock.now()
    with ctx.db.write() as s:
        p = s.scalar(select(Patient).order_by(Patient.id))
        book_ids(
            s,
            ctx.actor,
            patient_id=p.id,
            provider_id=world.ortho.id,
            chair_id=world.chairs[0].id,
            type_id=world.adjustment.id,
            start=now + timedelta(hours=40),
            now=now,
        )
    screen = RemindersScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.wait_until_loaded()  # the sequences load off the UI thread
    screen.tabs.setCurrentIndex(2)
    panel = screen.confirmations
    assert panel is not None
    assert (panel.escalation.value(), panel.release.isChecked()) == (24, True)
    calls = loaded(qtbot, CallListScreen(ctx))
    assert calls.model.rowCount() == 0  # 40 hours away (Thursday): not the next business day
    panel.escalation.setValue(48)
    panel.release.setChecked(False)
    with qtbot.waitSignal(screen.sig_status) as status:
        assert panel.save_settings() is True
    assert status.args == ["Confirmation settings saved"]
    with ctx.db.read() as s:
        saved = reminders.load_settings(s, with_secret=False)
    assert (saved.escalation, saved.release_on_decline) == (timedelta(hours=48), False)
    calls.show_day(date(2026, 3, 5))  # the toolbar on Thursday: the calls about Thursday
    qtbot.waitUntil(lambda: not calls.loading)
    assert calls.model.rowCount() == 1
    # The spin box keeps the value inside what the service accepts.
    panel.escalation.setValue(500)
    assert panel.escalation.value() == 168


def test_confirmation_settings_are_read_only_for_the_front_desk(qtbot, ctx, receptionist):
    from dataclasses import replace

    desk = replace(ctx, actor=receptionist)
    screen = RemindersScreen(desk)
    qtbot.addWidget(screen)
    assert screen.wait_until_loaded()  # the sequences load off the UI thread
    screen.tabs.setCurrentIndex(2)  # the tab is built when first shown
    panel = screen.confirmations
    assert panel is not None
    assert not panel.save.isEnabled() and not panel.escalation.isEnabled()
    assert "Only a manager" in panel.message.text()
    assert panel.save_settings() is False  # even if called, the service refuses and says why
    assert "may not change" in panel.message.text()


def test_an_unrelated_change_leaves_the_sequence_being_edited_alone(qtbot, ctx):
    from orca_desk.services.changes import Changes

    seed(ctx)
    screen = RemindersScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.wait_until_loaded()  # the sequences load off the UI thread
    saved_name = screen.editor.name.text()
    screen.editor.name.setText("Being renamed")
    screen.on_changes(Changes(tables=frozenset({"appointment", "patient"})))  # a booking elsewhere
    assert screen.editor.name.text() == "Being renamed"
    screen.on_changes(Changes(tables=frozenset({"reminder_sequence"})))  # another desk saved it
    assert screen.wait_until_loaded()
    assert screen.editor.name.text() == saved_name
