"""In-memory sliding-window limits on sending codes (per process: enough to stop code-spamming)."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta


class SlidingLimit:
    """At most ``count`` events per key within ``window``."""

    def __init__(self, count: int, window: timedelta) -> None:
        self.count, self.window = count, window
        self._events: dict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, now: datetime) -> bool:
        """Whether one more event is allowed now; an allowed event is counted."""
        with self._lock:
            events = self._events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.count:
                return False
            events.append(now)
            if len(self._events) > 50_000:  # a flood of distinct keys must not grow memory forever
                self._events = defaultdict(deque, {k: v for k, v in self._events.items() if v})
            return True
