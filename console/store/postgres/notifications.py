"""Feeding subscribers from PostgreSQL: LISTEN/NOTIFY to wake up, the table for the rows.

One thread per store holds one connection of its own and LISTENs on ``b24_events``. Every
transaction that inserts events notifies with its newest id (a trigger does it, whoever
inserts). On a notification, and every :data:`POLL_SECONDS` as well, the thread reads the
rows with ``id > last delivered`` in id order and hands each to the subscribers.

Why no event is ever missed, whatever the timing:

* Ids are handed out in commit order. Every transaction that inserts events first takes
  one advisory lock (migration 0001's trigger takes it before any row is formed, and the
  writer takes it before it draws ids), so the next transaction draws its ids only after
  the previous one is visible. Sequences alone do not promise this: two writers could
  commit ids 13 and 10 in that order, and a reader that saw 13 first would skip 10
  forever. Under the lock, a snapshot that holds id N holds every id below it.
* After a lost connection the thread connects again (with backoff), LISTENs *first*, and
  only then reads everything after the last id it delivered. An event committed while
  it was away is found by that read; one committed after the LISTEN wakes it again. A
  notification can be lost with the connection, never a row.
* The payload is only a wake-up: the rows are always read from the table, so a
  notification that is late, merged with another or lost costs nothing but the wait for
  the next poll.

While the connection is down the thread reports it through :class:`Connectivity`, which
the window polls to say that its feed is stale.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from console.store.model import StoredEvent
from console.store.rows import SELECT_COLUMNS, decode_row

log = logging.getLogger(__name__)

# The channel migration 0001's trigger notifies after each insert statement.
CHANNEL = "b24_events"
# Read even without a notification this often: also how soon close() is noticed.
POLL_SECONDS = 0.5
# Rows read per query while catching up.
CATCH_UP_PAGE = 500
# Waits between reconnection attempts grow to this.
MAX_BACKOFF_SECONDS = 5.0

_AFTER_SQL = f"SELECT {SELECT_COLUMNS} FROM events WHERE id > %s ORDER BY id LIMIT %s"  # noqa: S608


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """Whether the store reaches its database now; since when it does not, and why."""

    connected: bool
    lost_since: datetime | None = None
    reason: str | None = None


class Connectivity:
    """What the store last learnt about its connection, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = ConnectionState(connected=True)

    def ok(self) -> None:
        with self._lock:
            if not self._state.connected:
                log.info("event store: connected to the database again")
            self._state = ConnectionState(connected=True)

    def lost(self, exc: BaseException) -> None:
        reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        with self._lock:
            if self._state.connected:
                log.warning("event store: lost the database connection: %s", reason)
                self._state = ConnectionState(False, datetime.now(UTC), reason)
            else:
                self._state = ConnectionState(False, self._state.lost_since, reason)

    @property
    def state(self) -> ConnectionState:
        with self._lock:
            return self._state


Connect = Callable[[], psycopg.Connection[tuple[Any, ...]]]


class NotificationFeed:
    """The thread that LISTENs and hands committed events to ``deliver`` in id order."""

    def __init__(
        self,
        connect: Connect,
        deliver: Callable[[StoredEvent], None],
        connectivity: Connectivity,
        *,
        start_after: int | None,
    ) -> None:
        self._connect = connect
        self._deliver = deliver
        self._connectivity = connectivity
        self._last = start_after
        self._stop = threading.Event()
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        self._thread = threading.Thread(
            target=self._run, name="event-store-notifications", daemon=True
        )
        self._thread.start()

    @property
    def last_delivered(self) -> int | None:
        return self._last

    def stop(self, timeout: float = 30.0) -> None:
        """Deliver what is committed by now (when the database answers), then stop."""
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def on_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def _run(self) -> None:
        backoff = 0.1
        while True:
            try:
                conn = self._connect()
            except Exception as exc:
                if self._stop.is_set():
                    return
                self._connectivity.lost(exc)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            self._conn = conn
            try:
                self._listen(conn)
                return  # stopped
            except psycopg.Error as exc:
                if self._stop.is_set():
                    return
                self._connectivity.lost(exc)
            finally:
                self._conn = None
                conn.close()
            self._stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    def _listen(self, conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        # LISTEN before reading: whatever commits after this read wakes us again.
        conn.execute(f"LISTEN {CHANNEL}")
        if self._last is None:
            row = conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
            self._last = int(row[0]) if row else 0
        self._connectivity.ok()
        while True:
            stopping = self._stop.is_set()
            self._catch_up(conn)
            if stopping:
                return
            # A notification, or the poll interval: either way read what is new.
            for _ in conn.notifies(timeout=POLL_SECONDS, stop_after=1):
                pass

    def _catch_up(self, conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        while True:
            rows = conn.execute(_AFTER_SQL, (self._last, CATCH_UP_PAGE)).fetchall()
            for row in rows:
                self._last = int(row[0])
                try:
                    event = decode_row(row)
                except Exception:  # one unreadable row must not stop the feed for good
                    log.exception("event store: cannot read event %s for subscribers", row[0])
                    continue
                self._deliver(event)
            if len(rows) < CATCH_UP_PAGE:
                return
