"""Argument parsing, dispatch and the exit-code contract of ``b24-console``.

Each command group lives in its own module with a ``register(subparsers)`` function
that adds its parsers and sets ``handler`` (a callable taking the parsed namespace and
returning an exit code). Handlers raise :class:`CliError` (or a typed error that
:func:`exit_code_for` knows) instead of calling ``sys.exit``.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import importlib
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from console.core.logging import configure_logging

COMMAND_MODULES = ("profiles", "portal", "sandbox", "listen", "events")


class ExitCode(enum.IntEnum):
    OK = 0
    USAGE = 2
    PORTAL_REFUSED = 3
    NETWORK = 4
    CREDENTIALS = 5


class CliError(Exception):
    """A failure the command line reports in one line and maps to an exit code."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.code = code


Handler = Callable[[argparse.Namespace], int]
# Modules that define typed errors register a translator: error -> (exit code, message) or None.
ErrorTranslator = Callable[[BaseException], "tuple[ExitCode, str] | None"]
_translators: list[ErrorTranslator] = []


def register_error_translator(translator: ErrorTranslator) -> None:
    _translators.append(translator)


def exit_code_for(error: BaseException) -> tuple[ExitCode, str]:
    if isinstance(error, CliError):
        return error.code, str(error)
    for translator in _translators:
        translated = translator(error)
        if translated is not None:
            return translated
    raise error


def emit(args: argparse.Namespace, data: Any, human: Callable[[], str] | str) -> None:
    """Print ``data`` as JSON under ``--json``, else the human-readable text."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        text = human() if callable(human) else human
        if text:
            print(text)


class ForegroundRun:
    """What a long-running command waits on: a stop request by SIGINT or SIGTERM."""

    def __init__(self) -> None:
        self.stop_requested = threading.Event()

    def wait(self) -> None:
        """Block until stopped. The timed wait lets the main thread run signal handlers."""
        while not self.stop_requested.wait(0.5):
            pass


@contextlib.contextmanager
def foreground_run(
    extra_handlers: dict[signal.Signals, Callable[[], None]] | None = None,
) -> Iterator[ForegroundRun]:
    """Route SIGINT/SIGTERM (and ``extra_handlers``) to the run; restore handlers after."""
    run = ForegroundRun()

    def handler_for(action: Callable[[], None]) -> Callable[[int, FrameType | None], None]:
        def handle(signum: int, frame: FrameType | None) -> None:
            del signum, frame
            action()

        return handle

    actions: dict[signal.Signals, Callable[[], None]] = {
        signal.SIGINT: run.stop_requested.set,
        signal.SIGTERM: run.stop_requested.set,
        **(extra_handlers or {}),
    }
    previous = {sig: signal.signal(sig, handler_for(action)) for sig, action in actions.items()}
    try:
        yield run
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="b24-console",
        description="Operator console for Bitrix24 online-store back offices.",
    )
    parser.add_argument("--demo", action="store_true", help="start with the sandbox portal")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log progress, not only warnings"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"console.cli.{name}")
        module.register(subparsers)
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    # Every log line goes through the redaction filter before it reaches the terminal.
    configure_logging(logging.INFO if args.verbose else logging.WARNING)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        if args.demo:
            from console.cli.sandbox import run_demo

            return run_demo(args)
        parser.print_help()
        return ExitCode.USAGE
    try:
        return handler(args)
    except KeyboardInterrupt:
        return ExitCode.OK
    except Exception as exc:  # one place turns every typed failure into a line and a code
        code, message = exit_code_for(exc)
        print(f"b24-console: {message}", file=sys.stderr)
        return code
