"""Logging set-up with a filter that scrubs secrets from every record.

Two layers: concrete values registered by the credential store (whatever their shape),
and patterns for the places secrets appear in Bitrix24 traffic (webhook URLs, ``auth[…]``
form fields, token JSON keys, OAuth query parameters) so that a secret the console never
stored, such as a token arriving in an event, is scrubbed too.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import threading
from pathlib import Path
from typing import TextIO

from console.core.masking import MASK
from console.core.private_files import FILE_MODE, make_private_dir
from console.core.secret_spellings import SecretSpellings

# Shorter values would match ordinary words and shred every log line; no real secret the
# console handles is this short.
_MIN_SECRET_LENGTH = 4

_registered: set[str] = set()
_registered_lock = threading.Lock()
_registered_spellings = SecretSpellings((), min_chars=_MIN_SECRET_LENGTH)
_MASK_BYTES = MASK.encode("utf-8")

_TOKEN_KEYS = r"access_token|refresh_token|application_token|client_secret"  # noqa: S105
_VALUE_STOP = r"&\s\"'<>,;)\]}"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # A password in a URL's user part: postgresql://user:password@host/db, and any other
    # scheme's. The user name stays: it tells which account was used.
    (
        re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/?#\s@]*:)[^\s/?#]+(@)"),
        rf"\g<1>{MASK}\g<2>",
    ),
    # Inbound webhook code: https://portal/rest/<user id>/<code>/...
    (re.compile(r"(/rest/\d+/)[^/\s?#\"'<>]+"), rf"\g<1>{MASK}"),
    # Form-encoded event fields, also with percent-encoded brackets.
    (
        re.compile(
            rf"(auth(?:\[|%5B)(?:{_TOKEN_KEYS})(?:\]|%5D)=)[^{_VALUE_STOP}]*",
            re.IGNORECASE,
        ),
        rf"\g<1>{MASK}",
    ),
    # JSON or Python-repr dicts: "access_token": "…" / 'token': '…'.
    (
        re.compile(rf"""((["'])(?:{_TOKEN_KEYS}|token|password)\2\s*:\s*)(["'])(?:(?!\3).)*\3"""),
        rf"\g<1>\g<3>{MASK}\g<3>",
    ),
    # Query strings and key=value text: client_secret=…, refresh_token=…, ?auth=…, &code=….
    (
        re.compile(rf"((?<![\w\[%])(?:{_TOKEN_KEYS})=)[^{_VALUE_STOP}]*"),
        rf"\g<1>{MASK}",
    ),
    (re.compile(rf"([?&](?:auth|code)=)[^{_VALUE_STOP}]*"), rf"\g<1>{MASK}"),
)


def register_secret(value: str) -> None:
    """Remember a concrete secret so every later log record has it replaced by the mask,
    in whatever spelling it appears (see :mod:`console.core.secret_spellings`)."""
    global _registered_spellings
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    with _registered_lock:
        if value in _registered:
            return
        _registered.add(value)
        _registered_spellings = SecretSpellings(_registered, min_chars=_MIN_SECRET_LENGTH)


def _mask(_secret: str) -> bytes:
    return _MASK_BYTES


def redact(text: str) -> str:
    """``text`` with registered secrets and secret-shaped fields replaced by the mask."""
    # One read: a concurrent register swaps it atomically.
    text = _registered_spellings.replace_text(text, _mask)
    for regex, replacement in _PATTERNS:
        text = regex.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message, arguments and traceback text without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the (redacted) template
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler configure_logging installed, so a second call reuses it.

    Log lines quote portal answers and event fields: their control characters are shown
    as escapes, as everywhere the console prints to a terminal.
    """

    def format(self, record: logging.LogRecord) -> str:
        from console.core.sanitize import printable

        # The message on one line (a line break in it could fake another log line); a
        # traceback below it keeps its lines.
        shown = logging.makeLogRecord(record.__dict__)
        shown.msg, shown.args = printable(record.getMessage(), one_line=True), None
        return printable(super().format(shown))


def configure_logging(level: int = logging.INFO, *, stream: TextIO | None = None) -> None:
    """Send root logging to ``stream`` (stderr by default) through the redaction filter."""
    root = logging.getLogger()
    root.setLevel(min([level, *(h.level for h in root.handlers if isinstance(h, LogFile))]))
    target = stream if stream is not None else sys.stderr
    for handler in root.handlers:
        if isinstance(handler, _ConsoleHandler):
            handler.setStream(target)
            handler.setLevel(level)
            return
    handler = _ConsoleHandler(target)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)


# The window and one-shot commands write one file; `listen` (also the window's child
# listener, a second process) its own, so two processes never rotate the same file.
LOG_FILE_NAME = "b24-console.log"
LISTENER_LOG_FILE_NAME = "listener.log"
LOG_FILE_MAX_BYTES = 2 * 1024 * 1024
LOG_FILE_BACKUPS = 5
LOG_LEVELS: dict[str, int] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


def log_file_path(name: str = LOG_FILE_NAME) -> Path:
    """Where the log file ``name`` lives: the platform log folder, or B24_CONSOLE_LOG_DIR."""
    # Imported here: platformdirs costs ~18 ms, and `--help` and `--version` log nothing.
    from console.core.paths import log_dir

    return log_dir() / name


class LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file: every record redacted on the way in, the files owner-only.

    Log lines name portals, orders and customers' events, so the files are 0600 as the
    store is, from the first byte (the umask could otherwise leave them readable).
    """

    def __init__(self, path: Path) -> None:
        make_private_dir(path.parent)
        _create_private(path)
        super().__init__(
            path,
            maxBytes=LOG_FILE_MAX_BYTES,
            backupCount=LOG_FILE_BACKUPS,
            encoding="utf-8",
            delay=False,
        )
        self.addFilter(RedactingFilter())
        self.setFormatter(
            logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
        )

    def doRollover(self) -> None:
        super().doRollover()
        os.chmod(self.baseFilename, FILE_MODE)


def _create_private(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)


def configure_file_logging(level: int = logging.INFO, *, name: str = LOG_FILE_NAME) -> Path:
    """Also write root logging at ``level`` to the rotating log file ``name``; its path.

    A second call re-levels the file already open. Raises ``OSError`` when the folder or
    the file cannot be made: the caller says so and carries on without a file.
    """
    root = logging.getLogger()
    path = log_file_path(name)
    for handler in root.handlers:
        if isinstance(handler, LogFile) and Path(handler.baseFilename) == path.absolute():
            break
    else:
        handler = LogFile(path)
        root.addHandler(handler)
    handler.setLevel(level)
    if root.level > level:  # NOTSET (0) already lets every record through
        root.setLevel(level)
    return path


def close_file_logging() -> None:
    """Detach and close every log file handler (tests, and a process that is ending)."""
    root = logging.getLogger()
    for handler in root.handlers[:]:
        if isinstance(handler, LogFile):
            root.removeHandler(handler)
            handler.close()
