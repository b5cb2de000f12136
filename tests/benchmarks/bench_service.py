"""The team listener as a service: what /healthz costs, and how soon polling is taken over.

Run: ``uv run python -m tests.benchmarks.bench_service`` (needs the PostgreSQL server
binaries; starts a throwaway cluster). Prints:

- /healthz latency (median, p99) of a listener on the SQLite store and on the PostgreSQL
  store, whose health check asks the database each time;
- the delay from stopping the polling listener's poller to another one's first pass, for
  a 1 s interval, over a few trials stopped at different points of the interval.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import httpx

from console.core.settings import ListenerSettings
from console.listener.catchup import CatchUpPoller, CatchUpReport
from console.listener.server import ListenerServer
from console.listener.verification import StaticCredentialSource
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import EventStore, SqliteEventStore
from console.store.location import StoreLocation, parse_store_url
from console.store.postgres import PostgresEventStore
from tests.intake.test_catchup import PROFILE, client_for
from tests.support.postgres import PgCluster, throwaway_cluster

T = TypeVar("T")

HEALTH_REQUESTS = 500
INTERVAL = 1.0
TRIALS = 5


def health_latency(store: EventStore) -> tuple[float, float]:
    """Median and p99 of /healthz in milliseconds, after a warm-up."""
    server = ListenerServer(store, StaticCredentialSource(), ListenerSettings(port=0))
    with server, httpx.Client(base_url=server.base_url) as client:
        for _ in range(50):
            client.get("/healthz")
        times = []
        for _ in range(HEALTH_REQUESTS):
            start = time.perf_counter()
            if client.get("/healthz").status_code != 200:
                raise RuntimeError("the listener is not healthy")
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)]


def _first_truthy(check: Callable[[], T], seconds: float = 60.0) -> T:
    """``check()`` polled every 5 ms (the resolution of the delays measured) until it is
    truthy; RuntimeError after ``seconds``, so a poller that never reports cannot hang
    the run."""
    deadline = time.monotonic() + seconds
    while not (found := check()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing reported within {seconds:.0f} s")
        time.sleep(0.005)
    return found


def takeover_delay(
    cluster: PgCluster, location: StoreLocation, portal: SandboxPortal, wait: float
) -> float:
    stores = [PostgresEventStore(location, cluster.password) for _ in range(2)]
    reports: list[list[tuple[float, CatchUpReport]]] = [[], []]
    pollers = []
    for which, store in enumerate(stores):
        poller = CatchUpPoller(
            store,
            PROFILE,
            lambda: client_for(portal.webhook_url),
            portal_domain=portal.domain,
            interval_seconds=INTERVAL,
            initial_lookback=timedelta(minutes=5),
        )
        poller.on_report = lambda report, mine=reports[which]: mine.append(
            (time.monotonic(), report)
        )
        pollers.append(poller)
    try:
        pollers[0].start()
        _first_truthy(lambda: reports[0])
        pollers[1].start()
        _first_truthy(lambda: any(report.standby for _, report in reports[1]))
        time.sleep(wait)  # the point of the interval this trial stops at
        pollers[0].stop()
        stopped = time.monotonic()
        passes = _first_truthy(lambda: [t for t, r in reports[1] if t >= stopped and not r.standby])
        return passes[0] - stopped
    finally:
        for poller in pollers:
            poller.stop()
        for store in stores:
            store.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, throwaway_cluster() as cluster:
        sqlite = SqliteEventStore(Path(tmp) / "events.sqlite3")
        location = parse_store_url(cluster.url(cluster.create_database()))
        postgres = PostgresEventStore(location, cluster.password)
        try:
            for name, store in (("SQLite", sqlite), ("PostgreSQL", postgres)):
                median, p99 = health_latency(store)
                print(
                    f"/healthz on {name:10}: median {median:.2f} ms, p99 {p99:.2f} ms "
                    f"({HEALTH_REQUESTS} requests)"
                )
        finally:
            sqlite.close()
            postgres.close()
        with SandboxPortal(SandboxConfig(burst=10_000, drain_rate=1000.0)) as portal:
            delays = [
                takeover_delay(cluster, location, portal, wait=INTERVAL * trial / TRIALS)
                for trial in range(TRIALS)
            ]
        shown = ", ".join(f"{delay:.2f}" for delay in delays)
        print(
            f"catch-up taken over after the poller stopped (interval {INTERVAL:g} s): "
            f"{shown} s; longest {max(delays):.2f} s (includes the first pass)"
        )


if __name__ == "__main__":
    main()
