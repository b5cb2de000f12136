"""What every window part is handed: the running console, the job runner and settings.

The window paints before the console is running: starting it (aiohttp, the store, the
listener) happens in a job after the first paint. Until :attr:`ConsoleContext.ready`
fires, :attr:`ConsoleContext.console` is None and views show that they are starting.
Views and dialogs get this object passed in; none of them reaches for a global.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from console.core.settings import Settings
from console.store.model import EventStore
from console.ui.jobs import JobRunner
from console.ui.portal_calls import PortalCalls

if TYPE_CHECKING:
    # console.session pulls in aiohttp, the listener and httpx: not before the first paint.
    from console.session import RunningConsole


class ConsoleContext(QObject):
    """Shared by the window's parts; emits ``ready`` once the console runs."""

    ready = Signal()
    # A one-line message for the status bar (errors say what to do next).
    message = Signal(str)
    # The change log gained an entry outside a form's own answer (a re-read confirmed a
    # change): whatever shows changes reads them again.
    changes_recorded = Signal()

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.jobs = JobRunner(self)
        # The forms' portal calls running now (see run_operation).
        self.portal_calls = PortalCalls()
        self._console: RunningConsole | None = None

    @property
    def console(self) -> RunningConsole | None:
        return self._console

    @property
    def store(self) -> EventStore | None:
        return self._console.store if self._console is not None else None

    def attach(self, console: RunningConsole) -> None:
        """Called once, on the GUI thread, when the console has started."""
        self._console = console
        # What is alive now (modules, Qt wrappers, the console) lives as long as the window.
        # Out of the collector's full passes, those passes stay a few milliseconds long
        # instead of stalling painting for tens of them under a steady flow of events.
        gc.freeze()
        self.ready.emit()
