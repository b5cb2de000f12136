"""Copying a store's history into another store: a desktop's SQLite file into the team's
PostgreSQL database, and back.

Rows are copied as they are kept (the record's columns, ``pinned``, the raw body's bytes,
microsecond timestamps), never rebuilt from parsed events, so a round trip changes no byte
of them. Ids are the target's own: a team database already holds other events.

Resumable and never duplicating, however often it runs or wherever it is killed:

- every batch of events is written in one transaction together with a cursor in the
  target, ``copy:<source identity>:events``, holding the last source id copied; a killed
  copy loses the batch and the cursor alike, and the next run starts after the cursor;
- the source's identity is a random id kept in the source's own cursors
  (``store_identity``), so two desktops whose files have the same path stay apart;
- an original whose delivery the target already holds (the team's listener stored it
  too) is not written again: the dedup key's unique index is the judge, and the copy
  looks the original up through it. Duplicates keep pointing at their original, by
  the target's id.

The change log follows with its own cursor; the source's other cursors (catch-up
positions) are set in the target where it has none of its own.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from console.store.location import StoreLocation
from console.store.model import StoreNotFound
from console.store.rows import RECORD_COLUMNS

if TYPE_CHECKING:
    import psycopg

    from console.store.postgres.password import StorePassword

IDENTITY_CURSOR = "store_identity"
COPY_CURSOR_PREFIX = "copy:"
DEFAULT_BATCH = 500
EVENT_COLUMNS = ("id", "duplicate_of", "pinned", *RECORD_COLUMNS)
_DEDUP = EVENT_COLUMNS.index("dedup_key")
_DUPLICATE_OF = EVENT_COLUMNS.index("duplicate_of")
_PINNED = EVENT_COLUMNS.index("pinned")
_PAYLOAD = EVENT_COLUMNS.index("payload")
_RAW_BODY = EVENT_COLUMNS.index("raw_body")
CHANGE_COLUMNS = (
    "at_us",
    "operator",
    "profile",
    "kind",
    "action",
    "order_id",
    "entity_id",
    "before",
    "after",
    "outcome",
    "summary",
)
# Written into events: the record's columns, then what the copy decides per row.
_WRITTEN = (*RECORD_COLUMNS, "duplicate_of", "pinned")

Row = tuple[Any, ...]


class CopyError(Exception):
    """The copy cannot go on; the message says why."""


class StoreSide(Protocol):
    """One end of a copy: the same few reads and writes on SQLite and PostgreSQL."""

    location: StoreLocation

    def get_cursor(self, name: str) -> str | None: ...

    def set_cursor(self, name: str, value: str) -> None: ...

    def cursors(self) -> list[tuple[str, str]]: ...

    def count_events_after(self, after_id: int) -> int: ...

    def events_after(self, after_id: int, limit: int) -> list[Row]: ...

    def changes_after(self, after_id: int, limit: int) -> list[Row]: ...

    def write_events(self, rows: Sequence[Row], cursor: str, last_id: int) -> tuple[int, int]:
        """Write a batch and the cursor in one transaction: (written, already there)."""

    def write_changes(self, rows: Sequence[Row], cursor: str, last_id: int) -> None: ...

    def set_cursor_if_absent(self, name: str, value: str) -> bool: ...

    def close(self) -> None: ...


class SqliteSide:
    """A SQLite store file, read and written with the store's own pragmas and schema."""

    def __init__(self, location: StoreLocation, *, create: bool) -> None:
        from console.store import schema

        assert location.path is not None
        path = Path(location.path)
        self.location = location
        if not path.exists():
            if not create:
                raise StoreNotFound(path)
            from console.core.private_files import make_private_dir

            make_private_dir(path.parent)
        self._conn = schema.connect(path)
        schema.migrate(self._conn)

    def get_cursor(self, name: str) -> str | None:
        row = self._conn.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_cursor(self, name: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO cursors (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def cursors(self) -> list[tuple[str, str]]:
        rows = self._conn.execute("SELECT name, value FROM cursors ORDER BY name").fetchall()
        return [(str(name), str(value)) for name, value in rows]

    def count_events_after(self, after_id: int) -> int:
        row = self._conn.execute("SELECT count(*) FROM events WHERE id > ?", (after_id,))
        return int(row.fetchone()[0])

    def events_after(self, after_id: int, limit: int) -> list[Row]:
        return self._conn.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events "  # noqa: S608 (our names)
            "WHERE id > ? ORDER BY id LIMIT ?",
            (after_id, limit),
        ).fetchall()

    def changes_after(self, after_id: int, limit: int) -> list[Row]:
        return self._conn.execute(
            f"SELECT id, {', '.join(CHANGE_COLUMNS)} FROM changes "  # noqa: S608
            "WHERE id > ? ORDER BY id LIMIT ?",
            (after_id, limit),
        ).fetchall()

    def _original(self, key: str) -> int | None:
        row = self._conn.execute(
            "SELECT id FROM events WHERE dedup_key = ? AND duplicate_of IS NULL", (key,)
        ).fetchone()
        return None if row is None else int(row[0])

    def write_events(self, rows: Sequence[Row], cursor: str, last_id: int) -> tuple[int, int]:
        insert = (
            f"INSERT INTO events ({', '.join(_WRITTEN)}) "  # noqa: S608
            f"VALUES ({', '.join('?' for _ in _WRITTEN)})"
        )
        written = skipped = 0
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for row in rows:
                values = _target_values(row, self._original)
                if values is None:
                    skipped += 1
                    continue
                self._conn.execute(insert, values)
                written += 1
            self.set_cursor(cursor, str(last_id))
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        return written, skipped

    def write_changes(self, rows: Sequence[Row], cursor: str, last_id: int) -> None:
        insert = (
            f"INSERT INTO changes ({', '.join(CHANGE_COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join('?' for _ in CHANGE_COLUMNS)})"
        )
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.executemany(insert, [row[1:] for row in rows])
            self.set_cursor(cursor, str(last_id))
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def set_cursor_if_absent(self, name: str, value: str) -> bool:
        cursor = self._conn.execute(
            "INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            (name, value),
        )
        return cursor.rowcount == 1

    def close(self) -> None:
        self._conn.close()


class PostgresSide:
    """A team database whose schema ``store init`` created."""

    def __init__(self, location: StoreLocation, password: StorePassword) -> None:
        from console.store.postgres.access import (
            check_schema,
            connect,
            expected_schema_version,
        )

        self.location = location
        self._context = connect(location, password)
        self._conn: psycopg.Connection[tuple[Any, ...]] = self._context.__enter__()
        try:
            check_schema(self._conn, location, expected_schema_version())
        except BaseException:
            self.close()
            raise

    def get_cursor(self, name: str) -> str | None:
        row = self._conn.execute("SELECT value FROM cursors WHERE name = %s", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_cursor(self, name: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO cursors (name, value) VALUES (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def cursors(self) -> list[tuple[str, str]]:
        rows = self._conn.execute("SELECT name, value FROM cursors ORDER BY name").fetchall()
        return [(str(name), str(value)) for name, value in rows]

    def count_events_after(self, after_id: int) -> int:
        row = self._conn.execute("SELECT count(*) FROM events WHERE id > %s", (after_id,))
        found = row.fetchone()
        return int(found[0]) if found is not None else 0

    def events_after(self, after_id: int, limit: int) -> list[Row]:
        return self._conn.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events "  # noqa: S608 (our names)
            "WHERE id > %s ORDER BY id LIMIT %s",
            (after_id, limit),
        ).fetchall()

    def changes_after(self, after_id: int, limit: int) -> list[Row]:
        return self._conn.execute(
            f"SELECT id, {', '.join(CHANGE_COLUMNS)} FROM changes "  # noqa: S608
            "WHERE id > %s ORDER BY id LIMIT %s",
            (after_id, limit),
        ).fetchall()

    def _original(self, key: str) -> int | None:
        row = self._conn.execute(
            "SELECT id FROM events WHERE dedup_key = %s AND duplicate_of IS NULL", (key,)
        ).fetchone()
        return None if row is None else int(str(row[0]))

    def write_events(self, rows: Sequence[Row], cursor: str, last_id: int) -> tuple[int, int]:
        from console.store.postgres.rows import safe_text
        from console.store.postgres.search import search_vector

        # ON CONFLICT: a listener may store the same delivery between the look-up and the
        # insert; the unique index decides, and the row counts as already there.
        insert = (
            f"INSERT INTO events ({', '.join(_WRITTEN)}, search) "  # noqa: S608
            f"VALUES ({', '.join('%s' for _ in _WRITTEN)}, %s::tsvector) "
            "ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL AND duplicate_of IS NULL "
            "DO NOTHING"
        )
        written = skipped = 0
        with self._conn.transaction():
            for row in rows:
                values = _target_values(row, self._original)
                if values is None:
                    skipped += 1
                    continue
                texts = [safe_text(v) if isinstance(v, str) else v for v in values]
                payload = row[_PAYLOAD]
                indexed = (
                    payload
                    if payload is not None
                    else bytes(row[_RAW_BODY]).decode("utf-8", "replace")
                )
                texts[-1] = bool(texts[-1])  # pinned: SQLite keeps 0/1
                result = self._conn.execute(insert, (*texts, search_vector(indexed)))
                if result.rowcount == 1:
                    written += 1
                else:
                    skipped += 1
            self.set_cursor(cursor, str(last_id))
        return written, skipped

    def write_changes(self, rows: Sequence[Row], cursor: str, last_id: int) -> None:
        insert = (
            f"INSERT INTO changes ({', '.join(CHANGE_COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join('%s' for _ in CHANGE_COLUMNS)})"
        )
        with self._conn.transaction():
            with self._conn.cursor() as cur:
                cur.executemany(insert, [row[1:] for row in rows])
            self.set_cursor(cursor, str(last_id))

    def set_cursor_if_absent(self, name: str, value: str) -> bool:
        result = self._conn.execute(
            "INSERT INTO cursors (name, value) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
            (name, value),
        )
        return result.rowcount == 1

    def close(self) -> None:
        self._context.__exit__(None, None, None)


def _target_values(row: Row, original_of: Callable[[str], int | None]) -> Row | None:
    """The values to write for one source row, or None when the target already holds it."""
    key = row[_DEDUP]
    duplicate_of: int | None = None
    if key is not None:
        original = original_of(key)
        if row[_DUPLICATE_OF] is None:
            if original is not None:
                return None  # the same delivery, stored there already
        else:
            # Its original, by the target's id; without one there, it becomes the original.
            duplicate_of = original
    return (*row[3:], duplicate_of, int(bool(row[_PINNED])))


@dataclass
class CopyProgress:
    """Where a copy stands; handed to the progress callback after every batch."""

    total: int
    copied: int = 0
    already_there: int = 0
    changes: int = 0
    cursors: list[str] = field(default_factory=list)
    resumed_after: int = 0

    @property
    def done(self) -> int:
        return self.copied + self.already_there


def source_identity(source: StoreSide) -> str:
    """The source's own id (created on its first copy): what the target's cursors key on."""
    identity = source.get_cursor(IDENTITY_CURSOR)
    if identity is None:
        source.set_cursor_if_absent(IDENTITY_CURSOR, uuid.uuid4().hex)
        identity = source.get_cursor(IDENTITY_CURSOR)
    assert identity is not None
    return identity


def copy_store(
    source: StoreSide,
    target: StoreSide,
    *,
    batch: int = DEFAULT_BATCH,
    on_progress: Callable[[CopyProgress], None] | None = None,
) -> CopyProgress:
    """Copy events, the change log and cursors from ``source`` to ``target``; see above."""
    if source.location == target.location:
        raise CopyError("the source and the target are the same store")
    identity = source_identity(source)
    if target.get_cursor(IDENTITY_CURSOR) == identity:
        raise CopyError("the target is the source (it carries the same store identity)")
    events_cursor = f"{COPY_CURSOR_PREFIX}{identity}:events"
    changes_cursor = f"{COPY_CURSOR_PREFIX}{identity}:changes"
    last = int(target.get_cursor(events_cursor) or 0)
    progress = CopyProgress(total=source.count_events_after(last), resumed_after=last)
    if on_progress is not None:
        on_progress(progress)
    while True:
        rows = source.events_after(last, batch)
        if not rows:
            break
        last = int(rows[-1][0])
        written, skipped = target.write_events(rows, events_cursor, last)
        progress.copied += written
        progress.already_there += skipped
        if on_progress is not None:
            on_progress(progress)
    last_change = int(target.get_cursor(changes_cursor) or 0)
    while True:
        changes = source.changes_after(last_change, batch)
        if not changes:
            break
        last_change = int(changes[-1][0])
        target.write_changes(changes, changes_cursor, last_change)
        progress.changes += len(changes)
    for name, value in source.cursors():
        if name == IDENTITY_CURSOR or name.startswith(COPY_CURSOR_PREFIX):
            continue
        if target.set_cursor_if_absent(name, value):
            progress.cursors.append(name)
    if on_progress is not None:
        on_progress(progress)
    return progress


def open_side(location: StoreLocation, *, create: bool, interactive: bool = False) -> StoreSide:
    """One end of a copy; a SQLite target is created if missing, a PostgreSQL one never."""
    if not location.is_postgres:
        try:
            return SqliteSide(location, create=create)
        except sqlite3.DatabaseError as exc:
            raise CopyError(f"cannot open {location.display}: {exc}") from None
    from console.store.postgres.password import find_password, remember_password

    password = find_password(location, interactive=interactive)
    side = PostgresSide(location, password)
    remember_password(location, password)
    return side
