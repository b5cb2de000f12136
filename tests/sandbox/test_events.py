"""Outgoing events reach a real receiver in the sample's exact shape; Horoshop PUTs JSON."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest

from console.core.phpform import parse_php_form
from console.sandbox import SandboxPortal
from tests.sandbox.receiver import Receiver

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


def _keys(body: str) -> list[str]:
    return [key for key, _ in parse_qsl(body, keep_blank_values=True)]


def test_order_update_sends_sample_shaped_event(
    portal: SandboxPortal, receiver: Receiver, http: httpx.Client
) -> None:
    handler_id = portal.register_handler("ONSALEORDERSAVED", receiver.url + "/hook/secret")
    started = time.time()
    answer = http.post(
        portal.webhook_url + "sale.order.update", json={"id": 300, "fields": {"statusId": "P"}}
    )
    assert answer.status_code == 200
    portal.flush_events()
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got.method == "POST" and got.path == "/hook/secret"
    assert got.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert got.headers["User-Agent"] == "Bitrix24 Webhook Engine"
    text = got.body.decode("ascii")
    sample = (SAMPLES / "bitrix-onsaleordersaved-webhook.form").read_text().strip()
    assert _keys(text) == _keys(sample)
    assert "%5B" in text and "[" not in text  # brackets percent-encoded like the sample
    form = parse_php_form(text)
    assert form["event"] == "ONSALEORDERSAVED"
    assert form["event_handler_id"] == str(handler_id)
    assert form["data"]["FIELDS"] == {"ID": "300", "XML_ID": "horoshop_4300", "ACTION": "save"}
    assert abs(int(form["ts"]) - started) < 5
    assert form["auth"] == {
        "domain": portal.domain,
        "client_endpoint": portal.base_url + "/rest/",
        "server_endpoint": portal.server_endpoint,
        "member_id": portal.member_id,
        "application_token": portal.application_token,
    }
    assert portal.deliveries == [(receiver.url + "/hook/secret", 200)]


def test_shipment_and_property_changes_send_events(
    portal: SandboxPortal, receiver: Receiver, http: httpx.Client
) -> None:
    portal.register_handler("ONSALEORDERSAVED", receiver.url + "/order")
    portal.register_handler("onPropertyValueEntitySaved", receiver.url + "/prop")
    shipment_id = portal.state.orders[101]["shipments"][0]["id"]
    http.post(
        portal.webhook_url + "sale.shipment.update",
        json={
            "id": shipment_id,
            "fields": {"statusId": "DD", "allowDelivery": "N", "deducted": "N", "deliveryId": 2},
        },
    )
    portal.flush_events()
    assert parse_php_form(receiver.requests[-1].body.decode())["data"]["FIELDS"]["ID"] == "101"
    value = next(v for v in portal.state.property_values.values() if v["orderId"] == 101)
    modify = {
        "order": {
            "id": 101,
            "propertyValues": [{"orderPropsId": value["orderPropsId"], "value": "x"}],
        }
    }
    http.post(portal.webhook_url + "sale.propertyvalue.modify", json={"fields": modify})
    portal.flush_events()
    prop = [r for r in receiver.requests if r.path == "/prop"]
    assert len(prop) == 1
    text = prop[0].body.decode()
    sample = (SAMPLES / "bitrix-onpropertyvalueentitysaved-webhook.form").read_text().strip()
    assert _keys(text) == _keys(sample)
    assert parse_php_form(text)["data"]["FIELDS"]["ID"] == str(value["id"])


def test_on_demand_event_via_api_and_control(
    portal: SandboxPortal, receiver: Receiver, http: httpx.Client
) -> None:
    control = portal.base_url + "/_sandbox"
    registered = http.post(
        control + "/handlers", json={"event": "ONSALEORDERSAVED", "url": receiver.url + "/x"}
    )
    assert registered.json()["event_handler_id"] == 1
    assert portal.send_event("ONSALEORDERSAVED", 101) == 1
    queued = http.post(control + "/events", json={"event": "ONSALEORDERSAVED", "id": 102})
    assert queued.json() == {"queued": 1}
    portal.flush_events()
    ids = [parse_php_form(r.body.decode())["data"]["FIELDS"]["ID"] for r in receiver.requests]
    assert ids == ["101", "102"]
    deliveries = http.get(control + "/deliveries").json()
    assert [d["outcome"] for d in deliveries] == [200, 200]
    assert http.post(control + "/handlers", json={"event": "NOPE", "url": "x"}).status_code == 400


def test_failed_delivery_is_recorded_not_retried(
    portal: SandboxPortal, receiver: Receiver, http: httpx.Client
) -> None:
    receiver.status = 500
    portal.register_handler("ONSALEORDERSAVED", receiver.url + "/fails")
    portal.register_handler("ONSALEORDERSAVED", "http://127.0.0.1:9/closed")
    portal.send_event("ONSALEORDERSAVED", 150)
    # Every delivery has its outcome, and a resend would have been queued before it did.
    portal.flush_events(timeout=10)
    assert len(receiver.requests) == 1
    assert len(portal.deliveries) == 2  # one per handler: nothing was sent again
    outcomes = dict(portal.deliveries)
    assert outcomes[receiver.url + "/fails"] == 500
    assert isinstance(outcomes["http://127.0.0.1:9/closed"], str)


def test_an_unusable_handler_url_fails_alone(portal: SandboxPortal, receiver: Receiver) -> None:
    portal.register_handler("ONSALEORDERSAVED", "http://[::1")
    portal.register_handler("ONSALEORDERSAVED", receiver.url + "/ok")
    portal.send_event("ONSALEORDERSAVED", 150)
    portal.send_event("ONSALEORDERSAVED", 151)
    portal.flush_events(timeout=10)
    outcomes = portal.deliveries
    assert [o for url, o in outcomes if url.endswith("/ok")] == [200, 200]
    assert all(isinstance(o, str) for url, o in outcomes if url == "http://[::1")


def test_rest_answer_does_not_wait_for_slow_delivery(
    portal: SandboxPortal, http: httpx.Client
) -> None:
    # A handler that accepts the connection but never answers: the REST call must not block.
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        portal.register_handler("ONSALEORDERSAVED", f"http://127.0.0.1:{silent.getsockname()[1]}/")
        answer = http.post(
            portal.webhook_url + "sale.order.update", json={"id": 101, "fields": {"comments": "a"}}
        )
        assert answer.status_code == 200
        # The delivery still waits on the silent handler (for seconds): an answer that
        # waited for it would only have come once it had an outcome.
        assert portal.deliveries == []
    finally:
        silent.close()


def test_horoshop_put(portal: SandboxPortal, receiver: Receiver, http: httpx.Client) -> None:
    portal.register_horoshop_handler(receiver.url + "/horoshop/token123")
    sent = portal.send_horoshop_order()
    portal.flush_events()
    got = receiver.requests[0]
    assert got.method == "PUT" and got.path == "/horoshop/token123"
    assert got.headers["Content-Type"] == "application/json"
    body = json.loads(got.body)
    assert body == sent
    sample = json.loads((SAMPLES / "horoshop-order_created.json").read_text())
    assert list(body) == list(sample)
    assert list(body["products"][0]) == list(sample["products"][0])
    assert list(body["delivery_type"]) == ["id", "title"]
    assert {type(body[k]) for k in ("order_id", "user", "payed", "total_sum")} == {int}
    custom = http.post(portal.base_url + "/_sandbox/horoshop/orders", json=sample).json()
    assert custom == sample
    portal.flush_events()
    assert json.loads(receiver.requests[1].body) == sample
