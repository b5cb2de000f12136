"""The portal's own limits: the per-portal leaky bucket and per-method operating time."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

WINDOW_SECONDS = 600.0


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
    """Accumulated execution time per (caller, method) over a ten-minute window.

    The window opens with the first call after the previous one closed and lasts
    ``WINDOW_SECONDS`` from that call (not from a minute boundary): ``operating_reset_at``
    is that call's time plus ten minutes, so a client waiting for it is never early.
    """

    def __init__(self, limit_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.limit_seconds = limit_seconds
        self._clock = clock
        # (caller, method) -> [window start, seconds used in it]
        self._windows: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: tuple[str, str], now: float) -> list[float] | None:
        window = self._windows.get(key)
        if window is not None and now >= window[0] + WINDOW_SECONDS:
            del self._windows[key]
            return None
        return window

    def is_blocked(self, caller: str, method: str) -> bool:
        """True when this method's time in the window already exceeds the limit."""
        with self._lock:
            window = self._live((caller, method), self._clock())
            return window is not None and window[1] > self.limit_seconds

    def add(self, caller: str, method: str, seconds: float) -> tuple[float, int]:
        """Record ``seconds``; return (operating total, operating_reset_at Unix time)."""
        with self._lock:
            now = self._clock()
            key = (caller, method)
            window = self._live(key, now)
            if window is None:
                window = self._windows[key] = [now, 0.0]
            window[1] += seconds
            return round(window[1], 6), math.ceil(window[0] + WINDOW_SECONDS)
