"""Listeners on the team's PostgreSQL store: health that covers the database, and two
listeners behind one address that receive the same deliveries.

Real HTTP on loopback into real listeners, each on a real PostgresEventStore. The test
that stops the server runs its own cluster, so the session's shared one stays up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.store import EventFilter, Verification
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from tests.listener.conftest import FORM, credentials, sample
from tests.support.postgres import PgCluster, throwaway_cluster

GENUINE = sample("bitrix-onsaleordersaved-app.form")


def delivery(order_id: int) -> bytes:
    """The sample ONSALEORDERSAVED event, about order ``order_id`` (a delivery of its own)."""
    body = GENUINE.replace(b"%5BID%5D=300&", f"%5BID%5D={order_id}&".encode())
    assert body != GENUINE or order_id == 300
    return body


def open_store(cluster: PgCluster, dbname: str) -> PostgresEventStore:
    return PostgresEventStore(parse_store_url(cluster.url(dbname)), cluster.password)


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def stored_orders(store: PostgresEventStore) -> list[str]:
    flt = EventFilter(verification=frozenset({Verification.VERIFIED}), include_duplicates=True)
    return sorted(event.order_id or "" for event in store.iter_events(flt))


@pytest.fixture
def own_cluster() -> Iterator[PgCluster]:
    with throwaway_cluster() as cluster:
        yield cluster


def test_a_database_that_goes_away_means_503_until_it_is_back_then_200_by_itself(
    own_cluster: PgCluster,
) -> None:
    store = open_store(own_cluster, own_cluster.create_database())
    server = ListenerServer(store, credentials(), ListenerSettings(port=0))
    server.start()
    client = httpx.Client(base_url=server.base_url, timeout=60)

    def post(order_id: int) -> httpx.Response:
        return client.post("/bitrix/shop", content=delivery(order_id), headers=FORM)

    try:
        assert post(1).status_code == 200
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json()["store"]["database"] == "ok"

        own_cluster.stop()
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.headers["Retry-After"]
        assert health.json()["store"]["database"] != "ok"
        answers = {order_id: post(order_id) for order_id in range(2, 7)}
        # Never a 200 for an event that could not be committed, and the sender is told
        # when to come back.
        assert {answer.status_code for answer in answers.values()} == {503}
        assert all(answer.headers["Retry-After"] for answer in answers.values())
        assert "not stored" in answers[2].json()["error"]
        assert client.get("/healthz").status_code == 503

        own_cluster.start()
        # Back to 200 without an event to prove it: the health check asks the database.
        assert wait_for(lambda: client.get("/healthz").status_code == 200, 60)
        assert post(7).status_code == 200
        # Every acknowledged event is in the database; none of the refused ones were
        # acknowledged, whatever became of them.
        assert {"1", "7"} <= set(stored_orders(store))
    finally:
        client.close()
        server.stop()
        store.close()


def test_deliveries_while_the_database_restarts_are_acknowledged_only_when_kept(
    own_cluster: PgCluster,
) -> None:
    store = open_store(own_cluster, own_cluster.create_database())
    server = ListenerServer(store, credentials(), ListenerSettings(port=0))
    server.start()
    acknowledged: list[int] = []
    refused: list[int] = []
    stop = threading.Event()

    def send() -> None:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            order_id = 1000
            while not stop.is_set():
                order_id += 1
                answer = client.post("/bitrix/shop", content=delivery(order_id), headers=FORM)
                (acknowledged if answer.status_code == 200 else refused).append(order_id)
                assert answer.status_code in (200, 503), answer.text

    sender = threading.Thread(target=send)
    sender.start()
    try:
        assert wait_for(lambda: len(acknowledged) >= 20, 30)
        own_cluster.restart(down_seconds=1.0)
        assert wait_for(lambda: bool(refused), 30)
        count = len(acknowledged)
        assert wait_for(lambda: len(acknowledged) >= count + 20, 60)
    finally:
        stop.set()
        sender.join(60)
    try:
        kept = set(stored_orders(store))
        assert {str(order_id) for order_id in acknowledged} <= kept
        assert refused, "the restart was never noticed"
    finally:
        server.stop()
        store.close()


def test_two_listeners_receive_the_same_deliveries_store_each_once_and_both_answer_200(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    dbname = parse_store_url(pg_database).dbname
    stores = [open_store(pg_cluster, dbname), open_store(pg_cluster, dbname)]
    servers = [ListenerServer(store, credentials(), ListenerSettings(port=0)) for store in stores]
    for server in servers:
        server.start()
    orders = list(range(500, 600))
    answers: dict[int, list[httpx.Response]] = {0: [], 1: []}
    start = threading.Barrier(2)

    def deliver(which: int) -> None:
        with httpx.Client(base_url=servers[which].base_url, timeout=60) as client:
            start.wait()
            for order_id in orders:
                answers[which].append(
                    client.post("/bitrix/shop", content=delivery(order_id), headers=FORM)
                )

    threads = [threading.Thread(target=deliver, args=(which,)) for which in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    try:
        for which in (0, 1):
            assert [answer.status_code for answer in answers[which]] == [200] * len(orders)
        # Each delivery once in the feed, whichever listener stored it first; the other
        # listener's copy is kept as a duplicate of it.
        assert stores[0].count() == len(orders)
        assert stores[1].count() == len(orders)
        shown = sorted(int(event.order_id or 0) for event in stores[1].iter_events())
        assert shown == orders
        assert stores[0].count(EventFilter(duplicates_only=True)) == len(orders)
        for first, second in zip(answers[0], answers[1], strict=True):
            statuses = sorted((first.json()["status"], second.json()["status"]))
            assert statuses == ["duplicate", "stored"]
    finally:
        for server in servers:
            server.stop()
        for store in stores:
            store.close()
