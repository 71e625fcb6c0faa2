"""Demo campaigns: a finished A/B test with a hold-out, and a draft."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.models.campaigns import CampaignRecipient
from orca_desk.services.access.security import Actor
from orca_desk.services.campaigns.audience import AudienceCriteria
from orca_desk.services.campaigns.drafts import _variants, create_campaign
from orca_desk.services.campaigns.launch import launch_campaign
from orca_desk.services.campaigns.rows import CampaignInput
from orca_desk.services.campaigns.variants import TEMPLATE_PREFIX, _unit, variant_from_template
from orca_desk.services.errors import ValidationError


def seed_demo(session: Session, clinic_id: int, *, now: datetime) -> int | None:
    """A finished A/B test with a hold-out (results written as if sent) and a draft, for the demo."""
    from orca_desk.services.access.security import ROLE_PERMISSIONS

    actor = Actor(
        username="demo", role="manager", display_name="Demo", permissions=ROLE_PERMISSIONS["manager"]
    )
    start = now - timedelta(days=24)
    variants = []
    for name, key in (("A", "check_due"), ("B", "we_miss_you")):
        variants.append(variant_from_template(session, clinic_id, name, f"{TEMPLATE_PREFIX}{key}"))
    data = CampaignInput(
        "Retention check-in (spring)",
        AudienceCriteria(treatment_stages=("retention",), no_future_appointment=False),
        ("sms", "email"),
        tuple(variants),
        start,
        send_rate_per_hour=120,
        attribution_days=21,
        holdout_percent=10,
        seed="demo-spring",
    )
    c = create_campaign(session, actor, clinic_id, data, now=start)
    try:
        launch_campaign(session, actor, c.id, now=start)
    except ValidationError:
        return None
    # Pretend it ran: every variant recipient was sent at their time; some families booked again.
    rates: dict[int | None, float] = {None: 0.10}
    for i, v in enumerate(_variants(session, c.id)):
        rates[v.id] = (0.22, 0.31)[i % 2]
    for r in session.scalars(
        select(CampaignRecipient).where(
            CampaignRecipient.campaign_id == c.id, CampaignRecipient.status.in_(("pending", "control"))
        )
    ):
        if r.status == "pending":
            r.status, r.sent_at = "sent", r.due_at
        if _unit("demo-outcome", r.patient_id, "rebook") < rates.get(r.variant_id, 0.1):
            r.rebooked_at = r.due_at + timedelta(days=1 + r.patient_id % 9)
    c.status, c.finished_at = "completed", start + timedelta(days=1)
    create_campaign(
        session,
        actor,
        clinic_id,
        CampaignInput(
            "Active patients overdue (draft)",
            AudienceCriteria(not_seen_days=21, treatment_stages=("active",)),
            ("sms",),
            (variants[0],),
            now + timedelta(days=1),
            holdout_percent=10,
        ),
        now=now,
    )
    return c.id
