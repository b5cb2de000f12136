"""The team store under failure: a restarted server, a cut connection, two listeners.

The restart test runs its own cluster: restarting the session's shared one would fail
other tests' connections.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future

import psycopg
import pytest

from console.store import AppendResult, EventFilter, StoredEvent
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from tests.store.records import record
from tests.support.postgres import PgCluster, throwaway_cluster


def _open(cluster: PgCluster, dbname: str) -> PostgresEventStore:
    return PostgresEventStore(parse_store_url(cluster.url(dbname)), cluster.password)


def _wait_until(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


def _sessions_waiting_on_a_lock(conn: psycopg.Connection[tuple[int]]) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    ).fetchone()
    return int(row[0]) if row else 0


@pytest.fixture
def own_cluster() -> Iterator[PgCluster]:
    with throwaway_cluster() as cluster:
        yield cluster


def test_a_restart_while_events_arrive_loses_no_acknowledged_event(
    own_cluster: PgCluster,
) -> None:
    dbname = own_cluster.create_database()
    store = _open(own_cluster, dbname)
    acknowledged: list[int] = []
    refused = 0
    stop = threading.Event()
    lock = threading.Lock()

    def produce() -> None:
        nonlocal refused
        while not stop.is_set():
            future = store.submit(record())
            try:
                result = future.result(timeout=60)
            except Exception:
                with lock:
                    refused += 1
                time.sleep(0.01)
                continue
            with lock:
                acknowledged.append(result.id)

    producers = [threading.Thread(target=produce) for _ in range(4)]
    for thread in producers:
        thread.start()
    try:
        _wait_until(lambda: len(acknowledged) > 200)
        own_cluster.restart(down_seconds=0.5)
        before = len(acknowledged)
        # It recovers by itself: new events are acknowledged after the restart.
        _wait_until(lambda: len(acknowledged) > before + 200)
    finally:
        stop.set()
        for thread in producers:
            thread.join()
    store.close()
    assert refused > 0, "the outage was not noticed: the test did not test anything"
    with psycopg.connect(**own_cluster.admin_params(dbname)) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM events").fetchall()}
    # Every acknowledged id is committed; nothing acknowledged twice.
    assert len(set(acknowledged)) == len(acknowledged)
    assert set(acknowledged) <= stored
    # A commit whose answer was lost with the connection may be stored unacknowledged;
    # only those may be extra, so the difference is at most the groups then in flight.
    assert len(stored) - len(acknowledged) <= 256 * 2


def test_a_cut_subscriber_connection_reconnects_without_a_gap(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    dbname = parse_store_url(pg_database).dbname
    console = _open(pg_cluster, dbname)
    listener = _open(pg_cluster, dbname)
    seen: list[int] = []
    console.subscribe(lambda event: seen.append(event.id))
    written: list[int] = []
    try:
        for round_ in range(3):
            written.extend(listener.append(record()).id for _ in range(20))
            # Cut the console's LISTEN connection while events keep arriving.
            cut = pg_cluster.psql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name LIKE '%notifications'",
                dbname,
            )
            assert cut.strip() == "1", round_
            futures: list[Future[AppendResult]] = [listener.submit(record()) for _ in range(50)]
            written.extend(future.result(timeout=30).id for future in futures)
            _wait_until(lambda: len(seen) >= len(written))
            assert not console.connection_state().connected or seen == written
        _wait_until(lambda: console.connection_state().connected)
    finally:
        listener.close()
        console.close()
    assert seen == written  # every event once, in order


def test_connection_state_reports_a_lost_database(own_cluster: PgCluster) -> None:
    dbname = own_cluster.create_database()
    store = _open(own_cluster, dbname)
    store.subscribe(lambda _event: None)
    try:
        _wait_until(lambda: store.connection_state().connected)
        own_cluster.stop()
        _wait_until(lambda: not store.connection_state().connected)
        state = store.connection_state()
        assert state.lost_since is not None and state.reason
        assert store.probe_write(timeout=30) is not None
        own_cluster.start()
        _wait_until(lambda: store.connection_state().connected)
        assert store.probe_write(timeout=30) is None
        assert store.append(record()).id > 0
    finally:
        store.close()


def test_two_listeners_store_the_same_deliveries_once(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    dbname = parse_store_url(pg_database).dbname
    first, second = _open(pg_cluster, dbname), _open(pg_cluster, dbname)
    deliveries = [record(entity_id=f"d{n}", ts="1") for n in range(300)]
    results: dict[str, list[AppendResult]] = {"first": [], "second": []}
    start = threading.Barrier(2)

    def receive(name: str, store: PostgresEventStore) -> None:
        start.wait()
        futures = [store.submit(delivery) for delivery in deliveries]
        results[name] = [future.result(timeout=60) for future in futures]

    threads = [
        threading.Thread(target=receive, args=("first", first)),
        threading.Thread(target=receive, args=("second", second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        # Both answered every delivery; for each, exactly one of them stored the original
        # and the other a duplicate pointing at it.
        for mine, theirs in zip(results["first"], results["second"], strict=True):
            originals = [r for r in (mine, theirs) if r.duplicate_of is None]
            assert len(originals) == 1
            copy = mine if mine.duplicate_of is not None else theirs
            assert copy.duplicate_of == originals[0].id
        assert first.count() == len(deliveries)
        assert second.count(EventFilter(duplicates_only=True)) == len(deliveries)
        shown = [event.entity_id for event in first.iter_events()]
        assert sorted(shown) == sorted(d.entity_id or "" for d in deliveries)
    finally:
        first.close()
        second.close()


def test_events_from_another_store_reach_subscribers(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    dbname = parse_store_url(pg_database).dbname
    console, listener = _open(pg_cluster, dbname), _open(pg_cluster, dbname)
    seen: list[StoredEvent] = []
    console.subscribe(seen.append)
    try:
        ids = [listener.append(record(payload={"n": n})).id for n in range(5)]
        _wait_until(lambda: len(seen) == 5)
        assert [event.id for event in seen] == ids
        assert [event.payload for event in seen] == [{"n": n} for n in range(5)]
    finally:
        listener.close()
        console.close()


def test_a_subscriber_sees_every_event_of_concurrent_writers_in_order(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    """Ids from two writers' concurrent transactions: none is skipped by "id > last"."""
    dbname = parse_store_url(pg_database).dbname
    console = _open(pg_cluster, dbname)
    writers = [_open(pg_cluster, dbname) for _ in range(3)]
    seen: list[int] = []
    console.subscribe(lambda event: seen.append(event.id))
    written: list[int] = []
    lock = threading.Lock()

    def write(store: PostgresEventStore) -> None:
        for _ in range(10):
            futures = [store.submit(record()) for _ in range(40)]
            ids = [future.result(timeout=30).id for future in futures]
            with lock:
                written.extend(ids)

    threads = [threading.Thread(target=write, args=(store,)) for store in writers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        _wait_until(lambda: len(seen) >= len(written))
    finally:
        for store in writers:
            store.close()
        console.close()
    assert seen == sorted(written)


def test_a_transaction_holding_a_lower_id_makes_later_writers_wait(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    """Ids commit in the order they were drawn, so "id > last seen" never skips one.

    Another client's transaction draws an id and stays open; a store's append drawn after
    it must not commit first, or a subscriber reading in between would move past the
    lower id before it became visible, and never deliver it.
    """
    dbname = parse_store_url(pg_database).dbname
    console, listener = _open(pg_cluster, dbname), _open(pg_cluster, dbname)
    seen: list[int] = []
    console.subscribe(lambda event: seen.append(event.id))
    try:
        with psycopg.connect(**pg_cluster.admin_params(dbname)) as other:
            early = other.execute(
                "INSERT INTO events (received_us, source, event, verification, method, path, "
                "headers, raw_body, search) VALUES (0, 'bitrix', 'EARLY', 'verified', 'POST', "
                "'/', '[]', '', '') RETURNING id"
            ).fetchone()
            assert early is not None
            later = listener.submit(record())
            # The listener's insert is seen waiting on the lock the open transaction holds.
            with psycopg.connect(**pg_cluster.admin_params(dbname), autocommit=True) as watcher:
                _wait_until(lambda: _sessions_waiting_on_a_lock(watcher) >= 1)
            assert not later.done()
            other.commit()
        later_id = later.result(timeout=30).id
        _wait_until(lambda: len(seen) >= 2)
        assert seen == [early[0], later_id]
    finally:
        listener.close()
        console.close()


def test_an_unreadable_row_is_skipped_and_the_feed_goes_on(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    dbname = parse_store_url(pg_database).dbname
    console, listener = _open(pg_cluster, dbname), _open(pg_cluster, dbname)
    seen: list[int] = []
    console.subscribe(lambda event: seen.append(event.id))
    try:
        # Written by some other client, with headers that are not JSON.
        pg_cluster.psql(
            "INSERT INTO events (received_us, source, event, verification, method, path, "
            "headers, raw_body, search) VALUES (0, 'bitrix', 'BROKEN', 'verified', 'POST', "
            "'/', 'not json', '', '')",
            dbname,
        )
        after = listener.append(record()).id
        _wait_until(lambda: after in seen)
        assert seen == [after]
    finally:
        listener.close()
        console.close()
