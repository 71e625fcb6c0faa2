"""Recording what providers answered: sent (in bulk or one by one), failed, retried; claims given back."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.messaging import OutboxMessage
from orca_desk.services import local_time
from orca_desk.services.messaging.dispatch.common import (
    DELIVERY_FIRST_POLL,
    EVENTS,
    IN_FLIGHT,
    OPTED_OUT_CODE,
    OUTBOX,
    UNDELIVERABLE_CODES,
    Claim,
    DispatchOptions,
    DispatchSummary,
    finish,
    run_after_sent,
)
from orca_desk.services.messaging.inbound import mark_undeliverable, unsubscribe_address
from orca_desk.services.messaging.outbox import add_event
from orca_desk.services.messaging.providers.base import Provider, SendResult

# One guarded UPDATE per message, executed as executemany: only a row still claimed by this
# worker in this claim is marked sent (reconciliation may have taken it back meanwhile).
_MARK_SENT = (
    update(OUTBOX)
    .where(
        OUTBOX.c.id == bindparam("b_id"),
        OUTBOX.c.status == "sending",
        OUTBOX.c.claimed_by == bindparam("b_worker"),
        OUTBOX.c.claimed_at == bindparam("b_claimed"),
    )
    .values(
        status="sent",
        provider=bindparam("b_provider"),
        provider_id=bindparam("b_pid"),
        sent_at=bindparam("b_now"),
        next_attempt_at=bindparam("b_poll"),
        error_code=None,
        error=bindparam("b_error"),
    )
)


@dataclass(frozen=True)
class Accepted:
    """A send the provider accepted whose row is not yet marked sent."""

    claim: Claim
    result: SendResult
    provider: str


def record_sent(db: Database, accepted: Sequence[Accepted], *, worker_id: str) -> list[Accepted]:
    """Mark accepted sends ``sent`` in one transaction (two statements: the guarded UPDATEs
    as one executemany, the history rows as one INSERT). Returns those whose claim is no
    longer ours; nothing is written for them (``record_outcome`` settles them one by one)."""
    if not accepted:
        return []
    with db.write() as s:
        conn = s.connection()
        rows = [row for a in accepted for row in _sent_rows(a, worker_id)]
        done = conn.execute(_MARK_SENT, rows).rowcount
        if done != len(rows):  # a claim was taken back (or the driver cannot count): one by one
            s.rollback()
            return _record_sent_each(db, accepted, worker_id=worker_id)
        conn.execute(insert(EVENTS), [event for a in accepted for event in _sent_events(a)])
        run_after_sent(
            s, [i for a in accepted for i in (a.claim.id, *a.claim.siblings)], accepted[0].claim.claimed_at
        )
    return []


def _sent_rows(a: Accepted, worker_id: str) -> list[dict[str, object]]:
    """Parameters of ``_MARK_SENT`` for a claim and its merged siblings; sent at the claim's time."""
    when = a.claim.claimed_at
    return [
        {
            "b_id": i,
            "b_worker": worker_id,
            "b_claimed": when,
            "b_provider": a.provider,
            "b_pid": a.result.provider_id,
            "b_now": when,
            "b_poll": when + DELIVERY_FIRST_POLL,
            "b_error": a.result.error,
        }
        for i in (a.claim.id, *a.claim.siblings)
    ]


def _sent_events(a: Accepted) -> list[dict[str, object]]:
    detail = f"{a.provider} accepted it: {a.result.provider_id}"
    return [
        {"message_id": i, "at": a.claim.claimed_at, "status": "sent", "detail": detail}
        for i in (a.claim.id, *a.claim.siblings)
    ]


def _record_sent_each(db: Database, accepted: Sequence[Accepted], *, worker_id: str) -> list[Accepted]:
    """The slow path of ``record_sent``: each claim on its own, all or nothing per group."""
    lost: list[Accepted] = []
    with db.write() as s:
        conn = s.connection()
        for a in accepted:
            ids = (a.claim.id, *a.claim.siblings)
            owned = conn.execute(
                select(OUTBOX.c.id).where(
                    OUTBOX.c.id.in_(ids),
                    OUTBOX.c.status == "sending",
                    OUTBOX.c.claimed_by == worker_id,
                    OUTBOX.c.claimed_at == a.claim.claimed_at,
                )
            ).all()
            if len(owned) != len(ids):
                lost.append(a)
                continue
            conn.execute(_MARK_SENT, _sent_rows(a, worker_id))
            conn.execute(insert(EVENTS), _sent_events(a))
            run_after_sent(s, ids, a.claim.claimed_at)
    return lost


def record_outcome(
    db: Database,
    claim: Claim,
    result: SendResult,
    provider: Provider,
    *,
    now: datetime,
    worker_id: str,
    options: DispatchOptions,
    summary: DispatchSummary,
) -> None:
    """Record one outcome (the general case; ``record_sent`` is the fast one for accepted sends)."""
    with db.write() as s:
        m = s.get(OutboxMessage, claim.id)
        if (
            m is None
            or m.status != "sending"
            or m.claimed_by != worker_id
            or m.claimed_at != claim.claimed_at
        ):
            # Reconciliation took the row back meanwhile; its decision stands.
            summary.errors.append(f"#{claim.id}: late result {result.status} ignored")
            if m is not None:
                add_event(
                    s,
                    m.id,
                    m.status,
                    f"late provider answer ignored: {result.status} "
                    f"{result.provider_id or result.error or ''}",
                    now,
                )
            return
        group = [m, *(x for x in (s.get(OutboxMessage, i) for i in claim.siblings) if x is not None)]
        m.provider = provider.name
        if result.status == "sent":
            _mark_sent(s, group, result, provider, now)
            summary.sent += 1
            return
        if result.status == "unknown":
            m.error_code, m.error = "unknown", (result.error or "no answer")[:500]
            add_event(
                s,
                m.id,
                "sending",
                f"no answer from {provider.name}: {m.error}; it will be reconciled before any resend",
                now,
            )
            summary.unknown += 1
            return
        _fail_or_retry(s, group, result, provider, now=now, options=options, summary=summary)


def _mark_sent(
    s: Session, group: Sequence[OutboxMessage], result: SendResult, provider: Provider, now: datetime
) -> None:
    for x in group:
        x.status, x.provider, x.provider_id, x.sent_at = (
            "sent",
            provider.name,
            result.provider_id,
            now,
        )
        x.next_attempt_at = now + DELIVERY_FIRST_POLL
        x.error_code, x.error = None, result.error
        add_event(s, x.id, "sent", f"{provider.name} accepted it: {result.provider_id}", now)
    run_after_sent(s, [x.id for x in group], now)


def _fail_or_retry(
    s: Session,
    group: Sequence[OutboxMessage],
    result: SendResult,
    provider: Provider,
    *,
    now: datetime,
    options: DispatchOptions,
    summary: DispatchSummary,
) -> None:
    """A refusal: failed for good, or deferred for a retry until the attempts run out."""
    m = group[0]
    code = result.error_code or ""
    detail = f"{provider.name}: {code} {result.error or ''}".strip()
    if result.status == "failed" and result.permanent:
        status = "failed"
        if code == OPTED_OUT_CODE:
            unsubscribe_address(s, m.channel, m.to_address, source="carrier (Twilio 21610)", now=now)
        elif code in UNDELIVERABLE_CODES:
            status = "undeliverable"
            mark_undeliverable(s, m.channel, m.to_address, code=code, error=result.error or "", now=now)
        finish(s, group, status, code, result.error or detail, now)
        summary.failed += 1
        return
    # A retry (429, 5xx, no connection) or a refusal that may pass later (credentials).
    if m.attempts >= options.max_attempts:
        finish(s, group, "failed", code or "retries", f"gave up after {m.attempts} attempts: {detail}", now)
        summary.failed += 1
        return
    until = now + backoff(m.attempts, result.retry_after, options)
    shown = local_time.fmt_when(
        until, local_time.location_zone(s, None), local_time.clinic_time_format(s), now=now, seconds=True
    )
    for x in group:
        x.status, x.next_attempt_at, x.error_code = "deferred", until, code or "retry"
        x.error = (result.error or detail)[:500]
        x.claimed_by = x.claimed_at = None
        x.merged_into_id = None
        add_event(s, x.id, "deferred", f"{detail}; next try {shown}", now)
    summary.deferred += 1


def backoff(attempts: int, retry_after: float | None, options: DispatchOptions) -> timedelta:
    cap = min(options.retry_max, options.retry_base * (2 ** max(0, attempts - 1)))
    delay = timedelta(seconds=random.uniform(cap.total_seconds() / 2, cap.total_seconds()))
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def start_claim(db: Database, claim: Claim, worker_id: str) -> bool:
    """Record that this claim's request is about to go out (committed before the call).

    Only for providers that cannot be asked afterwards (``common.can_look_up``): if the worker dies,
    the message marked ``in_flight`` is the one in doubt, and the batch's other claims, never
    started, go back to the queue (``reconcile_sending``). False: the claim is no longer ours.
    """
    with db.write() as s:
        done = s.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claim.id,
                OutboxMessage.status == "sending",
                OutboxMessage.claimed_by == worker_id,
                OutboxMessage.claimed_at == claim.claimed_at,
            )
            .values(error_code=IN_FLIGHT)
        ).rowcount  # type: ignore[attr-defined]
    return bool(done)


def release(
    db: Database,
    claims: Sequence[Claim],
    worker_id: str,
    now: datetime,
    *,
    why: str = "worker ran out of time",
) -> int:
    """Give back claims this worker has not tried to send (nothing went to the provider)."""
    released = 0
    with db.write() as s:
        for c in claims:
            ids = [c.id, *c.siblings]
            result = s.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(ids),
                    OutboxMessage.status == "sending",
                    OutboxMessage.claimed_by == worker_id,
                )
                .values(
                    status="queued",
                    claimed_by=None,
                    claimed_at=None,
                    merged_into_id=None,
                    attempts=OutboxMessage.attempts - 1,
                )
            )
            if result.rowcount:  # type: ignore[attr-defined]
                released += 1
                add_event(s, c.id, "queued", f"released unsent ({why})", now)
    return released
