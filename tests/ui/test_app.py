"""run_window as a process: it paints, prints the demo's addresses and stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from console.ui.app import seconds_since_process_start

SCRIPT = (
    "import sys; from console.ui.app import run_window; "
    "sys.exit(run_window(demo=True, data_dir=None))"
)


def test_process_start_time_is_read() -> None:
    elapsed = seconds_since_process_start()
    assert 0 < elapsed < 24 * 3600


def test_demo_window_prints_addresses_and_quits_on_sigint(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        B24_CONSOLE_PAINT_PROBE="1",
        B24_CONSOLE_FEED_PROBE="1",
    )
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Horoshop handler" in line:
                break
        text = "".join(lines)
        assert "Bitrix24 handler:" in text and "application_token" in text
        horoshop_url = text.split("Horoshop handler:", 1)[1].split()[0]
        answer = httpx.post(horoshop_url, json={"order_id": "77001", "total_sum": 5}, timeout=10)
        assert answer.status_code == 200, answer.text
        event_id = answer.json()["id"]
        assert process.stderr is not None
        # The posted event reaches the feed (the window reports each live row it inserts).
        seen: list[str] = []
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith(f"feed-row {event_id} "):
                break
        assert any(line.startswith(f"feed-row {event_id} ") for line in seen), seen
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "first-paint" in "".join(seen) + err
    assert "Traceback" not in err
