"""batch: ordering, references, halt, result_* maps, the 50-command limit, no nesting."""

from __future__ import annotations

from console.core.phpform import encode_php_form
from console.sandbox import SandboxPortal
from tests.sandbox.conftest import Rest


def test_batch_with_references_and_errors(rest: Rest, portal: SandboxPortal) -> None:
    answer = rest(
        "batch",
        {
            "halt": 0,
            "cmd": {
                "st": "sale.status.list?filter[type]=O",
                "list": "sale.order.list?select[]=id&select[]=statusId&order[id]=desc",
                "one": "sale.order.get?id=$result[list][orders][0][id]",
                "deal": "crm.deal.get?id=$result[list][orders][0][id]",
                "bad": "sale.order.get?id=7",
                "after": "server.time",
            },
        },
    )
    assert answer.status_code == 200
    body = answer.json()["result"]
    assert body["result"]["one"]["order"]["id"] == 300
    assert [s["id"] for s in body["result"]["st"]["statuses"]] == ["N", "P", "S", "D", "F"]
    assert str(body["result_error"]["bad"]["error"]) == "201240400001"
    assert body["result_error"]["deal"]["error_description"] == "Not found"
    assert "after" in body["result"]
    assert body["result_total"] == {"st": 5, "list": 200}
    assert body["result_next"] == {"list": 50}
    assert set(body["result_time"]) == set(body["result"])
    assert "operating" in body["result_time"]["one"]
    assert "time" in answer.json()


def test_batch_halt_stops_at_first_error(rest: Rest) -> None:
    body = rest(
        "batch",
        {"halt": 1, "cmd": {"a": "profile", "b": "sale.status.get?id=NOPE", "c": "server.time"}},
    ).json()["result"]
    assert list(body["result"]) == ["a"]
    assert list(body["result_error"]) == ["b"]


def test_batch_list_commands_and_empty_maps(rest: Rest) -> None:
    body = rest("batch", {"cmd": ["profile", "sale.status.get?id=N"]}).json()["result"]
    assert isinstance(body["result"], list) and body["result"][1]["status"]["id"] == "N"
    # PHP encodes an empty array as [] — clients must accept it where a map is expected.
    assert body["result_error"] == [] and body["result_next"] == []


def test_batch_over_form_body_with_writes(portal: SandboxPortal, http) -> None:
    commands = {
        "halt": "0",
        "cmd": {
            "upd": "sale.order.update?id=150&fields[statusId]=F",
            "get": "sale.order.get?id=150",
        },
    }
    answer = http.post(
        portal.webhook_url + "batch",
        content=encode_php_form(commands),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    body = answer.json()["result"]
    assert body["result"]["get"]["order"]["statusId"] == "F"


def test_batch_limits(rest: Rest) -> None:
    fifty = {"cmd": {f"c{i}": "server.time" for i in range(50)}}
    assert rest("batch", fifty).status_code == 200
    too_many = {"cmd": {f"c{i}": "server.time" for i in range(51)}}
    answer = rest("batch", too_many)
    assert answer.status_code == 400
    assert answer.json()["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"
    # A nested batch fails that command alone; the batch itself answers 200.
    nested = rest("batch", {"cmd": {"inner": "batch?cmd[x]=profile", "after": "server.time"}})
    assert nested.status_code == 200, nested.text
    body = nested.json()["result"]
    assert body["result_error"] == {
        "inner": {
            "error": "ERROR_BATCH_METHOD_NOT_ALLOWED",
            "error_description": "Method is not allowed for batch usage",
        }
    }
    assert set(body["result"]) == {"after"}


def test_batch_runs_with_limited_rights(limited: Rest) -> None:
    body = limited("batch", {"cmd": {"s": "sale.status.list", "d": "crm.deal.list"}}).json()
    assert str(body["result"]["result_error"]["s"]["error"]) == "200040300010"
    assert len(body["result"]["result"]["d"]) == 50
