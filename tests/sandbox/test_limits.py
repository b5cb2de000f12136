"""The leaky bucket (503 QUERY_LIMIT_EXCEEDED) and the per-method operating limit (429)."""

from __future__ import annotations

import time

import httpx

from console.sandbox.limits import LeakyBucket, OperatingTime


def test_bucket_refuses_over_burst_and_recovers(sandbox_factory, http: httpx.Client) -> None:
    portal = sandbox_factory(burst=5, drain_rate=10.0)
    url = portal.webhook_url + "server.time"
    codes = [http.post(url).status_code for _ in range(12)]
    assert codes[:5] == [200] * 5
    assert 503 in codes
    refused = http.post(url)
    if refused.status_code == 503:
        assert refused.json() == {
            "error": "QUERY_LIMIT_EXCEEDED",
            "error_description": "Too many requests",
        }
    # The bucket drains at 10/s (a refused request adds nothing): served again soon.
    deadline = time.monotonic() + 30
    while (status := http.post(url).status_code) == 503 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status == 200


def test_batch_costs_one_request(sandbox_factory, http: httpx.Client) -> None:
    portal = sandbox_factory(burst=2, drain_rate=0.01)
    batch = {"cmd": {f"c{i}": "server.time" for i in range(50)}}
    assert http.post(portal.webhook_url + "batch", json=batch).status_code == 200
    assert http.post(portal.webhook_url + "batch", json=batch).status_code == 200
    assert http.post(portal.webhook_url + "profile").status_code == 503


def test_operation_time_limit_per_method(sandbox_factory, http: httpx.Client) -> None:
    portal = sandbox_factory(
        operating_limit_seconds=0.05, processing_seconds=0.02, burst=1000, drain_rate=100.0
    )
    url = portal.webhook_url + "sale.status.get"
    operating = []
    for _ in range(3):
        answer = http.post(url, json={"id": "N"})
        assert answer.status_code == 200
        operating.append(answer.json()["time"]["operating"])
    assert operating == sorted(operating) and operating[-1] > 0.05
    blocked = http.post(url, json={"id": "N"})
    assert blocked.status_code == 429
    # Failing calls cost time too: three refusals push crm.deal.get over the limit.
    deal = portal.webhook_url + "crm.deal.get"
    assert [http.post(deal, json={"id": 999}).status_code for _ in range(4)] == [400, 400, 400, 429]
    assert blocked.json()["error"] == "OPERATION_TIME_LIMIT"
    # Other methods, and the same method for another webhook, still work.
    assert http.post(portal.webhook_url + "server.time").status_code == 200
    assert http.post(portal.limited_webhook_url + "crm.deal.get", json={"id": 1}).status_code == 200
    # Inside a batch the blocked method fails alone.
    batch = {"cmd": {"s": "sale.status.get?id=N", "t": "server.time"}}
    body = http.post(portal.webhook_url + "batch", json=batch).json()["result"]
    assert body["result_error"]["s"]["error"] == "OPERATION_TIME_LIMIT"
    assert "t" in body["result"]


def test_operating_window_runs_ten_minutes_from_the_first_call() -> None:
    # 40 s past a minute boundary: a window counted from the minute would reset 40 s early.
    now = [1_000_000.0 + 40.0]
    first_call = now[0]
    tracker = OperatingTime(1.0, clock=lambda: now[0])
    total, reset_at = tracker.add("hook", "m", 2.0)
    assert total == 2.0 and tracker.is_blocked("hook", "m")
    assert reset_at == first_call + 600
    now[0] += 300
    assert tracker.add("hook", "m", 0.5) == (2.5, first_call + 600)
    now[0] = first_call + 599
    assert tracker.is_blocked("hook", "m")
    now[0] = first_call + 600
    assert not tracker.is_blocked("hook", "m")
    # The next call opens a new window of its own.
    assert tracker.add("hook", "m", 0.25) == (0.25, first_call + 1200)


def test_bucket_drains_continuously() -> None:
    now = [0.0]
    bucket = LeakyBucket(2, 2.0, clock=lambda: now[0])
    assert bucket.try_acquire() and bucket.try_acquire() and not bucket.try_acquire()
    now[0] += 0.5
    assert bucket.try_acquire() and not bucket.try_acquire()
