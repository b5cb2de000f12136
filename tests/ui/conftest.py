"""Fixtures for the window's tests: a real SQLite store in the test's folder, a job runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.store import SqliteEventStore
from console.ui.jobs import JobRunner


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteEventStore]:
    opened = SqliteEventStore(tmp_path / "events.sqlite3")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def jobs(qtbot: QtBot) -> Iterator[JobRunner]:
    del qtbot
    runner = JobRunner()
    try:
        yield runner
    finally:
        runner.shutdown()
