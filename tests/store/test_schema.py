"""Creating, migrating and reopening the store file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from console.store import SCHEMA_VERSION, SchemaTooNewError, SqliteEventStore
from console.store import schema as schema_module
from tests.store.records import record


def _user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def test_migrates_an_empty_version_zero_file(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE unrelated (x)")  # an old file with something in it
        conn.commit()
    assert _user_version(path) == 0
    with SqliteEventStore(path) as store:
        event_id = store.append(record()).id
    assert _user_version(path) == SCHEMA_VERSION
    with SqliteEventStore(path) as store:
        stored = store.get(event_id)
        assert stored is not None and stored.event == "ONSALEORDERSAVED"
        assert store.count() == 1
    assert _user_version(path) == SCHEMA_VERSION


def test_creates_missing_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "events.sqlite3"
    with SqliteEventStore(path) as store:
        store.append(record())
    assert path.exists()


def test_later_steps_run_once_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.sqlite3"
    with SqliteEventStore(path) as store:
        kept = store.append(record()).id
    calls: list[int] = []

    def add_column(conn: sqlite3.Connection) -> None:
        calls.append(1)
        conn.execute("ALTER TABLE events ADD COLUMN note TEXT")

    steps = (*schema_module.MIGRATIONS, add_column, ("CREATE TABLE extra (y)",))
    monkeypatch.setattr(schema_module, "MIGRATIONS", steps)
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", len(steps))
    with SqliteEventStore(path) as store:
        assert store.get(kept) is not None
    with SqliteEventStore(path) as store:
        assert store.count() == 1
    assert calls == [1]
    assert _user_version(path) == len(steps)


def test_failed_step_leaves_the_file_at_the_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "events.sqlite3"
    with SqliteEventStore(path) as store:
        store.append(record())
    steps = (*schema_module.MIGRATIONS, ("CREATE TABLE half (z)", "THIS IS NOT SQL"))
    monkeypatch.setattr(schema_module, "MIGRATIONS", steps)
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", len(steps))
    with pytest.raises(sqlite3.OperationalError):
        SqliteEventStore(path)
    assert _user_version(path) == SCHEMA_VERSION
    with closing(sqlite3.connect(path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "half" not in tables


def test_refuses_a_newer_file(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaTooNewError):
        SqliteEventStore(path)


def test_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        SqliteEventStore(path)
