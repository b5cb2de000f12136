"""A scripted loopback HTTP server for the REST client's unit tests.

Each test sets ``server.respond`` to a function that gets the recorded request and
returns ``(status, body, headers)``; body ``HANG`` makes the server stall (to force a
client timeout after the request was sent).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from console.bitrix.limiter import forget_limiters

HANG = object()


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


Reply = tuple[int, Any, dict[str, str]]


@dataclass
class ScriptedServer:
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    respond: Callable[[Recorded], Reply] = lambda req: (200, {"result": True}, {})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def replies(self, *replies: Reply) -> None:
        """Answer the next requests with ``replies`` in order (the last one repeats)."""
        queue = list(replies)

        def next_reply(_: Recorded) -> Reply:
            with self.lock:
                return queue.pop(0) if len(queue) > 1 else queue[0]

        self.respond = next_reply


def _serve(server: ScriptedServer, ready: threading.Event, stop: list[Any]) -> None:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    async def handle(request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        recorded = Recorded(
            request.method, request.path, dict(request.query), dict(request.headers), body
        )
        with server.lock:
            server.requests.append(recorded)
        status, payload, headers = server.respond(recorded)
        if payload is HANG:
            await asyncio.sleep(5)
            return web.Response(status=200, text="{}")
        if isinstance(payload, str | bytes):
            data = payload.encode() if isinstance(payload, str) else payload
            return web.Response(status=status, body=data, headers=headers)
        return web.json_response(payload, status=status, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    sockets = site._server.sockets  # type: ignore[union-attr]
    server.base_url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
    stop.append(loop)
    ready.set()
    loop.run_forever()
    loop.run_until_complete(runner.cleanup())
    loop.close()


def _running() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    ready = threading.Event()
    holder: list[Any] = []
    thread = threading.Thread(target=_serve, args=(scripted, ready, holder), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield scripted
    loop = holder[0]
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    yield from _running()


@pytest.fixture
def second_server() -> Iterator[ScriptedServer]:
    """Another scripted server, e.g. a regional OAuth server next to the portal."""
    yield from _running()


@pytest.fixture(autouse=True)
def fresh_limiters() -> Iterator[None]:
    """Each test starts with empty buckets (they are shared per portal in a process)."""
    forget_limiters()
    yield
    forget_limiters()


class FakeTime:
    """Injectable clock and sleep: sleeping advances the clock instead of waiting."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self.lock = threading.Lock()

    def clock(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()
