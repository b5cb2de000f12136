"""Event records as rows of the PostgreSQL ``events`` table.

The values are those of the SQLite store (:func:`console.store.rows.encode_record`), made
safe for PostgreSQL's ``text`` (which holds no NUL and only valid UTF-8), plus the
full-text vector. Nothing is lost by the replacement: the raw body keeps the bytes.
"""

from __future__ import annotations

from typing import Any

from console.store.model import EventRecord
from console.store.postgres.search import event_vector
from console.store.rows import RECORD_COLUMNS, encode_record

# The row as the writer sends it: the record's columns, then the search vector (as text).
_PAYLOAD = RECORD_COLUMNS.index("payload")
_RAW_BODY = RECORD_COLUMNS.index("raw_body")
_SUMMARY = RECORD_COLUMNS.index("summary")
_REASON = RECORD_COLUMNS.index("verification_reason")
DEDUP_KEY = RECORD_COLUMNS.index("dedup_key")
_BYTEA = frozenset({_RAW_BODY})
_BIGINT = frozenset({RECORD_COLUMNS.index("received_us")})

INSERT_COLUMNS: tuple[str, ...] = ("id", *RECORD_COLUMNS, "duplicate_of", "search")
_TYPES = (
    "bigint",
    *(
        "bigint" if index in _BIGINT else "bytea" if index in _BYTEA else "text"
        for index in range(len(RECORD_COLUMNS))
    ),
    "bigint",
    "text",
)
_ARRAYS = ", ".join(f"%b::{kind}[]" for kind in _TYPES)
_NAMES = ", ".join(INSERT_COLUMNS)
_SELECTED = ", ".join(name if name != "search" else "search::tsvector" for name in INSERT_COLUMNS)
# One statement whatever the group's size: arrays in, rows out, so it is prepared once.
# Binary parameters (%b): no quoting of every element into array literals, on either side.
# A row whose delivery another transaction stored first is skipped, never an error;
# the writer then sees fewer ids come back and tries the group again.
INSERT_SQL = (
    f"INSERT INTO events ({_NAMES}) SELECT {_SELECTED} "  # noqa: S608 (our own names)
    f"FROM unnest({_ARRAYS}) AS r({_NAMES}) "
    "ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL AND duplicate_of IS NULL "
    "DO NOTHING RETURNING id"
)


def safe_text(value: str) -> str:
    """``value`` as PostgreSQL ``text`` can hold it: NUL and lone surrogates replaced."""
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def encode_pg_record(record: EventRecord) -> tuple[Any, ...]:
    """:data:`RECORD_COLUMNS` values for PostgreSQL, then the search vector's text."""
    values: list[Any] = [
        safe_text(value) if isinstance(value, str) else value for value in encode_record(record)
    ]
    vector = event_vector(values[_PAYLOAD], values[_RAW_BODY], values[_SUMMARY], values[_REASON])
    return (*values, vector)


def insert_params(
    ids: list[int], rows: list[tuple[Any, ...]], duplicates: list[int | None]
) -> list[list[Any]]:
    """The arrays :data:`INSERT_SQL` takes: one per column, each ``len(rows)`` long."""
    columns: list[list[Any]] = [ids]
    columns.extend(list(column) for column in zip(*rows, strict=True))
    # The search vector is last in a row, after it comes duplicate_of in the table.
    search = columns.pop()
    columns.append(duplicates)
    columns.append(search)
    return columns
