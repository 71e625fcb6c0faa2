"""Sends due outbox messages: claim, enforce the policy at send time, call providers, reconcile."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models import (
    Appointment,
    ContactState,
    Location,
    OutboxEvent,
    OutboxMessage,
    Patient,
)
from orca_desk.services.messaging.inbound import (
    KEYWORD_REPLY,
    mark_undeliverable,
    unsubscribe_address,
)
from orca_desk.services.messaging.outbox import PENDING, add_event
from orca_desk.services.messaging.policy import (
    MessagingPolicy,
    budget_allows,
    merge_family_messages,
    next_allowed_send,
    sms_allowed,
)
from orca_desk.services.messaging.providers.base import (
    OutgoingMessage,
    Provider,
    ProviderError,
    SendResult,
)

# Staff write these one by one; the per-number budget is for automation.
BUDGET_EXEMPT: frozenset[str] = frozenset({"manual", KEYWORD_REPLY})
# Purposes whose messages to one number may be folded into one text (siblings' reminders).
MERGEABLE: frozenset[str] = frozenset({"reminder"})
# Twilio error codes that say the number itself cannot take texts.
UNDELIVERABLE_CODES: frozenset[str] = frozenset({"21211", "21614", "21612", "21408", "30006"})
OPTED_OUT_CODE = "21610"
# Delivery reports: how soon to look, how often, and for how long after sending.
DELIVERY_FIRST_POLL = timedelta(seconds=30)
DELIVERY_REPOLL = timedelta(minutes=5)
DELIVERY_WINDOW = timedelta(days=3)


@dataclass(frozen=True)
class DispatchOptions:
    """Tuning of the dispatcher; defaults suit a clinic on a 1 message/s long code.

    ``claim_timeout``: a row left ``sending`` longer than this belongs to a worker presumed
    dead; it is reconciled with the provider (never blindly resent). A live worker releases
    what it has not sent once half of it has passed, so it never holds a claim that long.
    """

    claim_timeout: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    retry_base: timedelta = timedelta(seconds=30)
    retry_max: timedelta = timedelta(hours=1)
    merge_window: timedelta = timedelta(minutes=30)
    status_callback_base: str | None = None
    unsubscribe_url: Callable[[str, str], str | None] | None = None  # (channel, address) → URL
    max_batches: int = 50


@dataclass
class DispatchSummary:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    cancelled: int = 0
    unknown: int = 0
    merged: int = 0
    released: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Claim:
    id: int
    channel: str
    to: str
    body: str
    subject: str | None
    html: str | None
    claimed_at: datetime
    siblings: tuple[int, ...] = ()  # messages merged into this one


Verdict = tuple[str, str, str, datetime | None]  # action, code, reason, defer until


def _for_update(db: Database, query):  # type: ignore[no-untyped-def]
    return query.with_for_update(skip_locked=True) if db.is_postgres else query


class _Judge:
    """The policy at send time for one claim transaction, with per-batch caches."""

    def __init__(self, session: Session, policy: MessagingPolicy, now: datetime,
                 batch: Sequence[OutboxMessage]) -> None:
        self.s, self.policy, self.now = session, policy, now
        self._zones: dict[int | None, ZoneInfo] = {}
        self._default_zone: ZoneInfo | None = None
        self._sent: dict[str, list[datetime]] = {}
        self._merging: set[tuple[str, str] | None] = set()
        # One query each for the batch's patients, contact states and budgets.
        patient_ids = {m.patient_id for m in batch if m.patient_id is not None}
        self._patients = {p.id: p for p in session.scalars(
            select(Patient).where(Patient.id.in_(patient_ids)))} if patient_ids else {}
        addresses = {m.to_address for m in batch}
        self._states = {(c.channel, c.address): c for c in session.scalars(
            select(ContactState).where(ContactState.address.in_(addresses)))}
        self._prefetch_sent(addresses)

    def zone(self, m: OutboxMessage) -> ZoneInfo:
        if m.patient_id not in self._zones:
            patient = self._patients.get(m.patient_id) if m.patient_id else None
            zone: ZoneInfo | None = None
            if patient is not None and patient.timezone:
                zone = _zone(patient.timezone)
            if zone is None and patient is not None and patient.home_location_id:
                loc = self.s.get(Location, patient.home_location_id)
                zone = _zone(loc.timezone) if loc else None
            self._zones[m.patient_id] = zone or self.clinic_zone(m.clinic_id)
        return self._zones[m.patient_id]

    def clinic_zone(self, clinic_id: int) -> ZoneInfo:
        if self._default_zone is None:
            tz = self.s.scalar(select(Location.timezone).where(Location.clinic_id == clinic_id)
                               .order_by(Location.id).limit(1))
            self._default_zone = (_zone(tz) if tz else None) or ZoneInfo("UTC")
        return self._default_zone

    def _prefetch_sent(self, addresses: set[str]) -> None:
        since = self.now - timedelta(days=8)
        for address in addresses:
            self._sent.setdefault(address, [])
        rows = self.s.execute(select(OutboxMessage.to_address, OutboxMessage.sent_at,
                                     OutboxMessage.claimed_at).where(
            OutboxMessage.to_address.in_(addresses), OutboxMessage.merged_into_id.is_(None),
            OutboxMessage.purpose.not_in(BUDGET_EXEMPT),
            OutboxMessage.status.in_(("sending", "sent", "delivered")),
            or_(OutboxMessage.sent_at >= since, OutboxMessage.claimed_at >= since))).all()
        for address, sent_at, claimed_at in rows:
            when = sent_at or claimed_at
            if when is not None:
                self._sent[address].append(when)

    def sent_times(self, address: str) -> list[datetime]:
        return self._sent.setdefault(address, [])

    def consent(self, m: OutboxMessage) -> bool:
        if m.patient_id is not None:
            patient = self._patients.get(m.patient_id)
            return bool(patient and patient.sms_consent)
        return self.s.scalar(select(Patient.id).where(
            Patient.contact_phone == m.to_address, Patient.sms_consent.is_(True)).limit(1)) is not None

    def judge(self, m: OutboxMessage) -> Verdict:
        now = self.now
        if m.not_after is not None and m.not_after <= now:
            return "cancel", "expired", "no longer relevant (its deadline passed)", None
        state = self._states.get((m.channel, m.to_address))
        if state is not None and state.undeliverable:
            return ("undeliverable", state.last_error_code or "undeliverable",
                    f"{m.to_address} cannot receive messages ({state.last_error or 'refused'})", None)
        if m.purpose == KEYWORD_REPLY:
            return "send", "", "", None
        if m.channel == "sms":
            ok, reason = sms_allowed(self.consent(m), bool(state and state.opted_out), self.policy)
            if not ok:
                code = "opted_out" if state is not None and state.opted_out else "no_consent"
                return "fail", code, reason, None
        elif state is not None and state.opted_out:
            return "fail", "opted_out", f"{m.to_address} unsubscribed from emails", None
        zone = self.zone(m)
        allowed = next_allowed_send(now, zone, self.policy)
        if allowed > now:
            return self._defer(m, allowed, "quiet_hours", "quiet hours in the recipient's zone")
        if m.channel == "sms" and m.purpose not in BUDGET_EXEMPT and \
                self._merge_key(m) not in self._merging and not budget_allows(
                self.sent_times(m.to_address), now, zone, self.policy):
            local = now.astimezone(zone)
            tomorrow = datetime.combine(local.date() + timedelta(days=1),
                                        self._day_start(), tzinfo=zone)
            until = next_allowed_send(tomorrow.astimezone(UTC), zone, self.policy)
            return self._defer(m, until, "budget", "contact budget for this number is used up")
        return "send", "", "", None

    def _day_start(self) -> wall_time:
        p = self.policy
        return p.quiet_end if p.quiet_start != p.quiet_end else wall_time(0)

    def _defer(self, m: OutboxMessage, until: datetime, code: str, reason: str) -> Verdict:
        if m.not_after is not None and until >= m.not_after:
            return "cancel", "expired", f"{reason}; it would be too late by then", None
        return "defer", code, reason, until

    @staticmethod
    def _merge_key(m: OutboxMessage) -> tuple[str, str] | None:
        mergeable = m.channel == "sms" and m.purpose in MERGEABLE and m.appointment_id is not None
        return (m.to_address, m.purpose) if mergeable else None

    def counted(self, m: OutboxMessage) -> None:
        """Count a message about to go against its number's budget (merged ones count once)."""
        key = self._merge_key(m)
        if key is not None:
            if key in self._merging:
                return
            self._merging.add(key)
        if m.channel == "sms" and m.purpose not in BUDGET_EXEMPT:
            self.sent_times(m.to_address).append(self.now)


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _merged_body(session: Session, group: Sequence[OutboxMessage]) -> str | None:
    """One reminder for siblings' appointments, or None when they cannot be described."""
    items: list[tuple[str, datetime, str]] = []
    for m in group:
        appt = session.get(Appointment, m.appointment_id) if m.appointment_id else None
        if appt is None:
            return None
        loc = session.get(Location, appt.location_id)
        patient = session.get(Patient, appt.patient_id)
        if loc is None or patient is None:
            return None
        zone = _zone(loc.timezone) or ZoneInfo("UTC")
        items.append((patient.first_name, appt.start_at.astimezone(zone), loc.name))
    return merge_family_messages(items)


def _claim(db: Database, *, now: datetime, worker_id: str, limit: int, policy: MessagingPolicy,
           options: DispatchOptions, summary: DispatchSummary) -> list[_Claim]:
    with db.write() as s:
        query = (select(OutboxMessage)
                 .where(OutboxMessage.status.in_(PENDING), OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
        rows = list(s.scalars(_for_update(db, query)))
        if not rows:
            return []
        judge = _Judge(s, policy, now, rows)
        sendable: list[OutboxMessage] = []
        for m in rows:
            action, code, reason, until = judge.judge(m)
            if action == "send":
                judge.counted(m)
                sendable.append(m)
                continue
            if action == "defer":
                assert until is not None
                m.status, m.next_attempt_at, m.error_code, m.error = "deferred", until, code, reason
                add_event(s, m.id, "deferred", f"{reason}; next try {until:%Y-%m-%d %H:%M} UTC", now)
                summary.deferred += 1
            else:
                status = {"cancel": "cancelled", "fail": "failed"}.get(action, action)
                m.status, m.error_code, m.error = status, code, reason
                add_event(s, m.id, status, reason, now)
                if status == "cancelled":
                    summary.cancelled += 1
                else:
                    summary.failed += 1
        claims: list[_Claim] = []
        taken: set[int] = set()
        for m in sendable:
            if m.id in taken:
                continue
            siblings = _merge_partners(db, s, m, now, options, taken)
            merged: tuple[int, ...] = ()
            if siblings:
                body = _merged_body(s, [m, *siblings])
                if body is not None:
                    merged = tuple(x.id for x in siblings)
                    add_event(s, m.id, "sending", "merged with " + ", ".join(
                        f"#{x.id}" for x in siblings) + f"; original text: {m.body}", now)
                    m.body = body
                    for x in siblings:
                        x.status, x.merged_into_id = "sending", m.id
                        x.claimed_by, x.claimed_at, x.attempts = worker_id, now, x.attempts + 1
                        add_event(s, x.id, "sending", f"merged into #{m.id} (one text per number)", now)
                        taken.add(x.id)
                    summary.merged += len(siblings)
            taken.add(m.id)
            m.status, m.claimed_by, m.claimed_at = "sending", worker_id, now
            m.attempts += 1
            m.error_code = m.error = None
            add_event(s, m.id, "sending", f"claimed by {worker_id} (attempt {m.attempts})", now)
            claims.append(_Claim(m.id, m.channel, m.to_address, m.body, m.subject, m.html, now,
                                 merged))
        summary.claimed += len(claims)
        return claims


def _merge_partners(db: Database, s: Session, m: OutboxMessage, now: datetime,
                    options: DispatchOptions, taken: set[int]) -> list[OutboxMessage]:
    if m.channel != "sms" or m.purpose not in MERGEABLE or m.appointment_id is None:
        return []
    query = (select(OutboxMessage).where(
        OutboxMessage.to_address == m.to_address, OutboxMessage.channel == "sms",
        OutboxMessage.purpose == m.purpose, OutboxMessage.status.in_(PENDING),
        OutboxMessage.id != m.id, OutboxMessage.appointment_id.is_not(None),
        OutboxMessage.next_attempt_at <= now + options.merge_window)
        .order_by(OutboxMessage.id))
    partners = [x for x in s.scalars(_for_update(db, query)) if x.id not in taken]
    # A partner must be sendable under the same rules; one whose deadline is before ours
    # or already past is left to go (or expire) on its own.
    return [x for x in partners if x.not_after is None or x.not_after > now]


def _backoff(attempts: int, retry_after: float | None, options: DispatchOptions) -> timedelta:
    cap = min(options.retry_max, options.retry_base * (2 ** max(0, attempts - 1)))
    delay = timedelta(seconds=random.uniform(cap.total_seconds() / 2, cap.total_seconds()))
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def _group(s: Session, message_id: int) -> list[OutboxMessage]:
    return list(s.scalars(select(OutboxMessage).where(OutboxMessage.merged_into_id == message_id)))


def _record_sent(db: Database, claim: _Claim, result: SendResult, provider: Provider, *,
                 now: datetime, worker_id: str) -> bool:
    """The common case in two statements; False when the claim is no longer ours."""
    ids = [claim.id, *claim.siblings]
    with db.write() as s:
        done = s.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.status == "sending",
            OutboxMessage.claimed_by == worker_id, OutboxMessage.claimed_at == claim.claimed_at)
            .values(status="sent", provider=provider.name, provider_id=result.provider_id,
                    sent_at=now, next_attempt_at=now + DELIVERY_FIRST_POLL, error_code=None,
                    error=result.error).execution_options(synchronize_session=False))
        if done.rowcount != len(ids):  # type: ignore[attr-defined]
            s.rollback()
            return False
        detail = f"{provider.name} accepted it: {result.provider_id}"
        s.execute(insert(OutboxEvent), [{"message_id": i, "at": now, "status": "sent",
                                         "detail": detail} for i in ids])
    return True


def _record(db: Database, claim: _Claim, result: SendResult, provider: Provider, *, now: datetime,
            worker_id: str, options: DispatchOptions, summary: DispatchSummary) -> None:
    if result.status == "sent" and _record_sent(db, claim, result, provider, now=now,
                                                worker_id=worker_id):
        summary.sent += 1
        return
    with db.write() as s:
        m = s.get(OutboxMessage, claim.id)
        if m is None or m.status != "sending" or m.claimed_by != worker_id \
                or m.claimed_at != claim.claimed_at:
            # Reconciliation took the row back meanwhile; its decision stands.
            summary.errors.append(f"#{claim.id}: late result {result.status} ignored")
            if m is not None:
                add_event(s, m.id, m.status, f"late provider answer ignored: {result.status} "
                          f"{result.provider_id or result.error or ''}", now)
            return
        group = [m, *(x for x in (s.get(OutboxMessage, i) for i in claim.siblings) if x is not None)]
        m.provider = provider.name
        if result.status == "sent":
            for x in group:
                x.status, x.provider, x.provider_id, x.sent_at = "sent", provider.name, \
                    result.provider_id, now
                x.next_attempt_at = now + DELIVERY_FIRST_POLL
                x.error_code, x.error = None, result.error
                add_event(s, x.id, "sent", f"{provider.name} accepted it: {result.provider_id}", now)
            summary.sent += 1
            return
        if result.status == "unknown":
            m.error_code, m.error = "unknown", (result.error or "no answer")[:500]
            add_event(s, m.id, "sending", f"no answer from {provider.name}: {m.error}; it will be "
                      "reconciled before any resend", now)
            summary.unknown += 1
            return
        code = result.error_code or ""
        detail = f"{provider.name}: {code} {result.error or ''}".strip()
        if result.status == "failed" and result.permanent:
            status = "failed"
            if code == OPTED_OUT_CODE:
                unsubscribe_address(s, m.channel, m.to_address, source="carrier (Twilio 21610)",
                                    now=now)
            elif code in UNDELIVERABLE_CODES:
                status = "undeliverable"
                mark_undeliverable(s, m.channel, m.to_address, code=code,
                                   error=result.error or "", now=now)
            _finish(s, group, status, code, result.error or detail, now)
            summary.failed += 1
            return
        # A retry (429, 5xx, no connection) or a refusal that may pass later (credentials).
        if m.attempts >= options.max_attempts:
            _finish(s, group, "failed", code or "retries", f"gave up after {m.attempts} attempts: "
                    f"{detail}", now)
            summary.failed += 1
            return
        until = now + _backoff(m.attempts, result.retry_after, options)
        for x in group:
            x.status, x.next_attempt_at, x.error_code = "deferred", until, code or "retry"
            x.error = (result.error or detail)[:500]
            x.claimed_by = x.claimed_at = None
            x.merged_into_id = None
            add_event(s, x.id, "deferred", f"{detail}; next try {until:%H:%M:%S} UTC", now)
        summary.deferred += 1


def _finish(s: Session, group: Sequence[OutboxMessage], status: str, code: str, error: str,
            now: datetime) -> None:
    for x in group:
        x.status, x.error_code, x.error = status, code[:20], error[:500]
        add_event(s, x.id, status, error, now)


def _release(db: Database, claims: Sequence[_Claim], worker_id: str, now: datetime) -> int:
    """Give back claims this worker has not tried to send (nothing went to the provider)."""
    released = 0
    with db.write() as s:
        for c in claims:
            ids = [c.id, *c.siblings]
            result = s.execute(update(OutboxMessage).where(
                OutboxMessage.id.in_(ids), OutboxMessage.status == "sending",
                OutboxMessage.claimed_by == worker_id).values(
                status="queued", claimed_by=None, claimed_at=None, merged_into_id=None,
                attempts=OutboxMessage.attempts - 1))
            if result.rowcount:  # type: ignore[attr-defined]
                released += 1
                add_event(s, c.id, "queued", "released unsent (worker ran out of time)", now)
    return released


def outgoing(claim: _Claim, options: DispatchOptions) -> OutgoingMessage:
    callback = None
    if options.status_callback_base and claim.channel == "sms":
        callback = f"{options.status_callback_base.rstrip('/')}/twilio/status?outbox_id={claim.id}"
    unsubscribe = (options.unsubscribe_url(claim.channel, claim.to)
                   if options.unsubscribe_url and claim.channel == "email" else None)
    return OutgoingMessage(outbox_id=claim.id, channel="sms" if claim.channel == "sms" else "email",
                           to=claim.to, body=claim.body, subject=claim.subject,
                           status_callback=callback, html=claim.html, unsubscribe_url=unsubscribe)


def dispatch_due(db: Database, providers: Mapping[str, Provider], *, now: datetime, worker_id: str,
                 batch: int = 50, policy: MessagingPolicy | None = None,
                 options: DispatchOptions | None = None,
                 clock: Callable[[], datetime] | None = None) -> DispatchSummary:
    """Send every message due by ``now``, batch by batch.

    Each batch is claimed (``sending``, ``claimed_by``) and committed before any provider is
    called; each result is recorded in its own transaction. A crash therefore leaves rows
    ``sending``, which ``reconcile_sending`` settles with the provider, never resending blindly.
    With ``clock``, each later batch is claimed at the clock's time, so a long run never
    stamps a fresh claim with an old time (which would make it look abandoned).
    """
    policy = policy or MessagingPolicy()
    options = options or DispatchOptions()
    summary = DispatchSummary()
    budget = options.claim_timeout.total_seconds() / 2
    for number in range(options.max_batches):
        if number and clock is not None:
            now = clock()
        started = time.monotonic()
        claims = _claim(db, now=now, worker_id=worker_id, limit=batch, policy=policy,
                        options=options, summary=summary)
        if not claims:
            break
        for i, claim in enumerate(claims):
            if time.monotonic() - started > budget:
                summary.released += _release(db, claims[i:], worker_id, now)
                return summary
            provider = providers.get(claim.channel)
            if provider is None:
                result = SendResult.retry("no_provider", f"no {claim.channel} provider configured")
            else:
                try:
                    result = provider.send(outgoing(claim, options))
                except ProviderError as exc:
                    result = SendResult.failed("config", str(exc), permanent=False)
                except Exception as exc:  # the request may have gone out: reconcile, never resend
                    result = SendResult.unknown(f"{type(exc).__name__}: {exc}")
            _record(db, claim, result, provider or _MISSING, now=now, worker_id=worker_id,
                    options=options, summary=summary)
    return summary


class _Missing:
    name = "none"
    channel = "sms"


_MISSING: Provider = _Missing()  # type: ignore[assignment]


# --- Reconciliation -----------------------------------------------------------------------


@dataclass
class ReconcileSummary:
    found: int = 0
    requeued: int = 0
    waiting: int = 0
    gave_up: int = 0
    unreachable: int = 0


def _can_look_up(provider: Provider) -> bool:
    # Twilio lists messages; the local provider has nothing remote to duplicate. SendGrid
    # has no lookup, so an email with an unknown outcome goes to staff instead.
    return provider.name == "local" or provider.channel == "sms"


def reconcile_sending(db: Database, providers: Mapping[str, Provider], *, now: datetime,
                      options: DispatchOptions | None = None) -> ReconcileSummary:
    """Settle messages left ``sending``: a timed-out send, or a claim of a worker that died.

    The provider is asked whether the message exists (``find_sent``): found → sent; not found
    once the claim is older than ``claim_timeout`` → queued again; not found sooner → wait
    (the request may still be on its way).
    """
    options = options or DispatchOptions()
    summary = ReconcileSummary()
    stale = now - options.claim_timeout
    with db.read() as s:
        rows = s.execute(select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.to_address,
                                OutboxMessage.body, OutboxMessage.claimed_at,
                                OutboxMessage.claimed_by).where(
            OutboxMessage.status == "sending", OutboxMessage.merged_into_id.is_(None),
            or_(OutboxMessage.error_code == "unknown", OutboxMessage.claimed_at <= stale))
            .order_by(OutboxMessage.id)).all()
    for id_, channel, to, body, claimed_at, claimed_by in rows:
        provider = providers.get(channel)
        if provider is None:
            continue
        found: str | None = None
        if _can_look_up(provider):
            try:
                found = provider.find_sent(to, claimed_at or now, id_, body)
            except ProviderError:
                summary.unreachable += 1
                continue
        old = claimed_at is None or claimed_at <= stale
        if found is None and not old:
            summary.waiting += 1
            continue
        with db.write() as s:
            m = s.get(OutboxMessage, id_)
            if m is None or m.status != "sending" or m.claimed_at != claimed_at:
                continue
            group = [m, *_group(s, m.id)]
            if found is not None:
                for x in group:
                    x.status, x.provider, x.provider_id, x.sent_at = "sent", provider.name, found, now
                    x.next_attempt_at, x.error_code, x.error = now + DELIVERY_FIRST_POLL, None, None
                    add_event(s, x.id, "sent", f"reconciled: {provider.name} has it ({found})", now)
                summary.found += 1
            elif _can_look_up(provider):
                for x in group:
                    x.status, x.next_attempt_at, x.error_code = "queued", now, None
                    x.error = None
                    x.claimed_by = x.claimed_at = None
                    x.merged_into_id = None
                    add_event(s, x.id, "queued", f"reconciled: {provider.name} never got it "
                              f"(claim by {claimed_by}); queued again", now)
                summary.requeued += 1
            else:
                _finish(s, group, "failed", "unknown_outcome",
                        f"{provider.name} did not answer and cannot be asked whether it was sent; "
                        "check with the family before retrying", now)
                summary.gave_up += 1
    return summary


# --- Delivery reports ---------------------------------------------------------------------


@dataclass
class DeliverySummary:
    checked: int = 0
    delivered: int = 0
    failed: int = 0


def poll_delivery(db: Database, provider: Provider, *, now: datetime, limit: int = 100) -> DeliverySummary:
    """Ask the provider what became of recently sent messages whose report is due."""
    summary = DeliverySummary()
    with db.read() as s:
        rows = s.execute(select(OutboxMessage.id, OutboxMessage.provider_id).where(
            OutboxMessage.status == "sent", OutboxMessage.provider == provider.name,
            OutboxMessage.channel == provider.channel, OutboxMessage.provider_id.is_not(None),
            OutboxMessage.merged_into_id.is_(None), OutboxMessage.next_attempt_at <= now,
            OutboxMessage.sent_at >= now - DELIVERY_WINDOW)
            .order_by(OutboxMessage.next_attempt_at).limit(limit)).all()
    for id_, provider_id in rows:
        report = provider.delivery_report(str(provider_id))
        summary.checked += 1
        with db.write() as s:
            m = s.get(OutboxMessage, id_)
            if m is None or m.status != "sent":
                continue
            group = [m, *_group(s, m.id)]
            if report is not None and report.status in ("delivered", "read"):
                for x in group:
                    x.status, x.delivered_at = "delivered", now
                    add_event(s, x.id, "delivered", f"{provider.name}: {report.status}", now)
                summary.delivered += 1
            elif report is not None and report.final:
                code = report.error_code or report.status
                status = "undeliverable" if code in UNDELIVERABLE_CODES else "failed"
                if status == "undeliverable":
                    mark_undeliverable(s, m.channel, m.to_address, code=code,
                                       error=report.error or report.status, now=now)
                _finish(s, group, status, code, f"{provider.name}: {report.status} "
                        f"{report.error or ''}".strip(), now)
                summary.failed += 1
            else:
                m.next_attempt_at = now + DELIVERY_REPOLL
    return summary
