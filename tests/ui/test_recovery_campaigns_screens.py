"""pytest-qt tests of the Recovery screen and the Campaigns screen with its wizard."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from orca_desk.models.appointment import Appointment
from orca_desk.models.campaigns import Campaign, CampaignRecipient
from orca_desk.models.recovery import RecoveryCase
from orca_desk.services.booking import booking
from orca_desk.services.recovery.sequences import load_sequence
from orca_desk.services.recovery.steps import process_recovery
from orca_desk.views.campaigns.screen import CampaignsScreen
from orca_desk.views.campaigns.wizard import CampaignWizard
from orca_desk.views.recovery.screen import RecoveryScreen
from tests.conftest import NOW
from tests.factories import book

D = timedelta(days=1)


@pytest.fixture(autouse=True)
def link_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCA_DESK_LINK_SECRET", "u" * 64)


def _visits(db, world, days_ago: dict[int, int], status: str = "completed") -> None:
    with db.write() as s:
        for i, days in days_ago.items():
            start = NOW - days * D
            s.add(
                Appointment(
                    clinic_id=world.clinic.id,
                    patient_id=world.patients[i].id,
                    provider_id=world.ortho.id,
                    chair_id=world.chairs[0].id,
                    location_id=world.location.id,
                    type_id=world.adjustment.id,
                    start_at=start,
                    end_at=start + timedelta(minutes=20),
                    status=status,
                    confirmation="confirmed",
                    created_at=start - 30 * D,
                    updated_at=start - 30 * D,
                )
            )


def test_recovery_screen_lists_cases_most_at_risk_first_and_logs_calls(qtbot, ctx, world, manager):
    _visits(ctx.db, world, {1: 200, 1 + 0: 260})  # Kid1: long overdue as well
    with ctx.db.write() as s:
        for i in (0, 1):
            a = book(
                s,
                manager,
                world,
                start=NOW - timedelta(hours=1),
                now=NOW - timedelta(hours=2),
                patient=i,
                chair=i,
            )
            booking.mark_no_show(s, manager, a, now=NOW)
    process_recovery(ctx.db, now=NOW)
    screen = RecoveryScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    assert screen.wait_until_loaded()  # the cases load off the UI thread
    assert screen.cases.rowCount() == 2
    first, second = screen.cases.rows
    assert first.patient_name == "Kid1 Smith" and first.risk.score > second.risk.score
    assert "overdue" in screen.cases.data(screen.cases.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Kid1 Smith" in screen.detail.text() and "+15" in screen.detail.text()
    assert screen.history.rowCount() == 2  # opened, SMS queued (newest first)
    assert screen.history.rows[0].event == "sms_queued"
    assert "2</b> open cases" in screen.headline.text()
    assert screen.log_call("left_message", note="mum will call back")
    assert screen.wait_until_loaded()
    assert screen.cases.rows[0].status == "contacted"
    assert screen.close_lost("moved to another city")
    assert screen.wait_until_loaded()
    assert [r.patient_name for r in screen.cases.rows] == ["Kid0 Smith"]
    with ctx.db.read() as s:
        assert (
            s.scalar(select(func.count()).select_from(RecoveryCase).where(RecoveryCase.status == "lost")) == 1
        )
    screen.tabs.setCurrentIndex(2)
    assert "2 cases opened" in screen.metrics_text.text()
    assert len(screen.chart.series()) == 1


def test_the_at_risk_list_loads_off_the_ui_thread_when_its_tab_is_shown(qtbot, ctx, world):
    _visits(ctx.db, world, {1: 200})  # Kid1: an adjustment long overdue
    screen = RecoveryScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    # Scoring every active patient waits until somebody looks at the list.
    assert not screen.loading and screen.risky.rowCount() == 0
    screen.tabs.setCurrentWidget(screen.risk_tab)
    assert screen.loading
    assert screen.wait_until_loaded()
    assert "Kid1 Smith" in [r.name for r in screen.risky.rows]
    assert screen.risky_empty.text().startswith("No patient at risk")


def test_campaign_wizard_counts_live_and_launches_an_ab_test(qtbot, ctx, world):
    _visits(ctx.db, world, {0: 300, 1: 320, 2: 20, 3: 400})
    with ctx.db.write() as s:
        for p in world.patients:
            s.merge(p).treatment_stage = "retention"
    wizard = CampaignWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.audience_page
    page.update_count()
    assert page.summary is not None and page.summary.eligible == 3  # Kid2 was seen 20 days ago
    assert page.count.text() == "3 patients"
    assert page.sample.rowCount() == 3
    page.not_seen.setValue(350)
    page.update_count()
    assert page.count.text() == "1 patient"
    page.not_seen.setValue(270)
    page.stage_boxes["retention"].setChecked(False)
    page.stage_boxes["active"].setChecked(True)
    page.update_count()
    assert page.summary.eligible == 0 and not page.isComplete()
    page.stage_boxes["active"].setChecked(False)
    page.stage_boxes["retention"].setChecked(True)
    page.update_count()
    assert page.isComplete()
    wizard.next()
    msg = wizard.message_page
    assert msg.variant_a.template.currentData() == "campaign.check_due"
    assert msg.variant_b.template.currentData() == "campaign.we_miss_you"
    assert "is due for a check" in msg.variant_a.sms.toPlainText()
    msg.email.setChecked(False)
    msg.variant_b.sms.setPlainText("Hi {patient_first_name}, your visit on {date}")
    assert not msg.validatePage()
    assert "Unknown variable {date}" in msg.problems.text()
    msg.variant_b.template.setCurrentIndex(0)
    msg.variant_b.template.setCurrentIndex(1)  # back to the library text
    msg.variant_b.weight.setValue(2)
    msg.holdout.setValue(20)
    assert msg.validatePage()
    wizard.next()
    wizard.schedule_page.rate.setValue(120)
    wizard.next()
    assert "3</b> patients" in wizard.review_page.text.text()
    assert wizard.save(), wizard.error
    with ctx.db.read() as s:
        c = s.get(Campaign, wizard.campaign_id)
        assert c is not None and c.status == "scheduled" and c.holdout_percent == 20 and c.channels == ["sms"]
        statuses = s.scalars(
            select(CampaignRecipient.status).where(CampaignRecipient.campaign_id == c.id)
        ).all()
    assert sorted(statuses) in (
        ["control", "pending", "pending"],
        ["pending", "pending", "pending"],
        ["control", "control", "pending"],
        ["control", "control", "control"],
    )


def test_campaigns_screen_shows_results_and_pauses(qtbot, ctx, world):
    _visits(ctx.db, world, {0: 300, 1: 320, 3: 400})
    wizard = CampaignWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.audience_page.stage_boxes["retention"].setChecked(False)
    wizard.audience_page.update_count()
    wizard.schedule_page.start.setDateTime(wizard.schedule_page.start.dateTime().addSecs(-7200))
    assert wizard.save(), wizard.error
    screen = CampaignsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    assert screen.wait_until_loaded()  # the list and the campaign load off the UI thread
    assert screen.list.rowCount() == 1
    row = screen.list.rows[0]
    assert row.status == "running" and row.recipients == 3
    assert screen.heading.text().startswith("Retention check-in — running")
    assert screen.verdict.text() == "No results yet: nothing has gone out."  # no tick has run yet
    assert screen.groups.rowCount() >= 2 and len(screen.funnel.series()) == 1
    assert screen.btn_pause.isEnabled() and not screen.btn_resume.isEnabled()
    assert screen.pause() and screen.wait_until_loaded()
    assert screen.list.rows[0].status == "paused" and screen.btn_resume.isEnabled()
    assert screen.resume() and screen.wait_until_loaded()
    assert screen.cancel(confirm=False) and screen.wait_until_loaded()
    assert screen.list.rows[0].status == "cancelled" and not screen.btn_cancel.isEnabled()


def test_recovery_sequence_tab_edits_saves_reloads_and_refuses_a_bad_row(qtbot, ctx, receptionist, tmp_path):
    from orca_desk.services.recovery.rows import DAY
    from orca_desk.views.recovery.sequence import COL_DAYS, COL_TEMPLATE

    screen = RecoveryScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.show()
    screen.tabs.setCurrentWidget(screen.sequence)
    editor = screen.sequence
    model = editor.model
    assert [s.action for s in model.steps] == ["sms", "email", "call"]  # the defaults
    # The email goes after 3 days, with a library template; the case is lost after 21 days.
    assert model.setData(model.index(1, COL_DAYS), 3)
    assert model.setData(model.index(1, COL_TEMPLATE), "campaign.we_miss_you")
    assert "Email after 3 days: template campaign.we_miss_you" in model.index(1, 5).data()
    editor.lost_after.setValue(21)
    editor.cause_boxes["late_cancel"].setChecked(False)
    editor.view.selectRow(2)
    editor.add_step()
    assert [s.delay_minutes for s in model.steps] == [0, 3 * DAY, 5 * DAY, 7 * DAY]
    screen.grab().save(str(tmp_path / "sequence.png"))
    with qtbot.waitSignal(screen.sig_status):
        assert editor.save()

    reopened = RecoveryScreen(ctx)
    qtbot.addWidget(reopened)
    reopened.sequence.load()
    steps = reopened.sequence.model.steps
    assert [(s.action, s.delay_minutes, s.template_key) for s in steps][1] == (
        "email",
        3 * DAY,
        "campaign.we_miss_you",
    )
    assert len(steps) == 4 and reopened.sequence.lost_after.value() == 21
    assert reopened.sequence.cause_kinds() == ("no_show",)

    # A bad row is refused with its step named, and nothing is saved.
    rmodel = reopened.sequence.model
    assert rmodel.setData(rmodel.index(3, COL_DAYS), 1)
    assert not reopened.sequence.save()
    text = reopened.sequence.problems.text()
    assert "Not saved." in text and "Step 4 (1 day) comes before step 3 (5 days)" in text
    reopened.resize(1280, 760)
    reopened.show()
    reopened.tabs.setCurrentWidget(reopened.sequence)
    assert reopened.sequence.problems.isVisible()
    reopened.grab().save(str(tmp_path / "sequence_refused.png"))
    with ctx.db.read() as s:
        assert [st.delay_minutes for st in load_sequence(s, ctx.clinic.id).steps][-1] == 7 * DAY

    # A receptionist may look but the service refuses her save.
    desk = RecoveryScreen(dataclasses.replace(ctx, actor=receptionist))
    qtbot.addWidget(desk)
    desk.sequence.load()
    assert not desk.sequence.save()
    assert "Maria may not change the recovery sequence; ask a manager." in desk.sequence.problems.text()
