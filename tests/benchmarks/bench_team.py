"""Team mode against the desktop's own store, side by side in one run (not part of the tests).

    uv run python -m tests.benchmarks.bench_team [--parts rest,follow,submit]
        [--events 2000] [--rate 200] [--calls 100] [--fsync on|off]

Starts a throwaway PostgreSQL cluster (tests/support/postgres.py, on loopback) and a
SQLite store in a temporary folder, then measures each figure for both stores. The
cluster runs with fsync and synchronous_commit on by default (``--fsync on``), so a
commit waits for the disk as the SQLite store's does; ``--fsync off`` runs it as the
tests do (fsync=off, no full-page writes), which is fast and not durable:

- ``rest``: five client processes hammering one sandbox portal (burst 50, drain 20/s):
  with the team's shared bucket (PostgreSQL) and with five in-process buckets (what five
  desktop consoles on SQLite stores do). Refusals are not retried, so every 503 counts.
  Ratio = wall time / the portal's floor ((requests - burst) / drain).
- ``follow``: a writer process appends ``--events`` events at ``--rate``/s; this process
  follows the store (``store.follow`` through the window's bridge into its feed model)
  and times commit -> row in the model; p50/p99/max.
- ``submit``: durable intake throughput into the store: 32 threads submit and wait for
  each future (the listener's path below HTTP), events/s.
- ``listener``: the real listener (aiohttp, verification, the store's group commit) under
  ``wrk`` (32 connections, ``--duration`` s, ~1.5 KB order forms, each its own delivery),
  answered 200 only once the event is committed: req/s, p99, and what was stored.
- ``big``: feed pages, searches and counts on ``--big-events`` events (default 1,000,000):
  the SQLite store from tests/benchmarks/build_store.py (built once into ``--big-dir``),
  copied row for row into PostgreSQL with COPY; median of ``--repeat`` runs, ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.store import EventStore, SqliteEventStore
from console.store.location import parse_store_url
from tests.store.records import record

BURST = 50
DRAIN = 20.0
PROCESSES = 5


def open_bench_store(url: str) -> EventStore:
    location = parse_store_url(url)
    if location.is_postgres:
        from console.store.postgres import PostgresEventStore

        return PostgresEventStore(location, os.environ.get("PGPASSWORD"))
    assert location.path is not None
    return SqliteEventStore(location.path)


@contextmanager
def stores(*, durable: bool = True) -> Iterator[dict[str, str]]:
    """URL of each store: a fresh SQLite file and a fresh database on a throwaway cluster."""
    from tests.support.postgres import throwaway_cluster

    folder = Path(tempfile.mkdtemp(prefix="b24-bench-team-"))
    with throwaway_cluster(durable=durable) as cluster:
        os.environ["PGPASSWORD"] = cluster.password
        dbname = cluster.create_database()
        yield {
            "sqlite": f"sqlite://{folder / 'events.sqlite3'}",
            "postgresql": cluster.url(dbname),
        }


# --- rest ----------------------------------------------------------------------------


def bucket_round_trip_ms(url: str, calls: int = 2000) -> float:
    """What drawing one call from the team's bucket costs (never waiting: a huge burst)."""
    from console.bitrix.limiter import BucketLimits

    store = open_bench_store(url)
    try:
        bucket = store.rest_bucket("round-trip.example", BucketLimits(10**9, 1.0))
        bucket.acquire()  # the connection and the prepared statement
        began = time.perf_counter()
        for _ in range(calls):
            bucket.acquire()
        return (time.perf_counter() - began) * 1000 / calls
    finally:
        store.close()


def bench_rest(urls: dict[str, str], calls: int) -> None:
    from console.sandbox import SandboxConfig, SandboxPortal
    from tests.support.rest_hammer import hammer

    location = parse_store_url(urls["postgresql"])
    open_bench_store(urls["postgresql"]).close()  # migrations: the bucket table
    config = SandboxConfig(port=0, burst=BURST, drain_rate=DRAIN, processing_seconds=0.0)
    print(f"\n{PROCESSES} clients x {calls} calls on one sandbox portal (burst {BURST}, "
          f"drain {DRAIN}/s), 503s not retried")  # fmt: skip
    for label, team_db in (
        ("postgresql: one shared bucket", location.conninfo_params()),
        ("sqlite: five in-process buckets", None),
    ):
        with SandboxPortal(config) as portal:
            result = hammer(
                portal.webhook_url,
                processes=PROCESSES,
                calls=calls,
                burst=BURST,
                drain=DRAIN,
                team_db=team_db,
                password=os.environ.get("PGPASSWORD"),
            )
        floor = result.floor_seconds(BURST, DRAIN)
        print(f"  {label:34s} ok {result.ok:4d}  503s {result.refused:4d}  "
              f"{result.seconds:6.2f} s  floor {floor:6.2f} s  "
              f"ratio {result.seconds / floor:5.2f}")  # fmt: skip
    print(f"  one draw from the team's bucket (the extra round trip): "
          f"{bucket_round_trip_ms(urls['postgresql']):.3f} ms; "
          f"in-process: {bucket_round_trip_ms(urls['sqlite']):.4f} ms")  # fmt: skip


# --- follow --------------------------------------------------------------------------


def writer(url: str, events: int, rate: float) -> None:
    """In its own process: append ``events`` at ``rate``/s; print {id: commit time}."""
    store = open_bench_store(url)
    committed: dict[int, float] = {}
    started = time.perf_counter()
    try:
        for n in range(events):
            due = started + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            # Unique per run: the same entity and ts again would be stored as a duplicate.
            result = store.append(record(entity_id=f"follow-{os.getpid()}-{n}"))
            committed[result.id] = time.time()
    finally:
        store.close()
    print(json.dumps(committed))


def bench_follow(url: str, events: int, rate: float) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from console.ui.bridge import StoreEventBridge
    from console.ui.jobs import JobRunner
    from console.ui.models.feed import EventFeedTableModel
    from tests.support.qt_loop import run_until

    app = QApplication.instance() or QApplication([])
    store = open_bench_store(url)
    jobs = JobRunner()
    model = EventFeedTableModel(jobs)
    model.set_store(store)
    run_until(lambda: not model.loading, 30)
    shown: dict[int, float] = {}

    def inserted(_parent: object, first: int, last: int) -> None:
        now = time.time()
        for row in range(first, last + 1):
            event_id = model.event_id(row)
            if event_id is not None:
                shown.setdefault(event_id, now)

    model.rowsInserted.connect(inserted)
    bridge = StoreEventBridge(lambda on_rows, on_conn: store.follow(on_rows, on_conn))
    bridge.events_committed.connect(lambda rows: [model.add_live(row) for row in rows])
    argv = [sys.executable, "-m", "tests.benchmarks.bench_team", "--writer", url,
            f"--events={events}", f"--rate={rate}"]  # fmt: skip
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(child.communicate()[0]))
    reader.start()
    run_until(lambda: len(shown) >= events, timeout=events / rate + 60)
    reader.join()
    bridge.detach()
    jobs.shutdown()
    store.close()
    del app
    committed = {int(k): v for k, v in json.loads(out[0]).items()}
    latencies = sorted((shown[i] - t) * 1000 for i, t in committed.items() if i in shown)
    missing = len(committed) - len(latencies)
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "max": latencies[-1],
        "missing": float(missing),
    }


# --- submit --------------------------------------------------------------------------


def bench_submit(url: str, events: int, threads: int = 32) -> float:
    store = open_bench_store(url)
    records = [record(entity_id=f"submit-{os.getpid()}-{n}") for n in range(events)]
    chunks = [records[i::threads] for i in range(threads)]

    def work(chunk: list[object]) -> None:
        for item in chunk:
            store.submit(item).result()  # type: ignore[arg-type]

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    store.close()
    return events / elapsed


# --- listener ------------------------------------------------------------------------


def bench_listener(url: str, duration: int) -> tuple[float, float, int, int]:
    """req/s, p99 ms, requests answered non-2xx, events this run stored."""
    from console.core.settings import ListenerSettings
    from console.listener.server import ListenerServer
    from console.store import EventFilter
    from tests.benchmarks.bench_listener import (
        DOMAIN,
        MEMBER,
        PATH,
        TOKEN,
        BitrixExpectation,
        StaticCredentialSource,
        run_wrk,
    )

    store = open_bench_store(url)
    creds = StaticCredentialSource({"shop": BitrixExpectation(TOKEN, DOMAIN, MEMBER)})
    everything = EventFilter(include_duplicates=True)
    try:
        before = store.count(everything)
        with ListenerServer(store, creds, ListenerSettings(port=0)) as server:
            result = run_wrk(server.base_url, PATH, duration, 32, 2)
        stored = store.count(everything) - before
    finally:
        store.close()
    return result.rps, result.p99_ms, result.non_2xx, stored


# --- big -----------------------------------------------------------------------------


def copy_into_postgres(sqlite_path: Path, url: str, chunk: int = 50_000) -> float:
    """Copy every event of the SQLite store into the (empty) PostgreSQL store; seconds."""
    import sqlite3

    import psycopg

    from console.store.postgres.rows import safe_text
    from console.store.postgres.search import event_vector
    from console.store.rows import RECORD_COLUMNS

    location = parse_store_url(url)
    open_bench_store(url).close()  # the schema
    columns = ("id", *RECORD_COLUMNS, "duplicate_of", "pinned")
    payload_at = columns.index("payload")
    body_at = columns.index("raw_body")
    summary_at = columns.index("summary")
    reason_at = columns.index("verification_reason")
    began = time.perf_counter()
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    params = location.conninfo_params(os.environ.get("PGPASSWORD"))
    with psycopg.connect(**params, autocommit=True) as target:
        cursor = source.execute(f"SELECT {', '.join(columns)} FROM events ORDER BY id")  # noqa: S608
        copied = 0
        while True:
            rows = cursor.fetchmany(chunk)
            if not rows:
                break
            statement = f"COPY events ({', '.join(columns)}, search) FROM STDIN"
            with target.cursor() as out, out.copy(statement) as copy:
                for row in rows:
                    values = [safe_text(v) if isinstance(v, str) else v for v in row]
                    values[-1] = bool(values[-1])
                    vector = event_vector(
                        values[payload_at], values[body_at], values[summary_at], values[reason_at]
                    )
                    copy.write_row((*values, vector))
            copied += len(rows)
            print(f"    copied {copied:,}", end="\r", flush=True)
        target.execute("SELECT setval('events_id_seq', (SELECT max(id) FROM events))")
        target.execute("VACUUM ANALYZE events")
    source.close()
    return time.perf_counter() - began


def _median_ms(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def big_cases(store: EventStore) -> list[tuple[str, object]]:
    from console.store import EventFilter, Verification
    from console.store.querylang import parse_query

    newest = store.query_rows(limit=1)[0].id
    deep = newest - 900_000 if newest > 900_000 else newest // 10
    page = 200
    cases: list[tuple[str, object]] = [
        ("feed: first page", lambda: store.query_rows(limit=page)),
        ("feed: page 900k deep (keyset)", lambda: store.query_rows(limit=page, before_id=deep)),
        ("feed: live top after_id", lambda: store.query_rows(limit=page, after_id=newest - 50)),
        (
            "page: rejected",
            lambda: store.query_rows(
                EventFilter(verification=frozenset({Verification.REJECTED})), limit=page
            ),
        ),
    ]
    for query in ("Шевченко", '"будь ласка"', "example.com", "UAH", "doesnotexist"):
        flt = parse_query(query).filter
        cases.append((f"search: {query}", lambda flt=flt: store.query_rows(flt, limit=page)))
    cases.append(("count: all", lambda: store.count(EventFilter())))
    cases.append(
        (
            "count: rejected",
            lambda: store.count(EventFilter(verification=frozenset({Verification.REJECTED}))),
        )
    )
    cases.append(("count: search Шевченко", lambda: store.count(EventFilter(text="Шевченко"))))
    return cases


def bench_big(urls: dict[str, str], events: int, folder: Path, repeat: int) -> None:
    from tests.benchmarks.build_store import build_store

    folder.mkdir(parents=True, exist_ok=True)
    sqlite_path = folder / "events.sqlite3"
    built = build_store(sqlite_path, events, quiet=True)
    how = f"built in {built:.0f} s" if built else "reused"
    print(f"  SQLite store of {events:,} events: {how}")
    seconds = copy_into_postgres(sqlite_path, urls["postgresql"])
    print(f"  copied into PostgreSQL with COPY in {seconds:.0f} s")
    sqlite_store = SqliteEventStore(sqlite_path)
    pg_store = open_bench_store(urls["postgresql"])
    try:
        print(f"  {'case':36s} {'sqlite ms':>10s} {'postgresql ms':>14s}")
        for (name, run_sqlite), (_, run_pg) in zip(
            big_cases(sqlite_store), big_cases(pg_store), strict=True
        ):
            first = _median_ms(run_sqlite, repeat)
            second = _median_ms(run_pg, repeat)
            print(f"  {name:36s} {first:10.2f} {second:14.2f}")
    finally:
        sqlite_store.close()
        pg_store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", default="listener,submit,follow,rest,big")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--big-events", type=int, default=1_000_000)
    parser.add_argument(
        "--big-dir", type=Path, default=Path(tempfile.gettempdir()) / "b24-bench-team"
    )
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--fsync",
        choices=("on", "off"),
        default="on",
        help="the PostgreSQL cluster's fsync and synchronous_commit (default on: durable)",
    )
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        writer(args.writer, args.events, args.rate)
        return
    parts = set(args.parts.split(","))
    durable = args.fsync == "on"
    print(
        "postgresql cluster: "
        + ("fsync=on synchronous_commit=on (durable)" if durable else "fsync=off (not durable)")
    )
    with stores(durable=durable) as urls:
        if "submit" in parts:
            print(f"\ndurable intake, {args.events * 5} events, 32 submitting threads (events/s)")
            for kind, url in urls.items():
                print(f"  {kind:10s} {bench_submit(url, args.events * 5):10,.0f}")
        if "follow" in parts:
            print(f"\ncommit -> row in another process's feed model, {args.events} events "
                  f"at {args.rate:.0f}/s (ms)")  # fmt: skip
            for kind, url in urls.items():
                figures = bench_follow(url, args.events, args.rate)
                print(f"  {kind:10s} p50 {figures['p50']:7.1f}  p99 {figures['p99']:7.1f}  "
                      f"max {figures['max']:7.1f}  missing {figures['missing']:.0f}")  # fmt: skip
        if "listener" in parts:
            print(f"\ndurable listener under wrk, 32 connections, {args.duration} s")
            for kind, url in urls.items():
                rps, p99, bad, stored = bench_listener(url, args.duration)
                print(f"  {kind:10s} {rps:8,.0f} req/s  p99 {p99:7.1f} ms  non-2xx {bad}  "
                      f"stored {stored:,}")  # fmt: skip
        if "rest" in parts:
            bench_rest(urls, args.calls)
        if "big" in parts:
            print(f"\nfeed page, search and count at {args.big_events:,} events "
                  f"(median of {args.repeat})")  # fmt: skip
            bench_big(urls, args.big_events, args.big_dir, args.repeat)


if __name__ == "__main__":
    main()
