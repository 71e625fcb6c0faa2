"""The provider interface: messages in, classified send outcomes out, no exceptions per message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from orca_desk.services.errors import OrcaError

Channel = Literal["sms", "email"]
SendStatus = Literal["sent", "failed", "unknown", "retry"]


class ProviderError(OrcaError):
    """A provider is configured wrongly (missing or invalid setting); nothing was sent."""

    def __init__(self, message: str, *, variable: str | None = None) -> None:
        super().__init__(message)
        self.variable = variable


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email (e.g. the visit as an ``.ics`` calendar event)."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class OutgoingMessage:
    """One outbox row as the provider sees it; ``outbox_id`` travels with the message.

    ``unsubscribe_url`` (email) adds the RFC 8058 one-click ``List-Unsubscribe`` headers and,
    unless ``unsubscribe_footer`` is False (the body already carries a link), a footer link.
    """

    outbox_id: int
    channel: Channel
    to: str
    body: str
    subject: str | None = None
    status_callback: str | None = None
    html: str | None = None
    unsubscribe_url: str | None = None
    unsubscribe_footer: bool = True
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class SendResult:
    """What became of one send attempt.

    - ``sent``: the provider accepted it; ``provider_id`` identifies it there.
    - ``failed``: it was refused; ``permanent`` says resending the same message is pointless
      (opted out, invalid number, landline, malformed request).
    - ``retry``: it was certainly not accepted (429, 5xx, no connection); try again later,
      not before ``retry_after`` seconds when given.
    - ``unknown``: the request may have reached the provider (timeout after sending,
      dropped connection). Reconcile with ``Provider.find_sent`` before any resend.
    """

    status: SendStatus
    provider_id: str | None = None
    error_code: str | None = None
    error: str | None = None
    retry_after: float | None = None
    permanent: bool = False

    @classmethod
    def sent(cls, provider_id: str) -> SendResult:
        return cls(status="sent", provider_id=provider_id)

    @classmethod
    def failed(cls, error_code: str | None, error: str, *, permanent: bool) -> SendResult:
        return cls(status="failed", error_code=error_code, error=error, permanent=permanent)

    @classmethod
    def retry(cls, error_code: str | None, error: str, *, retry_after: float | None = None) -> SendResult:
        return cls(status="retry", error_code=error_code, error=error, retry_after=retry_after)

    @classmethod
    def unknown(cls, error: str) -> SendResult:
        return cls(status="unknown", error_code="no_answer", error=error)


@dataclass(frozen=True, order=True)
class SentRecord:
    """An outbound message the provider holds (for reconciliation): when it was created, its id."""

    created_at: datetime
    provider_id: str


# Provider statuses after which nothing changes any more; polling can stop.
FINAL_STATUSES: frozenset[str] = frozenset(
    {"delivered", "undelivered", "failed", "canceled", "read", "received"}
)


@dataclass(frozen=True)
class DeliveryStatus:
    """A delivery report for one sent message, as the provider last knew it."""

    provider_id: str
    status: str
    error_code: str | None = None
    error: str | None = None

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class InboundMessage:
    """A reply received by the clinic; ``provider_id`` is the key for de-duplication."""

    provider_id: str
    from_: str
    to: str
    body: str
    received_at: datetime


@runtime_checkable
class Provider(Protocol):
    """One SMS or email service. Every method is safe to call from a worker thread."""

    channel: Channel
    name: str

    def send(self, msg: OutgoingMessage) -> SendResult:
        """Send once (with bounded retries of attempts that surely did not go through)."""
        ...

    def delivery_status(self, provider_id: str) -> str | None:
        """The provider's current status word, or None when it cannot be learnt now."""
        ...

    def delivery_report(self, provider_id: str) -> DeliveryStatus | None:
        """Like ``delivery_status`` with the error code and whether the status is final."""
        ...

    def find_sent(
        self, to: str, since: datetime, outbox_id: int | None, body: str | None = None
    ) -> str | None:
        """The provider id of a message to ``to`` created since ``since``, if one exists.

        Used after an ``unknown`` outcome: when it answers an id, the message went out and
        must not be sent again.
        """
        ...

    def sent_records(self, to: str, since: datetime, body: str | None = None) -> list[SentRecord]:
        """Every outbound message to ``to`` created since ``since`` (with exactly ``body`` when
        given), oldest first; ``[]`` when the provider cannot be asked. Twins (one parent,
        two children, the same text) are told apart by counting these records.
        """
        ...

    def fetch_inbound(self, since: datetime) -> list[InboundMessage]:
        """Replies received at or after ``since`` (second precision), each id once, oldest first."""
        ...
