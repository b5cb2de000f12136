"""Carries newly stored events to the GUI thread, in batches, as feed rows.

Where they come from is the console's business (:meth:`RunningConsole.watch`): the
store's commits when the listener runs in this process, a tail of the store when it
runs as the window's child process.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from console.session import ConnectionReceiver, RowsReceiver, watch_store
from console.store.model import EventStore, FeedRow

# Starts delivering rows (and the store link's state) on a background thread; returns
# the stop function.
Watch = Callable[[RowsReceiver, ConnectionReceiver], Callable[[], None]]

# How long the bridge gathers commits before handing them over. One hand-over per batch
# keeps the GUI thread's wake-ups at most 10 a second however fast events arrive; a
# queued signal per event (hundreds a second) competes with painting and typing. This is
# the only gathering stage: the feed inserts each batch as it comes (add_live_rows).
BATCH_MILLISECONDS = 100


class StoreEventBridge(QObject):
    """Re-emits newly stored events' :class:`FeedRow` objects on the GUI thread, in id order.

    ``events_committed(list)`` carries each batch; ``event_committed(row)`` follows for
    every row of it, for receivers that take one at a time. The source calls back on a
    background thread (the store's writer, or a tail): the bridge only appends there and
    wakes the GUI thread when the batch was empty, so the source never waits for the GUI.
    Pass a store (its in-process commits) or a console's ``watch``.

    ``connection_changed(bool)`` says a team database's link was lost (False) or is back
    (True, after the rows missed meanwhile were handed over).
    """

    events_committed = Signal(object)
    event_committed = Signal(object)
    connection_changed = Signal(bool)
    # Emitted from the source's thread; queued into the bridge's (GUI) thread.
    _connection = Signal(bool)
    # Emitted from the source's thread; queued into the bridge's (GUI) thread.
    _wake = Signal()

    def __init__(
        self,
        source: EventStore | Watch,
        parent: QObject | None = None,
        *,
        batch_ms: int = BATCH_MILLISECONDS,
    ) -> None:
        super().__init__(parent)
        self._pending: deque[FeedRow] = deque()
        self._lock = threading.Lock()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(batch_ms)
        self._timer.timeout.connect(self._drain)
        self._wake.connect(self._arm)
        self._connection.connect(self._connection_arrived)
        watch: Watch = source if callable(source) else _store_watch(source)
        self._unsubscribe: Callable[[], None] | None = watch(self._on_rows, self._connection.emit)

    def _on_rows(self, rows: list[FeedRow]) -> None:
        with self._lock:
            was_empty = not self._pending
            self._pending.extend(rows)
        if was_empty and rows:
            self._wake.emit()

    def _connection_arrived(self, connected: bool) -> None:
        if self._unsubscribe is None:
            return
        if connected:
            # The rows of the gap were queued before this: hand them over first.
            self._timer.stop()
            self._drain()
        self.connection_changed.emit(connected)

    def _arm(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _drain(self) -> None:
        with self._lock:
            batch = list(self._pending)
            self._pending.clear()
        if not batch or self._unsubscribe is None:
            return
        self.events_committed.emit(batch)
        for row in batch:
            self.event_committed.emit(row)

    def detach(self) -> None:
        """Stop receiving; call before the bridge or the application is destroyed."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._timer.stop()
        with self._lock:
            self._pending.clear()


def _store_watch(store: EventStore) -> Watch:
    return lambda on_rows, on_connection: watch_store(store, on_rows, on_connection)
