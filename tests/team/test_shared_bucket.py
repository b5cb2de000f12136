"""One REST bucket for the whole team: five client processes on one portal, zero 503s.

The control runs the same five processes with their own in-process buckets, as five
desktop consoles would: each believes it has the whole burst, and the portal refuses.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from console.bitrix.limiter import BucketLimits
from console.sandbox import SandboxConfig, SandboxPortal
from console.store.location import parse_store_url
from console.store.postgres.migrations.m0002_team import SQL as TEAM_SCHEMA_SQL
from console.store.postgres.team import TeamTables
from tests.support.postgres import PgCluster
from tests.support.rest_hammer import hammer

BURST = 10
DRAIN = 25.0
PROCESSES = 5
CALLS = 30


@pytest.fixture
def team_db(pg_cluster: PgCluster, pg_database: str) -> dict[str, str]:
    params = parse_store_url(pg_database).conninfo_params(pg_cluster.password)
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(TEAM_SCHEMA_SQL)
    params.pop("password")
    return params


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
    team_db: dict[str, str], pg_cluster: PgCluster
) -> None:
    tables = TeamTables({**team_db, "password": pg_cluster.password})
    try:
        bucket = tables.rest_bucket("shop.example:443", BucketLimits(5, 1.0, headroom=0))
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
        other = TeamTables({**team_db, "password": pg_cluster.password})
        try:
            same = other.rest_bucket("SHOP.example:443", BucketLimits(5, 1.0, headroom=0))
            assert same.level == pytest.approx(bucket.level, abs=0.3)
        finally:
            other.close()
    finally:
        tables.close()
