"""The client does what the documentation asks of it, checked against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from console.bitrix import errors as e
from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.errors import user_message
from console.bitrix.limiter import BucketLimits
from console.sandbox import SandboxConfig, SandboxPortal

FAST = BucketLimits(50, 100.0)


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(burst=50, drain_rate=100.0)) as sandbox:
        yield sandbox


@pytest.fixture
def client(portal: SandboxPortal) -> Iterator[BitrixClient]:
    with BitrixClient(WebhookAuth.from_url(portal.webhook_url), limits=FAST) as c:
        yield c


def _paid_shipment(portal: SandboxPortal) -> int:
    """A shipment with a delivery price, delivery allowed: what a naive update would lose."""
    for shipment in portal.state.shipments.values():
        if shipment["priceDelivery"] and shipment["allowDelivery"] == "Y":
            return int(shipment["id"])
    shipment = portal.state.shipments[1]
    shipment.update(priceDelivery=70.0, basePriceDelivery=70.0, allowDelivery="Y")
    return 1


def test_status_only_update_fails_as_on_a_real_portal(
    client: BitrixClient, portal: SandboxPortal
) -> None:
    shipment_id = _paid_shipment(portal)
    with pytest.raises(e.RequiredFields) as info:
        client.call("sale.shipment.update", {"id": shipment_id, "fields": {"statusId": "DF"}})
    assert "allowDelivery" in info.value.description


def test_set_status_changes_only_the_status(client: BitrixClient, portal: SandboxPortal) -> None:
    shipment_id = _paid_shipment(portal)
    before = dict(portal.state.shipments[shipment_id])
    target = "DD" if before["statusId"] != "DD" else "DF"
    changed = client.shipments.set_status(shipment_id, target)
    assert changed.status_id == target
    after = portal.state.shipments[shipment_id]
    for name in ("allowDelivery", "deducted", "deliveryId", "priceDelivery", "basePriceDelivery"):
        assert after[name] == before[name], name
    assert changed.price_delivery == Decimal(str(before["priceDelivery"]))


def test_shipment_get_and_not_found(client: BitrixClient, portal: SandboxPortal) -> None:
    shipment = client.shipments.get(1)
    assert shipment.order_id == portal.state.shipments[1]["orderId"]
    assert shipment.delivery_id == portal.state.shipments[1]["deliveryId"]
    with pytest.raises(e.ShipmentNotFound) as info:
        client.shipments.get(999_999)
    assert info.value.code == "201140400001"
    with pytest.raises(e.ShipmentNotFound):
        client.shipments.set_status(999_999, "DD")


def test_deal_search_by_title(client: BitrixClient, portal: SandboxPortal) -> None:
    surname = portal.state.deals[9]["TITLE"].rsplit(" ", 1)[1]
    found = client.deals.search(surname)
    assert found and all(surname in (deal.title or "") for deal in found)
    assert 9 in {deal.id for deal in found}
    assert [deal.id for deal in found] == sorted((deal.id for deal in found), reverse=True)
    assert found[0].contact_id is not None


def test_smart_invoice_search(client: BitrixClient, portal: SandboxPortal) -> None:
    invoices = client.smart_invoices.search("Рахунок №2")
    assert [invoice.id for invoice in invoices] == [2]
    assert invoices[0].stage_id and invoices[0].opportunity is not None
    assert client.smart_invoices.get(3) is not None
    assert client.smart_invoices.get(999) is None


def test_error_messages_match_the_documented_meanings(portal: SandboxPortal) -> None:
    limited = WebhookAuth.from_url(portal.limited_webhook_url)
    with BitrixClient(limited, limits=FAST) as c, pytest.raises(e.StoreAccessDenied) as store:
        c.statuses.list()
    assert "store rights" in user_message(store.value)
    portal.api.commercial_plan = False
    with BitrixClient(limited, limits=FAST) as c, pytest.raises(e.RestUnavailable) as plan:
        c.deals.search("x")
    assert "commercial" in user_message(plan.value)
    messages = {
        user_message(error)
        for error in (
            plan.value,
            store.value,
            e.DuplicateBinding(),
            e.BindingNotFound(),
            e.OrderNotFound(),
            e.AccessDenied(),
        )
    }
    assert len(messages) == 6
