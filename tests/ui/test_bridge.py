"""Store commits reach Qt slots on the GUI thread, in order, through StoreEventBridge."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from console.store import SqliteEventStore
from console.store.model import EventRecord, EventSource, StoredEvent, Verification
from console.ui.bridge import StoreEventBridge


def record(entity: int) -> EventRecord:
    return EventRecord(
        received_at=datetime.now(UTC),
        source=EventSource.BITRIX,
        event="ONSALEORDERSAVED",
        entity_id=str(entity),
        order_id=str(entity),
        ts=str(entity),
        verification=Verification.VERIFIED,
    )


def test_commits_arrive_on_the_gui_thread_in_order(qtbot: QtBot, tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "events.sqlite3")
    bridge = StoreEventBridge(store)
    received: list[StoredEvent] = []
    threads: set[bool] = set()

    def on_event(event: StoredEvent) -> None:
        threads.add(QThread.currentThread() is bridge.thread())
        received.append(event)

    bridge.event_committed.connect(on_event)
    try:
        futures = [store.submit(record(n)) for n in range(1, 2001)]
        ids = [future.result(timeout=30).id for future in futures]
        qtbot.waitUntil(lambda: len(received) == 2000, timeout=30_000)
    finally:
        bridge.detach()
        store.close()
    assert [event.id for event in received] == ids
    assert threads == {True}


def test_detached_bridge_emits_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "events.sqlite3")
    bridge = StoreEventBridge(store)
    bridge.detach()
    try:
        with qtbot.assertNotEmitted(bridge.event_committed, wait=200):
            store.append(record(1))
    finally:
        store.close()
