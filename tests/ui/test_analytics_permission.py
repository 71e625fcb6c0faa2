"""Analytics tabs show a calm note instead of the figures to a role without ``booking:view_analytics``."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from orca_desk.services.campaigns.audience import AudienceCriteria
from orca_desk.services.campaigns.drafts import create_campaign
from orca_desk.services.campaigns.rows import CampaignInput
from orca_desk.services.campaigns.variants import VariantInput
from orca_desk.ui.charts import NO_ANALYTICS_TEXT
from orca_desk.views.campaigns.screen import CampaignsScreen
from orca_desk.views.recovery.screen import RecoveryScreen
from orca_desk.views.reminders.screen import RemindersScreen
from orca_desk.views.templates.screen import TemplatesScreen
from orca_desk.views.waitlist.screen import WaitlistScreen

TABBED = {
    "reminders": (RemindersScreen, "Analytics"),
    "templates": (TemplatesScreen, "Analytics"),
    "waitlist": (WaitlistScreen, "Analytics"),
    "recovery": (RecoveryScreen, "Metrics"),
}


def analytics_tab(screen: QWidget, title: str) -> QWidget:
    tabs = screen.findChild(QTabWidget)
    assert tabs is not None
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    tabs.setCurrentIndex(index)  # switching refreshes the tab (it would read the figures)
    page = tabs.widget(index)
    assert page is not None
    return page


def note_in(widget: QWidget) -> str | None:
    label = widget.findChild(QLabel, "noAnalyticsText")
    return label.text() if label is not None else None


@pytest.mark.parametrize("name", sorted(TABBED))
def test_analytics_tab_says_why_to_a_receptionist(qtbot, ctx, receptionist, name):
    cls, title = TABBED[name]
    desk = cls(dataclasses.replace(ctx, actor=receptionist))
    qtbot.addWidget(desk)
    desk.show()
    page = analytics_tab(desk, title)
    if hasattr(desk, "refresh"):
        desk.refresh()  # the service refuses a receptionist: the screen must not ask it
    assert note_in(page) == NO_ANALYTICS_TEXT
    manager_screen = cls(ctx)
    qtbot.addWidget(manager_screen)
    manager_screen.show()
    assert note_in(analytics_tab(manager_screen, title)) is None


def test_campaign_results_hidden_from_a_receptionist(qtbot, ctx, receptionist, manager):
    with ctx.db.write() as s:
        create_campaign(
            s,
            manager,
            ctx.clinic.id,
            CampaignInput(
                "Spring recall",
                AudienceCriteria(),
                ("sms",),
                (VariantInput("A", sms_body="Hi {first_name}, time for a check-up."),),
                ctx.clock.now(),
            ),
            now=ctx.clock.now(),
        )
    desk = CampaignsScreen(dataclasses.replace(ctx, actor=receptionist))
    qtbot.addWidget(desk)
    desk.show()
    desk.refresh()
    assert desk.wait_until_loaded()
    assert desk.heading.text().startswith("Spring recall")
    assert note_in(desk) == NO_ANALYTICS_TEXT and desk.results is None
    boss = CampaignsScreen(ctx)
    qtbot.addWidget(boss)
    boss.show()
    boss.refresh()
    assert boss.wait_until_loaded()
    assert note_in(boss) is None and boss.results is not None
