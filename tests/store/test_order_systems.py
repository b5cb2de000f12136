"""A Horoshop order and a Bitrix24 order with the same number are two orders, on both stores."""

from __future__ import annotations

from console.store import EventSource, OrderRef, OrderSystem
from console.store.querylang import completions, parse_query
from tests.store.conftest import AnyStore
from tests.store.records import record


def _orders(store: AnyStore) -> dict[str, int]:
    return {
        "b24": store.append(record(order_id="300", entity_id="300")).id,
        "catch_up": store.append(
            record(source=EventSource.CATCH_UP, order_id="300", entity_id="300")
        ).id,
        "hs": store.append(
            record(
                source=EventSource.HOROSHOP,
                event="order_created",
                order_id="300",
                entity_id="300",
                payload={"order_id": 300},
            )
        ).id,
        "other": store.append(record(order_id="301", entity_id="301")).id,
    }


def _ids(store: AnyStore, query: str) -> list[int]:
    parsed = parse_query(query)
    assert parsed.ok, parsed.problems
    found = [row.id for row in store.query_rows(parsed.filter, limit=50)]
    assert store.count(parsed.filter) == len(found)
    return found


def test_order_query_keeps_the_systems_apart(store: AnyStore) -> None:
    ids = _orders(store)
    assert _ids(store, "order:hs-300") == [ids["hs"]]
    assert _ids(store, "order:HS-300") == [ids["hs"]]
    assert _ids(store, "order:b24-300") == [ids["catch_up"], ids["b24"]]
    assert _ids(store, "order:300") == [ids["hs"], ids["catch_up"], ids["b24"]]
    assert _ids(store, "-order:hs-300") == [ids["other"], ids["catch_up"], ids["b24"]]
    assert _ids(store, "-order:b24-300") == [ids["other"], ids["hs"]]
    assert _ids(store, "-order:300") == [ids["other"]]
    assert _ids(store, "order:hs-301") == []


def test_a_bare_order_number_says_it_means_either_order() -> None:
    bare = parse_query("order:300")
    assert bare.filter.order_id == "300" and bare.filter.order_system is None
    assert any("order:hs-300" in note and "order:b24-300" in note for note in bare.notes)
    assert parse_query("order:hs-300").notes == []
    assert not parse_query("order:hs-").ok


def test_order_completions_offer_the_systems() -> None:
    assert [c.replacement for c in completions("order:", 6)] == ["order:hs-", "order:b24-"]
    assert [c.replacement for c in completions("order:30", 8)] == ["order:hs-30", "order:b24-30"]
    assert [c.replacement for c in completions("-order:b", 8)] == ["-order:b24-"]


def test_order_refs_read_and_write() -> None:
    assert OrderRef.parse("hs-300") == OrderRef("300", OrderSystem.HOROSHOP)
    assert OrderRef.parse("B24-7") == OrderRef("7", OrderSystem.BITRIX24)
    assert OrderRef.parse("300") == OrderRef("300")
    assert str(OrderRef.of_event(EventSource.HOROSHOP, "300")) == "hs-300"
    assert str(OrderRef.of_event(EventSource.CATCH_UP, "300")) == "b24-300"
