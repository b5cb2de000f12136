"""Export the feed's current filter to JSONL or CSV, with progress and Cancel.

The file is written under a temporary name beside the target and renamed only when
every event is in it, so a cancelled or failed export leaves no file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from console.store.model import EventFilter, EventStore, ExportFormat, StoredEvent
from console.ui.jobs import Job, JobContext, JobRunner
from console.ui.untrusted import PlainLabel

# Progress is reported every this many events (a signal per event would flood the GUI).
PROGRESS_EVERY = 200


def format_for(path: Path) -> ExportFormat:
    """CSV for ``.csv`` files, JSON lines for anything else."""
    return ExportFormat.CSV if path.suffix.lower() == ".csv" else ExportFormat.JSONL


def export_events(
    store: EventStore, flt: EventFilter, fmt: ExportFormat, path: Path, context: JobContext
) -> int:
    """Write the matching events to ``path`` (atomically); runs in a job. Returns the count."""
    from console.store.export import write_events

    total = store.count(flt)
    context.progress(0, total)

    def events() -> Iterator[StoredEvent]:
        for done, event in enumerate(store.iter_events(flt), start=1):
            context.check()
            yield event
            if done % PROGRESS_EVERY == 0:
                context.progress(done, max(total, done))

    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    temp = Path(temp_name)
    try:
        newline = "" if fmt is ExportFormat.CSV else "\n"
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as out:
            written = write_events(events(), fmt, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    context.progress(written, written)
    return written


class ExportDialog(QDialog):
    """Runs :func:`export_events` in a job and shows its progress; Cancel stops it.

    Signals: ``finished_export(int)`` with the number written; ``failed(str)``.
    """

    finished_export = Signal(int)
    failed = Signal(str)

    def __init__(
        self,
        jobs: JobRunner,
        store: EventStore,
        flt: EventFilter,
        path: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export events"))
        self.setModal(True)
        self._jobs = jobs
        self._store = store
        self._filter = flt
        self._path = path
        self._job: Job | None = None
        self.written: int | None = None

        self.label = PlainLabel(self.tr("Counting events for %1…").replace("%1", path.name), self)
        self.label.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def start(self) -> None:
        store, flt, path = self._store, self._filter, self._path
        fmt = format_for(path)
        self._job = self._jobs.submit(
            lambda context: export_events(store, flt, fmt, path, context),
            on_done=self._done,
            on_error=self._error,
            on_progress=self._progressed,
        )

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self.reject()

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.label.setText(
            self.tr("Writing %1: %2 of %Ln events", "", total)
            .replace("%1", self._path.name)
            .replace("%2", QLocale().toString(done))
        )

    def _done(self, written: int) -> None:
        self._job = None
        self.written = written
        self.finished_export.emit(written)
        self.accept()

    def _error(self, exc: BaseException) -> None:
        self._job = None
        message = self.tr("Export failed: %1. Check that the folder exists and has free space.")
        text = message.replace("%1", str(exc))
        self.label.setText(text)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress.hide()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.failed.emit(text)
