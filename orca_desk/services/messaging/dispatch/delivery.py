"""Delivery reports: polled from the provider, or pushed by Twilio's status callback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.messaging import OutboxMessage
from orca_desk.services.messaging.dispatch.common import (
    DELIVERY_FIRST_POLL,
    DELIVERY_REPOLL,
    DELIVERY_WINDOW,
    UNDELIVERABLE_CODES,
    finish,
    group_of,
    run_after_sent,
)
from orca_desk.services.messaging.inbound import mark_undeliverable
from orca_desk.services.messaging.outbox import add_event
from orca_desk.services.messaging.providers.base import Provider


@dataclass
class DeliverySummary:
    checked: int = 0
    delivered: int = 0
    failed: int = 0


def poll_delivery(db: Database, provider: Provider, *, now: datetime, limit: int = 100) -> DeliverySummary:
    """Ask the provider what became of recently sent messages whose report is due."""
    summary = DeliverySummary()
    with db.read() as s:
        rows = s.execute(
            select(OutboxMessage.id, OutboxMessage.provider_id)
            .where(
                OutboxMessage.status == "sent",
                OutboxMessage.provider == provider.name,
                OutboxMessage.channel == provider.channel,
                OutboxMessage.provider_id.is_not(None),
                OutboxMessage.merged_into_id.is_(None),
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.sent_at >= now - DELIVERY_WINDOW,
            )
            .order_by(OutboxMessage.next_attempt_at)
            .limit(limit)
        ).all()
    for id_, provider_id in rows:
        report = provider.delivery_report(str(provider_id))
        summary.checked += 1
        with db.write() as s:
            m = s.get(OutboxMessage, id_)
            if m is None or m.status != "sent":
                continue
            group = [m, *group_of(s, m.id)]
            if report is not None and report.status in ("delivered", "read"):
                for x in group:
                    x.status, x.delivered_at = "delivered", now
                    add_event(s, x.id, "delivered", f"{provider.name}: {report.status}", now)
                summary.delivered += 1
            elif report is not None and report.final:
                code = report.error_code or report.status
                status = "undeliverable" if code in UNDELIVERABLE_CODES else "failed"
                if status == "undeliverable":
                    mark_undeliverable(
                        s, m.channel, m.to_address, code=code, error=report.error or report.status, now=now
                    )
                finish(
                    s,
                    group,
                    status,
                    code,
                    f"{provider.name}: {report.status} {report.error or ''}".strip(),
                    now,
                )
                summary.failed += 1
            else:
                m.next_attempt_at = now + DELIVERY_REPOLL
    return summary


# --- Status callbacks ---------------------------------------------------------------------

# Twilio's MessageStatus words that change nothing here (the message is on its way).
_IN_TRANSIT = frozenset({"accepted", "queued", "sending", "sent", "scheduled"})


def apply_status_callback(
    session: Session, outbox_id: int, provider_id: str, status: str, *, error_code: str | None, now: datetime
) -> str:
    """Apply a delivery report pushed by Twilio (its StatusCallback) to an outbox row.

    The row must be ``outbox_id`` *and* carry ``provider_id`` (a forged or stale id changes
    nothing), except a row left ``sending`` with an unknown outcome: the callback proves
    Twilio accepted it, so it is settled as sent (reconciliation by the outbox id). Reports
    are idempotent and never move a message backwards (delivered stays delivered).
    Returns what was done, for the log: "delivered", "failed", "undeliverable",
    "sent" (reconciled), "unchanged" or "unknown message".
    """
    m = session.get(OutboxMessage, outbox_id, with_for_update=True)
    if m is None or m.channel != "sms":
        return "unknown message"
    group = [m, *group_of(session, m.id)]
    if m.status == "sending" and m.provider_id is None and m.error_code == "unknown":
        for x in group:
            x.status, x.provider, x.provider_id, x.sent_at = "sent", "twilio", provider_id, now
            x.next_attempt_at, x.error_code, x.error = now + DELIVERY_FIRST_POLL, None, None
            add_event(session, x.id, "sent", f"reconciled: Twilio reported it {status} ({provider_id})", now)
        run_after_sent(session, [x.id for x in group], now)
        if status in _IN_TRANSIT:
            return "sent"
    if m.provider_id != provider_id or m.status != "sent":
        return "unchanged" if m.provider_id == provider_id else "unknown message"
    if status in ("delivered", "read"):
        for x in group:
            x.status, x.delivered_at = "delivered", now
            add_event(session, x.id, "delivered", f"twilio: {status} (status callback)", now)
        return "delivered"
    if status in ("undelivered", "failed", "canceled"):
        code = error_code or status
        final = "undeliverable" if code in UNDELIVERABLE_CODES else "failed"
        if final == "undeliverable":
            mark_undeliverable(session, m.channel, m.to_address, code=code, error=status, now=now)
        finish(
            session,
            group,
            final,
            code,
            f"twilio: {status} {error_code or ''}".strip() + " (status callback)",
            now,
        )
        return final
    return "unchanged"
