"""The team store: :class:`~console.store.model.EventStore` on a shared PostgreSQL database.

Appends go through one writer thread per store with group commit, as in the SQLite store:
what arrives while a transaction runs is committed together in the next one, inserted by
one prepared statement that takes the whole group as arrays. Deduplication is the
database's unique index on a delivery's key, so two listeners that receive the same
delivery store it once and both get an answer: the second finds the original and stores
its copy as a duplicate pointing at it, exactly as the SQLite store does. Every other
call borrows a connection from a :class:`psycopg_pool.ConnectionPool`; psycopg prepares
the statements a connection runs repeatedly on the server.

Subscribers are fed through LISTEN/NOTIFY from the database, so a console sees what every
listener of the team stores (see :mod:`console.store.postgres.notifications`).

A future resolves only after COMMIT returned. When the database goes away, a group is
tried again on a new connection as long as its COMMIT was never sent (twice at most);
then its futures fail with the error: nothing is acknowledged that is not committed, and
the listener answers with an error so the portal delivers again. A group whose COMMIT was
sent but not answered fails too, though it may be stored: a delivery repeated after that
is then kept as a duplicate of it, never lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from console.store.bounds import unstorable_record
from console.store.conditions import QUERY_TIMEOUT_SECONDS, TIMED_OUT
from console.store.export import events_by_page, write_events
from console.store.location import StoreLocation
from console.store.model import (
    AppendResult,
    ChangeRecord,
    EventFilter,
    EventRecord,
    EventSubscriber,
    ExportFormat,
    FeedRow,
    PollerLease,
    QueryError,
    RetentionPolicy,
    StoreClosedError,
    StoredChange,
    StoredEvent,
    StoreNotFound,
)
from console.store.postgres import locks
from console.store.postgres.filters import count_sql, select_sql
from console.store.postgres.notifications import (
    ConnectionState,
    Connectivity,
    NotificationFeed,
)
from console.store.postgres.rows import DEDUP_KEY, INSERT_SQL, encode_pg_record, insert_params
from console.store.postgres.schema import SchemaMissingError, migrate
from console.store.retention import RetentionThread
from console.store.rows import (
    CHANGE_SELECT,
    FEED_SELECT,
    SELECT_COLUMNS,
    decode_change,
    decode_feed_row,
    decode_row,
    encode_change,
    to_micros,
)
from console.store.sqlite import StoreHealth
from console.store.writer import GroupCommitWriter, WriteJob

if TYPE_CHECKING:
    from console.bitrix.limiter import BucketLimits, RequestBucket
    from console.store.model import RowsReceiver
    from console.store.postgres.team import TeamTables
    from console.store.team import ConnectionListener, StoreDescription, TeamPresence

log = logging.getLogger(__name__)

T = TypeVar("T")
Conn = psycopg.Connection[tuple[Any, ...]]

# Upper bound of appends in one transaction (see the SQLite store).
MAX_GROUP = 256
# Rows per page when iterating or exporting: constant memory whatever the store holds.
PAGE_SIZE = 500
# Rows deleted per transaction by purges and retention, so a long purge does not hold the
# count rows that every insert also updates.
PURGE_BATCH = 1000
RETENTION_INTERVAL_SECONDS = 600.0
# Connections kept for readers: the window, the CLI and the listener's own reads.
POOL_MAX_SIZE = 4
# A statement run this many times on one connection is prepared on the server.
PREPARE_THRESHOLD = 2
# Seconds a call waits for a pooled connection before it fails (database down).
POOL_TIMEOUT = 10.0
# Seconds a pooled statement waits for a row or table lock before it fails.
READER_LOCK_WAIT_SECONDS = 10


class PostgresStoreNotFound(StoreNotFound):
    """The database has no event store, and the caller asked not to create one."""

    def __init__(self, location: StoreLocation) -> None:
        FileNotFoundError.__init__(self, f"no event store in the database {location.display}")
        self.path = Path(location.display)
        self.location = location


class InsertOrderLockBusy(RuntimeError):
    """The insert-order lock was not free within its bound; the message names the holder."""


class _GroupRaced(Exception):
    """Another writer stored one of the group's deliveries first, bypassing the insert
    lock; the group is tried again and finds that original."""


@dataclass(slots=True)
class _Append:
    record: EventRecord
    row: tuple[Any, ...]
    future: Future[AppendResult]


# Work run on the writer's connection in its own transaction (probes, tests).
_Job = WriteJob[Conn, T]


class PostgresEventStore:
    """:class:`~console.store.model.EventStore` on PostgreSQL (psycopg 3).

    ``password``: for the login named by ``location`` (never part of the location).
    ``retention``: applied at open and every ``retention_interval`` seconds until close.
    ``create=False``: raise :class:`StoreNotFound` when the database has no store yet.
    """

    def __init__(
        self,
        location: StoreLocation,
        password: str | None,
        *,
        retention: RetentionPolicy | None = None,
        retention_interval: float = RETENTION_INTERVAL_SECONDS,
        max_group: int = MAX_GROUP,
        create: bool = True,
        application_name: str = "b24-console",
        query_timeout: float = QUERY_TIMEOUT_SECONDS,
    ) -> None:
        if not location.is_postgres:
            raise ValueError(f"not a PostgreSQL store: {location.display}")
        self.location = location
        self._params: dict[str, Any] = {
            "application_name": application_name,
            # An unreachable host fails a call in seconds, not after TCP's minutes, and a
            # peer that vanished (no FIN: a cable, a VM) is noticed on an idle LISTEN.
            "connect_timeout": "10",
            "keepalives": "1",
            "keepalives_idle": "10",
            "keepalives_interval": "5",
            "keepalives_count": "3",
            **location.conninfo_params(password),
        }
        self._transactions = 0
        self._committed_rows = 0
        self._query_timeout = query_timeout
        self._last_error: str | None = None
        self._connectivity = Connectivity()
        with self._connect() as conn:
            try:
                migrate(conn, create=create)
            except SchemaMissingError:
                raise PostgresStoreNotFound(location) from None
        self._pool: ConnectionPool[Conn] = ConnectionPool(
            kwargs={
                **self._params,
                "autocommit": True,
                "prepare_threshold": PREPARE_THRESHOLD,
            },
            min_size=1,
            max_size=POOL_MAX_SIZE,
            timeout=POOL_TIMEOUT,
            configure=partial(_configure_reader, timeout_ms=max(1, round(query_timeout * 1000))),
            name=f"b24-store-{location.display}",
            open=True,
        )
        self._write_conn: Conn | None = None
        self._lock = threading.Lock()
        # Closed: no reads either (the writer's stopping flag: no new writes).
        self._closed = False
        self._subscribers: list[EventSubscriber] = []
        self._feed: NotificationFeed | None = None
        # The REST bucket and presence tables, on their own small pool (opened on first use).
        self._team: TeamTables | None = None
        self._writer: GroupCommitWriter[_Append, Conn] = GroupCommitWriter(
            self._commit_appends,
            self._run_job,
            max_group=max_group,
            on_exit=self._close_writer_conn,
        )
        self._retention = (
            RetentionThread(self._enforce, retention, retention_interval)
            if retention is not None
            else None
        )

    def _connect(self, purpose: str | None = None) -> Conn:
        params = dict(self._params)
        if purpose:
            # Tells the connections apart in pg_stat_activity.
            params["application_name"] = f"{params['application_name']} {purpose}"
        return psycopg.connect(**params, autocommit=True, prepare_threshold=PREPARE_THRESHOLD)

    # --- writing -------------------------------------------------------------------------

    def submit(self, record: EventRecord) -> Future[AppendResult]:
        """Queue ``record``; the future resolves with its id once the commit is durable."""
        future: Future[AppendResult] = Future()
        # Encode here, on the caller's thread, to keep the writer's transaction short.
        self._enqueue(_Append(record, encode_pg_record(record), future))
        return future

    def append(self, record: EventRecord) -> AppendResult:
        """Store ``record`` and return once it is committed."""
        if self._writer.on_writer_thread():
            future: Future[AppendResult] = Future()
            self._commit_appends([_Append(record, encode_pg_record(record), future)])
            return future.result()
        return self.submit(record).result()

    def set_pinned(self, event_id: int, pinned: bool) -> bool:
        """Pin or unpin an event; returns False when there is no such event."""
        return self._write("UPDATE events SET pinned = %s WHERE id = %s", (pinned, event_id))

    def set_order_id(self, event_id: int, order_id: str) -> bool:
        """Attach ``order_id`` to an event that has none; returns whether one was changed."""
        return self._write(
            "UPDATE events SET order_id = %s WHERE id = %s AND order_id IS NULL",
            (order_id, event_id),
        )

    def _write(self, sql: str, params: tuple[Any, ...]) -> bool:
        return self._with_conn(lambda conn: conn.execute(sql, params).rowcount > 0)

    def purge(self, older_than: datetime) -> int:
        """Delete unpinned events received before ``older_than``; returns how many."""
        return self._purge_older(older_than, None)

    def enforce_retention(self, policy: RetentionPolicy) -> int:
        """Apply ``policy`` (age, then count; pinned events always stay); returns deletions."""
        return self._enforce(policy, None)

    def set_cursor(self, name: str, value: str) -> None:
        self._with_conn(
            lambda conn: conn.execute(
                "INSERT INTO cursors (name, value) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )
        )

    def get_cursor(self, name: str) -> str | None:
        row = self._with_conn(
            lambda conn: conn.execute(
                "SELECT value FROM cursors WHERE name = %s", (name,)
            ).fetchone()
        )
        return str(row[0]) if row else None

    # --- the change log ------------------------------------------------------------------

    def record_change(self, change: ChangeRecord) -> int:
        """Keep ``change`` in the change log; returns its id once committed."""
        row = encode_change(change)
        found = self._with_conn(
            lambda conn: conn.execute(
                "INSERT INTO changes (at_us, operator, profile, kind, action, order_id, "
                "entity_id, before, after, outcome, summary) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                row,
            ).fetchone(),
            # Its answer may be lost after the row was stored: never record a change twice.
            retry=False,
        )
        assert found is not None
        return int(found[0])

    def changes(
        self, *, order_id: str | None = None, profile: str | None = None, limit: int = 200
    ) -> list[StoredChange]:
        """Recorded changes, newest first (see :meth:`EventStore.changes`)."""
        if limit <= 0:
            raise ValueError("limit must be positive")
        # NULL parameters switch a condition off; one statement text, prepared once.
        rows = self._with_conn(
            lambda conn: conn.execute(
                f"SELECT {CHANGE_SELECT}, login FROM changes "  # noqa: S608 (our own names)
                "WHERE (%s::text IS NULL OR order_id = %s) "
                "AND (%s::text IS NULL OR profile = %s) ORDER BY id DESC LIMIT %s",
                (order_id, order_id, profile, profile, limit),
            ).fetchall()
        )
        # The login that wrote the row (migration 4), beside the name the operator gave.
        return [decode_change(row[:-1]).model_copy(update={"login": row[-1]}) for row in rows]

    # --- subscribers ---------------------------------------------------------------------

    def subscribe(self, subscriber: EventSubscriber) -> Callable[[], None]:
        """Call ``subscriber`` for each event committed from now on by any writer of the
        database, in id order, on the store's notification thread."""
        with self._lock:
            if self._writer.stopping:
                raise StoreClosedError("the event store is closed")
            self._subscribers.append(subscriber)
            start = self._feed is None
        if start:
            # Where delivery starts is fixed now, so that an event committed right after
            # subscribe() returns is delivered even if the thread is slow to connect.
            try:
                newest = self._with_conn(
                    lambda conn: conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
                )
                start_after = int(newest[0]) if newest else 0
            except psycopg.Error:
                start_after = None  # the thread reads it once it is connected
            with self._lock:
                if self._feed is None and not self._writer.stopping:
                    self._feed = NotificationFeed(
                        lambda: self._connect("notifications"),
                        self._deliver,
                        self._connectivity,
                        start_after=start_after,
                    )

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def _deliver(self, event: StoredEvent) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:  # one faulty subscriber must not stop the others
                log.exception("event store subscriber %r failed", subscriber)

    # --- what the team shares --------------------------------------------------------------

    def follow(
        self, on_rows: RowsReceiver, on_connection: ConnectionListener | None = None
    ) -> Callable[[], None]:
        """Every writer's commits as feed rows in batches, woken by NOTIFY; reconnects and
        reads after the last id it delivered (see :mod:`console.store.postgres.follow`)."""
        from console.store.postgres.follow import NotifiedTail

        return NotifiedTail(self, self._params, on_rows, on_connection).start().stop

    def _team_tables(self) -> TeamTables:
        from console.store.postgres.team import TeamTables

        with self._lock:
            if self._closed:
                raise StoreClosedError("the event store is closed")
            if self._team is None:
                self._team = TeamTables(self._params)
            return self._team

    def rest_bucket(self, portal_key: str, limits: BucketLimits) -> RequestBucket:
        """The team's one bucket row for ``portal_key``, shared by every console and listener."""
        return self._team_tables().rest_bucket(portal_key, limits)

    def presence(self) -> TeamPresence | None:
        return self._team_tables().presence()

    def describe(self) -> StoreDescription:
        from console.store.team import StoreDescription

        where = f"{self.location.host}/{self.location.dbname}"
        return StoreDescription(shared=True, where=where)

    def connection_state(self) -> ConnectionState:
        """Whether the database answers now; the window shows a stale feed when not."""
        return self._connectivity.state

    # --- reading -------------------------------------------------------------------------

    def get(self, event_id: int) -> StoredEvent | None:
        row = self._with_conn(
            lambda conn: conn.execute(
                f"SELECT {SELECT_COLUMNS} FROM events WHERE id = %s",  # noqa: S608
                (event_id,),
            ).fetchone()
        )
        return decode_row(row) if row else None

    def query(
        self, flt: EventFilter | None = None, *, limit: int = 100, before_id: int | None = None
    ) -> list[StoredEvent]:
        """Newest first; pass the last id of a page as ``before_id`` for the next one."""
        if limit <= 0:
            raise ValueError("limit must be positive")
        sql, params = select_sql(SELECT_COLUMNS, flt, limit=limit, before_id=before_id)
        return [decode_row(row) for row in self._fetch(sql, params)]

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
        sql, params = select_sql(
            FEED_SELECT, flt, limit=limit, before_id=before_id, after_id=after_id
        )
        return [decode_feed_row(row) for row in self._fetch(sql, params)]

    def count(self, flt: EventFilter | None = None) -> int:
        """How many events match ``flt``; the sidebar's views sum the counts table."""
        sql, params = count_sql(flt)
        rows = self._fetch(sql, params)
        return int(rows[0][0])

    def iter_events(self, flt: EventFilter | None = None) -> Iterator[StoredEvent]:
        """All matching events newest first, read :data:`PAGE_SIZE` at a time by keyset."""
        return events_by_page(self.query, flt, PAGE_SIZE)

    def export(self, flt: EventFilter | None, fmt: ExportFormat, out: TextIO) -> int:
        """Stream matching events to ``out`` as JSON Lines or CSV; returns how many."""
        return write_events(self.iter_events(flt), fmt, out)

    def group_stats(self) -> tuple[int, int]:
        """``(transactions, events)`` committed by appends so far: how well commits group."""
        return self._transactions, self._committed_rows

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        try:
            return self._with_conn(lambda conn: conn.execute(sql, params).fetchall())
        except psycopg.errors.QueryCanceled:
            raise QueryError(TIMED_OUT.format(seconds=self._query_timeout)) from None
        except (psycopg.errors.ProgramLimitExceeded, psycopg.errors.StatementTooComplex) as exc:
            # The bounds keep every query below PostgreSQL's limits; should one still be
            # reached, the operator gets a line to act on, not a stack trace.
            raise QueryError(f"the database cannot run this query: {exc}") from None

    def _with_conn(self, run: Callable[[Conn], T], *, retry: bool = True) -> T:
        """``run`` on a pooled connection (autocommit: one statement, one transaction).

        After a restart of the database every pooled connection is dead, and only using
        one shows it: a call that failed because its connection broke is tried once more
        on a fresh one. Reads, and writes that mean the same when done twice (a pin, a
        cursor), may be; ``retry=False`` for the rest.
        """
        if self._closed:
            raise StoreClosedError("the event store is closed")
        for attempt in (1, 2):
            try:
                with self._pool.connection() as conn:
                    result = run(conn)
            except PoolClosed as exc:
                raise StoreClosedError("the event store is closed") from exc
            except PoolTimeout as exc:
                # No connection within POOL_TIMEOUT: the database is down; waiting
                # that long once more would only double the caller's wait.
                self._connectivity.lost(exc)
                raise
            except psycopg.OperationalError as exc:
                if not _connection_failed(exc):
                    raise  # the query's own failure (a timeout): the database is there
                self._connectivity.lost(exc)
                if not retry or attempt == 2:
                    raise
                self._pool.check()
                continue
            self._connectivity.ok()
            return result
        raise AssertionError("unreachable")

    # --- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        """Commit everything queued, deliver it to subscribers, close every connection."""
        if self._retention is not None:
            self._retention.stop()
        if not self._writer.stop():
            return
        with self._lock:
            feed, self._feed = self._feed, None
        if feed is not None:
            # Subscribers get everything this store committed before it stops.
            feed.stop()
        self._closed = True
        self._pool.close()
        with self._lock:
            team, self._team = self._team, None
        if team is not None:
            team.close()

    def __enter__(self) -> PostgresEventStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- health --------------------------------------------------------------------------

    def health(self) -> StoreHealth:
        """The store's state now, without a round trip (cheap; any thread)."""
        state = self._connectivity.state
        return StoreHealth(
            writable=not self._writer.stopping,
            writer_alive=self._writer.is_alive(),
            last_error=self._last_error or (None if state.connected else state.reason),
            queue_depth=self._writer.queue_depth(),
        )

    def ping(self, timeout: float) -> str | None:
        """Whether the server answers now, through the writer: ``None`` when it does.

        A store that had lost the server and reaches it again counts as recovered at once,
        without waiting for the next commit to prove it (a listener's /healthz asks this).
        """
        problem = self.probe_write(timeout)
        if problem is None and not self._connectivity.state.connected:
            # Lost connections are what made it unhealthy (_fail_group records them as
            # such); a failure of another kind is left for the next commit to clear.
            self._connectivity.ok()
            self._last_error = None
        return problem

    def poller_lock(self, name: str) -> PollerLease:
        """A lease on the team-wide job ``name``: a session advisory lock held on a
        connection of its own, so that it ends with this process."""
        from console.store.postgres.leases import AdvisoryLease

        params = {k: str(v) for k, v in self._params.items() if k != "application_name"}
        return AdvisoryLease(params, name)

    def probe_write(self, timeout: float = 15.0) -> str | None:
        """One round trip on the writer's connection: ``None`` when it works, else why not."""

        def probe(conn: Conn) -> None:
            conn.execute("SELECT 1")

        return self._writer.probe(probe, timeout)

    # --- the writer thread ---------------------------------------------------------------

    def _enqueue(self, item: _Append | _Job[Any]) -> None:
        self._writer.put(item)

    def _close_writer_conn(self) -> None:
        if self._write_conn is not None:
            self._write_conn.close()
            self._write_conn = None

    def _writer_conn(self) -> Conn:
        conn = self._write_conn
        if conn is None or conn.closed or conn.broken:
            if conn is not None:
                conn.close()
            self._write_conn = None
            conn = self._write_conn = self._connect("writer")
        return conn

    def _drop_broken_writer_conn(self, exc: Exception) -> None:
        # After a connection-level failure (mid-pipeline, too) the connection may look
        # alive but be unusable: start the next transaction on a new one.
        conn = self._write_conn
        if conn is not None and (_lost_connection(exc) or conn.broken or conn.closed):
            self._write_conn = None
            conn.close()

    def _commit_appends(self, appends: list[_Append]) -> None:
        # A caller that cancelled its future before we got to it does not want it stored.
        live = [item for item in appends if item.future.set_running_or_notify_cancel()]
        if not live:
            return
        rows = [item.row for item in live]
        one_by_one = False
        outcomes: list[AppendResult | Exception] = []
        for attempt in range(1, 4):
            committing = False
            try:
                conn = self._writer_conn()
                with conn.transaction():
                    if one_by_one:
                        outcomes = [_insert_alone(conn, item) for item in live]
                    else:
                        outcomes = list(_insert_group(conn, rows))
                    committing = True
            except Exception as failure:
                exc = self._name_lock_holder(failure)
                self._drop_broken_writer_conn(exc)
                if not committing and not one_by_one and row_refused(exc):
                    # One row the database refuses must not fail the others: each row
                    # again on its own, the offender kept as what can be stored of it.
                    log.warning(
                        "event store: a group of %d failed (%s); one by one", len(live), exc
                    )
                    one_by_one = True
                    continue
                # Only a failure before COMMIT was sent is safe to repeat: after it, the
                # group may be stored, and repeating would store its copies as duplicates.
                again = not committing and attempt < 3 and _retryable(exc)
                if not again:
                    self._fail_group(live, exc)
                    return
                log.info("event store: trying a group of %d again after %s", len(live), exc)
                continue
            break
        self._transactions += 1
        self._committed_rows += sum(isinstance(o, AppendResult) for o in outcomes)
        self._last_error = None
        self._connectivity.ok()
        for item, outcome in zip(live, outcomes, strict=True):
            if isinstance(outcome, Exception):
                item.future.set_exception(outcome)
            else:
                item.future.set_result(outcome)

    def _name_lock_holder(self, exc: Exception) -> Exception:
        """A lock wait that ran out, as an error that says who holds the lock (for the log
        and the listener's /healthz); any other failure as it is."""
        conn = self._write_conn
        if not isinstance(exc, psycopg.errors.LockNotAvailable) or conn is None or conn.broken:
            return exc
        holders = locks.insert_order_holders(conn)
        busy = InsertOrderLockBusy(
            f"the insert-order lock was not free within {locks.INSERT_ORDER_WAIT_SECONDS} s: "
            f"{holders}"
        )
        busy.__cause__ = exc
        return busy

    def _fail_group(self, live: list[_Append], exc: Exception) -> None:
        self._last_error = f"{type(exc).__name__}: {exc}"
        if _lost_connection(exc):
            self._connectivity.lost(exc)
        log.error("event store commit of %d events failed: %s", len(live), exc)
        for item in live:
            item.future.set_exception(exc)

    def _run_job(self, job: _Job[Any]) -> None:
        if not job.future.set_running_or_notify_cancel():
            return
        try:
            conn = self._writer_conn()
            with conn.transaction():
                result = job.run(conn)
        except Exception as exc:
            self._drop_broken_writer_conn(exc)
            if _lost_connection(exc):
                self._connectivity.lost(exc)
            job.future.set_exception(exc)
            return
        job.future.set_result(result)

    # --- retention -----------------------------------------------------------------------

    def _enforce(self, policy: RetentionPolicy, stop: threading.Event | None) -> int:
        removed = 0
        if policy.max_age_days is not None:
            cutoff = datetime.now(UTC) - timedelta(days=policy.max_age_days)
            removed += self._purge_older(cutoff, stop)
        if policy.max_count is not None:
            max_count = policy.max_count

            def trim(conn: Conn) -> int:
                with conn.transaction():
                    conn.execute(_NO_READ_TIMEOUT)
                    # One trimmer at a time, or two stores would both cut the same excess.
                    conn.execute(
                        "SELECT pg_advisory_xact_lock(%s, %s)", (locks.NAMESPACE, locks.RETENTION)
                    )
                    total_row = conn.execute(
                        "SELECT coalesce(sum(n), 0) FROM event_counts"
                    ).fetchone()
                    excess = int(total_row[0]) - max_count if total_row else 0
                    if excess <= 0:
                        return 0
                    return _delete_oldest(conn, "NOT pinned", (), min(excess, PURGE_BATCH))

            while stop is None or not stop.is_set():
                deleted = self._with_conn(trim)
                removed += deleted
                if deleted < PURGE_BATCH:
                    break
        return removed

    def _purge_older(self, older_than: datetime, stop: threading.Event | None) -> int:
        cutoff = to_micros(older_than)
        removed = 0
        while stop is None or not stop.is_set():
            deleted = self._with_conn(
                lambda conn: _delete_oldest(
                    conn, "received_us < %s AND NOT pinned", (cutoff,), PURGE_BATCH
                )
            )
            removed += deleted
            if deleted < PURGE_BATCH:
                break
        return removed


def _configure_reader(conn: Conn, *, timeout_ms: int) -> None:
    # Statements stay prepared (parsed once), but each run is planned for its values: a
    # generic plan for "profile = $1 AND received_us >= $2" cannot know that one profile
    # is rare and another is most of the store, and a wrong guess costs a full scan.
    conn.execute("SET plan_cache_mode = force_custom_plan")
    # No read keeps a pooled connection (and the window's answer) for longer than this.
    conn.execute(f"SET statement_timeout = {int(timeout_ms)}")
    # No statement waits without bound for a lock another session holds (a login that
    # sits on a row lock of an event): it fails with the lock's error instead.
    conn.execute(f"SET lock_timeout = '{READER_LOCK_WAIT_SECONDS}s'")


def _insert_group(conn: Conn, rows: list[tuple[Any, ...]]) -> list[AppendResult]:
    """Insert ``rows`` (encoded records) in order inside the caller's transaction.

    Under the insert-order lock: the ids are drawn first, in the rows' order, so a row
    repeating a delivery earlier in the group knows its original's id; the originals
    already stored are looked up in the same snapshot the insert runs in.
    """
    count = len(rows)
    keys = sorted({row[DEDUP_KEY] for row in rows if row[DEDUP_KEY] is not None})
    with conn.pipeline():
        # Bounded: a session that holds the lock and never lets go fails the group with
        # its name (see InsertOrderLockBusy) instead of stalling every delivery.
        conn.execute(
            "SELECT set_config('lock_timeout', %s, true)",
            (f"{locks.INSERT_ORDER_WAIT_SECONDS}s",),
        )
        conn.execute(locks.TAKE_INSERT_ORDER)
        drawn = conn.execute(
            "SELECT nextval('events_id_seq') FROM generate_series(1, %s)", (count,)
        )
        found = conn.execute(
            "SELECT dedup_key, id FROM events WHERE dedup_key = ANY(%s) AND duplicate_of IS NULL",
            (keys,),
        )
        ids = sorted(int(row[0]) for row in drawn.fetchall())
        originals: dict[str, int] = {str(key): int(event_id) for key, event_id in found.fetchall()}
    duplicates: list[int | None] = []
    for event_id, row in zip(ids, rows, strict=True):
        key = row[DEDUP_KEY]
        original = originals.get(key) if key is not None else None
        if key is not None and original is None:
            originals[key] = event_id
        duplicates.append(original)
    inserted = conn.execute(INSERT_SQL, insert_params(ids, rows, duplicates)).fetchall()
    if len(inserted) != count:
        raise _GroupRaced(f"{count - len(inserted)} of {count} deliveries were stored meanwhile")
    return [
        AppendResult(id=event_id, duplicate_of=duplicate_of)
        for event_id, duplicate_of in zip(ids, duplicates, strict=True)
    ]


def _insert_alone(conn: Conn, item: _Append) -> AppendResult | Exception:
    """``item`` in a savepoint of the open transaction; refused, what can be kept of it.

    A failure of the connection itself is raised: the whole group fails then.
    """
    for _attempt in range(_RACE_ATTEMPTS):
        try:
            with conn.transaction():
                return _insert_group(conn, [item.row])[0]
        except _GroupRaced:
            continue  # its delivery was stored meanwhile: the look-up now finds it
        except Exception as exc:
            if not row_refused(exc):
                raise
            log.warning("event store refused an event (%s); keeping it as unstorable", exc)
            item.record = unstorable_record(item.record, exc)
            try:
                item.row = encode_pg_record(item.record)
                with conn.transaction():
                    return _insert_group(conn, [item.row])[0]
            except Exception as again:
                if not row_refused(again):
                    raise
                return again
    return _GroupRaced("its delivery kept being stored by another writer meanwhile")


# Tries of one row that another writer's insert of the same delivery keeps racing.
_RACE_ATTEMPTS = 3


def row_refused(exc: Exception) -> bool:
    """Whether ``exc`` may be one row's fault: the database refused what it was given,
    as opposed to a lost connection, a race or a conflict worth trying again whole."""
    if isinstance(exc, _GroupRaced) or _lost_connection(exc):
        return False
    if isinstance(exc, psycopg.errors.SerializationFailure | psycopg.errors.DeadlockDetected):
        return False
    # The server itself in trouble (disk full, out of memory, shutting down), or a lock
    # another session holds (55P03): every row would fail alike.
    if isinstance(exc, InsertOrderLockBusy):
        return False
    sqlstate = getattr(exc, "sqlstate", None) or ""
    if sqlstate.startswith(("53", "55", "57", "58")):
        return False
    # ValueError, TypeError: a value psycopg could not send.
    return isinstance(exc, psycopg.DatabaseError | ValueError | TypeError)


def _lost_connection(exc: BaseException) -> bool:
    """Whether ``exc`` says the connection to the server broke (not a query's error)."""
    return isinstance(exc, psycopg.OperationalError) and _connection_failed(exc)


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, _GroupRaced):
        return True
    if isinstance(exc, psycopg.errors.SerializationFailure | psycopg.errors.DeadlockDetected):
        return True
    return isinstance(exc, psycopg.OperationalError) and _connection_failed(exc)


def _connection_failed(exc: psycopg.OperationalError) -> bool:
    """The connection broke (server restart, network), as opposed to a query's error."""
    sqlstate = getattr(exc, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate.startswith("57P")


def _delete_oldest(conn: Conn, condition: str, params: tuple[Any, ...], limit: int) -> int:
    """Delete up to ``limit`` of the oldest events matching ``condition``."""
    # ``condition`` is one of our own constants; its values arrive as parameters.
    sql = (
        "DELETE FROM events WHERE id IN ("  # noqa: S608
        f"SELECT id FROM events WHERE {condition} ORDER BY id LIMIT %s)"
    )
    with conn.transaction():
        conn.execute(_NO_READ_TIMEOUT)
        return conn.execute(sql, (*params, limit)).rowcount


# Deletes by retention and purges are not the reads the pool's statement timeout is for:
# waiting for another trimmer, or a large batch, must not cut them short.
_NO_READ_TIMEOUT = "SET LOCAL statement_timeout = 0"
