"""What only the SQLite store does: its file, WAL mode, and the settings' default path."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from console.store import EventStore, SqliteEventStore, open_store
from tests.store.records import record


def _peek(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Run ``sql`` on a connection of its own: it sees only what is committed."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        return conn.execute(sql, params).fetchall()


def test_open_store_satisfies_the_protocol_and_uses_settings_path(isolated_dirs: Path) -> None:
    opened: EventStore = open_store()
    try:
        opened.append(record())
    finally:
        opened.close()
    assert (isolated_dirs / "data" / "events.sqlite3").exists()


def test_file_is_in_wal_mode(sqlite_store: SqliteEventStore, store_path: Path) -> None:
    sqlite_store.append(record())
    assert _peek(store_path, "PRAGMA journal_mode") == [("wal",)]


def test_reads_do_not_wait_for_a_held_write_lock(sqlite_store: SqliteEventStore) -> None:
    store = sqlite_store
    event_id = store.append(record()).id
    # Another process holding the write lock must not block the feed.
    with closing(sqlite3.connect(store.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE events SET pinned = 1")
        try:
            stored = store.get(event_id)
            assert stored is not None and not stored.pinned
            assert store.count() == 1
        finally:
            other.execute("ROLLBACK")
