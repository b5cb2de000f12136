"""Bodies that would grow past the size limit once decoded (issue 14, item 1).

A listener in a subprocess (its memory is watched from outside, through /proc) on a real
SQLite and a real PostgreSQL store; compressed bombs over real HTTP on loopback.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from console.core.settings import ListenerSettings
from console.store import EventFilter, SqliteEventStore, StoredEvent
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from tests.listener.conftest import FORM, HOROSHOP_SECRET, sample
from tests.listener.crash_harness import REPO_ROOT
from tests.support.postgres import PgCluster

GENUINE = sample("bitrix-onsaleordersaved-app.form")
# What the bombs expand to: each alone is far more than the growth the test allows.
EXPANDED_BYTES = 64 * 1024 * 1024
# The listener's peak memory may grow by this much over the whole barrage (generous:
# one decoded bomb is twice this, and the unfixed listener grew by hundreds of MB).
MAX_PEAK_GROWTH_BYTES = 32 * 1024 * 1024
# The most of a refused compressed body the store may hold.
PREVIEW_BYTES = 1024
# The listener's default body size limit.
LIMIT_BYTES = ListenerSettings().max_body_bytes


def _compress(wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(b"event=ONSALEORDERSAVED&data=")]
    parts += [packer.compress(zeros) for _ in range(EXPANDED_BYTES // len(zeros))]
    return b"".join([*parts, packer.flush()])


GZIP_BOMB = _compress(16 + zlib.MAX_WBITS)
DEFLATE_BOMB = _compress(zlib.MAX_WBITS)
RAW_DEFLATE_BOMB = _compress(-zlib.MAX_WBITS)


@dataclass(frozen=True)
class Bomb:
    coding: str
    body: bytes = field(repr=False)
    # Sent without Content-Length (chunked), as a sender that hides the size would.
    chunked: bool = False


BOMBS = [
    Bomb("gzip", GZIP_BOMB),
    Bomb("deflate", DEFLATE_BOMB),
    Bomb("deflate", RAW_DEFLATE_BOMB),
    Bomb("gzip", GZIP_BOMB, chunked=True),
    Bomb("x-gzip", GZIP_BOMB),
    # No decoder for these is installed; they are refused all the same.
    Bomb("br", GZIP_BOMB),
    Bomb("zstd", GZIP_BOMB),
    Bomb("identity, gzip", GZIP_BOMB),
]


class SubprocessListener:
    def __init__(self, store_spec: str, root: Path, env: dict[str, str]) -> None:
        port_file = root / "port"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.listener.memory_runner", store_spec, str(port_file)],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while not port_file.exists():
            assert self.proc.poll() is None, self.proc.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the listener never started"
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{int(port_file.read_text())}"

    def peak_rss_bytes(self) -> int:
        """The process's high-water mark of resident memory (VmHWM)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=60)


@pytest.fixture(params=["sqlite", "postgres"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@dataclass
class Watched:
    """A subprocess listener; ``stored()`` stops it and reads back what it kept."""

    listener: SubprocessListener
    stored: Callable[[], list[StoredEvent]]


@pytest.fixture
def watched(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Watched]:
    everything = EventFilter(include_duplicates=True)
    if store_kind == "sqlite":
        db = tmp_path / "events.sqlite3"
        listener = SubprocessListener(str(db), tmp_path, {})

        def stored() -> list[StoredEvent]:
            listener.stop()
            with SqliteEventStore(db) as store:
                return list(store.iter_events(everything))

    else:
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        url = cluster.url(cluster.create_database())
        listener = SubprocessListener(url, tmp_path, {"B24_TEST_PG_PASSWORD": cluster.password})

        def stored() -> list[StoredEvent]:
            listener.stop()
            store = PostgresEventStore(parse_store_url(url), cluster.password)
            try:
                return list(store.iter_events(everything))
            finally:
                store.close()

    try:
        yield Watched(listener, stored)
    finally:
        listener.stop()


def _send_transfer_coded(url: str, path: str, body: bytes, content_type: str) -> bytes:
    """``body`` sent in ``Transfer-Encoding: gzip, chunked`` (httpx would not); the answer."""
    address = httpx.URL(url)
    with socket.create_connection((address.host, address.port or 80), timeout=30) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n".encode()
            + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def _send(client: httpx.Client, path: str, bomb: Bomb, content_type: str) -> httpx.Response:
    headers = {"Content-Type": content_type, "Content-Encoding": bomb.coding}
    content: bytes | Iterator[bytes] = iter([bomb.body]) if bomb.chunked else bomb.body
    return client.post(path, content=content, headers=headers)


def test_compressed_bodies_are_refused_unread_and_memory_stays_flat(watched: Watched) -> None:
    listener = watched.listener
    routes = [
        ("/bitrix/shop", FORM["Content-Type"]),
        (f"/horoshop/{HOROSHOP_SECRET}", "application/json"),
    ]
    answers = 0
    with httpx.Client(base_url=listener.url, timeout=60) as client:
        # Warm up: the first answers load code and fill caches that later ones reuse.
        assert client.post("/bitrix/shop", content=GENUINE, headers=FORM).status_code == 200
        before = listener.peak_rss_bytes()
        for path, content_type in routes:
            for bomb in BOMBS:
                answer = _send(client, path, bomb, content_type)
                answers += 1
                grown = listener.peak_rss_bytes() - before
                assert grown < MAX_PEAK_GROWTH_BYTES, f"{bomb}: peak memory grew {grown >> 20} MB"
                assert answer.status_code == 415, (bomb, answer.status_code, answer.text[:200])
                assert "Content-Encoding" in answer.json()["error"]
                assert answer.headers["Accept-Encoding"] == "identity"
        # A transfer coding is no way around it either.
        for path, content_type in routes:
            answer = _send_transfer_coded(listener.url, path, GZIP_BOMB, content_type)
            answers += 1
            assert answer.startswith(b"HTTP/1.1 415"), answer[:300]
            assert b"Transfer-Encoding: gzip" in answer
        # A plain body without Content-Length is counted as it arrives and cut off.
        # (In words: PostgreSQL's full-text index cannot take one word of 2 KB or more.)
        words = b"event=X&a=" + b"word " * (3 * LIMIT_BYTES // 5)
        oversize = client.post("/bitrix/shop", content=iter([words]), headers=FORM)
        assert oversize.status_code == 413, oversize.text
        grown = listener.peak_rss_bytes() - before
        assert grown < MAX_PEAK_GROWTH_BYTES, f"peak memory grew {grown >> 20} MB"
        # A body in no coding at all, said so, is still welcome.
        plain = client.post(
            "/bitrix/shop", content=GENUINE, headers={**FORM, "Content-Encoding": "identity"}
        )
        assert plain.status_code == 200, plain.text

    events = watched.stored()
    assert len(events) == answers + 3
    compressed = [e for e in events if "compressed" in (e.verification_reason or "")]
    assert len(compressed) == answers
    for event in compressed:
        assert len(event.raw_body) <= PREVIEW_BYTES
        assert event.payload is None
    (cut,) = [e for e in events if "larger than" in (e.verification_reason or "")]
    assert len(cut.raw_body) <= LIMIT_BYTES
