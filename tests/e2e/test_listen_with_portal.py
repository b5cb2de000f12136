"""The operator's path, as processes: add a profile, run ``listen`` against the sandbox portal.

Runs the real entry point in subprocesses with the real keyring (the secrets cross
process boundaries only through SecretService), the sandbox as the portal and real HTTP.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.sandbox import SandboxConfig, SandboxPortal

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())"]
PROFILE = "e2e-shop"


class LineReader:
    """Reads a process's stdout on a thread so a test can wait for a line with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert proc.stdout is not None
        stream = proc.stdout
        threading.Thread(
            target=lambda: [self.lines.put(line) for line in stream], daemon=True
        ).start()

    def wait_for(self, *needles: str, timeout: float = 30.0) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"no line with {needles}; saw:\n{''.join(self.seen)}"
                ) from None
            self.seen.append(line)
            if all(needle in line for needle in needles):
                return line


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(burst=10_000, drain_rate=1000.0)) as started:
        yield started


def change_order(portal: SandboxPortal, order_id: int) -> None:
    answer = httpx.post(
        portal.webhook_url + "sale.order.update",
        json={"id": order_id, "fields": {"statusId": "P"}},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


@pytest.mark.real_keyring
def test_listen_receives_portal_events_and_catches_up_on_missed_changes(
    portal: SandboxPortal, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
    added = subprocess.run(
        [
            *CLI,
            "profile",
            "add",
            PROFILE,
            "--portal",
            portal.base_url,
            "--member-id",
            portal.member_id,
            "--replace",
        ],
        cwd=REPO_ROOT,
        env={
            **env,
            "B24_WEBHOOK_URL": portal.webhook_url,
            "B24_APP_TOKEN": portal.application_token,
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    missed = 150
    change_order(portal, missed)  # nobody is listening yet

    proc = subprocess.Popen(
        [
            *CLI,
            "listen",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path),
            "--profile",
            PROFILE,
            "--catch-up-interval",
            "3600",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out = LineReader(proc)
        base_url = out.wait_for("listening on").split()[2]
        handler = out.wait_for(f"bitrix/{PROFILE}").split()[-1]
        assert handler == f"{base_url}/bitrix/{PROFILE}"
        # The first pass finds the change made while nobody listened.
        out.wait_for("catch-up", "ONSALEORDERSAVED", f"  {missed}  ", "verified")
        out.wait_for(f"catch-up {PROFILE}:", "recorded")

        portal.register_handler("ONSALEORDERSAVED", handler)
        live = 160
        change_order(portal, live)
        out.wait_for("bitrix  ONSALEORDERSAVED", f"  {live}  ", "verified")

        # An on-demand pass sees the live change as covered by the event just received.
        proc.send_signal(signal.SIGUSR1)
        summary = out.wait_for(f"catch-up {PROFILE}:", "covered")
        assert "1 changes, 1 covered by events, 0 recorded" in summary

        proc.send_signal(signal.SIGTERM)
        out.wait_for("listener stopped")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        subprocess.run(
            [*CLI, "profile", "remove", PROFILE],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            timeout=60,
        )
    transcript = "".join(out.seen)
    assert portal.application_token not in transcript
    assert portal.webhook_url not in transcript
