"""Shared HTTP plumbing for providers: timeouts, safe retries with jittered backoff, rate limit."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urlencode

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies

from orca_desk.services.messaging.providers.base import ProviderError

SleepFn = Callable[[float], None]
ClockFn = Callable[[], float]

# 429 means "not processed" for both providers; 500/502/503 are server-side failures
# where the request did not complete.
RETRYABLE_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503})
# A gateway timeout on a create may hide a message the upstream did create.
AMBIGUOUS_STATUSES: frozenset[int] = frozenset({504})


# Requests leave exactly 1/rate apart but arrive with network jitter; spacing them 3% wider
# keeps the provider's own clock from ever counting rate + 1 in one second (seen here: 21 in
# a second at 20/s without it).
PROVIDER_CLOCK_MARGIN = 0.03


class TokenBucket:
    """Lets callers through no closer together than ``1/rate`` seconds, measured on release.

    A bucket of one token: no burst, so no window of one second ever holds more than
    ``rate`` calls. Waiters queue on the lock one at a time and the next slot is counted
    from when the previous caller was actually released (after any oversleep), not from
    when it was scheduled, so a late wake-up can never squeeze two calls together.
    """

    def __init__(
        self,
        rate_per_second: float,
        *,
        margin: float = 0.0,
        sleep: SleepFn = time.sleep,
        monotonic: ClockFn = time.monotonic,
    ) -> None:
        """``margin``: widen the spacing by this fraction (see ``PROVIDER_CLOCK_MARGIN``)."""
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        if not 0.0 <= margin < 0.5:
            raise ValueError("margin must be in [0, 0.5)")
        self.rate_per_second = rate_per_second
        self._interval = 1.0 / (rate_per_second * (1.0 - margin))
        self._sleep = sleep
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._next_free: float | None = None

    def acquire(self) -> float:
        """Block until the caller may go; returns the seconds waited."""
        with self._lock:
            now = self._monotonic()
            wait = 0.0 if self._next_free is None else max(0.0, self._next_free - now)
            if wait > 0:
                self._sleep(wait)
            released = self._monotonic()
            # With an injected clock that sleep does not move, fall back to the schedule.
            base = max(released, self._next_free) if self._next_free is not None else released
            self._next_free = base + self._interval
        return wait


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before handing the decision back to the outbox."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0
    # A Retry-After longer than this is not slept through: the outbox reschedules instead,
    # so a worker thread is never parked for minutes.
    max_retry_after: float = 60.0


@dataclass(frozen=True)
class Timeouts:
    connect: float = 3.05
    read: float = 10.0


Outcome = Literal["response", "retry", "unknown"]


@dataclass(frozen=True)
class HttpOutcome:
    """Result of a request after retries.

    ``kind`` is ``response`` when a final answer arrived (any status the caller must
    interpret), ``retry`` when every attempt surely failed before being processed, and
    ``unknown`` when the last attempt may have been processed by the server.
    """

    kind: Outcome
    response: requests.Response | None = None
    error: str | None = None
    retry_after: float | None = None
    attempts: int = 1

    @property
    def status_code(self) -> int | None:
        return self.response.status_code if self.response is not None else None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None when absent/bad."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def _connection_surely_not_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the request never left this machine (refused, DNS, connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    # requests wraps urllib3's MaxRetryError, whose ``reason`` says what failed. A failed
    # connect (refused, unreachable, DNS) is a ConnectTimeoutError subclass there; a reset
    # or a closed connection may come after the body was written.
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", inner)
    return isinstance(reason, urllib3.exceptions.ConnectTimeoutError)


class HttpClient:
    """A ``requests.Session`` with the retry and rate-limit rules every provider shares."""

    def __init__(
        self,
        *,
        rate_per_second: float = 1.0,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        sleep: SleepFn = time.sleep,
        monotonic: ClockFn = time.monotonic,
        rng: random.Random | None = None,
        session: requests.Session | None = None,
        user_agent: str = "orca-desk",
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self.limiter = TokenBucket(
            rate_per_second, margin=PROVIDER_CLOCK_MARGIN, sleep=sleep, monotonic=monotonic
        )
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.session = session or requests.Session()
        # urllib3 must not retry on its own: a silent resend of a POST is the duplicate
        # message we are trying to prevent.
        adapter = HTTPAdapter(max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = user_agent
        # With ``trust_env`` on, requests re-reads the proxy settings (environment, and the
        # system configuration on Windows and macOS), ~/.netrc and the CA-bundle variables on
        # every request: about 0.5 ms of CPU per message, a tenth of dispatch's budget at
        # 20 SMS/s. Read them once instead: the CA bundle here, the proxies the first time
        # each host is called (``_proxies_for``, honouring NO_PROXY), so a corporate proxy
        # still works. A proxy changed while the process runs needs a restart. (netrc is
        # not wanted: every provider call carries its own credentials.)
        self.session.trust_env = False
        if self.session.verify is True:
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            if bundle:
                self.session.verify = bundle
        self._proxies: dict[str, dict[str, str]] = {}
        self._templates: dict[tuple[Any, ...], requests.PreparedRequest] = {}

    def _prepare(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        json: Any,
        auth: tuple[str, str] | None,
        headers: Mapping[str, str] | None,
    ) -> requests.PreparedRequest:
        """The request as ``Session.request`` would prepare it, but cheaper for a form POST.

        A message send is the same URL, credentials and headers every time with a new form:
        its prepared request (URL parsed and quoted, session headers merged, the Basic
        authorization encoded) is kept per (method, URL, credentials, headers) and copied
        with the new body. Everything else is prepared by requests each time.
        """
        if data is None or params is not None or json is not None:
            return self.session.prepare_request(
                requests.Request(
                    method, url, params=params, data=data, json=json, auth=auth, headers=dict(headers or {})
                )
            )
        key = (method, url, auth, tuple(sorted((headers or {}).items())))
        template = self._templates.get(key)
        if template is None:
            form_headers = {**(headers or {}), "Content-Type": "application/x-www-form-urlencoded"}
            template = self._templates[key] = self.session.prepare_request(
                requests.Request(method, url, data=b"", auth=auth, headers=form_headers)
            )
        body = urlencode(data).encode("ascii")  # as requests encodes a dict (utf-8, quote_plus)
        prepared = template.copy()
        prepared.body = body
        prepared.headers["Content-Length"] = str(len(body))
        return prepared

    def _proxies_for(self, url: str) -> dict[str, str]:
        """The environment's proxies for ``url``'s scheme and host, resolved once per host."""
        host = "/".join(url.split("/", 3)[:3])  # scheme://host:port
        proxies = self._proxies.get(host)
        if proxies is None:
            proxies = self._proxies[host] = dict(get_environ_proxies(url))
        return proxies

    def close(self) -> None:
        self.session.close()

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Full-jitter exponential delay, never shorter than the server's Retry-After."""
        cap = min(self.retry.max_delay, self.retry.base_delay * (2 ** (attempt - 1)))
        delay = self._rng.uniform(0.0, cap)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    def request(
        self,
        method: str,
        url: str,
        *,
        creates: bool,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json: Any = None,
        auth: tuple[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpOutcome:
        """Send with retries. ``creates`` marks a non-idempotent call (a message send).

        Such a call is rate limited and is never repeated once it may have reached the
        server: a read timeout or a dropped connection answers ``unknown`` at once.
        """
        attempt = 0
        while True:
            attempt += 1
            if creates:
                self.limiter.acquire()
            try:
                response = self.session.send(
                    self._prepare(method, url, params, data, json, auth, headers),
                    timeout=(self.timeouts.connect, self.timeouts.read),
                    allow_redirects=False,
                    proxies=self._proxies_for(url),
                    verify=self.session.verify,
                    cert=self.session.cert,
                    stream=False,
                )
            except requests.exceptions.RequestException as exc:
                failed = self._unanswered(exc, url, creates=creates, attempt=attempt)
                if isinstance(failed, HttpOutcome):
                    return failed
                if attempt >= self.retry.max_attempts:
                    return HttpOutcome("retry", error=failed, attempts=attempt)
                self._sleep(self.backoff(attempt, None))
                continue
            answered = self._answered(response, creates=creates, attempt=attempt)
            if isinstance(answered, HttpOutcome):
                return answered
            self._sleep(self.backoff(attempt, answered))

    def _unanswered(
        self, exc: requests.exceptions.RequestException, url: str, *, creates: bool, attempt: int
    ) -> HttpOutcome | str:
        """A request without a usable answer: ``unknown`` when a create may have arrived, else
        the error to retry on (an unusable URL raises)."""
        if isinstance(exc, requests.exceptions.ConnectionError):
            if creates and not _connection_surely_not_sent(exc):
                return HttpOutcome("unknown", error=f"connection lost after sending: {exc}", attempts=attempt)
            return f"connection failed: {exc}"
        if isinstance(exc, requests.exceptions.Timeout):
            # ReadTimeout: the server got the request and may have acted on it.
            if creates:
                return HttpOutcome("unknown", error=f"no answer in time: {exc}", attempts=attempt)
            return f"timed out: {exc}"
        if isinstance(
            exc,
            requests.exceptions.InvalidURL
            | requests.exceptions.InvalidSchema
            | requests.exceptions.MissingSchema,
        ):
            raise ProviderError(f"provider URL is not usable: {url} ({exc})") from exc
        # A broken or undecodable answer: the request itself arrived.
        if creates:
            return HttpOutcome("unknown", error=f"bad answer: {exc}", attempts=attempt)
        return f"bad answer: {exc}"

    def _answered(
        self, response: requests.Response, *, creates: bool, attempt: int
    ) -> HttpOutcome | float | None:
        """The outcome of an answer, or the server's Retry-After (None: not given) when it is
        worth asking again."""
        code = response.status_code
        if creates and code in AMBIGUOUS_STATUSES:
            return HttpOutcome(
                "unknown",
                response=response,
                error=f"HTTP {code} from a gateway",
                attempts=attempt,
            )
        if code not in RETRYABLE_STATUSES and code not in AMBIGUOUS_STATUSES:
            return HttpOutcome("response", response=response, attempts=attempt)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        too_long = retry_after is not None and retry_after > self.retry.max_retry_after
        if too_long or attempt >= self.retry.max_attempts:
            return HttpOutcome(
                "retry",
                response=response,
                error=f"HTTP {code}",
                retry_after=retry_after,
                attempts=attempt,
            )
        return retry_after
