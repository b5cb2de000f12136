"""Carries events committed by the store (on its writer thread) to the GUI thread as a signal."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from console.store.model import EventStore, StoredEvent


class StoreEventBridge(QObject):
    """Re-emits each committed :class:`StoredEvent` as ``event_committed``.

    The store calls subscribers on its writer thread; emitting from there makes Qt queue
    the call into the receiver's thread, so slots run on the GUI thread and the writer
    never waits for the GUI.
    """

    event_committed = Signal(object)

    def __init__(self, store: EventStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = store.subscribe(self._on_commit)

    def _on_commit(self, event: StoredEvent) -> None:
        self.event_committed.emit(event)

    def detach(self) -> None:
        """Stop receiving; call before the bridge or the application is destroyed."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
