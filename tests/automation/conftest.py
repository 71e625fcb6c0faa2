"""Fixtures of the dispatch and inbound tests: a fake provider server sharing the test's clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orca_desk.devtools.fake_provider import FakeProviderServer
from orca_desk.services.clock import FrozenClock
from tests.conftest import NOW
from tests.fakes import start_fake_server


@pytest.fixture(scope="module")
def shared_clock() -> FrozenClock:
    """Frozen time shared with the fake server, so provider lookups by time line up."""
    return FrozenClock(NOW)


@pytest.fixture(scope="module")
def server(shared_clock: FrozenClock) -> Iterator[FakeProviderServer]:
    with start_fake_server(clock=shared_clock.now) as running:
        yield running


@pytest.fixture
def fake(server: FakeProviderServer, shared_clock: FrozenClock) -> Iterator[FakeProviderServer]:
    server.reset()
    shared_clock.set(NOW)
    yield server
    assert server.response_errors == [], "the fake answered outside the spec"
