"""Unhandled exceptions while the window runs: logged, then shown in the crash dialog.

:class:`CrashReporter` takes over ``sys.excepthook`` (exceptions in slots and event
handlers reach it through PySide6) and ``threading.excepthook`` (worker threads). A crash
on another thread is handed to the GUI thread by a queued signal. The traceback is
redacted before it is logged or shown. One dialog at a time: crashes that come while it is
open are counted on it (a slot that fails on every timer tick must not stack a hundred
dialogs), and only the first few of them are logged in full.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QWidget

from console.core.logging import redact
from console.ui.dialogs.crash import CrashDialog

log = logging.getLogger(__name__)

# While one dialog is open, this many later crashes are logged with their traceback; the
# rest only counted, so a crash loop cannot fill the disk.
_LOGGED_WHILE_OPEN = 10
_SUMMARY_CHARS = 500


def crash_text(error: BaseException) -> tuple[str, str]:
    """(one-line summary, full traceback), both with secrets masked."""
    message = str(error)
    summary = f"{type(error).__name__}: {message}" if message else type(error).__name__
    if len(summary) > _SUMMARY_CHARS:
        summary = summary[:_SUMMARY_CHARS] + "…"
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return redact(summary), redact(details)


class CrashReporter(QObject):
    """Installs the hooks; shows at most one :class:`CrashDialog` at a time."""

    # From any thread: the summary and traceback, already redacted.
    crashed = Signal(str, str)

    def __init__(self, parent_window: QWidget | None = None) -> None:
        super().__init__()
        self._window = parent_window
        self.dialog: CrashDialog | None = None
        self.crashes = 0
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._installed = False
        self._cannot_show = False
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        self._installed = True

    def uninstall(self) -> None:
        """Put back the hooks found at install (only if they are still ours)."""
        if not self._installed:
            return
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self._thread_excepthook:
            threading.excepthook = self._previous_thread_hook
        self._installed = False

    def _excepthook(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):  # Ctrl+C is a way to quit, not a crash
            self._previous_hook(kind, error, trace)
            return
        if error.__traceback__ is None:
            error = error.with_traceback(trace)
        self.report(error)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        error = args.exc_value
        if error is None or issubclass(args.exc_type, SystemExit):
            self._previous_thread_hook(args)
            return
        if error.__traceback__ is None:
            error = error.with_traceback(args.exc_traceback)
        thread = args.thread.name if args.thread is not None else "a thread"
        self.report(error, where=thread)

    def report(self, error: BaseException, *, where: str | None = None) -> None:
        """Log ``error`` and ask the GUI thread to show it; safe from any thread."""
        summary, details = crash_text(error)
        self.crashes += 1
        if self.dialog is None or self.crashes <= _LOGGED_WHILE_OPEN:
            # With exc_info the terminal keeps the traceback's lines; the log's filter
            # redacts the traceback as it does every message.
            place = f" in {where}" if where else ""
            log.critical("unhandled exception%s: %s", place, summary, exc_info=error)
        self.crashed.emit(summary, details)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        if self.dialog is not None:
            self.dialog.add_later_crash()
            return
        if self._cannot_show:
            return
        try:
            dialog = CrashDialog(summary, details, self._window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.finished.connect(self._closed)
            # Not exec(): a nested event loop would run the failing slot again inside it,
            # and each failure would open its own dialog on top of the last.
            dialog.show()
        except Exception:
            # Raised out of this slot it would come back here through the hook, forever:
            # from now on the log alone has the crashes.
            self._cannot_show = True
            log.exception("the crash dialog cannot be shown; crashes are only logged")
            return
        self.dialog = dialog
        self.crashes = 1

    def _closed(self) -> None:
        self.dialog = None
        self.crashes = 0
