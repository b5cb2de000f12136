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

from console.store.bounds import bound_row
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
_WRITTEN_DEDUP = _WRITTEN.index("dedup_key")
_WRITTEN_DUPLICATE_OF = _WRITTEN.index("duplicate_of")
_WRITTEN_PINNED = _WRITTEN.index("pinned")
_WRITTEN_PAYLOAD = _WRITTEN.index("payload")
_WRITTEN_RAW_BODY = _WRITTEN.index("raw_body")
_WRITTEN_SUMMARY = _WRITTEN.index("summary")
_WRITTEN_REASON = _WRITTEN.index("verification_reason")
# Text COPY: the search vector goes in as tsvector's input form, which has no binary dumper.
_PG_COPY = f"COPY events (id, {', '.join(_WRITTEN)}, search) FROM STDIN"
_RACE_ATTEMPTS = 3

Row = tuple[Any, ...]


class CopyError(Exception):
    """The copy cannot go on; the message says why."""


@dataclass(frozen=True, slots=True)
class RefusedRow:
    """A source event the target would not store: skipped, and reported with why."""

    source_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class BatchWritten:
    """What became of one batch: written, held by the target already, refused by it."""

    written: int
    already_there: int
    refused: list[RefusedRow] = field(default_factory=list)


class StoreSide(Protocol):
    """One end of a copy: the same few reads and writes on SQLite and PostgreSQL."""

    location: StoreLocation

    def get_cursor(self, name: str) -> str | None: ...

    def set_cursor(self, name: str, value: str) -> None: ...

    def cursors(self) -> list[tuple[str, str]]: ...

    def count_events_after(self, after_id: int) -> int: ...

    def events_after(self, after_id: int, limit: int) -> list[Row]: ...

    def changes_after(self, after_id: int, limit: int) -> list[Row]: ...

    def write_events(self, rows: Sequence[Row], cursor: str, last_id: int) -> BatchWritten:
        """Write a batch and the cursor in one transaction, skipping rows it refuses."""

    def write_changes(self, rows: Sequence[Row], cursor: str, last_id: int) -> None: ...

    def set_cursor_if_absent(self, name: str, value: str) -> bool: ...

    def close(self) -> None: ...


class _Result(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class _SqlSide:
    """The cursor and read statements, which both databases spell alike but for the mark
    of a parameter (``?`` or ``%s``)."""

    _mark: str

    def _execute(self, sql: str, params: tuple[Any, ...]) -> _Result:
        raise NotImplementedError

    def get_cursor(self, name: str) -> str | None:
        sql = f"SELECT value FROM cursors WHERE name = {self._mark}"  # noqa: S608 (our mark)
        row = self._execute(sql, (name,))
        found = row.fetchone()
        return None if found is None else str(found[0])

    def set_cursor(self, name: str, value: str) -> None:
        self._execute(
            f"INSERT INTO cursors (name, value) VALUES ({self._mark}, {self._mark}) "  # noqa: S608
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def set_cursor_if_absent(self, name: str, value: str) -> bool:
        result = self._execute(
            f"INSERT INTO cursors (name, value) VALUES ({self._mark}, {self._mark}) "  # noqa: S608
            "ON CONFLICT (name) DO NOTHING",
            (name, value),
        )
        return result.rowcount == 1

    def cursors(self) -> list[tuple[str, str]]:
        rows = self._execute("SELECT name, value FROM cursors ORDER BY name", ()).fetchall()
        return [(str(name), str(value)) for name, value in rows]

    def count_events_after(self, after_id: int) -> int:
        sql = f"SELECT count(*) FROM events WHERE id > {self._mark}"  # noqa: S608 (our mark)
        row = self._execute(sql, (after_id,))
        found = row.fetchone()
        return int(found[0]) if found is not None else 0

    def events_after(self, after_id: int, limit: int) -> list[Row]:
        return self._execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events "  # noqa: S608 (our names)
            f"WHERE id > {self._mark} ORDER BY id LIMIT {self._mark}",
            (after_id, limit),
        ).fetchall()

    def changes_after(self, after_id: int, limit: int) -> list[Row]:
        return self._execute(
            f"SELECT id, {', '.join(CHANGE_COLUMNS)} FROM changes "  # noqa: S608
            f"WHERE id > {self._mark} ORDER BY id LIMIT {self._mark}",
            (after_id, limit),
        ).fetchall()


class SqliteSide(_SqlSide):
    """A SQLite store file, read and written with the store's own pragmas and schema."""

    _mark = "?"

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

    def _execute(self, sql: str, params: tuple[Any, ...]) -> _Result:
        return self._conn.execute(sql, params)

    def _originals(self, keys: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self._conn.execute(
                f"SELECT dedup_key, id FROM events WHERE dedup_key IN ({marks}) "  # noqa: S608
                "AND duplicate_of IS NULL",
                chunk,
            ).fetchall()
            found.update((str(key), int(event_id)) for key, event_id in rows)
        return found

    def _insert(self, pending: list[tuple[int, Row]]) -> _Inserted:
        insert = (
            f"INSERT INTO events ({', '.join(_WRITTEN)}) "  # noqa: S608
            f"VALUES ({', '.join('?' for _ in _WRITTEN)})"
        )
        originals: dict[str, int] = {}
        refused: list[RefusedRow] = []
        for source_id, row in pending:
            try:
                cursor = self._conn.execute(insert, row)
            except (sqlite3.IntegrityError, sqlite3.DataError, ValueError) as exc:
                # Only this statement is undone; the batch's transaction goes on.
                refused.append(RefusedRow(source_id, _refusal(exc)))
                continue
            key = row[_WRITTEN_DEDUP]
            if key is not None and row[_WRITTEN_DUPLICATE_OF] is None:
                assert cursor.lastrowid is not None
                originals[key] = cursor.lastrowid
        return originals, len(pending) - len(refused), refused

    def write_events(self, rows: Sequence[Row], cursor: str, last_id: int) -> BatchWritten:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            result = _write_planned(rows, self._originals, self._insert)
            self.set_cursor(cursor, str(last_id))
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        return result

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

    def close(self) -> None:
        self._conn.close()


class PostgresSide(_SqlSide):
    """A team database whose schema ``store init`` created."""

    _mark = "%s"

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

    def _execute(self, sql: str, params: tuple[Any, ...]) -> _Result:
        return self._conn.execute(sql, params or None)

    def write_events(self, rows: Sequence[Row], cursor: str, last_id: int) -> BatchWritten:
        import psycopg.errors

        from console.store.postgres.store import row_refused

        one_by_one = False
        attempt = 0
        while True:
            try:
                with self._conn.transaction():
                    result = self._copy_batch(rows, one_by_one=one_by_one)
                    self.set_cursor(cursor, str(last_id))
                return result
            except psycopg.errors.UniqueViolation:
                # A listener stored one of these deliveries after the look-up: the batch
                # is rolled back whole and planned again, and then finds that original.
                attempt += 1
                if attempt == _RACE_ATTEMPTS:
                    raise
            except psycopg.errors.LockNotAvailable:
                raise CopyError(self._lock_busy()) from None
            except Exception as exc:
                if one_by_one or not row_refused(exc):
                    raise
                # A row the target refuses: the batch again, row by row, skipping it.
                one_by_one = True

    def _lock_busy(self) -> str:
        from console.store.postgres import locks

        holders = locks.insert_order_holders(self._conn)
        return (
            f"{self.location.display}: the insert-order lock was not free within "
            f"{locks.INSERT_ORDER_WAIT_SECONDS} s ({holders}); run the copy again once it is"
        )

    def _copy_batch(self, rows: Sequence[Row], *, one_by_one: bool = False) -> BatchWritten:
        """One batch by COPY, with ids drawn first under the store's insert-order lock.

        Knowing every id before writing lets a duplicate point at an original of the same
        batch, so the batch is one COPY (the counting triggers run once), and ids are
        handed out and committed in one order with every listener's inserts.
        """
        from console.store.postgres import locks
        from console.store.postgres.rows import safe_text
        from console.store.postgres.search import event_vector

        conn = self._conn
        conn.execute(
            "SELECT set_config('lock_timeout', %s, true)",
            (f"{locks.INSERT_ORDER_WAIT_SECONDS}s",),
        )
        conn.execute(locks.TAKE_INSERT_ORDER)
        keys = sorted({row[_DEDUP] for row in rows if row[_DEDUP] is not None})
        originals: dict[str, int] = {}
        if keys:
            found = conn.execute(
                "SELECT dedup_key, id FROM events WHERE dedup_key = ANY(%s) "
                "AND duplicate_of IS NULL",
                (keys,),
            ).fetchall()
            originals = {str(key): int(str(event_id)) for key, event_id in found}
        planned, skipped = _plan(rows, originals)
        if not planned:
            return BatchWritten(0, skipped)
        drawn = conn.execute(
            "SELECT nextval('events_id_seq') FROM generate_series(1, %s)", (len(planned),)
        ).fetchall()
        ids = [int(str(row[0])) for row in drawn]
        by_key: dict[str, int] = {}
        refused: list[RefusedRow] = []

        def target_row(event_id: int, values: Row, original_key: str | None) -> Row:
            duplicate_of = values[_WRITTEN_DUPLICATE_OF]
            if original_key is not None:
                # A duplicate of an original written earlier in this batch (when the
                # target refused that one, this is the first of its delivery there).
                duplicate_of = by_key.get(original_key)
            key = values[_WRITTEN_DEDUP]
            if key is not None and duplicate_of is None:
                by_key[key] = event_id
            vector = event_vector(
                values[_WRITTEN_PAYLOAD],
                values[_WRITTEN_RAW_BODY],
                values[_WRITTEN_SUMMARY],
                values[_WRITTEN_REASON],
            )
            texts = [safe_text(v) if isinstance(v, str) else v for v in values]
            texts[_WRITTEN_DUPLICATE_OF] = duplicate_of
            texts[_WRITTEN_PINNED] = bool(values[_WRITTEN_PINNED])
            return (event_id, *texts, vector)

        if not one_by_one:
            with conn.cursor() as cur, cur.copy(_PG_COPY) as copy:
                for event_id, (values, original_key, _source_id) in zip(ids, planned, strict=True):
                    copy.write_row(target_row(event_id, values, original_key))
            return BatchWritten(len(planned), skipped)
        from console.store.postgres.store import row_refused

        for event_id, (values, original_key, source_id) in zip(ids, planned, strict=True):
            key = values[_WRITTEN_DEDUP]
            try:
                with conn.transaction(), conn.cursor() as cur, cur.copy(_PG_COPY) as copy:
                    copy.write_row(target_row(event_id, values, original_key))
            except Exception as exc:
                if not row_refused(exc):
                    raise
                if by_key.get(key) == event_id:
                    del by_key[key]
                refused.append(RefusedRow(source_id, _refusal(exc)))
        return BatchWritten(len(planned) - len(refused), skipped, refused)

    def write_changes(self, rows: Sequence[Row], cursor: str, last_id: int) -> None:
        insert = (
            f"INSERT INTO changes ({', '.join(CHANGE_COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join('%s' for _ in CHANGE_COLUMNS)})"
        )
        with self._conn.transaction():
            with self._conn.cursor() as cur:
                cur.executemany(insert, [row[1:] for row in rows])
            self.set_cursor(cursor, str(last_id))

    def close(self) -> None:
        self._context.__exit__(None, None, None)


# What an insert of planned rows reports: the originals it wrote (by key), how many rows
# it wrote, and the rows the target refused.
_Inserted = tuple[dict[str, int], int, list["RefusedRow"]]


def _refusal(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
    return text if len(text) <= 300 else text[:299] + "…"


def _write_planned(
    rows: Sequence[Row],
    find_originals: Callable[[Sequence[str]], dict[str, int]],
    insert: Callable[[list[tuple[int, Row]]], _Inserted],
) -> BatchWritten:
    """Write source ``rows`` in as few inserts as the duplicates among them allow.

    An original whose delivery the target holds is left out; a duplicate points at its
    original by the target's id (one without an original there becomes the original). A
    duplicate whose original is in the same pending insert waits for it: the insert is
    sent first, so its id is known. ``insert`` returns the originals it wrote (by key)
    and how many rows it wrote (a listener may store a delivery between the look-up and
    the insert: the unique index then drops the row, and it counts as already there).
    """
    keys = sorted({row[_DEDUP] for row in rows if row[_DEDUP] is not None})
    originals = find_originals(keys) if keys else {}
    pending: list[tuple[int, Row]] = []
    pending_keys: set[str] = set()
    written = skipped = 0
    refused: list[RefusedRow] = []

    def flush() -> None:
        nonlocal written, skipped
        if not pending:
            return
        found, count, refusals = insert(pending)
        originals.update(found)
        written += count
        refused.extend(refusals)
        skipped += len(pending) - count - len(refusals)
        pending.clear()
        pending_keys.clear()

    for row in rows:
        key = row[_DEDUP]
        duplicate_of: int | None = None
        if key is not None:
            if key in pending_keys:
                flush()
            original = originals.get(key)
            if row[_DUPLICATE_OF] is None and original is not None:
                skipped += 1  # the same delivery, stored there already
                continue
            duplicate_of = original
            if duplicate_of is None:
                pending_keys.add(key)
        pending.append((int(row[0]), (*row[3:], duplicate_of, int(bool(row[_PINNED])))))
    flush()
    return BatchWritten(written, skipped, refused)


def _plan(
    rows: Sequence[Row], originals: dict[str, int]
) -> tuple[list[tuple[Row, str | None, int]], int]:
    """The rows to write, each with the key of its original when that original is written
    in the same batch (its id is known only then) and its source id, and how many the
    target already holds."""
    planned: list[tuple[Row, str | None, int]] = []
    new_keys: set[str] = set()
    skipped = 0
    for row in rows:
        key = row[_DEDUP]
        duplicate_of: int | None = None
        original_in_batch: str | None = None
        if key is not None:
            original = originals.get(key)
            if row[_DUPLICATE_OF] is None and (original is not None or key in new_keys):
                skipped += 1  # the same delivery, stored there already
                continue
            if original is not None:
                duplicate_of = original
            elif key in new_keys:
                original_in_batch = key
            else:
                new_keys.add(key)  # the first of its delivery there: the original
        values = (*row[3:], duplicate_of, int(bool(row[_PINNED])))
        planned.append((values, original_in_batch, int(row[0])))
    return planned, skipped


@dataclass
class CopyProgress:
    """Where a copy stands; handed to the progress callback after every batch."""

    total: int
    copied: int = 0
    already_there: int = 0
    # Source events the target would not store: skipped, never retried by a later run.
    refused: list[RefusedRow] = field(default_factory=list)
    changes: int = 0
    cursors: list[str] = field(default_factory=list)
    resumed_after: int = 0

    @property
    def done(self) -> int:
        return self.copied + self.already_there + len(self.refused)


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
        # As the stores bound what they index today: rows kept whole by an older version.
        bounded = [bound_row(row, EVENT_COLUMNS) for row in rows]
        outcome = target.write_events(bounded, events_cursor, last)
        progress.copied += outcome.written
        progress.already_there += outcome.already_there
        progress.refused.extend(outcome.refused)
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
