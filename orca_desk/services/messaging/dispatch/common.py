"""What the dispatcher's steps share: tuning, tallies, a claim, and the rules of a sent message."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from orca_desk.db import Database
from orca_desk.models.messaging import OutboxEvent, OutboxMessage
from orca_desk.services.messaging.outbox import add_event
from orca_desk.services.messaging.providers.base import Provider

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
# (SendGrid) is under way: after a crash only that message is in doubt (``record.start_claim``).
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
class Claim:
    id: int
    channel: str
    to: str
    body: str
    subject: str | None
    html: str | None
    claimed_at: datetime
    siblings: tuple[int, ...] = ()  # messages merged into this one


OUTBOX = cast(Table, OutboxMessage.__table__)
EVENTS = cast(Table, OutboxEvent.__table__)


def for_update(db: Database, query):  # type: ignore[no-untyped-def]
    return query.with_for_update(skip_locked=True) if db.is_postgres else query


def zone_named(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def can_look_up(provider: Provider) -> bool:
    # Twilio lists messages; the local provider has nothing remote to duplicate. SendGrid
    # has no lookup, so an email with an unknown outcome goes to staff instead.
    return provider.name == "local" or provider.channel == "sms"


def group_of(s: Session, message_id: int) -> list[OutboxMessage]:
    """The messages merged into ``message_id``."""
    return list(s.scalars(select(OutboxMessage).where(OutboxMessage.merged_into_id == message_id)))


def finish(
    s: Session, group: Sequence[OutboxMessage], status: str, code: str, error: str, now: datetime
) -> None:
    for x in group:
        x.status, x.error_code, x.error = status, code[:20], error[:500]
        add_event(s, x.id, status, error, now)


def run_after_sent(s: Session, ids: Sequence[int], now: datetime) -> None:
    """In the transaction that records messages as sent: their features' consequences (a
    waitlist offer's hold starts), never at the cost of the record (``message_effects``)."""
    from orca_desk.services.messaging.message_effects import after_sent

    after_sent(s, ids, now=now)
