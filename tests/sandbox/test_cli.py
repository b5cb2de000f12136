"""``b24-console sandbox`` and ``--demo --headless`` as real processes: serve, answer, stop on
signals."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

from console.cli.app import run


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-c", "from console.cli import main; raise SystemExit(main())", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("Sandbox portal on "), first + (
        process.stderr.read() if process.stderr else ""
    )
    webhook = process.stdout.readline().split()[-1]
    return process, webhook


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_sandbox_command_serves_until_signal(stop_signal: signal.Signals) -> None:
    process, webhook = _start("sandbox", "--port", "0", "--burst", "3")
    try:
        assert httpx.post(webhook + "profile").json()["result"]["ID"] == "1"
        codes = [httpx.post(webhook + "server.time").status_code for _ in range(4)]
        assert 503 in codes
    finally:
        process.send_signal(stop_signal)
        assert process.wait(10) == 0


def test_demo_starts_the_sandbox() -> None:
    process, webhook = _start("--demo", "--headless")
    try:
        assert httpx.post(webhook + "sale.status.list").status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0


def test_refuses_non_loopback_host(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sandbox", "--host", "0.0.0.0"]) == 2
    assert "loopback" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--port", "70000"),
        ("--burst", "0"),
        ("--drain-rate", "0"),
        ("--drain-rate", "nan"),
        ("--latency", "inf"),
        ("--latency", "-1"),
        ("--error-rate", "nan"),
    ],
)
def test_refuses_settings_that_would_break_the_portal(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["sandbox", option, value]) == 2
    assert option in capsys.readouterr().err
