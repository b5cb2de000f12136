"""The sandbox portal delivers real events to a running listener over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.listener.verification import BitrixExpectation, StaticCredentialSource
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import SqliteEventStore, StoredEvent, Verification
from tests.listener.conftest import assert_no_secrets

HOROSHOP_SECRET = "sandbox-horoshop-secret-0123456789"


class Arrivals:
    """Collects committed events from the store's subscriber, and waits for them."""

    def __init__(self) -> None:
        self.events: list[StoredEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: StoredEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 15.0) -> list[StoredEvent]:
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.events) >= count, timeout)
        assert arrived, f"only {len(self.events)} of {count} events arrived"
        return list(self.events)


@pytest.fixture
def wired(tmp_path: Path) -> Iterator[tuple[SandboxPortal, ListenerServer, Arrivals]]:
    with SandboxPortal(SandboxConfig(port=0)) as portal:
        creds = StaticCredentialSource(
            {
                "sandbox": BitrixExpectation(
                    portal.application_token, portal.domain, portal.member_id
                )
            },
            {"sandbox": HOROSHOP_SECRET},
        )
        with SqliteEventStore(tmp_path / "events.sqlite3") as store:
            arrivals = Arrivals()
            store.subscribe(arrivals)
            with ListenerServer(store, creds, ListenerSettings(port=0)) as server:
                yield portal, server, arrivals


def test_order_change_through_rest_arrives_verified(
    wired: tuple[SandboxPortal, ListenerServer, Arrivals],
) -> None:
    portal, server, arrivals = wired
    portal.register_handler("ONSALEORDERSAVED", f"{server.base_url}/bitrix/sandbox")

    order_id = min(portal.state.orders)
    response = httpx.post(
        portal.webhook_url + "sale.order.update", json={"id": order_id, "fields": {"statusId": "P"}}
    )
    assert response.status_code == 200, response.text

    (event,) = arrivals.wait_for(1)
    assert event.verification is Verification.VERIFIED, event.verification_reason
    assert (event.event, event.entity_id, event.order_id) == (
        "ONSALEORDERSAVED",
        str(order_id),
        str(order_id),
    )
    assert event.portal_domain == portal.domain
    assert portal.application_token not in event.raw_body.decode()
    assert portal.application_token not in event.model_dump_json(exclude={"raw_body"})


def test_horoshop_order_arrives_verified(
    wired: tuple[SandboxPortal, ListenerServer, Arrivals],
) -> None:
    portal, server, arrivals = wired
    portal.register_horoshop_handler(f"{server.base_url}/horoshop/{HOROSHOP_SECRET}")

    order = portal.send_horoshop_order()
    portal.flush_events()

    (event,) = arrivals.wait_for(1)
    assert event.verification is Verification.VERIFIED, event.verification_reason
    assert event.order_id == str(order["order_id"])
    assert HOROSHOP_SECRET not in event.path
    assert_no_secrets(event)
