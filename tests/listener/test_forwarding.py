"""X-Forwarded-For is believed from a configured proxy address, and only from there.

Real HTTP on loopback: the "proxy" is a client bound to 127.0.0.2 (all of 127/8 is
loopback on Linux), the untrusted sender one on 127.0.0.1.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.core.settings import ListenerSettings
from console.listener.forwarding import TrustedProxies
from console.listener.server import ListenerServer
from console.store import SqliteEventStore, StoredEvent
from tests.listener.conftest import FORM, all_events, credentials, sample
from tests.listener.crash_harness import REPO_ROOT
from tests.listener.test_listen_cli import CLI

GENUINE = sample("bitrix-onsaleordersaved-app.form")
PROXY = "127.0.0.2"


def _second_loopback_works() -> bool:
    try:
        with socket.socket() as sock:
            sock.bind((PROXY, 0))
    except OSError:
        return False
    return True


needs_second_loopback = pytest.mark.skipif(
    not _second_loopback_works(), reason="127.0.0.2 cannot be bound here"
)


class Proxied:
    """A listener trusting ``PROXY``, and one client from the proxy's address and one not."""

    def __init__(self, root: Path, settings: ListenerSettings, *, public: bool = False) -> None:
        self.store = SqliteEventStore(root / "events.sqlite3")
        self.server = ListenerServer(self.store, credentials(), settings, public=public)
        self.server.start()
        url = self.server.base_url
        self.proxy = httpx.Client(
            base_url=url, timeout=30, transport=httpx.HTTPTransport(local_address=PROXY)
        )
        self.stranger = httpx.Client(base_url=url, timeout=30)

    def post(self, client: httpx.Client, forwarded_for: str | None) -> httpx.Response:
        headers = dict(FORM)
        if forwarded_for is not None:
            headers["X-Forwarded-For"] = forwarded_for
        return client.post("/bitrix/shop", content=GENUINE, headers=headers)

    def newest(self) -> StoredEvent:
        return all_events(self.store)[0]

    def close(self) -> None:
        self.proxy.close()
        self.stranger.close()
        self.server.stop()
        self.store.close()


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[Proxied]:
    settings = ListenerSettings(port=0, trusted_proxies=[PROXY, "10.0.0.0/8"])
    instance = Proxied(tmp_path, settings)
    try:
        yield instance
    finally:
        instance.close()


@needs_second_loopback
def test_the_sender_behind_a_trusted_proxy_is_the_stored_address(proxied: Proxied) -> None:
    assert proxied.post(proxied.proxy, "203.0.113.9").status_code == 200
    assert proxied.newest().remote_addr == "203.0.113.9"


@needs_second_loopback
def test_the_right_most_hop_that_is_no_proxy_of_ours_is_the_sender(proxied: Proxied) -> None:
    # The sender wrote the first entry itself; the second is what our outer proxy saw; the
    # third is our outer proxy, as the inner one (127.0.0.2) saw it.
    chain = "198.51.100.66, 203.0.113.9, 10.1.2.3"
    assert proxied.post(proxied.proxy, chain).status_code == 200
    assert proxied.newest().remote_addr == "203.0.113.9"


@needs_second_loopback
def test_without_the_header_the_proxy_itself_is_the_sender(proxied: Proxied) -> None:
    assert proxied.post(proxied.proxy, None).status_code == 200
    assert proxied.newest().remote_addr == PROXY


@needs_second_loopback
def test_from_anyone_else_the_header_is_ignored_and_noted(
    proxied: Proxied, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="console.listener"):
        assert proxied.post(proxied.stranger, "203.0.113.9").status_code == 200
    assert proxied.newest().remote_addr == "127.0.0.1"
    noted = [r.getMessage() for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
    assert noted and "127.0.0.1" in noted[0] and "not a trusted proxy" in noted[0]


def test_no_trusted_proxy_configured_means_the_header_never_counts(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "events.sqlite3")
    try:
        with ListenerServer(store, credentials(), ListenerSettings(port=0)) as server:
            response = httpx.post(
                f"{server.base_url}/bitrix/shop",
                content=GENUINE,
                headers={**FORM, "X-Forwarded-For": "203.0.113.9"},
            )
            assert response.status_code == 200
        assert all_events(store)[0].remote_addr == "127.0.0.1"
    finally:
        store.close()


def _open_request(port: int, forwarded_for: str) -> socket.socket:
    """A request from the proxy whose body never finishes: its handler stays busy."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(PROXY, 0))
    head = (
        "POST /bitrix/shop HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"X-Forwarded-For: {forwarded_for}\r\nContent-Length: 1000\r\n\r\nevent="
    )
    sock.sendall(head.encode())
    return sock


@needs_second_loopback
def test_a_public_listener_limits_each_sender_behind_the_proxy_not_the_proxy(
    tmp_path: Path,
) -> None:
    settings = ListenerSettings(port=0, trusted_proxies=[PROXY], max_connections_per_address=2)
    proxied = Proxied(tmp_path, settings, public=True)
    busy: list[socket.socket] = []
    try:
        # Two requests in progress from one sender, through two of the proxy's connections.
        busy = [_open_request(proxied.server.port, "203.0.113.9") for _ in range(2)]
        guard = proxied.server.guard
        assert guard is not None
        for _ in range(100):
            if guard.open_connections >= 2 and all(c.busy for c in guard._open):
                break
            time.sleep(0.02)
        # The third from that sender is refused, with a Retry-After...
        third = proxied.post(proxied.proxy, "203.0.113.9")
        assert third.status_code == 429
        assert third.headers["Retry-After"]
        assert "203.0.113.9" in third.json()["error"]
        # ... while another sender through the same proxy, on its third connection, is not.
        assert proxied.post(proxied.proxy, "198.51.100.7").status_code == 200
        assert proxied.newest().remote_addr == "198.51.100.7"
    finally:
        for sock in busy:
            sock.close()
        proxied.close()


def test_client_address_rules() -> None:
    proxies = TrustedProxies.parse(["10.0.0.1", "fd00::/8"])
    assert proxies.client("10.0.0.1", ["[2001:db8::5]:4711"]).address == "2001:db8::5"
    assert proxies.client("10.0.0.1", ["192.0.2.1:555"]).address == "192.0.2.1"
    # Two header lines are one list, in order.
    assert proxies.client("10.0.0.1", ["192.0.2.1", "fd00::2"]).address == "192.0.2.1"
    # An IPv4 peer written as IPv6-mapped is still the trusted proxy.
    assert proxies.client("::ffff:10.0.0.1", ["192.0.2.1"]).address == "192.0.2.1"
    # Garbage in the chain: the last believable hop is the answer, and it is said why.
    garbled = proxies.client("10.0.0.1", ["<script>, fd00::2"])
    assert garbled.address == "fd00::2" and garbled.problem is not None
    nothing = proxies.client("10.0.0.1", [""])
    assert nothing.address == "10.0.0.1" and nothing.problem is not None
    # Every hop a proxy of ours: the left-most.
    assert proxies.client("10.0.0.1", ["fd00::3, fd00::2"]).address == "fd00::3"
    assert not TrustedProxies.parse([]).trusts("127.0.0.1")


def test_a_trusted_proxy_must_be_an_address_or_network() -> None:
    with pytest.raises(ValueError, match="not an IP address or network"):
        ListenerSettings(trusted_proxies=["proxy.example.com"])
    assert ListenerSettings(trusted_proxies=["10.0.0.7/8"]).trusted_proxies == ["10.0.0.0/8"]
    done = subprocess.run(
        [*CLI, "listen", "--port", "0", "--trusted-proxy", "proxy.local"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "--trusted-proxy" in done.stderr and "proxy.local" in done.stderr


def test_behind_a_proxy_the_handler_urls_are_the_public_ones(tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "events.sqlite3")
    settings = ListenerSettings(port=0, public_url="https://events.example.com/b24/")
    try:
        with ListenerServer(store, credentials(), settings) as server:
            urls = server.handler_urls()
            assert urls["bitrix/shop"] == "https://events.example.com/b24/bitrix/shop"
            assert urls["horoshop/shop"].startswith("https://events.example.com/b24/horoshop/")
            # Replays and the window's curl lines still go to where it listens.
            assert server.base_url.startswith("http://127.0.0.1:")
    finally:
        store.close()
    with pytest.raises(ValueError, match="public HTTPS address"):
        ListenerSettings(public_url="http://events.example.com")
    done = subprocess.run(
        [*CLI, "listen", "--port", "0", "--public-url", "events.example.com"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "--public-url" in done.stderr
