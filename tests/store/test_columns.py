"""The one declaration of an event's fields, and the formats that must not drift from it."""

from __future__ import annotations

from console.store import FeedRow
from console.store.columns import (
    EVENT_COLUMNS,
    EXPORTED_COLUMNS,
    FEED_COLUMNS,
    LISTED_COLUMNS,
    PLAIN_COLUMNS,
)
from console.store.export import CSV_COLUMNS, event_to_json
from console.store.rows import RECORD_COLUMNS
from tests.store.conftest import AnyStore, StoreBacking
from tests.store.records import record

# The export's header as shipped: a change here breaks every operator's spreadsheet.
SHIPPED_CSV_HEADER = (
    "id,received_at,source,event,profile,entity_id,order_id,portal_domain,member_id,"
    "handler_id,ts,verification,verification_reason,remote_addr,method,path,content_type,"
    "duplicate_of,pinned,headers,payload,raw_body,raw_body_encoding"
)


def test_export_columns_are_the_shipped_ones() -> None:
    assert ",".join(CSV_COLUMNS) == SHIPPED_CSV_HEADER
    assert [column.name for column in EXPORTED_COLUMNS] == list(CSV_COLUMNS)


def test_names_are_unique_and_every_column_has_a_label() -> None:
    names = [column.name for column in EVENT_COLUMNS]
    assert len(names) == len(set(names))
    assert all(column.label for column in EVENT_COLUMNS)


def test_listed_columns_are_what_events_list_prints() -> None:
    assert [column.name for column in LISTED_COLUMNS] == [
        "id",
        "received_at",
        "source",
        "event",
        "profile",
        "entity_id",
        "order_id",
        "verification",
        "duplicate_of",
        "pinned",
    ]


def test_feed_columns_name_feed_row_fields() -> None:
    for column in FEED_COLUMNS:
        assert column.feed_field in FeedRow._fields
    assert [column.name for column in FEED_COLUMNS][-1] == "summary"


_TABLE_COLUMNS = {
    "sqlite": "SELECT name FROM pragma_table_info('events')",
    "postgres": "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'",
}


def test_plain_columns_are_table_columns_holding_the_json_value(
    store: AnyStore, backing: StoreBacking
) -> None:
    table = {row[0] for row in backing.peek(_TABLE_COLUMNS[backing.kind])}
    assert set(PLAIN_COLUMNS) <= table
    assert set(RECORD_COLUMNS) <= table
    event = store.get(store.append(record(profile=None, verification_reason="why")).id)
    assert event is not None
    data = event_to_json(event)
    names = ", ".join(PLAIN_COLUMNS)
    [stored] = backing.peek(f"SELECT {names} FROM events WHERE id = ?", event.id)  # noqa: S608
    assert dict(zip(PLAIN_COLUMNS, stored, strict=True)) == {n: data[n] for n in PLAIN_COLUMNS}
