"""``events`` commands that read never create a store; export is all or nothing; purge
counts and asks before it deletes."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import pytest

from console.cli import main
from console.store import SqliteEventStore
from tests.store.records import record

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    now = datetime.now(UTC)
    with SqliteEventStore(tmp_path / "store" / "events.sqlite3") as store:
        for age in (timedelta(days=3), timedelta(hours=3), timedelta(minutes=3), timedelta(0)):
            store.append(record(received_at=now - age))
    return tmp_path / "store"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _count(data_dir: Path) -> int:
    with SqliteEventStore(data_dir / "events.sqlite3") as store:
        return store.count()


@pytest.mark.parametrize(
    "argv",
    [
        ["events", "show", "1"],
        ["events", "list"],
        ["events", "export", "--format", "csv"],
        ["events", "pin", "1"],
        ["events", "purge", "--older-than", "1d", "--yes"],
        ["events", "replay", "1", "--to", "http://127.0.0.1:9"],
    ],
)
def test_reading_a_mistyped_directory_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    mistyped = tmp_path / "mistyped"
    code, _, err = _run(capsys, *argv, "--data-dir", str(mistyped))
    assert code == 2
    assert err.startswith(f"b24-console: no event store at {mistyped / 'events.sqlite3'}")
    assert not mistyped.exists()


# --- export ------------------------------------------------------------------------------


def test_export_out_writes_the_whole_file(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "events.jsonl"
    code, _, err = _run(
        capsys, "events", "export", "--format", "jsonl", "--out", str(target),
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == 0 and "exported 4 events" in err
    assert len(target.read_text().splitlines()) == 4
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_a_failed_export_leaves_no_file_and_keeps_the_old_one(
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import console.store.sqlite as sqlite_store

    real = sqlite_store.write_events

    def disk_full_after_two(events: Any, fmt: Any, out: TextIO) -> int:
        real(list(events)[:2], fmt, out)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sqlite_store, "write_events", disk_full_after_two)
    fresh = tmp_path / "fresh.csv"
    code, _, err = _run(
        capsys, "events", "export", "--format", "csv", "--out", str(fresh),
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == 2 and "No space left on device" in err
    assert not fresh.exists()
    old = tmp_path / "old.csv"
    old.write_text("yesterday's export\n")
    code, _, _ = _run(
        capsys, "events", "export", "--format", "csv", "--out", str(old),
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == 2 and old.read_text() == "yesterday's export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv", "store"]


def _process_state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]


def test_a_killed_export_leaves_nothing_that_looks_complete(tmp_path: Path) -> None:
    data_dir = tmp_path / "big"
    with SqliteEventStore(data_dir / "events.sqlite3") as store:
        for _ in range(3000):
            store.append(record(payload={"pad": "x" * 400}))
    target = tmp_path / "all.jsonl"
    # Stopped by SIGSTOP at its first write, then killed: mid-export whatever the speed.
    script = (
        "import os, signal, sys\n"
        "import console.store.export as export\n"
        "real = export._write_jsonl\n"
        "def write(events, out):\n"
        "    it = iter(events)\n"
        "    first = [next(it)]\n"
        "    real(first, out); out.flush()\n"
        "    os.kill(os.getpid(), signal.SIGSTOP)\n"
        "    return 1 + real(it, out)\n"
        "export._write_jsonl = write\n"
        "from console.cli import main\n"
        "sys.exit(main())\n"
    )
    export = subprocess.Popen(
        [sys.executable, "-c", script, "events", "export", "--format", "jsonl",
         "--out", str(target), "--data-dir", str(data_dir)],
        cwd=REPO_ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while _process_state(export.pid) != "T":  # T: stopped, inside its export
            assert time.monotonic() < deadline and export.poll() is None
            time.sleep(0.05)
        export.send_signal(signal.SIGKILL)
    finally:
        export.kill()
        export.wait(30)
    assert not target.exists()
    partial = [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert len(partial) == 1 and partial[0].name.startswith(".all.jsonl.")


# --- purge -------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_purge_dry_run_counts_and_deletes_nothing(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, out, _ = _run(
        capsys, "events", "purge", "--older-than", "1h", "--dry-run", "--data-dir", str(data_dir)
    )
    assert code == 0 and "would delete 2 events" in out
    assert _count(data_dir) == 4
    code, out, _ = _run(
        capsys, "events", "purge", "--older-than", "2d", "--dry-run", "--json",
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert json.loads(out)["would_delete"] == 1


def test_purge_without_a_terminal_refuses_unless_yes(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    code, _, err = _run(capsys, "events", "purge", "--older-than", "0", "--data-dir", str(data_dir))
    assert code == 2 and "would delete 4 events" in err and "--yes" in err
    assert _count(data_dir) == 4
    code, out, _ = _run(
        capsys, "events", "purge", "--older-than", "30m", "--yes", "--data-dir", str(data_dir)
    )
    assert code == 0 and "deleted 2 events" in out
    assert _count(data_dir) == 2


def test_purge_asks_on_a_terminal(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    code, out, err = _run(
        capsys, "events", "purge", "--older-than", "1h", "--data-dir", str(data_dir)
    )
    assert code == 0 and "Delete 2 events" in err and "nothing deleted" in out
    assert _count(data_dir) == 4
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    code, out, _ = _run(
        capsys, "events", "purge", "--older-than", "1h", "--data-dir", str(data_dir)
    )
    assert code == 0 and "deleted 2 events" in out
    assert _count(data_dir) == 2


@pytest.mark.parametrize("value", ["1x", "-1d", "nan", "1e400"])
def test_purge_refuses_what_is_not_a_span(
    capsys: pytest.CaptureFixture[str], data_dir: Path, value: str
) -> None:
    code, _, err = _run(
        capsys, "events", "purge", f"--older-than={value}", "--yes", "--data-dir", str(data_dir)
    )
    assert code == 2 and "--older-than" in err
    assert _count(data_dir) == 4
