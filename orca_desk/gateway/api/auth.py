"""Who is calling: the API key of the Authorization header, and each key's rate limit."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from orca_desk.db import Database
from orca_desk.gateway.api.http import ApiError
from orca_desk.services.access import api_keys
from orca_desk.services.errors import PermissionDenied


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, "Unauthorized", detail, headers=[("WWW-Authenticate", 'Bearer realm="orca-desk"')])


def presented_key(headers: dict[str, str]) -> str:
    """The key of ``Authorization: Bearer <key>``; 401 when there is none."""
    auth = headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    raise _unauthorized("Send an API key: Authorization: Bearer <key> (orca-desk api-key create).")


def authenticate(db: Database, headers: dict[str, str]) -> api_keys.ApiKeyRow:
    key = presented_key(headers)
    with db.read() as session:
        try:
            return api_keys.check_key(session, key)
        except PermissionDenied as exc:
            raise _unauthorized(str(exc)) from None


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per key in this process: ``burst`` calls at once, ``per_second`` after."""

    def __init__(
        self, *, burst: int = 60, per_second: float = 5.0, clock: Callable[[], float] = time.monotonic
    ):
        self.burst, self.per_second, self.clock = burst, per_second, clock
        self._buckets: dict[int, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key_id: int) -> None:
        """Spend one call of the key's allowance; 429 with Retry-After when it is spent."""
        with self._lock:
            now = self.clock()
            b = self._buckets.setdefault(key_id, _Bucket(float(self.burst), now))
            b.tokens = min(float(self.burst), b.tokens + (now - b.at) * self.per_second)
            b.at = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return
            wait = max(1, math.ceil((1.0 - b.tokens) / self.per_second))
        raise ApiError(
            429,
            "Too many requests",
            f"This API key made too many calls; try again in {wait} s.",
            headers=[("Retry-After", str(wait))],
        )
