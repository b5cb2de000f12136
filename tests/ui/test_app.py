"""run_window as a process: it paints, prints the demo's addresses and stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from console.ui.app import already_running_text, seconds_since_process_start

SCRIPT = (
    "import sys; from console.ui.app import run_window; "
    "sys.exit(run_window(demo=True, data_dir=None))"
)


def _child_pids(pid: int) -> list[int]:
    pids: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        pids += [int(child) for child in children.read_text().split()]
    return pids


def _command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().split("\0")
    except OSError:
        return []


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
        if Path(f"/proc/{process.pid}/task").is_dir():
            # The demo's listener runs as the window's child process, as the operator's
            # does: intake never competes with painting for the window's interpreter.
            children = [_command_line(pid) for pid in _child_pids(process.pid)]
            assert any("--demo-child" in command for command in children), children
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "first-paint" in "".join(seen) + err
    assert "Traceback" not in err


CRASHING_SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from console.cli import main

app = QApplication(sys.argv[:1])


def crash():
    raise RuntimeError("a slot failed")


def report():
    shown = [w for w in app.topLevelWidgets() if w.isVisible()]
    dialogs = [w for w in shown if w.objectName() == "crashDialog"]
    if dialogs and dialogs[0].later_crashes >= 1:  # both crashes have come
        print("visible " + " ".join(sorted(w.objectName() for w in shown)), flush=True)
        watch.stop()


QTimer.singleShot(1000, crash)
QTimer.singleShot(1200, crash)
watch = QTimer()
watch.timeout.connect(report)
watch.start(500)
sys.exit(main(["--demo"]))  # through the command line, which opens the log file
"""


def test_the_window_shows_a_crash_logs_it_and_keeps_running(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING_SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        visible = ""
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line or line.startswith("visible "):
                visible = line
                break
        # Two crashes, one dialog, and the window still up beside it.
        assert visible.split()[1:] == ["crashDialog", "mainWindow"], visible
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    log_file = Path(os.environ["B24_CONSOLE_LOG_DIR"]) / "b24-console.log"
    written = log_file.read_text(encoding="utf-8")
    assert written.count("unhandled exception: RuntimeError: a slot failed") == 2


def test_a_second_window_is_refused_in_window_terms(qtbot: object) -> None:
    del qtbot  # a QApplication for the translations
    for pid in (4242, None):
        text = already_running_text(pid)
        assert "--data-dir" not in text and "Switch to its window" in text
    assert "4242" in already_running_text(4242)
