"""Answers kept a few seconds and shared by the families who ask the same question at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class SharedAnswers(Generic[T]):
    """``get(key, compute)`` computes once per ``ttl`` seconds per key; the gateway's threads share it.
    At ``size`` keys it starts afresh rather than tracking ages: the keys are few and short-lived."""

    def __init__(self, ttl: float = 10.0, size: int = 256) -> None:
        self.ttl, self.size = ttl, size
        self._data: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = compute()
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (now + self.ttl, value)
        return value

    def forget(self, stale: Callable[[Any], bool]) -> None:
        """Drops the answers whose key ``stale`` names (a change made here made them wrong)."""
        with self._lock:
            for key in [k for k in self._data if stale(k)]:
                del self._data[key]
