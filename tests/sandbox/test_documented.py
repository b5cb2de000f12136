"""The sandbox answers as the documentation says a real portal does (issue 7)."""

from __future__ import annotations

from typing import Any

import httpx

from console.sandbox import SandboxPortal
from tests.sandbox.conftest import Rest

REQUIRED = {"allowDelivery": "Y", "deducted": "N", "deliveryId": 3}


def _error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert str(body["error"]) == code, body
    return body


def _shipment(portal: SandboxPortal, order_id: int = 120) -> dict[str, Any]:
    shipment: dict[str, Any] = portal.state.orders[order_id]["shipments"][0]
    return shipment


def test_shipment_get(rest: Rest, portal: SandboxPortal) -> None:
    shipment = _shipment(portal)
    got = rest("sale.shipment.get", {"id": shipment["id"]}).json()["result"]["shipment"]
    assert got["id"] == shipment["id"] and got["orderId"] == 120
    assert {"allowDelivery", "deducted", "deliveryId", "basePriceDelivery"} <= set(got)
    _error(rest("sale.shipment.get", {"id": 999_999}), 400, "201140400001")
    _error(rest("sale.shipment.get", {}), 400, "100")


def test_shipment_update_requires_the_documented_fields(rest: Rest, portal: SandboxPortal) -> None:
    shipment = _shipment(portal)
    before = dict(shipment)
    body = _error(
        rest("sale.shipment.update", {"id": shipment["id"], "fields": {"statusId": "DF"}}),
        400,
        "0",
    )
    assert body["error_description"] == "Required fields: allowDelivery, deducted, deliveryId"
    assert shipment == before  # refused means untouched
    only_two = {"statusId": "DF", "allowDelivery": "Y", "deducted": "N"}
    body = _error(
        rest("sale.shipment.update", {"id": shipment["id"], "fields": only_two}), 400, "0"
    )
    assert body["error_description"] == "Required fields: deliveryId"
    _error(
        rest("sale.shipment.update", {"id": 999_999, "fields": {"statusId": "DF", **REQUIRED}}),
        400,
        "201140400001",
    )
    _error(rest("sale.shipment.update", {"id": shipment["id"]}), 400, "100")


def test_shipment_update_prices_as_documented(rest: Rest, portal: SandboxPortal) -> None:
    shipment = _shipment(portal)
    rest(
        "sale.shipment.update",
        {"id": shipment["id"], "fields": {**REQUIRED, "statusId": "DF", "priceDelivery": 55}},
    )
    assert (shipment["basePriceDelivery"], shipment["priceDelivery"]) == (55, 55)
    both = {**REQUIRED, "statusId": "DF", "basePriceDelivery": 80, "priceDelivery": 10}
    rest("sale.shipment.update", {"id": shipment["id"], "fields": both})
    assert (shipment["basePriceDelivery"], shipment["priceDelivery"]) == (80, 80)
    answer = rest("sale.shipment.update", {"id": shipment["id"], "fields": REQUIRED})
    assert answer.status_code == 200, answer.text
    # Neither price given: both become 0; no statusId: DN.
    assert (shipment["basePriceDelivery"], shipment["priceDelivery"]) == (0, 0)
    assert shipment["statusId"] == "DN"


def test_adding_a_link_replaces_the_one_the_order_has(rest: Rest, portal: SandboxPortal) -> None:
    order_id, binding = next(iter(portal.state.bindings.items()))
    same = _error(rest("crm.orderentity.add", {"fields": dict(binding)}), 400, "201650000001")
    assert same["error"] == "201650000001"  # a string, as the crm.orderentity pages show
    assert "Duplicate entry" in same["error_description"]
    other = dict(binding, ownerTypeId=2, ownerId=binding["ownerId"] % 50 + 1)
    answer = rest("crm.orderentity.add", {"fields": other})
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"] == {"dealOrder": other}
    assert portal.state.bindings[order_id] == other
    binding = other
    wrong = dict(binding, ownerId=binding["ownerId"] + 100)
    body = _error(rest("crm.orderentity.deleteByFilter", {"fields": wrong}), 400, "201640400004")
    assert body["error_description"] == "entity relation is not exists"


def test_deal_title_search_and_smart_invoices(rest: Rest, portal: SandboxPortal) -> None:
    title = portal.state.deals[7]["TITLE"]
    surname = title.rsplit(" ", 1)[1]
    found = rest("crm.deal.list", {"filter": {"%TITLE": surname}, "select": ["ID", "TITLE"]})
    rows = found.json()["result"]
    assert rows and all(surname in row["TITLE"] for row in rows)
    assert "7" in {row["ID"] for row in rows}
    items = rest("crm.item.list", {"entityTypeId": 31, "filter": {"%title": "Рахунок"}}).json()
    assert len(items["result"]["items"]) == len(portal.state.invoices)
    first = items["result"]["items"][0]
    assert {"id", "title", "stageId", "opportunity", "companyId", "contactId"} <= set(first)
    _error(rest("crm.item.list", {"entityTypeId": 1234}), 400, "NOT_FOUND")


def test_status_lang_add_and_delete(rest: Rest) -> None:
    fields = {"statusId": "P", "lid": "de", "name": "Bezahlt"}
    added = rest("sale.statusLang.add", {"fields": fields}).json()["result"]["statusLang"]
    assert added["name"] == "Bezahlt"
    _error(rest("sale.statusLang.add", {"fields": fields}), 400, "201750000003")
    # deleteByFilter wants a non-empty name but matches on statusId and lid.
    gone = rest("sale.statusLang.deleteByFilter", {"fields": dict(fields, name="x")})
    assert gone.json()["result"] is True
    _error(rest("sale.statusLang.deleteByFilter", {"fields": fields}), 400, "201740400001")
    _error(
        rest("sale.statusLang.deleteByFilter", {"fields": {"statusId": "P", "lid": "de"}}),
        400,
        "0",
    )


def test_free_plan_answers_access_denied(sandbox_factory: Any, http: httpx.Client) -> None:
    portal = sandbox_factory(commercial_plan=False)
    answer = http.post(portal.webhook_url + "crm.deal.list", json={})
    body = _error(answer, 403, "ACCESS_DENIED")
    assert "commercial plans" in body["error_description"]


def test_empty_fields_are_refused_and_save_nothing(rest: Rest, portal: SandboxPortal) -> None:
    order = portal.state.orders[130]
    before = dict(order)
    body = _error(rest("sale.order.update", {"id": 130, "fields": {}}), 400, "100")
    assert body["error"] == 100
    assert order == before  # no new version, no dateUpdate, no event
    status = dict(portal.state.statuses["P"])
    _error(rest("sale.status.update", {"id": "P", "fields": {}}), 400, "100")
    assert portal.state.statuses["P"] == status


def test_delivery_name_follows_the_delivery_id(rest: Rest, portal: SandboxPortal) -> None:
    shipment = _shipment(portal)
    for delivery_id, name in ((4, "Укрпошта"), (5, "Самовивіз з магазину")):
        fields = {**REQUIRED, "deliveryId": delivery_id}
        got = rest("sale.shipment.update", {"id": shipment["id"], "fields": fields}).json()
        assert got["result"]["shipment"]["deliveryId"] == delivery_id
        assert got["result"]["shipment"]["deliveryName"] == name
        again = rest("sale.shipment.get", {"id": shipment["id"]}).json()["result"]["shipment"]
        assert again["deliveryName"] == name
    fields = {**REQUIRED, "deliveryId": 999}
    _error(
        rest("sale.shipment.update", {"id": shipment["id"], "fields": fields}),
        400,
        "BX_INVALID_VALUE",
    )


def test_order_answers_carry_only_documented_fields(rest: Rest, portal: SandboxPortal) -> None:
    order = rest("sale.order.get", {"id": 120}).json()["result"]["order"]
    assert "dealBinding" not in order and "priceDelivery" not in order
    item = order["basketItems"][0]
    assert isinstance(item["id"], str) and isinstance(item["orderId"], str)
    assert item["orderId"] == "120" and isinstance(item["measureCode"], str)
    row = rest("sale.order.list", {"filter": {"id": 120}}).json()["result"]["orders"][0]
    assert "priceDelivery" not in row and {"statusXmlId", "companyId"} <= set(row)


def test_operating_reset_at_is_ten_minutes_after_the_first_call(rest: Rest) -> None:
    first = rest("sale.status.get", {"id": "N"}).json()["time"]
    assert first["start"] + 600 <= first["operating_reset_at"] < first["start"] + 602
    later = rest("sale.status.get", {"id": "P"}).json()["time"]
    assert later["operating_reset_at"] == first["operating_reset_at"]


def test_a_refused_update_saves_nothing(rest: Rest, portal: SandboxPortal) -> None:
    order = portal.state.orders[131]
    before = dict(order)
    fields = {"statusId": "F" if order["statusId"] != "F" else "N", "price": "a lot"}
    _error(rest("sale.order.update", {"id": 131, "fields": fields}), 400, "BX_INVALID_VALUE")
    assert order == before
    shipment = dict(_shipment(portal, 131))
    fields = {**REQUIRED, "allowDelivery": "Y", "deducted": "Y", "deliveryDocDate": "soon"}
    answer = rest("sale.shipment.update", {"id": shipment["id"], "fields": fields})
    _error(answer, 400, "BX_INVALID_VALUE")
    assert _shipment(portal, 131) == shipment
