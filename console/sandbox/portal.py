"""``SandboxPortal``: the emulated portal on its own thread and event loop."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

from console.core.net import is_loopback_host
from console.sandbox.events import EventSender
from console.sandbox.faults import Faults
from console.sandbox.limits import LeakyBucket, OperatingTime
from console.sandbox.methods import EVENT_ORDER_SAVED
from console.sandbox.oauth import TokenStore, same_secret
from console.sandbox.rest import Caller, RestApi
from console.sandbox.server import build_app
from console.sandbox.state import PortalState

ADMIN_USER = 1
LIMITED_USER = 7


@dataclass
class SandboxConfig:
    """How the sandbox listens and which limits and faults it applies."""

    host: str = "127.0.0.1"
    port: int = 0
    burst: int = 50
    drain_rate: float = 2.0
    seed: int = 1
    operating_limit_seconds: float = 480.0
    latency_seconds: float = 0.0
    error_rate: float = 0.0
    malformed_rate: float = 0.0
    # Simulated execution time per call (plus a share per returned row), so tests can
    # drive a method over a small operating limit without waiting minutes.
    processing_seconds: float = 0.02
    # False: a portal on a free plan, where REST answers 403 ACCESS_DENIED to every call.
    commercial_plan: bool = True


def _derived(seed: int, label: str, length: int) -> str:
    """Stable per-seed identifiers, so a restarted sandbox keeps its URLs and tokens."""
    return hashlib.sha256(f"b24-sandbox:{seed}:{label}".encode()).hexdigest()[:length]


class SandboxPortal:
    """A Bitrix24 portal emulation on loopback; ``start()`` returns once it listens."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        if not is_loopback_host(self.config.host):
            raise ValueError(f"the sandbox only listens on loopback, not {self.config.host}")
        seed = self.config.seed
        self.state = PortalState(seed)
        self.faults = Faults(
            self.config.latency_seconds,
            self.config.error_rate,
            self.config.malformed_rate,
            seed=seed,
        )
        self.bucket = LeakyBucket(self.config.burst, self.config.drain_rate)
        self.operating = OperatingTime(self.config.operating_limit_seconds)
        self.member_id = _derived(seed, "member", 32)
        self.application_token = _derived(seed, "application_token", 32)
        self.webhook_code = _derived(seed, "webhook-admin", 16)
        self.limited_webhook_code = _derived(seed, "webhook-limited", 16)
        self.oauth_client_id = f"local.{_derived(seed, 'client', 13)}.{seed % 100000000:08d}"
        self.oauth_client_secret = _derived(seed, "secret", 50)
        self.tokens = TokenStore(self.oauth_client_id, self.oauth_client_secret, ADMIN_USER)
        self.api = RestApi(self.state, self.operating, self._processing_cost, self._emit)
        self.api.commercial_plan = self.config.commercial_plan
        self._sender: EventSender | None = None
        self._port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        # REST requests held back by the latency fault right now (changed on the loop).
        self.requests_waiting = 0

    # ---------------------------------------------------------------- addresses
    @property
    def base_url(self) -> str:
        return f"http://{self.domain}"

    @property
    def domain(self) -> str:
        if not self._port:
            raise RuntimeError("the sandbox is not started")
        return f"{self.config.host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/rest/{ADMIN_USER}/{self.webhook_code}/"

    @property
    def limited_webhook_url(self) -> str:
        return f"{self.base_url}/rest/{LIMITED_USER}/{self.limited_webhook_code}/"

    @property
    def server_endpoint(self) -> str:
        return f"{self.base_url}/rest/"

    @property
    def client_endpoint(self) -> str:
        return f"{self.base_url}/rest/"

    @property
    def deliveries(self) -> list[tuple[str, int | str]]:
        return self._require_sender().deliveries

    # ------------------------------------------------------------------ callers
    def webhook_caller(self, user: str, code: str) -> Caller | None:
        """The caller behind ``/rest/{user}/{code}/``, or None for a wrong pair."""
        if user == str(ADMIN_USER) and same_secret(code, self.webhook_code):
            return Caller(f"webhook:{ADMIN_USER}", ADMIN_USER, True)
        if user == str(LIMITED_USER) and same_secret(code, self.limited_webhook_code):
            return Caller(f"webhook:{LIMITED_USER}", LIMITED_USER, False)
        return None

    def issue_oauth_tokens(self) -> tuple[str, str]:
        """A fresh (access_token, refresh_token) pair for the OAuth mode."""
        return self.tokens.issue()

    def expire_access_tokens(self) -> None:
        """Every access token issued so far answers ``401 expired_token`` from now on."""
        self.tokens.expire_access_tokens()

    def _processing_cost(self, method: str, rows: int) -> float:
        del method
        return self.config.processing_seconds * (1.0 + rows / 50.0)

    # ------------------------------------------------------------------- events
    def _require_sender(self) -> EventSender:
        if self._sender is None:
            raise RuntimeError("the sandbox is not started")
        return self._sender

    def _emit(self, event: str, entity_id: int) -> None:
        # Called by handlers on the server loop: only queues, never blocks the answer.
        if self._sender is not None:
            self.send_event(event, entity_id)

    def register_handler(self, event: str, url: str) -> int:
        """Subscribe ``url`` to ``event`` as an outgoing webhook; returns the handler id."""
        return self._require_sender().register(event, url)

    def register_horoshop_handler(self, url: str) -> None:
        self._require_sender().register_horoshop(url)

    def send_event(self, event: str, entity_id: int) -> int:
        """Queue ``event`` about ``entity_id`` to its registered handlers; returns how many."""
        event = event.upper()
        fields = {"ID": str(entity_id)}
        if event == EVENT_ORDER_SAVED:
            with self.state.lock:
                order = self.state.orders.get(entity_id)
                xml_id = str(order.get("xmlId") or "") if order else ""
            fields.update({"XML_ID": xml_id, "ACTION": "save"})
        return self._require_sender().send_event(event, fields)

    def send_horoshop_order(self, order: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._require_sender().send_horoshop_order(order)

    def flush_events(self, timeout: float = 5.0) -> None:
        self._require_sender().flush(timeout)

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> SandboxPortal:
        """Bind, start the server thread and the event sender; return once listening."""
        if self._thread is not None:
            return self
        sock = socket.socket(
            socket.AF_INET6 if ":" in self.config.host else socket.AF_INET, socket.SOCK_STREAM
        )
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.config.host, self.config.port))
        except OSError:
            sock.close()
            raise
        self._port = sock.getsockname()[1]
        self._sender = EventSender(
            {
                "domain": self.domain,
                "client_endpoint": self.client_endpoint,
                "server_endpoint": self.server_endpoint,
                "member_id": self.member_id,
                "application_token": self.application_token,
            },
            self.config.seed,
        )
        self._sender.start()
        self._ready.clear()
        self._thread = threading.Thread(
            target=self._serve, args=(sock,), name="sandbox-portal", daemon=True
        )
        self._thread.start()
        self._ready.wait(10)
        if self._failure is not None:
            self.stop()
            raise RuntimeError("the sandbox failed to start") from self._failure
        return self

    def _serve(self, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main(sock))
        except BaseException as exc:  # reported to start() instead of dying silently
            self._failure = exc
            self._ready.set()
        finally:
            loop.close()

    async def _main(self, sock: socket.socket) -> None:
        self._stopping = asyncio.Event()
        runner = web.AppRunner(
            build_app(self), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            self._ready.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()

    def stop(self) -> None:
        """Stop serving, join the server thread and the event sender."""
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            # The loop may finish between the check and the call.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._sender is not None:
            self._sender.stop()
        self._loop = None

    def __enter__(self) -> SandboxPortal:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def describe(self) -> dict[str, Any]:
        """What the sandbox serves: URLs, throwaway credentials and control endpoints."""
        control = f"{self.base_url}/_sandbox"
        return {
            "base_url": self.base_url,
            "domain": self.domain,
            "member_id": self.member_id,
            "webhook_url": self.webhook_url,
            "limited_webhook_url": self.limited_webhook_url,
            "application_token": self.application_token,
            "oauth_client_id": self.oauth_client_id,
            "oauth_client_secret": self.oauth_client_secret,
            "server_endpoint": self.server_endpoint,
            "oauth_token_url": f"{self.base_url}/oauth/token/",
            "limits": {
                "burst": self.config.burst,
                "drain_rate": self.config.drain_rate,
                "operating_limit_seconds": self.config.operating_limit_seconds,
            },
            "faults": self.faults.snapshot(),
            "control": {
                "info": f"GET {control}/",
                "send_event": f"POST {control}/events {{event, id}}",
                "register_handler": f"POST {control}/handlers {{event, url}}",
                "register_horoshop_handler": f"POST {control}/horoshop/handlers {{url}}",
                "send_horoshop_order": f"POST {control}/horoshop/orders [order]",
                "faults": f"GET|POST {control}/faults {{latency_seconds, error_rate, ...}}",
                "deliveries": f"GET {control}/deliveries",
                "waiting": f"GET {control}/waiting",
                "issue_oauth_tokens": f"POST {control}/oauth/tokens",
                "expire_access_tokens": f"POST {control}/oauth/expire",
            },
        }
