"""Start time: the window's first paint with an empty store (not part of the test run).

Runs the real window, in its own process, from the checkout (``uv run b24-console``) and
from the PyInstaller bundle, each under Xvfb with Qt's xcb platform (as on a desktop) and
off screen; one fresh empty store per run. Two times per run:

- launch to paint: from the benchmark starting the command to the window's
  ``first-paint`` line (console/ui/app.py ``B24_CONSOLE_PAINT_PROBE``): what a person
  waits, including uv's own start for the checkout;
- process to paint: what the window itself counts, from its process's start.

The four kinds are run in turn (one of each, then again), after one unmeasured run each,
so a slow moment of a shared machine spreads over all of them.

    uv run python -m tests.benchmarks.bench_start [--runs 10] [--bundle PATH] [--json]

``--bundle`` defaults to ``dist/b24-console/b24-console`` (``bash packaging/build.sh``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.first_paint import (
    WindowRun,
    empty_console_env,
    run_window_until_painted,
    without_checkout_env,
)

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class StartKind:
    name: str
    command: list[str]
    platform: str  # "xcb" or "offscreen"
    runs: list[WindowRun] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    # Nearest rank: the p90 of 10 runs is the 9th, not the largest.
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X server; yields its DISPLAY."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is missing: apt-get install xvfb xauth")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise SystemExit("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def in_keyring_session() -> None:
    """Run again inside a private D-Bus session with gnome-keyring unlocked (as tests/run
    does): the window's listener child reads its fingerprint key from the real keyring, as
    on a desktop."""
    if os.environ.get("B24_BENCH_IN_SESSION"):
        return
    keyring_home = tempfile.mkdtemp(prefix="b24-bench-keyring-")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"}
    }
    env.update(XDG_DATA_HOME=keyring_home, B24_BENCH_IN_SESSION="1")
    script = (
        "echo -n b24-bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
        'exec "$0" -m tests.benchmarks.bench_start "$@"'
    )
    command = ["dbus-run-session", "--", "sh", "-c", script, sys.executable, *sys.argv[1:]]
    try:
        # dbus-daemon's harmless "Failed to set fd limit" line is left out, as in tests/run.
        session = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        assert session.stderr is not None
        for line in session.stderr:
            if "Failed to set fd limit" not in line:
                sys.stderr.write(line)
        raise SystemExit(session.wait())
    finally:
        shutil.rmtree(keyring_home, ignore_errors=True)


def measure(kind: StartKind, display: str, scratch: Path, index: int) -> WindowRun:
    run_dir = scratch / f"{kind.name}-{kind.platform}-{index}"
    data = run_dir / "data"
    env = empty_console_env(without_checkout_env(dict(os.environ)), run_dir / "config")
    env.update(QT_QPA_PLATFORM=kind.platform, B24_CONSOLE_LOG_DIR=str(run_dir / "log"))
    if kind.platform == "xcb":
        env["DISPLAY"] = display
    else:
        env.pop("DISPLAY", None)
    # Stopped once its listener is up, so every run ends the usual way.
    return run_window_until_painted(
        [*kind.command, "--data-dir", str(data)],
        env=env,
        cwd=ROOT,
        timeout=60,
        ready_file=data / "listener.json",
    )


def report(kinds: list[StartKind]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for kind in kinds:
        walls = [run.launch_to_paint for run in kind.runs if run.launch_to_paint is not None]
        probes = [run.process_to_paint for run in kind.runs if run.process_to_paint is not None]
        rows.append(
            {
                "program": kind.name,
                "platform": kind.platform,
                "runs": len(kind.runs),
                "painted": len(walls),
                "launch_to_paint_median_s": round(percentile(walls, 0.5), 3),
                "launch_to_paint_p90_s": round(percentile(walls, 0.9), 3),
                "process_to_paint_median_s": round(percentile(probes, 0.5), 3),
                "process_to_paint_p90_s": round(percentile(probes, 0.9), 3),
                "failed_exits": sum(1 for run in kind.runs if run.exit_code != 0),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="measured runs of each kind")
    parser.add_argument(
        "--bundle", type=Path, default=ROOT / "dist" / "b24-console" / "b24-console"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per kind")
    args = parser.parse_args()
    if not args.bundle.is_file():
        raise SystemExit(f"{args.bundle} is missing: run `bash packaging/build.sh` first")
    in_keyring_session()

    uv = shlex.split(os.environ.get("B24_UV_CMD", "uv"))
    source = [*uv, "run", "--locked", "b24-console"]
    bundle = [str(args.bundle.resolve())]
    kinds = [
        StartKind("uv run b24-console", source, "xcb"),
        StartKind("bundle", bundle, "xcb"),
        StartKind("uv run b24-console", source, "offscreen"),
        StartKind("bundle", bundle, "offscreen"),
    ]
    with tempfile.TemporaryDirectory(prefix="b24-bench-start-") as scratch, xvfb() as display:
        for kind in kinds:  # unmeasured: page cache, uv's cache, fontconfig's cache
            measure(kind, display, Path(scratch), -1)
        for index in range(args.runs):
            for kind in kinds:
                kind.runs.append(measure(kind, display, Path(scratch), index))
    rows = report(kinds)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    print(f"first paint with an empty store, {args.runs} runs each (seconds: median / p90)")
    print(f"{'program':<20} {'platform':<10} {'launch to paint':>17} {'process to paint':>18}")
    for row in rows:
        launch = f"{row['launch_to_paint_median_s']:.3f} / {row['launch_to_paint_p90_s']:.3f}"
        process = f"{row['process_to_paint_median_s']:.3f} / {row['process_to_paint_p90_s']:.3f}"
        note = "" if row["painted"] == row["runs"] else f"  ({row['painted']} painted)"
        if row["failed_exits"]:
            note += f"  ({row['failed_exits']} did not exit 0)"
        print(f"{row['program']:<20} {row['platform']:<10} {launch:>17} {process:>18}{note}")


if __name__ == "__main__":
    main()
