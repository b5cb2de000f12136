"""Presence in the team database, and following it across a cut connection."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from console.store import FeedRow
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.postgres.migrations.m0002_team import SQL as TEAM_SCHEMA_SQL
from console.store.postgres.migrations.m0003_listener_presence import (
    SQL as LISTENER_PRESENCE_SQL,
)
from console.store.postgres.team import TeamTables
from console.store.team import PresenceMember
from tests.store.records import record
from tests.support.postgres import PgCluster


@pytest.fixture
def conninfo(pg_cluster: PgCluster, pg_database: str) -> dict[str, str]:
    params = parse_store_url(pg_database).conninfo_params(pg_cluster.password)
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(TEAM_SCHEMA_SQL)
        conn.execute(LISTENER_PRESENCE_SQL)
    return params


@pytest.fixture
def tables(conninfo: dict[str, str]) -> Iterator[TeamTables]:
    opened = TeamTables(conninfo)
    try:
        yield opened
    finally:
        opened.close()


def test_presence_lists_who_heartbeats_and_forgets_who_left(tables: TeamTables) -> None:
    presence = tables.presence()
    anna = PresenceMember(operator="Анна", host="desk-1", pid=101)
    bohdan = PresenceMember(operator="bohdan", host="desk-2", pid=202)
    presence.heartbeat(anna)
    presence.heartbeat(bohdan)
    presence.heartbeat(anna)  # a second beat updates, it does not add a row
    present = presence.present()
    assert sorted((e.operator, e.host, e.pid) for e in present) == [
        ("bohdan", "desk-2", 202),
        ("Анна", "desk-1", 101),
    ]
    assert all(e.last_seen >= e.started_at for e in present)
    presence.leave(bohdan)
    assert [e.operator for e in presence.present()] == ["Анна"]


def test_a_silent_window_is_no_longer_present(tables: TeamTables) -> None:
    presence = tables.presence()
    presence.heartbeat(PresenceMember(operator="quiet"))
    # "busy" keeps beating while "quiet" ages past the second: polled, not slept on, so a
    # slow machine cannot let "busy" age too.
    busy = PresenceMember(operator="busy")
    deadline = time.monotonic() + 30
    while True:
        presence.heartbeat(busy)
        present = [e.operator for e in presence.present(within_seconds=1.0)]
        if present == ["busy"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert present == ["busy"]


def test_follower_reconnects_after_a_cut_and_leaves_no_gap(
    pg_cluster: PgCluster, pg_database: str
) -> None:
    store = PostgresEventStore(parse_store_url(pg_database), pg_cluster.password)
    writer = PostgresEventStore(parse_store_url(pg_database), pg_cluster.password)
    seen: list[FeedRow] = []
    states: list[bool] = []
    arrived = threading.Condition()

    def on_rows(rows: list[FeedRow]) -> None:
        with arrived:
            seen.extend(rows)
            arrived.notify_all()

    def on_connection(connected: bool) -> None:
        with arrived:
            states.append(connected)
            arrived.notify_all()

    def wait_for(check: object, timeout: float = 15.0) -> None:
        with arrived:
            assert arrived.wait_for(check, timeout=timeout)  # type: ignore[arg-type]

    before = writer.append(record())
    stop = store.follow(on_rows, on_connection)
    try:
        first = writer.append(record())
        wait_for(lambda: [row.id for row in seen] == [first.id])

        # Cut the follower's connection (as a network failure would) and store while
        # it is away: nobody notifies it of these.
        with psycopg.connect(**pg_cluster.admin_params(), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%%' AND pid <> pg_backend_pid()"
            )
        missed = [writer.append(record()).id for _ in range(5)]
        wait_for(lambda: states[:2] == [False, True])
        wait_for(lambda: len(seen) == 6)
        after = writer.append(record())
        wait_for(lambda: len(seen) == 7)
    finally:
        stop()
        writer.close()
        store.close()
    ids = [row.id for row in seen]
    assert before.id not in ids
    assert ids == [first.id, *missed, after.id]
