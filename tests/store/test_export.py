"""Streaming exports as JSON Lines and CSV."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterator

import pytest

from console.store import EventFilter, EventSource, ExportFormat, StoredEvent
from console.store.export import CSV_COLUMNS
from tests.store.conftest import AnyStore, StoreBacking
from tests.store.records import record


@pytest.fixture
def filled(store: AnyStore) -> AnyStore:
    for n in range(7):
        store.append(record(source=EventSource.HOROSHOP if n % 2 else EventSource.BITRIX))
    store.append(record(raw_body=b"\xff\x00binary", payload={"cell": "=HYPERLINK(1)"}))
    return store


def test_jsonl_round_trips_fields(filled: AnyStore) -> None:
    out = io.StringIO()
    written = filled.export(None, ExportFormat.JSONL, out)
    lines = out.getvalue().splitlines()
    assert written == len(lines) == 8
    rows = [json.loads(line) for line in lines]
    assert [row["id"] for row in rows] == [event.id for event in filled.iter_events()]
    for row in rows:
        stored = filled.get(row["id"])
        assert stored is not None
        assert row["payload"] == stored.payload
        assert row["headers"] == [list(pair) for pair in stored.headers]
        assert row["received_at"] == stored.received_at.isoformat()
        if row["raw_body_encoding"] == "base64":
            assert base64.b64decode(row["raw_body"]) == stored.raw_body
        else:
            assert row["raw_body"].encode() == stored.raw_body
    assert rows[0]["raw_body_encoding"] == "base64"
    assert rows[1]["raw_body_encoding"] == "utf-8"


def test_export_applies_the_filter(filled: AnyStore) -> None:
    out = io.StringIO()
    flt = EventFilter(sources=frozenset({EventSource.HOROSHOP}))
    assert filled.export(flt, ExportFormat.JSONL, out) == 3
    assert {json.loads(line)["source"] for line in out.getvalue().splitlines()} == {"horoshop"}


def test_csv_has_a_header_and_one_row_per_event(filled: AnyStore) -> None:
    out = io.StringIO()
    assert filled.export(None, ExportFormat.CSV, out) == 8
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 8
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    # A formula in a payload must not run when the operator opens the file.
    assert not rows[0]["payload"].startswith("=")
    assert json.loads(rows[1]["payload"]) == filled.query(limit=2)[1].payload
    assert json.loads(rows[1]["headers"]) == [["User-Agent", "Bitrix24 Webhook Engine"]]
    assert rows[1]["pinned"] == "0"


def test_export_streams_page_by_page(
    store: AnyStore, backing: StoreBacking, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backing.module, "PAGE_SIZE", 3)
    for _ in range(10):
        store.append(record())
    fetched: list[int] = []
    original = store.query

    def counting_query(*args: object, **kwargs: object) -> list[StoredEvent]:
        page = original(*args, **kwargs)  # type: ignore[arg-type]
        fetched.append(len(page))
        return page

    monkeypatch.setattr(store, "query", counting_query)

    class Recorder(io.StringIO):
        """Notes how many pages had been read when each line was written."""

        def __init__(self) -> None:
            super().__init__()
            self.pages_at_line: list[int] = []

        def write(self, text: str) -> int:
            if text == "\n":
                self.pages_at_line.append(len(fetched))
            return super().write(text)

    out = Recorder()
    assert store.export(None, ExportFormat.JSONL, out) == 10
    assert max(fetched) == 3
    # The first line went out before the later pages were read.
    assert out.pages_at_line[0] == 1
    assert out.pages_at_line[-1] == 4


def test_iter_events_is_lazy(store: AnyStore) -> None:
    store.append(record())
    events: Iterator[StoredEvent] = store.iter_events()
    store.append(record())
    # Nothing was read before the first next(): the newest event is included.
    assert len(list(events)) == 2


def test_non_finite_numbers_stored_earlier_export_as_strict_json(store: AnyStore) -> None:
    """Stores from before the listener refused NaN can hold one; the export stays JSON."""
    from datetime import UTC, datetime

    from console.store.model import EventRecord, Verification

    store.append(
        EventRecord(
            received_at=datetime.now(UTC),
            source=EventSource.HOROSHOP,
            event="order_created",
            verification=Verification.VERIFIED,
            payload={"total_sum": float("nan"), "items": [float("inf"), -float("inf")]},
        )
    )
    out = io.StringIO()
    store.export(None, ExportFormat.JSONL, out)
    line = out.getvalue().strip()
    exported = json.loads(line, parse_constant=lambda token: pytest.fail(token))
    assert exported["payload"] == {"total_sum": "NaN", "items": ["Infinity", "-Infinity"]}
