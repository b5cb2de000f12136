"""The top level of ``b24-console``: lazy command loading, the window and the demo switches,
and the hints the command line adds to core's neutral errors."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import types
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from console.cli import main
from console.cli.app import COMMANDS, build_parser
from console.core.profiles import Profile, ProfileRepository
from console.store import EventRecord, EventSource, StoreLocation, Verification, open_store

REPO_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("aiohttp", "httpx", "keyring", "PySide6", "shiboken6", "pydantic", "console.sandbox")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def modules_after(argv: list[str]) -> tuple[int, str, set[str]]:
    """Run the CLI in a fresh interpreter; its exit code, stdout and imported modules."""
    script = (
        "import json, sys\n"
        "from console.cli import main\n"
        f"code = main({argv!r})\n"
        "print('MODULES=' + json.dumps(sorted(sys.modules)))\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    out, _, listed = result.stdout.rpartition("MODULES=")
    return result.returncode, out, set(json.loads(listed))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_help_lists_every_command_without_importing_them() -> None:
    code, out, modules = modules_after(["--help"])
    assert code == 0
    for name in COMMANDS:
        assert name in out
    assert "--demo" in out and "--headless" in out and "--data-dir" in out
    assert heavy(modules) == []
    assert not any(
        m.startswith("console.cli.") and m not in {"console.cli.app", "console.cli.output"}
        for m in modules
    )


def test_a_command_loads_only_its_own_module() -> None:
    code, out, modules = modules_after(["sandbox", "--help"])
    assert code == 0 and "--drain-rate" in out
    # The sandbox command's parser needs none of the sandbox itself until it runs.
    assert heavy(modules) == []
    assert "console.cli.profiles" not in modules and "console.cli.events" not in modules


def test_the_help_lines_match_what_each_module_registers() -> None:
    parser = build_parser()
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    registered = {choice.dest: choice.help for choice in subparsers._choices_actions}
    assert registered == {name: help_line for name, (_, help_line) in COMMANDS.items()}


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "nope")
    assert code == 2 and "invalid choice: 'nope'" in err


def test_headless_without_demo_says_what_to_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--headless")
    assert code == 2 and "b24-console listen" in err


def test_no_display_is_one_line_that_says_what_to_do(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(capsys, "--demo")
    assert code == 2
    assert err.count("\n") == 1 and "no display" in err and "--headless" in err


def test_missing_qt_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtWidgets", None)
    code, _, err = run(capsys)
    assert code == 2
    assert err.count("\n") == 1 and "PySide6-Essentials" in err and "listen" in err


def test_a_build_without_the_window_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "console.ui.app", None)
    code, _, err = run(capsys, "--demo")
    assert code == 2 and "--demo --headless" in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {"demo": False, "data_dir": None, "store": None}),
        (["--demo"], {"demo": True, "data_dir": None, "store": None}),
        (["--data-dir", "/tmp/x"], {"demo": False, "data_dir": Path("/tmp/x"), "store": None}),
        (
            ["--store", "postgresql://alice@db.example/shop"],
            {
                "demo": False,
                "data_dir": None,
                "store": "postgresql://alice@db.example:5432/shop",
            },
        ),
    ],
)
def test_the_window_is_started_with_the_demo_data_dir_and_store_switches(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], expected: dict[str, Any]
) -> None:
    # The window itself belongs to console.ui; this stands in for its entry point only
    # to check what the command line passes to it.
    calls: list[dict[str, Any]] = []
    entry = types.ModuleType("console.ui.app")

    def run_window(*, demo: bool, data_dir: Path | None, store: StoreLocation | None) -> int:
        url = store.url if store is not None else None
        calls.append({"demo": demo, "data_dir": data_dir, "store": url})
        return 7

    entry.run_window = run_window  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "console.ui.app", entry)
    assert main(argv) == 7
    assert calls == [expected]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--store", "postgresql://alice:pw@db.example/shop"], "carries a password"),
        (["--store", "sqlite:///a.sqlite3", "--data-dir", "/tmp/x"], "only one"),
    ],
)
def test_the_window_refuses_a_bad_store_choice_before_it_opens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    entry = types.ModuleType("console.ui.app")
    entry.run_window = lambda **_kwargs: 7  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "console.ui.app", entry)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and ":pw@" not in err


def test_top_level_data_dir_reaches_the_events_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(tmp_path / "events.sqlite3")
    try:
        store.append(
            EventRecord(
                received_at=datetime.now(UTC),
                source=EventSource.HOROSHOP,
                event="order_created",
                verification=Verification.VERIFIED,
                raw_body=b"{}",
                payload={},
            )
        )
    finally:
        store.close()
    code, out, err = run(capsys, "--data-dir", str(tmp_path), "events", "list", "--json")
    assert code == 0, err
    assert [event["event"] for event in json.loads(out)] == ["order_created"]


def test_missing_profile_hint_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "status", "list", "--profile", "nope")
    assert code == 2
    assert "no profile named 'nope'" in err and "`b24-console profile list`" in err


def test_missing_webhook_hint_names_the_command_to_fix_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ProfileRepository().save(Profile(name="shop", portal_url="https://shop.bitrix24.ua"))
    code, _, err = run(capsys, "status", "list", "--profile", "shop")
    assert code == 5
    assert "has no inbound webhook stored" in err
    assert "`b24-console profile add shop --portal https://shop.bitrix24.ua --replace`" in err


def test_the_session_module_is_cheap_to_import() -> None:
    # The window names RunningConsole and ListenerBindError before its first paint; the
    # listener, the client and the keyring come only when a session starts.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, console.session, console.core.instance\n"
            "print(json.dumps(sorted(sys.modules)))",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert heavy(set(json.loads(result.stdout))) == []
