"""The leaky bucket, with a fake clock: no real waiting."""

from __future__ import annotations

import threading

import pytest

from console.bitrix.limiter import BucketLimits, LeakyBucket, limiter_for
from tests.bitrix.conftest import FakeTime


def test_burst_passes_without_waiting(fake_time: FakeTime) -> None:
    bucket = LeakyBucket(
        BucketLimits(50, 2.0, headroom=0), clock=fake_time.clock, sleep=fake_time.sleep
    )
    waits = [bucket.acquire() for _ in range(50)]
    assert waits == [0.0] * 50
    assert fake_time.sleeps == []


def test_after_burst_callers_wait_one_drain_interval_each(fake_time: FakeTime) -> None:
    bucket = LeakyBucket(
        BucketLimits(50, 2.0, headroom=0), clock=fake_time.clock, sleep=fake_time.sleep
    )
    for _ in range(50):
        bucket.acquire()
    waits = [bucket.reserve() for _ in range(3)]
    # Reserved at the same instant: queued 0.5 s apart at 2 requests per second.
    assert waits == pytest.approx([0.5, 1.0, 1.5])


def test_one_by_one_floor_matches_the_portal(fake_time: FakeTime) -> None:
    bucket = LeakyBucket(
        BucketLimits(50, 20.0, headroom=0), clock=fake_time.clock, sleep=fake_time.sleep
    )
    start = fake_time.now
    for _ in range(1000):
        bucket.acquire()
    assert fake_time.now - start == pytest.approx((1000 - 50) / 20)


def test_drains_over_time(fake_time: FakeTime) -> None:
    bucket = LeakyBucket(
        BucketLimits(10, 2.0, headroom=0), clock=fake_time.clock, sleep=fake_time.sleep
    )
    for _ in range(10):
        bucket.acquire()
    fake_time.now += 2.5
    assert bucket.level == pytest.approx(5.0)
    assert bucket.acquire() == 0.0


def test_note_refused_fills_the_bucket(fake_time: FakeTime) -> None:
    bucket = LeakyBucket(
        BucketLimits(50, 2.0, headroom=0), clock=fake_time.clock, sleep=fake_time.sleep
    )
    bucket.acquire()
    bucket.note_refused()
    assert bucket.reserve() == pytest.approx(0.5)


def test_threads_share_slots_fairly(fake_time: FakeTime) -> None:
    bucket = LeakyBucket(
        BucketLimits(5, 1.0, headroom=0), clock=fake_time.clock, sleep=lambda _: None
    )
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            wait = bucket.reserve()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 20 reservations at one instant: 5 free, then one per second, each slot used once.
    assert sorted(waits) == pytest.approx([0.0] * 5 + [float(n) for n in range(1, 16)])


def test_registry_gives_one_bucket_per_portal() -> None:
    first = limiter_for("portal.example:443")
    assert limiter_for("PORTAL.example:443") is first
    assert limiter_for("other.example") is not first
    reconfigured = limiter_for("portal.example:443", BucketLimits(250, 5.0))
    assert reconfigured is first
    assert first.limits == BucketLimits(250, 5.0)


def test_headroom_keeps_slots_free(fake_time: FakeTime) -> None:
    bucket = LeakyBucket(BucketLimits(50, 2.0), clock=fake_time.clock, sleep=fake_time.sleep)
    waits = [bucket.reserve() for _ in range(49)]
    assert waits[:48] == [0.0] * 48
    assert waits[48] == pytest.approx(0.5)


@pytest.mark.parametrize(("burst", "drain", "headroom"), [(0, 2.0, 0), (50, 0.0, 2), (5, 1.0, 5)])
def test_limits_are_checked(burst: int, drain: float, headroom: int) -> None:
    with pytest.raises(ValueError):
        BucketLimits(burst, drain, headroom)
