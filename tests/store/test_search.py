"""Full-text search over payloads and raw bodies, including hostile input."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.store import EventFilter, Verification
from console.store.filters import FtsQuery, build_fts_query, fts_query
from tests.store.conftest import AnyStore
from tests.store.records import record


def _search(store: AnyStore, text: str, **kwargs: object) -> list[int]:
    flt = EventFilter.model_validate({"text": text, **kwargs})
    return [event.id for event in store.query(flt, limit=1000)]


@pytest.fixture
def corpus(store: AnyStore) -> dict[str, int]:
    return {
        "cyrillic": store.append(
            record(payload={"delivery_city": "Київ", "comment": "Привіт, передзвоніть"})
        ).id,
        "sale": store.append(record(payload={"event": "ONSALEORDERSAVED", "id": "777"})).id,
        "phone": store.append(record(payload={"delivery_phone": "+38 (012) 421-42-14"})).id,
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
