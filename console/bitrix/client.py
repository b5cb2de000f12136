"""The synchronous REST client: one ``httpx.Client``, safe to share between threads.

Every call goes through the portal's shared leaky bucket, then the retry policy:

* ``QUERY_LIMIT_EXCEEDED`` (503 or 429): the portal did not run the request, so it is
  repeated (changes too) after the bucket is marked full;
* ``OPERATION_TIME_LIMIT`` (429): wait until ``operating_reset_at`` if that is soon;
* 5xx and network failures: repeated with jittered back-off for reads only;
* a change whose answer never came, or came as a 5xx without a documented REST error,
  raises :class:`OutcomeUnknown`;
* everything else (access, scope, not found, validation) is raised at once.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from console import __version__
from console.bitrix.auth import (
    Auth,
    OAuthAuth,
    TokenPair,
    WebhookAuth,
    portal_base_url,
)
from console.bitrix.errors import (
    B24Error,
    ExpiredToken,
    InvalidPortalUrl,
    InvalidToken,
    MalformedResponse,
    MethodNotFound,
    NetworkError,
    OAuthServerError,
    OperationTimeLimit,
    OutcomeUnknown,
    QueryLimitExceeded,
    ServerError,
    UnexpectedRedirect,
    error_from_payload,
    is_documented_code,
    oauth_error_from_payload,
    redact,
)
from console.bitrix.limiter import (
    STANDARD,
    BucketLimits,
    BucketSource,
    Clock,
    RequestBucket,
    Sleep,
    limiter_for,
    note_in_use,
)
from console.bitrix.methods import is_read_method

if TYPE_CHECKING:
    from console.bitrix.batch import BatchCommandLike, BatchResult

log = logging.getLogger(__name__)

USER_AGENT = f"b24-console/{__version__}"
# httpx failures that happen before a single byte of the request left: nothing ran.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of the retry policy; delays in seconds."""

    read_attempts: int = 4
    limit_attempts: int = 10
    base_delay: float = 0.5
    max_delay: float = 8.0
    # OPERATION_TIME_LIMIT: wait for the reset only if it comes within this many seconds.
    max_operating_wait: float = 60.0
    # When the portal did not say when the budget resets, assume one basket (a minute).
    default_operating_wait: float = 60.0

    def backoff(self, attempt: int, rng: Callable[[], float]) -> float:
        """Delay before retry number ``attempt`` (1-based): exponential, full jitter."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** max(0, attempt - 1))
        return ceiling * (0.5 + rng() / 2)


@dataclass(frozen=True)
class RestResponse:
    """One successful answer: ``result`` as sent, paging fields and the ``time`` block."""

    method: str
    result: Any
    total: int | None = None
    next: int | None = None
    time: Mapping[str, Any] = field(default_factory=dict)


def _optional_int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class BitrixClient:
    """A Bitrix24 REST client for one portal and one set of credentials."""

    def __init__(
        self,
        auth: Auth,
        *,
        limits: BucketLimits = STANDARD,
        retry: RetryPolicy | None = None,
        timeout: float = 65.0,
        limiter: RequestBucket | None = None,
        bucket_for: BucketSource | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        sleep: Sleep = time.sleep,
        rng: Callable[[], float] = random.random,
        http_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._auth = auth
        self.base_url = portal_base_url(auth.portal_url)
        self.portal_host = urlsplit(self.base_url).netloc
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._rng = rng
        # ``bucket_for``: the store's bucket per portal (a team shares one in its database).
        if limiter is None and bucket_for is not None:
            limiter = bucket_for(self.portal_host, limits)
        self.limiter: RequestBucket = limiter or limiter_for(
            self.portal_host, limits, clock=clock, sleep=sleep
        )
        note_in_use(self.portal_host, self.limiter)
        # The portal cuts requests at 60 s; a little more lets its own error arrive.
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=10.0),
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            transport=http_transport,
        )
        self._token_lock = threading.Lock()
        self._token_generation = 0
        if isinstance(auth, OAuthAuth):
            self._access_token = auth.access_token
            self._refresh_token = auth.refresh_token
            self._oauth_base = portal_base_url(auth.server_endpoint)
        self._stats_lock = threading.Lock()
        self._operating: dict[str, float] = {}
        self._operating_reset: dict[str, float] = {}
        self._areas()

    def _areas(self) -> None:
        # Imported here: the area modules import this one for typing.
        from console.bitrix.bindings import BindingsApi
        from console.bitrix.deals import DealsApi
        from console.bitrix.invoices import SmartInvoicesApi
        from console.bitrix.orders import OrdersApi, PropertyValuesApi, ShipmentsApi
        from console.bitrix.statuses import StatusesApi, StatusLangsApi

        self.statuses = StatusesApi(self)
        self.status_langs = StatusLangsApi(self)
        self.orders = OrdersApi(self)
        self.shipments = ShipmentsApi(self)
        self.property_values = PropertyValuesApi(self)
        self.bindings = BindingsApi(self)
        self.deals = DealsApi(self)
        self.smart_invoices = SmartInvoicesApi(self)

    # --- lifecycle -----------------------------------------------------------------

    def __enter__(self) -> BitrixClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def auth_mode(self) -> str:
        return "oauth" if isinstance(self._auth, OAuthAuth) else "webhook"

    # --- secrets -------------------------------------------------------------------

    def secret_values(self) -> list[str]:
        """Strings that must never appear in an error or a log line."""
        auth = self._auth
        if isinstance(auth, WebhookAuth):
            return [auth.code]
        return [auth.client_secret, self._access_token, self._refresh_token,
                auth.access_token, auth.refresh_token]  # fmt: skip

    def _redact(self, text: str) -> str:
        return redact(text, self.secret_values())

    # --- operating time ------------------------------------------------------------

    @property
    def operating_by_method(self) -> dict[str, float]:
        """Latest ``time.operating`` (seconds used in the last 10 minutes) per method."""
        with self._stats_lock:
            return dict(self._operating)

    def record_time(self, method: str, time_block: Any) -> None:
        """Remember a method's operating time and reset moment from a ``time`` block."""
        if not isinstance(time_block, Mapping):
            return
        with self._stats_lock:
            operating = time_block.get("operating")
            if isinstance(operating, int | float):
                self._operating[method] = float(operating)
            reset_at = time_block.get("operating_reset_at")
            if isinstance(reset_at, int | float):
                self._operating_reset[method] = float(reset_at)

    # --- calls ---------------------------------------------------------------------

    def call(
        self, method: str, params: Mapping[str, Any] | None = None, *, read: bool | None = None
    ) -> RestResponse:
        """Call ``method`` with JSON ``params``; ``read`` overrides the read/change guess."""
        is_read = is_read_method(method) if read is None else read
        body = dict(params or {})
        failures = 0
        limit_refusals = 0
        waited_for_operating = False
        refreshed = False
        while True:
            self.limiter.acquire()
            generation = self._token_generation
            try:
                response = self._send(method, body)
            except httpx.TransportError as exc:
                sent = not isinstance(exc, _NOT_SENT)
                if is_read and failures + 1 < self.retry.read_attempts:
                    failures += 1
                    self._sleep(self.retry.backoff(failures, self._rng))
                    continue
                raise self._network_error(method, exc, sent=sent and not is_read) from None
            try:
                payload = self._decode(method, response, is_read)
            except MalformedResponse:
                if is_read and failures + 1 < self.retry.read_attempts:
                    failures += 1
                    self._sleep(self.retry.backoff(failures, self._rng))
                    continue
                raise
            if "error" not in payload:
                return self._success(method, payload)

            error = error_from_payload(
                payload,
                http_status=response.status_code,
                method=method,
                secrets=self.secret_values(),
            )
            if isinstance(error, ExpiredToken | InvalidToken) and self._can_refresh(refreshed):
                refreshed = True
                self._refresh(generation)
                continue
            if isinstance(error, QueryLimitExceeded):
                # Not executed by the portal, so repeating is safe even for changes.
                self.limiter.note_refused()
                limit_refusals += 1
                if limit_refusals < self.retry.limit_attempts:
                    if limit_refusals > 1:
                        self._sleep(self.retry.backoff(limit_refusals - 1, self._rng))
                    continue
                raise error
            if isinstance(error, OperationTimeLimit):
                wait = self._operating_wait(method, error)
                if not waited_for_operating and wait <= self.retry.max_operating_wait:
                    waited_for_operating = True
                    self._sleep(wait)
                    continue
                raise error
            if (
                isinstance(error, ServerError)
                and is_read
                and failures + 1 < self.retry.read_attempts
            ):
                failures += 1
                self._sleep(self.retry.backoff(failures, self._rng))
                continue
            raise error

    def batch(self, commands: Mapping[str, BatchCommandLike], *, halt: bool = False) -> BatchResult:
        """Run named commands in batches of 50; see :func:`console.bitrix.batch.run_batch`."""
        from console.bitrix.batch import run_batch

        return run_batch(self, commands, halt=halt)

    def test_connection(self) -> dict[str, Any]:
        """Prove the credentials work: portal, server time and (if allowed) the user."""
        try:
            server_time: Any = self.call("server.time").result
        except MethodNotFound:
            server_time = None
        user: Any = None
        try:
            user = self.call("profile").result
        except B24Error as exc:
            if server_time is None or isinstance(exc, NetworkError):
                raise
        return {
            "portal": self.portal_host,
            "auth_mode": self.auth_mode,
            "server_time": server_time,
            "user": user,
        }

    # --- internals -----------------------------------------------------------------

    def _send(self, method: str, body: dict[str, Any]) -> httpx.Response:
        auth = self._auth
        if isinstance(auth, WebhookAuth):
            url = f"{self.base_url}/rest/{auth.user_id}/{auth.code}/{method}"
        else:
            url = f"{self.base_url}/rest/{method}"
            body = {**body, "auth": self._access_token}
        return self._http.post(url, json=body)

    def _decode(self, method: str, response: httpx.Response, is_read: bool) -> dict[str, Any]:
        status = response.status_code
        if response.is_redirect:
            location = self._redact(response.headers.get("location", ""))
            raise UnexpectedRedirect(
                f"the portal redirected the request to {location or 'an unknown address'}",
                location=location,
                http_status=status,
                method=method,
            )
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not is_read and status >= 500 and not self._documented_error(payload):
            # A 5xx page from a proxy or a PHP fatal error can come after the change was
            # committed; only the portal's own documented error codes (INTERNAL_SERVER_ERROR,
            # QUERY_LIMIT_EXCEEDED, OVERLOAD_LIMIT, ...) say what happened to it.
            raise OutcomeUnknown(
                f"the portal answered HTTP {status} without a documented REST error; "
                "the change may have run, check the result before retrying",
                http_status=status,
                method=method,
            )
        if isinstance(payload, dict) and ("result" in payload or "error" in payload):
            return payload
        if not is_read and 200 <= status < 300:
            # The change may have run; only the answer is missing or garbled.
            raise OutcomeUnknown(
                f"the portal's answer (HTTP {status}) could not be read; "
                "check the result before retrying",
                http_status=status,
                method=method,
            )
        raise MalformedResponse(
            f"HTTP {status} without a REST envelope", http_status=status, method=method
        )

    @staticmethod
    def _documented_error(payload: Any) -> bool:
        return (
            isinstance(payload, dict)
            and "error" in payload
            and is_documented_code(payload.get("error"))
        )

    def _success(self, method: str, payload: dict[str, Any]) -> RestResponse:
        time_block = payload.get("time")
        self.record_time(method, time_block)
        return RestResponse(
            method=method,
            result=payload.get("result"),
            total=_optional_int(payload.get("total")),
            next=_optional_int(payload.get("next")),
            time=time_block if isinstance(time_block, Mapping) else {},
        )

    def _network_error(self, method: str, exc: httpx.TransportError, *, sent: bool) -> B24Error:
        reason = self._redact(str(exc)) or type(exc).__name__
        if sent:
            return OutcomeUnknown(
                f"no answer after the change was sent ({reason}); check it before retrying",
                method=method,
            )
        return NetworkError(f"cannot reach {self.portal_host}: {reason}", method=method)

    def _operating_wait(self, method: str, error: OperationTimeLimit) -> float:
        reset_at = error.reset_at
        if reset_at is None:
            with self._stats_lock:
                reset_at = self._operating_reset.get(method)
        if reset_at is None:
            return self.retry.default_operating_wait
        return max(0.0, reset_at - self._wall_clock())

    # --- OAuth ---------------------------------------------------------------------

    def _can_refresh(self, already_refreshed: bool) -> bool:
        return isinstance(self._auth, OAuthAuth) and not already_refreshed

    def _refresh(self, generation: int) -> None:
        """Renew the token pair once, even when several threads hit expiry together."""
        auth = self._auth
        assert isinstance(auth, OAuthAuth)
        with self._token_lock:
            if self._token_generation != generation:
                return  # another thread renewed it while this one waited
            pair = self._request_tokens(auth)
            self._access_token = pair.access_token
            self._refresh_token = pair.refresh_token
            if pair.server_endpoint is not None:
                # The next renewal goes where the OAuth server said this portal lives.
                self._oauth_base = portal_base_url(pair.server_endpoint)
            self._token_generation += 1
        if auth.on_refresh is not None:
            try:
                auth.on_refresh(pair)
            except Exception as exc:  # the call can still go on with the new pair in memory
                log.error("could not store the renewed OAuth tokens: %s", type(exc).__name__)

    def _request_tokens(self, auth: OAuthAuth) -> TokenPair:
        params = {
            "grant_type": "refresh_token",
            "client_id": auth.client_id,
            "client_secret": auth.client_secret,
            "refresh_token": self._refresh_token,
        }
        try:
            response = self._http.get(f"{self._oauth_base}/oauth/token/", params=params)
        except httpx.TransportError as exc:
            raise NetworkError(
                f"cannot reach the OAuth server: {self._redact(str(exc)) or type(exc).__name__}",
                method="oauth/token",
            ) from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise OAuthServerError(
                f"HTTP {response.status_code} from the OAuth server is not JSON",
                http_status=response.status_code,
                method="oauth/token",
            )
        if "error" in payload or "access_token" not in payload:
            raise oauth_error_from_payload(
                payload, http_status=response.status_code, secrets=self.secret_values()
            )
        expires_at: datetime | None = None
        if isinstance(payload.get("expires"), int | float):
            expires_at = datetime.fromtimestamp(float(payload["expires"]), tz=UTC)
        elif isinstance(payload.get("expires_in"), int | float):
            expires_at = datetime.now(UTC) + timedelta(seconds=float(payload["expires_in"]))
        return TokenPair(
            access_token=str(payload["access_token"]),
            refresh_token=str(payload.get("refresh_token") or self._refresh_token),
            expires_at=expires_at,
            server_endpoint=self._usable_server_endpoint(payload.get("server_endpoint")),
        )

    def _usable_server_endpoint(self, value: Any) -> str | None:
        """The answer's ``server_endpoint`` if the secret may be sent there, else None."""
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            # The client secret travels in the query: never in clear text off loopback.
            portal_base_url(value)
        except InvalidPortalUrl:
            log.warning("ignoring an unusable server_endpoint in the OAuth answer")
            return None
        return value.strip()
