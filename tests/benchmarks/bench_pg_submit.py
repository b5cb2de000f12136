"""Durable submit throughput, PostgreSQL beside SQLite in one run.

``uv run python -m tests.benchmarks.bench_pg_submit [--events N] [--threads T]``

T threads submit N events (about 400 bytes of payload each, Cyrillic, e-mail, phone, SKUs)
and wait for every future: each counts only once its group is committed. The throwaway
cluster runs with fsync=off (tests/support/postgres.py), as SQLite here runs with
synchronous=NORMAL: neither figure includes a disk flush. Measured, never asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from console.store import EventRecord, SqliteEventStore
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from tests.store.records import record
from tests.support.postgres import throwaway_cluster


def _records(count: int) -> list[EventRecord]:
    return [
        record(
            payload={
                "delivery_name": f"Олена Коваленко {n}",
                "email": f"olena{n}@example.com",
                "phone": "+38 (012) 421-42-14",
                "items": [{"sku": f"AB-{n}-{line}", "qty": line} for line in range(5)],
            }
        )
        for n in range(count)
    ]


def run(
    store: SqliteEventStore | PostgresEventStore, records: list[EventRecord], threads: int
) -> str:
    chunks = [records[index::threads] for index in range(threads)]

    def produce(chunk: list[EventRecord]) -> None:
        futures = [store.submit(item) for item in chunk]
        for future in futures:
            future.result()

    began = time.perf_counter()
    workers = [threading.Thread(target=produce, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - began
    transactions, events = store.group_stats()
    rate = len(records) / seconds
    return f"{rate:>8,.0f} events/s  ({events:,} events in {transactions:,} transactions)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    records = _records(args.events)
    with throwaway_cluster() as cluster:
        location = parse_store_url(cluster.url(cluster.create_database()))
        with PostgresEventStore(location, cluster.password) as pg_store:
            print(f"postgresql {run(pg_store, records, args.threads)}")
    with (
        tempfile.TemporaryDirectory() as directory,
        SqliteEventStore(Path(directory) / "events.sqlite3") as sqlite_store,
    ):
        print(f"sqlite     {run(sqlite_store, records, args.threads)}")


if __name__ == "__main__":
    main()
