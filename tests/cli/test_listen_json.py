"""``listen --json`` prints one JSON object per line: the start, each event, the stop."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from console.cli import main
from console.cli.app import ForegroundRun
from console.core.profiles import Profile, ProfileRepository
from console.core.settings import ListenerSettings, Settings, save_settings
from tests.e2e.test_listen_with_portal import CLI, REPO_ROOT


def test_listen_json_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ProfileRepository().save(Profile(name="shop", portal_url="https://shop.bitrix24.ua"))
    save_settings(Settings(listener=ListenerSettings(port=0)))
    lines: list[str] = []

    def send_one_event_then_stop(self: ForegroundRun) -> None:
        lines.extend(capsys.readouterr().out.splitlines())
        listening = json.loads(lines[0])
        url = listening["handlers"]["bitrix/shop"]
        httpx.post(url, data={"event": "ONSALEORDERSAVED\x1b[2J", "data[FIELDS][ID]": "7"})
        deadline = time.monotonic() + 30
        while not any('"type": "event"' in line for line in lines):
            assert time.monotonic() < deadline, lines
            time.sleep(0.05)
            lines.extend(capsys.readouterr().out.splitlines())

    monkeypatch.setattr(ForegroundRun, "wait", send_one_event_then_stop)
    argv = ["listen", "--json", "--no-catch-up", "--data-dir", str(tmp_path)]
    assert main(argv) == 0
    lines.extend(capsys.readouterr().out.splitlines())
    objects = [json.loads(line) for line in lines]  # every line is one JSON object
    assert [obj["type"] for obj in objects] == ["listening", "event", "stopped"]
    event = objects[1]
    assert event["event"] == "ONSALEORDERSAVED\x1b[2J" and event["profile"] == "shop"
    assert "\x1b" not in "".join(lines)


def test_listen_stops_quietly_when_its_reader_goes_away(tmp_path: Path) -> None:
    # `b24-console listen --json | head -1`: the next event line finds the pipe closed.
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text('{"listener": {"port": 0}}')
    env = {**os.environ, "B24_CONSOLE_CONFIG_DIR": str(config), "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [*CLI, "listen", "--json", "--no-catch-up", "--data-dir", str(tmp_path / "data")],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stderr is not None
        url = json.loads(proc.stdout.readline())["url"]
        proc.stdout.close()
        for _ in range(2):  # each one stored, and its line has nowhere to go
            httpx.post(f"{url}/bitrix/nobody", data={"event": "ONSALEORDERSAVED"})
        assert proc.wait(timeout=30) == 0
        err = proc.stderr.read()
        assert "Traceback" not in err and "BrokenPipe" not in err, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
