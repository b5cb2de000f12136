"""SQL for the feed filters on PostgreSQL: the same meaning as :mod:`console.store.filters`.

Every user value is a bound parameter (hence the ``noqa: S608``); only our own column names
and operators are put into the text. Searches match the ``search`` tsvector (GIN) with a
tsquery built by :func:`console.store.postgres.search.search_query`.
"""

from __future__ import annotations

from typing import Any

from console.store.conditions import (
    Dialect,
    field_conditions,
    paging_conditions,
    searches,
    tally_sql,
)
from console.store.model import EventFilter
from console.store.postgres.search import search_query


class PostgresDialect(Dialect):
    placeholder = "%s"

    def in_values(
        self, column: str, values: list[str], *, negate: bool = False
    ) -> tuple[str, list[Any]]:
        return f"{column} {'<> ALL' if negate else '= ANY'}(%s)", [values]

    def one_of(self, column: str, values: list[str]) -> tuple[str, list[Any]]:
        if len(values) == 1:
            # Plain equality: the (column, id) index then yields rows newest first, which
            # PostgreSQL (before 17) does not do for = ANY(array).
            return f"{column} = %s", [values[0]]
        return self.in_values(column, values)

    def flag(self, column: str, value: bool) -> str:
        return column if value else f"NOT {column}"


POSTGRES = PostgresDialect()


def conditions(
    flt: EventFilter, *, before_id: int | None = None, after_id: int | None = None
) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (ANDed) and their parameters for ``flt`` over ``events``."""
    where, params = field_conditions(flt, POSTGRES)
    if searches(flt):
        query = search_query(flt.text or "", flt.phrases)
        if query is None:
            where.append("false")  # words were typed, but none can match
        else:
            where.append("search @@ %s::tsquery")
            params.append(query)
    paging, paging_params = paging_conditions("id", before_id, after_id, POSTGRES)
    return [*where, *paging], [*params, *paging_params]


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
    tallied = tally_sql(flt, POSTGRES, "coalesce(sum(n), 0)")
    if tallied is not None:
        return tallied
    where, params = conditions(flt)
    clause = " WHERE " + " AND ".join(where) if where else ""
    return f"SELECT count(*) FROM events{clause}", params  # noqa: S608
