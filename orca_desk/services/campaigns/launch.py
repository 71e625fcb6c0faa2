"""Launching a campaign (audience taken, split and paced from its start); pausing, resuming, cancelling it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import Session

from orca_desk.models.campaigns import Campaign, CampaignRecipient, CampaignVariant
from orca_desk.models.messaging import OutboxEvent, OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services.access import audit
from orca_desk.services.access.security import MANAGE_CAMPAIGNS, Actor
from orca_desk.services.bulk import chunks
from orca_desk.services.campaigns.audience import AudienceCriteria, _audience_select, _classify, _clinic_today
from orca_desk.services.campaigns.drafts import _get, _variants, create_campaign
from orca_desk.services.campaigns.rows import CampaignInput
from orca_desk.services.campaigns.variants import _unit, assign_variant
from orca_desk.services.errors import ValidationError


def _interval(c: Campaign) -> timedelta:
    return timedelta(seconds=3600.0 / max(1, c.send_rate_per_hour))


def _channel_for(p: Any, channels: Sequence[str], sms_ok: bool, email_ok: bool) -> str | None:
    usable = [ch for ch in channels if (ch == "sms" and sms_ok) or (ch == "email" and email_ok)]
    if not usable:
        return None
    preferred = "email" if p == "email" else "sms"
    return preferred if preferred in usable else usable[0]


def start_campaign(
    session: Session, actor: Actor, clinic_id: int, data: CampaignInput, *, now: datetime, launch: bool
) -> int:
    """Save a new campaign and, with ``launch``, launch it in the same unit of work (both or
    neither); its id."""
    c = create_campaign(session, actor, clinic_id, data, now=now)
    if launch:
        launch_campaign(session, actor, c.id, now=now)
    return c.id


def launch_campaign(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> Campaign:
    """Take the audience now, split it (hold-out first, then variants by weight) and schedule every
    send at the campaign's rate from its start; the tick job queues each message when it is due."""
    actor.require(MANAGE_CAMPAIGNS)
    c = _get(session, campaign_id, lock=True)
    if c.status != "draft":
        raise ValidationError(f"This campaign is {c.status}; only a draft can be launched.", field="status")
    variants = _variants(session, c.id)
    if not variants:
        raise ValidationError("The campaign has no message variant.", field="variants")
    criteria = AudienceCriteria.from_json(c.criteria)
    today = _clinic_today(session, now)
    rows = session.execute(_audience_select(criteria, c.channels, now, today)).all()
    out, sendable = _recipient_rows(session, c, variants, rows, now)
    if not sendable:
        raise ValidationError(
            "Nobody in the audience can be reached now; widen the criteria.", field="criteria"
        )
    for i in range(0, len(out), 2000):
        session.execute(insert(CampaignRecipient), out[i : i + 2000])
    c.status = "running" if c.start_at <= now else "scheduled"
    c.launched_at, c.updated_at = now, now
    audit.record(
        session,
        actor,
        "launch",
        "campaign",
        c.id,
        now=now,
        after={"recipients": sendable, "excluded": len(out) - sendable, "status": c.status},
    )
    return c


def _exclusion_reason(sms_ok: bool, email_ok: bool, opted: bool) -> str:
    if not (sms_ok or email_ok):
        return "opted out" if opted else "no consent or address for the chosen channels"
    return "contacted recently"


def _recipient_rows(
    session: Session, c: Campaign, variants: Sequence[CampaignVariant], rows: Sequence[Any], now: datetime
) -> tuple[list[dict[str, Any]], int]:
    """A recipient row for each matched patient, in the campaign's stable order: excluded with the
    reason, or in the control or a variant with the time their message is due; and how many can be sent."""
    eligible_ids = set(_classify(rows)[0])
    preferred = (
        dict(
            session.execute(
                select(Patient.id, Patient.preferred_channel).where(Patient.is_active.is_(True))
            ).all()
        )
        if rows
        else {}
    )
    start = max(c.start_at, now)
    step = _interval(c)
    weights = [v.weight for v in variants]
    out: list[dict[str, Any]] = []
    sendable = 0
    for pid, sms_ok, email_ok, opted, _recent in sorted(rows, key=lambda r: _unit(c.seed, r[0], "order")):
        base = {
            "campaign_id": c.id,
            "patient_id": pid,
            "assigned_at": now,
            "attempt": 0,
            "outbox_message_id": None,
            "sent_at": None,
            "rebooked_appointment_id": None,
            "rebooked_at": None,
        }
        if pid not in eligible_ids:
            why = _exclusion_reason(sms_ok, email_ok, opted)
            excluded = {"variant_id": None, "status": "excluded", "reason": why}
            out.append({**base, **excluded, "channel": None, "due_at": start})
            continue
        index = assign_variant(c.seed, pid, weights, c.holdout_percent)
        due = start + step * sendable  # the control is spread the same way: when it would have gone
        sendable += 1
        channel = _channel_for(preferred.get(pid), c.channels, bool(sms_ok), bool(email_ok))
        arm: dict[str, Any]
        if index is None:
            arm = {"variant_id": None, "status": "control", "reason": "hold-out (gets nothing)"}
        else:
            arm = {"variant_id": variants[index].id, "status": "pending", "reason": ""}
        out.append({**base, **arm, "channel": channel, "due_at": due})
    return out, sendable


def _cancel_queued(session: Session, c: Campaign, now: datetime, why: str) -> int:
    """Cancel the campaign's messages still waiting in the outbox; returns how many."""
    rows = session.execute(
        select(CampaignRecipient.id, OutboxMessage.id)
        .join(OutboxMessage, OutboxMessage.id == CampaignRecipient.outbox_message_id)
        .where(
            CampaignRecipient.campaign_id == c.id,
            CampaignRecipient.status == "queued",
            OutboxMessage.status.in_(("queued", "deferred")),
        )
    ).all()
    if not rows:
        return 0
    msg_ids = [m for _, m in rows]
    for chunk in chunks(msg_ids):
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk), OutboxMessage.status.in_(("queued", "deferred")))
            .values(status="cancelled", error_code="campaign", error=why[:500]),
            execution_options={"synchronize_session": False},
        )
        session.execute(
            insert(OutboxEvent),
            [{"message_id": m, "at": now, "status": "cancelled", "detail": why} for m in chunk],
        )
    return len(rows)


def pause_campaign(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> Campaign:
    """Stop sending: nothing more is queued, and messages waiting in the outbox are withdrawn
    (their recipients go back to pending, to be sent on resume)."""
    actor.require(MANAGE_CAMPAIGNS)
    c = _get(session, campaign_id, lock=True)
    if c.status not in ("running", "scheduled"):
        raise ValidationError(
            f"This campaign is {c.status}; only a running or scheduled one can be paused.", field="status"
        )
    withdrawn = (
        session.execute(
            select(CampaignRecipient.id)
            .join(OutboxMessage, OutboxMessage.id == CampaignRecipient.outbox_message_id)
            .where(
                CampaignRecipient.campaign_id == c.id,
                CampaignRecipient.status == "queued",
                OutboxMessage.status.in_(("queued", "deferred")),
            )
        )
        .scalars()
        .all()
    )
    _cancel_queued(session, c, now, "campaign paused")
    for chunk in chunks(withdrawn):
        session.execute(
            update(CampaignRecipient)
            .where(CampaignRecipient.id.in_(chunk))
            .values(status="pending", outbox_message_id=None, attempt=CampaignRecipient.attempt + 1),
            execution_options={"synchronize_session": False},
        )
    before = c.status
    c.status, c.updated_at = "paused", now
    audit.record(
        session,
        actor,
        "pause",
        "campaign",
        c.id,
        now=now,
        before={"status": before},
        after={"status": "paused", "withdrawn": len(withdrawn)},
    )
    return c


def resume_campaign(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> Campaign:
    """Carry on where it stopped: the pending sends are spread again at the rate from now."""
    actor.require(MANAGE_CAMPAIGNS)
    c = _get(session, campaign_id, lock=True)
    if c.status != "paused":
        raise ValidationError(
            f"This campaign is {c.status}; only a paused one can be resumed.", field="status"
        )
    pending = (
        session.execute(
            select(CampaignRecipient.id)
            .where(CampaignRecipient.campaign_id == c.id, CampaignRecipient.status == "pending")
            .order_by(CampaignRecipient.due_at, CampaignRecipient.id)
        )
        .scalars()
        .all()
    )
    start, step = max(now, c.start_at), _interval(c)
    if pending:
        session.execute(
            update(CampaignRecipient),
            [{"id": rid, "due_at": start + step * i} for i, rid in enumerate(pending)],
        )
    c.status, c.updated_at = ("running" if c.start_at <= now else "scheduled"), now
    audit.record(session, actor, "resume", "campaign", c.id, now=now, after={"pending": len(pending)})
    return c


def cancel_campaign(session: Session, actor: Actor, campaign_id: int, *, now: datetime) -> Campaign:
    """Stop for good: pending recipients are never sent, queued messages are cancelled."""
    actor.require(MANAGE_CAMPAIGNS)
    c = _get(session, campaign_id, lock=True)
    if c.status in ("completed", "cancelled"):
        raise ValidationError(f"This campaign is already {c.status}.", field="status")
    cancelled = _cancel_queued(session, c, now, "campaign cancelled")
    session.execute(
        update(CampaignRecipient)
        .where(
            CampaignRecipient.campaign_id == c.id,
            or_(
                CampaignRecipient.status == "pending",
                and_(
                    CampaignRecipient.status == "queued",
                    CampaignRecipient.outbox_message_id.in_(
                        select(OutboxMessage.id).where(
                            OutboxMessage.status == "cancelled", OutboxMessage.error_code == "campaign"
                        )
                    ),
                ),
            ),
        )
        .values(status="skipped", reason="campaign cancelled"),
        execution_options={"synchronize_session": False},
    )
    before = c.status
    c.status, c.finished_at, c.updated_at = "cancelled", now, now
    audit.record(
        session,
        actor,
        "cancel",
        "campaign",
        c.id,
        now=now,
        before={"status": before},
        after={"status": "cancelled", "messages_cancelled": cancelled},
    )
    return c
