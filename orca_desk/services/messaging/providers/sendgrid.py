"""SendGrid Mail v3 client behind the Provider interface (send only; no status API)."""

from __future__ import annotations

import base64
import random
import time
from datetime import datetime
from html import escape
from typing import Any

import requests

from orca_desk.services.messaging.providers.base import (
    Channel,
    DeliveryStatus,
    InboundMessage,
    OutgoingMessage,
    ProviderError,
    SendResult,
    SentRecord,
)
from orca_desk.services.messaging.providers.http import (
    ClockFn,
    HttpClient,
    RetryPolicy,
    SleepFn,
    Timeouts,
)

DEFAULT_BASE_URL = "https://api.sendgrid.com"


class SendGridProvider:
    """Sends email through SendGrid ``POST /v3/mail/send``.

    Delivery reports come from SendGrid's event webhook (keyed by ``custom_args``), not
    from a REST lookup, so ``delivery_status`` and ``find_sent`` cannot answer here.
    """

    channel: Channel = "email"
    name = "sendgrid"

    def __init__(
        self,
        api_key: str,
        from_email: str,
        base_url: str = DEFAULT_BASE_URL,
        rate_per_second: float = 1.0,
        *,
        from_name: str | None = None,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        sleep: SleepFn = time.sleep,
        monotonic: ClockFn = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if not api_key:
            raise ProviderError("SendGrid needs an API key")
        if "@" not in from_email:
            raise ProviderError(f"SendGrid sender is not an email address: {from_email!r}")
        self._api_key = api_key
        self.from_email = from_email
        self.from_name = from_name
        self.base_url = base_url.rstrip("/")
        self.http = HttpClient(
            rate_per_second=rate_per_second,
            timeouts=timeouts,
            retry=retry,
            sleep=sleep,
            monotonic=monotonic,
            rng=rng,
        )

    def payload(self, msg: OutgoingMessage) -> dict[str, Any]:
        """The mail/send JSON for one message (public so previews can show it)."""
        text = msg.body
        html = msg.html
        headers: dict[str, str] = {}
        if msg.unsubscribe_url:
            if msg.unsubscribe_footer:
                text = f"{text}\n\nUnsubscribe: {msg.unsubscribe_url}"
                if html is not None:
                    link = escape(msg.unsubscribe_url, quote=True)
                    html = f'{html}\n<p><a href="{link}">Unsubscribe</a></p>'
            # RFC 8058 one-click unsubscribe, which large mailbox providers now expect.
            headers["List-Unsubscribe"] = f"<{msg.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        content = [{"type": "text/plain", "value": text}]
        if html:
            content.append({"type": "text/html", "value": html})
        sender: dict[str, str] = {"email": self.from_email}
        if self.from_name:
            sender["name"] = self.from_name
        body: dict[str, Any] = {
            # custom_args sit in the personalization: the official schema types the
            # top-level field as a string, while event webhooks echo these as an object.
            "personalizations": [
                {"to": [{"email": msg.to}], "custom_args": {"outbox_id": str(msg.outbox_id)}}
            ],
            "from": sender,
            "subject": msg.subject,
            "content": content,
        }
        if headers:
            body["headers"] = headers
        if msg.attachments:
            body["attachments"] = [
                {
                    "content": base64.b64encode(a.content).decode("ascii"),
                    "type": a.content_type,
                    "filename": a.filename,
                    "disposition": "attachment",
                }
                for a in msg.attachments
            ]
        return body

    def send(self, msg: OutgoingMessage) -> SendResult:
        if msg.channel != "email":
            raise ProviderError(f"SendGrid sends email only, not {msg.channel}")
        if not msg.subject:
            return SendResult.failed("no_subject", "an email needs a subject", permanent=True)
        outcome = self.http.request(
            "POST",
            f"{self.base_url}/v3/mail/send",
            creates=True,
            json=self.payload(msg),
            headers={"Authorization": f"Bearer {self._api_key}"},
        )
        if outcome.kind == "unknown":
            return SendResult.unknown(outcome.error or "outcome unknown")
        if outcome.kind == "retry":
            return SendResult.retry(
                str(outcome.status_code or "http"),
                outcome.error or "retry",
                retry_after=outcome.retry_after,
            )
        response = outcome.response
        assert response is not None
        if response.status_code in (200, 202):
            return SendResult.sent(response.headers.get("X-Message-Id") or f"sg-{msg.outbox_id}")
        text = self._error_text(response)
        code = str(response.status_code)
        if response.status_code in (401, 403):
            return SendResult.failed(code, text, permanent=False)
        # 400 (malformed), 413 (too large): the same payload will be refused again.
        return SendResult.failed(code, text, permanent=response.status_code in (400, 413))

    @staticmethod
    def _error_text(response: requests.Response) -> str:
        try:
            data = response.json()
        except ValueError:
            return f"HTTP {response.status_code}"
        errors = data.get("errors") if isinstance(data, dict) else None
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return "; ".join(str(e.get("message")) for e in errors if isinstance(e, dict))
        return f"HTTP {response.status_code}"

    def delivery_report(self, provider_id: str) -> DeliveryStatus | None:
        return None

    def delivery_status(self, provider_id: str) -> str | None:
        return None

    def find_sent(
        self, to: str, since: datetime, outbox_id: int | None, body: str | None = None
    ) -> str | None:
        # Mail Send has no lookup; the Email Activity API is a paid add-on. The caller
        # treats None as "cannot tell" and applies its own policy for unknown emails.
        return None

    def sent_records(self, to: str, since: datetime, body: str | None = None) -> list[SentRecord]:
        # No lookup (see ``find_sent``).
        return []

    def fetch_inbound(self, since: datetime) -> list[InboundMessage]:
        return []

    def close(self) -> None:
        self.http.close()
