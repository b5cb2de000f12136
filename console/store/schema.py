"""The SQLite schema of the event store and the migrations that build it.

``PRAGMA user_version`` holds the number of migration steps applied. Step ``n`` in
:data:`MIGRATIONS` takes a database from version ``n`` to ``n + 1``; a later version of
the console appends steps and never edits the ones already shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

# Text the full-text index holds for one row: the parsed payload as JSON, or, when there is
# none (malformed bodies), the raw body as text. The FTS table is contentless to avoid a
# second copy of every payload, so the delete trigger must rebuild exactly the same text:
# both triggers use this one expression.
_FTS_TEXT = "coalesce({row}.payload, CAST({row}.raw_body AS TEXT), '')"

_V1: tuple[str, ...] = (
    """
    CREATE TABLE events (
        -- AUTOINCREMENT: ids are never reused after a purge, so keyset paging, a feed that
        -- remembers ids and duplicate_of links never point at a different event.
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        -- Microseconds since the Unix epoch, UTC: exact round trip and correct ordering.
        received_us INTEGER NOT NULL,
        source TEXT NOT NULL,
        event TEXT NOT NULL,
        profile TEXT,
        entity_id TEXT,
        order_id TEXT,
        portal_domain TEXT,
        member_id TEXT,
        handler_id TEXT,
        ts TEXT,
        verification TEXT NOT NULL,
        verification_reason TEXT,
        remote_addr TEXT,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        content_type TEXT,
        headers TEXT NOT NULL,
        raw_body BLOB NOT NULL,
        payload TEXT,
        dedup_key TEXT,
        duplicate_of INTEGER,
        pinned INTEGER NOT NULL DEFAULT 0
    )
    """,
    # At most one original per delivery; duplicates point at it and are not constrained.
    """
    CREATE UNIQUE INDEX events_dedup_original ON events(dedup_key)
        WHERE dedup_key IS NOT NULL AND duplicate_of IS NULL
    """,
    # since/until and retention by age.
    "CREATE INDEX events_received ON events(received_us)",
    # Selective feed filters; the id column lets newest-first pages come straight off the index.
    "CREATE INDEX events_event ON events(event, id)",
    "CREATE INDEX events_entity ON events(entity_id, id) WHERE entity_id IS NOT NULL",
    "CREATE INDEX events_order ON events(order_id, id) WHERE order_id IS NOT NULL",
    "CREATE INDEX events_profile ON events(profile, id) WHERE profile IS NOT NULL",
    "CREATE INDEX events_pinned ON events(id) WHERE pinned = 1",
    """
    CREATE VIRTUAL TABLE events_fts USING fts5(
        body, content='', tokenize='unicode61 remove_diacritics 2'
    )
    """,
    f"""
    CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
        INSERT INTO events_fts(rowid, body) VALUES (new.id, {_FTS_TEXT.format(row="new")});
    END
    """,  # noqa: S608 (our own expression, no input)
    # Payload and raw body are never updated (only ``pinned`` is), so no UPDATE trigger.
    f"""
    CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, body)
            VALUES ('delete', old.id, {_FTS_TEXT.format(row="old")});
    END
    """,  # noqa: S608 (our own expression, no input)
    # Small named values that must survive restarts, e.g. the catch-up poller's position.
    "CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
)

Migration = Sequence[str] | Callable[[sqlite3.Connection], None]

MIGRATIONS: tuple[Migration, ...] = (_V1,)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNewError(Exception):
    """The file was written by a newer console; opening it could corrupt it."""


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open ``path`` with the store's pragmas; transactions are explicit (autocommit mode)."""
    # check_same_thread=False: the store hands each connection to exactly one thread at a
    # time (the writer, or a reader borrowing from the pool), and closes them from close().
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    # Another process (the CLI next to the GUI) may hold the write lock for a moment.
    conn.execute("PRAGMA busy_timeout = 10000")
    if read_only:
        conn.execute("PRAGMA query_only = 1")
        return conn
    # WAL: readers never wait for the writer, and the writer never waits for readers.
    conn.execute("PRAGMA journal_mode = WAL")
    # In WAL mode NORMAL loses nothing when the process is killed; only an OS crash or power
    # loss can drop the last transactions. FULL costs about 6x per commit. The listener's
    # promise is "committed before the 200", and a killed process is what it must survive.
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to :data:`SCHEMA_VERSION`; returns the version it found."""
    found = _user_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"event store schema version {found} is newer than this console ({SCHEMA_VERSION})"
        )
    if found == 0:
        # Only takes effect before the first table exists; lets purges hand space back.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read again under the write lock: another process may have migrated meanwhile.
            version = _user_version(conn)
            if version >= SCHEMA_VERSION:
                conn.execute("COMMIT")
                return found
            step = MIGRATIONS[version]
            if callable(step):
                step(conn)
            else:
                for statement in step:
                    conn.execute(statement)
            # PRAGMA takes no parameters; the value is our own integer.
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])
