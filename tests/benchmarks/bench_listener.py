"""Throughput of the durable listener against a bare aiohttp server (not part of the test run).

32 connections post ~1.5 KB ONSALEORDERSAVED forms for 10 s, each with its own ``ts`` so
none is a duplicate. The servers run on their own thread in this process, as in the
application. Each server is measured under two load generators, each in its own process:

- ``wrk`` (C): saturates the server, so the figures are what the server can do;
- a Python asyncio client (aiohttp ``ClientSession``): the kind of generator behind the
  orientation figures in the shared ENVIRONMENT.md. It needs more CPU per request than the
  server does, so on a small machine it is the bottleneck and the ratio says how much the
  durable path costs a client of that kind, not what the server can do.

Besides req/s and latency, each run reports this process's CPU time per request (the
servers are the only thing working in it), split by thread for the durable listener, and
the store's average write-group size.

    uv run python -m tests.benchmarks.bench_listener [--duration 10] [--connections 32]
        [--generators wrk,python] [--body ascii|ukrainian]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.listener.verification import BitrixExpectation, StaticCredentialSource
from console.store import AppendResult, EventFilter, EventStore, SqliteEventStore

TOKEN = "51856fefc120afa4b628cc82d3935cce"
DOMAIN = "some-domain.bitrix24.com"
MEMBER = "a223c6b3710f85df22e9377d6c4f7553"
TS_MARK = "__TS__"
TARGET_BYTES = 1536
PATH = "/bitrix/shop"
# The other secrets a real profile holds (Horoshop URL secret, OAuth tokens, client secret,
# webhook code): the scrubber looks for every one of them in every event.
OTHER_SECRETS = (
    "hs-8f3a1c5e9b7d4f2a",
    "s6p6eclrvim6da22ft9ch94ekreb52lv",
    "4s386p3q0tr8dy89xvmt96234v3dljg8",
    "Xq7tL2mPz9KcV4bN8wR1yH6jD3fG5sA0",
    "k2j4h6g8f0d1s3a5",
)
GENERATORS = ("wrk", "python")


# What a Ukrainian shop's order carries in Cyrillic: every letter is six bytes on the wire
# (``%D0%BA``), and those are the bytes the parser, the scrubber and the store work through.
_UKRAINIAN_FIELDS = [
    ("data[FIELDS][USER_NAME]", "Олександра Петрівна Шевчук-Ковальчук"),
    ("data[FIELDS][DELIVERY_CITY]", "Івано-Франківськ"),
    ("data[FIELDS][DELIVERY_ADDRESS]", "вул. Незалежності, 24, кв. 17, відділення Нової пошти №5"),
    ("data[FIELDS][BASKET][0][NAME]", "Чайник електричний «Ранок» 1,7 л, нержавіюча сталь"),
    ("data[FIELDS][BASKET][0][QUANTITY]", "1"),
    ("data[FIELDS][BASKET][1][NAME]", "Ковдра вовняна «Карпати», 200×220 см"),
    ("data[FIELDS][BASKET][1][QUANTITY]", "2"),
    (
        "data[FIELDS][USER_DESCRIPTION]",
        "Будь ласка, зателефонуйте за годину до доставки; під'їзд з двору, домофон не працює."
        " Якщо мене не буде вдома, залиште посилку сусідці з квартири 18, пані Галині.",
    ),
]
BODIES = ("ascii", "ukrainian")


def event_body_template(body: str = "ascii") -> str:
    """An ONSALEORDERSAVED form; ts is a marker.

    ``ascii``: padded with extra FIELDS to ~1.5 KB. ``ukrainian``: the order as a Ukrainian
    shop's portal sends it, with the customer's name, address, product titles and a comment
    in Cyrillic (~2.6 KB on the wire).
    """
    if body == "ukrainian":
        return _form(_order_pairs(_UKRAINIAN_FIELDS))
    pairs = _order_pairs([])
    index = 0
    while len(urlencode(pairs)) < TARGET_BYTES:
        pairs.insert(5 + index, (f"data[FIELDS][EXTRA_{index}]", f"value-{index:04d}-padding"))
        index += 1
    return _form(pairs)


def _form(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs, safe="_")


def _order_pairs(extra: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        ("event", "ONSALEORDERSAVED"),
        ("event_handler_id", "7"),
        ("data[FIELDS][ID]", "300"),
        ("data[FIELDS][XML_ID]", ""),
        ("data[FIELDS][ACTION]", "save"),
        *extra,
        ("ts", TS_MARK),
        ("auth[domain]", DOMAIN),
        ("auth[client_endpoint]", f"https://{DOMAIN}/rest/"),
        ("auth[server_endpoint]", "https://oauth.bitrix.info/rest/"),
        ("auth[member_id]", MEMBER),
        ("auth[application_token]", TOKEN),
    ]


LUA = r"""
local counter = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
local head = [==[%(head)s]==]
local tail = [==[%(tail)s]==]
local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
function request()
  counter = counter + 1
  return wrk.format("POST", "%(path)s", headers, head .. (tid * 1000000000 + counter) .. tail)
end
"""


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    # Filled in by the caller: CPU seconds this process spent per request, by thread name.
    cpu_us: dict[str, float] = field(default_factory=dict)


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(text)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(
    url: str, path: str, duration: int, connections: int, threads: int, body: str
) -> Result:
    head, tail = event_body_template(body).split(TS_MARK)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"head": head, "tail": tail, "path": path})
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    out = subprocess.run(
        [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    Path(script.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return Result(rps, p50, p99, total, int(bad.group(1)) if bad else 0)


# --- the Python load generator (runs in its own process: ``... bench_listener client``) ---


async def _client_load(url: str, duration: float, connections: int, body: str) -> dict[str, object]:
    head, tail = (part.encode() for part in event_body_template(body).split(TS_MARK))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    latencies: list[float] = []
    counter = 0
    non_2xx = 0
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        deadline = time.perf_counter() + duration

        async def worker(worker_id: int) -> None:
            nonlocal counter, non_2xx
            while True:
                counter += 1
                body = head + str(worker_id * 1_000_000_000 + counter).encode() + tail
                began = time.perf_counter()
                if began >= deadline:
                    return
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    if not 200 <= response.status < 400:
                        non_2xx += 1
                latencies.append(time.perf_counter() - began)

        started = time.perf_counter()
        await asyncio.gather(*(worker(i + 1) for i in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    count = len(latencies)
    return {
        "rps": count / elapsed,
        "p50_ms": latencies[count // 2] * 1000 if count else 0.0,
        "p99_ms": latencies[min(count - 1, count * 99 // 100)] * 1000 if count else 0.0,
        "requests": count,
        "non_2xx": non_2xx,
    }


def run_python_client(url: str, path: str, duration: int, connections: int, body: str) -> Result:
    """The Python generator in a child process, so it never shares a GIL with the servers."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.benchmarks.bench_listener",
            "client",
            url + path,
            str(duration),
            str(connections),
            body,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return Result(
        float(data["rps"]),
        float(data["p50_ms"]),
        float(data["p99_ms"]),
        int(data["requests"]),
        int(data["non_2xx"]),
    )


# --- the servers ---------------------------------------------------------------------------


class BareServer:
    """aiohttp on its own thread answering 200 to every POST after reading the body."""

    THREAD = "bare-aiohttp"

    def __init__(self) -> None:
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=self.THREAD, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/bitrix/{profile}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        self._loop.run_until_complete(site.start())
        self.port = int(runner.addresses[0][1])
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def __enter__(self) -> BareServer:
        self._thread.start()
        self._ready.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()


def _thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) of every thread of this process, by thread name."""
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        fields = stat.rsplit(")", 1)[1].split()
        name = names.get(int(task.name), "other")
        found[name] = found.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return found


@contextmanager
def cpu_meter() -> Iterator[Callable[[int], dict[str, float]]]:
    """Yields a function that turns the CPU this process used meanwhile into us per request."""
    before_threads = _thread_cpu()
    before = time.process_time()
    spent: dict[str, float] = {}

    def per_request(requests: int) -> dict[str, float]:
        return {name: seconds * 1e6 / max(requests, 1) for name, seconds in spent.items()}

    try:
        yield per_request
    finally:
        after_threads = _thread_cpu()
        spent["process"] = time.process_time() - before
        for name, seconds in after_threads.items():
            spent[name] = seconds - before_threads.get(name, 0.0)


def load(generator: str, base_url: str, args: argparse.Namespace) -> Result:
    if generator == "wrk":
        return run_wrk(base_url, PATH, args.duration, args.connections, args.threads, args.body)
    return run_python_client(base_url, PATH, args.duration, args.connections, args.body)


@dataclass
class Durable:
    result: Result
    stored: int
    duplicates: int
    transactions: int
    rows: int


def run_bare(generator: str, args: argparse.Namespace) -> Result:
    with BareServer() as bare, cpu_meter() as meter:
        result = load(generator, bare.base_url, args)
    result.cpu_us = meter(result.requests)
    return result


class _AnswerAtOnce:
    """A store stand-in that stores nothing and confirms every event at once.

    Benchmark-only: with it, the listener does everything but the commit (parsing,
    verification, redaction, record building), so the gap between this row and the
    durable one is what durability itself costs.
    """

    def __init__(self) -> None:
        self._next_id = 0

    def submit(self, record: object) -> Future[AppendResult]:
        self._next_id += 1
        future: Future[AppendResult] = Future()
        future.set_result(AppendResult(id=self._next_id))
        return future


def _credentials() -> StaticCredentialSource:
    return StaticCredentialSource(
        {"shop": BitrixExpectation(TOKEN, DOMAIN, MEMBER)},
        horoshop={"shop": OTHER_SECRETS[0]},
        extra_secrets=OTHER_SECRETS[1:],
    )


def run_not_stored(generator: str, args: argparse.Namespace) -> Result:
    creds = _credentials()
    store = cast(EventStore, _AnswerAtOnce())
    with ListenerServer(store, creds, ListenerSettings(port=0)) as server, cpu_meter() as meter:
        result = load(generator, server.base_url, args)
    result.cpu_us = meter(result.requests)
    return result


def run_durable(generator: str, args: argparse.Namespace) -> Durable:
    # A fresh store per run: every generator starts from an empty file.
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteEventStore(Path(tmp) / "events.sqlite3")
        creds = _credentials()
        with ListenerServer(store, creds, ListenerSettings(port=0)) as server, cpu_meter() as m:
            result = load(generator, server.base_url, args)
        result.cpu_us = m(result.requests)
        transactions, rows = store.group_stats()
        stored = store.count(EventFilter(include_duplicates=True))
        duplicates = stored - store.count(EventFilter())
        store.close()
    return Durable(result, stored, duplicates, transactions, rows)


def _row(generator: str, server: str, res: Result, ratio: str) -> str:
    return (
        f"{generator:7} {server:18} {res.rps:8.0f} {res.p50_ms:8.2f} {res.p99_ms:8.2f}"
        f" {ratio:>6} {res.cpu_us.get('process', 0.0):9.0f}  {res.requests} requests,"
        f" {res.non_2xx} non-2xx"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "client":
        url, duration, connections = sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
        print(json.dumps(asyncio.run(_client_load(url, duration, connections, sys.argv[5]))))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--generators", default=",".join(GENERATORS))
    parser.add_argument(
        "--body",
        choices=BODIES,
        default="ascii",
        help="ascii: ~1.5 KB of padding fields; ukrainian: ~2.6 KB order in Cyrillic",
    )
    args = parser.parse_args()
    generators = [name.strip() for name in args.generators.split(",") if name.strip()]
    for name in generators:
        if name not in GENERATORS:
            parser.error(f"unknown generator {name}; choose from {', '.join(GENERATORS)}")
    print(
        f"body: {args.body}, {len(event_body_template(args.body))} bytes, "
        f"{args.connections} connections, {args.duration} s per run, "
        f"{os.cpu_count()} cores shared by generator and servers"
    )

    results: list[tuple[str, Result, Durable]] = []
    not_stored: dict[str, Result] = {}
    for generator in generators:
        bare = run_bare(generator, args)
        not_stored[generator] = run_not_stored(generator, args)
        results.append((generator, bare, run_durable(generator, args)))

    print()
    print(
        f"{'gen':7} {'server':17} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}"
        f" {'cpu us/req':>9}"
    )
    for generator, bare, durable in results:
        res, unstored = durable.result, not_stored[generator]
        print(_row(generator, "bare aiohttp", bare, ""))
        print(_row(generator, "listener, no store", unstored, f"{unstored.rps / bare.rps:.2f}"))
        print(_row(generator, "durable listener", res, f"{res.rps / bare.rps:.2f}"))
    print()
    print("cost of durability alone (durable / same listener storing nothing):")
    for generator, _bare, durable in results:
        ratio = durable.result.rps / not_stored[generator].rps
        print(f"  {generator:7} {ratio:.2f}")
    print()
    print("durable listener, where the time goes (CPU us per request, this process):")
    for generator, _bare, durable in results:
        cpu = durable.result.cpu_us
        group = durable.rows / max(durable.transactions, 1)
        print(
            f"  {generator:7} event loop {cpu.get('b24-listener', 0.0):5.0f}"
            f"  store writer {cpu.get('event-store-writer', 0.0):5.0f}"
            f"  other {cpu.get('other', 0.0) + cpu.get('MainThread', 0.0):4.0f}"
            f"  | {durable.transactions} commits, {group:.1f} events per commit,"
            f" stored {durable.stored} ({durable.duplicates} duplicates)"
        )


if __name__ == "__main__":
    main()
