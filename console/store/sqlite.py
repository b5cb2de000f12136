"""The SQLite event store: one writer thread with group commit, pooled readers, retention.

Writes (appends, pins, purges, cursors) all go through one writer thread that owns the
only write connection, so they never contend for SQLite's write lock inside this process.
Appends that arrive while a commit is running are committed together in the next
transaction (group commit): under a burst, many events share one fsync-free WAL commit.
Readers borrow their own connections; in WAL mode they never wait for the writer.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from console.core.private_files import create_private_file, make_private_dir, make_private_file
from console.store.bounds import bound_record, unstorable_record
from console.store.conditions import QUERY_TIMEOUT_SECONDS, TIMED_OUT
from console.store.export import events_by_page, write_events
from console.store.filters import MAX_EXPANSION, TermLookup, count_sql, select_sql
from console.store.model import (
    AppendResult,
    ChangeRecord,
    EventFilter,
    EventRecord,
    EventSubscriber,
    ExportFormat,
    FeedRow,
    LocalLease,
    PollerLease,
    QueryError,
    RetentionPolicy,
    RowsReceiver,
    StoredChange,
    StoredEvent,
    StoreNotFound,
)
from console.store.model import (
    # Re-exported: code written before the class moved to the interface imports it here.
    StoreClosedError as StoreClosedError,
)
from console.store.retention import RetentionThread
from console.store.rows import (
    CHANGE_SELECT,
    FEED_SELECT,
    MAX_ROWS_PER_INSERT,
    SELECT_COLUMNS,
    decode_change,
    decode_feed_row,
    decode_row,
    encode_change,
    encode_record,
    find_originals_sql,
    insert_rows_sql,
    stored_from_record,
    to_micros,
)
from console.store.schema import connect, migrate
from console.store.writer import GroupCommitWriter, WriteJob

if TYPE_CHECKING:
    from console.bitrix.limiter import BucketLimits, RequestBucket
    from console.store.team import ConnectionListener, StoreDescription, TeamPresence
from console.store.summary import summarize

log = logging.getLogger(__name__)

T = TypeVar("T")

# Upper bound of appends in one transaction: keeps a commit short enough that the first
# caller in a burst is not kept waiting for the last.
MAX_GROUP = 256
# Rows per page when iterating or exporting: constant memory whatever the store holds.
PAGE_SIZE = 500
# Rows deleted per transaction by purges and retention, so appends interleave with a long
# purge. Each deleted row also leaves the full-text index, which is most of the cost: on a
# 100,000-event store 2,000 rows held the writer for 254 ms and 200 for 12 ms. At the count
# cap under a steady flow, retention deletes in every pass; appends must not queue behind it.
PURGE_BATCH = 200
RETENTION_INTERVAL_SECONDS = 600.0


@dataclass(slots=True)
class _Append:
    record: EventRecord
    row: tuple[Any, ...]
    future: Future[AppendResult]


class _ReaderPool:
    """Read-only connections lent to one thread at a time; a few are kept for reuse."""

    def __init__(self, path: Path, keep: int = 4) -> None:
        self._path = path
        self._keep = keep
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def borrow(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise StoreClosedError("the event store is closed")
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = connect(self._path, read_only=True)
        try:
            yield conn
        finally:
            with self._lock:
                keep = not self._closed and len(self._idle) < self._keep
                if keep:
                    self._idle.append(conn)
            if not keep:
                conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


@dataclass(frozen=True, slots=True)
class StoreHealth:
    """Whether the store can keep events now, for the listener's ``/healthz``."""

    writable: bool
    writer_alive: bool
    last_error: str | None
    queue_depth: int

    @property
    def ok(self) -> bool:
        return self.writable and self.writer_alive and self.last_error is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "writable": self.writable,
            "writer_alive": self.writer_alive,
            "last_error": self.last_error,
            "queue_depth": self.queue_depth,
        }


class SqliteEventStore:
    """:class:`~console.store.model.EventStore` on one SQLite file in WAL mode.

    ``retention``: when given, a background thread applies it at open and then every
    ``retention_interval`` seconds until :meth:`close`.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        retention: RetentionPolicy | None = None,
        retention_interval: float = RETENTION_INTERVAL_SECONDS,
        max_group: int = MAX_GROUP,
        create: bool = True,
        query_timeout: float = QUERY_TIMEOUT_SECONDS,
    ) -> None:
        self.path = Path(path)
        self._query_timeout = query_timeout
        if not self.path.is_file():
            if not create:
                # A mistyped --data-dir must not leave a directory and an empty store.
                raise StoreNotFound(self.path)
            make_private_dir(self.path.parent)
        # SQLite gives the -wal and -shm files the mode of the database file, so making
        # the file private first keeps all three private.
        create_private_file(self.path)
        # Written only by the writer thread; read by benchmarks and diagnostics.
        self._transactions = 0
        self._committed_rows = 0
        write_conn = connect(self.path)
        try:
            migrate(write_conn)
        except BaseException:
            write_conn.close()
            raise
        # A store made by an older console may have been created with the umask's mode.
        for suffix in ("-wal", "-shm"):
            make_private_file(self.path.with_name(self.path.name + suffix))
        self._write_conn = write_conn
        # The last commit's failure, cleared by the next commit that works.
        self._last_error: str | None = None
        self._lock = threading.Lock()
        self._subscribers: list[EventSubscriber] = []
        self._readers = _ReaderPool(self.path)
        self._writer: GroupCommitWriter[_Append, sqlite3.Connection] = GroupCommitWriter(
            self._commit_appends,
            self._run_job,
            max_group=max_group,
            on_exit=self._write_conn.close,
        )
        self._retention = (
            RetentionThread(self._enforce, retention, retention_interval)
            if retention is not None
            else None
        )

    # --- writing -------------------------------------------------------------------------

    def submit(self, record: EventRecord) -> Future[AppendResult]:
        """Queue ``record``; the future resolves with its id once the commit is durable."""
        future: Future[AppendResult] = Future()
        # Encode here, on the caller's thread, to keep the writer's transaction short;
        # subscribers see the event as it is stored.
        record = bound_record(record)
        item = _Append(record, encode_record(record), future)
        self._writer.put(item)
        return future

    def append(self, record: EventRecord) -> AppendResult:
        """Store ``record`` and return once it is committed."""
        if self._writer.on_writer_thread():
            # A subscriber appending: waiting for the queue here would wait for ourselves.
            future: Future[AppendResult] = Future()
            record = bound_record(record)
            self._commit_appends([_Append(record, encode_record(record), future)])
            return future.result()
        return self.submit(record).result()

    def set_pinned(self, event_id: int, pinned: bool) -> bool:
        """Pin or unpin an event; returns False when there is no such event."""

        def run(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE events SET pinned = ? WHERE id = ?", (int(pinned), event_id)
            )
            return cursor.rowcount > 0

        return self._call(run)

    def purge(self, older_than: datetime) -> int:
        """Delete unpinned events received before ``older_than``; returns how many."""
        return self._purge_older(older_than, None)

    def enforce_retention(self, policy: RetentionPolicy) -> int:
        """Apply ``policy`` (age, then count; pinned events always stay); returns deletions."""
        return self._enforce(policy, None)

    def set_cursor(self, name: str, value: str) -> None:
        def run(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO cursors (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

        self._call(run)

    # --- the change log ------------------------------------------------------------------

    def record_change(self, change: ChangeRecord) -> int:
        """Keep ``change`` in the change log; returns its id once committed."""
        row = encode_change(change)

        def run(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO changes (at_us, operator, profile, kind, action, order_id, "
                "entity_id, before, after, outcome, summary) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            assert cursor.lastrowid is not None
            return int(cursor.lastrowid)

        return self._call(run)

    def changes(
        self, *, order_id: str | None = None, profile: str | None = None, limit: int = 200
    ) -> list[StoredChange]:
        """Recorded changes, newest first (see :meth:`EventStore.changes`)."""
        if limit <= 0:
            raise ValueError("limit must be positive")
        conditions: list[str] = []
        params: list[Any] = []
        if order_id is not None:
            conditions.append("order_id = ?")
            params.append(order_id)
        if profile is not None:
            conditions.append("profile = ?")
            params.append(profile)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        # ``where`` joins our own constant conditions; the values travel as parameters.
        sql = f"SELECT {CHANGE_SELECT} FROM changes{where} ORDER BY id DESC LIMIT ?"  # noqa: S608
        with self._readers.borrow() as conn:
            rows = conn.execute(sql, (*params, limit)).fetchall()
        return [decode_change(row) for row in rows]

    def set_order_id(self, event_id: int, order_id: str) -> bool:
        """Attach ``order_id`` to an event that has none; returns whether one was changed."""

        def run(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE events SET order_id = ? WHERE id = ? AND order_id IS NULL",
                (order_id, event_id),
            )
            return cursor.rowcount > 0

        return self._call(run)

    def subscribe(self, subscriber: EventSubscriber) -> Callable[[], None]:
        """Call ``subscriber`` on the writer thread for each committed event, in id order."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    # --- reading -------------------------------------------------------------------------

    def get(self, event_id: int) -> StoredEvent | None:
        with self._readers.borrow() as conn:
            rows = conn.execute(
                f"SELECT {SELECT_COLUMNS} FROM events WHERE id = ?",  # noqa: S608
                (event_id,),
            ).fetchall()
        return decode_row(rows[0]) if rows else None

    def query(
        self, flt: EventFilter | None = None, *, limit: int = 100, before_id: int | None = None
    ) -> list[StoredEvent]:
        """Newest first; pass the last id of a page as ``before_id`` for the next one."""
        if limit <= 0:
            raise ValueError("limit must be positive")
        rows = self._read(
            lambda lookup: select_sql(
                SELECT_COLUMNS, flt, limit=limit, before_id=before_id, lookup=lookup
            )
        )
        return [decode_row(row) for row in rows]

    def query_rows(
        self,
        flt: EventFilter | None = None,
        *,
        limit: int = 100,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> list[FeedRow]:
        """Plain feed rows, newest first; see :meth:`EventStore.query_rows`."""
        if limit <= 0:
            raise ValueError("limit must be positive")
        rows = self._read(
            lambda lookup: select_sql(
                FEED_SELECT, flt, limit=limit, before_id=before_id, after_id=after_id, lookup=lookup
            )
        )
        return [decode_feed_row(row) for row in rows]

    def count(self, flt: EventFilter | None = None) -> int:
        """How many events match ``flt``; milliseconds for the sidebar's views whatever
        the store holds (see :func:`~console.store.filters.count_sql`)."""
        rows = self._read(lambda lookup: count_sql(flt, lookup))
        return int(rows[0][0])

    def _read(self, build: Callable[[TermLookup], tuple[str, list[Any]]]) -> list[tuple[Any, ...]]:
        """Rows of the query ``build`` makes, which may look up indexed words first.

        One read transaction around both: the words a prefix is spelled out into must come
        from the same snapshot as the rows, or an event committed in between with a new
        word could be missed.
        """
        with self._readers.borrow() as conn:
            deadline = time.monotonic() + self._query_timeout
            conn.set_progress_handler(lambda: time.monotonic() > deadline, _PROGRESS_STEPS)
            conn.execute("BEGIN")
            try:
                sql, params = build(partial(_indexed_words, conn))
                # fetchall: an unfinished statement would pin an old WAL snapshot.
                return conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if str(exc) != "interrupted":
                    raise
                raise QueryError(TIMED_OUT.format(seconds=self._query_timeout)) from None
            finally:
                conn.set_progress_handler(None, 0)
                if conn.in_transaction:
                    conn.execute("COMMIT")

    def iter_events(self, flt: EventFilter | None = None) -> Iterator[StoredEvent]:
        """All matching events newest first, read :data:`PAGE_SIZE` at a time."""
        return events_by_page(self.query, flt, PAGE_SIZE)

    def export(self, flt: EventFilter | None, fmt: ExportFormat, out: TextIO) -> int:
        """Stream matching events to ``out`` as JSON Lines or CSV; returns how many."""
        return write_events(self.iter_events(flt), fmt, out)

    def get_cursor(self, name: str) -> str | None:
        with self._readers.borrow() as conn:
            rows = conn.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchall()
        return str(rows[0][0]) if rows else None

    def group_stats(self) -> tuple[int, int]:
        """``(transactions, events)`` committed by appends so far: how well commits group."""
        return self._transactions, self._committed_rows

    # --- lifecycle -----------------------------------------------------------------------

    # -- what a team shares: the local equivalents ----------------------------------------

    def follow(
        self, on_rows: RowsReceiver, on_connection: ConnectionListener | None = None
    ) -> Callable[[], None]:
        """Tail the file (the listener may be another process); a file is never "lost"."""
        from console.store.tail import StoreTail

        return StoreTail(self, on_rows).start().stop

    def rest_bucket(self, portal_key: str, limits: BucketLimits) -> RequestBucket:
        from console.bitrix.limiter import limiter_for

        return limiter_for(portal_key, limits)

    def presence(self) -> TeamPresence | None:
        return None

    def describe(self) -> StoreDescription:
        from console.store.team import StoreDescription

        return StoreDescription(shared=False, where=str(self.path))

    def close(self) -> None:
        """Commit everything queued, stop the threads and close every connection."""
        if self._retention is not None:
            self._retention.stop()
        if self._writer.stop():
            self._readers.close()

    # --- team capabilities --------------------------------------------------------------

    def poller_lock(self, name: str) -> PollerLease:
        """Only this process writes a SQLite store: every team-wide job is its own."""
        del name
        return LocalLease()

    # --- health --------------------------------------------------------------------------

    def health(self) -> StoreHealth:
        """The store's state now, without touching the disk (cheap; any thread)."""
        return StoreHealth(
            writable=not self._writer.stopping,
            writer_alive=self._writer.is_alive(),
            last_error=self._last_error,
            queue_depth=self._writer.queue_depth(),
        )

    def probe_write(self, timeout: float = 15.0) -> str | None:
        """Take the write lock and let it go again: ``None`` when that works, else why not.

        Finds what opening did not: a store another process holds locked, a file or
        directory that cannot be written, a writer thread that died.
        """

        def probe(conn: sqlite3.Connection) -> None:
            # Run inside the writer's BEGIN IMMEDIATE, which takes the write lock.
            conn.execute("UPDATE cursors SET name = name WHERE 0")

        return self._writer.probe(probe, timeout)

    def __enter__(self) -> SqliteEventStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- the writer thread ---------------------------------------------------------------

    def _call(self, run: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``run`` in its own write transaction on the writer thread; return its result."""
        return self._writer.call(run)

    def _commit_appends(self, appends: list[_Append]) -> None:
        # A caller that cancelled its future before we got to it does not want it stored.
        live = [item for item in appends if item.future.set_running_or_notify_cancel()]
        if not live:
            return
        conn = self._write_conn
        outcomes: list[AppendResult | Exception]
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                outcomes = list(_insert_group(conn, [item.row for item in live]))
            except Exception as exc:
                if not _row_refused(exc):
                    raise
                # One row the database refuses must not fail the others: each row again on
                # its own, and the offender kept as what can be stored of it.
                log.warning("event store: a group of %d failed (%s); one by one", len(live), exc)
                _rollback(conn)
                conn.execute("BEGIN IMMEDIATE")
                outcomes = [_insert_alone(conn, item) for item in live]
            conn.execute("COMMIT")
            self._transactions += 1
            self._committed_rows += sum(isinstance(o, AppendResult) for o in outcomes)
            self._last_error = None
        except Exception as exc:
            self._last_error = f"{type(exc).__name__}: {exc}"
            _rollback(conn)
            log.error("event store commit of %d events failed: %s", len(live), exc)
            for item in live:
                item.future.set_exception(exc)
            return
        stored: list[tuple[_Append, AppendResult]] = []
        for item, outcome in zip(live, outcomes, strict=True):
            if isinstance(outcome, Exception):
                item.future.set_exception(outcome)
            else:
                item.future.set_result(outcome)
                stored.append((item, outcome))
        self._notify([item for item, _ in stored], [result for _, result in stored])

    def _notify(self, appended: list[_Append], results: list[AppendResult]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        if not subscribers:
            return
        for item, result in zip(appended, results, strict=True):
            stored = stored_from_record(item.record, result.id, result.duplicate_of)
            for subscriber in subscribers:
                try:
                    subscriber(stored)
                except Exception:  # one faulty subscriber must not stop the store
                    log.exception("event store subscriber %r failed", subscriber)

    def _run_job(self, job: WriteJob[sqlite3.Connection, Any]) -> None:
        if not job.future.set_running_or_notify_cancel():
            return
        conn = self._write_conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            result = job.run(conn)
            conn.execute("COMMIT")
        except Exception as exc:
            _rollback(conn)
            job.future.set_exception(exc)
            return
        job.future.set_result(result)

    # --- retention -----------------------------------------------------------------------

    def _enforce(self, policy: RetentionPolicy, stop: threading.Event | None) -> int:
        removed = 0
        if policy.max_age_days is not None:
            cutoff = datetime.now(UTC) - timedelta(days=policy.max_age_days)
            removed += self._purge_older(cutoff, stop, vacuum=False)
        if policy.max_count is not None:
            max_count = policy.max_count

            def trim(conn: sqlite3.Connection) -> int:
                # Counted inside the write transaction, so concurrent appends are accounted.
                sql, params = count_sql(EventFilter(include_duplicates=True))
                total = int(conn.execute(sql, params).fetchall()[0][0])
                excess = total - max_count
                if excess <= 0:
                    return 0
                return _delete_batch(conn, "pinned = 0", (), min(excess, PURGE_BATCH))

            while stop is None or not stop.is_set():
                deleted = self._call(trim)
                removed += deleted
                if deleted < PURGE_BATCH:
                    break
        if removed:
            self._vacuum()
        return removed

    def _purge_older(
        self, older_than: datetime, stop: threading.Event | None, *, vacuum: bool = True
    ) -> int:
        cutoff = to_micros(older_than)
        removed = 0
        while stop is None or not stop.is_set():
            deleted = self._call(
                lambda conn: _delete_batch(
                    conn, "received_us < ? AND pinned = 0", (cutoff,), PURGE_BATCH
                )
            )
            removed += deleted
            if deleted < PURGE_BATCH:
                break
        if removed and vacuum:
            self._vacuum()
        return removed

    def _vacuum(self) -> None:
        # Hands the pages of deleted rows back to the file system (auto_vacuum=INCREMENTAL).
        self._call(lambda conn: conn.execute("PRAGMA incremental_vacuum").fetchall())


def _insert_group(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[AppendResult]:
    """Insert ``rows`` (encoded records, dedup key last) in order; their ids and duplicates.

    Few statements for the whole group, not two per row: every statement releases the GIL
    and takes it back, and under load taking it back means waiting for the event loop
    thread, so statements per group, not SQLite's own work, bounded the writer.
    One query finds the originals already stored; the rows go in as multi-row INSERTs whose
    ids are consecutive (AUTOINCREMENT under our write lock), so each row's id is known
    from the last one. A row that repeats a key first seen earlier in this group starts a
    new INSERT, so the original's id is known when the duplicate is written.
    """
    keys = list({row[-1] for row in rows if row[-1] is not None})
    originals: dict[str, int] = {}
    for start in range(0, len(keys), MAX_ROWS_PER_INSERT):
        chunk = keys[start : start + MAX_ROWS_PER_INSERT]
        found = conn.execute(find_originals_sql(len(chunk)), chunk).fetchall()
        originals.update((str(key), int(event_id)) for key, event_id in found)

    results: list[AppendResult] = []
    pending: list[tuple[tuple[Any, ...], int | None]] = []
    # Keys whose original is in ``pending``: not inserted yet, so without an id.
    pending_originals: set[str] = set()

    def flush() -> None:
        params = [value for row, duplicate_of in pending for value in (*row, duplicate_of)]
        cursor = conn.execute(insert_rows_sql(len(pending)), params)
        if cursor.rowcount != len(pending) or cursor.lastrowid is None:
            raise sqlite3.DatabaseError(f"inserted {cursor.rowcount} of {len(pending)} events")
        first = cursor.lastrowid - len(pending) + 1
        for offset, (row, duplicate_of) in enumerate(pending):
            event_id = first + offset
            results.append(AppendResult(id=event_id, duplicate_of=duplicate_of))
            key = row[-1]
            if key is not None and duplicate_of is None:
                originals[key] = event_id
        pending.clear()
        pending_originals.clear()

    for row in rows:
        key = row[-1]
        if key is not None and key in pending_originals:
            flush()
        duplicate_of = originals.get(key) if key is not None else None
        if key is not None and duplicate_of is None:
            pending_originals.add(key)
        pending.append((row, duplicate_of))
        if len(pending) == MAX_ROWS_PER_INSERT:
            flush()
    if pending:
        flush()
    return results


# SQLite's virtual machine steps between two looks at the clock of a read's deadline.
_PROGRESS_STEPS = 1000


def _row_refused(exc: Exception) -> bool:
    """Whether ``exc`` may be one row's fault, not the database's (locked, disk, I/O)."""
    return not isinstance(exc, sqlite3.OperationalError)


def _insert_alone(conn: sqlite3.Connection, item: _Append) -> AppendResult | Exception:
    """``item`` in a savepoint of the open transaction; refused, what can be kept of it."""
    conn.execute("SAVEPOINT one_event")
    try:
        result = _insert_group(conn, [item.row])[0]
    except Exception as exc:
        conn.execute("ROLLBACK TO one_event")
        if not _row_refused(exc):
            conn.execute("RELEASE one_event")
            raise
        log.warning("event store refused an event (%s); keeping it as unstorable", exc)
        item.record = unstorable_record(item.record, exc)
        try:
            result = _insert_group(conn, [encode_record(item.record)])[0]
        except Exception as again:
            conn.execute("ROLLBACK TO one_event")
            conn.execute("RELEASE one_event")
            if not _row_refused(again):
                raise
            return again
    conn.execute("RELEASE one_event")
    return result


def feed_row(event: StoredEvent) -> FeedRow:
    """The feed's view of ``event`` (also used for events arriving live)."""
    return FeedRow(
        id=event.id,
        received_us=to_micros(event.received_at),
        source=event.source.value,
        event=event.event,
        profile=event.profile,
        entity_id=event.entity_id,
        order_id=event.order_id,
        verification=event.verification.value,
        verification_reason=event.verification_reason,
        duplicate_of=event.duplicate_of,
        pinned=event.pinned,
        summary=summarize(event.source, event.event, event.payload),
    )


def _indexed_words(conn: sqlite3.Connection, prefix: str) -> list[str] | None:
    """The full-text index's words starting with ``prefix``; None when there are too many."""
    found = conn.execute(
        "SELECT term FROM events_fts_terms WHERE term >= ? AND term < ? LIMIT ?",
        # U+10FFFF sorts after every character, in UTF-8 bytes as FTS5 orders its words.
        (prefix, prefix + "\U0010ffff", MAX_EXPANSION + 1),
    ).fetchall()
    if len(found) > MAX_EXPANSION:
        return None
    return [str(row[0]) for row in found]


def _delete_batch(
    conn: sqlite3.Connection, condition: str, params: tuple[Any, ...], limit: int
) -> int:
    """Delete up to ``limit`` of the oldest rows matching ``condition``."""
    # ``condition`` is one of our own constants; its values arrive as parameters.
    oldest = f"SELECT id FROM events WHERE {condition} ORDER BY id LIMIT ?"  # noqa: S608
    delete = f"DELETE FROM events WHERE id IN ({oldest})"  # noqa: S608
    cursor = conn.execute(delete, (*params, limit))
    return cursor.rowcount


def _rollback(conn: sqlite3.Connection) -> None:
    # A failed COMMIT may already have rolled back; ROLLBACK would then raise again.
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            log.exception("event store rollback failed")
