"""``b24-console listen`` as a process: URLs out, one line per event, clean exit on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.listener.crash_harness import REPO_ROOT

CLI = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())"]


def test_listen_prints_events_and_stops_on_sigterm(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [*CLI, "listen", "--port", "0", "--data-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("listening on http://127.0.0.1:"), first
        base_url = first.split()[2]
        response = httpx.post(f"{base_url}/bitrix/nobody", content=b"event=X")
        assert response.status_code == 401
        line = ""
        while "rejected" not in line:
            line = proc.stdout.readline()
            assert line, "listener exited before printing the event"
        assert "bitrix  X" in line and "unknown profile 'nobody'" in line
        proc.send_signal(signal.SIGTERM)
        rest = proc.stdout.read()
        assert proc.wait(timeout=30) == 0
        assert "listener stopped" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (tmp_path / "events.sqlite3").exists()


def test_non_loopback_without_public_exits_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [*CLI, "listen", "--host", "0.0.0.0", "--port", "0"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--public" in done.stderr


def test_listen_publishes_where_it_listens_and_a_taken_port_exits_4(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [*CLI, "listen", "--port", "0", "--data-dir", str(tmp_path), "--no-catch-up"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        base_url = first.split()[2]
        published = json.loads((tmp_path / "listener.json").read_text())
        assert published["base_url"] == base_url and published["pid"] == proc.pid
        port = base_url.rsplit(":", 1)[1]
        second = subprocess.run(
            [*CLI, "listen", "--port", port, "--data-dir", str(tmp_path / "other")],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 4
        # One line (a keyring warning may come before it where there is no keyring).
        error = second.stderr.splitlines()[-1]
        assert "--port" in error and "in use" in error
        assert "Traceback" not in second.stderr
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not (tmp_path / "listener.json").exists()
