"""Counted log lines: one line per kind of failure and interval, not one per occurrence.

A flood (a full disk under load, a thousand clients dropping their connections, accept()
out of file descriptors) would otherwise write a traceback per request: tens of megabytes
a minute, and the one line that matters lost among them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("console.listener")

DEFAULT_INTERVAL_SECONDS = 60.0


@dataclass(slots=True)
class _Kind:
    last_logged: float
    suppressed: int = 0
    last_detail: str = ""


class FailureLog:
    """The first failure of a kind is logged at once; later ones within ``interval`` are
    counted and reported in one line with the next failure after it (or by :meth:`flush`)."""

    def __init__(
        self,
        logger: logging.Logger = log,
        *,
        interval: float = DEFAULT_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._kinds: dict[str, _Kind] = {}
        self.counts: dict[str, int] = {}

    def note(self, kind: str, detail: str = "", *, level: int = logging.WARNING) -> None:
        """One failure of ``kind`` (a short fixed text); ``detail`` describes this one."""
        detail = " ".join(detail.split())[:300]
        now = self._clock()
        with self._lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            entry = self._kinds.get(kind)
            if entry is not None and now - entry.last_logged < self._interval:
                entry.suppressed += 1
                entry.last_detail = detail
                return
            suppressed = entry.suppressed if entry else 0
            self._kinds[kind] = _Kind(now)
        self._emit(level, kind, detail, suppressed)

    def flush(self) -> None:
        """Report what was counted and not yet said (on stop)."""
        with self._lock:
            pending = [
                (k, e.suppressed, e.last_detail) for k, e in self._kinds.items() if e.suppressed
            ]
            for entry in self._kinds.values():
                entry.suppressed = 0
        for kind, count, detail in pending:
            self._logger.warning("%s: %d more (last: %s)", kind, count, detail)

    def _emit(self, level: int, kind: str, detail: str, suppressed: int) -> None:
        more = f" (and {suppressed} more since the last report)" if suppressed else ""
        if detail:
            self._logger.log(level, "%s: %s%s", kind, detail, more)
        else:
            self._logger.log(level, "%s%s", kind, more)


class FoldingFilter(logging.Filter):
    """Turns another library's per-request log records into counted lines.

    Installed on aiohttp's server logger: a malformed request or a client that hung up
    becomes one counted line per kind (exception type) instead of an ERROR traceback each.
    """

    def __init__(self, failures: FailureLog, prefix: str) -> None:
        super().__init__()
        self._failures = failures
        self._prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        exc = record.exc_info[1] if record.exc_info else None
        kind = f"{self._prefix}: {type(exc).__name__}" if exc else f"{self._prefix}: {record.msg}"
        detail = str(exc) if exc else record.getMessage()
        self._failures.note(kind, detail, level=logging.INFO)
        return False
