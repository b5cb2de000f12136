"""Kill a listener process mid-load and check that every acknowledged event survived.

Used by the crash test (small scale) and ``tests/benchmarks/bench_listener_crash.py``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from console.store import EventFilter, SqliteEventStore
from tests.listener.crash_runner import DOMAIN, MEMBER_ID, TOKEN

REPO_ROOT = Path(__file__).resolve().parents[2]


def event_body(entity_id: str) -> bytes:
    return urlencode(
        [
            ("event", "ONSALEORDERSAVED"),
            ("event_handler_id", "3"),
            ("data[FIELDS][ID]", entity_id),
            ("data[FIELDS][XML_ID]", ""),
            ("data[FIELDS][ACTION]", "save"),
            ("ts", entity_id),
            ("auth[domain]", DOMAIN),
            ("auth[member_id]", MEMBER_ID),
            ("auth[application_token]", TOKEN),
        ]
    ).encode()


class ListenerProcess:
    """The crash runner as a child process."""

    def __init__(self, db: Path, workdir: Path) -> None:
        self.port_file = workdir / f"port-{time.monotonic_ns()}"
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.listener.crash_runner", str(db), str(self.port_file)],
            cwd=REPO_ROOT,
            env=env,
        )
        self.port = self._wait_for_port()

    def _wait_for_port(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while not self.port_file.exists():
            if self.proc.poll() is not None:
                raise RuntimeError(f"listener process exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("listener process did not start")
            time.sleep(0.02)
        return int(self.port_file.read_text())

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@dataclass
class RoundResult:
    sent: int = 0
    acked: set[str] = field(default_factory=set)
    # From the first request to the kill: the time the listener was under load.
    loading_seconds: float = 0.0


async def load_and_kill(
    listener: ListenerProcess,
    *,
    prefix: str,
    count: int,
    concurrency: int,
    kill_after: int,
    rate: float | None = None,
) -> RoundResult:
    """Post up to ``count`` events; SIGKILL the listener once ``kill_after`` got a 200."""
    result = RoundResult()
    next_index = 0
    killed = asyncio.Event()
    started = time.monotonic()
    url = f"http://127.0.0.1:{listener.port}/bitrix/shop"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    async def worker(client: aiohttp.ClientSession) -> None:
        nonlocal next_index
        while next_index < count and not killed.is_set():
            index = next_index
            next_index += 1
            if rate:
                # Pace the whole load at ``rate`` events per second.
                delay = started + index / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            entity_id = f"{prefix}{index:07d}"
            result.sent += 1
            try:
                async with client.post(url, data=event_body(entity_id), headers=headers) as answer:
                    await answer.read()
                    status = answer.status
            except aiohttp.ClientError:
                if killed.is_set():
                    return
                raise
            if status == 200:
                result.acked.add(entity_id)
                if len(result.acked) >= kill_after and not killed.is_set():
                    listener.kill()
                    killed.set()
                    result.loading_seconds = time.monotonic() - started

    # aiohttp's client, not httpx's: on this machine httpx tops out near 500 requests/s,
    # below the rate the full-scale run asks for.
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    if not killed.is_set():
        result.loading_seconds = time.monotonic() - started
        listener.kill()
    return result


def stored_entity_ids(db: Path) -> set[str]:
    with SqliteEventStore(db) as store:
        return {
            event.entity_id
            for event in store.iter_events(EventFilter(include_duplicates=True))
            if event.entity_id is not None
        }


@dataclass
class CrashReport:
    acked: int
    found: int
    missing: list[str]
    sent: int
    loading_seconds: float = 0.0


def run_crash_rounds(
    db: Path,
    workdir: Path,
    *,
    rounds: int,
    events_per_round: int,
    concurrency: int = 8,
    rate: float | None = None,
) -> CrashReport:
    """``rounds`` times: start a listener on ``db``, load it, SIGKILL it halfway through."""
    acked: set[str] = set()
    sent = 0
    loading = 0.0
    for number in range(rounds):
        listener = ListenerProcess(db, workdir)
        try:
            outcome = asyncio.run(
                load_and_kill(
                    listener,
                    prefix=f"r{number:03d}-",
                    count=events_per_round,
                    concurrency=concurrency,
                    kill_after=events_per_round // 2,
                    rate=rate,
                )
            )
        finally:
            listener.kill()
        acked |= outcome.acked
        sent += outcome.sent
        loading += outcome.loading_seconds
    stored = stored_entity_ids(db)
    missing = sorted(acked - stored)
    return CrashReport(
        acked=len(acked),
        found=len(acked & stored),
        missing=missing,
        sent=sent,
        loading_seconds=loading,
    )
