"""Twilio Programmable Messaging client (REST 2010-04-01) behind the Provider interface."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

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

DEFAULT_BASE_URL = "https://api.twilio.com"
API_VERSION = "2010-04-01"

# Error codes that say "this message to this number will never work": resending is futile.
# 21610 recipient replied STOP, 21211 invalid To, 21614 not a mobile, 21612/21408 not
# reachable from this sender/region, 21617 body too long, 21602 no body, 21604 no To.
PERMANENT_ERROR_CODES: frozenset[int] = frozenset(
    {21211, 21408, 21602, 21604, 21606, 21610, 21612, 21614, 21617}
)
# Reconciliation tolerates this much clock difference between this desk and Twilio.
CLOCK_SKEW = timedelta(minutes=2)
MAX_LIST_PAGES = 20
INBOUND_NUMBERS_VARIABLE = "ORCA_DESK_TWILIO_INBOUND_NUMBERS"  # providers.config.TWILIO_INBOUND_NUMBERS


def _parse_twilio_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def request_signature(auth_token: str, url: str, params: Sequence[tuple[str, str]]) -> str:
    """Twilio's ``X-Twilio-Signature`` of a webhook: base64(HMAC-SHA1(auth token, URL + each
    POST parameter's name and value, sorted by name)). ``url`` is the full URL Twilio
    called, query string included."""
    payload = url + "".join(k + v for k, v in sorted(params))
    digest = hmac.new(auth_token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_valid(auth_token: str, url: str, params: Sequence[tuple[str, str]], signature: str) -> bool:
    """Whether ``signature`` is Twilio's for this request (compared in constant time)."""
    return hmac.compare_digest(request_signature(auth_token, url, params), signature.strip())


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TwilioProvider:
    """Sends SMS through Twilio; reconciles and polls through the Messages list resource."""

    channel: Channel = "sms"
    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        rate_per_second: float = 1.0,
        *,
        inbound_numbers: Sequence[str] = (),
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        sleep: SleepFn = time.sleep,
        monotonic: ClockFn = time.monotonic,
        rng: random.Random | None = None,
        page_size: int = 50,
    ) -> None:
        if not account_sid or not auth_token:
            raise ProviderError("Twilio needs an account SID and an auth token")
        if not from_number and not messaging_service_sid:
            raise ProviderError("Twilio needs a From number or a Messaging Service SID")
        self.account_sid = account_sid
        self._auth = (account_sid, auth_token)
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.base_url = base_url.rstrip("/")
        # Replies arrive at the clinic's own numbers: those named, else the From number, else
        # (a Messaging Service alone) the account's SMS numbers, listed once through the API.
        self.inbound_numbers: tuple[str, ...] = tuple(inbound_numbers) or (
            (from_number,) if from_number else ()
        )
        self._listed_numbers: tuple[str, ...] | None = None
        self.page_size = page_size
        self.http = HttpClient(
            rate_per_second=rate_per_second,
            timeouts=timeouts,
            retry=retry,
            sleep=sleep,
            monotonic=monotonic,
            rng=rng,
        )

    # -- urls -------------------------------------------------------------------------

    @property
    def _messages_url(self) -> str:
        return f"{self.base_url}/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"

    @property
    def _numbers_url(self) -> str:
        return f"{self.base_url}/{API_VERSION}/Accounts/{self.account_sid}/IncomingPhoneNumbers.json"

    def _message_url(self, sid: str) -> str:
        return f"{self.base_url}/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json"

    # -- sending ----------------------------------------------------------------------

    def send(self, msg: OutgoingMessage) -> SendResult:
        if msg.channel != "sms":
            raise ProviderError(f"Twilio sends SMS only, not {msg.channel}")
        form: dict[str, str] = {"To": msg.to, "Body": msg.body}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        if self.from_number:
            form["From"] = self.from_number
        if msg.status_callback:
            form["StatusCallback"] = msg.status_callback
        outcome = self.http.request("POST", self._messages_url, creates=True, data=form, auth=self._auth)
        if outcome.kind == "unknown":
            return SendResult.unknown(outcome.error or "outcome unknown")
        if outcome.kind == "retry":
            code, text = self._error_of(outcome.response)
            return SendResult.retry(
                code or "http", text or outcome.error or "retry", retry_after=outcome.retry_after
            )
        response = outcome.response
        assert response is not None
        if response.status_code in (200, 201):
            sid = self._json(response).get("sid")
            if isinstance(sid, str) and sid:
                return SendResult.sent(sid)
            # Accepted without a SID to track: it went out, but we cannot follow it.
            return SendResult(status="sent", provider_id=None, error="no sid in response")
        code, text = self._error_of(response)
        if response.status_code in (401, 403):
            # Credentials, not the message, are wrong: keep the message for after the fix.
            return SendResult.failed(code or str(response.status_code), text, permanent=False)
        if response.status_code == 400:
            # Other 400 codes (e.g. 21611, a sender's queue is full) may pass later.
            numeric = int(code) if code and code.isdigit() else None
            permanent = numeric in PERMANENT_ERROR_CODES
            return SendResult.failed(code or "400", text, permanent=permanent)
        return SendResult.failed(code or str(response.status_code), text, permanent=False)

    @staticmethod
    def _json(response: requests.Response | None) -> dict[str, Any]:
        if response is None:
            return {}
        try:
            data = response.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _error_of(self, response: requests.Response | None) -> tuple[str | None, str]:
        if response is None:
            return None, ""
        data = self._json(response)
        code = data.get("code")
        message = data.get("message")
        text = str(message) if message else f"HTTP {response.status_code}"
        return (str(code) if code is not None else None), text

    # -- delivery status --------------------------------------------------------------

    def delivery_report(self, provider_id: str) -> DeliveryStatus | None:
        outcome = self.http.request("GET", self._message_url(provider_id), creates=False, auth=self._auth)
        if outcome.kind != "response" or outcome.response is None:
            return None
        if outcome.response.status_code != 200:
            return None
        data = self._json(outcome.response)
        status = data.get("status")
        if not isinstance(status, str):
            return None
        error_code = data.get("error_code")
        return DeliveryStatus(
            provider_id=provider_id,
            status=status,
            error_code=str(error_code) if error_code is not None else None,
            error=data.get("error_message") or None,
        )

    def delivery_status(self, provider_id: str) -> str | None:
        report = self.delivery_report(provider_id)
        return report.status if report else None

    # -- listing ----------------------------------------------------------------------

    def _list(
        self, params: Mapping[str, str], *, url: str | None = None, key: str = "messages"
    ) -> Iterator[dict[str, Any]]:
        """Every item of the filtered list (messages unless told), following ``next_page_uri``.

        Raises ProviderError when a page cannot be fetched, so a caller never mistakes
        "could not look" for "not there".
        """
        what = "message list" if key == "messages" else "phone number list"
        url = url or self._messages_url
        query: Mapping[str, str] | None = {**params, "PageSize": str(self.page_size)}
        for _ in range(MAX_LIST_PAGES):
            if url is None:
                return
            outcome = self.http.request("GET", url, creates=False, params=query, auth=self._auth)
            if outcome.kind != "response" or outcome.response is None:
                raise ProviderError(f"Twilio {what} unavailable: {outcome.error}")
            if outcome.response.status_code != 200:
                _, text = self._error_of(outcome.response)
                raise ProviderError(f"Twilio {what} refused: {text}")
            page = self._json(outcome.response)
            messages = page.get(key) or []
            yield from (m for m in messages if isinstance(m, dict))
            next_uri = page.get("next_page_uri")
            # next_page_uri already carries the whole query.
            url = urljoin(self.base_url + "/", next_uri) if next_uri else None
            query = None

    def find_sent(
        self, to: str, since: datetime, outbox_id: int | None, body: str | None = None
    ) -> str | None:
        """Look for an outbound message to ``to`` created at or after ``since``.

        Twilio's message resource does not echo the StatusCallback URL, so ``outbox_id``
        cannot be matched on the REST side; the number, the time window and (when given)
        the exact body identify the message. The earliest match wins: if a message went
        out twice, the first one is the one the outbox row stands for.
        """
        records = self.sent_records(to, since, body)
        return records[0].provider_id if records else None

    def sent_records(self, to: str, since: datetime, body: str | None = None) -> list[SentRecord]:
        """Every outbound message to ``to`` created at or after ``since`` less ``CLOCK_SKEW``
        (with exactly ``body`` when given), oldest first."""
        lower = since.astimezone(UTC) - CLOCK_SKEW
        candidates: list[SentRecord] = []
        # No DateSent filter: a message still queued has no date_sent and would be
        # filtered out, which is exactly the message we are looking for. The list comes
        # newest first, so paging stops once it is well past the window.
        for m in self._list({"To": to}):
            created = self._created_at(m)
            sid = m.get("sid")
            if created is not None and created < lower - timedelta(days=1):
                break
            if (
                created is None
                or created < lower
                or not isinstance(sid, str)
                or not str(m.get("direction", "")).startswith("outbound")
                or m.get("to") != to
                or (body is not None and m.get("body") != body)
            ):
                continue
            candidates.append(SentRecord(created, sid))
        return sorted(candidates)

    @staticmethod
    def _created_at(m: Mapping[str, Any]) -> datetime | None:
        # A queued message may have no date_sent yet.
        return _parse_twilio_date(m.get("date_created")) or _parse_twilio_date(m.get("date_sent"))

    def inbound_targets(self) -> tuple[str, ...]:
        """The clinic numbers replies arrive at (see ``inbound_numbers``).

        With a Messaging Service and no number given, the account's SMS-capable numbers are
        listed (``IncomingPhoneNumbers``) once and kept. Raises ProviderError, naming what to
        set, when no number can be known: replies would silently be lost.
        """
        if self.inbound_numbers:
            return self.inbound_numbers
        if self._listed_numbers is None:
            try:
                numbers = [
                    str(n.get("phone_number"))
                    for n in self._list({}, url=self._numbers_url, key="incoming_phone_numbers")
                    if n.get("phone_number") and (n.get("capabilities") or {}).get("sms", True) is not False
                ]
            except ProviderError as exc:
                raise ProviderError(
                    f"could not list the Twilio account's phone numbers to read replies from "
                    f"({exc}); set {INBOUND_NUMBERS_VARIABLE} to the Messaging Service's numbers",
                    variable=INBOUND_NUMBERS_VARIABLE,
                ) from exc
            if not numbers:
                raise ProviderError(
                    f"Twilio Messaging Service {self.messaging_service_sid} has no number to read "
                    f"replies from: the account lists no SMS-capable phone number. Set "
                    f"{INBOUND_NUMBERS_VARIABLE} (or a From number), or replies (YES, STOP, "
                    "questions) would be lost",
                    variable=INBOUND_NUMBERS_VARIABLE,
                )
            self._listed_numbers = tuple(dict.fromkeys(numbers))
        return self._listed_numbers

    def fetch_inbound(self, since: datetime) -> list[InboundMessage]:
        """Replies to the clinic numbers received at or after ``since``.

        Twilio keeps second precision, so ``since`` is truncated to the second: a reply in
        the same second as the cursor comes back again, and the caller de-duplicates by
        ``provider_id`` (as this method does within one fetch).
        """
        floor = since.astimezone(UTC).replace(microsecond=0)
        seen: set[str] = set()
        found: list[InboundMessage] = []
        for number in self.inbound_targets():
            for m in self._list({"To": number, "DateSent>": _iso(floor)}):
                sid = m.get("sid")
                if m.get("direction") != "inbound" or not isinstance(sid, str) or sid in seen:
                    continue
                service = m.get("messaging_service_sid")
                if (
                    self.messaging_service_sid
                    and not self.inbound_numbers
                    and service
                    and service != self.messaging_service_sid
                ):
                    continue  # a listed number that belongs to another service
                received = _parse_twilio_date(m.get("date_sent")) or self._created_at(m)
                if received is None or received < floor:
                    continue
                seen.add(sid)
                found.append(
                    InboundMessage(
                        provider_id=sid,
                        from_=str(m.get("from") or ""),
                        to=str(m.get("to") or ""),
                        body=str(m.get("body") or ""),
                        received_at=received,
                    )
                )
        found.sort(key=lambda i: (i.received_at, i.provider_id))
        return found

    def close(self) -> None:
        self.http.close()
