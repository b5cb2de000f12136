"""Full-text search over payloads and raw bodies, including hostile input."""

from __future__ import annotations

import string
from datetime import timedelta

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.store import EventFilter, EventRecord, EventSource, Verification
from console.store import schema as sqlite_schema
from console.store.filters import FtsQuery, build_fts_query, fts_query
from console.store.location import parse_store_url
from console.store.postgres import migrations as pg_migrations
from console.store.postgres import schema as pg_schema
from console.store.postgres.migrations import m0005_summary_search
from console.store.postgres.search import search_vector
from console.store.querylang import parse_query
from tests.store.conftest import AnyStore, StoreBacking, _postgres_backing
from tests.store.records import BASE_TIME, record
from tests.support.postgres import PgCluster


def _search(store: AnyStore, text: str, **kwargs: object) -> list[int]:
    flt = EventFilter.model_validate({"text": text, **kwargs})
    return [event.id for event in store.query(flt, limit=1000)]


def _storefront(**fields: object) -> EventRecord:
    return record(source=EventSource.HOROSHOP, event="order_created", **fields)


@pytest.fixture
def corpus(store: AnyStore) -> dict[str, int]:
    return {
        # Storefront orders: a Bitrix24 event's summary names its event (ONSALE...).
        "cyrillic": store.append(
            _storefront(payload={"delivery_city": "Київ", "comment": "Привіт, передзвоніть"})
        ).id,
        "sale": store.append(record(payload={"event": "ONSALEORDERSAVED", "id": "777"})).id,
        "phone": store.append(_storefront(payload={"delivery_phone": "+38 (012) 421-42-14"})).id,
        # No payload: the raw body is what gets indexed.
        "malformed": store.append(
            record(
                verification=Verification.MALFORMED,
                payload=None,
                raw_body=b"garbled{ secretword \xff\xfe",
            )
        ).id,
    }


def test_finds_words_prefixes_and_cyrillic(store: AnyStore, corpus: dict[str, int]) -> None:
    assert _search(store, "передзвоніть") == [corpus["cyrillic"]]
    assert _search(store, "ПРИВІТ") == [corpus["cyrillic"]]
    assert _search(store, "ONSALE") == [corpus["sale"]]
    assert _search(store, "onsaleordersaved 777") == [corpus["sale"]]
    assert _search(store, "onsaleordersaved 778") == []
    assert _search(store, "421-42-14") == [corpus["phone"]]
    assert _search(store, "secretword") == [corpus["malformed"]]
    assert _search(store, "nothing-like-this") == []


def test_search_combines_with_filters_and_count(store: AnyStore, corpus: dict[str, int]) -> None:
    assert _search(store, "secretword", verification={"verified"}) == []
    assert store.count(EventFilter(text="ONSALE")) == 1
    assert store.count(EventFilter(text="   ")) == len(corpus)


@pytest.mark.parametrize(
    "hostile",
    [
        '"ONSALE',
        "a AND",
        "AND",
        "NOT OR NEAR(",
        "*",
        '"',
        '""',
        "payload:777",
        "^start",
        "(777",
        "777)",
        "a\x00b",
        "\ud800broken",
        "-777",
        "{body}: x",
    ],
)
def test_hostile_queries_do_not_raise(
    store: AnyStore, corpus: dict[str, int], hostile: str
) -> None:
    found = _search(store, hostile)
    assert set(found) <= set(corpus.values())


def test_quoted_operators_are_plain_words(store: AnyStore) -> None:
    with_and = store.append(record(payload={"note": "salt AND pepper"})).id
    store.append(record(payload={"note": "salt only"}))
    assert _search(store, "AND pepper") == [with_and]


def test_fts_query_quotes_every_term() -> None:
    assert fts_query('a "b" c*') == '"a"* """b"""* "c*"*'
    assert fts_query("  ") is None
    assert fts_query('" * ()') is None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(string.punctuation)))
def test_any_text_is_a_valid_query(store: AnyStore, text: str) -> None:
    store.query(EventFilter(text=text), limit=5)


def test_prefixes_are_spelled_out_when_the_index_lists_few_words() -> None:
    known = {"save": ["save", "saved"], "київ": ["київ"], "many": None}

    def lookup(prefix: str) -> list[str] | None:
        return known.get(prefix, [])

    query = build_fts_query("Save КИЇВ zz", lookup=lookup)
    assert query == FtsQuery('("save" OR "saved") AND ("київ") AND "zz"*', prefixes=False)
    # Too many words, or words the index folds differently from lower(): prefix queries.
    assert build_fts_query("many", lookup=lookup) == FtsQuery('"many"*', prefixes=True)
    assert build_fts_query("café x-y", lookup=lookup) == FtsQuery('"café"* "x-y"*', prefixes=True)
    assert build_fts_query("save", ['"a b"'], lookup=lookup) == FtsQuery(
        '("save" OR "saved") AND """a b"""', prefixes=False
    )


# What the feed shows in the Summary column is searched: the stored summary, and for a
# refused event the reason it was refused (shown in its place). Issue 15.
_LISTENER_REASON = "wrong application token for profile main"


def _summarised(store: AnyStore) -> dict[str, int]:
    return {
        # As the catch-up test stores a refused one; its words are in no payload.
        "short": store.append(
            record(verification=Verification.REJECTED, verification_reason="wrong token")
        ).id,
        # As the listener words a wrong application token.
        "listener": store.append(
            record(verification=Verification.REJECTED, verification_reason=_LISTENER_REASON)
        ).id,
        # Summarised as "changed on the portal, no event received · status P".
        "catch_up": store.append(
            record(
                source=EventSource.CATCH_UP,
                event="ORDER_CHANGED",
                payload={"order": {"id": 5, "statusId": "P"}},
                raw_body=b'{"order":{"id":5,"statusId":"P"}}',
            )
        ).id,
    }


def _bar(store: AnyStore, typed: str) -> list[int]:
    """The events the window's query bar finds for ``typed``."""
    parsed = parse_query(typed)
    assert parsed.ok, parsed.problems
    return sorted(event.id for event in store.query(parsed.filter, limit=1000))


def _assert_summaries_found(store: AnyStore, ids: dict[str, int]) -> None:
    assert _bar(store, '"wrong token"') == [ids["short"]]
    assert _bar(store, "wrong token") == sorted([ids["short"], ids["listener"]])
    assert _bar(store, '"wrong application token"') == [ids["listener"]]
    assert _bar(store, "applica") == [ids["listener"]]
    assert _bar(store, '"no event received"') == [ids["catch_up"]]
    assert _bar(store, "received status") == [ids["catch_up"]]
    # The summary is a field of its own: a phrase never runs on into it from the payload.
    assert _bar(store, '"wrong token" -state:rejected') == []
    assert _bar(store, '"P changed"') == []


def test_summary_and_refusal_reason_are_searched(store: AnyStore) -> None:
    _assert_summaries_found(store, _summarised(store))


def test_rows_stored_before_summaries_were_indexed_are_found_after_the_upgrade(
    backing: StoreBacking, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as old:
        _open_before_summary_search(old)
        with backing.open() as store:
            ids = _summarised(store)
            if backing.kind == "postgres":
                _index_before_summary_search(backing)
            # Version 1 stored no summary; the feed computes it when it reads such a row.
            backing.peek("UPDATE events SET summary = NULL WHERE id = ?", ids["catch_up"])
            assert _bar(store, "wrong token") == []
            assert _bar(store, '"no event received"') == []
    with backing.open() as store:
        _assert_summaries_found(store, ids)
        # Removing the rows leaves nothing behind in the index (SQLite's delete trigger
        # must give the index exactly the text it was given).
        assert store.purge(BASE_TIME + timedelta(days=1)) == len(ids)
        assert _bar(store, "wrong") == []
        assert _bar(store, "received") == []
        fresh = _summarised(store)
        _assert_summaries_found(store, fresh)
    if backing.kind == "sqlite":
        backing.peek("INSERT INTO events_fts(events_fts, rank) VALUES ('integrity-check', 1)")


def _open_before_summary_search(patch: pytest.MonkeyPatch) -> None:
    """Stores opened from now on are created (and stay) at the schema version before the
    summary was searched: 3 on SQLite, 4 on PostgreSQL."""
    patch.setattr(sqlite_schema, "MIGRATIONS", sqlite_schema.MIGRATIONS[:3])
    patch.setattr(sqlite_schema, "SCHEMA_VERSION", 3)
    before = tuple(m for m in pg_migrations.MIGRATIONS if m.version < 5)
    for module in (pg_migrations, pg_schema):
        patch.setattr(module, "MIGRATIONS", before)
        patch.setattr(module, "SCHEMA_VERSION", before[-1].version)


def _index_before_summary_search(backing: StoreBacking) -> None:
    """The search vectors as version 4 wrote them: the payload's words only."""
    for event_id, payload in backing.peek("SELECT id, payload FROM events"):
        backing.peek(
            "UPDATE events SET search = ?::tsvector WHERE id = ?", search_vector(payload), event_id
        )


def test_backfill_rewrites_in_batches_and_resumes_where_it_stopped(
    pg_cluster: PgCluster, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    backing = _postgres_backing(pg_cluster, pg_database)
    with monkeypatch.context() as old:
        _open_before_summary_search(old)
        with backing.open() as store:
            ids = _summarised(store)
            _index_before_summary_search(backing)
    monkeypatch.setattr(m0005_summary_search, "BATCH", 2)
    counts: list[int] = []

    def interrupted(done: int) -> None:
        counts.append(done)
        raise KeyboardInterrupt

    dbname = parse_store_url(pg_database).dbname
    with psycopg.connect(**pg_cluster.admin_params(dbname), autocommit=True) as conn:
        with pytest.raises(KeyboardInterrupt):
            pg_schema.migrate(conn, progress=interrupted)
        assert counts == [2]
        # Committed: the version, and where the rewrite stopped (the newest two done).
        assert pg_schema.applied_version(conn) == 5
        assert m0005_summary_search.pending(conn) == min(ids.values())
        with backing.open() as store:
            assert _bar(store, '"wrong token"') == []  # the oldest is not rewritten yet
            assert _bar(store, "wrong token") == [ids["listener"]]
        assert pg_schema.finish_backfills(conn) == 1
        assert m0005_summary_search.pending(conn) is None
        assert pg_schema.finish_backfills(conn) == 0
    with backing.open() as store:
        _assert_summaries_found(store, ids)
