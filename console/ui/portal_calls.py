"""The portal calls the window's forms have running: for the status bar to show one that
takes long, and for Quit to cut them short. Plain Python, used from worker threads."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingCall:
    profile: str
    started: float


class PortalCalls:
    """Thread-safe: ``begin`` and ``end`` run on workers, the rest on the GUI thread."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._calls: dict[int, tuple[PendingCall, Callable[[], None]]] = {}

    def begin(self, profile: str, cancel: Callable[[], None]) -> int:
        """A call on ``profile`` starts; ``cancel`` cuts it short (closes its client)."""
        token = next(self._ids)
        with self._lock:
            self._calls[token] = (PendingCall(profile, self._clock()), cancel)
        return token

    def end(self, token: int) -> None:
        with self._lock:
            self._calls.pop(token, None)

    def waiting(self, longer_than: float) -> dict[str, float]:
        """Profile -> seconds its oldest call has run, for calls older than ``longer_than``."""
        now = self._clock()
        longest: dict[str, float] = {}
        with self._lock:
            calls = [call for call, _cancel in self._calls.values()]
        for call in calls:
            seconds = now - call.started
            if seconds > longer_than:
                longest[call.profile] = max(seconds, longest.get(call.profile, 0.0))
        return longest

    def cancel_all(self) -> None:
        """Cut every running call short (the window is quitting)."""
        with self._lock:
            cancels = [cancel for _call, cancel in self._calls.values()]
            self._calls.clear()
        for cancel in cancels:
            try:
                cancel()
            except Exception:
                log.debug("cancelling a portal call failed", exc_info=True)
