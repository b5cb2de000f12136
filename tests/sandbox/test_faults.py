"""Fault injection: latency, 500 INTERNAL_SERVER_ERROR, malformed bodies; set at run time."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from console.sandbox import SandboxPortal


def test_error_rate_one_answers_500(sandbox_factory, http: httpx.Client) -> None:
    portal = sandbox_factory(error_rate=1.0, burst=1000)
    answer = http.post(portal.webhook_url + "profile")
    assert answer.status_code == 500
    assert answer.json() == {
        "error": "INTERNAL_SERVER_ERROR",
        "error_description": "Internal server error",
    }


def test_malformed_bodies(portal: SandboxPortal, http: httpx.Client) -> None:
    portal.faults.malformed_rate = 1.0
    answer = http.post(portal.webhook_url + "sale.status.list")
    assert answer.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)
    portal.faults.malformed_rate = 0.0
    assert http.post(portal.webhook_url + "sale.status.list").json()["total"] == 8


def test_partial_error_rate_mixes_answers(portal: SandboxPortal, http: httpx.Client) -> None:
    portal.faults.error_rate = 0.5
    codes = {http.post(portal.webhook_url + "server.time").status_code for _ in range(40)}
    assert codes == {200, 500}


def test_latency_and_control_endpoint(portal: SandboxPortal, http: httpx.Client) -> None:
    control = portal.base_url + "/_sandbox/faults"
    assert http.post(control, json={"latency_seconds": 0.3}).json()["latency_seconds"] == 0.3
    started = time.monotonic()
    http.post(portal.webhook_url + "server.time")
    assert time.monotonic() - started >= 0.3
    assert http.post(control, json={"error_rate": 2}).status_code == 400
    assert http.get(control).json() == {
        "latency_seconds": 0.3,
        "error_rate": 0.0,
        "malformed_rate": 0.0,
    }
