"""Fixtures for the store tests: a real SQLite file in the test's temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.store import SqliteEventStore


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "events.sqlite3"


@pytest.fixture
def store(store_path: Path) -> Iterator[SqliteEventStore]:
    opened = SqliteEventStore(store_path)
    try:
        yield opened
    finally:
        opened.close()
