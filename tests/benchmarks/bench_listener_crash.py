"""The crash test at full scale: 10 SIGKILLs under ~1,000 events/s (not part of the test run).

uv run python -m tests.benchmarks.bench_listener_crash [--rounds 10] [--events 2000] [--rate 1000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tests.listener.crash_harness import run_crash_rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--events", type=int, default=2000, help="events per round")
    parser.add_argument("--rate", type=float, default=1000.0, help="target events per second")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        report = run_crash_rounds(
            Path(tmp) / "events.sqlite3",
            Path(tmp),
            rounds=args.rounds,
            events_per_round=args.events,
            concurrency=args.concurrency,
            rate=args.rate,
        )
        elapsed = time.monotonic() - started
    print(f"{args.rounds} kills, {report.sent} requests sent in {elapsed:.1f} s")
    acked_rate = report.acked / max(report.loading_seconds, 1e-9)
    print(
        f"under load {report.loading_seconds:.1f} s in all (the rest is restarts): "
        f"{acked_rate:.0f} events/s answered 200"
    )
    print(
        f"answered 200: {report.acked}  found in store: {report.found}  "
        f"missing: {len(report.missing)}"
    )
    if report.missing:
        print("first missing:", ", ".join(report.missing[:10]))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
