"""The throwaway cluster's durability switch: what bench_team's figures rest on."""

from __future__ import annotations

from tests.support.postgres import PgCluster, throwaway_cluster

SETTINGS = (
    "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings "
    "WHERE name IN ('fsync', 'full_page_writes', 'synchronous_commit')"
)


def test_the_tests_cluster_runs_without_fsync(pg_cluster: PgCluster) -> None:
    assert pg_cluster.psql(SETTINGS).strip() == (
        "fsync=off full_page_writes=off synchronous_commit=on"
    )


def test_a_durable_cluster_flushes_each_commit() -> None:
    with throwaway_cluster(durable=True) as cluster:
        assert cluster.psql(SETTINGS).strip() == (
            "fsync=on full_page_writes=on synchronous_commit=on"
        )
