"""Sends due outbox messages: claim, enforce the policy at send time, call providers, reconcile."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, bindparam, func, insert, or_, select, update
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
from orca_desk.services import clinic_settings, local_time
from orca_desk.services.messaging.inbound import (
    BUDGET_EXEMPT,
    KEYWORD_REPLY,
    mark_undeliverable,
    unsubscribe_address,
)
from orca_desk.services.messaging.outbox import (
    EMAIL_CONSENT_EXEMPT,
    PENDING,
    TEST_PURPOSE,
    add_event,
)
from orca_desk.services.messaging.policy import (
    MessagingPolicy,
    budget_allows,
    merge_family_messages,
    next_allowed_send,
    sms_allowed,
)
from orca_desk.services.messaging.providers.base import (
    Attachment,
    OutgoingMessage,
    Provider,
    ProviderError,
    SendResult,
    SentRecord,
)
from orca_desk.services.messaging.unknown_outcome import task_for_unknown_outcome

if TYPE_CHECKING:
    from orca_desk.services.messaging.email_extras import EmailExtras

# Purposes whose messages to one number may be folded into one text (siblings' reminders).
MERGEABLE: frozenset[str] = frozenset({"reminder"})
# Twilio error codes that say the number itself cannot take texts.
UNDELIVERABLE_CODES: frozenset[str] = frozenset({"21211", "21614", "21612", "21408", "30006"})
OPTED_OUT_CODE = "21610"
# Delivery reports: how soon to look, how often, and for how long after sending.
DELIVERY_FIRST_POLL = timedelta(seconds=30)
DELIVERY_REPOLL = timedelta(minutes=5)
DELIVERY_WINDOW = timedelta(days=3)
# ``error_code`` of a claim whose request to a provider that cannot be asked afterwards
# (SendGrid) is under way: after a crash only that message is in doubt (``_start``).
IN_FLIGHT = "in_flight"
# How much earlier than our claim a provider's clock may date the message (Twilio's window).
CLAIM_SKEW = timedelta(minutes=2)


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
    # outbox id → what an email carries besides its text (email_extras.EmailExtrasBuilder):
    # one-click unsubscribe, the visit as .ics. Raises ProviderError when it cannot be built.
    email_extras: Callable[[int], EmailExtras] | None = None
    max_batches: int = 50
    # Accepted sends are recorded together, at the latest this long after the first of them
    # (see ``dispatch_due``); 0 records each one before the next provider call.
    record_interval: float = 1.0


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

    def __init__(
        self, session: Session, policy: MessagingPolicy, now: datetime, batch: Sequence[Any]
    ) -> None:
        self.s, self.policy, self.now = session, policy, now
        self._zones: dict[int | None, ZoneInfo] = {}
        self._default_zone: ZoneInfo | None = None
        self._style: str | None = None
        self._sent: dict[str, list[datetime]] = {}
        self._merging: set[tuple[str, str] | None] = set()
        # One query each for the batch's patients, contact states and budgets, as plain rows
        # of the columns the rules read (no ORM objects: this runs for every batch).
        patient_ids = {m.patient_id for m in batch if m.patient_id is not None}
        self._patients: dict[int, Any] = (
            {
                p.id: p
                for p in session.execute(
                    select(
                        Patient.id,
                        Patient.timezone,
                        Patient.home_location_id,
                        Patient.sms_consent,
                        Patient.email_consent,
                    ).where(Patient.id.in_(patient_ids))
                )
            }
            if patient_ids
            else {}
        )
        addresses = {m.to_address for m in batch}
        self._states: dict[tuple[str, str], Any] = {
            (c.channel, c.address): c
            for c in session.execute(
                select(
                    ContactState.channel,
                    ContactState.address,
                    ContactState.opted_out,
                    ContactState.undeliverable,
                    ContactState.last_error_code,
                    ContactState.last_error,
                ).where(ContactState.address.in_(addresses))
            )
        }
        self._prefetch_sent(addresses)
        # Every location's zone of the batch's clinics (a handful of rows) in one query.
        clinic_ids = {m.clinic_id for m in batch}
        self._locations: dict[int, tuple[int, str]] = {
            id_: (clinic_id, tz)
            for id_, clinic_id, tz in session.execute(
                select(Location.id, Location.clinic_id, Location.timezone)
                .where(Location.clinic_id.in_(clinic_ids))
                .order_by(Location.id)
            )
        }
        # Texts to a number with no patient attached (a reply to a stranger): consent by number.
        loose = {m.to_address for m in batch if m.patient_id is None and m.channel == "sms"}
        self._consenting: set[str] = (
            set(
                session.scalars(
                    select(Patient.contact_phone).where(
                        Patient.contact_phone.in_(loose), Patient.sms_consent.is_(True)
                    )
                )
            )
            if loose
            else set()
        )
        loose_email = {m.to_address for m in batch if m.patient_id is None and m.channel == "email"}
        self._email_consenting: set[str] = (
            set(
                session.scalars(
                    select(Patient.contact_email).where(
                        Patient.contact_email.in_(loose_email), Patient.email_consent.is_(True)
                    )
                )
            )
            if loose_email
            else set()
        )

    def zone(self, m: OutboxMessage) -> ZoneInfo:
        if m.patient_id not in self._zones:
            patient = self._patients.get(m.patient_id) if m.patient_id else None
            zone: ZoneInfo | None = None
            if patient is not None and patient.timezone:
                zone = _zone(patient.timezone)
            if zone is None and patient is not None and patient.home_location_id:
                loc = self._locations.get(patient.home_location_id)
                if loc is None:
                    tz = self.s.scalar(
                        select(Location.timezone).where(Location.id == patient.home_location_id)
                    )
                    zone = _zone(tz) if tz else None
                else:
                    zone = _zone(loc[1])
            self._zones[m.patient_id] = zone or self.clinic_zone(m.clinic_id)
        return self._zones[m.patient_id]

    def time_style(self) -> str:
        """The clinic's 12- or 24-hour format for the history lines staff read (looked up once)."""
        if self._style is None:
            self._style = local_time.clinic_time_format(self.s)
        return self._style

    def clinic_zone(self, clinic_id: int) -> ZoneInfo:
        if self._default_zone is None:
            tz = next((tz for cid, tz in self._locations.values() if cid == clinic_id), None)
            self._default_zone = (_zone(tz) if tz else None) or ZoneInfo("UTC")
        return self._default_zone

    def _prefetch_sent(self, addresses: set[str]) -> None:
        since = self.now - timedelta(days=8)
        for address in addresses:
            self._sent.setdefault(address, [])
        rows = self.s.execute(
            select(OutboxMessage.to_address, OutboxMessage.sent_at, OutboxMessage.claimed_at).where(
                OutboxMessage.to_address.in_(addresses),
                OutboxMessage.merged_into_id.is_(None),
                OutboxMessage.purpose.not_in(BUDGET_EXEMPT),
                OutboxMessage.status.in_(("sending", "sent", "delivered")),
                or_(OutboxMessage.sent_at >= since, OutboxMessage.claimed_at >= since),
            )
        ).all()
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
        return m.to_address in self._consenting

    def email_consent(self, m: OutboxMessage) -> bool:
        if m.purpose in EMAIL_CONSENT_EXEMPT:
            return True
        if m.patient_id is not None:
            patient = self._patients.get(m.patient_id)
            return bool(patient and patient.email_consent)
        return m.to_address in self._email_consenting

    def judge(self, m: OutboxMessage) -> Verdict:
        now = self.now
        if m.not_after is not None and m.not_after <= now:
            return "cancel", "expired", "no longer relevant (its deadline passed)", None
        state = self._states.get((m.channel, m.to_address))
        if state is not None and state.undeliverable:
            return (
                "undeliverable",
                state.last_error_code or "undeliverable",
                f"{m.to_address} cannot receive messages ({state.last_error or 'refused'})",
                None,
            )
        if m.purpose == KEYWORD_REPLY:
            return "send", "", "", None
        if m.channel == "sms":
            # A test from Settings: the person testing vouches for the number they typed.
            consent = m.purpose == TEST_PURPOSE or self.consent(m)
            ok, reason = sms_allowed(consent, bool(state and state.opted_out), self.policy)
            if not ok:
                code = "opted_out" if state is not None and state.opted_out else "no_consent"
                return "fail", code, reason, None
        elif state is not None and state.opted_out:
            return "fail", "opted_out", f"{m.to_address} unsubscribed from emails", None
        elif not self.email_consent(m):
            return "fail", "no_consent", "no email consent is recorded for this family", None
        zone = self.zone(m)
        allowed = next_allowed_send(now, zone, self.policy)
        if allowed > now:
            return self._defer(m, allowed, "quiet_hours", "quiet hours in the recipient's zone")
        if (
            m.channel == "sms"
            and m.purpose not in BUDGET_EXEMPT
            and self._merge_key(m) not in self._merging
            and not budget_allows(self.sent_times(m.to_address), now, zone, self.policy)
        ):
            local = now.astimezone(zone)
            tomorrow = datetime.combine(local.date() + timedelta(days=1), self._day_start(), tzinfo=zone)
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
        zone = _zone(loc.timezone) or ZoneInfo("UTC")
        items.append((patient.first_name, appt.start_at.astimezone(zone), loc.name))
    return merge_family_messages(items)


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


def _claim(
    db: Database,
    *,
    now: datetime,
    worker_id: str,
    limit: int,
    policy: MessagingPolicy,
    options: DispatchOptions,
    summary: DispatchSummary,
) -> list[_Claim]:
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
        rows: list[Any] = list(s.execute(_for_update(db, query)).all())
        if not rows:
            return []
        judge = _Judge(s, policy, now, rows)
        sendable: list[Any] = []
        for row in rows:
            action, code, reason, until = judge.judge(row)
            if action == "send":
                judge.counted(row)
                sendable.append(row)
                continue
            m = s.get(OutboxMessage, row.id)
            assert m is not None  # read (and on PostgreSQL locked) by this transaction
            if action == "defer":
                assert until is not None
                m.status, m.next_attempt_at, m.error_code, m.error = "deferred", until, code, reason
                shown = local_time.fmt_when(
                    until, judge.clinic_zone(m.clinic_id), judge.time_style(), now=now
                )
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
        claims: list[_Claim] = []
        taken: set[int] = set()
        plain: list[Any] = []  # claimed as they are, with the Core statements below
        partners = _merge_candidates(db, s, sendable, now, options)
        for row in sendable:
            if row.id in taken:
                continue
            siblings = _merge_partners(partners, row, now, options, taken)
            body = _merged_body(s, [row, *siblings]) if siblings else None
            if body is None:
                taken.add(row.id)
                plain.append(row)
                claims.append(
                    _Claim(row.id, row.channel, row.to_address, row.body, row.subject, row.html, now)
                )
                continue
            m = s.get(OutboxMessage, row.id)
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
            summary.merged += len(siblings)
            taken.add(m.id)
            m.status, m.claimed_by, m.claimed_at = "sending", worker_id, now
            m.attempts += 1
            m.error_code = m.error = None
            add_event(s, m.id, "sending", f"claimed by {worker_id} (attempt {m.attempts})", now)
            claims.append(_Claim(m.id, m.channel, m.to_address, m.body, m.subject, m.html, now, merged))
        if plain:
            conn = s.connection()
            ids = [row.id for row in plain]
            done = conn.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id.in_(ids), _OUTBOX.c.status.in_(PENDING))
                .values(
                    status="sending",
                    claimed_by=worker_id,
                    claimed_at=now,
                    attempts=_OUTBOX.c.attempts + 1,
                    error_code=None,
                    error=None,
                )
            ).rowcount
            if done != len(ids):  # read in this very transaction: cannot happen; never half-claim
                raise RuntimeError(f"claim of {len(ids)} messages changed {done} rows")
            conn.execute(
                insert(_EVENTS),
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
        summary.claimed += len(claims)
        return claims


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
    for x in s.scalars(_for_update(db, query)):
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


def _backoff(attempts: int, retry_after: float | None, options: DispatchOptions) -> timedelta:
    cap = min(options.retry_max, options.retry_base * (2 ** max(0, attempts - 1)))
    delay = timedelta(seconds=random.uniform(cap.total_seconds() / 2, cap.total_seconds()))
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def _group(s: Session, message_id: int) -> list[OutboxMessage]:
    return list(s.scalars(select(OutboxMessage).where(OutboxMessage.merged_into_id == message_id)))


_OUTBOX = cast(Table, OutboxMessage.__table__)
_EVENTS = cast(Table, OutboxEvent.__table__)
# One guarded UPDATE per message, executed as executemany: only a row still claimed by this
# worker in this claim is marked sent (reconciliation may have taken it back meanwhile).
_MARK_SENT = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("b_id"),
        _OUTBOX.c.status == "sending",
        _OUTBOX.c.claimed_by == bindparam("b_worker"),
        _OUTBOX.c.claimed_at == bindparam("b_claimed"),
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
class _Accepted:
    """A send the provider accepted whose row is not yet marked sent."""

    claim: _Claim
    result: SendResult
    provider: str


def _record_sent(db: Database, accepted: Sequence[_Accepted], *, worker_id: str) -> list[_Accepted]:
    """Mark accepted sends ``sent`` in one transaction (two statements: the guarded UPDATEs
    as one executemany, the history rows as one INSERT). Returns those whose claim is no
    longer ours; nothing is written for them (``_record`` settles them one by one)."""
    if not accepted:
        return []
    with db.write() as s:
        conn = s.connection()
        rows = [row for a in accepted for row in _sent_rows(a, worker_id)]
        done = conn.execute(_MARK_SENT, rows).rowcount
        if done != len(rows):  # a claim was taken back (or the driver cannot count): one by one
            s.rollback()
            return _record_sent_each(db, accepted, worker_id=worker_id)
        conn.execute(insert(_EVENTS), [event for a in accepted for event in _sent_events(a)])
        _after_sent(
            s, [i for a in accepted for i in (a.claim.id, *a.claim.siblings)], accepted[0].claim.claimed_at
        )
    return []


def _sent_rows(a: _Accepted, worker_id: str) -> list[dict[str, object]]:
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


def _sent_events(a: _Accepted) -> list[dict[str, object]]:
    detail = f"{a.provider} accepted it: {a.result.provider_id}"
    return [
        {"message_id": i, "at": a.claim.claimed_at, "status": "sent", "detail": detail}
        for i in (a.claim.id, *a.claim.siblings)
    ]


def _record_sent_each(db: Database, accepted: Sequence[_Accepted], *, worker_id: str) -> list[_Accepted]:
    """The slow path of ``_record_sent``: each claim on its own, all or nothing per group."""
    lost: list[_Accepted] = []
    with db.write() as s:
        conn = s.connection()
        for a in accepted:
            ids = (a.claim.id, *a.claim.siblings)
            owned = conn.execute(
                select(_OUTBOX.c.id).where(
                    _OUTBOX.c.id.in_(ids),
                    _OUTBOX.c.status == "sending",
                    _OUTBOX.c.claimed_by == worker_id,
                    _OUTBOX.c.claimed_at == a.claim.claimed_at,
                )
            ).all()
            if len(owned) != len(ids):
                lost.append(a)
                continue
            conn.execute(_MARK_SENT, _sent_rows(a, worker_id))
            conn.execute(insert(_EVENTS), _sent_events(a))
            _after_sent(s, ids, a.claim.claimed_at)
    return lost


def _record(
    db: Database,
    claim: _Claim,
    result: SendResult,
    provider: Provider,
    *,
    now: datetime,
    worker_id: str,
    options: DispatchOptions,
    summary: DispatchSummary,
) -> None:
    """Record one outcome (the general case; ``_record_sent`` is the fast one for accepted sends)."""
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
            _after_sent(s, [x.id for x in group], now)
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
        code = result.error_code or ""
        detail = f"{provider.name}: {code} {result.error or ''}".strip()
        if result.status == "failed" and result.permanent:
            status = "failed"
            if code == OPTED_OUT_CODE:
                unsubscribe_address(s, m.channel, m.to_address, source="carrier (Twilio 21610)", now=now)
            elif code in UNDELIVERABLE_CODES:
                status = "undeliverable"
                mark_undeliverable(s, m.channel, m.to_address, code=code, error=result.error or "", now=now)
            _finish(s, group, status, code, result.error or detail, now)
            summary.failed += 1
            return
        # A retry (429, 5xx, no connection) or a refusal that may pass later (credentials).
        if m.attempts >= options.max_attempts:
            _finish(
                s, group, "failed", code or "retries", f"gave up after {m.attempts} attempts: {detail}", now
            )
            summary.failed += 1
            return
        until = now + _backoff(m.attempts, result.retry_after, options)
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


def _finish(
    s: Session, group: Sequence[OutboxMessage], status: str, code: str, error: str, now: datetime
) -> None:
    for x in group:
        x.status, x.error_code, x.error = status, code[:20], error[:500]
        add_event(s, x.id, status, error, now)


def _start(db: Database, claim: _Claim, worker_id: str) -> bool:
    """Record that this claim's request is about to go out (committed before the call).

    Only for providers that cannot be asked afterwards (``_can_look_up``): if the worker dies,
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


def _release(
    db: Database,
    claims: Sequence[_Claim],
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


def outgoing(claim: _Claim, options: DispatchOptions) -> OutgoingMessage:
    callback = None
    if options.status_callback_base and claim.channel == "sms":
        callback = f"{options.status_callback_base.rstrip('/')}/twilio/status?outbox_id={claim.id}"
    unsubscribe = (
        options.unsubscribe_url(claim.channel, claim.to)
        if options.unsubscribe_url and claim.channel == "email"
        else None
    )
    footer = True
    attachments: tuple[Attachment, ...] = ()
    if options.email_extras is not None and claim.channel == "email":
        extras = options.email_extras(claim.id)
        unsubscribe = extras.unsubscribe_url or unsubscribe
        footer, attachments = extras.unsubscribe_footer, extras.attachments
    return OutgoingMessage(
        outbox_id=claim.id,
        channel="sms" if claim.channel == "sms" else "email",
        to=claim.to,
        body=claim.body,
        subject=claim.subject,
        status_callback=callback,
        html=claim.html,
        unsubscribe_url=unsubscribe,
        unsubscribe_footer=footer,
        attachments=attachments,
    )


def dispatch_due(
    db: Database,
    providers: Mapping[str, Provider],
    *,
    now: datetime,
    worker_id: str,
    batch: int = 50,
    policy: MessagingPolicy | None = None,
    options: DispatchOptions | None = None,
    clock: Callable[[], datetime] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> DispatchSummary:
    """Send every message due by ``now``, batch by batch, under ``policy`` (default: the
    clinic's saved one).

    ``should_stop`` (the worker's SIGTERM) is asked before each provider call: once it says
    yes, nothing more is claimed, the claims not yet tried go back to the queue at once, and
    only the message already in flight is finished and recorded.

    Each batch is claimed (``sending``, ``claimed_by``) and committed before any provider is
    called, so a crash leaves rows ``sending``, which ``reconcile_sending`` settles with the
    provider (``find_sent``), never resending blindly. Outcomes other than "accepted" are
    recorded one by one as they come. Accepted sends of a provider that can be asked
    (Twilio, local) are recorded together (``_record_sent``): when
    ``options.record_interval`` has passed since the first of them, at the end of the
    batch, before anything else is recorded, and on the way out of an error. Losing them
    in a crash costs a lookup each, not a duplicate: their rows are still ``sending`` with
    this claim. SendGrid cannot be asked, so each email is recorded before the next call.
    With ``clock``, each later batch is claimed at the clock's time, so a long run never
    stamps a fresh claim with an old time (which would make it look abandoned).
    """
    if policy is None:
        with db.read() as s:
            policy = clinic_settings.messaging_policy(s)
    options = options or DispatchOptions()
    summary = DispatchSummary()
    budget = options.claim_timeout.total_seconds() / 2
    accepted: list[_Accepted] = []
    first_accepted = 0.0

    def flush() -> None:
        items = list(accepted)
        accepted.clear()  # if writing fails, the rows stay `sending` for reconciliation
        lost = _record_sent(db, items, worker_id=worker_id)
        summary.sent += len(items) - len(lost)
        for late in lost:  # reconciliation took the row back meanwhile: say so in its history
            _record(
                db,
                late.claim,
                late.result,
                providers.get(late.claim.channel) or _MISSING,
                now=late.claim.claimed_at,
                worker_id=worker_id,
                options=options,
                summary=summary,
            )

    try:
        for number in range(options.max_batches):
            if should_stop is not None and should_stop():
                break
            if number and clock is not None:
                now = clock()
            started = time.monotonic()
            claims = _claim(
                db, now=now, worker_id=worker_id, limit=batch, policy=policy, options=options, summary=summary
            )
            if not claims:
                break
            for i, claim in enumerate(claims):
                if accepted and time.monotonic() - first_accepted >= options.record_interval:
                    flush()
                if should_stop is not None and should_stop():
                    flush()
                    summary.released += _release(db, claims[i:], worker_id, now, why="the worker is stopping")
                    return summary
                if time.monotonic() - started > budget:
                    flush()
                    summary.released += _release(db, claims[i:], worker_id, now)
                    return summary
                provider = providers.get(claim.channel)
                if provider is None:
                    result = SendResult.retry("no_provider", f"no {claim.channel} provider configured")
                elif not _can_look_up(provider) and not _start(db, claim, worker_id):
                    summary.errors.append(f"#{claim.id}: claim taken back before sending")
                    continue
                else:
                    try:
                        result = provider.send(outgoing(claim, options))
                    except ProviderError as exc:
                        result = SendResult.failed("config", str(exc), permanent=False)
                    except Exception as exc:  # the request may have gone out: reconcile, never resend
                        result = SendResult.unknown(f"{type(exc).__name__}: {exc}")
                if (
                    provider is not None
                    and result.status == "sent"
                    and _can_look_up(provider)
                    and options.record_interval > 0
                ):
                    if not accepted:
                        first_accepted = time.monotonic()
                    accepted.append(_Accepted(claim, result, provider.name))
                    continue
                flush()
                _record(
                    db,
                    claim,
                    result,
                    provider or _MISSING,
                    now=now,
                    worker_id=worker_id,
                    options=options,
                    summary=summary,
                )
            flush()
    finally:
        if accepted:
            flush()
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
        if _can_look_up(provider):
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
        group = [m, *_group(s, m.id)]
        if found is not None:
            for x in group:
                x.status, x.provider, x.provider_id, x.sent_at = "sent", provider.name, found, now
                x.next_attempt_at, x.error_code, x.error = now + DELIVERY_FIRST_POLL, None, None
                add_event(s, x.id, "sent", f"reconciled: {provider.name} has it ({found})", now)
            _after_sent(s, [x.id for x in group], now)
            summary.found += 1
        elif _can_look_up(provider):
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
            _finish(
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
                    mark_undeliverable(
                        s, m.channel, m.to_address, code=code, error=report.error or report.status, now=now
                    )
                _finish(
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
    group = [m, *_group(session, m.id)]
    if m.status == "sending" and m.provider_id is None and m.error_code == "unknown":
        for x in group:
            x.status, x.provider, x.provider_id, x.sent_at = "sent", "twilio", provider_id, now
            x.next_attempt_at, x.error_code, x.error = now + DELIVERY_FIRST_POLL, None, None
            add_event(session, x.id, "sent", f"reconciled: Twilio reported it {status} ({provider_id})", now)
        _after_sent(session, [x.id for x in group], now)
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
        _finish(
            session,
            group,
            final,
            code,
            f"twilio: {status} {error_code or ''}".strip() + " (status callback)",
            now,
        )
        return final
    return "unchanged"


# --- What a sent message starts -------------------------------------------------------------


def _after_sent(s: Session, ids: Sequence[int], now: datetime) -> None:
    """In the transaction that records messages as sent: their features' consequences (a
    waitlist offer's hold starts), never at the cost of the record (``message_effects``)."""
    from orca_desk.services.message_effects import after_sent

    after_sent(s, ids, now=now)
