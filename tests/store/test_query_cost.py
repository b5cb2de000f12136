"""Queries that would cost seconds are refused with a message, on both stores (issue 14).

The bounds make the work small: each case is answered with a problem or a
:class:`QueryError` before the store walks its index, never by waiting for a timeout.
"""

from __future__ import annotations

import string
import threading
from pathlib import Path

import psycopg
import pytest

from console.store import EventFilter, QueryError, SqliteEventStore
from console.store.conditions import MAX_SEARCH_TERMS
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.querylang import parse_query
from tests.store.conftest import AnyStore
from tests.store.records import record
from tests.support.postgres import PgCluster

_LETTERS = string.ascii_lowercase
COSTLY_QUERIES = {
    "500 one-letter prefixes": " ".join(_LETTERS[i % 26] for i in range(500)),
    "(a+)+$ 200 times": " ".join(["(a+)+$"] * 200),
    "a megabyte": "order " * 200_000,
    "a 3,000-letter word": "x" * 3000,
    "a 3,000-letter phrase": '"' + "y" * 3000 + '"',
}


@pytest.fixture
def searchable(store: AnyStore) -> AnyStore:
    for n in range(30):
        store.append(record(payload={"comment": f"{_LETTERS[n % 26]}pple order {n} " * 3}))
    return store


@pytest.mark.parametrize("name", list(COSTLY_QUERIES))
def test_a_costly_query_is_cut_down_with_a_problem_and_runs_within_bounds(
    searchable: AnyStore, name: str
) -> None:
    parsed = parse_query(COSTLY_QUERIES[name])
    assert parsed.problems
    message = parsed.problems[0].message
    assert any(
        phrase in message for phrase in ("longer than", f"at most {MAX_SEARCH_TERMS} search words")
    ), message
    flt = parsed.filter
    terms = len((flt.text or "").split()) + len(flt.phrases)
    assert terms <= MAX_SEARCH_TERMS
    # What is left runs on either store without a database error.
    searchable.query_rows(flt, limit=50)
    searchable.count(flt)


@pytest.mark.parametrize(
    "flt",
    [
        EventFilter(text=" ".join(_LETTERS[i % 26] for i in range(500))),
        EventFilter(text=" ".join(["(a+)+$"] * 200)),
        EventFilter(text="order " * 200_000),
        EventFilter(text="x" * 3000),
        EventFilter(phrases=frozenset({"y" * 3000})),
        EventFilter(order_id="7" * 200_000),
    ],
    ids=["prefixes", "regex", "megabyte", "long word", "long phrase", "long value"],
)
def test_a_filter_beyond_the_bounds_is_refused_by_the_store(
    searchable: AnyStore, flt: EventFilter
) -> None:
    # Built without the query bar (a script, the command line): the store itself refuses.
    for read in (
        lambda: searchable.query_rows(flt, limit=50),
        lambda: searchable.query(flt, limit=50),
        lambda: searchable.count(flt),
    ):
        with pytest.raises(QueryError) as refused:
            read()
        assert refused.value.message
        assert "longer than" in refused.value.message or "more than" in refused.value.message


def test_a_date_before_the_first_utc_moment_is_a_problem_and_the_rest_still_runs(
    searchable: AnyStore,
) -> None:
    for text in ("since:0001-01-01T00:00+14:00 order", "until:9999-12-31T23:59-14:00 order"):
        parsed = parse_query(text)
        assert [problem.message for problem in parsed.problems] == [
            f"{text.split(':', 1)[0]}: {text.split()[0].split(':', 1)[1]!r} "
            "is not a date this program can handle"
        ]
        assert parsed.filter.text == "order"
        assert searchable.count(parsed.filter) == 30


def test_a_read_past_its_time_is_stopped_with_a_message_on_sqlite(store_path: Path) -> None:
    with SqliteEventStore(store_path) as filling:
        for n in range(300):
            filling.append(record(payload={"comment": f"apple order {n}"}))
    # No time at all: the first look at the clock stops the read.
    with SqliteEventStore(store_path, query_timeout=0) as store:
        with pytest.raises(QueryError, match="took longer than 0 s"):
            store.count(EventFilter(text="apple"))
        with pytest.raises(QueryError, match="took longer than"):
            store.query_rows(EventFilter(text="order"), limit=500)


def test_a_read_past_its_time_is_stopped_with_a_message_on_postgres(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    location = parse_store_url(pg_database)
    with PostgresEventStore(location, pg_cluster.password, query_timeout=0.2) as store:
        store.append(record(payload={"comment": "apple"}))
        # A lock the read must wait for: it runs past its timeout however fast the disk.
        with psycopg.connect(**pg_cluster.admin_params(location.dbname)) as blocker:
            blocker.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
            # Without a timeout the read would wait for good: let go long after it.
            release = threading.Timer(60, blocker.rollback)
            release.start()
            try:
                with pytest.raises(QueryError, match=r"took longer than 0\.2 s"):
                    store.count(EventFilter(text="apple"))
            finally:
                release.cancel()
                release.join()
            blocker.rollback()
        # The connection was fine all along: the store does not call the database lost.
        assert store.connection_state().connected
        assert store.count(EventFilter(text="apple")) == 1
