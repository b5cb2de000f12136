"""Export of the feed's filter: JSONL and CSV in full, and a cancel leaves no file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.store import SqliteEventStore
from console.store.model import EventFilter, EventSource, ExportFormat
from console.ui.dialogs.export import ExportDialog, export_events, format_for
from console.ui.jobs import JobCancelled, JobContext, JobRunner
from tests.ui.window_support import OFFSCREEN_NOISE, fill, record

pytestmark = OFFSCREEN_NOISE


def test_format_follows_the_suffix() -> None:
    assert format_for(Path("a.CSV")) is ExportFormat.CSV
    assert format_for(Path("a.jsonl")) is ExportFormat.JSONL


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_dialog_exports_the_filter(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore, tmp_path: Path, suffix: str
) -> None:
    fill(store, 450)
    for n in range(1000, 1005):
        store.append(record(n, source=EventSource.HOROSHOP))
    target = tmp_path / f"out.{suffix}"
    flt = EventFilter(sources=frozenset({EventSource.BITRIX}))
    dialog = ExportDialog(jobs, store, flt, target)
    qtbot.addWidget(dialog)
    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)
    with qtbot.waitSignal(dialog.finished_export, timeout=30_000) as blocker:
        dialog.start()
    assert blocker.args == [450]
    assert progress and max(progress) == 450
    text = target.read_text(encoding="utf-8")
    if suffix == "jsonl":
        lines = [json.loads(line) for line in text.splitlines()]
        assert len(lines) == 450
        assert {line["source"] for line in lines} == {"bitrix"}
    else:
        rows = list(csv.DictReader(text.splitlines()))
        assert len(rows) == 450
        assert {row["source"] for row in rows} == {"bitrix"}
    assert list(tmp_path.glob("*.part")) == []


class CancelAfter(JobContext):
    """A job context that is cancelled once ``after`` events were reported."""

    after: int = 200

    def progress(self, done: int, total: int) -> None:
        if done >= self.after:
            self._cancelled.set()


def test_cancelled_export_leaves_no_file(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore, tmp_path: Path
) -> None:
    fill(store, 600)
    target = tmp_path / "out.jsonl"
    context = CancelAfter(1, jobs._relay)
    with pytest.raises(JobCancelled):
        export_events(store, EventFilter(), ExportFormat.JSONL, target, context)
    assert not target.exists()
    assert list(tmp_path.glob("*out.jsonl*")) == []


def test_cancel_button_stops_the_job(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore, tmp_path: Path
) -> None:
    fill(store, 2000)
    target = tmp_path / "big.csv"
    dialog = ExportDialog(jobs, store, EventFilter(), target)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected):
        dialog.start()
        dialog.buttons.rejected.emit()
    assert dialog.written is None
    jobs.shutdown(10_000)
    assert list(tmp_path.glob("*big*")) == []
