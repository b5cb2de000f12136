"""Fixtures for the window's tests: a real SQLite store in the test's folder, a job runner,
the window's layout kept in the test's folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from console.store import SqliteEventStore
from console.ui.jobs import JobRunner
from console.ui.settings import LayoutStore


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


@pytest.fixture
def layout_store(tmp_path: Path) -> LayoutStore:
    return LayoutStore(QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
