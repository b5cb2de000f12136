"""Property-value events get their order: sandbox → real listener → store → resolver."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient, RetryPolicy
from console.bitrix.limiter import BucketLimits, forget_limiters
from console.core.settings import ListenerSettings
from console.listener.resolver import PROPERTY_VALUE_EVENT, OrderResolver
from console.listener.server import ListenerServer
from console.listener.verification import BitrixExpectation, StaticCredentialSource
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import (
    EventFilter,
    EventRecord,
    EventSource,
    SqliteEventStore,
    Verification,
)

FAST = BucketLimits(100, 100.0)


class Resolved:
    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []
        self._cond = threading.Condition()

    def __call__(self, event_id: int, order_id: str) -> None:
        with self._cond:
            self.items.append((event_id, order_id))
            self._cond.notify_all()

    def wait_for(self, count: int, timeout: float = 15.0) -> list[tuple[int, str]]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.items) >= count, timeout), self.items
            return list(self.items)


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    forget_limiters()
    with SandboxPortal(SandboxConfig(burst=1000, drain_rate=500.0)) as sandbox:
        yield sandbox
    forget_limiters()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteEventStore]:
    with SqliteEventStore(tmp_path / "events.sqlite3") as opened:
        yield opened


def _factory(portal: SandboxPortal, calls: list[str]) -> Callable[[str], BitrixClient]:
    def make(profile: str) -> BitrixClient:
        calls.append(profile)
        return BitrixClient(
            WebhookAuth.from_url(portal.webhook_url),
            limits=FAST,
            retry=RetryPolicy(read_attempts=1),
        )

    return make


def _value_of(portal: SandboxPortal, order_id: int) -> dict[str, object]:
    return next(v for v in portal.state.property_values.values() if v["orderId"] == order_id)


def test_end_to_end_through_a_real_listener(portal: SandboxPortal, store: SqliteEventStore) -> None:
    creds = StaticCredentialSource(
        {"shop": BitrixExpectation(portal.application_token, portal.domain, portal.member_id)}
    )
    resolved = Resolved()
    calls: list[str] = []
    resolver = OrderResolver(store, _factory(portal, calls), on_resolved=resolved).start()
    try:
        with ListenerServer(store, creds, ListenerSettings(port=0)) as server:
            portal.register_handler(PROPERTY_VALUE_EVENT, f"{server.base_url}/bitrix/shop")
            value = _value_of(portal, 300)
            body = {
                "fields": {
                    "order": {
                        "id": 300,
                        "propertyValues": [
                            {"orderPropsId": value["orderPropsId"], "value": "+380671234567"}
                        ],
                    }
                }
            }
            answer = httpx.post(portal.webhook_url + "sale.propertyvalue.modify", json=body)
            assert answer.status_code == 200, answer.text
            ((event_id, order_id),) = resolved.wait_for(1)
    finally:
        resolver.stop()
    assert order_id == "300"
    stored = store.get(event_id)
    assert stored is not None and stored.entity_id == str(value["id"])
    assert stored.order_id == "300" and stored.verification is Verification.VERIFIED
    # The feed's order: filter (and so the timeline and `events list --order`) finds it.
    assert event_id in {e.id for e in store.query(EventFilter(order_id="300"))}
    assert resolver.cached_order("shop", str(value["id"])) == "300"
    assert calls == ["shop"]


def _unresolved(
    value_id: object, verification: Verification = Verification.VERIFIED
) -> EventRecord:
    return EventRecord(
        received_at=datetime.now(UTC),
        source=EventSource.BITRIX,
        event=PROPERTY_VALUE_EVENT,
        profile="shop",
        entity_id=str(value_id),
        verification=verification,
        payload={"event": PROPERTY_VALUE_EVENT, "data": {"FIELDS": {"ID": str(value_id)}}},
    )


def test_start_pass_and_retry_when_unreachable(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    value = _value_of(portal, 250)
    earlier = store.append(_unresolved(value["id"]))
    forged = store.append(_unresolved(value["id"], Verification.REJECTED))
    portal.faults.error_rate = 1.0  # the portal answers 500 to everything
    resolved = Resolved()
    calls: list[str] = []
    resolver = OrderResolver(
        store, _factory(portal, calls), retry_base=0.05, retry_max=0.2, on_resolved=resolved
    )
    resolver.start()
    try:
        # Intake is not held up while the portal fails.
        later = store.append(_unresolved(_value_of(portal, 251)["id"]))
        assert store.get(later.id) is not None
        portal.faults.error_rate = 0.0
        found = dict(resolved.wait_for(2))
    finally:
        resolver.stop()
    assert found == {earlier.id: "250", later.id: "251"}
    assert store.get(forged.id).order_id is None  # type: ignore[union-attr]
    assert resolver.pending() == 0


def test_a_value_that_no_longer_exists_is_dropped(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    gone = store.append(_unresolved(999_999))
    calls: list[str] = []
    resolver = OrderResolver(store, _factory(portal, calls)).start()
    try:
        deadline = threading.Event()
        for _ in range(100):
            if calls and resolver.pending() == 0:
                break
            deadline.wait(0.05)
    finally:
        resolver.stop()
    assert store.get(gone.id).order_id is None  # type: ignore[union-attr]
    assert resolver.pending() == 0


def test_the_demo_resolves_its_property_value_events(tmp_path: Path) -> None:
    from console.demo import DemoSession

    with DemoSession(data_dir=tmp_path, activity_seconds=None, seed=3) as demo:
        with demo.client() as client:
            done = demo.act("property value", client)
        order_id = done.split(" of order ")[1].split(" ")[0]
        flt = EventFilter(order_id=order_id, events=frozenset({PROPERTY_VALUE_EVENT}))
        waited = threading.Event()
        for _ in range(200):
            if demo.store.query(flt):
                break
            waited.wait(0.05)
        (event,) = demo.store.query(flt)
    assert event.entity_id == done.split(" ")[1]
