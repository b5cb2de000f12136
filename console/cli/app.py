"""Argument parsing, dispatch and the exit-code contract of ``b24-console``.

Each command group lives in its own module with a ``register(subparsers)`` function
that adds its parsers and sets ``handler`` (a callable taking the parsed namespace and
returning an exit code). Handlers raise :class:`CliError` (or a typed error that
:func:`exit_code_for` knows) instead of calling ``sys.exit``.

Only the module of the command being run is imported: :data:`COMMANDS` names every
command and its one-line help, so ``b24-console --help`` lists them all without loading
pydantic, the keyring, httpx or aiohttp. With no command, ``b24-console`` opens the window.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import importlib
import io
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from console.cli.output import emit, emit_line, json_text, report_error, stdout_closed, wants_json
from console.core.logging import (
    LISTENER_LOG_FILE_NAME,
    LOG_FILE_NAME,
    LOG_LEVELS,
    configure_file_logging,
    configure_logging,
)

# Re-exported: every command module prints through these.
__all__ = ["CliError", "ExitCode", "emit", "emit_line", "foreground_run", "json_text", "wants_json"]

# Command -> (module under console.cli that registers it, its line in the top-level help).
# A test checks that each module registers these names with the same help.
COMMANDS: dict[str, tuple[str, str]] = {
    "profile": ("profiles", "manage connection profiles"),
    "status": ("portal", "order and delivery status definitions"),
    "order": ("portal", "read orders and move them between statuses"),
    "bind": ("portal", "bind orders to deals or invoices"),
    "sandbox": ("sandbox", "run the emulated Bitrix24 portal on loopback"),
    "listen": ("listen", "receive Bitrix24 and Horoshop events and store them"),
    "events": ("events", "inspect and manage stored events"),
    "store": ("store", "create, upgrade and copy event stores (team mode: PostgreSQL)"),
}
COMMAND_MODULES = tuple(dict.fromkeys(module for module, _ in COMMANDS.values()))


class ExitCode(enum.IntEnum):
    OK = 0
    # A bug (an exception no one translated), or standard output closed early.
    INTERNAL = 1
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
    from console.cli.errors import translate_error

    for translator in (translate_error, *_translators):
        translated = translator(error)
        if translated is not None:
            return translated
    raise error


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


class _Undecided(Exception):
    """The quick first parse could not tell which command was asked for."""


class _QuickParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Undecided(message)


def build_parser(
    modules: Iterable[str] | None = None,
    *,
    parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """The full parser for the command modules in ``modules`` (default: all of them).

    Commands of the other modules get a placeholder that only carries their help line.
    """
    loaded = set(COMMAND_MODULES if modules is None else modules)
    parser = parser_class(
        prog="b24-console",
        description=(
            "Operator console for Bitrix24 online-store back offices. With no command, "
            "opens the window."
        ),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the window on the sandbox portal with live demo activity",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="with --demo: run the demo in the terminal instead of a window",
    )
    parser.add_argument(
        "--data-dir",
        dest="top_data_dir",
        type=Path,
        metavar="DIR",
        help="keep the event store in DIR (as listen --data-dir does)",
    )
    parser.add_argument(
        "--store",
        dest="top_store",
        metavar="URL",
        help="the event store: sqlite:///path or postgresql://user@host:5432/db (as "
        "listen --store takes it); never put the password in the URL",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log progress, not only warnings"
    )
    parser.add_argument(
        "--log-level",
        choices=tuple(LOG_LEVELS),
        metavar="LEVEL",
        help="log at LEVEL (debug, info, warning, error) to the terminal and the log file "
        "(default: warning on the terminal, -v info; the file keeps B24_CONSOLE_LOG_LEVEL "
        "or info)",
    )
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the program's version and those of Python and Qt, and exit",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the keyring, the store, the listener, the sandbox portal and the window "
        "without opening one; exit 0 only when every check passes",
    )
    parser.add_argument(
        "--json",
        dest="top_json",
        action="store_true",
        help='print JSON (and errors as {"error": ..., "code": N}), as COMMAND --json does',
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_line) in COMMANDS.items():
        if module in loaded:
            continue
        # add_help=False: "CMD --help" must reach the real parser, built once CMD is known.
        subparsers.add_parser(name, help=help_line, add_help=False)
    for module in COMMAND_MODULES:
        if module in loaded:
            importlib.import_module(f"console.cli.{module}").register(subparsers)
    for command in command_parsers(parser):
        _accept_json(command)
    return parser


def command_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every parser that runs a command (``events list``, ``listen``, ...) under ``parser``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                children = list(command_parsers(sub))
                if children:
                    yield from children
                elif sub.get_default("handler") is not None:
                    yield sub


def _accept_json(parser: argparse.ArgumentParser) -> None:
    """``--json`` on every command: the README promises it, and errors honour it too."""
    if "--json" not in parser._option_string_actions:
        parser.add_argument("--json", action="store_true", help="print JSON")


def _modules_for(argv: list[str]) -> list[str] | None:
    """The command modules ``argv`` needs: none, the chosen command's, or None (unknown).

    A first parse with placeholders finds the command; ``--help`` without a command
    prints the top-level help from it (SystemExit) without importing any module.
    """
    quick = build_parser((), parser_class=_QuickParser)
    try:
        args, _ = quick.parse_known_args(argv)
    except _Undecided:
        return None
    if args.command is None:
        return []
    return [COMMANDS[args.command][0]]


def _parse(parser: argparse.ArgumentParser, argv: list[str], json_errors: bool) -> Any:
    """``parser.parse_args(argv)``; under ``--json`` a usage error is a JSON error too.

    Returns the namespace, or the exit code when argparse stopped (``--help``, an error).
    """
    if not json_errors:
        try:
            return parser.parse_args(argv)
        except SystemExit as exc:
            return int(exc.code or 0)
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            return parser.parse_args(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
        text = captured.getvalue()
        if code == ExitCode.USAGE:
            # argparse ends with "PROG: error: MESSAGE"; the usage lines before it are noise.
            message = text.strip().rpartition("error: ")[2] or text.strip()
            report_error(True, ExitCode.USAGE, message)
        else:
            sys.stderr.write(text)
        return code


def run(argv: list[str]) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        stdout_closed()
        return ExitCode.INTERNAL


def _run(argv: list[str]) -> int:
    json_errors = "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv
    try:
        parser = build_parser(_modules_for(argv))  # "--help" alone stops here
    except SystemExit as exc:
        return int(exc.code or 0)
    parsed = _parse(parser, argv, json_errors)
    if isinstance(parsed, int):
        return parsed
    args: argparse.Namespace = parsed
    if getattr(args, "top_json", False):
        args.json = True  # "b24-console --json events list" as "events list --json"
    if args.version:
        from console.core.versions import version_text

        print(version_text(), flush=True)
        return ExitCode.OK
    _configure_logging(args)
    if args.self_test:
        if args.command is not None or args.demo:
            report_error(
                wants_json(args), ExitCode.USAGE, "--self-test runs alone: give no command"
            )
            return ExitCode.USAGE
        from console.cli.selftest import run_self_test

        return run_self_test(args)
    if args.top_data_dir is not None and getattr(args, "data_dir", "absent") is None:
        args.data_dir = args.top_data_dir  # "b24-console --data-dir D events list"
    if args.top_store is not None and getattr(args, "store", None) is None:
        args.store = args.top_store  # "b24-console --store URL events list", the forms too
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        if args.headless and not args.demo:
            report_error(
                wants_json(args),
                ExitCode.USAGE,
                "--headless goes with --demo; to receive events without a window, run "
                "`b24-console listen`",
            )
            return ExitCode.USAGE
        handler = _run_headless_demo if args.demo and args.headless else _open_window
    try:
        return handler(args)
    except KeyboardInterrupt:
        return ExitCode.OK
    except BrokenPipeError:
        raise
    except Exception as exc:  # one place turns every failure into a line and a code
        code, message = _translated(exc, verbose=args.verbose)
        report_error(wants_json(args), code, message)
        return code


# The log file's level when --log-level is not given. --log-level sets it for the
# processes this one starts (the window's listener), whose terminal is a pipe the window
# reads for error messages: there the variable changes the file alone.
LOG_LEVEL_ENV = "B24_CONSOLE_LOG_LEVEL"


def _configure_logging(args: argparse.Namespace) -> None:
    """The terminal and the rotating log file, each record redacted on its way to either."""
    chosen = LOG_LEVELS.get(args.log_level) if args.log_level else None
    terminal_level = chosen or (logging.INFO if args.verbose else logging.WARNING)
    configure_logging(terminal_level)
    inherited = os.environ.get(LOG_LEVEL_ENV, "").strip().lower()
    if args.log_level:
        os.environ[LOG_LEVEL_ENV] = args.log_level
    elif inherited and inherited not in LOG_LEVELS:
        logging.getLogger("console.cli").warning(
            "%s=%s is not a log level (%s): the log file keeps info",
            LOG_LEVEL_ENV,
            inherited,
            ", ".join(LOG_LEVELS),
        )
    file_level = chosen or LOG_LEVELS.get(inherited, logging.INFO)
    name = LISTENER_LOG_FILE_NAME if args.command == "listen" else LOG_FILE_NAME
    try:
        configure_file_logging(file_level, name=name)
    except OSError as exc:
        # The command still runs: a log folder that cannot be written must not stop it.
        logging.getLogger("console.cli").warning(
            "no log file (%s): point B24_CONSOLE_LOG_DIR at a writable folder", exc
        )


def _translated(error: Exception, *, verbose: bool) -> tuple[ExitCode, str]:
    """The exit code and line for ``error``; an untranslated one is a bug in this program."""
    with contextlib.suppress(Exception):  # anything not typed is reported the same way
        return exit_code_for(error)
    if verbose:
        logging.getLogger("console.cli").error("internal error", exc_info=error)
        hint = "the traceback is above"
    else:
        hint = "re-run with -v for the details"
    return ExitCode.INTERNAL, f"internal error: {type(error).__name__}: {error} ({hint})"


def _run_headless_demo(args: argparse.Namespace) -> int:
    from console.cli.sandbox import run_demo

    args.data_dir = args.top_data_dir
    return run_demo(args)


_NO_DISPLAY = (
    "no display to open the window on: run it in a desktop session (DISPLAY or "
    "WAYLAND_DISPLAY set), or use `b24-console --demo --headless` or `b24-console listen`"
)
_NO_QT = (
    "the window needs PySide6 ({detail}): install it (`uv sync`, or "
    "`pip install PySide6-Essentials`), or use `b24-console --demo --headless` or "
    "`b24-console listen`"
)


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):  # offscreen, vnc, …: Qt needs no display server
        return True
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open_window(args: argparse.Namespace) -> int:
    """``b24-console`` and ``b24-console --demo``: the operator window."""
    if not _has_display():
        print(f"b24-console: {_NO_DISPLAY}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        # The window imports this anyway; asking first gives a clear message when Qt (or
        # a system library it loads, such as libEGL) is missing.
        importlib.import_module("PySide6.QtWidgets")
    except ImportError as exc:
        print(f"b24-console: {_NO_QT.format(detail=exc)}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        from console.ui.app import run_window  # type: ignore[import-not-found, unused-ignore]
    except ModuleNotFoundError as exc:
        if exc.name not in ("console.ui.app", "console.ui"):
            raise
        print(
            "b24-console: this build has no window: use `b24-console --demo --headless` "
            "or `b24-console listen`",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    if args.top_store is not None and args.top_data_dir is not None:
        print(
            "b24-console: --store and --data-dir both choose the event store: give only one",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    store = None
    if args.top_store is not None:
        from console.store.location import StoreUrlError, parse_store_url

        try:
            store = parse_store_url(args.top_store)
        except StoreUrlError as exc:
            print(f"b24-console: --store: {exc}", file=sys.stderr)
            return ExitCode.USAGE
    code: int = run_window(demo=args.demo, data_dir=args.top_data_dir, store=store)
    return code
