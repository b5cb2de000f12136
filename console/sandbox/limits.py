"""The portal's own limits: the per-portal leaky bucket and per-method operating time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

BASKETS = 10
BASKET_SECONDS = 60.0


class LeakyBucket:
    """Each request adds one; the level drains ``drain_rate`` per second; above ``burst`` refuse."""

    def __init__(
        self, burst: int, drain_rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.drain_rate = drain_rate
        self._clock = clock
        self._level = 0.0
        self._last = clock()
        self._lock = threading.Lock()

    def _drain(self) -> None:
        now = self._clock()
        self._level = max(0.0, self._level - (now - self._last) * self.drain_rate)
        self._last = now

    def try_acquire(self) -> bool:
        """Count one request; False (and nothing counted) when the bucket is full."""
        with self._lock:
            self._drain()
            if self._level + 1.0 > self.burst:
                return False
            self._level += 1.0
            return True

    @property
    def level(self) -> float:
        with self._lock:
            self._drain()
            return self._level


class OperatingTime:
    """Accumulated execution time per (caller, method) in ten one-minute baskets."""

    def __init__(self, limit_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.limit_seconds = limit_seconds
        self._clock = clock
        self._baskets: dict[tuple[str, str], dict[int, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: tuple[str, str], now: float) -> dict[int, float]:
        minute = int(now // BASKET_SECONDS)
        baskets = self._baskets.setdefault(key, {})
        for old in [m for m in baskets if m <= minute - BASKETS]:
            del baskets[old]
        return baskets

    def is_blocked(self, caller: str, method: str) -> bool:
        """True when this method's time in the window already exceeds the limit."""
        with self._lock:
            total = sum(self._live((caller, method), self._clock()).values())
            return total > self.limit_seconds

    def add(self, caller: str, method: str, seconds: float) -> tuple[float, int]:
        """Record ``seconds``; return (operating total, operating_reset_at Unix time)."""
        with self._lock:
            now = self._clock()
            baskets = self._live((caller, method), now)
            minute = int(now // BASKET_SECONDS)
            baskets[minute] = baskets.get(minute, 0.0) + seconds
            oldest = min(baskets)
            reset_at = int((oldest + BASKETS) * BASKET_SECONDS)
            return round(sum(baskets.values()), 6), reset_at
