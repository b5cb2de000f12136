"""Every command keeps to one-line errors and the documented exit codes, and takes --json,
errors included."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.cli import main
from console.cli.app import build_parser, command_parsers
from console.store import SqliteEventStore
from tests.store.records import record

REPO_ROOT = Path(__file__).resolve().parents[2]
TOO_BIG = "99999999999999999999999"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with SqliteEventStore(tmp_path / "events.sqlite3") as store:
        for _ in range(3):
            store.append(record())
    return tmp_path


def _names(parser: argparse.ArgumentParser) -> str:
    return parser.prog.removeprefix("b24-console ").strip()


def test_every_command_accepts_json() -> None:
    parser = build_parser()
    commands = list(command_parsers(parser))
    names = {_names(command) for command in commands}
    # Every registered leaf is walked, the events subcommands and listen among them.
    assert {"listen", "sandbox", "events list", "events purge", "events replay"} <= names
    assert {"events pin", "events unpin", "events export", "profile add", "bind list"} <= names
    for command in commands:
        assert "--json" in command._option_string_actions, _names(command)


@pytest.mark.parametrize(
    "argv",
    [
        ["events", "show", TOO_BIG],
        ["events", "pin", TOO_BIG],
        ["events", "unpin", TOO_BIG],
        ["events", "replay", TOO_BIG],
        ["events", "list", "--limit", TOO_BIG],
    ],
)
def test_numbers_too_large_for_sqlite_are_usage_errors(
    capsys: pytest.CaptureFixture[str], data_dir: Path, argv: list[str]
) -> None:
    assert main([*argv, "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    # argparse's own errors (--limit) come after its usage lines; ours are one line.
    assert "Traceback" not in err
    assert err.startswith("usage:") if "--limit" in argv else err.count("\n") == 1
    assert "b24-console" in err.splitlines()[-1]
    assert main([*argv, "--data-dir", str(data_dir), "--json"]) == 2
    answer = json.loads(capsys.readouterr().out)
    assert answer["code"] == 2 and answer["error"]


def test_usage_errors_are_json_under_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "show", "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {
        "error": "the following arguments are required: ID",
        "code": 2,
    }
    assert captured.err == ""


def test_a_portal_refusal_is_json_under_json(capsys: pytest.CaptureFixture[str]) -> None:
    # No profile yet: the usage error with its hint, as a JSON object.
    assert main(["status", "list", "--json"]) == 2
    answer = json.loads(capsys.readouterr().out)
    assert answer["code"] == 2 and "profile add" in answer["error"]


def test_a_bug_is_one_line_with_a_hint_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    import console.cli.events as events

    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(events, "summary_json", broken)
    argv = ["events", "list", "--json", "--data-dir", str(data_dir)]
    assert main(argv) == 1
    captured = capsys.readouterr()
    answer = json.loads(captured.out)
    assert answer["code"] == 1 and "internal error: ZeroDivisionError" in answer["error"]
    assert "-v" in answer["error"] and "Traceback" not in captured.err
    assert main(argv[:2] + argv[3:]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("b24-console: internal error")
    # -v shows where it happened.
    assert main(["-v", *argv[:2], *argv[3:]]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_export_into_a_closed_pipe_exits_quietly(data_dir: Path) -> None:
    with SqliteEventStore(data_dir / "events.sqlite3") as store:
        for _ in range(3000):
            store.append(record(payload={"pad": "x" * 200}))
    # `b24-console events export | head -1`: the reader goes away after one line.
    export = subprocess.Popen(
        [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())",
         "events", "export", "--format", "jsonl", "--data-dir", str(data_dir)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ},
    )  # fmt: skip
    assert export.stdout is not None and export.stderr is not None
    first = export.stdout.readline()
    export.stdout.close()
    err = export.stderr.read().decode()
    code = export.wait(60)
    assert json.loads(first)["id"]
    assert err == "" and code == 1
