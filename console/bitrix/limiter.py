"""A client-side leaky bucket that mirrors the portal's own request limit.

The portal counts requests per portal (not per connection), so every caller in the
process must share one bucket per portal: :func:`limiter_for` keeps a registry.
Callers block until a slot frees up instead of being refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class BucketLimits:
    """``burst`` requests at once, then ``drain_per_second`` (plans: 50/2, Enterprise 250/5).

    ``headroom`` slots of the burst are kept free: a request reserved here reaches the
    portal a little later, and when several arrive bunched up the portal's bucket has
    drained less than ours assumed. Two slots absorb that jitter.
    """

    burst: int = 50
    drain_per_second: float = 2.0
    headroom: int = 2

    def __post_init__(self) -> None:
        if self.burst < 1:
            raise ValueError("burst must be at least 1")
        if self.drain_per_second <= 0:
            raise ValueError("drain_per_second must be positive")
        if not 0 <= self.headroom < self.burst:
            raise ValueError("headroom must be at least 0 and below burst")

    @property
    def capacity(self) -> int:
        """How many requests this client lets through at once."""
        return self.burst - self.headroom


STANDARD = BucketLimits(50, 2.0)
ENTERPRISE = BucketLimits(250, 5.0)


class RequestBucket(Protocol):
    """What a REST client draws its calls from: this process's bucket, or a team's shared one.

    The store decides which (``EventStore.rest_bucket``): the SQLite store hands out the
    in-process :class:`LeakyBucket`, a team database one row per portal that every console
    and listener of the team updates.
    """

    limits: BucketLimits

    def acquire(self, cost: float = 1.0) -> float:
        """Block until the request may be sent; returns the seconds waited."""

    def note_refused(self) -> None:
        """The portal refused a request for its limit: the bucket is fuller than it thought."""

    @property
    def level(self) -> float:
        """Current fill level (above the capacity while callers are queued)."""


# Where a client finds the bucket of a portal (host[:port]), with the limits its profile has.
BucketSource = Callable[[str, BucketLimits], RequestBucket]


class LeakyBucket:
    """Thread-safe leaky bucket; :meth:`acquire` sleeps until the request may go.

    Slots are reserved under the lock and the wait happens outside it, so waiting
    callers queue in arrival order and never hold each other up longer than needed.
    """

    def __init__(
        self,
        limits: BucketLimits = STANDARD,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._level = 0.0
        self._updated = clock()

    def _drain(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._level = max(0.0, self._level - elapsed * self.limits.drain_per_second)
        self._updated = now

    def reserve(self, cost: float = 1.0) -> float:
        """Take a slot and return how long the caller must wait before sending."""
        with self._lock:
            now = self._clock()
            self._drain(now)
            # A level above burst means slots already promised to earlier waiters.
            overflow = self._level + cost - self.limits.capacity
            self._level += cost
            return max(0.0, overflow / self.limits.drain_per_second)

    def acquire(self, cost: float = 1.0) -> float:
        """Block until the request may be sent; returns the seconds waited."""
        wait = self.reserve(cost)
        if wait > 0:
            self._sleep(wait)
        return wait

    def note_refused(self) -> None:
        """The portal said its bucket is full: ours was too optimistic, fill it up."""
        with self._lock:
            self._drain(self._clock())
            self._level = max(self._level, float(self.limits.capacity))

    @property
    def level(self) -> float:
        """Current fill level (may exceed ``burst`` while callers are queued)."""
        with self._lock:
            self._drain(self._clock())
            return self._level


_registry: dict[str, LeakyBucket] = {}
_registry_lock = threading.Lock()


def limiter_for(
    portal_key: str,
    limits: BucketLimits = STANDARD,
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
) -> LeakyBucket:
    """The one bucket for ``portal_key`` (host[:port]); created on first use.

    A later call with different ``limits`` reconfigures the shared bucket, so a
    profile switched to Enterprise limits takes effect for every caller.
    """
    key = portal_key.lower()
    with _registry_lock:
        bucket = _registry.get(key)
        if bucket is None:
            bucket = LeakyBucket(limits, clock=clock, sleep=sleep)
            _registry[key] = bucket
        elif bucket.limits != limits:
            bucket.limits = limits
        return bucket


def local_bucket(portal_key: str, limits: BucketLimits = STANDARD) -> RequestBucket:
    """The :data:`BucketSource` of a console on its own: this process's bucket per portal."""
    return limiter_for(portal_key, limits)


# The bucket each portal's clients drew from last, whichever kind: what the status bar shows.
_in_use: dict[str, RequestBucket] = {}


def note_in_use(portal_key: str, bucket: RequestBucket) -> None:
    """Remember that clients of ``portal_key`` draw from ``bucket`` (see :func:`buckets_in_use`)."""
    with _registry_lock:
        _in_use[portal_key.lower()] = bucket


def buckets_in_use() -> dict[str, RequestBucket]:
    """host[:port] -> the bucket its clients draw from: this process's, or a team's row."""
    with _registry_lock:
        return dict(_in_use)


def forget_limiters() -> None:
    """Drop every registered bucket (tests; switching portals in a long session)."""
    with _registry_lock:
        _registry.clear()
        _in_use.clear()
