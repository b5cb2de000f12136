"""The feed's reads at a million events, PostgreSQL beside SQLite, on the same events.

``uv run python -m tests.benchmarks.bench_pg_feed_store PATH [--events N] [--repeat R]``

Builds the SQLite store at PATH when it does not hold ``--events`` events (build_store.py),
starts a throwaway PostgreSQL cluster, copies every event into a PostgresEventStore's
schema there (COPY, with the search vectors the store itself would compute, and the count
triggers running), then prints each case of bench_feed_store.py for both stores: median
and p95 milliseconds. Measured, never asserted. Loading takes minutes: a million search
vectors are built in Python.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

import psycopg

from console.store import SqliteEventStore
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.postgres.filters import select_sql
from console.store.postgres.rows import safe_text
from console.store.postgres.search import event_vector
from console.store.querylang import parse_query
from console.store.rows import FEED_SELECT, RECORD_COLUMNS
from tests.benchmarks.bench_feed_store import _cases, _time
from tests.benchmarks.build_store import DEFAULT_EVENTS, build_store
from tests.support.postgres import PgCluster, throwaway_cluster

BATCH = 20_000
_COLUMNS = ("id", *RECORD_COLUMNS, "duplicate_of", "pinned")


def load(path: Path, cluster: PgCluster, dbname: str) -> float:
    """Copy the SQLite store at ``path`` into ``dbname``; returns the seconds spent."""
    began = time.perf_counter()
    PostgresEventStore(parse_store_url(cluster.url(dbname)), cluster.password).close()
    names = ", ".join(_COLUMNS)
    payload_at = _COLUMNS.index("payload")
    body_at = _COLUMNS.index("raw_body")
    summary_at = _COLUMNS.index("summary")
    reason_at = _COLUMNS.index("verification_reason")
    with (
        closing(sqlite3.connect(path)) as source,
        psycopg.connect(**cluster.admin_params(dbname), autocommit=True) as target,
    ):
        # Built again at the end in one pass: faster than growing it row by row.
        target.execute("DROP INDEX events_search")
        target.execute("SET maintenance_work_mem = '1GB'")
        rows = source.execute(f"SELECT {names} FROM events ORDER BY id")  # noqa: S608
        done = 0
        while batch := rows.fetchmany(BATCH):
            with (
                target.transaction(),
                target.cursor() as cursor,
                cursor.copy(f"COPY events ({names}, search) FROM STDIN") as copy,
            ):
                for row in batch:
                    values = [safe_text(v) if isinstance(v, str) else v for v in row]
                    values[-1] = bool(values[-1])
                    vector = event_vector(
                        values[payload_at], values[body_at], values[summary_at], values[reason_at]
                    )
                    copy.write_row((*values, vector))
            done += len(batch)
            rate = done / (time.perf_counter() - began)
            print(f"\r{done:,} events, {rate:,.0f}/s", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        target.execute("SELECT setval('events_id_seq', (SELECT max(id) FROM events))")
        target.execute("CREATE INDEX events_search ON events USING gin (search)")
        target.execute("VACUUM ANALYZE events")
        target.execute("ANALYZE event_counts")
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--explain",
        action="append",
        default=[],
        metavar="QUERY",
        help="also print PostgreSQL's plan of this query bar text's first page (repeatable)",
    )
    args = parser.parse_args()
    built = build_store(args.path, args.events)
    if built:
        print(f"built {args.events:,} SQLite events in {built:.1f} s")
    with throwaway_cluster() as cluster:
        dbname = cluster.create_database()
        print(f"loaded PostgreSQL in {load(args.path, cluster, dbname):.1f} s")
        location = parse_store_url(cluster.url(dbname))
        with (
            SqliteEventStore(args.path) as sqlite_store,
            PostgresEventStore(location, cluster.password) as pg_store,
        ):
            print(
                f"{'case':<62} {'sqlite med':>10} {'p95':>8} {'pg med':>9} {'p95':>8} "
                f"{'rows':>8} {'pg rows':>8}"
            )
            pg_cases = dict(_cases(pg_store))  # type: ignore[arg-type]
            for name, run in _cases(sqlite_store):
                median, p95, result = _time(run, args.repeat)
                pg_median, pg_p95, pg_result = _time(pg_cases[name], args.repeat)
                size = len(result) if isinstance(result, list) else result
                pg_size = len(pg_result) if isinstance(pg_result, list) else pg_result
                print(
                    f"{name:<62} {median:>10.2f} {p95:>8.2f} {pg_median:>9.2f} {pg_p95:>8.2f} "
                    f"{size:>8} {pg_size:>8}"
                )
        with psycopg.connect(**cluster.admin_params(dbname), autocommit=True) as conn:
            for text in args.explain:
                sql, params = select_sql(FEED_SELECT, parse_query(text).filter, limit=100)
                plan = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params).fetchall()
                print(f"\n{text}:")
                print("\n".join(f"  {row[0]}" for row in plan))


if __name__ == "__main__":
    main()
