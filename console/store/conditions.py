"""What each :class:`EventFilter` field means in SQL, once for both stores.

Which column a field restricts and how (one of, none of, equal, a flag), and when the
``event_counts`` table can answer a count, is the same on SQLite and PostgreSQL; only the
spelling differs (``?`` or ``%s``, ``IN (…)`` or ``= ANY(…)``, ``pinned = 1`` or
``pinned``). A :class:`Dialect` spells; the functions here decide. Full-text search and
paging stay with each store, whose indexes differ.
"""

from __future__ import annotations

from typing import Any

from console.store.model import EventFilter, QueryError
from console.store.rows import to_micros

# What one query may ask of a store. Each search term costs the full-text index a walk
# (a one-letter prefix: every word under it), PostgreSQL nests one node per word in its
# tsquery (and refuses a word over 2,046 bytes), so the work is bounded before it starts:
# far above what anyone types, far below what takes seconds.
MAX_QUERY_CHARS = 1000
MAX_SEARCH_TERMS = 16
MAX_TERM_CHARS = 100
MAX_PHRASE_CHARS = 200
# Seconds a read may run before the store stops it (a backstop behind the bounds).
QUERY_TIMEOUT_SECONDS = 5.0
TIMED_OUT = (
    "the search took longer than {seconds:g} s and was stopped: "
    "add a filter (since:, source:, order:) or use longer words"
)


def check_query_bounds(flt: EventFilter) -> None:
    """Raise :class:`QueryError` when ``flt`` asks for more than a store will do."""
    text = flt.text or ""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the search text is longer than {MAX_QUERY_CHARS} characters")
    terms = text.split()
    if len(terms) + len(flt.phrases) > MAX_SEARCH_TERMS:
        raise QueryError(f"more than {MAX_SEARCH_TERMS} search words and phrases: leave some out")
    if any(len(term) > MAX_TERM_CHARS for term in terms):
        raise QueryError(f"a search word is longer than {MAX_TERM_CHARS} characters")
    if any(len(phrase) > MAX_PHRASE_CHARS for phrase in flt.phrases):
        raise QueryError(f"a quoted phrase is longer than {MAX_PHRASE_CHARS} characters")
    values = [
        *flt.events,
        *flt.exclude_events,
        *flt.exclude_profiles,
        *flt.exclude_order_ids,
        *flt.exclude_entity_ids,
        *(value for value in (flt.profile, flt.order_id, flt.entity_id) if value is not None),
    ]
    if any(len(value) > MAX_QUERY_CHARS for value in values):
        raise QueryError(f"a value is longer than {MAX_QUERY_CHARS} characters")


class Dialect:
    """How one database spells the conditions the filters need.

    ``placeholder`` marks a bound parameter. Every user value is a parameter: only our own
    column names and operators are put into the text.
    """

    placeholder: str

    def in_values(
        self, column: str, values: list[str], *, negate: bool = False
    ) -> tuple[str, list[Any]]:
        """``column`` is (``negate``: is not) one of ``values`` (not empty); no NULL test."""
        raise NotImplementedError

    def one_of(self, column: str, values: list[str]) -> tuple[str, list[Any]]:
        """``column`` is one of ``values`` (not empty)."""
        return self.in_values(column, values)

    def flag(self, column: str, value: bool) -> str:
        """The boolean ``column`` is ``value``."""
        raise NotImplementedError


def searches(flt: EventFilter) -> bool:
    """Whether ``flt`` asks for a full-text search (words or phrases typed)."""
    return bool((flt.text is not None and flt.text.strip()) or flt.phrases)


def field_conditions(flt: EventFilter, dialect: Dialect) -> tuple[list[str], list[Any]]:
    """The conditions (ANDed) on ``events`` columns for ``flt``, without search or paging.

    Raises :class:`QueryError` when ``flt`` is beyond the bounds a query must keep.
    """
    check_query_bounds(flt)
    conditions: list[str] = []
    params: list[Any] = []
    mark = dialect.placeholder

    def one_of(column: str, values: list[str]) -> None:
        if values:
            condition, values_params = dialect.one_of(column, values)
            conditions.append(condition)
            params.extend(values_params)

    def none_of(column: str, values: list[str]) -> None:
        if values:
            # A NULL column is "not one of these": NOT IN alone would drop it.
            condition, values_params = dialect.in_values(column, values, negate=True)
            conditions.append(f"({column} IS NULL OR {condition})")
            params.extend(values_params)

    one_of("source", sorted(source.value for source in flt.sources))
    one_of("event", sorted(flt.events))
    one_of("verification", sorted(state.value for state in flt.verification))
    none_of("source", sorted(source.value for source in flt.exclude_sources))
    none_of("event", sorted(flt.exclude_events))
    none_of("verification", sorted(state.value for state in flt.exclude_verification))
    none_of("profile", sorted(flt.exclude_profiles))
    none_of("order_id", sorted(flt.exclude_order_ids))
    none_of("entity_id", sorted(flt.exclude_entity_ids))
    for ref in sorted(flt.exclude_system_orders):
        assert ref.system is not None
        condition, source_params = dialect.in_values(
            "source", sorted(source.value for source in ref.system.sources)
        )
        conditions.append(f"(order_id IS NULL OR NOT (order_id = {mark} AND {condition}))")
        params.extend([ref.order_id, *source_params])
    if flt.order_id is not None and flt.order_system is not None:
        # The same number in Horoshop and in Bitrix24 names two orders: the source says whose.
        one_of("source", sorted(source.value for source in flt.order_system.sources))
    for column, value in (
        ("profile", flt.profile),
        ("entity_id", flt.entity_id),
        ("order_id", flt.order_id),
    ):
        if value is not None:
            conditions.append(f"{column} = {mark}")
            params.append(value)
    if flt.since is not None:
        conditions.append(f"received_us >= {mark}")
        params.append(to_micros(flt.since))
    if flt.until is not None:
        conditions.append(f"received_us < {mark}")
        params.append(to_micros(flt.until))
    if flt.pinned_only:
        conditions.append(dialect.flag("pinned", True))
    if flt.unpinned_only:
        conditions.append(dialect.flag("pinned", False))
    if flt.duplicates_only:
        conditions.append("duplicate_of IS NOT NULL")
    elif not flt.include_duplicates:
        conditions.append("duplicate_of IS NULL")
    return conditions, params


def paging_conditions(
    id_column: str, before_id: int | None, after_id: int | None, dialect: Dialect
) -> tuple[list[str], list[Any]]:
    """Keyset paging: ids below ``before_id`` and above ``after_id``."""
    conditions: list[str] = []
    params: list[Any] = []
    if before_id is not None:
        conditions.append(f"{id_column} < {dialect.placeholder}")
        params.append(before_id)
    if after_id is not None:
        conditions.append(f"{id_column} > {dialect.placeholder}")
        params.append(after_id)
    return conditions, params


def tally_sql(flt: EventFilter, dialect: Dialect, total: str) -> tuple[str, list[Any]] | None:
    """``(sql, params)`` summing ``event_counts`` for ``flt``; None when it cannot answer.

    The triggers keep that table by the coarse dimensions only (the sidebar's views): a
    filter on anything finer must count the events themselves. ``total`` is the
    dialect's sum of ``n`` that is 0, not NULL, over no rows.
    """
    check_query_bounds(flt)
    if (
        searches(flt)
        or flt.order_id is not None
        or flt.entity_id is not None
        or flt.since is not None
        or flt.until is not None
        or flt.exclude_order_ids
        or flt.exclude_entity_ids
        or flt.exclude_system_orders
    ):
        return None
    conditions: list[str] = []
    params: list[Any] = []

    def values(column: str, wanted: list[str], *, negate: bool = False) -> None:
        if wanted:
            condition, values_params = dialect.in_values(column, wanted, negate=negate)
            conditions.append(condition)
            params.extend(values_params)

    values("source", sorted(source.value for source in flt.sources))
    values("event", sorted(flt.events))
    values("verification", sorted(state.value for state in flt.verification))
    values("source", sorted(source.value for source in flt.exclude_sources), negate=True)
    values("event", sorted(flt.exclude_events), negate=True)
    values("verification", sorted(state.value for state in flt.exclude_verification), negate=True)
    if flt.profile is not None:
        conditions.append(
            f"{dialect.flag('no_profile', False)} AND profile = {dialect.placeholder}"
        )
        params.append(flt.profile)
    if flt.exclude_profiles:
        condition, values_params = dialect.in_values(
            "profile", sorted(flt.exclude_profiles), negate=True
        )
        conditions.append(f"({dialect.flag('no_profile', True)} OR {condition})")
        params.extend(values_params)
    if flt.pinned_only:
        conditions.append(dialect.flag("pinned", True))
    if flt.unpinned_only:
        conditions.append(dialect.flag("pinned", False))
    if flt.duplicates_only:
        conditions.append(dialect.flag("duplicate", True))
    elif not flt.include_duplicates:
        conditions.append(dialect.flag("duplicate", False))
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    # Only our own names and the dialect's operators are in the text.
    return f"SELECT {total} FROM event_counts{where}", params  # noqa: S608
