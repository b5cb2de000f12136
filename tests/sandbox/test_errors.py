"""Every documented error: HTTP status, code (number or numeric string) and description."""

from __future__ import annotations

import pytest

from console.sandbox import SandboxPortal
from tests.sandbox.conftest import Rest


def _error(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert str(body["error"]) == code, body
    assert isinstance(body["error_description"], str)
    return body


def test_codes_are_numbers_on_sale_methods_and_strings_on_crm_methods(rest: Rest) -> None:
    # Numbers on every sale.* page, whatever the code; strings on crm.orderentity.* pages.
    for method, params, code in (
        ("sale.status.get", {"id": "ZZ"}, 201340400001),
        ("sale.status.update", {"id": "N", "fields": {"sort": 1}}, 0),
        ("sale.order.get", {"id": 1}, 201240400001),
        ("sale.order.update", {"id": 1, "fields": {"statusId": "P"}}, 200540400001),
        ("sale.propertyvalue.get", {"id": 999999}, 201040400001),
        ("sale.shipment.get", {"id": 999999}, 201140400001),
        ("sale.order.get", {}, 100),
    ):
        assert rest(method, params).json()["error"] == code, method
    missing_order = {"orderId": 99999, "ownerId": 1, "ownerTypeId": 2}
    for method, params, text in (
        ("crm.orderentity.add", {"fields": missing_order}, "200540400001"),
        ("crm.orderentity.add", {"fields": {"ownerTypeId": 2}}, "0"),
        ("crm.orderentity.deleteByFilter", {}, "100"),
    ):
        assert rest(method, params).json()["error"] == text, method
    status = rest("sale.status.get", {"id": "ZZ"}).json()
    assert status["error_description"] == "status does not exist"


def test_binding_errors(rest: Rest, portal: SandboxPortal) -> None:
    order_id, binding = next(iter(portal.state.bindings.items()))
    body = _error(rest("crm.orderentity.add", {"fields": dict(binding)}), 400, "201650000001")
    assert body == {
        "error": "201650000001",
        "error_description": "Duplicate entry for key [ownerId, ownerTypeId, orderId]",
    }
    missing_order = {"orderId": 99999, "ownerId": 1, "ownerTypeId": 2}
    _error(rest("crm.orderentity.add", {"fields": missing_order}), 400, "200540400001")
    required = _error(rest("crm.orderentity.add", {"fields": {"ownerTypeId": 2}}), 400, "0")
    assert required["error_description"] == "Required fields: orderId, ownerId"
    _error(rest("crm.orderentity.add", {}), 400, "100")
    wrong = dict(binding, ownerId=binding["ownerId"] + 1000)
    _error(rest("crm.orderentity.deleteByFilter", {"fields": wrong}), 400, "201640400004")
    _error(rest("crm.orderentity.deleteByFilter", {"fields": missing_order}), 400, "200540400001")
    del order_id


def test_not_found_errors(rest: Rest, portal: SandboxPortal) -> None:
    _error(rest("sale.order.get", {"id": 5}), 400, "201240400001")
    _error(rest("sale.order.update", {"id": 5, "fields": {"statusId": "P"}}), 400, "200540400001")
    _error(rest("sale.status.get", {"id": "QQ"}), 400, "201340400001")
    _error(rest("sale.status.update", {"id": "QQ", "fields": {"type": "O"}}), 400, "201340400001")
    _error(rest("sale.propertyvalue.get", {"id": 12345}), 400, "201040400001")
    gone = {"statusId": "N", "lid": "de", "name": "x"}
    _error(rest("sale.statusLang.deleteByFilter", {"fields": gone}), 400, "201740400001")
    deal = _error(rest("crm.deal.get", {"id": 4242}), 400, "")
    assert deal["error_description"] == "Not found"
    invalid = _error(rest("crm.deal.get", {}), 400, "")
    assert invalid["error_description"] == "ID is not defined or invalid"


def test_missing_parameters(rest: Rest) -> None:
    _error(rest("sale.status.get", {}), 400, "100")
    _error(rest("sale.status.update", {"fields": {"type": "O"}}), 400, "100")
    _error(rest("sale.status.update", {"id": "N"}), 400, "100")
    _error(rest("sale.order.update", {"id": 101}), 400, "100")
    _error(rest("sale.order.get", {}), 400, "100")
    lang = _error(rest("sale.statusLang.add", {"fields": {"lid": "en"}}), 400, "0")
    assert lang["error_description"] == "Required fields: statusId, name"


@pytest.mark.parametrize(
    ("status_id", "new_type", "code"),
    [
        ("N", "X", "201350000003"),
        ("N", "D", "201350000006"),
        ("F", "D", "201350000006"),
        ("DN", "O", "201350000006"),
        ("DF", "O", "201350000006"),
        ("P", "D", "201350000007"),
        ("DD", "O", "201350000008"),
    ],
)
def test_status_type_rules(rest: Rest, status_id: str, new_type: str, code: str) -> None:
    answer = rest("sale.status.update", {"id": status_id, "fields": {"type": new_type}})
    _error(answer, 400, code)


def test_status_lang_errors(rest: Rest) -> None:
    duplicate = {"statusId": "N", "lid": "en", "name": "again"}
    _error(rest("sale.statusLang.add", {"fields": duplicate}), 400, "201750000003")
    unknown = {"statusId": "N", "lid": "xx", "name": "?"}
    _error(rest("sale.statusLang.add", {"fields": unknown}), 400, "201750000004")


def test_shipment_and_order_status_types(rest: Rest, portal: SandboxPortal) -> None:
    shipment_id = portal.state.orders[101]["shipments"][0]["id"]
    _error(
        rest(
            "sale.shipment.update",
            {
                "id": shipment_id,
                "fields": {"statusId": "P", "allowDelivery": "N", "deducted": "N", "deliveryId": 2},
            },
        ),
        400,
        "201350000003",
    )
    _error(
        rest("sale.order.update", {"id": 101, "fields": {"statusId": "DF"}}), 400, "201350000003"
    )


@pytest.mark.parametrize(
    ("method", "params", "code"),
    [
        ("sale.status.list", {}, "200040300010"),
        ("sale.order.get", {"id": 101}, "200040300010"),
        ("crm.orderentity.list", {}, "200040300010"),
        ("sale.order.update", {"id": 101, "fields": {"statusId": "P"}}, "200040300020"),
        ("sale.status.update", {"id": "P", "fields": {"type": "O"}}, "200040300020"),
        (
            "crm.orderentity.add",
            {"fields": {"orderId": 101, "ownerId": 1, "ownerTypeId": 2}},
            "200040300020",
        ),
    ],
)
def test_non_admin_webhook_is_denied(limited: Rest, method: str, params: dict, code: str) -> None:
    _error(limited(method, params), 400, code)


def test_non_admin_webhook_may_read_deals(limited: Rest) -> None:
    assert limited("crm.deal.list").status_code == 200
    assert limited("profile").json()["result"]["ADMIN"] is False


def test_wrong_webhook_code_and_unknown_method(portal: SandboxPortal, http, rest: Rest) -> None:
    wrong = http.post(f"{portal.base_url}/rest/1/notthecode/profile", json={})
    body = _error(wrong, 401, "NO_AUTH_FOUND")
    assert body["error_description"] == "Wrong authorization data"
    swapped = portal.limited_webhook_url.replace("/rest/7/", "/rest/1/")
    _error(http.post(swapped + "profile"), 401, "NO_AUTH_FOUND")
    _error(rest("sale.nothing.here"), 400, "ERROR_METHOD_NOT_FOUND")
    _error(
        http.post(f"{portal.base_url}/rest/profile", json={"auth": "nope"}), 401, "NO_AUTH_FOUND"
    )
    _error(http.post(f"{portal.base_url}/rest/profile", json={}), 401, "NO_AUTH_FOUND")


def test_unreadable_body(portal: SandboxPortal, http) -> None:
    answer = http.post(
        portal.webhook_url + "profile",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    _error(answer, 400, "INVALID_REQUEST")


def test_status_add_and_delete_errors(rest: Rest) -> None:
    body = _error(
        rest("sale.status.add", {"fields": {"id": "P", "type": "O"}}), 400, "201350000001"
    )
    assert body["error_description"] == "Duplicate entry for key [id]"
    _error(rest("sale.status.add", {"fields": {"id": " ", "type": "O"}}), 400, "201350000004")
    _error(rest("sale.status.add", {"fields": {"id": "ABC", "type": "O"}}), 400, "201350000005")
    for system in ("N", "F", "DN", "DF"):
        _error(rest("sale.status.delete", {"id": system}), 400, "201350000002")
