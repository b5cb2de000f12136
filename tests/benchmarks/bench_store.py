"""Throughput of the event store: ``uv run python -m tests.benchmarks.bench_store``.

Not collected by pytest (no ``test_`` prefix): speed is measured here, never asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path

from console.store import AppendResult, EventFilter, SqliteEventStore
from tests.store.records import record


def bench_appends(path: Path, threads: int, per_thread: int) -> float:
    """Events per second with ``threads`` producers each waiting for every commit."""
    with SqliteEventStore(path) as store:
        start = threading.Barrier(threads + 1)

        def produce() -> None:
            start.wait()
            for _ in range(per_thread):
                store.append(record(raw_body=b"x" * 1500))

        workers = [threading.Thread(target=produce) for _ in range(threads)]
        for worker in workers:
            worker.start()
        start.wait()
        began = time.perf_counter()
        for worker in workers:
            worker.join()
        return threads * per_thread / (time.perf_counter() - began)


def bench_burst(path: Path, count: int) -> float:
    """Events per second when one producer submits a burst and waits at the end."""
    with SqliteEventStore(path) as store:
        began = time.perf_counter()
        futures: list[Future[AppendResult]] = [
            store.submit(record(raw_body=b"x" * 1500)) for _ in range(count)
        ]
        for future in futures:
            future.result()
        return count / (time.perf_counter() - began)


def bench_queries(path: Path) -> tuple[float, float]:
    """Milliseconds for a first feed page and a full-text search page."""
    with SqliteEventStore(path) as store:
        began = time.perf_counter()
        store.query(limit=100)
        page = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        store.query(EventFilter(text="ONSALEORDERSAVED"), limit=100)
        return page, (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.sqlite3"
        print(f"burst of {args.count}: {bench_burst(path, args.count):,.0f} events/s")
        for threads in (1, 8, 32):
            rate = bench_appends(path, threads, max(1, args.count // 4 // threads))
            print(f"{threads:>2} threads, append() each: {rate:,.0f} events/s")
        page, search = bench_queries(path)
        print(f"feed page: {page:.1f} ms, search page: {search:.1f} ms")


if __name__ == "__main__":
    main()
