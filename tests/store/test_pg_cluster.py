"""The throwaway PostgreSQL cluster the team-store tests run against."""

from __future__ import annotations

import psycopg

from tests.support.postgres import PgCluster


def test_a_fresh_database_takes_a_password_login_over_tcp(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    dbname = pg_database.rsplit("/", 1)[1]
    with psycopg.connect(**pg_cluster.admin_params(dbname)) as conn:
        row = conn.execute("select current_database(), inet_server_addr()::text").fetchone()
    assert row == (dbname, "127.0.0.1/32")


def test_a_wrong_password_is_refused(pg_cluster: PgCluster, pg_database: str) -> None:
    params = pg_cluster.admin_params(pg_database.rsplit("/", 1)[1]) | {"password": "wrong"}
    try:
        psycopg.connect(**params).close()
    except psycopg.OperationalError as exc:
        assert "password authentication failed" in str(exc)
    else:
        raise AssertionError("the cluster accepted a wrong password")
