"""Bounds on connections: how many, from where, and for how long one may idle.

aiohttp closes a connection that waits too long for a complete request (its keep-alive
timer runs from the connection's start and from each answer, and is not reset by bytes
that do not finish a request head), so the idle and header-read limits are that timer.
What it lacks is a cap on the number of connections: every one holds a file descriptor,
and a desktop's usual 1,024 run out well before the machine does. The guard here sits
between the socket and aiohttp's protocol and refuses (or makes room for) connections
before aiohttp sees them.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
from collections.abc import Callable
from typing import Any, cast

from aiohttp import web

from console.listener.failures import FailureLog

# File descriptors kept back for the store, logs, the keyring and the rest of the process.
_RESERVED_DESCRIPTORS = 64


def default_max_connections() -> int:
    """Half of what the process may open (at most 1,000), so the cap bites first."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1000
    return max(8, min(1000, (soft - _RESERVED_DESCRIPTORS) // 2))


class _Guarded(asyncio.Protocol):
    """Stands before one aiohttp protocol; hands it the connection only if the guard agrees."""

    def __init__(self, guard: ConnectionGuard, inner: Any) -> None:
        self.guard = guard
        self.inner = inner
        self.peer = ""
        self.busy = False
        self.admitted = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        if not self.guard.admit(self, transport):
            # Cheap: no parser, no task, no answer; the descriptor is freed right away.
            cast(asyncio.Transport, transport).abort()
            return
        self.admitted = True
        self.inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.admitted:
            self.guard.release(self)
            self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        result: bool | None = self.inner.eof_received()
        return result

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def close(self) -> None:
        self.inner.force_close()


class ConnectionGuard:
    """Counts open connections; at the cap, the oldest idle one makes room for a new one.

    Idle means "not inside a request handler": a client still sending its request head
    (slowly or not at all) is idle. A connection whose handler runs is never cut here; its
    body read has a deadline of its own. ``per_address`` (for ``--public``) refuses a
    remote address more connections than that.
    """

    def __init__(
        self,
        failures: FailureLog,
        *,
        max_connections: int,
        per_address: int | None,
        unlimited_peer: Callable[[str], bool] = lambda peer: False,
    ) -> None:
        self.failures = failures
        self.max_connections = max_connections
        self.per_address = per_address
        # A trusted reverse proxy carries every sender's connections: its senders are
        # limited one by one after X-Forwarded-For is read, not here as one address.
        self._unlimited_peer = unlimited_peer
        # Insertion order is age: the first idle one found is the oldest.
        self._open: dict[_Guarded, asyncio.BaseTransport] = {}
        self._by_transport: dict[asyncio.BaseTransport, _Guarded] = {}
        self._per_peer: dict[str, int] = {}

    @property
    def open_connections(self) -> int:
        return len(self._open)

    @property
    def busy_connections(self) -> int:
        return sum(1 for conn in list(self._open) if conn.busy)

    def factory(self, make_inner: Callable[[], Any]) -> Callable[[], asyncio.Protocol]:
        return lambda: _Guarded(self, make_inner())

    def admit(self, conn: _Guarded, transport: asyncio.BaseTransport) -> bool:
        if (
            self.per_address is not None
            and self._per_peer.get(conn.peer, 0) >= self.per_address
            and not self._unlimited_peer(conn.peer)
        ):
            self.failures.note(
                "connection refused: too many from one address",
                f"{conn.peer} already has {self.per_address}",
            )
            return False
        if len(self._open) >= self.max_connections and not self._evict_idle():
            self.failures.note(
                "connection refused: every connection is busy",
                f"{len(self._open)} open (cap {self.max_connections})",
            )
            return False
        self._open[conn] = transport
        self._by_transport[transport] = conn
        self._per_peer[conn.peer] = self._per_peer.get(conn.peer, 0) + 1
        return True

    def _evict_idle(self) -> bool:
        for conn in self._open:
            if not conn.busy:
                self.failures.note(
                    "idle connection closed to make room",
                    f"{len(self._open)} open (cap {self.max_connections})",
                )
                self.release(conn)
                conn.close()
                return True
        return False

    def release(self, conn: _Guarded) -> None:
        transport = self._open.pop(conn, None)
        if transport is None:
            return
        self._by_transport.pop(transport, None)
        left = self._per_peer.get(conn.peer, 1) - 1
        if left > 0:
            self._per_peer[conn.peer] = left
        else:
            self._per_peer.pop(conn.peer, None)

    def mark(self, transport: asyncio.BaseTransport | None, busy: bool) -> None:
        conn = self._by_transport.get(transport) if transport is not None else None
        if conn is not None:
            conn.busy = busy


class GuardedSite(web.BaseSite):
    """``web.TCPSite`` with the :class:`ConnectionGuard` between the socket and aiohttp."""

    def __init__(
        self,
        runner: web.BaseRunner,
        host: str,
        port: int,
        guard: ConnectionGuard,
        *,
        backlog: int = 1024,
    ) -> None:
        super().__init__(runner, backlog=backlog)
        self._host = host
        self._port = port
        self._guard = guard
        self.bound_port: int | None = None

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self.bound_port or self._port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._guard.factory(server), self._host, self._port, backlog=self._backlog
        )
        with contextlib.suppress(IndexError):
            self.bound_port = int(self._server.sockets[0].getsockname()[1])
