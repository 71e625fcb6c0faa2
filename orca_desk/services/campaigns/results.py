"""Campaign results: the list with headline counts, and each arm's outcomes with lift and significance."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orca_desk.models.campaigns import Campaign, CampaignRecipient, CampaignVariant
from orca_desk.models.messaging import ContactState, InboundMessage, OutboxMessage
from orca_desk.services.access.security import VIEW_ANALYTICS, Actor
from orca_desk.services.campaigns.audience import AudienceCriteria
from orca_desk.services.campaigns.drafts import _get, _variants
from orca_desk.services.campaigns.rows import CampaignResults, CampaignRow, GroupStats
from orca_desk.services.campaigns.stats import Comparison, compare


def list_campaigns(session: Session) -> list[CampaignRow]:
    """Every campaign, newest first, with its headline counts."""
    counts: dict[int, dict[str, int]] = {}
    for cid, status, n, rebooked in session.execute(
        select(
            CampaignRecipient.campaign_id,
            CampaignRecipient.status,
            func.count(),
            func.count(CampaignRecipient.rebooked_at),
        ).group_by(CampaignRecipient.campaign_id, CampaignRecipient.status)
    ):
        d = counts.setdefault(cid, {})
        d[status] = int(n)
        d["rebooked"] = d.get("rebooked", 0) + (int(rebooked) if status != "excluded" else 0)
    names: dict[int, list[str]] = {}
    for cid, name in session.execute(
        select(CampaignVariant.campaign_id, CampaignVariant.name).order_by(CampaignVariant.position)
    ):
        names.setdefault(cid, []).append(name)
    out = []
    for c in session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())):
        d = counts.get(c.id, {})
        out.append(
            CampaignRow(
                c.id,
                c.name,
                c.status,
                tuple(c.channels),
                AudienceCriteria.from_json(c.criteria).describe(),
                c.start_at,
                sum(v for k, v in d.items() if k not in ("excluded", "rebooked")),
                d.get("sent", 0),
                d.get("rebooked", 0),
                tuple(names.get(c.id, [])),
                c.holdout_percent,
            )
        )
    return out


def campaign_results(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> CampaignResults:
    """Per variant and control: sent, delivered, responses, re-bookings, opt-outs; lift and significance."""
    actor.require(VIEW_ANALYTICS)
    c = _get(session, campaign_id)
    variants = _variants(session, c.id)
    arms: dict[int | None, dict[str, int]] = {v.id: {} for v in variants}
    if c.holdout_percent:
        arms[None] = {}
    _count_recipients(session, c, now, arms)
    _count_responses(session, c, arms)
    groups = _groups(variants, arms)
    reasons = session.execute(
        select(CampaignRecipient.reason, func.count())
        .where(CampaignRecipient.campaign_id == c.id, CampaignRecipient.status == "excluded")
        .group_by(CampaignRecipient.reason)
        .order_by(func.count().desc())
    ).all()
    return CampaignResults(
        c.id,
        c.name,
        c.status,
        c.attribution_days,
        tuple(groups),
        tuple(_comparisons(groups)),
        sum(int(n) for _, n in reasons),
        tuple((str(k), int(n)) for k, n in reasons),
    )


def _count_recipients(
    session: Session, c: Campaign, now: datetime, arms: dict[int | None, dict[str, int]]
) -> None:
    """Each arm's recipients by status, those due by now (and their re-bookings), and deliveries."""
    r = CampaignRecipient
    for vid, status, due, n, rebooked in session.execute(
        select(r.variant_id, r.status, r.due_at <= now, func.count(), func.count(r.rebooked_at))
        .where(r.campaign_id == c.id, r.status != "excluded")
        .group_by(r.variant_id, r.status, r.due_at <= now)
    ):
        d = arms.setdefault(vid, {})
        d[status] = d.get(status, 0) + int(n)
        if due and status != "pending":
            d["assigned"] = d.get("assigned", 0) + int(n)
            d["rebooked"] = d.get("rebooked", 0) + int(rebooked)
    o = OutboxMessage
    for vid, delivered in session.execute(
        select(r.variant_id, func.count())
        .join(o, o.id == r.outbox_message_id)
        .where(r.campaign_id == c.id, o.status == "delivered")
        .group_by(r.variant_id)
    ):
        arms.setdefault(vid, {})["delivered"] = int(delivered)


def _count_responses(session: Session, c: Campaign, arms: dict[int | None, dict[str, int]]) -> None:
    """Replies and opt-outs of each sent recipient within the attribution window after the message."""
    r, o = CampaignRecipient, OutboxMessage
    window = timedelta(days=c.attribution_days)
    sent_rows = session.execute(
        select(r.variant_id, r.patient_id, r.sent_at, o.to_address, o.channel)
        .join(o, o.id == r.outbox_message_id)
        .where(r.campaign_id == c.id, r.status == "sent")
    ).all()
    if not sent_rows:
        return
    addresses = {row.to_address for row in sent_rows}
    replies: dict[str, list[datetime]] = {}
    for addr, at in session.execute(
        select(InboundMessage.from_address, InboundMessage.received_at).where(
            InboundMessage.from_address.in_(addresses)
        )
    ):
        replies.setdefault(addr, []).append(at)
    opt = {
        (s.channel, s.address): s.opted_out_at
        for s in session.scalars(
            select(ContactState).where(ContactState.address.in_(addresses), ContactState.opted_out.is_(True))
        )
    }
    for row in sent_rows:
        d = arms.setdefault(row.variant_id, {})
        start, end = row.sent_at, row.sent_at + window
        if any(start <= at <= end for at in replies.get(row.to_address, [])):
            d["responses"] = d.get("responses", 0) + 1
        opted_at = opt.get((row.channel, row.to_address))
        if opted_at is not None and start <= opted_at <= end:
            d["opt_outs"] = d.get("opt_outs", 0) + 1


def _groups(variants: list[CampaignVariant], arms: dict[int | None, dict[str, int]]) -> list[GroupStats]:
    """One GroupStats per arm: the variants in their order, then the control."""
    names = {v.id: v.name for v in variants}
    groups = []
    for vid, d in arms.items():
        groups.append(
            GroupStats(
                names.get(vid, "?") if vid is not None else "Control (hold-out)",
                vid,
                d.get("assigned", 0),
                d.get("pending", 0),
                d.get("queued", 0),
                d.get("sent", 0),
                d.get("delivered", 0),
                d.get("skipped", 0),
                d.get("responses", 0),
                d.get("rebooked", 0),
                d.get("opt_outs", 0),
            )
        )
    order = {v.id: i for i, v in enumerate(variants)}
    groups.sort(key=lambda g: (g.variant_id is None, order.get(g.variant_id or 0, 0)))
    return groups


def _comparisons(groups: list[GroupStats]) -> list[Comparison]:
    """Each variant against the control; without a control, each against the first variant."""
    control = next((g for g in groups if g.variant_id is None), None)
    tested = [g for g in groups if g.variant_id is not None]
    if control is not None:
        return [
            compare(g.name, g.rebooked, g.assigned, "control", control.rebooked, control.assigned)
            for g in tested
        ]
    if len(tested) >= 2:
        base = tested[0]
        return [
            compare(g.name, g.rebooked, g.assigned, base.name, base.rebooked, base.assigned)
            for g in tested[1:]
        ]
    return []
