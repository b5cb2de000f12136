"""What only the PostgreSQL store does: its migrations, its plans, its search parity."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from console.store import EventFilter, SchemaTooNewError, SqliteEventStore, StoreNotFound
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.postgres.filters import count_sql
from console.store.postgres.migrations import MIGRATIONS, SCHEMA_VERSION
from console.store.postgres.search import search_query, search_vector
from tests.store.records import record
from tests.support.postgres import PgCluster


def _open(cluster: PgCluster, url: str, **kwargs: object) -> PostgresEventStore:
    return PostgresEventStore(parse_store_url(url), cluster.password, **kwargs)  # type: ignore[arg-type]


def _admin(cluster: PgCluster, url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(**cluster.admin_params(parse_store_url(url).dbname), autocommit=True)


def test_migrations_are_recorded_and_a_newer_schema_is_refused(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    _open(pg_cluster, pg_database).close()
    with _admin(pg_cluster, pg_database) as conn:
        rows = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        assert rows == [
            (1, "events"),
            (2, "team"),
            (3, "listener presence"),
            (4, "team hardening"),
            (5, "summary search"),
        ]
        assert SCHEMA_VERSION == 5
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'future')")
    with pytest.raises(SchemaTooNewError, match="99"):
        _open(pg_cluster, pg_database)


def test_an_empty_database_is_not_created_when_asked_not_to(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    with pytest.raises(StoreNotFound, match="no event store"):
        _open(pg_cluster, pg_database, create=False)
    with _admin(pg_cluster, pg_database) as conn:
        assert conn.execute("SELECT to_regclass('events')").fetchone() == (None,)


def test_two_stores_opening_together_migrate_once(pg_cluster: PgCluster, pg_database: str) -> None:
    opened: list[PostgresEventStore] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_one() -> None:
        start.wait()
        try:
            opened.append(_open(pg_cluster, pg_database))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in opened:
        store.close()
    assert errors == []
    with _admin(pg_cluster, pg_database) as conn:
        # Each migration once (not once per store that opened).
        count = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
        assert count == (len(MIGRATIONS),)


@pytest.fixture
def pg_store(pg_cluster: PgCluster, pg_database: str) -> Iterator[PostgresEventStore]:
    store = _open(pg_cluster, pg_database)
    try:
        yield store
    finally:
        store.close()


def test_sidebar_counts_read_only_the_counts_table(
    pg_store: PostgresEventStore, pg_cluster: PgCluster, pg_database: str
) -> None:
    for n in range(20):
        pg_store.append(record(profile=None if n % 3 else "main"))
    flt = EventFilter(exclude_profiles=frozenset({"main"}), include_duplicates=True)
    sql, params = count_sql(flt)
    with _admin(pg_cluster, pg_database) as conn:
        plan = "\n".join(str(row[0]) for row in conn.execute(f"EXPLAIN {sql}", params))
    assert "event_counts" in plan and " events" not in plan, plan
    assert pg_store.count(flt) == 13


def test_text_postgres_cannot_hold_is_replaced_and_the_group_still_commits(
    pg_store: PostgresEventStore,
) -> None:
    odd = record(event="ON\x00SALE", entity_id="\ud800x", raw_body=b"a\x00b")
    futures = [pg_store.submit(record()), pg_store.submit(odd), pg_store.submit(record())]
    results = [future.result(timeout=30) for future in futures]
    stored = pg_store.get(results[1].id)
    assert stored is not None
    assert stored.event == "ON\ufffdSALE" and stored.entity_id == "?x"
    assert stored.raw_body == b"a\x00b"  # the bytes themselves are kept as they came


# What an operator types, and what it must find, in both stores alike.
_PAYLOADS = [
    {"email": "olena.koval@example.com", "note": "Привіт"},
    {"phone": "+38 (012) 421-42-14"},
    {"sku": "AB-12/x", "title": "Кав'ярня «Київ»"},
    {"city": "Київська область", "street": "Straße", "word": "café"},
    {"event": "ONSALEORDERSAVED", "id": "777"},
    {"text": "salt AND pepper", "digits": "0124214214"},
]
_SEARCHES = [
    "olena.koval@example.com",
    "example.com",
    "koval@example",
    "421-42-14",
    "(012)",
    "0124214214",
    "AB-12",
    "ab-12/x",
    "кав'ярня",
    "київ",
    "КИЇВСЬКА",
    "Strasse",
    "straße",
    "cafe",
    "CAFÉ",
    "ONSALE",
    "onsaleordersaved 777",
    "AND pepper",
    '"ONSALE',
    "NOT OR NEAR(",
    "*",
    "a\x00b",
    "\ud800broken",
]


def test_both_stores_find_the_same_events(pg_store: PostgresEventStore, tmp_path: Path) -> None:
    with SqliteEventStore(tmp_path / "events.sqlite3") as sqlite_store:
        for payload in _PAYLOADS:
            records = [record(payload=payload)]
            assert sqlite_store.append(records[0]).id == pg_store.append(records[0]).id
        for text in _SEARCHES:
            flt = EventFilter(text=text)
            expected = [row.id for row in sqlite_store.query_rows(flt)]
            assert [row.id for row in pg_store.query_rows(flt)] == expected, text
            assert pg_store.count(flt) == len(expected), text
        for phrase in ["421 42", "42 421", "область київська", "київська область"]:
            flt = EventFilter(phrases=frozenset({phrase}))
            expected = [row.id for row in sqlite_store.query_rows(flt)]
            assert [row.id for row in pg_store.query_rows(flt)] == expected, phrase
    assert pg_store.count(EventFilter(text="421-42-14")) == 1


def test_search_vector_and_query_forms() -> None:
    assert search_vector("Olena olena@Example.com") == "'olena':1,2 'example':3 'com':4"
    assert search_query("421-42-14 x") == "('421' <-> '42' <-> '14':*) & ('x':*)"
    assert search_query("  * ( ") is None
    assert search_query("", ["будь ласка"]) == "('будь' <-> 'ласка')"


def test_payloads_beyond_what_a_tsvector_holds_are_stored_and_found(
    pg_store: PostgresEventStore,
) -> None:
    repeated = {"note": " ".join(["again"] * 20_000) + " tail"}
    # About 1.2 MB of distinct words: more than one tsvector may hold.
    distinct = {"words": " ".join(f"w{n:07d}" for n in range(150_000)), "first": "needle"}
    ids = [pg_store.append(record(payload=payload)).id for payload in (repeated, distinct)]
    assert [row.id for row in pg_store.query_rows(EventFilter(text="again"))] == [ids[0]]
    assert [row.id for row in pg_store.query_rows(EventFilter(text="tail"))] == [ids[0]]
    assert [row.id for row in pg_store.query_rows(EventFilter(text="w0000001"))] == [ids[1]]
    stored = pg_store.get(ids[1])
    assert stored is not None and stored.payload == distinct
