"""Claiming due messages: judge each one, fold siblings' reminders together, mark them ``sending``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.appointment import Appointment
from orca_desk.models.clinic import Location
from orca_desk.models.messaging import OutboxMessage
from orca_desk.models.patient import Patient
from orca_desk.services import local_time
from orca_desk.services.messaging.dispatch.common import (
    EVENTS,
    MERGEABLE,
    OUTBOX,
    Claim,
    DispatchOptions,
    DispatchSummary,
    for_update,
    zone_named,
)
from orca_desk.services.messaging.dispatch.judge import Judge, Verdict
from orca_desk.services.messaging.message_locale import recipient_language
from orca_desk.services.messaging.outbox import PENDING, add_event
from orca_desk.services.messaging.policy import MessagingPolicy, merge_family_messages


def _merged_body(
    session: Session, group: Sequence[OutboxMessage], clock: list[tuple[Literal[12, 24], str]]
) -> str | None:
    """One reminder for siblings' appointments, or None when they cannot be described; in the
    first family member's language, on the clinic's clock and in its country's date order
    (``clock``: read on the batch's first merge, then kept)."""
    items: list[tuple[str, datetime, str]] = []
    language = None
    ids = [m.appointment_id for m in group if m.appointment_id is not None]
    if len(ids) != len(group):
        return None
    # One query for the group's appointments; locations and patients come from the identity
    # map (the batch's patients are loaded, a clinic has few locations).
    list(session.scalars(select(Appointment).where(Appointment.id.in_(ids))))
    for m in group:
        appt = session.get(Appointment, m.appointment_id) if m.appointment_id else None
        if appt is None:
            return None
        loc = session.get(Location, appt.location_id)
        patient = session.get(Patient, appt.patient_id)
        if loc is None or patient is None:
            return None
        zone = zone_named(loc.timezone) or ZoneInfo("UTC")
        items.append((patient.first_name, appt.start_at.astimezone(zone), loc.name))
        language = language or recipient_language(patient)
    if not clock:
        clock.append(local_time.message_clock(session))
    hour_format, country = clock[0]
    return merge_family_messages(items, hour_format=hour_format, language=language, country=country)


# What the claim reads of each due message: the columns the rules and the send need, as
# plain rows (attribute access like the model's), not ORM objects.
_CLAIM_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.clinic_id,
    OutboxMessage.channel,
    OutboxMessage.to_address,
    OutboxMessage.body,
    OutboxMessage.subject,
    OutboxMessage.html,
    OutboxMessage.purpose,
    OutboxMessage.patient_id,
    OutboxMessage.appointment_id,
    OutboxMessage.not_after,
    OutboxMessage.attempts,
)


def claim_due(
    db: Database,
    *,
    now: datetime,
    worker_id: str,
    limit: int,
    policy: MessagingPolicy,
    options: DispatchOptions,
    summary: DispatchSummary,
) -> list[Claim]:
    """Judge and claim up to ``limit`` due messages in one committed transaction.

    The common case (sendable, nothing to merge) is two Core statements for the whole batch:
    one guarded ``UPDATE`` to ``sending`` and one ``INSERT`` of the history lines. Messages
    deferred, cancelled or failed by the rules, and merged reminders, go through the ORM.
    """
    with db.write() as s:
        query = (
            select(*_CLAIM_COLUMNS)
            .where(OutboxMessage.status.in_(PENDING), OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        rows: list[Any] = list(s.execute(for_update(db, query)).all())
        if not rows:
            return []
        judge = Judge(s, policy, now, rows)
        sendable: list[Any] = []
        for row in rows:
            verdict = judge.judge(row)
            if verdict[0] == "send":
                judge.counted(row)
                sendable.append(row)
            else:
                _apply_verdict(s, judge, row.id, verdict, now, summary)
        claims: list[Claim] = []
        taken: set[int] = set()
        plain: list[Any] = []  # claimed as they are, with the Core statements below
        partners = _merge_candidates(db, s, sendable, now, options)
        clock: list[tuple[Literal[12, 24], str]] = []
        for row in sendable:
            if row.id in taken:
                continue
            siblings = _merge_partners(partners, row, now, options, taken)
            body = _merged_body(s, [row, *siblings], clock) if siblings else None
            if body is None:
                taken.add(row.id)
                plain.append(row)
                claims.append(
                    Claim(row.id, row.channel, row.to_address, row.body, row.subject, row.html, now)
                )
                continue
            claims.append(_claim_merged(s, row.id, siblings, body, now=now, worker_id=worker_id, taken=taken))
            summary.merged += len(siblings)
        if plain:
            _claim_plain(s, plain, now=now, worker_id=worker_id)
        summary.claimed += len(claims)
        return claims


def _apply_verdict(
    s: Session, judge: Judge, message_id: int, verdict: Verdict, now: datetime, summary: DispatchSummary
) -> None:
    """Defer, cancel or fail a message the rules do not let go now."""
    action, code, reason, until = verdict
    m = s.get(OutboxMessage, message_id)
    assert m is not None  # read (and on PostgreSQL locked) by this transaction
    if action == "defer":
        assert until is not None
        m.status, m.next_attempt_at, m.error_code, m.error = "deferred", until, code, reason
        shown = local_time.fmt_when(until, judge.clinic_zone(m.clinic_id), judge.time_style(), now=now)
        add_event(s, m.id, "deferred", f"{reason}; next try {shown}", now)
        summary.deferred += 1
    else:
        status = {"cancel": "cancelled", "fail": "failed"}.get(action, action)
        m.status, m.error_code, m.error = status, code, reason
        add_event(s, m.id, status, reason, now)
        if status == "cancelled":
            summary.cancelled += 1
        else:
            summary.failed += 1


def _claim_merged(
    s: Session,
    message_id: int,
    siblings: Sequence[OutboxMessage],
    body: str,
    *,
    now: datetime,
    worker_id: str,
    taken: set[int],
) -> Claim:
    """Claim one message carrying its siblings' reminders as ``body``; the siblings ride along."""
    m = s.get(OutboxMessage, message_id)
    assert m is not None
    merged = tuple(x.id for x in siblings)
    add_event(
        s,
        m.id,
        "sending",
        "merged with " + ", ".join(f"#{x.id}" for x in siblings) + f"; original text: {m.body}",
        now,
    )
    m.body = body
    for x in siblings:
        x.status, x.merged_into_id = "sending", m.id
        x.claimed_by, x.claimed_at, x.attempts = worker_id, now, x.attempts + 1
        add_event(s, x.id, "sending", f"merged into #{m.id} (one text per number)", now)
        taken.add(x.id)
    taken.add(m.id)
    m.status, m.claimed_by, m.claimed_at = "sending", worker_id, now
    m.attempts += 1
    m.error_code = m.error = None
    add_event(s, m.id, "sending", f"claimed by {worker_id} (attempt {m.attempts})", now)
    return Claim(m.id, m.channel, m.to_address, m.body, m.subject, m.html, now, merged)


def _claim_plain(s: Session, plain: Sequence[Any], *, now: datetime, worker_id: str) -> None:
    """Claim unmerged messages with one guarded UPDATE and one INSERT of their history lines."""
    conn = s.connection()
    ids = [row.id for row in plain]
    done = conn.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(ids), OUTBOX.c.status.in_(PENDING))
        .values(
            status="sending",
            claimed_by=worker_id,
            claimed_at=now,
            attempts=OUTBOX.c.attempts + 1,
            error_code=None,
            error=None,
        )
    ).rowcount
    if done != len(ids):  # read in this very transaction: cannot happen; never half-claim
        raise RuntimeError(f"claim of {len(ids)} messages changed {done} rows")
    conn.execute(
        insert(EVENTS),
        [
            {
                "message_id": row.id,
                "at": now,
                "status": "sending",
                "detail": f"claimed by {worker_id} (attempt {row.attempts + 1})"[:500],
            }
            for row in plain
        ],
    )


def _mergeable(m: OutboxMessage) -> bool:
    return m.channel == "sms" and m.purpose in MERGEABLE and m.appointment_id is not None


def _merge_candidates(
    db: Database, s: Session, sendable: Sequence[OutboxMessage], now: datetime, options: DispatchOptions
) -> dict[tuple[str, str], list[OutboxMessage]]:
    """Every pending message the batch's mergeable ones could take along, in one query,
    grouped by (number, purpose) in id order (locked on PostgreSQL like the batch)."""
    keys = {(m.to_address, m.purpose) for m in sendable if _mergeable(m)}
    if not keys:
        return {}
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.to_address.in_({k[0] for k in keys}),
            OutboxMessage.channel == "sms",
            OutboxMessage.purpose.in_({k[1] for k in keys}),
            OutboxMessage.status.in_(PENDING),
            OutboxMessage.appointment_id.is_not(None),
            OutboxMessage.next_attempt_at <= now + options.merge_window,
        )
        .order_by(OutboxMessage.id)
    )
    grouped: dict[tuple[str, str], list[OutboxMessage]] = {}
    for x in s.scalars(for_update(db, query)):
        if (x.to_address, x.purpose) in keys:
            grouped.setdefault((x.to_address, x.purpose), []).append(x)
    return grouped


def _merge_partners(
    candidates: Mapping[tuple[str, str], Sequence[OutboxMessage]],
    m: OutboxMessage,
    now: datetime,
    options: DispatchOptions,
    taken: set[int],
) -> list[OutboxMessage]:
    if not _mergeable(m):
        return []
    # The candidates were read once for the batch; what this claim has changed since (a
    # message claimed, merged or deferred) is judged on the objects' current state.
    limit = now + options.merge_window
    partners = [
        x
        for x in candidates.get((m.to_address, m.purpose), ())
        if x.id != m.id and x.id not in taken and x.status in PENDING and x.next_attempt_at <= limit
    ]
    # A partner must be sendable under the same rules; one whose deadline is before ours
    # or already past is left to go (or expire) on its own.
    return [x for x in partners if x.not_after is None or x.not_after > now]
