"""The background thread that keeps a store within its retention policy."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from console.store.model import RetentionPolicy, StoreClosedError

log = logging.getLogger(__name__)

# Deletes what ``policy`` allows, stopping early once the event is set; how many it deleted.
Enforce = Callable[[RetentionPolicy, threading.Event], int]


class RetentionThread:
    """Applies ``policy`` through ``enforce`` at once and then every ``interval`` seconds,
    until :meth:`stop` or until the store is closed."""

    def __init__(self, enforce: Enforce, policy: RetentionPolicy, interval: float) -> None:
        self._enforce = enforce
        self._stop = threading.Event()
        self.thread = threading.Thread(
            target=self._loop, args=(policy, interval), name="event-store-retention", daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        """Stop (a deletion in progress ends after its batch) and wait, unless called on
        the thread itself."""
        self._stop.set()
        if self.thread is not threading.current_thread():
            self.thread.join()

    def _loop(self, policy: RetentionPolicy, interval: float) -> None:
        while True:
            try:
                removed = self._enforce(policy, self._stop)
                if removed:
                    log.info("retention removed %d events", removed)
            except StoreClosedError:
                return
            except Exception:  # keep trying at the next interval; the store still works
                log.exception("event store retention failed")
            if self._stop.wait(interval):
                return
