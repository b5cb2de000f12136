"""Turning records into table rows and rows back into :class:`StoredEvent` objects."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from console.store.model import EventRecord, StoredEvent

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# Column order shared by INSERT and SELECT, so the two can never drift apart.
RECORD_COLUMNS: tuple[str, ...] = (
    "received_us",
    "source",
    "event",
    "profile",
    "entity_id",
    "order_id",
    "portal_domain",
    "member_id",
    "handler_id",
    "ts",
    "verification",
    "verification_reason",
    "remote_addr",
    "method",
    "path",
    "content_type",
    "headers",
    "raw_body",
    "payload",
    "dedup_key",
)
SELECT_COLUMNS = "id, duplicate_of, pinned, " + ", ".join(RECORD_COLUMNS)
# Only our own column names are interpolated; every value is a bound parameter.
_NAMES = ", ".join(RECORD_COLUMNS)
_PLACEHOLDERS = ", ".join("?" for _ in RECORD_COLUMNS)
INSERT_SQL = f"INSERT INTO events ({_NAMES}, duplicate_of) VALUES ({_PLACEHOLDERS}, ?)"  # noqa: S608
# Most rows one INSERT may carry: 64 * 21 parameters stays far below SQLite's limit, and at
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
    return (
        to_micros(record.received_at),
        record.source.value,
        record.event,
        record.profile,
        record.entity_id,
        record.order_id,
        record.portal_domain,
        record.member_id,
        record.handler_id,
        record.ts,
        record.verification.value,
        record.verification_reason,
        record.remote_addr,
        record.method,
        record.path,
        record.content_type,
        _HEADERS_ENCODER.encode(record.headers),
        bytes(record.raw_body),
        encode_payload(record.payload),
        record.dedup_key(),
    )


def decode_row(row: sqlite3.Row | tuple[Any, ...]) -> StoredEvent:
    """A row selected with :data:`SELECT_COLUMNS` as a :class:`StoredEvent`."""
    (
        event_id,
        duplicate_of,
        pinned,
        received_us,
        source,
        event,
        profile,
        entity_id,
        order_id,
        portal_domain,
        member_id,
        handler_id,
        ts,
        verification,
        verification_reason,
        remote_addr,
        method,
        path,
        content_type,
        headers,
        raw_body,
        payload,
        _dedup_key,
    ) = row
    return StoredEvent.model_validate(
        {
            "id": event_id,
            "duplicate_of": duplicate_of,
            "pinned": bool(pinned),
            "received_at": from_micros(received_us),
            "source": source,
            "event": event,
            "profile": profile,
            "entity_id": entity_id,
            "order_id": order_id,
            "portal_domain": portal_domain,
            "member_id": member_id,
            "handler_id": handler_id,
            "ts": ts,
            "verification": verification,
            "verification_reason": verification_reason,
            "remote_addr": remote_addr,
            "method": method,
            "path": path,
            "content_type": content_type,
            "headers": [tuple(pair) for pair in json.loads(headers)],
            "raw_body": bytes(raw_body),
            "payload": None if payload is None else json.loads(payload),
        }
    )


def stored_from_record(record: EventRecord, event_id: int, duplicate_of: int | None) -> StoredEvent:
    """The event subscribers see right after the commit, without reading it back."""
    fields = dict(record)
    fields["received_at"] = from_micros(to_micros(record.received_at))
    # The record was validated when it was built; validating again would only cost time.
    return StoredEvent.model_construct(
        **fields, id=event_id, duplicate_of=duplicate_of, pinned=False
    )
