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


_SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b\u2212"


def _shown_start(cell: str) -> str:
    """The first character a spreadsheet looks at: blanks, quotes and invisible ones
    (format characters such as the zero-width space) skipped."""
    import unicodedata

    for char in cell:
        if char.isspace() or char == '"' or unicodedata.category(char) == "Cf":
            continue
        return char
    return ""


def test_csv_runs_no_formula_whatever_the_separator_it_is_read_with(store: AnyStore) -> None:
    tricks = [
        "a;=1+1",
        "a; =HYPERLINK(1)",
        " =1+1",
        "\uff1d1+1",
        "\u200b=1+1",
        "\u200b@SUM(1)",
        "x,\u200b+1",
        "\tx;\ufeff-2+3+cmd|' /C calc'!A0",
        'x;"=1+1',
    ]
    for trick in tricks:
        store.append(
            record(
                event=trick,
                profile=trick,
                verification_reason=trick,
                payload={"comment": trick, "list": [trick]},
                headers=[("X-Note", trick)],
            )
        )
    out = io.StringIO()
    assert store.export(None, ExportFormat.CSV, out) == len(tricks)
    for separator in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(out.getvalue()), delimiter=separator):
            for cell in row:
                start = _shown_start(cell)
                assert not start or start not in _SIGNS, (separator, cell)
    # Read as written (commas), each cell still says what was stored, behind quote marks.
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert sorted(row["event"].replace("'", "") for row in rows) == sorted(
        trick.replace("'", "") for trick in tricks
    )


def test_jsonl_keeps_one_record_per_line_for_any_line_reader(store: AnyStore) -> None:
    for text in ("para\u2028graph", "one\u2029two", "nel\x85x", "vt\x0bff\x0cfs\x1c"):
        store.append(record(payload={"comment": text}, verification_reason=text))
    out = io.StringIO()
    assert store.export(None, ExportFormat.JSONL, out) == 4
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert {json.loads(line)["payload"]["comment"] for line in lines} == {
        "para\u2028graph",
        "one\u2029two",
        "nel\x85x",
        "vt\x0bff\x0cfs\x1c",
    }
