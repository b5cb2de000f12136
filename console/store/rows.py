"""Turning records into table rows and rows back into :class:`StoredEvent` objects."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from operator import attrgetter
from typing import Any

from console.store.columns import PLAIN_COLUMNS
from console.store.model import ChangeRecord, EventRecord, FeedRow, StoredChange, StoredEvent
from console.store.summary import summarize

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# Column order shared by INSERT and SELECT, so the two can never drift apart: the fields
# declared in columns.py that the table keeps as they are, between the columns only the
# store has (the dedup key stays last: the group insert reads it from there).
RECORD_COLUMNS: tuple[str, ...] = (
    "received_us",
    *PLAIN_COLUMNS,
    "headers",
    "raw_body",
    "payload",
    "summary",
    "dedup_key",
)
_PLAIN_VALUES = attrgetter(*PLAIN_COLUMNS)
SELECT_COLUMNS = "id, duplicate_of, pinned, " + ", ".join(RECORD_COLUMNS)
_SELECTED = ("id", "duplicate_of", "pinned", *RECORD_COLUMNS)
# Only our own column names are interpolated; every value is a bound parameter.
_NAMES = ", ".join(RECORD_COLUMNS)
_PLACEHOLDERS = ", ".join("?" for _ in RECORD_COLUMNS)
INSERT_SQL = f"INSERT INTO events ({_NAMES}, duplicate_of) VALUES ({_PLACEHOLDERS}, ?)"  # noqa: S608
# Most rows one INSERT may carry: 64 * 22 parameters stays far below SQLite's limit, and at
# most 64 distinct statements stay in the connection's statement cache (128 by default).
MAX_ROWS_PER_INSERT = 64


@lru_cache(maxsize=MAX_ROWS_PER_INSERT)
def insert_rows_sql(rows: int) -> str:
    """One INSERT of ``rows`` rows (each :data:`RECORD_COLUMNS` plus ``duplicate_of``)."""
    if not 1 <= rows <= MAX_ROWS_PER_INSERT:
        raise ValueError(f"between 1 and {MAX_ROWS_PER_INSERT} rows per INSERT, not {rows}")
    values = ", ".join([f"({_PLACEHOLDERS}, ?)"] * rows)
    return f"INSERT INTO events ({_NAMES}, duplicate_of) VALUES {values}"  # noqa: S608


@lru_cache(maxsize=MAX_ROWS_PER_INSERT)
def find_originals_sql(keys: int) -> str:
    """The ids of the originals among ``keys`` dedup keys: ``(dedup_key, id)`` rows."""
    marks = ", ".join(["?"] * keys)
    return (
        "SELECT dedup_key, id FROM events "  # noqa: S608 (placeholders only)
        f"WHERE dedup_key IN ({marks}) AND duplicate_of IS NULL"
    )


def to_micros(moment: datetime) -> int:
    """UTC microseconds since the epoch; a naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Integer arithmetic on timedeltas: no float rounding, so the round trip is exact.
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


# ensure_ascii=False keeps Cyrillic searchable as words in the full-text index;
# default=str keeps one odd value from failing a whole group commit. Built once: json.dumps
# with any non-default option builds a new encoder on every call.
_PAYLOAD_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)
# Header pairs as a JSON array of two-element arrays (tuples encode as arrays).
_HEADERS_ENCODER = json.JSONEncoder(ensure_ascii=False)


def encode_payload(payload: Any) -> str | None:
    if payload is None:
        return None
    return _PAYLOAD_ENCODER.encode(payload)


def encode_record(record: EventRecord) -> tuple[Any, ...]:
    """The values for :data:`RECORD_COLUMNS`, computed on the caller's thread."""
    # The enums among the plain fields are StrEnums: sqlite3 binds them as their text.
    return (
        to_micros(record.received_at),
        *_PLAIN_VALUES(record),
        _HEADERS_ENCODER.encode(record.headers),
        bytes(record.raw_body),
        encode_payload(record.payload),
        summarize(record.source, record.event, record.payload),
        record.dedup_key(),
    )


def decode_row(row: sqlite3.Row | tuple[Any, ...]) -> StoredEvent:
    """A row selected with :data:`SELECT_COLUMNS` as a :class:`StoredEvent`."""
    fields = dict(zip(_SELECTED, row, strict=True))
    fields["pinned"] = bool(fields["pinned"])
    fields["received_at"] = from_micros(fields.pop("received_us"))
    fields["headers"] = [tuple(pair) for pair in json.loads(fields["headers"])]
    fields["raw_body"] = bytes(fields["raw_body"])
    payload = fields["payload"]
    fields["payload"] = None if payload is None else json.loads(payload)
    del fields["summary"], fields["dedup_key"]
    return StoredEvent.model_validate(fields)


# The feed's columns, in FeedRow order; the payload only for rows stored before summaries
# were (schema version 1), so a page never reads payloads otherwise.
FEED_SELECT = (
    "id, received_us, source, event, profile, entity_id, order_id, verification, "
    "verification_reason, duplicate_of, pinned, summary, "
    "CASE WHEN summary IS NULL THEN payload END"
)


def decode_feed_row(row: tuple[Any, ...]) -> FeedRow:
    """A row selected with :data:`FEED_SELECT` as a :class:`FeedRow`, without pydantic."""
    summary = row[11]
    if summary is None:
        payload = row[12]
        summary = summarize(row[2], row[3], None if payload is None else json.loads(payload))
    return FeedRow._make((*row[:10], bool(row[10]), summary))


def stored_from_record(record: EventRecord, event_id: int, duplicate_of: int | None) -> StoredEvent:
    """The event subscribers see right after the commit, without reading it back."""
    fields = dict(record)
    fields["received_at"] = from_micros(to_micros(record.received_at))
    # The record was validated when it was built; validating again would only cost time.
    return StoredEvent.model_construct(
        **fields, id=event_id, duplicate_of=duplicate_of, pinned=False
    )


# The change log's columns as both stores read them back.
CHANGE_SELECT = (
    "id, at_us, operator, profile, kind, action, order_id, entity_id, before, after, "
    "outcome, summary"
)


def encode_change(change: ChangeRecord) -> tuple[Any, ...]:
    """The values of ``change`` for the change log's columns after ``id``, in order."""
    return (
        to_micros(change.at),
        change.operator,
        change.profile,
        change.kind.value,
        change.action,
        change.order_id,
        change.entity_id,
        json.dumps(change.before, ensure_ascii=False, default=str),
        json.dumps(change.after, ensure_ascii=False, default=str),
        change.outcome.value,
        change.summary,
    )


def decode_change(row: tuple[Any, ...]) -> StoredChange:
    """A row read with :data:`CHANGE_SELECT` as a :class:`StoredChange`."""
    (change_id, at_us, operator, profile, kind, action, order_id, entity_id) = row[:8]
    before, after, outcome, summary = row[8:]
    return StoredChange(
        id=int(change_id),
        at=from_micros(int(at_us)),
        operator=operator,
        profile=profile,
        kind=kind,
        action=action,
        order_id=order_id,
        entity_id=entity_id,
        before=json.loads(before) if before is not None else None,
        after=json.loads(after) if after is not None else None,
        outcome=outcome,
        summary=summary,
    )
