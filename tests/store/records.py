"""Building event records for the store tests."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from console.store import EventRecord, EventSource, SqliteEventStore, StoredEvent, Verification

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
    return EventRecord(**fields)


def hold_writer(store: SqliteEventStore) -> threading.Event:
    """Park the writer in a subscriber until the returned event is set, so that everything
    submitted meanwhile is committed as one group."""
    entered = threading.Event()
    gate = threading.Event()

    def park(_event: StoredEvent) -> None:
        entered.set()
        gate.wait(10)

    unsubscribe = store.subscribe(park)
    store.submit(record())
    assert entered.wait(10)
    unsubscribe()
    return gate
