"""Idle, slow and too many connections, over real sockets on loopback (issue 8, defect 4)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from tests.listener.conftest import FORM, Running, credentials, sample
from tests.listener.crash_harness import REPO_ROOT

GENUINE = sample("bitrix-onsaleordersaved-app.form")


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """The server closed ``sock`` (EOF or reset) within ``seconds``."""
    sock.settimeout(seconds)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


@pytest.fixture
def quick(tmp_path: Path) -> Iterator[Running]:
    instance = Running(
        tmp_path,
        ListenerSettings(
            port=0, idle_timeout_seconds=0.5, body_timeout_seconds=0.5, max_connections=20
        ),
    )
    try:
        yield instance
    finally:
        instance.close()


def test_idle_connections_are_closed_after_the_idle_timeout(quick: Running) -> None:
    socks = [connect(quick.server.port) for _ in range(5)]
    try:
        started = time.monotonic()
        assert all(closed_within(sock, 5) for sock in socks)
        assert time.monotonic() - started < 5
    finally:
        for sock in socks:
            sock.close()


def test_a_keep_alive_connection_is_closed_when_idle_after_an_answer(quick: Running) -> None:
    sock = connect(quick.server.port)
    try:
        head = (
            b"POST /bitrix/shop HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n" % len(GENUINE)
        )
        sock.sendall(head + GENUINE)
        sock.settimeout(5)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        assert closed_within(sock, 5)
    finally:
        sock.close()


def test_a_client_sending_its_head_byte_by_byte_is_cut(quick: Running) -> None:
    sock = connect(quick.server.port)
    head = b"POST /bitrix/shop HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    started = time.monotonic()
    cut = False
    try:
        for byte in head:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                cut = True
                break
            sock.settimeout(0.05)
            try:
                if sock.recv(4096) == b"":
                    cut = True
                    break
            except TimeoutError:
                pass
            except ConnectionResetError:
                cut = True
                break
    finally:
        sock.close()
    assert cut, "the slow client was never cut off"
    assert time.monotonic() - started < 5


def test_a_body_that_never_arrives_gets_408(quick: Running) -> None:
    sock = connect(quick.server.port)
    try:
        sock.sendall(
            b"POST /bitrix/shop HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1000\r\n\r\nevent=X"
        )
        sock.settimeout(5)
        assert sock.recv(4096).startswith(b"HTTP/1.1 408")
        assert closed_within(sock, 5)
    finally:
        sock.close()


def test_a_genuine_event_gets_through_while_the_cap_is_held_by_idle_clients(
    quick: Running,
) -> None:
    socks = [connect(quick.server.port) for _ in range(60)]
    try:
        response = quick.post_form("/bitrix/shop", GENUINE)
        assert response.status_code == 200
        assert quick.server.guard is not None
        assert quick.server.guard.open_connections <= 21
    finally:
        for sock in socks:
            sock.close()


def test_public_listener_caps_connections_per_address(tmp_path: Path) -> None:
    from console.store import SqliteEventStore

    store = SqliteEventStore(tmp_path / "events.sqlite3")
    settings = ListenerSettings(port=0, max_connections_per_address=3)
    server = ListenerServer(store, credentials(), settings, public=True)
    server.start()
    socks = [connect(server.port) for _ in range(5)]
    try:
        # The first three are kept; the others are dropped at once.
        assert [closed_within(sock, 0.5) for sock in socks] == [False] * 3 + [True] * 2
    finally:
        for sock in socks:
            sock.close()
        server.stop()
        store.close()


def test_under_a_small_descriptor_limit_genuine_events_still_get_200(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.listener.fd_runner",
            str(tmp_path / "e.sqlite3"),
            str(port_file),
            "128",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stderr=subprocess.PIPE,
    )
    socks: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while not port_file.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        port = int(port_file.read_text())
        # Far more idle connections than the process may open.
        for _ in range(300):
            socks.append(connect(port))
        for _ in range(3):
            response = httpx.post(
                f"http://127.0.0.1:{port}/bitrix/shop", content=GENUINE, headers=FORM, timeout=10
            )
            assert response.status_code == 200
    finally:
        for sock in socks:
            sock.close()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    # Counted lines, not a traceback per connection.
    assert err.count(b"Traceback") == 0
    assert len(err.splitlines()) < 20, err[-2000:]
