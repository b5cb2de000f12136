"""The feed's reads: plain rows, live tops, search pages and counts kept by triggers."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from console.store import (
    EventFilter,
    EventRecord,
    EventSource,
    RetentionPolicy,
    SqliteEventStore,
    StoreClosedError,
    Verification,
    model,
    rows,
)
from console.store import schema as schema_module
from console.store import sqlite as sqlite_module
from console.store.filters import count_sql, fts_query, select_sql
from console.store.schema import connect
from console.store.sqlite import feed_row
from tests.store.conftest import AnyStore
from tests.store.records import BASE_TIME, record


def _records() -> list[EventRecord]:
    """A mix of sources, states, profiles and duplicates (every sixth repeats one key)."""
    made: list[EventRecord] = []
    for n in range(60):
        source = (EventSource.BITRIX, EventSource.HOROSHOP, EventSource.CATCH_UP)[n % 3]
        state = (Verification.VERIFIED, Verification.REJECTED, Verification.MALFORMED)[n % 5 % 3]
        fields: dict[str, object] = {
            "source": source,
            "verification": state,
            "profile": (None, "shop", "other")[n % 4 % 3],
            "event": "order_created" if source is EventSource.HOROSHOP else "ONSALEORDERSAVED",
            "order_id": str(300 + n % 7),
            "payload": {
                "delivery_name": f"Олена {n}",
                "total_sum": n,
                "currency": "UAH",
                "data": {"FIELDS": {"ACTION": "save"}},
                "word": "common" if n % 2 else "rare" if n == 10 else "plain",
            },
        }
        if n % 6 == 5:
            fields.update(entity_id="same", ts="1", handler_id="58", profile="shop")
            fields.update(source=EventSource.BITRIX, verification=Verification.VERIFIED)
            # A repeated delivery carries the same content (the key sees it).
            fields.update(payload={"total_sum": 5, "word": "common", "delivery_name": "Олена"})
        made.append(record(**fields))
    return made


def _pins(ids: list[int]) -> list[int]:
    return ids[7::7]


def _fill(store: AnyStore) -> list[int]:
    ids = [store.append(rec).id for rec in _records()]
    for event_id in ids[::7]:
        store.set_pinned(event_id, True)
    store.set_pinned(ids[0], False)  # pinned and unpinned again: counted once, unpinned
    return ids


FILTERS = [
    EventFilter(),
    EventFilter(include_duplicates=True),
    EventFilter(duplicates_only=True),
    EventFilter(verification=frozenset({Verification.REJECTED})),
    EventFilter(verification=frozenset({Verification.MALFORMED}), include_duplicates=True),
    EventFilter(sources=frozenset({EventSource.HOROSHOP})),
    EventFilter(sources=frozenset({EventSource.CATCH_UP, EventSource.BITRIX})),
    EventFilter(exclude_sources=frozenset({EventSource.BITRIX})),
    EventFilter(exclude_verification=frozenset({Verification.VERIFIED})),
    EventFilter(pinned_only=True),
    EventFilter(unpinned_only=True, include_duplicates=True),
    EventFilter(profile="shop"),
    EventFilter(exclude_profiles=frozenset({"shop"})),
    EventFilter(events=frozenset({"order_created"})),
    EventFilter(exclude_events=frozenset({"order_created"}), pinned_only=True),
    EventFilter(order_id="301"),
    EventFilter(since=BASE_TIME, text="common"),
    EventFilter(text="common", sources=frozenset({EventSource.BITRIX})),
]


def _every(store: AnyStore, flt: EventFilter) -> list[int]:
    return [event.id for event in store.iter_events(flt)]


@pytest.mark.parametrize("flt", FILTERS)
def test_counts_match_the_events_after_pins_and_purges(store: AnyStore, flt: EventFilter) -> None:
    ids = _fill(store)
    assert store.count(flt) == len(_every(store, flt))
    store.set_pinned(ids[3], True)
    store.purge(BASE_TIME + timedelta(days=1))  # everything unpinned
    assert store.count(flt) == len(_every(store, flt))
    store.enforce_retention(RetentionPolicy(max_age_days=None, max_count=2))
    assert store.count(flt) == len(_every(store, flt))


def test_counts_for_the_sidebar_views_never_scan_the_events(
    sqlite_store: SqliteEventStore,
) -> None:
    store = sqlite_store
    _fill(store)
    with closing(sqlite3.connect(store.path)) as conn:
        for flt in FILTERS[:15]:
            sql, params = count_sql(flt)
            plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            assert [str(step[-1]).split()[1] for step in plan] == ["event_counts"]


def test_feed_rows_are_the_events_as_the_live_feed_shows_them(store: AnyStore) -> None:
    ids = _fill(store)
    rows = store.query_rows(EventFilter(include_duplicates=True), limit=1000)
    assert [row.id for row in rows] == sorted(ids, reverse=True)
    for row in rows:
        stored = store.get(row.id)
        assert stored is not None
        assert row == feed_row(stored)
        assert isinstance(row.pinned, bool)
    assert any(row.summary for row in rows)


def test_after_id_keeps_the_newer_matching_rows(store: AnyStore) -> None:
    ids = _fill(store)
    middle = ids[30]
    for flt in FILTERS:
        newer = [event_id for event_id in _every(store, flt) if event_id > middle]
        rows = store.query_rows(flt, after_id=middle, limit=1000)
        assert [row.id for row in rows] == newer
        assert [row.id for row in store.query_rows(flt, after_id=middle, limit=2)] == newer[:2]


@pytest.mark.parametrize("text", ["common", "олена", "ONSALE", "rare"])
def test_search_pages_walk_back_newest_first(store: AnyStore, text: str) -> None:
    _fill(store)
    flt = EventFilter(text=text, include_duplicates=True)
    expected = _every(store, flt)
    assert expected == sorted(expected, reverse=True)
    walked: list[int] = []
    before: int | None = None
    while True:
        page = store.query_rows(flt, limit=4, before_id=before)
        walked.extend(row.id for row in page)
        if len(page) < 4:
            break
        before = page[-1].id
    assert walked == expected
    assert store.count(flt) == len(expected)
    assert (text == "rare") == (len(expected) == 1)


def test_search_is_driven_by_the_full_text_index(sqlite_store: SqliteEventStore) -> None:
    """The plan must not collect every match before the first page (``id IN (...)``)."""
    store = sqlite_store
    _fill(store)
    sql, params = select_sql("id", EventFilter(text="common"), limit=100)
    with closing(sqlite3.connect(store.path)) as conn:
        plan = " / ".join(
            str(step[-1]) for step in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        )
    assert "LIST SUBQUERY" not in plan and "TEMP B-TREE" not in plan, plan
    assert plan.index("events_fts") < plan.index("events USING INTEGER PRIMARY KEY"), plan


def test_phrases_match_words_in_a_row(store: AnyStore) -> None:
    both = store.append(record(payload={"comment": "передзвоніть будь ласка"})).id
    store.append(record(payload={"comment": "ласка, будь ... передзвоніть"}))
    assert [r.id for r in store.query_rows(EventFilter(phrases=frozenset({"будь ласка"})))] == [
        both
    ]
    assert store.count(EventFilter(phrases=frozenset({"будь ласка"}), text="передз")) == 1
    assert store.count(EventFilter(phrases=frozenset({'" *'}))) == 0


def _v1_store(path: Path) -> list[int]:
    """A store as version 1 wrote it: no summaries, no counts table."""
    originals: dict[str, int] = {}
    ids: list[int] = []
    with closing(connect(path)) as conn:
        for statement in schema_module.MIGRATIONS[0]:
            assert isinstance(statement, str)
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        columns = [name for name in rows.RECORD_COLUMNS if name != "summary"]
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO events ({names}, duplicate_of) VALUES ({marks}, ?)"  # noqa: S608
        for rec in _records():
            values = dict(zip(rows.RECORD_COLUMNS, rows.encode_record(rec), strict=True))
            key = values["dedup_key"]
            duplicate_of = originals.get(key) if key is not None else None
            cursor = conn.execute(sql, [*(values[name] for name in columns), duplicate_of])
            assert cursor.lastrowid is not None
            ids.append(cursor.lastrowid)
            if key is not None and duplicate_of is None:
                originals[key] = cursor.lastrowid
        conn.executemany("UPDATE events SET pinned = 1 WHERE id = ?", [(i,) for i in _pins(ids)])
    return ids


def test_version_one_store_migrates_counts_and_summarises_old_rows_on_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.sqlite3"
    ids = _v1_store(path)
    with SqliteEventStore(path) as store:
        with closing(sqlite3.connect(path)) as conn:
            # Step 4 stores the summaries step 2 left to be computed on reading: the
            # full-text index holds them (each the same as the feed computes, below).
            unsummarised = conn.execute("SELECT count(*) FROM events WHERE summary IS NULL")
            assert unsummarised.fetchone()[0] == 0
        assert store.count(EventFilter(duplicates_only=True)) > 0
        assert store.count(EventFilter(pinned_only=True)) > 0
        for flt in FILTERS:
            assert store.count(flt) == len(_every(store, flt))
        feed = store.query_rows(EventFilter(include_duplicates=True), limit=1000)
        assert len(feed) == len(ids)
        for row in feed:
            stored = store.get(row.id)
            assert stored is not None
            assert row == feed_row(stored)
        new = store.append(record(source=EventSource.HOROSHOP, payload={"total_sum": 5})).id
        assert store.query_rows(limit=1)[0][:2] == (new, store.query_rows(limit=1)[0][1])
        assert store.query_rows(limit=1)[0].summary == "5"


def test_store_closed_error_is_one_class_from_the_interface(
    open_store_again: Callable[[], AnyStore],
) -> None:
    assert sqlite_module.StoreClosedError is model.StoreClosedError is StoreClosedError
    store = open_store_again()
    store.close()
    with pytest.raises(model.StoreClosedError):
        store.query_rows()


def _by_prefix_query(store: SqliteEventStore, flt: EventFilter) -> list[int]:
    """What plain prefix queries find, straight from SQLite: the meaning to keep."""
    query = fts_query(flt.text or "", flt.phrases)
    with closing(sqlite3.connect(store.path)) as conn:
        found = conn.execute(
            "SELECT rowid FROM events_fts WHERE events_fts MATCH ? ORDER BY rowid DESC", (query,)
        ).fetchall()
    keep = {event.id for event in store.iter_events(flt.model_copy(update={"text": None}))}
    return [row[0] for row in found if row[0] in keep]


@pytest.mark.parametrize(
    "text",
    ["save", "sav", "SAVEORDER", "київ", "Київська", "w", "w1", "zz", "ß", "café", "кав'ярня"],
)
@pytest.mark.parametrize("order_id", [None, "1"])
def test_spelled_out_prefixes_find_what_prefix_queries_find(
    sqlite_store: SqliteEventStore, text: str, order_id: str | None
) -> None:
    store = sqlite_store
    words = ["save", "saved", "saveorder", "київ", "київська", "Straße", "cafe", "кав'ярня"]
    words += [f"w{n}" for n in range(40)]  # more words under "w" than are spelled out
    for n, word in enumerate(words * 2):
        store.append(record(order_id=str(n % 2), payload={"note": f"{word} x{n}"}))
    flt = EventFilter(text=text, order_id=order_id)
    expected = _by_prefix_query(store, flt)
    assert [row.id for row in store.query_rows(flt, limit=1000)] == expected
    assert store.count(flt) == len(expected)
    if text in {"save", "київ", "w1"}:
        assert expected
