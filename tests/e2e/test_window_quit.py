"""Quitting a window while a portal call hangs for 40 s: the process ends long before the
call could have, its child listener stops cleanly and the store keeps what was committed.

The window quits on SIGTERM the way it does when closed (``WindowController.quit``). No
test here times the quit: each waits for the process with a 10 s timeout while the
portal holds the call for 40 s, so an exit at all means the call was not waited for.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from console.core.instance import STORE_FILE
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import EventFilter, SqliteEventStore
from tests.conftest import SAMPLES_DIR
from tests.e2e.test_window_demo import StreamLines

HUNG_CALL_SECONDS = 40.0
# Far below HUNG_CALL_SECONDS: a window that waited for the call is still running then.
QUIT_TIMEOUT_SECONDS = 10.0


def window_env(tmp_path: Path) -> dict[str, str]:
    return dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        B24_CONSOLE_FEED_PROBE="1",
        B24_CONSOLE_PAINT_PROBE="1",
        B24_CONSOLE_CONFIG_DIR=str(tmp_path / "config"),
        B24_CONSOLE_DATA_DIR=str(tmp_path / "data"),
    )


def wait_for(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.1)


def quit_while_hung(process: subprocess.Popen[str], err: StreamLines) -> None:
    """SIGTERM; the process must be gone before the hung call could have ended."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=QUIT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail("the window waited for the hung portal call")
    assert process.returncode == 0
    assert not any("Traceback" in line for line in err.seen)


def refused(url: str) -> bool:
    try:
        httpx.get(url, timeout=5)
    except httpx.ConnectError:
        return True
    return False


@pytest.fixture
def stop_process() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_demo_quits_while_its_portal_holds_a_call(
    tmp_path: Path, stop_process: list[subprocess.Popen[str]]
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=window_env(tmp_path),
        cwd=tmp_path,
    )
    stop_process.append(process)
    out, err = StreamLines(process.stdout), StreamLines(process.stderr)
    err.wait_for(r"^first-paint \d")
    control = out.wait_for(r"^Sandbox portal on").split()[-1] + "/_sandbox"
    horoshop_url = out.wait_for(r"Horoshop handler:").split()[-1]
    answer = httpx.post(f"{control}/faults", json={"latency_seconds": HUNG_CALL_SECONDS})
    assert answer.status_code == 200, answer.text
    # The fake shop's next act (or a catch-up pass) now waits on the portal.
    wait_for(lambda: httpx.get(f"{control}/waiting").json()["requests_waiting"] > 0)

    quit_while_hung(process, err)
    # The demo's listener (its child process) stopped with the window.
    assert refused(horoshop_url)


@pytest.mark.real_keyring
def test_an_operator_window_quits_while_the_portal_holds_a_call(
    tmp_path: Path, stop_process: list[subprocess.Popen[str]]
) -> None:
    env = window_env(tmp_path)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text('{"listener": {"port": 0}}')
    data_dir = tmp_path / "store"
    with SandboxPortal(SandboxConfig(burst=10_000, drain_rate=1000.0)) as portal:
        added = subprocess.run(
            [
                *(sys.executable, "-m", "console", "profile", "add", "shop"),
                *("--portal", portal.base_url, "--member-id", portal.member_id, "--replace"),
            ],
            env={
                **env,
                "B24_WEBHOOK_URL": portal.webhook_url,
                "B24_APP_TOKEN": portal.application_token,
            },
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        # The listener's first catch-up pass (in the window's child) waits on the portal.
        portal.faults.latency_seconds = HUNG_CALL_SECONDS
        process = subprocess.Popen(
            [sys.executable, "-m", "console", "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        stop_process.append(process)
        err = StreamLines(process.stderr)
        StreamLines(process.stdout)
        published = data_dir / "listener.json"
        wait_for(published.exists)
        base_url = json.loads(published.read_text())["base_url"]
        answer = httpx.post(
            f"{base_url}/bitrix/shop",
            content=(SAMPLES_DIR / "bitrix-onsaleordersaved-webhook.form").read_bytes(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        assert answer.status_code == 401  # another portal's token: kept, as rejected
        err.wait_for(r"^feed-row 1 ")
        wait_for(lambda: portal.requests_waiting > 0)

        quit_while_hung(process, err)
        # The child stopped cleanly (it withdraws its address) and nothing committed was lost.
        assert not published.exists()
        assert refused(base_url)
        portal.faults.latency_seconds = 0.0
    store = SqliteEventStore(data_dir / STORE_FILE)
    try:
        assert store.count(EventFilter(include_duplicates=True)) == 1
    finally:
        store.close()
