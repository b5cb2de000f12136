"""What commands print: JSON or human text, one line per running event, one-line errors.

Everything printed passes :mod:`console.core.sanitize`: it is made of portal and event
data, and escape sequences in them must not reach the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from console.core.logging import redact
from console.core.sanitize import json_printable, printable


def wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """``data`` as JSON that is safe to print: no character in it drives a terminal."""
    return json_printable(json.dumps(data, ensure_ascii=False, indent=indent, default=str))


def emit(args: argparse.Namespace, data: Any, human: Callable[[], str] | str) -> None:
    """Print ``data`` as JSON under ``--json``, else the human-readable text.

    Human text goes through :func:`~console.core.sanitize.printable`: it is made of portal
    and event data, and escape sequences in them must not reach the terminal.
    """
    if wants_json(args):
        print(json_text(data), flush=True)
    else:
        text = human() if callable(human) else human
        if text:
            print(printable(text), flush=True)


def emit_line(args: argparse.Namespace, data: dict[str, Any], human: str) -> None:
    """One line of a running command's output (an event, a report): JSON Lines under
    ``--json``, else ``human`` made printable on one line.

    Called from worker threads too (store subscribers, pollers). When the reader of our
    output has gone (``listen --json | head -3``), the command stops as on SIGTERM
    instead of failing on every later line.
    """
    text = json_text(data, indent=None) if wants_json(args) else printable(human, one_line=True)
    try:
        print(text, flush=True)
    except BrokenPipeError:
        stdout_closed()
        if hasattr(signal, "SIGTERM"):
            signal.raise_signal(signal.SIGTERM)


def report_error(as_json: bool, code: int, message: str) -> None:
    """The one line a failed command prints: ``{"error", "code"}`` on stdout under
    ``--json``, else ``b24-console: MESSAGE`` on stderr.

    Redacted as a log line is: an error may quote what a server answered, and a server
    may quote a secret back in a spelling of its own.
    """
    message = redact(message)
    if as_json:
        print(json_text({"error": message, "code": int(code)}, indent=None), flush=True)
    else:
        print(f"b24-console: {printable(message, one_line=True)}", file=sys.stderr, flush=True)


def stdout_closed() -> None:
    """The reader of our output went away (``b24-console events export | head``).

    Point stdout at /dev/null so the flush at interpreter exit does not fail again, and
    leave quietly: whoever closed the pipe has what they wanted.
    """
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
