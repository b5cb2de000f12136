"""A listener says it is there: a heartbeat into the team database's presence table.

On a shared store the operators see, besides each other, which listeners run, where
they listen and which portals each polls (whoever holds a portal's catch-up lease), so
"is anyone receiving?" has an answer in the window. A local store has no presence table
(``EventStore.presence()`` is None) and nothing runs.

The beats run on a thread of their own: a database that is down costs a warning, never
the listener's intake, and the row comes back with the first beat after it recovers.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable

from console.store.team import HEARTBEAT_SECONDS, ROLE_LISTENER, PresenceMember, TeamPresence

log = logging.getLogger(__name__)


class ListenerPresence:
    """Heartbeats ``member`` (a listener) with the address and polling of the moment.

    ``describe(member)`` returns the member as it is now (the same session id, the
    address it listens on, the profiles it polls); it is called before every beat.
    """

    def __init__(
        self,
        presence: TeamPresence,
        member: PresenceMember,
        describe: Callable[[PresenceMember], PresenceMember] | None = None,
        *,
        interval_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self._presence = presence
        self._member = dataclasses.replace(member, role=ROLE_LISTENER)
        self._describe = describe
        self._interval = interval_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False

    @property
    def member(self) -> PresenceMember:
        return self._member

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="listener-presence", daemon=True)
        self._thread.start()

    def beat(self) -> bool:
        """One heartbeat now; returns whether the database took it."""
        if self._describe is not None:
            self._member = self._describe(self._member)
        try:
            self._presence.heartbeat(self._member)
        except Exception as exc:
            # Any failure of the database (psycopg's, a pool timeout) is the same here.
            if not self._failing:
                self._failing = True
                log.warning(
                    "the listener cannot say it is present in the team database: %s",
                    type(exc).__name__,
                )
            return False
        if self._failing:
            self._failing = False
            log.info("the listener is in the team database's presence again")
        return True

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.beat()
            self._stopping.wait(self._interval)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop beating and leave the presence table at once (before the store closes)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        try:
            self._presence.leave(self._member)
        except Exception as exc:
            # A row left behind counts as gone after PRESENT_WITHIN_SECONDS anyway.
            log.info("the listener could not leave the presence table: %s", type(exc).__name__)
