"""Unfinished bodies from senders behind a trusted proxy (issue 14, items 2 and 3).

Real HTTP on loopback: the proxy is this machine (127.0.0.1, as a same-machine nginx
would be), the listener is not ``--public``, and each sender is the X-Forwarded-For the
proxy writes.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from console.core.settings import ListenerSettings
from tests.listener.conftest import FORM, Running, sample

GENUINE = sample("bitrix-onsaleordersaved-app.form")
PER_SENDER = 4
MAX_CONNECTIONS = 30
# More unfinished bodies from one sender than the listener has connections.
SLOW_BODIES = 100
BODY_TIMEOUT_SECONDS = 3.0


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def slow_body(port: int, forwarded_for: str) -> socket.socket:
    """A request through the proxy whose body never finishes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        b"POST /bitrix/shop HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"X-Forwarded-For: " + forwarded_for.encode("latin-1") + b"\r\n"
        b"Content-Length: 1000\r\n\r\nevent="
    )
    return sock


def settled(socks: list[socket.socket], busy: int) -> bool:
    """Each of ``socks`` is busy in a handler, or has its answer (or was cut)."""
    readable, _writable, _failed = select.select(socks, [], [], 0)
    return len(readable) + busy >= len(socks)


def answer_then_close(sock: socket.socket, seconds: float) -> bytes | None:
    """What the listener sent before closing ``sock``; ``None`` if it is still open."""
    sock.settimeout(seconds)
    received = b""
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return received
            received += data
    except (ConnectionResetError, BrokenPipeError):
        return received
    except TimeoutError:
        return None


@pytest.fixture
def behind_local_proxy(tmp_path: Path) -> Iterator[Running]:
    settings = ListenerSettings(
        port=0,
        trusted_proxies=["127.0.0.1"],
        max_connections=MAX_CONNECTIONS,
        max_connections_per_address=PER_SENDER,
        body_timeout_seconds=BODY_TIMEOUT_SECONDS,
    )
    instance = Running(tmp_path, settings)
    try:
        yield instance
    finally:
        instance.close()


def test_slow_bodies_from_one_sender_leave_room_for_others_and_are_evicted_in_time(
    behind_local_proxy: Running,
) -> None:
    running = behind_local_proxy
    guard = running.server.guard
    assert guard is not None
    slow = [slow_body(running.server.port, "203.0.113.9") for _ in range(SLOW_BODIES)]
    try:
        # Every slow request is either inside its handler or answered (or cut) already.
        assert wait_for(lambda: settled(slow, guard.busy_connections), 10 * BODY_TIMEOUT_SECONDS)
        # Another sender through the same proxy, and monitoring, are still answered, each
        # on a connection of its own.
        other = httpx.post(
            f"{running.server.base_url}/bitrix/shop",
            content=GENUINE,
            headers={**FORM, "X-Forwarded-For": "198.51.100.7"},
        )
        assert other.status_code == 200, other.text
        assert running.only_event().remote_addr == "198.51.100.7"
        health = httpx.get(f"{running.server.base_url}/healthz")
        assert health.status_code == 200, health.text
        # Every slow body ends within the body timeout (and the lingering after a 429):
        # refused at once beyond the sender's share, 408 for the ones within it.
        answers = [answer_then_close(sock, 10 * BODY_TIMEOUT_SECONDS) for sock in slow]
    finally:
        for sock in slow:
            sock.close()
    assert None not in answers, "a slow body was never closed"
    timed_out = [a for a in answers if a is not None and a.startswith(b"HTTP/1.1 408")]
    assert 1 <= len(timed_out) <= PER_SENDER
    assert wait_for(lambda: guard.open_connections <= 1, 10)


def test_senders_the_proxy_names_unreadably_share_one_cap_of_their_own(
    behind_local_proxy: Running,
) -> None:
    running = behind_local_proxy
    guard = running.server.guard
    assert guard is not None
    # The proxy's own hop (the right-most) cannot be read, a different way each time.
    garbled = [f"not-an-address-{n}" for n in range(PER_SENDER)]
    slow = [slow_body(running.server.port, f"203.0.113.9, {hop}") for hop in garbled]
    try:
        assert wait_for(lambda: guard.busy_connections >= PER_SENDER, 10 * BODY_TIMEOUT_SECONDS)
        base = running.server.base_url
        one_more = httpx.post(
            f"{base}/bitrix/shop", content=GENUINE, headers={**FORM, "X-Forwarded-For": "<?>"}
        )
        assert one_more.status_code == 429, one_more.text
        assert "unreadable X-Forwarded-For" in one_more.json()["error"]
        assert one_more.headers["Retry-After"]
        # Neither a readable sender nor the proxy itself is counted with them.
        readable = httpx.post(
            f"{base}/bitrix/shop", content=GENUINE, headers={**FORM, "X-Forwarded-For": "192.0.2.4"}
        )
        assert readable.status_code == 200, readable.text
        assert httpx.post(f"{base}/bitrix/shop", content=GENUINE, headers=FORM).status_code == 200
    finally:
        for sock in slow:
            sock.close()
