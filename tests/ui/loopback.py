"""A running console over real parts for the inspector's tests: a SQLite store, the
listener on a free port, a profile in the (in-memory) keyring and the sandbox portal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.limiter import BucketLimits
from console.core.credentials import SecretKind
from console.core.profiles import Profile, ProfileNotFound, ProfileRepository
from console.core.settings import ListenerSettings, Settings
from console.listener.catchup import CatchUpPoller
from console.listener.server import ListenerServer
from console.sandbox import SandboxPortal
from console.session import ConnectionReceiver, ListenerBindError, RowsReceiver, watch_store
from console.store import EventFilter, SqliteEventStore, StoredEvent, StoreLocation
from console.ui.context import ConsoleContext
from tests.listener.conftest import APP_TOKEN as APP_TOKEN
from tests.listener.conftest import HOROSHOP_SECRET, PROFILE, credentials, sample

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


class LoopbackConsole:
    """Satisfies ``console.session.RunningConsole`` with real parts on loopback."""

    def __init__(self, root: Path, portal: SandboxPortal | None) -> None:
        self._store = SqliteEventStore(root / "events.sqlite3")
        self._store_path = root / "events.sqlite3"
        self.profiles = ProfileRepository()
        self.profiles.save(Profile(name=PROFILE, portal_url="https://some-domain.bitrix24.com"))
        self.profiles.set_secret(PROFILE, SecretKind.APPLICATION_TOKEN, APP_TOKEN)
        self.profiles.set_secret(PROFILE, SecretKind.HOROSHOP_SECRET, HOROSHOP_SECRET)
        self.portal = portal
        self.server = ListenerServer(self._store, credentials(), ListenerSettings(port=0))
        self.server.start()
        self.http = httpx.Client(base_url=self.server.base_url, timeout=30)

    @property
    def store(self) -> SqliteEventStore:
        return self._store

    @property
    def store_path(self) -> Path:
        return self._store_path

    @property
    def store_location(self) -> StoreLocation:
        return StoreLocation.sqlite(self._store_path)

    @property
    def listener(self) -> ListenerServer | None:
        return self.server

    @property
    def bind_error(self) -> ListenerBindError | None:
        return None

    @property
    def pollers(self) -> list[CatchUpPoller]:
        return []

    @property
    def is_demo(self) -> bool:
        return False

    def watch(
        self, on_rows: RowsReceiver, on_connection: ConnectionReceiver | None = None
    ) -> Callable[[], None]:
        return watch_store(self._store, on_rows, on_connection)

    def profile_names(self) -> list[str]:
        return [PROFILE]

    def client_for(self, profile: str) -> BitrixClient:
        if profile != PROFILE or self.portal is None:
            raise ProfileNotFound(f"no profile named {profile!r}")
        return BitrixClient(
            WebhookAuth.from_url(self.portal.webhook_url), limits=BucketLimits(50, 100.0)
        )

    def poll_now(self) -> None:
        pass

    def stop(self) -> None:
        self.http.close()
        self.server.stop()
        self._store.close()

    # -- sending events as their senders do ------------------------------------------

    def post_bitrix(self, body: bytes, profile: str = PROFILE) -> StoredEvent:
        self.http.post(f"/bitrix/{profile}", content=body, headers=FORM)
        return self.newest()

    def post_sample(self, name: str, **changes: str | None) -> StoredEvent:
        from tests.listener.test_routes import replace_pairs

        body = sample(name)
        if changes:
            body = replace_pairs(body, **changes)
        return self.post_bitrix(body)

    def put_horoshop(
        self, body: bytes | dict[str, Any], secret: str = HOROSHOP_SECRET
    ) -> StoredEvent:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        self.http.put(f"/horoshop/{secret}", content=data, headers=JSON)
        return self.newest()

    def newest(self) -> StoredEvent:
        events = self._store.query(EventFilter(include_duplicates=True), limit=1)
        return events[0]


def make_context(console: LoopbackConsole) -> ConsoleContext:
    context = ConsoleContext(Settings())
    context.attach(console)
    return context
