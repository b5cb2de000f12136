"""Building event records for the store tests."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from typing import Any

from console.store import EventRecord, EventSource, SqliteEventStore, StoredEvent, Verification
from console.store.postgres import PostgresEventStore
from console.store.writer import WriteJob

BASE_TIME = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
_counter = itertools.count(1)


def record(**overrides: Any) -> EventRecord:
    """A verified Bitrix order event with a fresh entity id unless overridden."""
    n = next(_counter)
    fields: dict[str, Any] = {
        "received_at": BASE_TIME + timedelta(seconds=n),
        "source": EventSource.BITRIX,
        "event": "ONSALEORDERSAVED",
        "profile": "main",
        "entity_id": f"e{n}",
        "order_id": f"o{n}",
        "portal_domain": "shop.bitrix24.ua",
        "member_id": "m1",
        "handler_id": "58",
        "ts": str(1_727_018_926 + n),
        "verification": Verification.VERIFIED,
        "remote_addr": "3.217.33.54",
        "path": "/bitrix/main",
        "content_type": "application/x-www-form-urlencoded",
        "headers": [("User-Agent", "Bitrix24 Webhook Engine")],
        "raw_body": f"event=ONSALEORDERSAVED&data[FIELDS][ID]=e{n}".encode(),
        "payload": {"event": "ONSALEORDERSAVED", "data": {"FIELDS": {"ID": f"e{n}"}}},
    }
    fields.update(overrides)
    if "entity_id" in overrides and not {"payload", "raw_body"} & overrides.keys():
        # The body names the entity: two records of one entity and ts are one delivery.
        entity = overrides["entity_id"]
        fields["raw_body"] = f"event=ONSALEORDERSAVED&data[FIELDS][ID]={entity}".encode()
        fields["payload"] = {"event": "ONSALEORDERSAVED", "data": {"FIELDS": {"ID": entity}}}
    return EventRecord(**fields)


def hold_writer(store: SqliteEventStore | PostgresEventStore) -> threading.Event:
    """Park the writer until the returned event is set, so that everything submitted
    meanwhile is committed as one group."""
    entered = threading.Event()
    gate = threading.Event()
    if isinstance(store, PostgresEventStore):
        # Its subscribers run on their own thread: park the writer in a job instead.
        def wait(_conn: object) -> None:
            entered.set()
            gate.wait(10)

        store.submit(record())  # as the SQLite variant does: one event before the pause
        store._enqueue(WriteJob(wait, Future()))
        assert entered.wait(10)
        return gate

    def park(_event: StoredEvent) -> None:
        entered.set()
        gate.wait(10)

    unsubscribe = store.subscribe(park)
    store.submit(record())
    assert entered.wait(10)
    unsubscribe()
    return gate


def delivered(store: SqliteEventStore | PostgresEventStore, timeout: float = 10.0) -> int:
    """Append a marker event and wait until subscribers have been handed it; its id.

    The SQLite store calls subscribers on its writer thread, the PostgreSQL store on its
    notification thread, later: either way, subscribers are called in id order, so once
    the marker arrived, everything committed before it has been delivered too.
    """
    markers: set[int] = set()
    arrived = threading.Condition()

    def watch(event: StoredEvent) -> None:
        # By id, not by "the" marker: SQLite may call this before append() returns.
        if event.event == "MARKER":
            with arrived:
                markers.add(event.id)
                arrived.notify_all()

    unsubscribe = store.subscribe(watch)
    try:
        marker = store.append(record(event="MARKER")).id
        with arrived:
            found = arrived.wait_for(lambda: marker in markers, timeout)
        assert found, "subscribers were not handed the marker event"
    finally:
        unsubscribe()
    return marker
