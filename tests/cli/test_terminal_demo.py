"""``b24-console --demo --headless`` explains itself: what its first lines are, where its
store is, how to query it while it runs, and that the store goes away with it."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
from pathlib import Path

from tests.e2e.test_listen_with_portal import CLI, REPO_ROOT, LineReader

EVENT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  #\d+  ")


def test_terminal_demo_guides_and_cleans_up(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [*CLI, "--demo", "--headless"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        out = LineReader(proc)
        stored = out.wait_for("Events are stored in")
        assert "temporary directory, deleted when the demo exits" in stored
        query = out.wait_for("Query them from another terminal while the demo runs: ")
        out.wait_for("The first lines are catch-up events")
        out.wait_for("forged event")
        # A line for a committed event, after the guide: the forged one is among the first.
        out.wait_for("rejected")
        command = query.split("while the demo runs: ", 1)[1].strip()
        argv = shlex.split(command)
        # Started by `uv run` (as the suite is), the hint says so: the shell needs it.
        if os.environ.get("UV_RUN_RECURSION_DEPTH"):
            assert argv[:2] == ["uv", "run"]
            argv = argv[2:]
        assert argv[:3] == ["b24-console", "events", "list"]
        listed = subprocess.run(
            [*CLI, *argv[1:], "--json"], cwd=REPO_ROOT, env=env,
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert '"rejected"' in listed.stdout
        data_dir = Path(argv[argv.index("--data-dir") + 1])
        assert (data_dir / "events.sqlite3").exists()
        proc.send_signal(signal.SIGINT)
        out.wait_for("demo stopped", "store was deleted")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not data_dir.exists()
    # Nothing that describes an event came before the guide.
    first_event = next(i for i, line in enumerate(out.seen) if EVENT_LINE.match(line))
    guide_at = next(i for i, line in enumerate(out.seen) if "first lines are catch-up" in line)
    assert guide_at < first_event


def test_the_query_hint_starts_with_uv_run_when_the_demo_did() -> None:
    from console.cli.sandbox import demo_guide

    hint = demo_guide(Path("/tmp/d"), temporary=True, lookback_hours=2, uv_run=True)[1]
    assert hint.endswith("uv run b24-console events list --data-dir /tmp/d")
    plain = demo_guide(Path("/tmp/d"), temporary=True, lookback_hours=2)[1]
    assert plain.endswith(": b24-console events list --data-dir /tmp/d")
