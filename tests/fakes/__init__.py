"""Helpers for tests that talk HTTP to the fake provider server (import them explicitly)."""

from __future__ import annotations

import random
from typing import Any

from orca_desk.services.messaging.providers.http import RetryPolicy, Timeouts
from orca_desk.services.messaging.providers.sendgrid import SendGridProvider
from orca_desk.services.messaging.providers.twilio import TwilioProvider
from tests.fakes.fake_provider import FakeProviderServer

# Generous: a busy two-core CI box must never turn an ordinary request into a timeout.
TEST_TIMEOUTS = Timeouts(connect=2.0, read=5.0)
# For the tests about timeouts: the fake then stalls or delays well beyond this.
SHORT_TIMEOUTS = Timeouts(connect=2.0, read=0.5)
# A rate whose interval (1 ns) is shorter than any two requests, so the limiter never
# sleeps and every recorded sleep is a retry backoff.
UNLIMITED = 1e9
# Sleeps are recorded, not slept, so the delays only need to be realistic in shape.
TEST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=8.0, max_retry_after=60.0)


class SleepRecorder:
    """A ``sleep`` that returns at once and remembers what was asked of it."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def start_fake_server(**kwargs: Any) -> FakeProviderServer:
    """A started fake server that also checks its own successful replies against the specs."""
    kwargs.setdefault("validate_responses", True)
    kwargs.setdefault("drop_stall_seconds", 1.0)
    return FakeProviderServer(**kwargs).start()


def twilio_for(server: FakeProviderServer, **kwargs: Any) -> TwilioProvider:
    """A Twilio client aimed at ``server``; no rate limit and recorded sleeps unless overridden."""
    kwargs.setdefault("from_number", server.clinic_number)
    kwargs.setdefault("rate_per_second", UNLIMITED)
    kwargs.setdefault("timeouts", TEST_TIMEOUTS)
    kwargs.setdefault("retry", TEST_RETRY)
    kwargs.setdefault("sleep", SleepRecorder())
    kwargs.setdefault("rng", random.Random(7))
    return TwilioProvider(server.account_sid, server.auth_token, base_url=server.twilio_base_url, **kwargs)


def sendgrid_for(server: FakeProviderServer, **kwargs: Any) -> SendGridProvider:
    """A SendGrid client aimed at ``server``, configured like ``twilio_for``."""
    kwargs.setdefault("rate_per_second", UNLIMITED)
    kwargs.setdefault("timeouts", TEST_TIMEOUTS)
    kwargs.setdefault("retry", TEST_RETRY)
    kwargs.setdefault("sleep", SleepRecorder())
    kwargs.setdefault("rng", random.Random(7))
    return SendGridProvider(
        server.api_key, "desk@clinic.example", base_url=server.sendgrid_base_url, **kwargs
    )
