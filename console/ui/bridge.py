"""Carries events committed by the store (on its writer thread) to the GUI thread, in batches."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from console.store.model import EventStore, StoredEvent

# How long the bridge gathers commits before handing them over. One hand-over per batch
# keeps the GUI thread's wake-ups at most 25 a second however fast events arrive; a
# queued signal per event (hundreds a second) competes with painting and typing.
BATCH_MILLISECONDS = 40


class StoreEventBridge(QObject):
    """Re-emits committed :class:`StoredEvent` objects on the GUI thread, in id order.

    ``events_committed(list)`` carries each batch; ``event_committed(event)`` follows for
    every event of it, for receivers that take one at a time. The store calls subscribers
    on its writer thread: the bridge only appends there and wakes the GUI thread when the
    batch was empty, so the writer never waits for the GUI.
    """

    events_committed = Signal(object)
    event_committed = Signal(object)
    # Emitted from the writer thread; queued into the bridge's (GUI) thread.
    _wake = Signal()

    def __init__(
        self,
        store: EventStore,
        parent: QObject | None = None,
        *,
        batch_ms: int = BATCH_MILLISECONDS,
    ) -> None:
        super().__init__(parent)
        self._pending: deque[StoredEvent] = deque()
        self._lock = threading.Lock()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(batch_ms)
        self._timer.timeout.connect(self._drain)
        self._wake.connect(self._arm)
        self._unsubscribe: Callable[[], None] | None = store.subscribe(self._on_commit)

    def _on_commit(self, event: StoredEvent) -> None:
        with self._lock:
            was_empty = not self._pending
            self._pending.append(event)
        if was_empty:
            self._wake.emit()

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
        for event in batch:
            self.event_committed.emit(event)

    def detach(self) -> None:
        """Stop receiving; call before the bridge or the application is destroyed."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._timer.stop()
        with self._lock:
            self._pending.clear()
