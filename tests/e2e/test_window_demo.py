"""``b24-console --demo`` as an operator starts it: the window (offscreen) in its own process.

The test reads the addresses the demo prints, posts a real-format Bitrix24 form and a
Horoshop PUT to its listener, waits until the window reports each as a painted feed row,
then stops it with SIGTERM and expects a clean exit.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import SAMPLES_DIR

COMMAND = [sys.executable, "-m", "console", "--demo"]


class StreamLines:
    """Collects a stream's lines on a thread; ``wait_for`` returns the first matching one."""

    def __init__(self, stream: object) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(
            target=lambda: [self.lines.put(line) for line in stream],  # type: ignore[attr-defined]
            daemon=True,
        ).start()

    def wait_for(self, pattern: str, timeout: float = 60.0) -> str:
        # Lines already read count too: the feed reports a batch newest first.
        for line in self.seen:
            if re.search(pattern, line):
                return line
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in {self.seen[-40:]}")


def test_demo_window_receives_posted_events_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        B24_CONSOLE_FEED_PROBE="1",
        B24_CONSOLE_PAINT_PROBE="1",
        B24_CONSOLE_CONFIG_DIR=str(tmp_path / "config"),
        B24_CONSOLE_DATA_DIR=str(tmp_path / "data"),
    )
    process = subprocess.Popen(
        COMMAND,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        out, err = StreamLines(process.stdout), StreamLines(process.stderr)
        err.wait_for(r"^first-paint \d")
        # In the order the demo prints them.
        domain = re.sub(r"^https?://", "", out.wait_for(r"^Sandbox portal on").split()[-1])
        token = out.wait_for(r"application_token:").split()[-1]
        member = out.wait_for(r"member_id:").split()[-1]
        bitrix_url = out.wait_for(r"Bitrix24 handler:").split()[-1]
        horoshop_url = out.wait_for(r"Horoshop handler:").split()[-1]

        # The sample exactly as Bitrix24 sends it, made out for the demo portal.
        sample = (SAMPLES_DIR / "bitrix-onsaleordersaved-webhook.form").read_text().strip()
        sample = sample.replace("51856fefc120afa4b628cc82d3935cce", token)
        sample = sample.replace("a223c6b3710f85df22e9377d6c4f7553", member)
        sample = sample.replace("some-domain.bitrix24.com", domain)
        sample = sample.replace("ts=1714649632", f"ts={int(time.time())}")
        form = httpx.post(
            bitrix_url,
            content=sample,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        assert form.status_code == 200, form.text
        horoshop = httpx.put(
            horoshop_url,
            content=(SAMPLES_DIR / "horoshop-order_created.json").read_bytes(),
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert horoshop.status_code == 200, horoshop.text

        for answer in (form, horoshop):
            event_id = answer.json()["id"]
            err.wait_for(rf"^feed-row {event_id} ")
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert not any("Traceback" in line for line in err.seen)


def test_window_with_its_child_listener_shows_posted_events(tmp_path: Path) -> None:
    """`b24-console --data-dir DIR`: the listener runs as the window's child process."""
    data_dir = tmp_path / "store"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        B24_CONSOLE_FEED_PROBE="1",
        B24_CONSOLE_CONFIG_DIR=str(tmp_path / "config"),
        B24_CONSOLE_DATA_DIR=str(tmp_path / "data"),
    )
    # Port 0: the child takes a free one and says where in listener.json.
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text('{"listener": {"port": 0}}')
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    published = data_dir / "listener.json"
    try:
        err = StreamLines(process.stderr)
        StreamLines(process.stdout)
        deadline = time.monotonic() + 60
        while not published.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        base_url = json.loads(published.read_text())["base_url"]
        answer = httpx.post(
            f"{base_url}/bitrix/shop",
            content=(SAMPLES_DIR / "bitrix-onsaleordersaved-webhook.form").read_bytes(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        # No profile "shop" here: kept as rejected, answered as a wrong token.
        assert answer.status_code == 401
        first = err.wait_for(r"^feed-row \d+ ")
        assert first.split()[1] == "1"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0
    # The child stopped with the window and withdrew its address.
    assert not published.exists()
    assert not any("Traceback" in line for line in err.seen)
