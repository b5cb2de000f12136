"""SQL for the feed filters, and a full-text query language that user input cannot break."""

from __future__ import annotations

from typing import Any

from console.store.model import EventFilter
from console.store.rows import to_micros

# A query that can never match; used when the search text holds no word at all.
_NOTHING = "0"


def fts_query(text: str) -> str | None:
    """Turn what the operator typed into an FTS5 query, or ``None`` if it has no words.

    Every whitespace-separated term becomes a quoted phrase (inner quotes doubled), so
    ``AND``, ``NEAR``, ``"``, ``*``, ``(`` and column filters are plain text, never syntax.
    Each term also matches as a prefix: ``ONSALE`` finds ``ONSALEORDERSAVED``. Terms are
    ANDed, as a search box usually behaves.
    """
    phrases = []
    # Lone surrogates (undecodable bytes on a command line) cannot be bound as UTF-8.
    text = text.encode("utf-8", "replace").decode("utf-8")
    # FTS5 reads the query as a C string: a NUL would end it inside an open quote.
    text = text.replace("\x00", " ")
    for term in text.split():
        # A term with no letter or digit yields no token; FTS5 rejects an empty phrase+prefix.
        if not any(char.isalnum() for char in term):
            continue
        phrases.append('"' + term.replace('"', '""') + '"*')
    return " ".join(phrases) if phrases else None


def where_clause(
    flt: EventFilter | None, before_id: int | None = None, after_id: int | None = None
) -> tuple[str, list[Any]]:
    """``(sql, params)`` for the WHERE clause of a query over ``events``."""
    conditions: list[str] = []
    params: list[Any] = []
    flt = flt or EventFilter()

    def one_of(column: str, values: list[str]) -> None:
        if values:
            conditions.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)

    def none_of(column: str, values: list[str]) -> None:
        if values:
            # A NULL column is "not one of these": plain NOT IN would drop it.
            marks = ", ".join("?" for _ in values)
            conditions.append(f"({column} IS NULL OR {column} NOT IN ({marks}))")
            params.extend(values)

    one_of("source", sorted(source.value for source in flt.sources))
    one_of("event", sorted(flt.events))
    one_of("verification", sorted(state.value for state in flt.verification))
    none_of("source", sorted(source.value for source in flt.exclude_sources))
    none_of("event", sorted(flt.exclude_events))
    none_of("verification", sorted(state.value for state in flt.exclude_verification))
    none_of("profile", sorted(flt.exclude_profiles))
    none_of("order_id", sorted(flt.exclude_order_ids))
    none_of("entity_id", sorted(flt.exclude_entity_ids))
    for column, value in (
        ("profile", flt.profile),
        ("entity_id", flt.entity_id),
        ("order_id", flt.order_id),
    ):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    if flt.since is not None:
        conditions.append("received_us >= ?")
        params.append(to_micros(flt.since))
    if flt.until is not None:
        conditions.append("received_us < ?")
        params.append(to_micros(flt.until))
    if flt.pinned_only:
        conditions.append("pinned = 1")
    if flt.unpinned_only:
        conditions.append("pinned = 0")
    if flt.duplicates_only:
        conditions.append("duplicate_of IS NOT NULL")
    elif not flt.include_duplicates:
        conditions.append("duplicate_of IS NULL")
    if before_id is not None:
        conditions.append("id < ?")
        params.append(before_id)
    if after_id is not None:
        conditions.append("id > ?")
        params.append(after_id)
    if flt.text is not None and flt.text.strip():
        query = fts_query(flt.text)
        if query is None:
            conditions.append(_NOTHING)
        else:
            conditions.append("id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)")
            params.append(query)
    sql = " WHERE " + " AND ".join(conditions) if conditions else ""
    return sql, params
