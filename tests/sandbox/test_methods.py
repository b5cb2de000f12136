"""Happy paths of every method over JSON and over form-encoded bodies, and list mechanics."""

from __future__ import annotations

from datetime import datetime

import pytest

from console.sandbox import SandboxPortal
from tests.sandbox.conftest import Rest

BOTH = pytest.mark.parametrize("form", [False, True], ids=["json", "form"])


def _check_time(body: dict) -> None:
    block = body["time"]
    for key in ("start", "finish", "duration", "processing", "operating", "operating_reset_at"):
        assert isinstance(block[key], int | float), key
    assert block["finish"] >= block["start"]
    assert datetime.fromisoformat(block["date_start"]).utcoffset() is not None
    assert datetime.fromisoformat(block["date_finish"]) >= datetime.fromisoformat(
        block["date_start"]
    )
    assert block["operating_reset_at"] > block["start"]


@BOTH
def test_status_crud(rest: Rest, form: bool) -> None:
    listed = rest(
        "sale.status.list", {"filter": {"type": "D"}, "order": {"sort": "asc"}}, form=form
    )
    assert listed.status_code == 200
    body = listed.json()
    assert [s["id"] for s in body["result"]["statuses"]] == ["DN", "DD", "DF"]
    assert body["total"] == 3 and "next" not in body
    _check_time(body)
    got = rest("sale.status.get", {"id": "N"}, form=form).json()["result"]["status"]
    assert got == {
        "color": "#BEEDF1",
        "id": "N",
        "notify": "Y",
        "sort": 10,
        "type": "O",
        "xmlId": None,
    }
    fields = {"id": "MS", "type": "D", "notify": "N", "sort": "100", "color": "#00FF00"}
    added = rest("sale.status.add", {"fields": fields}, form=form)
    assert added.status_code == 200, added.text
    assert added.json()["result"]["status"]["sort"] == 100
    update = {"id": "MS", "fields": {"type": "D", "xmlId": "updatedXmlId", "sort": 5}}
    updated = rest("sale.status.update", update, form=form).json()["result"]["status"]
    assert updated == {
        "color": "#00FF00", "id": "MS", "notify": "N", "sort": 5, "type": "D",
        "xmlId": "updatedXmlId",
    }  # fmt: skip
    # An unused status may change type.
    assert rest("sale.status.update", {"id": "MS", "fields": {"type": "O"}}).status_code == 200
    assert rest("sale.status.delete", {"id": "MS"}, form=form).json()["result"] is True
    assert rest("sale.status.get", {"id": "MS"}).status_code == 400


@BOTH
def test_status_langs(rest: Rest, form: bool) -> None:
    langs = rest("sale.statusLang.getListLangs", form=form).json()["result"]["langs"]
    assert {lang["lid"] for lang in langs} >= {"en", "ua"}
    names = rest(
        "sale.statusLang.list", {"filter": {"statusId": "N"}, "select": ["lid", "name"]}, form=form
    ).json()
    assert {row["lid"] for row in names["result"]["statusLangs"]} == {"en", "ua"}
    assert set(names["result"]["statusLangs"][0]) == {"lid", "name"}
    fields = {"statusId": "N", "lid": "de", "name": "Angenommen", "description": "neu"}
    added = rest("sale.statusLang.add", {"fields": fields}, form=form).json()
    assert added["result"]["statusLang"] == fields
    gone = rest(
        "sale.statusLang.deleteByFilter",
        {"fields": {"statusId": "N", "lid": "de", "name": "x"}},
        form=form,
    )
    assert gone.json()["result"] is True


@BOTH
def test_order_get_list_update(rest: Rest, portal: SandboxPortal, form: bool) -> None:
    order = rest("sale.order.get", {"id": "300"}, form=form).json()["result"]["order"]
    assert order["id"] == 300 and order["currency"] == "UAH"
    assert order["basketItems"] and order["shipments"][0]["statusId"] in ("DN", "DD", "DF")
    codes = {value["code"] for value in order["propertyValues"]}
    assert codes == {"FIO", "EMAIL", "PHONE", "ADDRESS"}
    before = order["dateUpdate"]
    new_status = "P" if order["statusId"] != "P" else "S"
    answer = rest(
        "sale.order.update", {"id": 300, "fields": {"statusId": new_status}}, form=form
    ).json()
    assert answer["result"]["order"]["statusId"] == new_status
    assert portal.state.orders[300]["statusId"] == new_status
    assert datetime.fromisoformat(portal.state.orders[300]["dateUpdate"]) >= datetime.fromisoformat(
        before
    )
    listed = rest(
        "sale.order.list", {"select": ["id", "statusId"], "filter": {"id": 300}}, form=form
    )
    assert listed.json()["result"]["orders"] == [{"id": 300, "statusId": new_status}]


def test_order_update_bumps_date_update_for_polling(rest: Rest, portal: SandboxPortal) -> None:
    latest = max(datetime.fromisoformat(o["dateUpdate"]) for o in portal.state.orders.values())
    rest("sale.order.update", {"id": 150, "fields": {"statusId": "F", "comments": "done"}})
    found = rest(
        "sale.order.list",
        {"filter": {">dateUpdate": latest.isoformat()}, "order": {"dateUpdate": "asc"}},
    ).json()
    assert [o["id"] for o in found["result"]["orders"]] == [150]
    assert found["result"]["orders"][0]["comments"] == "done"


@BOTH
def test_shipment_update(rest: Rest, portal: SandboxPortal, form: bool) -> None:
    shipment_id = portal.state.orders[120]["shipments"][0]["id"]
    required = {"allowDelivery": "Y", "deducted": "N", "deliveryId": 2}
    answer = rest(
        "sale.shipment.update",
        {"id": shipment_id, "fields": {"statusId": "DF", **required}},
        form=form,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["shipment"]["statusId"] == "DF"
    assert portal.state.orders[120]["shipments"][0]["statusId"] == "DF"


@BOTH
def test_property_values(rest: Rest, form: bool) -> None:
    value = rest("sale.propertyvalue.get", {"id": 300}, form=form).json()["result"]["propertyValue"]
    assert set(value) == {"code", "id", "name", "orderPropsId", "value"}
    listed = rest(
        "sale.propertyvalue.list",
        {"filter": {"id": 300}, "select": ["id", "orderId", "code", "value"]},
        form=form,
    ).json()["result"]["propertyValues"]
    assert listed[0]["id"] == 300 and isinstance(listed[0]["orderId"], int)
    modify = {
        "fields": {
            "order": {
                "id": listed[0]["orderId"],
                "propertyValues": [{"orderPropsId": value["orderPropsId"], "value": "new"}],
            }
        }
    }
    changed = rest("sale.propertyvalue.modify", modify, form=form).json()["result"]
    assert any(v["id"] == 300 and v["value"] == "new" for v in changed["propertyValues"])


@BOTH
def test_bindings(rest: Rest, portal: SandboxPortal, form: bool) -> None:
    free = next(o for o in sorted(portal.state.orders) if o not in portal.state.bindings)
    fields = {"orderId": free, "ownerId": 7, "ownerTypeId": 2}
    added = rest("crm.orderentity.add", {"fields": fields}, form=form)
    assert added.json()["result"] == {
        "dealOrder": {"orderId": free, "ownerId": 7, "ownerTypeId": 2}
    }
    # The same triple again is the duplicate error (a string code on crm.* pages).
    again = rest("crm.orderentity.add", {"fields": fields}, form=form)
    assert again.json()["error"] == "201650000001"
    # One link per order: adding another owner replaces the link.
    second = rest("crm.orderentity.add", {"fields": dict(fields, ownerId=8)}, form=form)
    assert second.json()["result"] == {
        "dealOrder": {"orderId": free, "ownerId": 8, "ownerTypeId": 2}
    }
    listed = rest("crm.orderentity.list", {"filter": {"orderId": free}}, form=form).json()
    assert listed["result"]["orderEntity"] == [{"orderId": free, "ownerId": 8, "ownerTypeId": 2}]
    assert listed["total"] == 1
    fields["ownerId"] = 8
    gone = rest("crm.orderentity.deleteByFilter", {"fields": fields}, form=form)
    assert gone.json()["result"] is True
    assert free not in portal.state.bindings
    everything = rest("crm.orderentity.list", {"start": -1}).json()
    assert len(everything["result"]["orderEntity"]) == len(portal.state.bindings)
    assert everything["total"] == 0
    spec = rest("crm.orderentity.getFields").json()["result"]["orderEntity"]
    assert set(spec) == {"orderId", "ownerTypeId", "ownerId"}


@BOTH
def test_deals_are_flat_with_string_values(rest: Rest, form: bool) -> None:
    page = rest("crm.deal.list", {"select": ["ID", "TITLE", "STAGE_ID"]}, form=form).json()
    assert isinstance(page["result"], list) and len(page["result"]) == 50
    assert page["result"][0]["ID"] == "1" and set(page["result"][0]) == {"ID", "TITLE", "STAGE_ID"}
    assert page["total"] == 50 and "next" not in page
    deal = rest("crm.deal.get", {"id": "12"}, form=form).json()["result"]
    assert deal["ID"] == "12" and deal["CURRENCY_ID"] == "UAH"


@BOTH
def test_connection_methods(rest: Rest, form: bool) -> None:
    assert rest("profile", form=form).json()["result"]["ADMIN"] is True
    assert rest("user.current", form=form).json()["result"]["ID"] == "1"
    stamp = rest("server.time", form=form).json()["result"]
    assert datetime.fromisoformat(stamp).utcoffset() is not None


def test_get_with_query_string_and_json_suffix(portal: SandboxPortal, http) -> None:
    answer = http.get(portal.webhook_url + "sale.status.get.json", params={"id": "F"})
    assert answer.json()["result"]["status"]["id"] == "F"
    upper = http.get(portal.webhook_url + "SALE.STATUS.GET", params={"id": "F"})
    assert upper.status_code == 200


def test_paging_with_start_and_next(rest: Rest) -> None:
    seen: list[int] = []
    start: int | None = 0
    pages = 0
    while start is not None:
        body = rest("sale.order.list", {"select": ["id"], "start": start}).json()
        assert body["total"] == 200
        seen += [o["id"] for o in body["result"]["orders"]]
        start = body.get("next")
        pages += 1
    assert pages == 4 and seen == sorted(seen) and len(set(seen)) == 200


def test_start_minus_one_is_keyset_mode(rest: Rest) -> None:
    last = 0
    seen = 0
    while True:
        body = rest(
            "sale.order.list",
            {"select": ["id"], "filter": {">id": last}, "order": {"id": "asc"}, "start": -1},
        ).json()
        # No count is made: total is 0, and there is no next.
        assert body["total"] == 0 and "next" not in body
        rows = body["result"]["orders"]
        if not rows:
            break
        assert len(rows) <= 50
        seen += len(rows)
        last = rows[-1]["id"]
    assert seen == 200


def test_filter_operators(rest: Rest, portal: SandboxPortal) -> None:
    def ids(filt: dict) -> set[int]:
        body = rest("sale.order.list", {"select": ["id"], "filter": filt, "start": -1}).json()
        return {o["id"] for o in body["result"]["orders"]}

    assert ids({">=id": 295, "<id": 298}) == {295, 296, 297}
    assert ids({"@id": [101, 102, 5]}) == {101, 102}
    assert ids({"!@statusId": ["N", "P", "S", "D"], "<=id": 150}) == {
        o for o, row in portal.state.orders.items() if row["statusId"] == "F" and o <= 150
    }
    assert ids({"!statusId": "N", "<id": 120}) == {
        o for o, row in portal.state.orders.items() if row["statusId"] != "N" and o < 120
    }
    assert ids({"%accountNumber": "29", "<id": 300}) == {
        129,
        229,
        290,
        291,
        292,
        293,
        294,
        295,
        296,
        297,
        298,
        299,
    }
    desc = rest("sale.order.list", {"select": ["id"], "order": {"id": "desc"}}).json()
    assert desc["result"]["orders"][0]["id"] == 300


def test_dates_are_recent_and_ordered(rest: Rest) -> None:
    body = rest(
        "sale.order.list", {"select": ["id", "dateUpdate"], "order": {"dateUpdate": "asc"}}
    ).json()
    stamps = [datetime.fromisoformat(o["dateUpdate"]) for o in body["result"]["orders"]]
    assert stamps == sorted(stamps)


def test_seed_is_deterministic(sandbox_factory) -> None:
    one, two = sandbox_factory(seed=7), sandbox_factory(seed=7)
    assert one.member_id == two.member_id and one.webhook_url != two.webhook_url
    assert [o["statusId"] for o in one.state.orders.values()] == [
        o["statusId"] for o in two.state.orders.values()
    ]
    assert one.state.bindings == two.state.bindings
