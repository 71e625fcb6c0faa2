"""Settling messages left ``sending`` (a timed-out send, a dead worker's claim) with the provider."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from orca_desk.db import Database
from orca_desk.models.messaging import OutboxMessage
from orca_desk.services.messaging.dispatch.common import (
    CLAIM_SKEW,
    DELIVERY_FIRST_POLL,
    IN_FLIGHT,
    DispatchOptions,
    can_look_up,
    finish,
    group_of,
    run_after_sent,
)
from orca_desk.services.messaging.outbox import add_event
from orca_desk.services.messaging.providers.base import Provider, ProviderError, SentRecord
from orca_desk.services.messaging.unknown_outcome import task_for_unknown_outcome


@dataclass
class ReconcileSummary:
    found: int = 0
    requeued: int = 0
    waiting: int = 0
    gave_up: int = 0
    unreachable: int = 0


def reconcile_sending(
    db: Database, providers: Mapping[str, Provider], *, now: datetime, options: DispatchOptions | None = None
) -> ReconcileSummary:
    """Settle messages left ``sending``: a timed-out send, or a claim of a worker that died.

    A provider that can be asked (Twilio) lists what it holds for the number and text
    (``sent_records``). Identical texts to one number (twins: two siblings, one parent) are
    settled together, by count: a provider id already attributed to an outbox row never
    matches another one, and with N rows in doubt and M records left, M rows are settled as
    sent and only the other N - M are queued again. A row nothing matched is queued again
    once its claim is older than ``claim_timeout``; sooner, it waits (the request may still be
    on its way). While a live worker's claim of a twin is not recorded yet, its record cannot
    be told apart: the twins wait.

    A provider that cannot be asked (SendGrid): a claim never started goes back to the queue;
    the one whose request was under way (``in_flight``) or timed out goes to staff.
    """
    options = options or DispatchOptions()
    summary = ReconcileSummary()
    stale = now - options.claim_timeout
    with db.read() as s:
        rows = s.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.channel,
                OutboxMessage.to_address,
                OutboxMessage.body,
                OutboxMessage.claimed_at,
                OutboxMessage.claimed_by,
                OutboxMessage.error_code,
            )
            .where(
                OutboxMessage.status == "sending",
                OutboxMessage.merged_into_id.is_(None),
                or_(OutboxMessage.error_code == "unknown", OutboxMessage.claimed_at <= stale),
            )
            .order_by(OutboxMessage.id)
        ).all()
    twins: dict[tuple[str, str, str], list[Any]] = {}
    for r in rows:
        twins.setdefault((r.channel, r.to_address, r.body), []).append(r)
    for (channel, to, body), doubt in twins.items():
        provider = providers.get(channel)
        if provider is None:
            continue
        matched: dict[int, str] = {}
        if can_look_up(provider):
            try:
                found_ids = _match_records(db, provider, to, body, doubt, now=now)
            except ProviderError:
                summary.unreachable += len(doubt)
                continue
            if found_ids is None:
                summary.waiting += len(doubt)
                continue
            matched = found_ids
        for id_, _, _, _, claimed_at, claimed_by, _ in doubt:
            found = matched.get(id_)
            old = claimed_at is None or claimed_at <= stale
            if found is None and not old:
                summary.waiting += 1
                continue
            _settle(db, provider, id_, claimed_at, claimed_by, found, now=now, summary=summary)
    return summary


def _match_records(
    db: Database, provider: Provider, to: str, body: str, doubt: Sequence[Any], *, now: datetime
) -> dict[int, str] | None:
    """The provider ids of ``doubt`` (identical texts to one number) that the provider holds,
    by row id; None while it cannot be told (a live worker's twin is not recorded yet).

    Records already attributed to an outbox row are left out. Each row may only take a
    record created after its claim (less ``CLAIM_SKEW``); the most recent claims choose first,
    so as many rows as possible are matched (each row accepts every later record).
    """
    records = provider.sent_records(to, min(r.claimed_at or now for r in doubt), body)
    if not records:
        return {}
    ids = [r.id for r in doubt]
    with db.read() as s:
        attributed = set(
            s.scalars(
                select(OutboxMessage.provider_id).where(
                    OutboxMessage.provider_id.in_([r.provider_id for r in records])
                )
            )
        )
        live = (
            s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.status == "sending",
                    OutboxMessage.merged_into_id.is_(None),
                    OutboxMessage.channel == doubt[0].channel,
                    OutboxMessage.to_address == to,
                    OutboxMessage.body == body,
                    OutboxMessage.id.not_in(ids),
                )
            )
            or 0
        )
    free: list[SentRecord] = [r for r in records if r.provider_id not in attributed]
    if live and free and len(free) < len(doubt) + live:
        return None
    matched: dict[int, str] = {}
    for r in sorted(doubt, key=lambda r: (r.claimed_at or now, r.id), reverse=True):
        floor = (r.claimed_at or now) - CLAIM_SKEW
        record = next((x for x in free if x.created_at >= floor), None)
        if record is None:
            continue
        free.remove(record)
        matched[r.id] = record.provider_id
    return matched


def _settle(
    db: Database,
    provider: Provider,
    id_: int,
    claimed_at: datetime | None,
    claimed_by: str | None,
    found: str | None,
    *,
    now: datetime,
    summary: ReconcileSummary,
) -> None:
    """Settle one row in doubt: ``found`` at the provider → sent; else queued again, or (for a
    provider that cannot be asked, when its request was under way) failed for staff."""
    with db.write() as s:
        m = s.get(OutboxMessage, id_)
        if m is None or m.status != "sending" or m.claimed_at != claimed_at:
            return
        group = [m, *group_of(s, m.id)]
        if found is not None:
            for x in group:
                x.status, x.provider, x.provider_id, x.sent_at = "sent", provider.name, found, now
                x.next_attempt_at, x.error_code, x.error = now + DELIVERY_FIRST_POLL, None, None
                add_event(s, x.id, "sent", f"reconciled: {provider.name} has it ({found})", now)
            run_after_sent(s, [x.id for x in group], now)
            summary.found += 1
        elif can_look_up(provider):
            for x in group:
                x.status, x.next_attempt_at, x.error_code = "queued", now, None
                x.error = None
                x.claimed_by = x.claimed_at = None
                x.merged_into_id = None
                add_event(
                    s,
                    x.id,
                    "queued",
                    f"reconciled: {provider.name} never got it (claim by {claimed_by}); queued again",
                    now,
                )
            summary.requeued += 1
        elif m.error_code not in (IN_FLIGHT, "unknown"):
            # Claimed, never started (the worker died first): nothing went out, no attempt made.
            for x in group:
                x.status, x.next_attempt_at, x.error_code, x.error = "queued", now, None, None
                x.claimed_by = x.claimed_at = None
                x.merged_into_id = None
                x.attempts = max(0, x.attempts - 1)
                add_event(
                    s,
                    x.id,
                    "queued",
                    f"never started: the claim by {claimed_by} ended before its request; queued again",
                    now,
                )
            summary.requeued += 1
        else:
            finish(
                s,
                group,
                "failed",
                "unknown_outcome",
                f"{provider.name} did not answer and cannot be asked whether it was sent; "
                "check with the family before retrying",
                now,
            )
            task_for_unknown_outcome(s, m, now=now)
            summary.gave_up += 1
