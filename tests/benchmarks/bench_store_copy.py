"""``store copy`` throughput: a desktop's SQLite store into PostgreSQL and back.

Run: ``uv run python -m tests.benchmarks.bench_store_copy [--events N]`` (default 100,000).
Builds the store with :mod:`tests.benchmarks.build_store`, starts a throwaway cluster,
runs ``store init`` and then ``store copy`` both ways through the command line, and
prints events per second for each direction (not part of the test run).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

from console.cli import main as cli
from tests.benchmarks.build_store import build_store
from tests.support.postgres import throwaway_cluster


def _timed_copy(source: str, target: str) -> float:
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli(["store", "copy", source, target, "--json", "--batch", "1000"])
    if code != 0:
        raise SystemExit(f"store copy {source} {target} failed: {code}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-copy-"))
    os.environ["B24_CONSOLE_CONFIG_DIR"] = str(root / "config")
    os.environ["B24_CONSOLE_DATA_DIR"] = str(root / "data")
    desktop = root / "desktop.sqlite3"
    build_store(desktop, args.events, quiet=True)
    with closing(sqlite3.connect(desktop)) as conn:
        total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with throwaway_cluster() as cluster:
        os.environ["B24_STORE_PASSWORD"] = cluster.password
        team = cluster.url(cluster.create_database())
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli(["store", "init", team]) == 0
        into = _timed_copy(f"sqlite://{desktop}", team)
        again = _timed_copy(f"sqlite://{desktop}", team)
        back = _timed_copy(team, f"sqlite://{root / 'back.sqlite3'}")
    print(f"events: {total:,}")
    print(f"SQLite -> PostgreSQL: {into:.1f} s, {total / into:,.0f} events/s")
    print(f"again (nothing new):  {again:.2f} s")
    print(f"PostgreSQL -> SQLite: {back:.1f} s, {total / back:,.0f} events/s")


if __name__ == "__main__":
    main()
