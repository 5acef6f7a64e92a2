"""Per-token write limits: a token bucket per caller, in this process (each replica counts its own)."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBuckets:
    """`per_minute` writes refill steadily; up to `burst` may come at once. per_minute = 0 switches it off."""

    per_minute: int
    burst: int
    clock: Callable[[], float]
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # key -> (tokens, at)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str) -> float:
        """Take one write for `key`: 0 when allowed, else the seconds until the next one is."""
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / rate


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
