"""The demo: the sandbox portal, a listener wired to it, a store and some shop activity.

Everything runs on loopback with throwaway credentials the sandbox made up, so the demo
never touches the OS keyring or the operator's real profiles and event store.
"""

from __future__ import annotations

import logging
import random
import secrets
import shutil
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import httpx

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.errors import B24Error
from console.core.profiles import ProfileNotFound
from console.core.settings import ListenerSettings
from console.listener.catchup import CatchUpPoller
from console.listener.server import ListenerServer
from console.listener.verification import BitrixExpectation, StaticCredentialSource
from console.sandbox import SandboxConfig, SandboxPortal
from console.session import ListenerBindError
from console.store import EventStore, open_store

log = logging.getLogger(__name__)

DEMO_PROFILE = "demo"
SANDBOX_EVENTS = ("ONSALEORDERSAVED", "ONPROPERTYVALUEENTITYSAVED")
# The standard-plan limits and a little network latency, so the demo feels like a portal.
DEMO_PORTAL = SandboxConfig(port=0, burst=50, drain_rate=2.0, latency_seconds=0.05)


class DemoSession:
    """Starts and stops the demo's pieces; ``activity_seconds`` paces the fake operators."""

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        activity_seconds: float | None = 4.0,
        portal_config: SandboxConfig = DEMO_PORTAL,
        listener_port: int = 0,
        seed: int | None = None,
    ) -> None:
        self._own_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="b24-console-demo-"))
        self.activity_seconds = activity_seconds
        self.portal = SandboxPortal(portal_config)
        self.horoshop_secret = secrets.token_urlsafe(18)
        self._listener_port = listener_port
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._activity: threading.Thread | None = None
        self.store: EventStore | None = None
        self.listener: ListenerServer | None = None
        self.poller: CatchUpPoller | None = None
        self._order_ids: list[int] = []

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> DemoSession:
        self.portal.start()
        self._order_ids = sorted(self.portal.state.orders)
        try:
            self.store = open_store(self.store_path)
            credentials = StaticCredentialSource(
                bitrix={
                    DEMO_PROFILE: BitrixExpectation(
                        application_token=self.portal.application_token,
                        domain=self.portal.domain,
                        member_id=self.portal.member_id,
                    )
                },
                horoshop={DEMO_PROFILE: self.horoshop_secret},
            )
            self.listener = ListenerServer(
                self.store, credentials, ListenerSettings(port=self._listener_port)
            )
            self.listener.start()
            for event in SANDBOX_EVENTS:
                self.portal.register_handler(event, self.bitrix_handler_url)
            self.portal.register_horoshop_handler(self.horoshop_handler_url)
            self.poller = CatchUpPoller(
                self.store,
                DEMO_PROFILE,
                self.client,
                portal_domain=self.portal.domain,
                interval_seconds=60.0,
                initial_lookback=timedelta(hours=6),
            )
            self.poller.start()
            if self.activity_seconds is not None:
                self._activity = threading.Thread(
                    target=self._run_activity, name="demo-activity", daemon=True
                )
                self._activity.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._activity is not None:
            self._activity.join(10)
            self._activity = None
        if self.poller is not None:
            self.poller.stop()
        if self.listener is not None:
            self.listener.stop()
        self.portal.stop()
        if self.store is not None:
            self.store.close()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> DemoSession:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what it serves -------------------------------------------------------------

    # -- the RunningConsole face (console.session) --------------------------------------

    @property
    def store_path(self) -> Path:
        return self.data_dir / "events.sqlite3"

    @property
    def bind_error(self) -> ListenerBindError | None:
        return None

    @property
    def pollers(self) -> list[CatchUpPoller]:
        return [self.poller] if self.poller is not None else []

    @property
    def is_demo(self) -> bool:
        return True

    def profile_names(self) -> list[str]:
        return [DEMO_PROFILE]

    def client_for(self, profile: str) -> BitrixClient:
        if profile != DEMO_PROFILE:
            raise ProfileNotFound(f"the demo has only the profile {DEMO_PROFILE!r}")
        return self.client()

    def poll_now(self) -> None:
        if self.poller is not None:
            self.poller.poll_now()

    @property
    def bitrix_handler_url(self) -> str:
        assert self.listener is not None
        return f"{self.listener.base_url}/bitrix/{DEMO_PROFILE}"

    @property
    def horoshop_handler_url(self) -> str:
        assert self.listener is not None
        return f"{self.listener.base_url}/horoshop/{self.horoshop_secret}"

    def client(self) -> BitrixClient:
        """A REST client for the sandbox's admin webhook."""
        return BitrixClient(WebhookAuth.from_url(self.portal.webhook_url))

    # -- fake shop activity -----------------------------------------------------------

    def _run_activity(self) -> None:
        assert self.activity_seconds is not None
        with self.client() as client:
            while not self._stop.wait(self.activity_seconds):
                try:
                    self.act_once(client)
                except (B24Error, httpx.HTTPError) as exc:
                    log.warning("demo activity: %s", exc)

    def act_once(self, client: BitrixClient) -> str:
        """One thing a shop does: mostly order status changes, sometimes a storefront order
        or a forged event, so the feed shows every kind of entry."""
        roll = self._rng.random()
        if roll < 0.15:
            self.portal.send_horoshop_order()
            return "horoshop order"
        if roll < 0.22:
            self._post_forged_event()
            return "forged event"
        order_id = self._rng.choice(self._order_ids)
        status = self._rng.choice(["N", "P", "S", "F"])
        client.orders.set_status(order_id, status)
        return f"order {order_id} -> {status}"

    def _post_forged_event(self) -> None:
        """An event with a wrong token, as an attacker guessing the handler URL would send."""
        body = {
            "event": "ONSALEORDERSAVED",
            "event_handler_id": "1",
            "data[FIELDS][ID]": str(self._rng.choice(self._order_ids)),
            "ts": "0",
            "auth[domain]": self.portal.domain,
            "auth[application_token]": secrets.token_hex(16),
        }
        httpx.post(self.bitrix_handler_url, data=body, timeout=10)
