"""Team-wide jobs held by one process at a time: PostgreSQL session advisory locks.

Each lease keeps a connection of its own. A session lock lives exactly as long as that
session: a listener that stops, crashes or loses the network loses the lock with its
connection, and the next listener to ask takes it. No row has to be cleaned up after a
dead holder, and no clock has to be trusted.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

import psycopg
from psycopg.conninfo import make_conninfo

from console.store.postgres.locks import describe_holders

log = logging.getLogger(__name__)

_TRY = """
SELECT t.taken, h.pid, h.login, h.application, h.since
FROM (SELECT b24_try_lease(%s::text) AS taken) AS t
LEFT JOIN LATERAL (SELECT * FROM b24_lock_holders(%s::text)) AS h ON NOT t.taken
"""

# A lease that cannot reach the database within this long is simply not held this time.
CONNECT_TIMEOUT_SECONDS = 5


class AdvisoryLease:
    """:class:`~console.store.model.PollerLease` on a session advisory lock.

    ``conninfo``: libpq keyword arguments (password included); the connection is opened on
    the first :meth:`held` and kept, holding the lock or waiting to ask again.

    The lock's key is derived in the database from the job's name and a salt no team role
    can read (migration 4), so only the functions the team's roles may run can take it.
    """

    def __init__(self, conninfo: Mapping[str, str], name: str) -> None:
        self.name = name
        params = {
            "connect_timeout": str(CONNECT_TIMEOUT_SECONDS),
            "application_name": f"b24-console lease {name}"[:63],
            **conninfo,
        }
        self._conninfo = make_conninfo(**params)
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._holding = False
        self._released = False
        self.trouble: str | None = None
        # Who held it the last time it was asked and not free (said once in the log).
        self.holder: str | None = None

    def held(self) -> bool:
        with self._lock:
            if self._released:
                return False
            try:
                holding = self._ask()
            except psycopg.Error as exc:
                # The session (and with it any lock) is gone; the next call starts over.
                log.info("lease %s: the database cannot be asked: %s", self.name, exc)
                self.trouble = " ".join(f"{type(exc).__name__}: {exc}".split())
                self._drop()
                return False
            self.trouble = None
            return holding

    def _ask(self) -> bool:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            self._drop()
            conn = self._conn = psycopg.connect(self._conninfo, autocommit=True)
        if self._holding:
            # Still our session, so still our lock: one round trip proves the session.
            conn.execute("SELECT 1")
            return True
        # One round trip: take it if it is free, else read who holds it (for the log).
        rows = conn.execute(_TRY, (self.name, f"lease:{self.name}")).fetchall()
        self._holding = bool(rows and rows[0][0])
        holder = None if self._holding else describe_holders([row[1:] for row in rows if row[1]])
        if holder is not None and holder != self.holder:
            log.info("lease %s is not free: %s", self.name, holder)
        self.holder = holder
        return self._holding

    def _drop(self) -> None:
        conn, self._conn, self._holding = self._conn, None, False
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                log.debug("lease %s: closing a broken connection failed", self.name)

    def release(self) -> None:
        with self._lock:
            self._released = True
            conn = self._conn
            if self._holding and conn is not None and not conn.broken:
                # Said outright: the server ends a closed session a moment later, and the
                # next listener should not find the lock still taken in that moment.
                try:
                    conn.execute("SELECT b24_release_lease(%s::text)", (self.name,))
                except psycopg.Error as exc:
                    log.info("lease %s: unlocking failed (closing frees it): %s", self.name, exc)
            self._drop()
