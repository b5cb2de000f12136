"""The demo: the sandbox portal, a listener wired to it, a store and some shop activity.

Everything runs on loopback with throwaway credentials the sandbox made up, so the demo
never touches the OS keyring or the operator's real profiles and event store.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

import httpx

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.errors import B24Error
from console.core.profiles import ProfileNotFound
from console.core.settings import ListenerSettings
from console.listener.catchup import CatchUpPoller
from console.listener.child import ListenerChild
from console.listener.resolver import OrderResolver
from console.listener.server import ListenerServer
from console.listener.verification import BitrixExpectation, StaticCredentialSource
from console.sandbox import SandboxConfig, SandboxPortal
from console.session import (
    ConnectionReceiver,
    ListenerBindError,
    RowsReceiver,
    RunningConsole,
    watch_store,
)
from console.store import EventStore, EventSubscriber, StoreLocation, open_store

log = logging.getLogger(__name__)

DEMO_PROFILE = "demo"
SANDBOX_EVENTS = ("ONSALEORDERSAVED", "ONPROPERTYVALUEENTITYSAVED")
# The standard-plan limits and a little network latency, so the demo feels like a portal.
DEMO_PORTAL = SandboxConfig(port=0, burst=50, drain_rate=2.0, latency_seconds=0.05)
# What the fake shop does. The demo opens with one of each, so a fresh window shows every
# kind of feed entry within seconds; then it picks at random with these weights.
DEMO_ACTS: dict[str, float] = {
    "order status": 0.50,
    "property value": 0.13,
    "shipment status": 0.15,
    "horoshop order": 0.15,
    "forged event": 0.07,
}
# Seconds between the opening acts (or activity_seconds, if shorter).
OPENING_GAP_SECONDS = 1.5
# How far back the demo's first catch-up pass looks for changes no event reported.
CATCH_UP_LOOKBACK = timedelta(hours=6)
_DELIVERY_STATUSES = ("DN", "DD", "DF")


def describe_portal(portal: SandboxPortal) -> str:
    """What a person needs to point the console (or curl) at a running sandbox portal."""
    info = portal.describe()
    lines = [
        f"Sandbox portal on {info['base_url']}",
        f"  inbound webhook (admin):   {info['webhook_url']}",
        f"  inbound webhook (limited): {info['limited_webhook_url']}",
        f"  outgoing application_token: {info['application_token']}",
        f"  member_id: {info['member_id']}",
        f"  OAuth client: {info['oauth_client_id']} / {info['oauth_client_secret']}",
        f"  OAuth token URL: {info['oauth_token_url']}",
        "  control endpoints:",
    ]
    lines += [f"    {endpoint}" for endpoint in info["control"].values()]
    return "\n".join(lines)


def demo_description(demo: DemoSession) -> str:
    """The sandbox address, its webhook and credentials, and the listener's handler URLs.

    Printed by the terminal demo and by the windowed demo, so a person or a script can
    send events to it. Plain text, no Qt; the demo must be started.
    """
    listener = demo.listener
    if listener is None:
        raise RuntimeError("the demo is not started")
    return "\n".join(
        [
            describe_portal(demo.portal),
            f"Listener on {listener.base_url} (store in {demo.data_dir})",
            f"  Bitrix24 handler:  {demo.bitrix_handler_url}",
            f"  Horoshop handler:  {demo.horoshop_handler_url}",
        ]
    )


@dataclass(frozen=True)
class DemoListenerConfig:
    """What the demo's child listener needs: the store, the port, the sandbox's secrets.

    Handed to the child on its standard input (never its command line, which any local
    user can read), as one JSON object.
    """

    store_path: str
    port: int
    application_token: str
    domain: str
    member_id: str
    horoshop_secret: str
    # The sandbox's admin webhook: the child resolves property-value events to orders.
    webhook_url: str

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> DemoListenerConfig:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("the demo listener's configuration is not a JSON object")
        return cls(
            store_path=str(data["store_path"]),
            port=int(data["port"]),
            application_token=str(data["application_token"]),
            domain=str(data["domain"]),
            member_id=str(data["member_id"]),
            horoshop_secret=str(data["horoshop_secret"]),
            webhook_url=str(data["webhook_url"]),
        )

    def credentials(self) -> StaticCredentialSource:
        return StaticCredentialSource(
            bitrix={
                DEMO_PROFILE: BitrixExpectation(
                    application_token=self.application_token,
                    domain=self.domain,
                    member_id=self.member_id,
                )
            },
            horoshop={DEMO_PROFILE: self.horoshop_secret},
        )

    def client_for(self, profile: str) -> BitrixClient:
        if profile != DEMO_PROFILE:
            raise ProfileNotFound(profile)
        return BitrixClient(WebhookAuth.from_url(self.webhook_url))


@dataclass
class DemoListener:
    """The demo's intake in the process that runs it: the listener and the order resolver."""

    store: EventStore
    server: ListenerServer
    resolver: OrderResolver

    @classmethod
    def start(cls, config: DemoListenerConfig) -> DemoListener:
        store = open_store(Path(config.store_path))
        try:
            server = ListenerServer(store, config.credentials(), ListenerSettings(port=config.port))
            server.start()
        except BaseException:
            store.close()
            raise
        resolver = OrderResolver(store, config.client_for).start()
        return cls(store, server, resolver)

    def stop(self) -> None:
        self.resolver.stop()
        self.server.stop()
        self.store.close()


# Where the demo's listener runs. "child": a process of its own (``listen --demo-child``),
# as the window runs the operator's listener, so intake never competes with painting for
# this interpreter; "inprocess": threads of this process (the terminal demo, which prints
# each event as it is stored).
DemoListenerPlace = Literal["inprocess", "child"]


class DemoSession:
    """Starts and stops the demo's pieces; ``activity_seconds`` paces the fake operators.

    ``listener="child"`` runs the listener (and the order resolver beside it) in a child
    process; the demo then follows the store it writes. ``subscriber`` hears only this
    process's commits, so it is for the in-process listener.
    """

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        activity_seconds: float | None = 4.0,
        portal_config: SandboxConfig = DEMO_PORTAL,
        listener_port: int = 0,
        seed: int | None = None,
        subscriber: EventSubscriber | None = None,
        listener: DemoListenerPlace = "inprocess",
    ) -> None:
        # Subscribed as soon as the store opens, before the first catch-up pass can commit.
        self._subscriber = subscriber
        self._own_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="b24-console-demo-"))
        self.activity_seconds = activity_seconds
        self.portal = SandboxPortal(portal_config)
        self.horoshop_secret = secrets.token_urlsafe(18)
        self._listener_port = listener_port
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._activity: threading.Thread | None = None
        self._store: EventStore | None = None
        self._listener_place: DemoListenerPlace = listener
        self.listener: ListenerServer | ListenerChild | None = None
        self.poller: CatchUpPoller | None = None
        self.resolver: OrderResolver | None = None
        self._order_ids: list[int] = []
        self._unwatch: list[Callable[[], None]] = []

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> DemoSession:
        self.portal.start()
        self._order_ids = sorted(self.portal.state.orders)
        try:
            self._store = store = open_store(self.store_path)
            if self._subscriber is not None:
                store.subscribe(self._subscriber)
            config = self._listener_config()
            if self._listener_place == "child":
                child = ListenerChild(extra_args=["--demo-child"], stdin_text=config.to_json())
                self.listener = child
                child.start()
            else:
                self.listener = ListenerServer(
                    store, config.credentials(), ListenerSettings(port=self._listener_port)
                )
                self.listener.start()
            for event in SANDBOX_EVENTS:
                self.portal.register_handler(event, self.bitrix_handler_url)
            self.portal.register_horoshop_handler(self.horoshop_handler_url)
            self.poller = CatchUpPoller(
                store,
                DEMO_PROFILE,
                self.client,
                portal_domain=self.portal.domain,
                interval_seconds=60.0,
                initial_lookback=CATCH_UP_LOOKBACK,
            )
            self.poller.start()
            if self._listener_place == "inprocess":
                # Property-value events name no order; the resolver asks the sandbox for it.
                # (A child listener runs its own resolver: it hears the commits.)
                self.resolver = OrderResolver(store, self.client_for).start()
            if self.activity_seconds is not None:
                self._activity = threading.Thread(
                    target=self._run_activity, name="demo-activity", daemon=True
                )
                self._activity.start()
        except BaseException:
            self.stop()
            raise
        return self

    def _listener_config(self) -> DemoListenerConfig:
        return DemoListenerConfig(
            store_path=str(self.store_path),
            port=self._listener_port,
            application_token=self.portal.application_token,
            domain=self.portal.domain,
            member_id=self.portal.member_id,
            horoshop_secret=self.horoshop_secret,
            webhook_url=self.portal.webhook_url,
        )

    def stop(self) -> None:
        from console.listener.catchup import QUICK_STOP_SECONDS

        self._stop.set()
        # The sandbox keeps nothing worth waiting for, and takes a second or two to let
        # hung requests go: it stops on a daemon thread meanwhile. The fake shop's
        # activity and a catch-up pass may hang on it likewise: they are left to their
        # daemon threads (a pass still waiting writes nothing). All of them get
        # QUICK_STOP_SECONDS from here, together, to end of their own accord.
        deadline = time.monotonic() + QUICK_STOP_SECONDS
        portal_stop = threading.Thread(
            target=self.portal.stop, name="demo-portal-stop", daemon=True
        )
        portal_stop.start()
        for unwatch in self._unwatch:
            unwatch()
        self._unwatch.clear()
        if self.poller is not None:
            self.poller.stop(timeout=QUICK_STOP_SECONDS)
        if self.resolver is not None:
            self.resolver.stop()
        if self.listener is not None:
            self.listener.stop()
        for thread in (self._activity, portal_stop):
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
        self._activity = None
        if self._store is not None:
            self._store.close()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> DemoSession:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- the RunningConsole face (console.session) --------------------------------------

    @property
    def store(self) -> EventStore:
        """The demo's store; RuntimeError before ``start()``."""
        if self._store is None:
            raise RuntimeError("the demo is not started")
        return self._store

    @property
    def store_path(self) -> Path:
        return self.data_dir / "events.sqlite3"

    @property
    def store_location(self) -> StoreLocation:
        return StoreLocation.sqlite(self.store_path)

    @property
    def temporary(self) -> bool:
        """True when the store's directory is the demo's own, deleted by ``stop()``."""
        return self._own_dir

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
            raise ProfileNotFound(profile)
        return self.client()

    def watch(
        self, on_rows: RowsReceiver, on_connection: ConnectionReceiver | None = None
    ) -> Callable[[], None]:
        if self._listener_place == "child":
            # The listener is another process: follow the store's file, not our commits.
            stop = self.store.follow(on_rows, on_connection)
            self._unwatch.append(stop)
            return stop
        return watch_store(self.store, on_rows, on_connection)

    def poll_now(self) -> None:
        if self.poller is not None:
            self.poller.poll_now()

    # -- what it serves -------------------------------------------------------------

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
        opening_gap = min(OPENING_GAP_SECONDS, self.activity_seconds)
        with self.client() as client:
            for kind in DEMO_ACTS:
                if self._stop.wait(opening_gap):
                    return
                self._act_logged(kind, client)
            while not self._stop.wait(self.activity_seconds):
                self._act_logged(self._pick(), client)

    def _act_logged(self, kind: str, client: BitrixClient) -> None:
        try:
            self.act(kind, client)
        except (B24Error, httpx.HTTPError) as exc:
            log.warning("demo activity (%s): %s", kind, exc)
        except Exception:  # the shop keeps going; one odd answer must not end the demo
            log.exception("demo activity (%s) failed", kind)

    def _pick(self) -> str:
        kinds = list(DEMO_ACTS)
        return self._rng.choices(kinds, weights=[DEMO_ACTS[kind] for kind in kinds])[0]

    def act_once(self, client: BitrixClient) -> str:
        """One thing a shop does, picked at random; returns what it did."""
        return self.act(self._pick(), client)

    def act(self, kind: str, client: BitrixClient) -> str:
        """Do one ``kind`` of :data:`DEMO_ACTS`; returns what was done, e.g. ``order 120 -> P``."""
        actions: dict[str, Callable[[BitrixClient], str]] = {
            "order status": self._change_order_status,
            "property value": self._change_property_value,
            "shipment status": self._change_shipment_status,
            "horoshop order": self._send_horoshop_order,
            "forged event": self._post_forged_event,
        }
        return actions[kind](client)

    def _change_order_status(self, client: BitrixClient) -> str:
        order_id = self._rng.choice(self._order_ids)
        status = self._rng.choice(["N", "P", "S", "F"])
        client.orders.set_status(order_id, status)
        return f"order {order_id} -> {status}"

    def _change_property_value(self, client: BitrixClient) -> str:
        """A manager corrects the customer's phone: ONPROPERTYVALUEENTITYSAVED, then the order."""
        order_id = self._rng.choice(self._order_ids)
        values = client.property_values.list(order_id=order_id)
        phone = next((value for value in values if value.code == "PHONE"), None)
        chosen = phone or next((value for value in values if value.order_props_id), None)
        if chosen is None or chosen.order_props_id is None:
            return self._change_order_status(client)
        number = f"+38067{self._rng.randint(1_000_000, 9_999_999)}"
        client.property_values.modify(order_id, {chosen.order_props_id: number})
        return f"property {chosen.id} of order {order_id} -> {number}"

    def _change_shipment_status(self, client: BitrixClient) -> str:
        """The warehouse moves a delivery on (sale.shipment.update)."""
        order_id = self._rng.choice(self._order_ids)
        shipments = client.orders.get(order_id).shipments
        if not shipments:
            return self._change_order_status(client)
        shipment = shipments[0]
        choices = [status for status in _DELIVERY_STATUSES if status != shipment.status_id]
        status = self._rng.choice(choices)
        client.shipments.set_status(shipment.id, status)
        return f"shipment {shipment.id} of order {order_id} -> {status}"

    def _send_horoshop_order(self, client: BitrixClient) -> str:
        del client
        self.portal.send_horoshop_order()
        return "horoshop order"

    def _post_forged_event(self, client: BitrixClient) -> str:
        """An event with a wrong token, as an attacker guessing the handler URL would send."""
        del client
        body = {
            "event": "ONSALEORDERSAVED",
            "event_handler_id": "1",
            "data[FIELDS][ID]": str(self._rng.choice(self._order_ids)),
            "ts": "0",
            "auth[domain]": self.portal.domain,
            "auth[application_token]": secrets.token_hex(16),
        }
        httpx.post(self.bitrix_handler_url, data=body, timeout=10)
        return "forged event"


def _as_running_console(demo: DemoSession) -> RunningConsole:
    # Never called: mypy checks here that the demo offers what every front end reads.
    return demo
