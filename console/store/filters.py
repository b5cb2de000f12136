"""SQL for the feed filters, and a full-text query language that user input cannot break."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from console.store.conditions import (
    Dialect,
    field_conditions,
    paging_conditions,
    searches,
    tally_sql,
)
from console.store.model import EventFilter

# A query that can never match; used when the search text holds no word at all.
_NOTHING = "0"


# Looks up the indexed words starting with a (lower-case) prefix: the words, or None when
# there are more than the lookup cares to list.
TermLookup = Callable[[str], Sequence[str] | None]
# Most words a prefix is spelled out into; beyond that the prefix query itself is used.
MAX_EXPANSION = 24


@dataclass(frozen=True)
class FtsQuery:
    """An FTS5 query; ``prefixes`` when some term is still a prefix query, which FTS5
    answers by merging every matching word's document list first (slow to probe per row)."""

    text: str
    prefixes: bool


def fts_query(text: str, phrases: Iterable[str] = ()) -> str | None:
    """Turn what the operator typed into an FTS5 query, or ``None`` if it has no words.

    Every whitespace-separated term of ``text`` becomes a quoted phrase (inner quotes
    doubled), so ``AND``, ``NEAR``, ``"``, ``*``, ``(`` and column filters are plain text,
    never syntax. Each term also matches as a prefix: ``ONSALE`` finds ``ONSALEORDERSAVED``.
    Each of ``phrases`` must appear as those words in a row, exactly (no prefix). Terms and
    phrases are ANDed, as a search box usually behaves.
    """
    query = build_fts_query(text, phrases)
    return None if query is None else query.text


def build_fts_query(
    text: str, phrases: Iterable[str] = (), lookup: TermLookup | None = None
) -> FtsQuery | None:
    """:func:`fts_query`, with prefix terms spelled out as the words they match.

    With ``lookup``, a one-word term such as ``onsale`` becomes ``("onsaleordersaved" OR
    …)``: the same matches, but FTS5 no longer merges every document list under the
    prefix first, which it would otherwise do once per event when probing event by event.
    Only words the index folds exactly as Python's ``lower()`` (ASCII, Cyrillic) are
    spelled out; others stay prefix queries.
    """
    parts: list[str] = []
    prefixes = False
    for term in _clean(text).split():
        if not _has_word(term):
            continue
        words = lookup(term.lower()) if lookup is not None and _foldable(term) else None
        if words:
            parts.append("(" + " OR ".join(_quoted(word) for word in words) + ")")
        else:
            # No lookup, too many words, or none at all (then the prefix is cheap).
            parts.append(_quoted(term) + "*")
            prefixes = prefixes or words is None
    parts.extend(_quoted(" ".join(phrase.split())) for phrase in map(_clean, phrases))
    parts = [part for part in parts if _has_word(part)]
    if not parts:
        return None
    # FTS5 takes no implicit AND after a parenthesised group.
    joiner = " AND " if any(part.startswith("(") for part in parts) else " "
    return FtsQuery(joiner.join(parts), prefixes)


def _foldable(term: str) -> bool:
    """One token that unicode61 (remove_diacritics 2) folds exactly as ``str.lower()``."""
    return all(
        (char.isascii() and char.isalnum()) or ("\u0400" <= char <= "\u04ff" and char.isalpha())
        for char in term
    )


def _clean(text: str) -> str:
    # Lone surrogates (undecodable bytes on a command line) cannot be bound as UTF-8.
    text = text.encode("utf-8", "replace").decode("utf-8")
    # FTS5 reads the query as a C string: a NUL would end it inside an open quote.
    return text.replace("\x00", " ")


def _has_word(text: str) -> bool:
    # A term with no letter or digit yields no token; FTS5 rejects an empty phrase+prefix.
    return any(char.isalnum() for char in text)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class SqliteDialect(Dialect):
    placeholder = "?"

    def in_values(
        self, column: str, values: list[str], *, negate: bool = False
    ) -> tuple[str, list[Any]]:
        marks = ", ".join("?" for _ in values)
        return f"{column} {'NOT IN' if negate else 'IN'} ({marks})", list(values)

    def flag(self, column: str, value: bool) -> str:
        return f"{column} = {int(value)}"


SQLITE = SqliteDialect()


def _conditions(
    flt: EventFilter, id_column: str, before_id: int | None, after_id: int | None
) -> tuple[list[str], list[Any]]:
    """The conditions on ``events`` columns, without the full-text one."""
    conditions, params = field_conditions(flt, SQLITE)
    paging, paging_params = paging_conditions(id_column, before_id, after_id, SQLITE)
    return [*conditions, *paging], [*params, *paging_params]


# Filters that leave few events, found by an index: a search among them probes the
# full-text index once per event instead of walking every match of a common word.
def _narrow(flt: EventFilter) -> bool:
    return flt.order_id is not None or flt.entity_id is not None or flt.pinned_only


def _source(
    flt: EventFilter, before_id: int | None, after_id: int | None, lookup: TermLookup | None
) -> tuple[str, str, list[Any]]:
    """``(from_and_where, id_column, params)`` for ``SELECT … FROM events`` under ``flt``.

    A search is usually driven by the full-text index, joined to ``events`` by rowid, with
    paging on the index's own rowid: FTS5 then yields matches newest first and stops at the
    page's LIMIT. ``id IN (SELECT rowid … MATCH …)`` collected every match first (700,000
    of them for a common word in a million events) before the first row came back. When
    an index narrows the events to a few (one order), each is probed instead.
    """
    narrow = _narrow(flt)
    # Spelling prefixes out costs a walk over each word's document list in fts5vocab
    # (13 ms for a word in a third of the events), so only where it saves more: probing
    # a prefix per event merges its lists again for every event (1.5 s for one order).
    query = (
        build_fts_query(flt.text or "", flt.phrases, lookup if narrow else None)
        if searches(flt)
        else None
    )
    if query is None or (narrow and not query.prefixes):
        conditions, params = _conditions(flt, "id", before_id, after_id)
        if query is not None:
            conditions.append(
                "EXISTS (SELECT 1 FROM events_fts "
                "WHERE events_fts MATCH ? AND events_fts.rowid = events.id)"
            )
            params.append(query.text)
        elif searches(flt):
            conditions.append(_NOTHING)  # words were typed, but none can match
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        return f" FROM events{where}", "id", params
    conditions, params = _conditions(flt, "events_fts.rowid", before_id, after_id)
    where = " AND ".join(["events_fts MATCH ?", *conditions])
    return (
        f" FROM events_fts JOIN events ON events.id = events_fts.rowid WHERE {where}",
        "events_fts.rowid",
        [query.text, *params],
    )


def select_sql(
    columns: str,
    flt: EventFilter | None,
    *,
    limit: int,
    before_id: int | None = None,
    after_id: int | None = None,
    lookup: TermLookup | None = None,
) -> tuple[str, list[Any]]:
    """``(sql, params)``: ``columns`` of the events matching ``flt``, newest first.

    ``lookup`` lists indexed words by prefix (see :func:`build_fts_query`).
    """
    body, id_column, params = _source(flt or EventFilter(), before_id, after_id, lookup)
    # Only fixed SQL is interpolated here; every user value is a bound parameter.
    sql = f"SELECT {columns}{body} ORDER BY {id_column} DESC LIMIT ?"
    return sql, [*params, limit]


def count_sql(flt: EventFilter | None, lookup: TermLookup | None = None) -> tuple[str, list[Any]]:
    """``(sql, params)`` counting the events matching ``flt``.

    Filters on the coarse dimensions only (the sidebar's views) are summed from the
    ``event_counts`` table the triggers keep; the rest count the events themselves.
    """
    flt = flt or EventFilter()
    # total() is 0.0, not NULL, over no rows; the caller takes int().
    tallied = tally_sql(flt, SQLITE, "total(n)")
    if tallied is not None:
        return tallied
    body, _id_column, params = _source(flt, None, None, lookup)
    return f"SELECT count(*){body}", params
