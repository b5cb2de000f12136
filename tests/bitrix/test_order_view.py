"""The Entity tab's order view, read from the real sandbox portal over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.bitrix import errors as e
from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.limiter import BucketLimits
from console.bitrix.order_view import OrderViewError, fetch_order_view, horoshop_order_view
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import EventSource, StoredEvent, Verification

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
FAST = BucketLimits(50, 100.0)


@pytest.fixture(scope="module")
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(port=0, burst=50, drain_rate=100.0)) as sandbox:
        yield sandbox


@pytest.fixture
def client(portal: SandboxPortal) -> Iterator[BitrixClient]:
    with BitrixClient(WebhookAuth.from_url(portal.webhook_url), limits=FAST) as c:
        yield c


def event(
    name: str,
    *,
    source: EventSource = EventSource.BITRIX,
    entity_id: str | None = None,
    order_id: str | None = None,
    payload: object = None,
) -> StoredEvent:
    return StoredEvent(
        id=1,
        received_at=datetime.now(UTC),
        source=source,
        event=name,
        profile="shop",
        entity_id=entity_id,
        order_id=order_id,
        verification=Verification.VERIFIED,
        payload=payload,
    )


def test_order_event(client: BitrixClient, portal: SandboxPortal) -> None:
    order_id = min(portal.state.orders)
    order = portal.state.orders[order_id]
    view = fetch_order_view(
        client, event("ONSALEORDERSAVED", entity_id=str(order_id), order_id=str(order_id))
    )
    assert view.order_id == str(order_id)
    assert view.status is not None and view.status.id == order["statusId"]
    # The name comes from sale.statusLang, the colour from sale.status.
    assert view.status.name and view.status.name != order["statusId"]
    assert view.status.color == portal.state.statuses[order["statusId"]].get("color")
    assert view.currency == "UAH"
    assert view.total
    names = dict(view.customer)
    assert any("@" in value for value in names.values())
    assert len(view.basket) == len(order["basketItems"])
    assert view.basket[0].name == order["basketItems"][0]["name"]
    assert view.shipments and view.shipments[0].status is not None
    assert view.shipments[0].status.id == order["shipments"][0]["statusId"]
    assert view.resolved_from is None


def test_shipment_tracking_price_and_article_as_the_portal_sends_them(
    client: BitrixClient, portal: SandboxPortal
) -> None:
    order_id = next(
        o
        for o, order in sorted(portal.state.orders.items())
        if order["shipments"][0]["trackingNumber"] and order["shipments"][0]["priceDelivery"]
    )
    order = portal.state.orders[order_id]
    shipment = order["shipments"][0]
    view = fetch_order_view(client, event("ONSALEORDERSAVED", order_id=str(order_id)))
    assert view.shipments[0].tracking == shipment["trackingNumber"]
    assert view.shipments[0].price == f"{shipment['priceDelivery']:,.2f}".replace(",", " ")
    assert view.shipments[0].delivery == shipment["deliveryName"]
    assert view.basket[0].article == order["basketItems"][0]["productXmlId"]


def test_property_value_event_resolves_its_order(
    client: BitrixClient, portal: SandboxPortal
) -> None:
    value_id, value = max(portal.state.property_values.items())
    view = fetch_order_view(client, event("ONPROPERTYVALUEENTITYSAVED", entity_id=str(value_id)))
    assert view.order_id == str(value["orderId"])
    assert view.resolved_from == str(value_id)


def test_catch_up_event_uses_the_order_id(client: BitrixClient, portal: SandboxPortal) -> None:
    order_id = max(portal.state.orders)
    view = fetch_order_view(
        client,
        event(
            "ONSALEORDERSAVED",
            source=EventSource.CATCH_UP,
            entity_id=str(order_id),
            order_id=str(order_id),
        ),
    )
    assert view.source is EventSource.CATCH_UP
    assert view.order_id == str(order_id)


def test_missing_order_and_property_value(client: BitrixClient) -> None:
    with pytest.raises(e.OrderNotFound):
        fetch_order_view(client, event("ONSALEORDERSAVED", entity_id="999999", order_id="999999"))
    with pytest.raises(OrderViewError, match="no longer exists"):
        fetch_order_view(client, event("ONPROPERTYVALUEENTITYSAVED", entity_id="999999"))
    with pytest.raises(OrderViewError, match="names no order"):
        fetch_order_view(client, event("ONSALEORDERSAVED"))


def test_wrong_credentials_say_so(portal: SandboxPortal) -> None:
    auth = WebhookAuth(portal.base_url, 1, "wrongcode0000000")
    with BitrixClient(auth, limits=FAST) as bad, pytest.raises(e.B24Error) as info:
        fetch_order_view(bad, event("ONSALEORDERSAVED", entity_id="1", order_id="1"))
    assert isinstance(info.value, e.Unauthorized | e.AccessDenied)
    assert "Something went wrong" not in e.user_message(info.value)


def test_horoshop_offline() -> None:
    payload = json.loads((SAMPLES / "horoshop-order_created.json").read_text())
    view = horoshop_order_view(event("order_created", source=EventSource.HOROSHOP, payload=payload))
    assert view.order_id == "115"
    assert view.total == "31799.00"  # grouped by the window, in its locale
    assert view.currency == "UAH"
    assert view.basket[0].article == "MJVM2UAA"
    assert ("delivery", "Local pickup 0.00") in view.extra
    assert ("payment", "In cash") in view.extra
    assert ("city", "Kyiv") in view.customer
    with pytest.raises(OrderViewError):
        horoshop_order_view(event("order_created", source=EventSource.HOROSHOP, payload=[1]))
