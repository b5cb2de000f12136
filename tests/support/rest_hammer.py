"""One of several client processes that hammer one sandbox portal at the same moment.

Run as ``python -m tests.support.rest_hammer``: the webhook URL comes in ``B24_HAMMER_WEBHOOK``
and, for the team's shared bucket, the database in ``B24_HAMMER_TEAM_DB`` (libpq keywords
as JSON, password in ``PGPASSWORD``); without it the process uses its own in-process
bucket, as five desktop consoles would. Refusals are not retried, so each 503 the portal
answers is counted. Prints one JSON line: ok, refused, first and last answer times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient, RetryPolicy
from console.bitrix.errors import QueryLimitExceeded
from console.bitrix.limiter import BucketLimits, BucketSource, local_bucket


@dataclass(frozen=True)
class HammerResult:
    ok: int
    refused: int
    # From the first request of any process to the last answer of any.
    seconds: float

    def floor_seconds(self, burst: int, drain: float) -> float:
        """The least time the portal's own bucket allows for every request that ran."""
        return max(0.0, (self.ok + self.refused - burst) / drain)


def hammer(
    webhook_url: str,
    *,
    processes: int,
    calls: int,
    burst: int,
    drain: float,
    team_db: dict[str, str] | None = None,
    password: str | None = None,
) -> HammerResult:
    """Run ``processes`` client processes of ``calls`` requests each, all starting at once."""
    env = dict(os.environ, B24_HAMMER_WEBHOOK=webhook_url)
    env.pop("B24_HAMMER_TEAM_DB", None)
    if team_db is not None:
        env["B24_HAMMER_TEAM_DB"] = json.dumps(team_db)
        env["PGPASSWORD"] = password or ""
    # Interpreter start and imports take a second or so on a busy machine.
    start_at = time.time() + 1.5 + 0.3 * processes
    argv = [
        sys.executable,
        "-m",
        "tests.support.rest_hammer",
        f"--calls={calls}",
        f"--burst={burst}",
        f"--drain={drain}",
        f"--start-at={start_at}",
    ]
    children = [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) for _ in range(processes)
    ]
    reports = []
    for child in children:
        out, _ = child.communicate(timeout=300)
        if child.returncode != 0:
            raise RuntimeError(f"a hammer process failed with exit code {child.returncode}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return HammerResult(
        ok=sum(r["ok"] for r in reports),
        refused=sum(r["refused"] for r in reports),
        seconds=max(r["last"] for r in reports) - min(r["first"] for r in reports),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--burst", type=int, required=True)
    parser.add_argument("--drain", type=float, required=True)
    parser.add_argument("--start-at", type=float, required=True, help="wall-clock start")
    args = parser.parse_args()

    tables = None
    bucket_for: BucketSource = local_bucket
    team_db = os.environ.get("B24_HAMMER_TEAM_DB")
    if team_db:
        from console.store.postgres.team import TeamTables

        conninfo = json.loads(team_db)
        conninfo["password"] = os.environ.get("PGPASSWORD", "")
        tables = TeamTables(conninfo)
        bucket_for = tables.rest_bucket
    auth = WebhookAuth.from_url(os.environ["B24_HAMMER_WEBHOOK"])
    limits = BucketLimits(args.burst, args.drain)
    ok = refused = 0
    with BitrixClient(
        auth, limits=limits, bucket_for=bucket_for, retry=RetryPolicy(limit_attempts=1)
    ) as client:
        # Warm the connections (HTTP, database) before the common start.
        client.limiter.level  # noqa: B018
        time.sleep(max(0.0, args.start_at - time.time()))
        first = time.time()
        for _ in range(args.calls):
            try:
                client.call("server.time")
                ok += 1
            except QueryLimitExceeded:
                refused += 1
        last = time.time()
    if tables is not None:
        tables.close()
    print(json.dumps({"ok": ok, "refused": refused, "first": first, "last": last}))


if __name__ == "__main__":
    main()
