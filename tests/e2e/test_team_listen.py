"""Two ``listen`` processes of a team on one PostgreSQL store: one polls the portal, the
other stands by, and takes over when the first one is stopped.

The real entry point in subprocesses, the real keyring, the sandbox as the portal, a
throwaway PostgreSQL cluster as the team database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.sandbox import SandboxConfig, SandboxPortal
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from tests.e2e.test_listen_with_portal import CLI, REPO_ROOT, LineReader, change_order
from tests.support.postgres import PgCluster

PROFILE = "team-shop"
INTERVAL = 2.0


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(burst=10_000, drain_rate=1000.0)) as started:
        yield started


def _listen(
    store_url: str, env: dict[str, str], *where: str
) -> tuple[subprocess.Popen[str], LineReader]:
    proc = subprocess.Popen(
        [
            *CLI,
            "listen",
            *where,
            "--store",
            store_url,
            "--port",
            "0",
            "--profile",
            PROFILE,
            "--catch-up-interval",
            f"{INTERVAL:g}",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,  # unattended: nobody to answer a prompt
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, LineReader(proc)


@pytest.mark.real_keyring
def test_the_polling_listener_stops_and_another_takes_over_within_an_interval(
    portal: SandboxPortal, pg_cluster: PgCluster, pg_database: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "PYTHONUNBUFFERED": "1",
        "B24_STORE_PASSWORD": pg_cluster.password,
    }
    added = subprocess.run(
        [*CLI, "profile", "add", PROFILE, "--portal", portal.base_url, "--replace"],
        cwd=REPO_ROOT,
        env={**env, "B24_WEBHOOK_URL": portal.webhook_url},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    PostgresEventStore(parse_store_url(pg_database), pg_cluster.password).close()

    first, first_out = _listen(pg_database, env)
    second: subprocess.Popen[str] | None = None
    try:
        first_out.wait_for(f"catch-up {PROFILE}:", "changes")
        # The second as the issue runs a team's listener: on every interface, unattended.
        second, second_out = _listen(pg_database, env, "--host", "0.0.0.0", "--public")
        second_out.wait_for("listening on")
        second_out.wait_for(f"catch-up {PROFILE}:", "standing by")

        change_order(portal, 150)
        # Both listeners print the team's events; only the first one polled to find it.
        first_out.wait_for(f"catch-up {PROFILE}:", "1 recorded")
        second_out.wait_for("catch-up", "ONSALEORDERSAVED", "  150  ")

        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
        stopped_at = time.monotonic()
        second_out.wait_for(f"catch-up {PROFILE}:", "changes", timeout=INTERVAL + 15)
        # Within one interval, with the pass itself and a loaded machine's slack.
        assert time.monotonic() - stopped_at < INTERVAL + 3.0

        change_order(portal, 160)
        second_out.wait_for(f"catch-up {PROFILE}:", "1 recorded", timeout=30)
        second.send_signal(signal.SIGTERM)
        second_out.wait_for("listener stopped")
        assert second.wait(timeout=30) == 0
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
