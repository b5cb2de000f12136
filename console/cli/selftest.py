"""``b24-console --self-test``: one line per check, exit 0 only when every check passed.

Under ``--json`` each check is a JSON line, and the last line is the summary. The
window's check is loaded from :mod:`console.ui.selftest` when this build has the window;
a Qt that cannot be imported is a failed check, not a crash.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from console.cli.output import json_text, wants_json
from console.core.sanitize import printable
from console.selftest import (
    Check,
    CheckFailed,
    CheckResult,
    core_checks,
    result_line,
    run_checks,
    summary_line,
)


def _window_check() -> Check:
    try:
        from console.ui.selftest import window_check  # type: ignore[import-not-found, unused-ignore]
    except ImportError as exc:
        reason = f"the window's code cannot be loaded: {exc}"

        def unavailable() -> str:
            raise CheckFailed(
                reason,
                "install PySide6 (`uv sync`, or `pip install PySide6-Essentials`) and the "
                "system libraries it needs (libgl1 libegl1 libxkbcommon0 libfontconfig1)",
            )

        return Check("window", unavailable, "")
    check: Check = window_check()
    return check


def all_checks() -> list[Check]:
    """The Qt-free checks, then the window's (last: a Qt that aborts the process can
    then only take its own line with it)."""
    return [*core_checks(), _window_check()]


def _print(args: argparse.Namespace, data: Mapping[str, object], human: str) -> None:
    """One line, flushed at once so a slow check shows the ones before it. A reader that
    goes away (``| head``) ends the run through BrokenPipeError, as for any command."""
    text = json_text(data, indent=None) if wants_json(args) else printable(human, one_line=True)
    print(text, flush=True)


def run_self_test(args: argparse.Namespace) -> int:
    results: list[CheckResult] = []
    for result in run_checks(all_checks()):
        results.append(result)
        data = {
            "check": result.name,
            "passed": result.passed,
            "detail": result.detail,
            "seconds": round(result.seconds, 3),
        }
        _print(args, data, result_line(result))
    passed = all(result.passed for result in results)
    summary = {"self_test": "passed" if passed else "failed", "checks": len(results)}
    _print(args, summary, summary_line(results))
    return 0 if passed else 1
