"""One REST bucket for the whole team: five client processes on one portal, zero 503s.

The control runs the same five processes with their own in-process buckets, as five
desktop consoles would: each believes it has the whole burst, and the portal refuses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.limiter import BucketLimits, buckets_in_use, limiter_for
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import SqliteEventStore
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.postgres.team import POOL_WAIT_SECONDS, TeamTables
from tests.support.postgres import PgCluster, free_port
from tests.support.rest_hammer import hammer

BURST = 10
DRAIN = 25.0
PROCESSES = 5
CALLS = 30


@pytest.fixture
def team_db(pg_cluster: PgCluster, pg_database: str) -> dict[str, str]:
    location = parse_store_url(pg_database)
    # The store's migrations create the bucket table, as `store init` does.
    PostgresEventStore(location, pg_cluster.password).close()
    return location.conninfo_params()


@pytest.fixture
def limited_portal() -> Iterator[SandboxPortal]:
    config = SandboxConfig(port=0, burst=BURST, drain_rate=DRAIN, processing_seconds=0.0)
    with SandboxPortal(config) as portal:
        yield portal


def test_five_processes_sharing_the_team_bucket_get_no_503(
    limited_portal: SandboxPortal, team_db: dict[str, str], pg_cluster: PgCluster
) -> None:
    result = hammer(
        limited_portal.webhook_url,
        processes=PROCESSES,
        calls=CALLS,
        burst=BURST,
        drain=DRAIN,
        team_db=team_db,
        password=pg_cluster.password,
    )
    assert result.refused == 0
    assert result.ok == PROCESSES * CALLS
    # They still used the portal's budget: not much slower than its floor.
    assert result.seconds < 2 * result.floor_seconds(BURST, DRAIN) + 2


def test_control_five_in_process_buckets_overshoot(limited_portal: SandboxPortal) -> None:
    result = hammer(
        limited_portal.webhook_url, processes=PROCESSES, calls=CALLS, burst=BURST, drain=DRAIN
    )
    assert result.refused > 0


def test_the_bucket_row_drains_on_the_database_clock(
    pg_database: str, pg_cluster: PgCluster
) -> None:
    store = PostgresEventStore(parse_store_url(pg_database), pg_cluster.password)
    try:
        bucket = store.rest_bucket("shop.example:443", BucketLimits(5, 1.0, headroom=0))
        waits = [bucket.reserve() for _ in range(7)]
        assert waits[:5] == [0.0] * 5
        # The sixth and seventh are queued one and two drain intervals out (less the
        # little the bucket drained while the statements ran).
        assert 0.8 < waits[5] <= 1.0
        assert 1.8 < waits[6] <= 2.0
        assert bucket.level == pytest.approx(7.0, abs=0.3)
        bucket.note_refused()
        assert bucket.level >= 5.0
        # The same portal is the same row for every process: a second pool sees it.
        other = PostgresEventStore(parse_store_url(pg_database), pg_cluster.password)
        try:
            same = other.rest_bucket("SHOP.example:443", BucketLimits(5, 1.0, headroom=0))
            assert same.level == pytest.approx(bucket.level, abs=0.3)
        finally:
            other.close()
    finally:
        store.close()


def test_a_local_store_keeps_the_in_process_bucket(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "events.sqlite3")
    try:
        limits = BucketLimits(5, 1.0)
        assert store.rest_bucket("shop.example", limits) is limiter_for("shop.example", limits)
    finally:
        store.close()


def test_a_client_draws_from_the_bucket_its_store_hands_out(
    pg_database: str, pg_cluster: PgCluster, limited_portal: SandboxPortal
) -> None:
    store = PostgresEventStore(parse_store_url(pg_database), pg_cluster.password)
    try:
        auth = WebhookAuth.from_url(limited_portal.webhook_url)
        # A slow drain: the one call is still in the bucket when it is read.
        limits = BucketLimits(BURST, 0.01)
        with BitrixClient(auth, limits=limits, bucket_for=store.rest_bucket) as client:
            assert client.limiter is store.rest_bucket(client.portal_host, limits)
            client.call("server.time")
            # The status bar reads the team's row, as every console of the team would.
            assert buckets_in_use()[client.portal_host.lower()] is client.limiter
            assert client.limiter.level == pytest.approx(1.0, abs=0.05)
    finally:
        store.close()


def test_an_unreachable_database_falls_back_to_the_local_bucket_at_once() -> None:
    # Nothing listens on this port: every connection attempt is refused.
    tables = TeamTables(
        {"host": "127.0.0.1", "port": str(free_port()), "dbname": "team", "user": "nobody"}
    )
    try:
        limits = BucketLimits(5, 1.0, headroom=0)
        bucket = tables.rest_bucket("offline.example", limits)
        local = limiter_for("offline.example", limits)
        began = time.monotonic()
        waits = [bucket.reserve() for _ in range(6)]
        # The first call found the database away; the rest did not wait for it again.
        assert time.monotonic() - began < POOL_WAIT_SECONDS + 1.0
        assert waits[:5] == [0.0] * 5 and waits[5] > 0
        assert local.level == pytest.approx(6.0, abs=0.2)
    finally:
        tables.close()
