"""Following a team database: LISTEN wakes the reader, which reads every row after the last.

The notification only says "something newer is there"; the rows themselves are read by
id (``id > last``), so a lost notification, a burst of them, or a connection cut between
two of them can never leave a gap. After a lost connection the follower reconnects,
LISTENs again and only then reads everything after the last id it delivered: a row
committed in between is either in that read or announced by a notification after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import psycopg
from psycopg.conninfo import make_conninfo

from console.store.model import EventStore, FeedRow, StoreClosedError
from console.store.postgres.notifications import CHANNEL
from console.store.tail import RowFollower
from console.store.team import ConnectionListener

log = logging.getLogger(__name__)

# Rows per read; a larger backlog is read in several reads without waiting.
FOLLOW_PAGE = 1000
# Between attempts to reach a database that is down, and how long one attempt may take.
RECONNECT_SECONDS = 1.0
# A listening connection is idle for long stretches: TCP keepalives notice a link that
# died silently (a NAT or firewall dropping it) within about half a minute instead of
# the kernel's two hours, so the window says its feed is stale when it is.
_LINK_CHECKS = {
    "connect_timeout": "5",
    "keepalives": "1",
    "keepalives_idle": "15",
    "keepalives_interval": "5",
    "keepalives_count": "3",
}


class NotifiedTail(RowFollower):
    """Calls ``on_rows`` (on its own thread) with each batch of new rows, oldest first.

    ``on_connection(False)`` when the link is lost, ``on_connection(True)`` once it is back
    and the rows missed meanwhile were delivered. Rows stored before :meth:`start` are not
    reported.
    """

    thread_name = "store-follow"

    def __init__(
        self,
        store: EventStore,
        conninfo: dict[str, str],
        on_rows: Callable[[list[FeedRow]], None],
        on_connection: ConnectionListener | None = None,
    ) -> None:
        super().__init__(store, on_rows, page=FOLLOW_PAGE)
        self._conninfo = make_conninfo("", **{**_LINK_CHECKS, **conninfo})
        self._on_connection = on_connection
        self.connected = False

    def _run(self) -> None:
        lost = False
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Listening first, then reading: nothing committed from now on is missed.
                    self._read_new()
                    self._set_connected(True, announce=lost)
                    lost = False
                    while not self._stop.is_set():
                        woken = False
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            woken = True
                        if woken:
                            self._read_new()
            except StoreClosedError:
                return
            except Exception as exc:  # psycopg, the pool, the socket: all mean "reconnect"
                if not lost:
                    log.warning("lost the team database (%s); reconnecting", type(exc).__name__)
                lost = True
                self._set_connected(False, announce=True)
                self._stop.wait(RECONNECT_SECONDS)

    def _read_new(self) -> None:
        while self._read_page():
            pass

    def _set_connected(self, connected: bool, *, announce: bool) -> None:
        changed = connected != self.connected
        self.connected = connected
        if announce and changed and self._on_connection is not None:
            try:
                self._on_connection(connected)
            except Exception:
                log.exception("a receiver of the connection state failed")
