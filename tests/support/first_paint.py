"""Start the window in a process of its own, wait for its first paint, stop it.

The window prints ``first-paint SECONDS`` on stderr when ``B24_CONSOLE_PAINT_PROBE=1``
(console/ui/app.py), SECONDS counted from its process's start. The install, wheel and
bundle tests use this to see a real window come up; bench_start uses it to time it.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAINT_PROBE_ENV = "B24_CONSOLE_PAINT_PROBE"


@dataclass
class WindowRun:
    """One start: seconds from launch to the painted window as the launcher saw them (None:
    no paint), the window's own count from its process start, whether ``ready_file``
    appeared while it ran, and how it ended."""

    launch_to_paint: float | None
    process_to_paint: float | None
    exit_code: int | None
    stderr: list[str] = field(default_factory=list)
    ready: bool = False


def empty_console_env(base: dict[str, str], config_dir: Path) -> dict[str, str]:
    """``base`` with its own config folder whose listener takes any free port (so runs never
    fight over 8765) and the paint probe on."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "settings.json").write_text('{"listener": {"port": 0}}', encoding="utf-8")
    return {**base, "B24_CONSOLE_CONFIG_DIR": str(config_dir), PAINT_PROBE_ENV: "1"}


def run_window_until_painted(
    command: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    timeout: float = 60.0,
    settle: float = 0.0,
    ready_file: Path | None = None,
) -> WindowRun:
    """Launch ``command``, wait for the first paint, then (after ``settle`` seconds, or once
    ``ready_file`` exists) stop it with SIGTERM as a session manager would."""
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    painted = threading.Event()
    seen: dict[str, float] = {}

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if line.startswith("first-paint ") and not painted.is_set():
                seen["wall"] = time.monotonic() - started
                seen["probe"] = float(line.split()[1])
                painted.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    deadline = started + timeout
    while not painted.wait(0.05):
        if process.poll() is not None or time.monotonic() > deadline:
            break
    if painted.is_set():
        settle_until = time.monotonic() + settle
        while time.monotonic() < settle_until:
            time.sleep(0.05)
        if ready_file is not None:
            while not ready_file.exists() and time.monotonic() < deadline:
                if process.poll() is not None:
                    break
                time.sleep(0.05)
    ready = ready_file is not None and ready_file.exists()
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        exit_code: int | None = process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        exit_code = None
    reader.join(5)
    return WindowRun(seen.get("wall"), seen.get("probe"), exit_code, lines, ready)


def without_checkout_env(base: dict[str, str]) -> dict[str, str]:
    """``base`` without what would make a program import the checkout instead of itself."""
    return {
        key: value
        for key, value in base.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT"}
    }
