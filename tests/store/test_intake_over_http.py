"""Issue 14 end to end: real HTTP into a real listener on the team's PostgreSQL store.

A forged event whose profile (the URL's, unauthenticated) is longer than a btree takes
used to fail the whole group commit it landed in: 19 of 20 genuine deliveries sent with it
got 503. A genuine Horoshop order whose comment holds a 2,047-letter run got 503 on every
retry. Both are stored now, and nobody else pays for them.
"""

from __future__ import annotations

import json
import random
import string
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.store import EventFilter, EventSource, Verification
from console.store.bounds import MAX_INDEXED_BYTES
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from tests.listener.conftest import FORM, HOROSHOP_SECRET, credentials, sample
from tests.support.postgres import PgCluster

GENUINE = sample("bitrix-onsaleordersaved-app.form")


def _delivery(order_id: int) -> bytes:
    return GENUINE.replace(b"%5BID%5D=300&", f"%5BID%5D={order_id}&".encode())


@pytest.fixture
def team_listener(
    pg_cluster: PgCluster, pg_database: str
) -> Iterator[tuple[PostgresEventStore, httpx.Client]]:
    store = PostgresEventStore(parse_store_url(pg_database), pg_cluster.password)
    server = ListenerServer(store, credentials(), ListenerSettings(port=0))
    server.start()
    client = httpx.Client(base_url=server.base_url, timeout=60)
    try:
        yield store, client
    finally:
        client.close()
        server.stop()
        store.close()


def test_a_forged_event_with_a_huge_profile_fails_no_genuine_delivery(
    team_listener: tuple[PostgresEventStore, httpx.Client],
) -> None:
    store, client = team_listener
    chooser = random.Random(14)
    profile = "".join(chooser.choice(string.ascii_letters) for _ in range(3000))
    start = threading.Barrier(21)

    def post(path: str, body: bytes) -> httpx.Response:
        start.wait(30)  # all at the same moment: they share group commits
        return client.post(path, content=body, headers=FORM)

    with ThreadPoolExecutor(21) as pool:
        genuine = [pool.submit(post, "/bitrix/shop", _delivery(1000 + n)) for n in range(20)]
        forged = pool.submit(post, f"/bitrix/{profile}", _delivery(5000))
        answers = [future.result(60).status_code for future in genuine]
        refused = forged.result(60)

    assert answers == [200] * 20
    assert 400 <= refused.status_code < 500
    assert client.get("/healthz").status_code == 200
    kept = store.query(EventFilter(verification=frozenset({Verification.REJECTED})))
    assert len(kept) == 1
    assert kept[0].profile is not None
    assert len(kept[0].profile.encode()) <= MAX_INDEXED_BYTES
    assert profile.startswith(kept[0].profile[:-1])


def test_a_horoshop_order_with_a_2047_letter_comment_run_is_stored(
    team_listener: tuple[PostgresEventStore, httpx.Client],
) -> None:
    store, client = team_listener
    order = json.loads(sample("horoshop-order_created.json"))
    order["comment"] = "Зателефонуйте " + "a" * 2047
    response = client.put(
        f"/horoshop/{HOROSHOP_SECRET}",
        content=json.dumps(order, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200
    found = store.query(EventFilter(sources=frozenset({EventSource.HOROSHOP}), text="зателеф"))
    assert [event.verification for event in found] == [Verification.VERIFIED]
