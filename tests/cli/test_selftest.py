"""``b24-console --version`` and ``--self-test``: real parts, in-process and as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from console.cli import main
from console.selftest import Check, CheckFailed, run_check, summary_line
from tests.cli.test_app import heavy, modules_after

CHECKS = ("keyring", "store", "listener", "sandbox", "log folder", "window")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def lines_of(out: str) -> dict[str, str]:
    """Each check's line by the check's name."""
    found: dict[str, str] = {}
    for line in out.splitlines():
        mark, _, rest = line.partition(" ")
        if mark in ("ok", "FAIL"):
            found[rest.lstrip().partition(":")[0]] = line
    return found


def test_version_names_the_program_python_and_qt_without_importing_qt() -> None:
    code, out, modules = modules_after(["--version"])
    assert code == 0
    program, python, qt = out.strip().splitlines()
    assert program == f"b24-console {metadata.version('b24-console')}"
    assert python.startswith(f"Python {sys.version_info.major}.{sys.version_info.minor}.")
    assert qt.startswith(f"PySide6 {metadata.version('PySide6-Essentials')} (Qt ")
    assert heavy(modules) == [], "--version must stay instant"


def test_version_wins_over_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version", "events", "list")
    assert code == 0 and out.startswith("b24-console ")


@pytest.mark.real_keyring
def test_every_check_passes_on_a_working_machine(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--self-test")
    assert code == 0, out + err
    found = lines_of(out)
    assert sorted(found) == sorted(CHECKS), out
    assert all(line.startswith("ok ") for line in found.values()), out
    assert "SecretService" in found["keyring"]
    assert "/healthz answered 200" in found["listener"]
    assert "sale.status.list" in found["sandbox"]
    assert "offscreen" in found["window"] and "grabbed" in found["window"]
    assert out.strip().splitlines()[-1] == "self-test passed: all 6 checks"


def test_a_failing_check_says_why_and_what_to_do_and_the_others_still_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    keyring.set_keyring(fail.Keyring())  # what keyring picks with no session bus
    code, out, _ = run(capsys, "--self-test")
    assert code == 1
    found = lines_of(out)
    assert sorted(found) == sorted(CHECKS)
    assert found["keyring"].startswith("FAIL keyring: no OS keyring is available")
    assert "install gnome-keyring" in found["keyring"]
    others = [line for name, line in found.items() if name != "keyring"]
    assert all(line.startswith("ok ") for line in others), out
    assert out.strip().splitlines()[-1] == "self-test FAILED: 1 of 6 checks (keyring)"


def test_an_unwritable_log_folder_fails_its_check_but_not_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("B24_CONSOLE_LOG_DIR", str(blocker))
    code, out, err = run(capsys, "--self-test")
    assert code == 1
    line = lines_of(out)["log folder"]
    assert line.startswith(f"FAIL log folder: cannot write in the log folder {blocker}")
    assert "B24_CONSOLE_LOG_DIR" in line
    assert "no log file" in err  # said once on the terminal, and the checks still ran
    assert lines_of(out)["store"].startswith("ok ")


def test_json_gives_one_object_per_check_and_a_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    keyring.set_keyring(fail.Keyring())
    code, out, _ = run(capsys, "--self-test", "--json")
    assert code == 1
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["check"] for o in objects[:-1]] == list(CHECKS)
    assert [o["passed"] for o in objects[:-1]] == [False, True, True, True, True, True]
    assert objects[-1] == {"self_test": "failed", "checks": 6}


def test_self_test_with_a_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--self-test", "events", "list")
    assert code == 2 and "--self-test runs alone" in err


def test_a_check_that_raises_unexpectedly_is_reported_with_its_advice() -> None:
    def broken() -> str:
        raise ValueError("webhook https://portal.example/rest/1/abcdefgh12345/ said no")

    result = run_check(Check("broken", broken, "read the log"))
    assert not result.passed
    # The failure quotes the exception, redacted, then what to do.
    assert result.detail == (
        "ValueError: webhook https://portal.example/rest/1/••••••/ said no; read the log"
    )


def test_a_check_failure_carries_its_own_advice() -> None:
    def refused() -> str:
        raise CheckFailed("the port is taken", "stop the other program")

    result = run_check(Check("port", refused, "unused advice"))
    assert result.detail == "the port is taken; stop the other program"
    assert summary_line([result]) == "self-test FAILED: 1 of 1 checks (port)"


@pytest.mark.real_keyring
def test_self_test_as_a_process_without_a_display(tmp_path: Path) -> None:
    """As the bundle's smoke test runs it: its own process, no display, no Qt platform set."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "console", "--self-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(lines_of(result.stdout)) == sorted(CHECKS)
    assert "offscreen" in lines_of(result.stdout)["window"]
    # Qt's offscreen warnings are kept out of the operator's terminal.
    assert "propagateSizeHints" not in result.stderr


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path: Path) -> None:
    """``b24-console --self-test | head -1``: no traceback, no SIGTERM."""
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "--self-test"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    process.wait(timeout=120)
    assert first.startswith(("ok   keyring:", "FAIL keyring:"))
    # 1: the next line found the pipe closed (0 only if every line was written before).
    assert process.returncode in (0, 1) and "Traceback" not in err
