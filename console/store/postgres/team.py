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
import threading
import time
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import tuple_row
from psycopg_pool import ConnectionPool, PoolTimeout

from console.bitrix.limiter import BucketLimits, LeakyBucket, RequestBucket, limiter_for
from console.store.team import PRESENT_WITHIN_SECONDS, PresenceEntry, PresenceMember

log = logging.getLogger(__name__)


# One statement, one round trip: drain by the time since the last call, add the cost, and
# say how long the caller must wait for its slot (a level above the capacity is slots
# already promised to earlier callers, exactly as in the in-process bucket).
_ACQUIRE = """
INSERT INTO rest_buckets AS b (portal, level, updated_at)
VALUES (%(portal)s, %(cost)s::float8, clock_timestamp())
ON CONFLICT (portal) DO UPDATE SET
    level = greatest(
        0,
        b.level - %(drain)s::float8
            * greatest(0, extract(epoch FROM clock_timestamp() - b.updated_at)::float8)
    ) + %(cost)s::float8,
    updated_at = clock_timestamp()
RETURNING greatest(0, (b.level - %(capacity)s::float8) / %(drain)s::float8)
"""

_REFUSED = """
INSERT INTO rest_buckets AS b (portal, level, updated_at)
VALUES (%(portal)s, %(capacity)s::float8, clock_timestamp())
ON CONFLICT (portal) DO UPDATE SET
    level = greatest(
        %(capacity)s::float8,
        b.level - %(drain)s::float8
            * greatest(0, extract(epoch FROM clock_timestamp() - b.updated_at)::float8)
    ),
    updated_at = clock_timestamp()
"""

_LEVEL = """
SELECT greatest(
    0,
    level - %(drain)s::float8
        * greatest(0, extract(epoch FROM clock_timestamp() - updated_at)::float8)
)
FROM rest_buckets WHERE portal = %(portal)s
"""

_HEARTBEAT = """
INSERT INTO presence
    (session_id, operator, host, pid, role, address, polling, started_at, last_seen)
VALUES (
    %(session_id)s, %(operator)s, %(host)s, %(pid)s, %(role)s, %(address)s, %(polling)s,
    now(), now()
)
ON CONFLICT (session_id) DO UPDATE SET
    last_seen = now(),
    operator = excluded.operator,
    address = excluded.address,
    polling = excluded.polling
"""

_PRESENT = """
SELECT session_id, operator, host, pid, role, started_at, last_seen, address, polling
FROM presence
WHERE last_seen > now() - make_interval(secs => %(within)s::float8)
ORDER BY operator, host, pid
"""

# A window that crashed never says goodbye: its row goes after a day of silence.
_FORGET_SILENT = "DELETE FROM presence WHERE last_seen < now() - interval '1 day'"

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


class PostgresRestBucket:
    """A :class:`RequestBucket` kept in the team database: one row per portal."""

    def __init__(self, tables: TeamTables, portal_key: str, limits: BucketLimits) -> None:
        self.limits = limits
        self.portal_key = portal_key
        self._tables = tables
        self._offline_warned = False
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
        return float(rows[0][0])

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
        return float(rows[0][0]) if rows else 0.0


class PostgresPresence:
    """The presence table: each window heartbeats; everyone reads who is there."""

    def __init__(self, tables: TeamTables) -> None:
        self._tables = tables

    def heartbeat(self, member: PresenceMember) -> None:
        self._tables.execute(
            _HEARTBEAT,
            {
                "session_id": member.session_id,
                "operator": member.operator,
                "host": member.host,
                "pid": member.pid,
                "role": member.role,
                "address": member.address,
                "polling": list(member.polling),
            },
        )
        self._tables.execute(_FORGET_SILENT, {})

    def present(self, within_seconds: float = PRESENT_WITHIN_SECONDS) -> list[PresenceEntry]:
        rows = self._tables.execute(_PRESENT, {"within": within_seconds})
        return [_entry(*row) for row in rows]

    def leave(self, member: PresenceMember) -> None:
        self._tables.execute(
            "DELETE FROM presence WHERE session_id = %(session_id)s",
            {"session_id": member.session_id},
        )


def _entry(
    session_id: str,
    operator: str,
    host: str,
    pid: int,
    role: str,
    started_at: datetime,
    last_seen: datetime,
    address: str,
    polling: list[str] | None,
) -> PresenceEntry:
    return PresenceEntry(
        session_id,
        operator,
        host,
        pid,
        role,
        started_at,
        last_seen,
        address,
        tuple(polling or ()),
    )
