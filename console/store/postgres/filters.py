"""SQL for the feed filters on PostgreSQL: the same meaning as :mod:`console.store.filters`.

Every user value is a bound parameter (hence the ``noqa: S608``); only our own column names
and operators are put into the text. Searches match the ``search`` tsvector (GIN) with a
tsquery built by :func:`console.store.postgres.search.search_query`.
"""

from __future__ import annotations

from typing import Any

from console.store.model import EventFilter
from console.store.postgres.search import search_query
from console.store.rows import to_micros


def _searches(flt: EventFilter) -> bool:
    return bool((flt.text is not None and flt.text.strip()) or flt.phrases)


def conditions(
    flt: EventFilter, *, before_id: int | None = None, after_id: int | None = None
) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (ANDed) and their parameters for ``flt`` over ``events``."""
    where: list[str] = []
    params: list[Any] = []

    def one_of(column: str, values: list[str]) -> None:
        if len(values) == 1:
            # Plain equality: the (column, id) index then yields rows newest first, which
            # PostgreSQL (before 17) does not do for = ANY(array).
            where.append(f"{column} = %s")
            params.append(values[0])
        elif values:
            where.append(f"{column} = ANY(%s)")
            params.append(values)

    def none_of(column: str, values: list[str]) -> None:
        if values:
            # A NULL column is "not one of these": <> ALL alone would drop it.
            where.append(f"({column} IS NULL OR {column} <> ALL(%s))")
            params.append(values)

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
            where.append(f"{column} = %s")
            params.append(value)
    if flt.since is not None:
        where.append("received_us >= %s")
        params.append(to_micros(flt.since))
    if flt.until is not None:
        where.append("received_us < %s")
        params.append(to_micros(flt.until))
    if flt.pinned_only:
        where.append("pinned")
    if flt.unpinned_only:
        where.append("NOT pinned")
    if flt.duplicates_only:
        where.append("duplicate_of IS NOT NULL")
    elif not flt.include_duplicates:
        where.append("duplicate_of IS NULL")
    if _searches(flt):
        query = search_query(flt.text or "", flt.phrases)
        if query is None:
            where.append("false")  # words were typed, but none can match
        else:
            where.append("search @@ %s::tsquery")
            params.append(query)
    if before_id is not None:
        where.append("id < %s")
        params.append(before_id)
    if after_id is not None:
        where.append("id > %s")
        params.append(after_id)
    return where, params


def select_sql(
    columns: str,
    flt: EventFilter | None,
    *,
    limit: int,
    before_id: int | None = None,
    after_id: int | None = None,
) -> tuple[str, list[Any]]:
    """``(sql, params)``: ``columns`` of the events matching ``flt``, newest first."""
    where, params = conditions(flt or EventFilter(), before_id=before_id, after_id=after_id)
    clause = " WHERE " + " AND ".join(where) if where else ""
    sql = f"SELECT {columns} FROM events{clause} ORDER BY id DESC LIMIT %s"  # noqa: S608
    return sql, [*params, limit]


def count_sql(flt: EventFilter | None) -> tuple[str, list[Any]]:
    """``(sql, params)`` counting the events matching ``flt``.

    Filters on the coarse dimensions only (the sidebar's views) sum ``event_counts``,
    which the triggers keep exact; the rest count the events themselves.
    """
    flt = flt or EventFilter()
    tallied = _tally(flt)
    if tallied is not None:
        return tallied
    where, params = conditions(flt)
    clause = " WHERE " + " AND ".join(where) if where else ""
    return f"SELECT count(*) FROM events{clause}", params  # noqa: S608


def _tally(flt: EventFilter) -> tuple[str, list[Any]] | None:
    if (
        _searches(flt)
        or flt.order_id is not None
        or flt.entity_id is not None
        or flt.since is not None
        or flt.until is not None
        or flt.exclude_order_ids
        or flt.exclude_entity_ids
    ):
        return None
    where: list[str] = []
    params: list[Any] = []

    def values(column: str, wanted: list[str], *, negate: bool = False) -> None:
        if wanted:
            where.append(f"{column} {'<> ALL' if negate else '= ANY'}(%s)")
            params.append(wanted)

    values("source", sorted(source.value for source in flt.sources))
    values("event", sorted(flt.events))
    values("verification", sorted(state.value for state in flt.verification))
    values("source", sorted(source.value for source in flt.exclude_sources), negate=True)
    values("event", sorted(flt.exclude_events), negate=True)
    values("verification", sorted(state.value for state in flt.exclude_verification), negate=True)
    if flt.profile is not None:
        where.append("NOT no_profile AND profile = %s")
        params.append(flt.profile)
    if flt.exclude_profiles:
        where.append("(no_profile OR profile <> ALL(%s))")
        params.append(sorted(flt.exclude_profiles))
    if flt.pinned_only:
        where.append("pinned")
    if flt.unpinned_only:
        where.append("NOT pinned")
    if flt.duplicates_only:
        where.append("duplicate")
    elif not flt.include_duplicates:
        where.append("NOT duplicate")
    clause = " WHERE " + " AND ".join(where) if where else ""
    return f"SELECT coalesce(sum(n), 0) FROM event_counts{clause}", params  # noqa: S608
