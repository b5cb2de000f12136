"""Catch-up polling once per team: a PostgreSQL advisory lock per portal picks the poller.

Real parts throughout: a throwaway PostgreSQL cluster holds the team store and its locks,
and the sandbox portal answers over loopback HTTP.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from console.listener.catchup import CatchUpPoller, CatchUpReport, lease_name, poller_lease
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import EventFilter, EventSource, EventStore, LocalLease, SqliteEventStore
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.postgres.leases import AdvisoryLease
from console.store.postgres.schema import migrate
from tests.intake.test_catchup import PROFILE, change_orders, client_for
from tests.support.postgres import PgCluster, throwaway_cluster

INTERVAL = 1.0


def lease_params(cluster: PgCluster, dbname: str) -> dict[str, str]:
    return cluster.admin_params(dbname)


@pytest.fixture
def team_db(pg_cluster: PgCluster) -> Iterator[dict[str, str]]:
    name = pg_cluster.create_database()
    # The lease functions come with the store's schema.
    with psycopg.connect(**pg_cluster.admin_params(name), autocommit=True) as conn:
        migrate(conn)
    yield lease_params(pg_cluster, name)
    pg_cluster.drop_database(name)


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(burst=10_000, drain_rate=1000.0)) as started:
        yield started


class Reports:
    """The reports one poller made, in order, with the time each arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.items: list[tuple[float, CatchUpReport]] = []

    def __call__(self, report: CatchUpReport) -> None:
        with self._lock:
            self.items.append((time.monotonic(), report))

    def passes(self, since: float = 0.0) -> list[CatchUpReport]:
        with self._lock:
            return [r for t, r in self.items if t >= since and not r.standby]

    def standbys(self) -> list[CatchUpReport]:
        with self._lock:
            return [r for _, r in self.items if r.standby]


def start_poller(store: EventStore, portal: SandboxPortal) -> tuple[CatchUpPoller, Reports]:
    poller = CatchUpPoller(
        store,
        PROFILE,
        lambda: client_for(portal.webhook_url),
        portal_domain=portal.domain,
        interval_seconds=INTERVAL,
        initial_lookback=timedelta(minutes=5),
    )
    reports = Reports()
    poller.on_report = reports
    poller.start()
    return poller, reports


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.02)
    return False


def test_one_lease_holder_at_a_time_and_release_hands_it_on(team_db: dict[str, str]) -> None:
    first = AdvisoryLease(team_db, "catch-up:shop.example")
    second = AdvisoryLease(team_db, "catch-up:shop.example")
    other_portal = AdvisoryLease(team_db, "catch-up:other.example")
    try:
        assert first.held()
        assert not second.held()
        assert first.held()  # asking again keeps it
        assert other_portal.held()  # another portal is another job
        first.release()
        assert not first.held()  # released for good
        assert second.held()
    finally:
        for lease in (first, second, other_portal):
            lease.release()


def test_a_holder_whose_session_dies_loses_the_lease(
    pg_cluster: PgCluster, team_db: dict[str, str]
) -> None:
    first = AdvisoryLease(team_db, "catch-up:shop.example")
    second = AdvisoryLease(team_db, "catch-up:shop.example")
    try:
        assert first.held()
        terminate = "SELECT pg_terminate_backend(pid) FROM b24_lock_holders(%s)"
        pg_cluster.psql(terminate % "'lease:catch-up:shop.example'", team_db["dbname"])
        assert wait_for(second.held, 10)
        # The old holder notices at its next check and does not poll beside the new one.
        assert not first.held()
    finally:
        first.release()
        second.release()


def test_a_lease_on_an_unreachable_database_is_not_held() -> None:
    params = {"host": "127.0.0.1", "port": "1", "dbname": "none", "user": "nobody"}
    lease = AdvisoryLease(params, "catch-up:shop.example")
    assert not lease.held()
    assert lease.trouble is not None and "OperationalError" in lease.trouble
    lease.release()


def test_the_lease_name_is_the_portal_in_lower_case() -> None:
    # The key itself is derived in the database from this name (migration 4).
    assert lease_name("shop", "Shop.Bitrix24.COM") == "catch-up:shop.bitrix24.com"
    assert lease_name("shop", None) == "catch-up:profile:shop"


def test_a_store_of_one_process_needs_no_lease(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "events.sqlite3")
    try:
        lease = poller_lease(store, "catch-up:shop.example")
        assert isinstance(lease, LocalLease) and lease.held()
    finally:
        store.close()


def test_one_listener_of_the_team_polls_and_another_takes_over_within_an_interval(
    pg_cluster: PgCluster, pg_database: str, portal: SandboxPortal
) -> None:
    location = parse_store_url(pg_database)
    first_store = PostgresEventStore(location, pg_cluster.password)
    second_store = PostgresEventStore(location, pg_cluster.password)
    first, first_reports = start_poller(first_store, portal)
    assert wait_for(lambda: first_reports.passes(), 15), "the first listener never polled"
    second, second_reports = start_poller(second_store, portal)
    try:
        assert wait_for(lambda: second_reports.standbys(), 15)
        change_orders(portal, [103])
        # Three intervals with both running: only the first one polls.
        assert wait_for(lambda: len(first_reports.passes()) >= 4, 15)
        assert second_reports.passes() == []
        assert second.standing_by
        recorded = [r.recorded_ids for r in first_reports.passes() if r.recorded_ids]
        assert recorded == [[103]]

        first.stop()
        stopped_at = time.monotonic()
        assert wait_for(lambda: second_reports.passes(stopped_at), INTERVAL * 3 + 5)
        took_over_at = next(t for t, r in second_reports.items if not r.standby)
        # Within one interval (plus the pass itself and a loaded machine's slack).
        assert took_over_at - stopped_at < INTERVAL + 2.0
        assert not second.standing_by
        # It goes on from the team's cursor: what the first one recorded is not news.
        change_orders(portal, [117])
        assert wait_for(
            lambda: any(117 in r.recorded_ids for r in second_reports.passes(stopped_at)), 15
        )
        recorded_after = [r.recorded_ids for r in second_reports.passes() if r.recorded_ids]
        assert recorded_after == [[117]]
        found = second_store.query(EventFilter(sources=frozenset({EventSource.CATCH_UP})))
        assert sorted(event.order_id or "" for event in found) == ["103", "117"]
    finally:
        first.stop()
        second.stop()
        first_store.close()
        second_store.close()


def test_while_the_team_database_is_away_nobody_is_said_to_poll_and_polling_resumes(
    portal: SandboxPortal,
) -> None:
    with throwaway_cluster() as cluster:
        location = parse_store_url(cluster.url(cluster.create_database()))
        store = PostgresEventStore(location, cluster.password)
        poller, reports = start_poller(store, portal)
        try:
            assert wait_for(lambda: reports.passes(), 15)
            cluster.stop()
            stopped_at = time.monotonic()
            assert wait_for(
                lambda: any(
                    "team database cannot be reached" in (r.error or "")
                    for t, r in reports.items
                    if t >= stopped_at
                ),
                INTERVAL * 3 + 10,
            )
            # Not "another listener polls it": nobody can know while the database is away.
            assert reports.standbys() == []
            assert not poller.standing_by
            cluster.start()
            back_at = time.monotonic()
            assert wait_for(
                lambda: any(r.error is None for r in reports.passes(back_at)), INTERVAL * 3 + 20
            )
        finally:
            poller.stop()
            store.close()
