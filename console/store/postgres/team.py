"""The team's shared tables in the PostgreSQL store: one REST bucket per portal, and presence.

Five consoles on one portal with five in-process buckets each believe they have the whole
burst: together they send five times what the portal drains, and it answers 503. Here
every console and listener of a team draws from one row per portal, updated atomically in
one statement on the database's clock (so the machines' clocks do not matter), at the cost
of one round trip per REST call.

If the database cannot be reached the REST call is not held hostage to it: the client
falls back to this process's own bucket (and the portal's 503 answers, which the client
retries, cover the difference) until the database answers again.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import tuple_row
from psycopg_pool import ConnectionPool, PoolTimeout

from console.bitrix.limiter import BucketLimits, LeakyBucket, RequestBucket, limiter_for
from console.core.sanitize import printable
from console.store.team import (
    PRESENT_WITHIN_SECONDS,
    ROLE_CONSOLE,
    ROLE_LISTENER,
    PresenceEntry,
    PresenceMember,
)

log = logging.getLogger(__name__)

# Bounds of what a presence row may say (the table's CHECK in migration 4 has the same
# or wider ones): a hostile row must not make a window's status bar huge or slow.
MAX_NAME = 128
MAX_POLLING = 32
MAX_PRESENT = 200
# How far ahead of the database's clock a heartbeat may be dated and still count.
FUTURE_SKEW_SECONDS = 60


# One statement, one round trip: the database drains by the time since the last call,
# adds the cost, and says how long the caller must wait for its slot (a level above the
# capacity is slots already promised to earlier callers, exactly as in the in-process
# bucket). Only these SECURITY DEFINER functions may change a bucket row (migration 4).
_ACQUIRE = (
    "SELECT rest_bucket_take(%(portal)s::text, %(cost)s::float8, %(drain)s::float8, "
    "%(capacity)s::float8)"
)

_REFUSED = "SELECT rest_bucket_refused(%(portal)s::text, %(drain)s::float8, %(capacity)s::float8)"

_LEVEL = """
SELECT greatest(
    0,
    level - %(drain)s::float8
        * greatest(0, extract(epoch FROM clock_timestamp() - updated_at)::float8)
)
FROM rest_buckets WHERE portal = %(portal)s
"""

# The function writes this login's own row only, with the server's now(), and cleans
# stale and future rows (migration 4).
_HEARTBEAT = """
SELECT presence_beat(
    %(session_id)s::text, %(operator)s::text, %(host)s::text, %(pid)s::integer, %(role)s::text,
    %(address)s::text, %(polling)s::text[]
)
"""

# A row from the future (a clock far ahead, or a forged one) is not "present": it would
# stay present forever. Bounded again on the way out, whatever the table holds.
_PRESENT = f"""
SELECT session_id, left(operator, {MAX_NAME}), left(host, {MAX_NAME}), pid, role,
       started_at, last_seen, left(address, {MAX_NAME}),
       (polling)[1:{MAX_POLLING}]
FROM presence
WHERE last_seen > now() - make_interval(secs => %(within)s::float8)
  AND last_seen <= now() + make_interval(secs => {FUTURE_SKEW_SECONDS})
  AND started_at <= last_seen
ORDER BY operator, host, pid
LIMIT {MAX_PRESENT}
"""  # noqa: S608 (our own constants)

_LEAVE = "SELECT presence_leave(%(session_id)s::text)"

# How long a statement on the team's tables waits for a row lock (a session that took a
# bucket row in a transaction and sits on it) before the caller falls back.
LOCK_WAIT_SECONDS = 2

# How long a REST call waits for a pooled connection before it falls back, and how long
# calls then go straight to the local bucket before the database is tried again.
POOL_WAIT_SECONDS = 3.0
OFFLINE_RETRY_SECONDS = 10.0


class TeamTables:
    """A small pool of autocommit connections for the team's tables.

    Kept apart from the event store's own pool so that a REST call never queues behind a
    large export, and each statement is its own transaction (one round trip, no BEGIN).
    """

    def __init__(self, conninfo: dict[str, str], *, max_size: int = 4) -> None:
        self._pool = ConnectionPool(
            kwargs={**conninfo, "autocommit": True, "prepare_threshold": 0},
            min_size=1,
            max_size=max_size,
            open=False,
            name="team",
            configure=_bound_lock_waits,
        )
        # Does not wait for the database: a console starts while it is down.
        self._pool.open(wait=False)
        self._buckets: dict[str, PostgresRestBucket] = {}
        self._lock = threading.Lock()

    def execute(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Run one statement; raises ``psycopg.Error`` or ``PoolTimeout`` when the
        database cannot be reached."""
        with (
            self._pool.connection(timeout=POOL_WAIT_SECONDS) as conn,
            conn.cursor(row_factory=tuple_row) as cur,
        ):
            cur.execute(sql, params, prepare=True)
            return cur.fetchall() if cur.description is not None else []

    def rest_bucket(self, portal_key: str, limits: BucketLimits) -> RequestBucket:
        """The team's bucket for ``portal_key`` (host[:port]); one object per portal."""
        key = portal_key.lower()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = PostgresRestBucket(self, key, limits)
                self._buckets[key] = bucket
            elif bucket.limits != limits:
                bucket.limits = limits
            return bucket

    def presence(self) -> PostgresPresence:
        return PostgresPresence(self)

    def close(self) -> None:
        self._pool.close()


def _bound_lock_waits(conn: psycopg.Connection[Any]) -> None:
    conn.execute(f"SET lock_timeout = '{LOCK_WAIT_SECONDS}s'")


class PostgresRestBucket:
    """A :class:`RequestBucket` kept in the team database: one row per portal."""

    def __init__(self, tables: TeamTables, portal_key: str, limits: BucketLimits) -> None:
        self.limits = limits
        self.portal_key = portal_key
        self._tables = tables
        self._offline_warned = False
        self._absurd_warned = False
        self._offline_until = 0.0

    def _params(self, cost: float = 1.0) -> dict[str, Any]:
        return {
            "portal": self.portal_key,
            "cost": cost,
            "drain": self.limits.drain_per_second,
            "capacity": float(self.limits.capacity),
        }

    def _local(self) -> LeakyBucket:
        return limiter_for(self.portal_key, self.limits)

    def _reachable(self) -> bool:
        return time.monotonic() >= self._offline_until

    def _offline(self, exc: BaseException) -> None:
        self._offline_until = time.monotonic() + OFFLINE_RETRY_SECONDS
        if not self._offline_warned:
            self._offline_warned = True
            log.warning(
                "the team's REST bucket for %s is out of reach (%s); drawing from this "
                "process's own bucket until the database answers",
                self.portal_key,
                type(exc).__name__,
            )

    def reserve(self, cost: float = 1.0) -> float:
        """Take a slot in the team's bucket; returns how long to wait before sending."""
        if not self._reachable():
            return self._local().reserve(cost)
        try:
            rows = self._tables.execute(_ACQUIRE, self._params(cost))
        except (psycopg.Error, PoolTimeout) as exc:
            self._offline(exc)
            return self._local().reserve(cost)
        if self._offline_warned:
            self._offline_warned = False
            log.info("the team's REST bucket for %s is back", self.portal_key)
        wait = float(rows[0][0]) if rows and rows[0][0] is not None else math.nan
        if not self._sane(wait):
            return min(self._local().reserve(cost), self.longest_wait)
        return wait

    @property
    def longest_wait(self) -> float:
        """The documented drain time of a full bucket: no slot is ever further away."""
        return self.limits.burst / self.limits.drain_per_second

    def _sane(self, wait: float) -> bool:
        """Whether a wait the database computed can be true; a row written by anything but
        this console's functions may say anything (NaN, a level of a billion)."""
        if math.isfinite(wait) and 0 <= wait <= self.longest_wait:
            if self._absurd_warned:
                self._absurd_warned = False
                log.info("the team's REST bucket for %s is sane again", self.portal_key)
            return True
        if not self._absurd_warned:
            self._absurd_warned = True
            log.warning(
                "the team's REST bucket for %s asks for a wait of %r s, more than a full "
                "bucket takes to drain (%.0f s); drawing from this process's own bucket",
                self.portal_key,
                wait,
                self.longest_wait,
            )
        return False

    def acquire(self, cost: float = 1.0) -> float:
        wait = self.reserve(cost)
        if wait > 0:
            time.sleep(wait)
        return wait

    def note_refused(self) -> None:
        if not self._reachable():
            self._local().note_refused()
            return
        try:
            self._tables.execute(_REFUSED, self._params())
        except (psycopg.Error, PoolTimeout) as exc:
            self._offline(exc)
            self._local().note_refused()

    @property
    def level(self) -> float:
        if not self._reachable():
            return self._local().level
        try:
            rows = self._tables.execute(_LEVEL, self._params())
        except (psycopg.Error, PoolTimeout):
            return self._local().level
        level = float(rows[0][0]) if rows and rows[0][0] is not None else 0.0
        if not (math.isfinite(level) and level <= 2 * self.limits.capacity):
            return self._local().level
        return level


class PostgresPresence:
    """The presence table: each window heartbeats; everyone reads who is there."""

    def __init__(self, tables: TeamTables) -> None:
        self._tables = tables

    def heartbeat(self, member: PresenceMember) -> None:
        self._tables.execute(
            _HEARTBEAT,
            {
                "session_id": member.session_id[:64],
                "operator": member.operator[:MAX_NAME],
                "host": member.host[:MAX_NAME],
                "pid": member.pid,
                "role": member.role,
                "address": member.address[:MAX_NAME],
                "polling": [name[:MAX_NAME] for name in member.polling[:MAX_POLLING]],
            },
        )

    def present(self, within_seconds: float = PRESENT_WITHIN_SECONDS) -> list[PresenceEntry]:
        rows = self._tables.execute(_PRESENT, {"within": within_seconds})
        entries = (_entry(row) for row in rows)
        return [entry for entry in entries if entry is not None]

    def leave(self, member: PresenceMember) -> None:
        self._tables.execute(_LEAVE, {"session_id": member.session_id[:64]})


def _entry(row: tuple[Any, ...]) -> PresenceEntry | None:
    """A presence row as an entry, or None when it cannot be a real window or listener.

    Every text is one line of printable characters (controls and bidi overrides shown
    as escapes) and bounded; the window shows them as plain text besides.
    """
    session_id, operator, host, pid, role, started_at, last_seen, address, polling = row
    if role not in (ROLE_CONSOLE, ROLE_LISTENER):
        return None
    if not isinstance(pid, int) or not 0 <= pid <= 2**31 - 1:
        return None
    if not isinstance(started_at, datetime) or not isinstance(last_seen, datetime):
        return None
    return PresenceEntry(
        _bounded(session_id),
        _bounded(operator),
        _bounded(host),
        pid,
        role,
        started_at,
        last_seen,
        _bounded(address),
        tuple(_bounded(name) for name in (polling or ())[:MAX_POLLING]),
    )


def _bounded(text: object) -> str:
    return printable(str(text or ""), one_line=True)[:MAX_NAME]
