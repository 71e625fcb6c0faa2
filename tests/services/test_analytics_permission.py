"""``booking:view_analytics`` guards every analytics service: a receptionist is refused, a clinician not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from orca_desk.services.access.security import ROLE_PERMISSIONS, VIEW_ANALYTICS, Actor
from orca_desk.services.analytics import reminder_analytics, template_analytics
from orca_desk.services.campaigns.results import campaign_results
from orca_desk.services.errors import NotFound, PermissionDenied
from orca_desk.services.recovery.metrics import recovery_metrics
from orca_desk.services.waitlist import analytics as waitlist_analytics
from tests.conftest import NOW
from tests.factories import make_world

D = timedelta(days=1)

CALLS: dict[str, Callable[[Session, Actor], Any]] = {
    "reminder step_stats": lambda s, a: reminder_analytics.step_stats(s, a, since=NOW - 30 * D, until=NOW),
    "reminder confirmation_rates": lambda s, a: reminder_analytics.confirmation_rates(
        s, a, since=NOW - 30 * D, until=NOW, by="location"
    ),
    "template_usage": lambda s, a: template_analytics.template_usage(s, a),
    "template fill_report": lambda s, a: template_analytics.fill_report(s, a),
    "waitlist offer_analytics": lambda s, a: waitlist_analytics.offer_analytics(
        s, a, start=NOW - 90 * D, end=NOW
    ),
    "recovery_metrics": lambda s, a: recovery_metrics(s, a, since=NOW - 90 * D, until=NOW),
    # Campaign results carry the lift and significance of campaigns.stats.
    "campaign_results": lambda s, a: campaign_results(s, a, 999, now=NOW),
}


def actor(role: str) -> Actor:
    return Actor(username=role, role=role, display_name=role.title(), permissions=ROLE_PERMISSIONS[role])


@pytest.mark.parametrize("name", sorted(CALLS))
def test_analytics_need_the_view_analytics_permission(db, name):
    assert not actor("receptionist").can(VIEW_ANALYTICS)
    with db.write() as s:
        make_world(s)
    with db.read() as s, pytest.raises(PermissionDenied, match=r"Receptionist may not view analytics\."):
        CALLS[name](s, actor("receptionist"))
    with db.read() as s:
        try:
            CALLS[name](s, actor("clinician"))
        except NotFound:  # campaign #999: the permission passed, then the campaign was looked up
            assert name == "campaign_results"
