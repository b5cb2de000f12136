"""Where the durable listener's event-loop CPU goes, stage by stage (not part of the test run).

Runs the durable listener (SQLite, the benchmark's profile with all its secrets) under wrk
as :mod:`tests.benchmarks.bench_listener` does, with cProfile switched on inside the
listener's own thread for the run, and prints each intake stage's share of that thread's
time, scaled to the thread's measured CPU per request (cProfile's own overhead inflates
every call alike, so the shares are what it tells; the scale comes from /proc). The writer
thread's CPU per request is read from /proc as well.

Shares move far less with the load of a shared machine than req/s does.

    uv run python -m tests.benchmarks.profile_listener [--body ascii|ukrainian]
        [--duration 10] [--connections 32] [--top 0]

``--direct EVENTS`` times the same stages called in a loop without HTTP, by the thread's
CPU clock (no profiler, little sensitivity to load); aiohttp's share is then not in it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import threading
import time
from pathlib import Path

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.store import SqliteEventStore
from tests.benchmarks.bench_listener import BODIES, PATH, _credentials, cpu_meter, run_wrk

# (stage, functions whose cumulative time is that stage): a function counts for the first
# stage that names it, so nested stages must come first. Names absent from a version of the
# code simply count nothing.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("read body", ("read_bounded_body",)),
    ("parse (form/JSON to payload)", ("decode_body",)),
    ("verification (fields, token)", ("bitrix_fields", "_bitrix_auth")),
    ("key redaction (payload, raw body)", ("redact_payload", "redact_parsed_form_body")),
    ("secret scrubbing (every spelling)", ("scrub_fields",)),
    ("record building (pydantic)", ("model_construct",)),
    ("headers", ("_clean_headers",)),
    ("serialisation for the store (submit)", ("submit",)),
]


def _cumulative(stats: pstats.Stats, names: tuple[str, ...]) -> float:
    total = 0.0
    raw = stats.stats  # type: ignore[attr-defined]
    for (_file, _line, name), (_cc, _nc, _tt, cumulative, callers) in raw.items():
        if name not in names:
            continue
        # Only outermost calls: a recursive function's cumulative time counts once.
        if any(caller[2] == name for caller in callers):
            continue
        total += cumulative
    return float(total)


def _thread_total(stats: pstats.Stats) -> float:
    return float(sum(entry[2] for entry in stats.stats.values()))  # type: ignore[attr-defined]


def direct(body: str, events: int) -> None:
    """The intake stages called one after another as the Bitrix route calls them, without
    HTTP, each timed by this thread's CPU clock: no profiler overhead, little load noise."""
    from datetime import UTC, datetime

    from console.listener import server
    from console.listener.parsing import BodyKind, bitrix_fields, decode_body
    from console.listener.redaction import (
        SecretScrubber,
        redact_headers,
        redact_parsed_form_body,
        redact_payload,
    )
    from console.store.model import EventRecord, EventSource, Verification
    from console.store.rows import encode_record
    from tests.benchmarks.bench_listener import TS_MARK, event_body_template

    credentials = _credentials()
    scrubber = SecretScrubber(credentials.secret_values())
    template = event_body_template(body)
    bodies = [template.replace(TS_MARK, str(1_000_000 + n)).encode() for n in range(events)]
    headers = [("Host", "127.0.0.1"), ("Content-Type", "application/x-www-form-urlencoded")]
    spent: dict[str, float] = {}
    clock = time.thread_time

    def lap(stage: str, began: float) -> float:
        now = clock()
        spent[stage] = spent.get(stage, 0.0) + now - began
        return now

    for raw in bodies:
        began = clock()
        payload = decode_body(BodyKind.FORM, raw, max_depth=32, max_keys=2000)
        began = lap("parse", began)
        fields = bitrix_fields(payload)
        server._bitrix_auth("shop", credentials.bitrix("shop"), fields)
        began = lap("verification", began)
        kept = redact_parsed_form_body(raw, payload, redact_payload(payload))
        began = lap("key redaction", began)
        record_fields = scrubber.scrub_fields(
            {
                "received_at": datetime.now(UTC),
                "source": EventSource.BITRIX,
                "event": fields.event or "",
                "profile": "shop",
                "entity_id": fields.entity_id,
                "order_id": fields.order_id,
                "verification": Verification.VERIFIED,
                "path": PATH,
                "headers": redact_headers(headers),
                "raw_body": kept,
                "payload": payload,
            }
        )
        began = lap("secret scrubbing", began)
        record = EventRecord.model_construct(**record_fields)
        began = lap("record building", began)
        encode_record(record)
        lap("serialisation for the store", began)
    total = sum(spent.values())
    print(f"body {body}, {events} events, CPU us per event (this thread):")
    for stage, seconds in spent.items():
        print(f"  {stage:30} {seconds * 1e6 / events:7.1f}")
    print(f"  {'total':30} {total * 1e6 / events:7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--body", choices=BODIES, default="ukrainian")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest calls")
    parser.add_argument(
        "--direct",
        type=int,
        default=0,
        metavar="EVENTS",
        help="instead: time the intake stages on EVENTS bodies without HTTP or profiler",
    )
    args = parser.parse_args()
    if args.direct:
        direct(args.body, args.direct)
        return

    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteEventStore(Path(tmp) / "events.sqlite3")
        server = ListenerServer(store, _credentials(), ListenerSettings(port=0))
        with server:
            loop = server._loop
            assert loop is not None
            switched = threading.Event()

            def switch(on: bool) -> None:
                (profiler.enable if on else profiler.disable)()
                switched.set()

            loop.call_soon_threadsafe(switch, True)
            switched.wait()
            with cpu_meter() as meter:
                result = run_wrk(
                    server.base_url, PATH, args.duration, args.connections, args.threads, args.body
                )
            switched.clear()
            loop.call_soon_threadsafe(switch, False)
            switched.wait()
        store.close()
    cpu = meter(result.requests)
    loop_us = cpu.get("b24-listener", 0.0)
    stats = pstats.Stats(profiler)
    total = _thread_total(stats)
    print(
        f"body {args.body}: {result.requests} requests, {result.rps:.0f} req/s under cProfile,"
        f" {result.non_2xx} non-2xx"
    )
    print(
        f"CPU us/request: event loop {loop_us:.0f}, store writer"
        f" {cpu.get('event-store-writer', 0.0):.0f}, process {cpu.get('process', 0.0):.0f}"
    )
    print(f"\n{'stage':40} {'share':>6} {'us/req':>7}")
    accounted = 0.0
    for stage, names in STAGES:
        spent = _cumulative(stats, names)
        accounted += spent
        print(f"{stage:40} {spent / total:6.1%} {loop_us * spent / total:7.0f}")
    rest = total - accounted
    other = "aiohttp, asyncio, the route itself"
    print(f"{other:40} {rest / total:6.1%} {loop_us * rest / total:7.0f}")
    if args.top:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
