"""Following a store that another process writes: the feed rows of new events, in id order.

The window runs the listener as a child process (see :mod:`console.listener.child`), so
the store's in-process subscribers never hear of those commits. :class:`StoreTail` asks
the store for rows newer than the last it saw, a few times a second, on its own thread:
each ask is one indexed range read (``id > last``), well under a millisecond.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Self

from console.store.model import EventFilter, EventStore, FeedRow, StoreClosedError

log = logging.getLogger(__name__)

# Every event counts, duplicates too: the window decides what it shows.
_EVERYTHING = EventFilter(include_duplicates=True)
# Rows per read; a backlog larger than this is read in several reads without waiting.
TAIL_PAGE = 1000


class RowFollower:
    """Hands the feed rows stored after :attr:`last_id` to ``on_rows``, oldest first, on a
    thread of its own; what wakes that thread to read is the subclass's :meth:`_run`.

    Events stored before :meth:`start` are not reported.
    """

    thread_name = "store-follower"

    def __init__(
        self, store: EventStore, on_rows: Callable[[list[FeedRow]], None], *, page: int
    ) -> None:
        self._store = store
        self._on_rows = on_rows
        self._page = page
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_id = 0

    def start(self) -> Self:
        newest = self._store.query_rows(_EVERYTHING, limit=1)
        self.last_id = newest[0].id if newest else 0
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._thread = None

    def _run(self) -> None:
        raise NotImplementedError

    def _read_page(self) -> bool:
        """Deliver the next page of new rows; whether it was full (more may be waiting)."""
        rows = self._store.query_rows(_EVERYTHING, limit=self._page, after_id=self.last_id)
        if not rows:
            return False
        rows.reverse()  # the store answers newest first
        self.last_id = rows[-1].id
        try:
            self._on_rows(rows)
        except Exception:  # a faulty receiver must not stop the follower
            log.exception("a receiver of new events failed")
        return len(rows) == self._page


class StoreTail(RowFollower):
    """Calls ``on_rows`` (on its own thread) with each batch of newly stored events.

    Batches come oldest first. Events stored before :meth:`start` are not reported.
    """

    thread_name = "store-tail"

    def __init__(
        self,
        store: EventStore,
        on_rows: Callable[[list[FeedRow]], None],
        *,
        interval_seconds: float = 0.05,
    ) -> None:
        super().__init__(store, on_rows, page=TAIL_PAGE)
        self._interval = interval_seconds

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                more = self._read_page()
            except StoreClosedError:
                return
            except Exception:  # a locked or busy moment: try again at the next tick
                log.warning("reading new events failed; trying again", exc_info=True)
                more = False
            if not more:
                self._stop.wait(self._interval)
