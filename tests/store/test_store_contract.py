"""The store's contract: appends, group commit, duplicates, queries and cursors.

Every test runs against a SQLite file and a PostgreSQL database (see conftest.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta, timezone

import pytest

from console.store import (
    AppendResult,
    EventFilter,
    EventSource,
    StoreClosedError,
    StoredEvent,
    Verification,
)
from console.store.writer import WriteJob
from tests.store.conftest import AnyStore, StoreBacking
from tests.store.records import BASE_TIME, delivered, hold_writer, record


def test_round_trip_keeps_every_field(store: AnyStore) -> None:
    original = record(
        received_at=datetime(2025, 5, 6, 7, 8, 9, 999999, tzinfo=timezone(timedelta(hours=3))),
        source=EventSource.HOROSHOP,
        event="order_created",
        verification=Verification.MALFORMED,
        verification_reason="body is not JSON",
        method="PUT",
        headers=[("X-A", "1"), ("X-A", "2"), ("Content-Type", "application/json")],
        raw_body=b"\x00\xff not utf-8 \xfe",
        payload={"order_id": 115, "products": [{"title": 'MacBook "Air"', "price": 31.5}]},
    )
    result = store.append(original)
    stored = store.get(result.id)
    assert stored is not None
    assert stored.id == result.id
    assert stored.duplicate_of is None
    assert stored.pinned is False
    assert stored.model_dump(exclude={"id", "duplicate_of", "pinned"}) == original.model_dump()
    assert stored.received_at.utcoffset() == timedelta(0)
    assert stored.received_at == original.received_at
    assert store.get(result.id + 1000) is None


def test_minimal_record_round_trips_nones(store: AnyStore) -> None:
    original = record(
        profile=None,
        entity_id=None,
        order_id=None,
        portal_domain=None,
        member_id=None,
        handler_id=None,
        ts=None,
        remote_addr=None,
        content_type=None,
        headers=[],
        raw_body=b"",
        payload=None,
    )
    stored = store.get(store.append(original).id)
    assert stored is not None
    assert stored.model_dump(exclude={"id", "duplicate_of", "pinned"}) == original.model_dump()


def test_naive_received_at_is_taken_as_utc(store: AnyStore) -> None:
    stored = store.get(store.append(record(received_at=datetime(2025, 1, 2, 3, 4, 5))).id)
    assert stored is not None
    assert stored.received_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_group_commit_from_many_threads(backing: StoreBacking) -> None:
    store = backing.open()
    seen: list[StoredEvent] = []
    store.subscribe(seen.append)
    futures: list[Future[AppendResult]] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def produce() -> None:
        start.wait()
        for _ in range(100):
            future = store.submit(record())
            with lock:
                futures.append(future)

    threads = [threading.Thread(target=produce) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [future.result(timeout=30).id for future in futures]
    store.close()

    assert len(set(ids)) == 800
    assert [event.id for event in seen] == sorted(ids)
    assert backing.peek("SELECT count(*) FROM events") == [(800,)]


def test_future_resolves_only_after_commit(store: AnyStore, backing: StoreBacking) -> None:
    visible_in_subscriber: list[bool] = []

    def look(event: StoredEvent) -> None:
        # A separate connection sees only committed data.
        row = backing.peek("SELECT id FROM events WHERE id = ?", event.id)
        visible_in_subscriber.append(row == [(event.id,)])

    store.subscribe(look)
    for _ in range(5):
        result = store.submit(record()).result(timeout=30)
        assert backing.peek("SELECT id FROM events WHERE id = ?", result.id) == [(result.id,)]
    store.close()  # subscribers run after futures resolve; close waits for them
    assert visible_in_subscriber == [True] * 5


_BOOM_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER boom BEFORE INSERT ON events WHEN new.event = 'BOOM' "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgres": [
        "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
        "CREATE TRIGGER boom BEFORE INSERT ON events FOR EACH ROW "
        "WHEN (new.event = 'BOOM') EXECUTE FUNCTION boom()",
    ],
}


def test_a_row_refused_even_when_cut_down_fails_only_its_own_future(
    store: AnyStore, backing: StoreBacking
) -> None:
    # A trigger refuses every row named BOOM, even what is kept of it when refused.
    for statement in _BOOM_TRIGGER[backing.kind]:
        backing.peek(statement)
    # Hold the writer so the next three submits land in one group.
    gate = hold_writer(store)
    futures = [store.submit(record()), store.submit(record(event="BOOM")), store.submit(record())]
    gate.set()
    with pytest.raises(Exception, match="disk full"):
        futures[1].result(timeout=30)
    assert futures[0].result(timeout=30).id > 0
    assert futures[2].result(timeout=30).id > 0
    assert store.count() == 3
    assert store.append(record()).id > 0


def test_subscriber_errors_do_not_break_the_writer(store: AnyStore) -> None:
    calls: list[int] = []

    def broken(_event: StoredEvent) -> None:
        raise RuntimeError("subscriber bug")

    store.subscribe(broken)
    unsubscribe = store.subscribe(
        lambda event: calls.append(event.id) if event.event != "MARKER" else None
    )
    first = store.append(record()).id
    delivered(store)
    unsubscribe()
    unsubscribe()  # twice is harmless
    store.append(record())
    delivered(store)
    assert calls == [first]


def test_subscriber_may_write_through_the_store(store: AnyStore) -> None:
    pinned: list[bool] = []
    done = threading.Event()

    def pin_it(event: StoredEvent) -> None:
        # Runs on the writer thread: must not wait for its own queue.
        if event.event == "PIN_ME":
            pinned.append(store.set_pinned(event.id, True))
            store.append(record(event="FOLLOW_UP"))
            done.set()

    store.subscribe(pin_it)
    event_id = store.append(record(event="PIN_ME")).id
    assert done.wait(10)
    stored = store.get(event_id)
    assert store.count(EventFilter(events=frozenset({"FOLLOW_UP"}))) == 1
    assert pinned == [True]
    assert stored is not None and stored.pinned


def test_close_commits_everything_queued(open_store_again: Callable[[], AnyStore]) -> None:
    store = open_store_again()
    futures = [store.submit(record()) for _ in range(300)]
    store.close()
    assert all(future.done() for future in futures)
    with pytest.raises(StoreClosedError):
        store.submit(record())
    with pytest.raises(StoreClosedError):
        store.get(1)
    reopened = open_store_again()
    try:
        assert reopened.count() == 300
    finally:
        reopened.close()
    store.close()  # closing twice is harmless


def test_duplicates_point_at_the_original(store: AnyStore) -> None:
    first = record(entity_id="42", ts="100", handler_id="7")
    original = store.append(first)
    again = store.append(first.model_copy(update={"received_at": BASE_TIME + timedelta(hours=1)}))
    other = store.append(record(entity_id="42", ts="101", handler_id="7"))
    assert not original.duplicate
    assert again.duplicate_of == original.id
    assert other.duplicate_of is None

    assert [event.id for event in store.query()] == [other.id, original.id]
    shown = store.query(EventFilter(include_duplicates=True))
    assert [event.id for event in shown] == [other.id, again.id, original.id]
    assert shown[1].duplicate_of == original.id and shown[1].duplicate
    assert store.count() == 2
    assert store.count(EventFilter(include_duplicates=True)) == 3


def test_duplicates_within_one_group_commit(store: AnyStore) -> None:
    gate = hold_writer(store)
    same = record(entity_id="9", ts="5")
    futures = [store.submit(same) for _ in range(4)]
    gate.set()
    results = [future.result(timeout=30) for future in futures]
    assert results[0].duplicate_of is None
    assert [result.duplicate_of for result in results[1:]] == [results[0].id] * 3


def test_rejected_and_keyless_records_never_dedup(store: AnyStore) -> None:
    forged = record(entity_id="1", ts="1", verification=Verification.REJECTED)
    assert store.append(forged).duplicate_of is None
    assert store.append(forged).duplicate_of is None
    genuine = store.append(forged.model_copy(update={"verification": Verification.VERIFIED}))
    assert genuine.duplicate_of is None
    keyless = record(entity_id=None)
    assert store.append(keyless).duplicate_of is None
    assert store.append(keyless).duplicate_of is None
    assert store.count() == 5


def test_keyset_paging_newest_first_with_filter(store: AnyStore) -> None:
    ids = []
    for n in range(25):
        source = EventSource.HOROSHOP if n % 2 else EventSource.BITRIX
        ids.append(store.append(record(source=source)).id)
    horoshop = [event_id for n, event_id in enumerate(ids) if n % 2][::-1]
    flt = EventFilter(sources=frozenset({EventSource.HOROSHOP}))
    pages: list[list[int]] = []
    before: int | None = None
    while True:
        page = store.query(flt, limit=5, before_id=before)
        if not page:
            break
        pages.append([event.id for event in page])
        before = page[-1].id
    assert [len(page) for page in pages] == [5, 5, 2]
    assert [event_id for page in pages for event_id in page] == horoshop
    assert [event.id for event in store.iter_events(flt)] == horoshop


def test_iter_events_crosses_page_boundaries(
    store: AnyStore, backing: StoreBacking, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backing.module, "PAGE_SIZE", 4)
    ids = [store.append(record()).id for _ in range(10)]
    assert [event.id for event in store.iter_events()] == ids[::-1]


def test_query_rejects_non_positive_limit(store: AnyStore) -> None:
    with pytest.raises(ValueError, match="limit"):
        store.query(limit=0)


def _ids(store: AnyStore, **kwargs: object) -> list[int]:
    return [event.id for event in store.query(EventFilter.model_validate(kwargs), limit=1000)]


def test_every_filter(store: AnyStore) -> None:
    bitrix = store.append(record(entity_id="E1", order_id="O1", profile="main")).id
    horoshop = store.append(
        record(source=EventSource.HOROSHOP, event="order_created", entity_id="E2", order_id="O2")
    ).id
    catch_up = store.append(
        record(source=EventSource.CATCH_UP, event="ONSALEORDERSAVED", profile="second")
    ).id
    rejected = store.append(record(verification=Verification.REJECTED, profile="second")).id
    malformed = store.append(record(verification=Verification.MALFORMED, order_id="O1")).id
    old = store.append(record(received_at=BASE_TIME - timedelta(days=10))).id
    store.set_pinned(horoshop, True)

    assert _ids(store, sources={"horoshop", "catch-up"}) == [catch_up, horoshop]
    assert _ids(store, events={"order_created"}) == [horoshop]
    assert _ids(store, verification={"rejected", "malformed"}) == [malformed, rejected]
    assert _ids(store, profile="second") == [rejected, catch_up]
    assert _ids(store, entity_id="E1") == [bitrix]
    assert _ids(store, order_id="O1") == [malformed, bitrix]
    assert _ids(store, pinned_only=True) == [horoshop]
    assert _ids(store, since=BASE_TIME - timedelta(days=1)) == [
        malformed,
        rejected,
        catch_up,
        horoshop,
        bitrix,
    ]
    assert _ids(store, until=BASE_TIME - timedelta(days=1)) == [old]
    # since is inclusive, until exclusive.
    old_time = store.get(old)
    assert old_time is not None
    assert _ids(store, since=old_time.received_at, until=old_time.received_at) == []
    assert _ids(store, since=old_time.received_at, until=BASE_TIME - timedelta(days=9)) == [old]
    assert _ids(store, sources={"bitrix"}, profile="main", order_id="O1") == [malformed, bitrix]
    assert _ids(store, order_id="O1", verification={"verified"}) == [bitrix]
    assert store.count(EventFilter(profile="second")) == 2
    assert store.count() == 6


def test_pinning(store: AnyStore) -> None:
    event_id = store.append(record()).id
    assert store.set_pinned(event_id, True) is True
    stored = store.get(event_id)
    assert stored is not None and stored.pinned
    assert store.set_pinned(event_id, False) is True
    stored = store.get(event_id)
    assert stored is not None and not stored.pinned
    assert store.set_pinned(event_id + 99, True) is False


def test_cursors_survive_reopen(open_store_again: Callable[[], AnyStore]) -> None:
    store = open_store_again()
    assert store.get_cursor("catch-up:main") is None
    store.set_cursor("catch-up:main", "2025-01-01T00:00:00")
    store.set_cursor("catch-up:main", "2025-02-01T00:00:00")
    store.set_cursor("other", "x")
    store.close()
    reopened = open_store_again()
    try:
        assert reopened.get_cursor("catch-up:main") == "2025-02-01T00:00:00"
        assert reopened.get_cursor("other") == "x"
    finally:
        reopened.close()


def test_the_same_order_number_in_two_profiles_is_not_a_duplicate(store: AnyStore) -> None:
    from console.store.model import EventRecord, EventSource, Verification

    results = [
        store.append(
            EventRecord(
                received_at=datetime.now(UTC),
                source=EventSource.HOROSHOP,
                event="order_created",
                profile=profile,
                entity_id="115",
                order_id="115",
                verification=Verification.VERIFIED,
            )
        )
        for profile in ("shop-a", "shop-b", "shop-a")
    ]
    assert [r.duplicate_of for r in results] == [None, None, results[0].id]
    assert {e.profile for e in store.query()} == {"shop-a", "shop-b"}


class _WriterBug(BaseException):
    """What no job's error handling catches: the writer thread ends on it."""


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_writer_that_died_of_a_bug_refuses_at_once_instead_of_never_answering(
    store: AnyStore, caplog: pytest.LogCaptureFixture
) -> None:
    def crash(_conn: object) -> None:
        raise _WriterBug

    with caplog.at_level(logging.CRITICAL, logger="console.store.writer"):
        store._writer.put(WriteJob(crash, Future()))
        store._writer.join(10)
    assert "event store writer stopped" in caplog.text
    with pytest.raises(StoreClosedError, match="writer stopped"):
        store.submit(record())


def test_the_delivery_key_sees_the_content_but_not_the_auth(store: AnyStore) -> None:
    first = record(entity_id="77", ts="100", payload={"data": {"ACTION": "save"}, "auth": {"x": 1}})
    original = store.append(first)
    retry = store.append(first.model_copy(update={"payload": {**first.payload, "auth": {"x": 2}}}))
    edited = store.append(first.model_copy(update={"payload": {"data": {"ACTION": "edited"}}}))
    assert retry.duplicate_of == original.id
    assert edited.duplicate_of is None
