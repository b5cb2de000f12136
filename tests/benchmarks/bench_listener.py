"""Throughput of the durable listener against a bare aiohttp server (not part of the test run).

32 connections post ~1.5 KB ONSALEORDERSAVED forms for 10 s, each with its own ``ts`` so
none is a duplicate. The load generator is ``wrk`` in its own process; the servers run on
their own thread in this process, as in the application.

    uv run python -m tests.benchmarks.bench_listener [--duration 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.listener.verification import BitrixExpectation, StaticCredentialSource
from console.store import EventFilter, SqliteEventStore

TOKEN = "51856fefc120afa4b628cc82d3935cce"
DOMAIN = "some-domain.bitrix24.com"
MEMBER = "a223c6b3710f85df22e9377d6c4f7553"
TS_MARK = "__TS__"
TARGET_BYTES = 1536


def event_body_template() -> str:
    """A realistic ONSALEORDERSAVED form padded with extra FIELDS to ~1.5 KB; ts is a marker."""
    pairs = [
        ("event", "ONSALEORDERSAVED"),
        ("event_handler_id", "7"),
        ("data[FIELDS][ID]", "300"),
        ("data[FIELDS][XML_ID]", ""),
        ("data[FIELDS][ACTION]", "save"),
        ("ts", TS_MARK),
        ("auth[domain]", DOMAIN),
        ("auth[client_endpoint]", f"https://{DOMAIN}/rest/"),
        ("auth[server_endpoint]", "https://oauth.bitrix.info/rest/"),
        ("auth[member_id]", MEMBER),
        ("auth[application_token]", TOKEN),
    ]
    index = 0
    while len(urlencode(pairs)) < TARGET_BYTES:
        pairs.insert(5 + index, (f"data[FIELDS][EXTRA_{index}]", f"value-{index:04d}-padding"))
        index += 1
    return urlencode(pairs, safe="_")


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


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(text)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(url: str, path: str, duration: int, connections: int, threads: int) -> Result:
    head, tail = event_body_template().split(TS_MARK)
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


class BareServer:
    """aiohttp on its own thread answering 200 to every POST after reading the body."""

    def __init__(self) -> None:
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print(
        f"body: {len(event_body_template())} bytes, {args.connections} connections, "
        f"{args.duration} s"
    )

    with BareServer() as bare:
        base = run_wrk(
            f"http://127.0.0.1:{bare.port}",
            "/bitrix/shop",
            args.duration,
            args.connections,
            args.threads,
        )

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteEventStore(Path(tmp) / "events.sqlite3")
        creds = StaticCredentialSource({"shop": BitrixExpectation(TOKEN, DOMAIN, MEMBER)})
        with ListenerServer(store, creds, ListenerSettings(port=0)) as server:
            durable = run_wrk(
                server.base_url, "/bitrix/shop", args.duration, args.connections, args.threads
            )
        stored = store.count(EventFilter(include_duplicates=True))
        duplicates = stored - store.count(EventFilter())
        store.close()

    for name, res in (("bare aiohttp", base), ("durable listener", durable)):
        print(
            f"{name:17} {res.rps:8.0f} req/s  p50 {res.p50_ms:6.2f} ms  p99 {res.p99_ms:6.2f} ms"
            f"  ({res.requests} requests, {res.non_2xx} non-2xx)"
        )
    print(f"stored {stored} events ({duplicates} duplicates)")
    print(f"ratio durable/bare: {durable.rps / base.rps:.2f}")


if __name__ == "__main__":
    main()
