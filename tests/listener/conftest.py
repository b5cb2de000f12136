"""A running listener over a real SQLite store, and the sample bodies as Bitrix24 sends them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.listener.verification import BitrixExpectation, StaticCredentialSource
from console.store import EventFilter, SqliteEventStore, StoredEvent

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"

APP_TOKEN = "51856fefc120afa4b628cc82d3935cce"
ACCESS_TOKEN = "s6p6eclrvim6da22ft9ch94ekreb52lv"
REFRESH_TOKEN = "4s386p3q0tr8dy89xvmt96234v3dljg8"
DOMAIN = "some-domain.bitrix24.com"
MEMBER_ID = "a223c6b3710f85df22e9377d6c4f7553"
HOROSHOP_SECRET = "hs-7f3c9e1d2b4a68f0c5e7a9b1d3f5e7a9"
PROFILE = "shop"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SECRETS = (APP_TOKEN, ACCESS_TOKEN, REFRESH_TOKEN, HOROSHOP_SECRET)


def credentials() -> StaticCredentialSource:
    return StaticCredentialSource(
        bitrix={
            PROFILE: BitrixExpectation(APP_TOKEN, DOMAIN, MEMBER_ID),
            # A profile whose token was never entered.
            "blank": BitrixExpectation(None, DOMAIN, None),
        },
        horoshop={PROFILE: HOROSHOP_SECRET},
    )


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes().strip()


def all_events(store: SqliteEventStore) -> list[StoredEvent]:
    return list(store.iter_events(EventFilter(include_duplicates=True)))


def assert_no_secrets(event: StoredEvent) -> None:
    """The stored row, every column of it, holds none of the clear-text credentials."""
    dumped = event.model_dump_json(exclude={"raw_body"}) + event.raw_body.decode("latin-1")
    for secret in SECRETS:
        assert secret not in dumped, f"{secret} stored in clear"


class Running:
    """A listener, its store and a client pointed at it."""

    def __init__(self, root: Path, settings: ListenerSettings | None = None) -> None:
        self.db = root / "events.sqlite3"
        self.store = SqliteEventStore(self.db)
        self.server = ListenerServer(
            self.store, credentials(), settings or ListenerSettings(port=0)
        )
        self.server.start()
        self.client = httpx.Client(base_url=self.server.base_url, timeout=30)

    def close(self) -> None:
        self.client.close()
        self.server.stop()
        self.store.close()

    def post_form(self, path: str, body: bytes) -> httpx.Response:
        return self.client.post(path, content=body, headers=FORM)

    def only_event(self) -> StoredEvent:
        events = all_events(self.store)
        assert len(events) == 1, events
        return events[0]

    def assert_serving(self) -> None:
        """The listener still answers and still stores after whatever came before."""
        response = self.client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    instance = Running(tmp_path)
    try:
        yield instance
    finally:
        instance.close()
