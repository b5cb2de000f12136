"""1,000 sale.order.get one by one vs. in batches of 50, against a sandbox bucket 50 / 20 per s.

Run: ``uv run python -m tests.benchmarks.bench_bulk_rest``. Prints wall times and the
ratio to the floor the bucket allows (not part of the test run).
"""

from __future__ import annotations

import time

from console.bitrix.auth import WebhookAuth
from console.bitrix.batch import BatchCommand
from console.bitrix.client import BitrixClient
from console.bitrix.limiter import BucketLimits, forget_limiters
from console.sandbox import SandboxConfig, SandboxPortal

CALLS = 1000
BURST = 50
DRAIN = 20.0
BATCH = 50


def main() -> None:
    config = SandboxConfig(port=0, burst=BURST, drain_rate=DRAIN, processing_seconds=0.0)
    with SandboxPortal(config) as portal:
        order_ids = sorted(portal.state.orders)
        ids = [order_ids[i % len(order_ids)] for i in range(CALLS)]
        auth = WebhookAuth.from_url(portal.webhook_url)
        limits = BucketLimits(BURST, DRAIN)

        forget_limiters()
        with BitrixClient(auth, limits=limits) as client:
            started = time.perf_counter()
            for order_id in ids:
                client.orders.get(order_id)
            one_by_one = time.perf_counter() - started

        # Let the portal's bucket drain so the batch run starts from the same place.
        time.sleep(BURST / DRAIN + 0.5)
        forget_limiters()
        with BitrixClient(auth, limits=limits) as client:
            started = time.perf_counter()
            for offset in range(0, CALLS, BATCH):
                commands = {
                    f"o{n}": BatchCommand("sale.order.get", {"id": ids[n]})
                    for n in range(offset, offset + BATCH)
                }
                client.batch(commands).raise_for_errors()
            batched = time.perf_counter() - started

    floor_single = max(0.0, (CALLS - BURST) / DRAIN)
    requests = -(-CALLS // BATCH)
    floor_batch = max(0.0, (requests - BURST) / DRAIN)
    print(f"bucket: burst {BURST}, drain {DRAIN}/s; client headroom {limits.headroom}")
    print(f"one by one: {CALLS} requests  {one_by_one:7.2f} s  floor {floor_single:6.2f} s  "
          f"ratio {one_by_one / floor_single:5.2f}")  # fmt: skip
    ratio = f"{batched / floor_batch:5.2f}" if floor_batch else "n/a (floor 0)"
    print(f"batch:      {requests} requests  {batched:7.2f} s  floor {floor_batch:6.2f} s  "
          f"ratio {ratio}")  # fmt: skip
    print(f"speed-up batch vs one by one: {one_by_one / batched:.1f}x")


if __name__ == "__main__":
    main()
