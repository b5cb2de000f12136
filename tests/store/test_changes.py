"""The change log (schema v3) and attaching an order to an event after the fact."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from console.store import (
    ChangeKind,
    ChangeOutcome,
    ChangeRecord,
    EventFilter,
    SqliteEventStore,
)
from tests.store.conftest import AnyStore
from tests.store.records import record

AT = datetime(2025, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC)


def _change(**overrides: object) -> ChangeRecord:
    fields: dict[str, object] = {
        "at": AT,
        "operator": "olena",
        "profile": "main",
        "kind": ChangeKind.ORDER_STATUS,
        "action": "set",
        "order_id": "300",
        "entity_id": "300",
        "before": {"statusId": "N"},
        "after": {"statusId": "P"},
        "summary": "order 300: N → P",
    }
    fields.update(overrides)
    return ChangeRecord.model_validate(fields)


def test_record_and_read_back(store: AnyStore) -> None:
    first = store.record_change(_change())
    second = store.record_change(
        _change(
            kind=ChangeKind.BINDING,
            order_id="301",
            entity_id="2:17",
            before=None,
            after={"ownerTypeId": 2, "ownerId": 17, "note": "Замовлення"},
            outcome=ChangeOutcome.UNKNOWN,
        )
    )
    assert second > first
    newest = store.changes()
    assert [c.id for c in newest] == [second, first]
    assert newest[0].after == {"ownerTypeId": 2, "ownerId": 17, "note": "Замовлення"}
    assert newest[0].before is None and newest[0].outcome is ChangeOutcome.UNKNOWN
    assert newest[1].at == AT and newest[1].kind is ChangeKind.ORDER_STATUS
    assert [c.id for c in store.changes(order_id="300")] == [first]
    assert store.changes(profile="other") == []
    assert len(store.changes(limit=1)) == 1


def test_changes_survive_reopen(open_store_again: Callable[[], AnyStore]) -> None:
    with open_store_again() as store:
        store.record_change(_change())
    with open_store_again() as store:
        assert store.changes()[0].summary == "order 300: N → P"


def test_set_order_id_only_fills_a_missing_one(store: AnyStore) -> None:
    counted_before = store.count(EventFilter())
    value = store.append(record(event="ONPROPERTYVALUEENTITYSAVED", entity_id="900", order_id=None))
    order = store.append(record(order_id="301"))
    assert store.set_order_id(value.id, "300") is True
    assert store.set_order_id(order.id, "999") is False
    assert store.set_order_id(123_456, "1") is False
    found = store.query(EventFilter(order_id="300"))
    assert [e.id for e in found] == [value.id]
    assert store.get(order.id).order_id == "301"  # type: ignore[union-attr]
    # The counts table is keyed on columns order_id is not part of.
    assert store.count(EventFilter()) == counted_before + 2


def test_migration_from_v2_keeps_events(store_path: Path) -> None:
    from console.store import schema

    store_path.parent.mkdir(parents=True)
    conn = schema.connect(store_path)
    conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    for step in schema.MIGRATIONS[:2]:
        assert not callable(step)
        conn.execute("BEGIN")
        for statement in step:
            conn.execute(statement)
        conn.execute("COMMIT")
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    with SqliteEventStore(store_path) as store:
        store.append(record())
        store.record_change(_change())
    check = sqlite3.connect(store_path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    check.close()
