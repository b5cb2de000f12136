"""The embedded HTTP listener: aiohttp on its own thread and event loop.

Each request is answered only after its event is durably in the store, so a 200 means
"kept"; everything that cannot be kept as genuine is kept as REJECTED or MALFORMED with
the same one-line reason the sender got. Nothing a sender puts on the wire produces a
5xx: the only 5xx is 503, when the store itself fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, Self, runtime_checkable

from aiohttp import web

from console.core.masking import fingerprint
from console.core.net import is_loopback_host
from console.core.settings import ListenerSettings
from console.listener.connections import ConnectionGuard, GuardedSite, default_max_connections
from console.listener.failures import FailureLog, FoldingFilter
from console.listener.forwarding import CLIENT, TrustedProxies, client_addresses
from console.listener.limits import (
    RETRY_AFTER_SECONDS,
    BodyTooLarge,
    RequestRefused,
    error_response,
    read_bounded_body,
    refuse_coded_body,
    storable_text,
)
from console.listener.parsing import (
    UNKNOWN_EVENT,
    BitrixFields,
    BodyKind,
    bitrix_body_kind,
    bitrix_fields,
    decode_body,
    horoshop_body_kind,
    horoshop_fields,
    sniff_bitrix_auth,
)
from console.listener.redaction import (
    SecretScrubber,
    redact_headers,
    redact_json_body,
    redact_parsed_form_body,
    redact_payload,
    redact_unparsed_body,
)
from console.listener.verification import BitrixExpectation, CredentialSource, verify_bitrix
from console.store.model import (
    AppendResult,
    EventRecord,
    EventSource,
    EventStore,
    Verification,
)
from console.store.sqlite import StoreHealth

log = logging.getLogger(__name__)

# Bodies larger than this are parsed on the loop's default executor so a slow parse of a
# big (but allowed) body never holds up small events queued behind it.
_OFFLOAD_PARSE_BYTES = 128 * 1024
# In-flight handlers get this long to finish on stop() before connections are cut.
_SHUTDOWN_GRACE_SECONDS = 5.0
# /healthz waits this long for the database to answer before it says it is unreachable.
_PING_TIMEOUT_SECONDS = 3.0


def _json_response(body: bytes) -> web.Response:
    return web.Response(body=body, content_type="application/json")


def _stored_response(result: AppendResult) -> web.Response:
    """What json.dumps gives for the answer, byte for byte, without building a dict for it."""
    if result.duplicate_of is not None:
        return _json_response(
            b'{"status": "duplicate", "id": %d, "duplicate_of": %d}'
            % (result.id, result.duplicate_of)
        )
    return _json_response(b'{"status": "stored", "id": %d}' % result.id)


def _judge(
    refused: RequestRefused | None,
    auth_problem: str | None,
    problem: str | None,
    *,
    auth_answer: str | None = None,
) -> _Outcome:
    """The answer and the verification state: a refused body first, then authenticity,
    then whether the event could be understood. An unreadable body from an authentic
    sender is MALFORMED; from anyone else it is REJECTED.

    ``auth_answer`` is what the sender is told about authenticity when it must say less
    than the stored ``auth_problem`` (which names, say, an unknown profile).
    """
    told = auth_answer or auth_problem
    if refused is not None:
        if auth_problem is None:
            return _Outcome(refused.status, Verification.MALFORMED, refused.reason)
        reason = f"{refused.reason}; {auth_problem}"
        return _Outcome(refused.status, Verification.REJECTED, reason, f"{refused.reason}; {told}")
    if auth_problem is not None:
        return _Outcome(401, Verification.REJECTED, auth_problem, told)
    if problem is not None:
        return _Outcome(400, Verification.MALFORMED, problem)
    return _Outcome(200, Verification.VERIFIED, None)


def _horoshop_path(request: web.Request, secret: str) -> str:
    """The request path as stored: the route with the secret replaced by its fingerprint.

    Built from the route rather than by replacing the secret in ``path_qs``: that one is
    still percent-encoded (in any of several ways), so a secret with a space, ``%`` or a
    non-ASCII character would never be found in it and would be stored in clear.
    """
    query = request.rel_url.raw_query_string
    return f"/horoshop/{fingerprint(secret)}" + (f"?{storable_text(query)}" if query else "")


def _clean_headers(request: web.Request) -> list[tuple[str, str]]:
    pairs = [(storable_text(k), storable_text(v)) for k, v in request.headers.items()]
    return redact_headers(pairs)


# Stands in for the expectation of a profile that does not exist, so that an unknown
# name costs the same comparison as a known one with a wrong token.
_NO_SUCH_PROFILE = BitrixExpectation(application_token=secrets.token_hex(16), domain=None)


def _bitrix_auth(
    profile: str, expectation: BitrixExpectation | None, fields: BitrixFields
) -> tuple[str | None, str | None]:
    """``(stored reason, answer)`` about authenticity; both ``None`` when authentic.

    An unknown profile, and a profile without a token, get the very answer a wrong token
    gets: otherwise trying names would list the profiles. The stored reason says which.
    """
    checked = expectation if expectation and expectation.application_token else None
    problem = verify_bitrix(
        profile,
        checked or _NO_SUCH_PROFILE,
        application_token=fields.application_token,
        domain=fields.domain,
        member_id=fields.member_id,
    )
    if checked is not None:
        return problem, None
    if expectation is None:
        stored = f"unknown profile {profile!r}"
    else:
        stored = f"no application token configured for profile {profile}"
    return stored, problem


class _CommitRelay:
    """Hands commit results from the store's writer thread to one event loop.

    One wake-up of the loop per batch of finished commits instead of one per event (what
    ``asyncio.wrap_future`` does): a write group of many events resolves all its futures
    at once, and each cross-thread wake-up costs a syscall and a GIL hand-over on both
    threads.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._lock = threading.Lock()
        self._finished: list[tuple[asyncio.Future[AppendResult], Future[AppendResult]]] = []

    async def wait(self, future: Future[AppendResult]) -> AppendResult:
        """The result of ``future``; cancelling the wait cancels it, as wrap_future does."""
        waiter: asyncio.Future[AppendResult] = self.loop.create_future()
        future.add_done_callback(lambda done: self._finish(waiter, done))
        try:
            return await waiter
        except asyncio.CancelledError:
            # Not yet picked up by the writer: then it is not stored.
            future.cancel()
            raise

    def _finish(self, waiter: asyncio.Future[AppendResult], future: Future[AppendResult]) -> None:
        """On the writer thread: queue the pair; schedule a drain only if none is pending."""
        with self._lock:
            self._finished.append((waiter, future))
            if len(self._finished) > 1:
                return
        # RuntimeError: the loop is closed, so nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self._drain)

    def _drain(self) -> None:
        with self._lock:
            finished, self._finished = self._finished, []
        for waiter, future in finished:
            if waiter.done():
                continue
            if future.cancelled():
                waiter.cancel()
                continue
            exc = future.exception()
            if exc is not None:
                waiter.set_exception(exc)
            else:
                waiter.set_result(future.result())


@runtime_checkable
class _ReportsHealth(Protocol):
    def health(self) -> StoreHealth: ...

    def probe_write(self, timeout: float = ...) -> str | None: ...


@runtime_checkable
class _Pings(Protocol):
    """A store on a database server: whether the server answers now (``None``) or why not."""

    def ping(self, timeout: float) -> str | None: ...


class StoreNotWritable(RuntimeError):
    """The listener will not start on a store that cannot keep events."""


@dataclass(slots=True)
class _Outcome:
    """What the route decided, before it is committed and answered."""

    status: int
    verification: Verification
    reason: str | None
    # What the sender is told, when it differs from the stored reason.
    answer: str | None = None


class _Routes:
    """Request handlers; lives on the listener thread."""

    def __init__(
        self,
        store: EventStore,
        credentials: CredentialSource,
        settings: ListenerSettings,
        failures: FailureLog | None = None,
    ) -> None:
        self.store = store
        self.credentials = credentials
        self.settings = settings
        self.committed = 0
        self.failures = failures or FailureLog()
        self.last_store_error: str | None = None
        self._relay: _CommitRelay | None = None
        self._scrubbed_values: frozenset[str] | None = None
        self._scrubber = SecretScrubber(())
        # Asked once: isinstance against a runtime-checkable protocol inspects the class's
        # members on every call, which was a visible part of each request's cost.
        self._reports_health = store if isinstance(store, _ReportsHealth) else None

    def _decode_here(self, kind: BodyKind, raw: bytes) -> Any:
        return decode_body(
            kind, raw, max_depth=self.settings.max_depth, max_keys=self.settings.max_keys
        )

    async def _decode_elsewhere(self, kind: BodyKind, raw: bytes) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._decode_here, kind, raw)

    async def _read_body(
        self, request: web.Request, kind_of: Callable[[str | None, bytes], BodyKind]
    ) -> tuple[bytes, BodyKind | None, Any, RequestRefused | None]:
        """``(raw, kind, payload, refused)``: the body read within the limit and decoded.

        When the request is refused, ``raw`` is what was read (up to the limit) so that an
        authentic sender's event can still be kept for inspection.
        """
        raw = b""
        kind: BodyKind | None = None
        try:
            # Refused unread: the coded bytes are kept nowhere, not even as a preview.
            refuse_coded_body(request)
            try:
                if request.content.is_eof():
                    # The whole body is in the buffer already (every small event): reading
                    # it cannot wait, so it needs no timer set and cancelled.
                    raw = await read_bounded_body(request, self.settings.max_body_bytes)
                else:
                    async with asyncio.timeout(self.settings.body_timeout_seconds):
                        raw = await read_bounded_body(request, self.settings.max_body_bytes)
            except TimeoutError:
                # The connection is not at a request boundary any more: answer and close.
                request[_CLOSE_AFTER] = True
                seconds = f"{self.settings.body_timeout_seconds:g}"
                raise RequestRefused(408, f"body not received within {seconds} s") from None
            kind = kind_of(request.content_type if request.body_exists else None, raw)
            # Small bodies (every real event) are parsed right here: an executor hop
            # would cost more than the parse.
            if len(raw) <= _OFFLOAD_PARSE_BYTES:
                return raw, kind, self._decode_here(kind, raw), None
            return raw, kind, await self._decode_elsewhere(kind, raw), None
        except BodyTooLarge as exc:
            return exc.kept, kind, None, exc
        except RequestRefused as exc:
            return raw, kind, None, exc

    def _relay_for(self, loop: asyncio.AbstractEventLoop) -> _CommitRelay:
        # The app normally lives on one loop for good; tests may serve it from another.
        relay = self._relay
        if relay is None or relay.loop is not loop:
            relay = self._relay = _CommitRelay(loop)
        return relay

    async def _commit(self, record: EventRecord) -> AppendResult | None:
        """Wait for the durable commit; ``None`` if the store failed (already logged)."""
        health = self._reports_health
        if health is not None and not health.health().writer_alive:
            # Nothing would ever answer the submit: say so now rather than hang.
            self.failures.note("event store failed; answering 503", "writer thread stopped")
            self.last_store_error = "the store's writer thread has stopped"
            return None
        try:
            future = self.store.submit(record)
            async with asyncio.timeout(self.settings.commit_timeout_seconds):
                result = await self._relay_for(asyncio.get_running_loop()).wait(future)
        except TimeoutError:
            # Not acknowledged: if it commits after all, the sender's retry is a duplicate.
            seconds = f"{self.settings.commit_timeout_seconds:g}"
            self.failures.note("event store too slow; answering 503", f"no commit in {seconds} s")
            self.last_store_error = f"no commit within {seconds} s"
            return None
        except Exception as exc:
            self.failures.note("event store failed; answering 503", f"{type(exc).__name__}: {exc}")
            self.last_store_error = f"{type(exc).__name__}: {exc}"
            return None
        self.last_store_error = None
        self.committed += 1
        return result

    async def _finish(self, record: EventRecord, outcome: _Outcome) -> web.Response:
        result = await self._commit(record)
        if outcome.status != 200:
            # The sender's input was the problem: say so even if keeping a copy failed.
            return error_response(outcome.status, outcome.answer or outcome.reason or "refused")
        if result is None:
            return error_response(503, "event store unavailable; event not stored")
        return _stored_response(result)

    def _current_scrubber(self) -> SecretScrubber:
        values = self.credentials.secret_values()
        if values is not self._scrubbed_values:
            self._scrubber = SecretScrubber(values)
            self._scrubbed_values = values
        return self._scrubber

    def _redact_refused(self, raw: bytes, refused: RequestRefused) -> bytes:
        truncated = isinstance(refused, BodyTooLarge)
        raw = redact_unparsed_body(raw, truncated=truncated)
        return self._current_scrubber().cut_partial_tail(raw) if truncated else raw

    @staticmethod
    def _client(request: web.Request) -> str | None:
        client = request.get(CLIENT)
        return client.address if client is not None else request.remote

    def _record(self, **fields: Any) -> EventRecord:
        """The record to store, with every known secret value scrubbed from every field."""
        return EventRecord.model_construct(**self._current_scrubber().scrub_fields(fields))

    async def bitrix(self, request: web.Request) -> web.Response:
        received_at = datetime.now(UTC)
        profile = storable_text(request.match_info["profile"])
        expectation = self.credentials.bitrix(profile)
        raw, kind, payload, refused = await self._read_body(request, bitrix_body_kind)

        fields: BitrixFields = sniff_bitrix_auth(raw) if refused else bitrix_fields(payload)
        auth_problem, auth_answer = _bitrix_auth(profile, expectation, fields)
        if refused is not None:
            raw = self._redact_refused(raw, refused)
            payload = None
        else:
            credentials_met = redact_payload(payload)
            raw = (
                redact_parsed_form_body(raw, payload, credentials_met)
                if kind is BodyKind.FORM
                else redact_json_body(raw, payload, credentials_met)
            )
        outcome = _judge(refused, auth_problem, fields.problem, auth_answer=auth_answer)

        record = self._record(
            received_at=received_at,
            source=EventSource.BITRIX,
            event=fields.event or UNKNOWN_EVENT,
            profile=profile,
            entity_id=fields.entity_id,
            order_id=fields.order_id,
            portal_domain=fields.domain,
            member_id=fields.member_id,
            handler_id=fields.handler_id,
            ts=fields.ts,
            verification=outcome.verification,
            verification_reason=outcome.reason,
            remote_addr=self._client(request),
            method=request.method,
            path=storable_text(request.path_qs),
            content_type=storable_text(request.headers.get("Content-Type", "")) or None,
            headers=_clean_headers(request),
            raw_body=raw,
            payload=payload,
        )
        return await self._finish(record, outcome)

    async def horoshop(self, request: web.Request) -> web.Response:
        received_at = datetime.now(UTC)
        secret = request.match_info["secret"]
        profile = self.credentials.horoshop(secret)
        raw, _kind, payload, refused = await self._read_body(request, horoshop_body_kind)

        auth_problem = None if profile is not None else "unknown Horoshop secret"
        event = "order_created"
        order_id: str | None = None
        problem: str | None = None
        if refused is not None:
            raw = self._redact_refused(raw, refused)
            payload = None
        else:
            fields = horoshop_fields(payload)
            event, order_id, problem = fields.event, fields.order_id, fields.problem
            raw = redact_json_body(raw, payload, redact_payload(payload))
        outcome = _judge(refused, auth_problem, problem)

        record = self._record(
            received_at=received_at,
            source=EventSource.HOROSHOP,
            event=event,
            profile=profile,
            entity_id=order_id,
            order_id=order_id,
            portal_domain=None,
            member_id=None,
            handler_id=None,
            ts=None,
            verification=outcome.verification,
            verification_reason=outcome.reason,
            remote_addr=self._client(request),
            method=request.method,
            path=_horoshop_path(request, secret),
            content_type=storable_text(request.headers.get("Content-Type", "")) or None,
            headers=_clean_headers(request),
            raw_body=raw,
            payload=payload,
        )
        return await self._finish(record, outcome)

    def store_health(self) -> dict[str, Any] | None:
        """The store's state when it can report one (the SQLite store does)."""
        if not isinstance(self.store, _ReportsHealth):
            return None
        return self.store.health().as_dict()

    def can_keep_events(self) -> tuple[bool, dict[str, Any]]:
        state = self.store_health() or {}
        state.setdefault("last_error", None)
        if state["last_error"] is None and self.last_store_error is not None:
            state["last_error"] = self.last_store_error
        ok = state.get("writable", True) and state.get("writer_alive", True)
        return bool(ok and state["last_error"] is None), state

    async def ping_database(self) -> str | None:
        """``None`` when the store's database answers (or there is none), else why not.

        When it answers and the store itself reports healthy again, the listener's own
        memory of a failed commit is dropped too: no event may have arrived since to
        prove the store works, and /healthz must not stay 503 until one does.
        """
        if not isinstance(self.store, _Pings):
            return None
        loop = asyncio.get_running_loop()
        problem = await loop.run_in_executor(None, self.store.ping, _PING_TIMEOUT_SECONDS)
        if (
            problem is None
            and self.last_store_error is not None
            and isinstance(self.store, _ReportsHealth)
            and self.store.health().ok
        ):
            self.last_store_error = None
        return problem

    async def healthz(self, request: web.Request) -> web.Response:
        del request
        database = await self.ping_database()
        ok, state = self.can_keep_events()
        if isinstance(self.store, _Pings):
            state["database"] = "ok" if database is None else database
            ok = ok and database is None
        body = {"status": "ok" if ok else "unavailable", "events": self.committed, "store": state}
        response = web.Response(
            status=200 if ok else 503,
            body=json.dumps(body).encode("utf-8"),
            content_type="application/json",
        )
        if not ok:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


_CLOSE_AFTER = web.RequestKey("b24_close_after", bool)


@web.middleware
async def _one_line_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Router refusals (404, 405) as the same JSON shape the routes use."""
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400:
            reason = exc.reason
            if exc.status == 404:
                reason = f"no route for {request.method} {storable_text(request.path)}"
            response = error_response(exc.status, reason)
            if exc.status == 405 and "Allow" in exc.headers:
                response.headers["Allow"] = exc.headers["Allow"]
            return response
        raise
    if request.get(_CLOSE_AFTER):
        response.force_close()
    return response


def _busy_marker(guard: ConnectionGuard) -> Any:
    @web.middleware
    async def mark_busy(request: web.Request, handler: Any) -> web.StreamResponse:
        """A connection inside a handler is busy: the guard never closes it for room."""
        guard.mark(request.transport, True)
        try:
            response: web.StreamResponse = await handler(request)
            return response
        finally:
            guard.mark(request.transport, False)

    return mark_busy


def build_app(
    store: EventStore,
    credentials: CredentialSource,
    settings: ListenerSettings,
    *,
    guard: ConnectionGuard | None = None,
    failures: FailureLog | None = None,
) -> web.Application:
    """The aiohttp application with the listener's routes (no thread, no socket)."""
    routes = _Routes(store, credentials, settings, failures)
    proxies = TrustedProxies.parse(settings.trusted_proxies)
    # Behind a trusted proxy, public or on this machine, every sender shares the proxy's
    # connections: without a cap of its own, one sender's slow bodies would hold them all.
    per_client = settings.max_connections_per_address if proxies else None
    clients = client_addresses(proxies, routes.failures, per_client)
    middlewares = [_one_line_errors, clients]
    if guard is not None:
        middlewares.insert(0, _busy_marker(guard))
    app = web.Application(middlewares=middlewares, client_max_size=settings.max_body_bytes)
    app.router.add_post("/bitrix/{profile}", routes.bitrix)
    app.router.add_put("/horoshop/{secret}", routes.horoshop)
    app.router.add_post("/horoshop/{secret}", routes.horoshop)
    app.router.add_get("/healthz", routes.healthz)
    return app


_AIOHTTP_FOLDED: list[logging.Filter] = []


def _fold_aiohttp_logs(failures: FailureLog) -> None:
    """aiohttp logs a traceback at ERROR for each malformed request and hung-up client:
    fold those into counted lines (once per process; the first listener's counter)."""
    if _AIOHTTP_FOLDED:
        return
    folding = FoldingFilter(failures, "bad request or dropped connection")
    logging.getLogger("aiohttp.server").addFilter(folding)
    _AIOHTTP_FOLDED.append(folding)


class ListenerServer:
    """Runs the listener on a background thread with its own event loop.

    ``start()`` returns once the socket is bound (port 0 picks a free port; read
    ``port``/``base_url``). ``stop()`` lets in-flight requests finish, then joins the
    thread; calling it twice is harmless.
    """

    def __init__(
        self,
        store: EventStore,
        credentials: CredentialSource,
        settings: ListenerSettings | None = None,
        *,
        public: bool = False,
    ) -> None:
        self.settings = settings or ListenerSettings()
        if not is_loopback_host(self.settings.host) and not public:
            raise ValueError(
                f"refusing to listen on {self.settings.host}: not a loopback address "
                "(pass public=True / --public to expose the listener)"
            )
        if not is_loopback_host(self.settings.host):
            log.warning(
                "listener bound to %s: reachable from other machines; only the "
                "application token and URL secrets keep forged events out",
                self.settings.host,
            )
        self.store = store
        self.credentials = credentials
        self.public = public
        self.failures = FailureLog(log)
        self.guard: ConnectionGuard | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._port: int | None = None
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("listener not started")
        return self._port

    @property
    def base_url(self) -> str:
        host = self.settings.host
        if host in ("0.0.0.0", "::", ""):
            # Bound to every interface: loopback is the address that surely works here.
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def handler_urls(self) -> dict[str, str]:
        """``bitrix/<profile>`` and ``horoshop/<profile>`` to the URL to register: on the
        public address of the reverse proxy when one is set, else where this one listens.

        The Horoshop secret is masked: it is the credential, and this list gets printed.
        """
        base = self.settings.public_url or self.base_url
        urls: dict[str, str] = {}
        for profile in self.credentials.profiles():
            urls[f"bitrix/{profile}"] = f"{base}/bitrix/{profile}"
            hint = self.credentials.horoshop_hint(profile)
            if hint:
                urls[f"horoshop/{profile}"] = f"{base}/horoshop/{hint}"
        return urls

    def start(self) -> None:
        """Bind and serve. Raises :class:`StoreNotWritable` if the store cannot keep events
        (a 200 would then be a lie) and ``OSError`` if the address cannot be bound."""
        if isinstance(self.store, _ReportsHealth):
            problem = self.store.probe_write()
            if problem is not None:
                raise StoreNotWritable(f"the event store cannot be written: {problem}")
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("listener already started")
            self._thread = threading.Thread(target=self._run, name="b24-listener", daemon=True)
            self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            self._thread.join()
            raise self._startup_error

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._bind())
        except BaseException as exc:  # handed to start(), which raises it on the caller's thread
            self._startup_error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _bind(self) -> None:
        settings = self.settings
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(self._loop_exception)
        _fold_aiohttp_logs(self.failures)
        self.guard = ConnectionGuard(
            self.failures,
            max_connections=settings.max_connections or default_max_connections(),
            per_address=settings.max_connections_per_address if self.public else None,
            unlimited_peer=TrustedProxies.parse(settings.trusted_proxies).trusts,
        )
        app = build_app(
            self.store, self.credentials, self.settings, guard=self.guard, failures=self.failures
        )
        runner = web.AppRunner(
            app,
            access_log=None,
            shutdown_timeout=_SHUTDOWN_GRACE_SECONDS,
            handle_signals=False,
            # aiohttp's keep-alive timer runs from the connection's start and from each
            # answer until a whole request head has arrived: it is the header-read and
            # the idle timeout in one.
            keepalive_timeout=settings.idle_timeout_seconds,
            # How long the rest of an unread body may keep coming after the answer.
            lingering_time=1.0,
            # Bodies are read as sent: decoding gzip or deflate on the fly would hand the
            # routes a body many times the size limit before they could count it.
            auto_decompress=False,
        )
        await runner.setup()
        self._runner = runner
        site = GuardedSite(runner, settings.host, settings.port, self.guard, backlog=1024)
        await site.start()
        assert site.bound_port is not None
        self._port = site.bound_port

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """The loop's own errors (accept() out of descriptors, above all) as counted lines."""
        del loop
        exc = context.get("exception")
        message = str(context.get("message", "event loop error"))
        kind = f"{message}: {type(exc).__name__}" if exc else message
        self.failures.note(kind, str(exc) if exc else "")

    def stop(self) -> None:
        with self._lock:
            thread, loop = self._thread, self._loop
        if thread is None or loop is None or not thread.is_alive():
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self.failures.flush()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
