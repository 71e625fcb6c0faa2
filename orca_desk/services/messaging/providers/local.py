"""The ``local`` provider: records nothing remotely, so the app works with no account."""

from __future__ import annotations

from datetime import datetime

from orca_desk.services.messaging.providers.base import (
    Channel,
    DeliveryStatus,
    InboundMessage,
    OutgoingMessage,
    SendResult,
    SentRecord,
)


class LocalProvider:
    """Marks every message sent without sending it; the outbox row is the only trace."""

    name = "local"

    def __init__(self, channel: Channel = "sms") -> None:
        self.channel: Channel = channel

    def send(self, msg: OutgoingMessage) -> SendResult:
        return SendResult.sent(f"local-{msg.outbox_id}")

    def delivery_report(self, provider_id: str) -> DeliveryStatus | None:
        return None

    def delivery_status(self, provider_id: str) -> str | None:
        return None

    def find_sent(
        self, to: str, since: datetime, outbox_id: int | None, body: str | None = None
    ) -> str | None:
        # A local send never ends "unknown", so there is never anything to reconcile.
        return None

    def sent_records(self, to: str, since: datetime, body: str | None = None) -> list[SentRecord]:
        # Nothing remote: nothing to count.
        return []

    def fetch_inbound(self, since: datetime) -> list[InboundMessage]:
        return []

    def close(self) -> None:
        return None
