"""Campaign drafts: the input and its checks, saving a draft, reading a campaign back."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.campaigns import Campaign, CampaignRecipient, CampaignVariant
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_CAMPAIGNS, Actor
from orca_desk.services.campaigns.audience import AudienceCriteria
from orca_desk.services.campaigns.rows import CampaignDetail, CampaignInput
from orca_desk.services.campaigns.variants import VariantInput, _variant_problems, variant_translations
from orca_desk.services.errors import NotFound, ValidationError
from orca_desk.services.messaging.render import CHANNELS


def campaign_problems(data: CampaignInput) -> list[str]:
    """Everything wrong with a campaign draft, each naming what to fix."""
    out: list[str] = []
    if not data.name.strip():
        out.append("Give the campaign a name.")
    out.extend(data.criteria.problems())
    if not data.channels:
        out.append("Choose at least one channel (SMS or email).")
    out.extend(f"Unknown channel {c!r}." for c in data.channels if c not in CHANNELS)
    if not data.variants:
        out.append("A campaign needs at least one message variant.")
    names = [v.name.strip() for v in data.variants]
    if len(set(names)) != len(names):
        out.append("Two variants have the same name.")
    for v in data.variants:
        out.extend(_variant_problems(v, data.channels))
    if data.start_at.tzinfo is None:
        out.append("The start time needs a time zone.")
    if not 1 <= data.send_rate_per_hour <= 10_000:
        out.append("The send rate must be between 1 and 10,000 messages an hour.")
    if not 1 <= data.attribution_days <= 365:
        out.append("The attribution window must be between 1 and 365 days.")
    if not 0 <= data.holdout_percent <= 50:
        out.append("The hold-out group must be between 0 % and 50 %.")
    return out


def create_campaign(
    session: Session, actor: Actor, clinic_id: int, data: CampaignInput, *, now: datetime
) -> Campaign:
    """Save a draft campaign (validated; nothing is sent until it is launched)."""
    actor.require(MANAGE_CAMPAIGNS)
    problems = campaign_problems(data)
    if problems:
        raise ValidationError(" ".join(problems), field="campaign")
    c = Campaign(
        clinic_id=clinic_id,
        name=data.name.strip(),
        status="draft",
        criteria=data.criteria.to_json(),
        channels=list(data.channels),
        start_at=data.start_at,
        send_rate_per_hour=data.send_rate_per_hour,
        attribution_days=data.attribution_days,
        holdout_percent=data.holdout_percent,
        seed=data.seed or secrets.token_hex(8),
        created_at=now,
        created_by=actor.username,
        updated_at=now,
    )
    session.add(c)
    session.flush()
    session.add_all(
        [
            CampaignVariant(
                campaign_id=c.id,
                position=i,
                name=v.name.strip(),
                template_key=v.template_key,
                sms_body=v.sms_body,
                email_subject=v.email_subject,
                email_body=v.email_body,
                weight=v.weight,
                translations=variant_translations(session, c.clinic_id, v) or None,
            )
            for i, v in enumerate(data.variants)
        ]
    )
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "campaign",
        c.id,
        now=now,
        after={"name": c.name, "criteria": c.criteria, "channels": c.channels},
    )
    return c


def _get(session: Session, campaign_id: int, *, lock: bool = False) -> Campaign:
    q = select(Campaign).where(Campaign.id == campaign_id)
    if lock:
        q = q.with_for_update()
    c = session.scalar(q)
    if c is None:
        raise NotFound(f"There is no campaign #{campaign_id}.")
    return c


def _variants(session: Session, campaign_id: int) -> list[CampaignVariant]:
    return list(
        session.scalars(
            select(CampaignVariant)
            .where(CampaignVariant.campaign_id == campaign_id)
            .order_by(CampaignVariant.position)
        )
    )


def get_campaign(session: Session, campaign_id: int) -> CampaignDetail:
    c = _get(session, campaign_id)
    r = CampaignRecipient
    nxt, last = session.execute(
        select(func.min(r.due_at), func.max(r.due_at)).where(r.campaign_id == c.id, r.status == "pending")
    ).one()
    return CampaignDetail(
        c.id,
        c.name,
        c.status,
        AudienceCriteria.from_json(c.criteria),
        tuple(c.channels),
        c.start_at,
        c.send_rate_per_hour,
        c.attribution_days,
        c.holdout_percent,
        c.seed,
        tuple(
            VariantInput(v.name, v.weight, v.template_key, v.sms_body, v.email_subject, v.email_body)
            for v in _variants(session, c.id)
        ),
        c.launched_at,
        c.finished_at,
        _as_utc(nxt),
        _as_utc(last),
    )


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
