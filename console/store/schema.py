"""The SQLite schema of the event store and the migrations that build it.

``PRAGMA user_version`` holds the number of migration steps applied. Step ``n`` in
:data:`MIGRATIONS` takes a database from version ``n`` to ``n + 1``; a later version of
the console appends steps and never edits the ones already shipped.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from console.store.summary import summarize

log = logging.getLogger(__name__)

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

# The key of one row of ``event_counts`` for the row ``{row}`` of ``events``. A profile-less
# event counts under profile '' with no_profile = 1: key columns cannot be NULL, because
# NULLs never conflict and every insert would then add a row instead of counting.
_COUNT_KEY = (
    "{row}.source, {row}.event, {row}.verification, ifnull({row}.profile, ''), "
    "{row}.profile IS NULL, {row}.duplicate_of IS NOT NULL, {row}.pinned != 0"
)
_COUNT_COLUMNS = "source, event, verification, profile, no_profile, duplicate, pinned"
_COUNT_MATCH = (
    "source = {row}.source AND event = {row}.event AND verification = {row}.verification "
    "AND profile = ifnull({row}.profile, '') AND no_profile = ({row}.profile IS NULL) "
    "AND duplicate = ({row}.duplicate_of IS NOT NULL) AND pinned = ({row}.pinned != 0)"
)
_COUNT_UP = (
    f"INSERT INTO event_counts ({_COUNT_COLUMNS}, n) VALUES ({_COUNT_KEY}, 1) "  # noqa: S608
    f"ON CONFLICT ({_COUNT_COLUMNS}) DO UPDATE SET n = n + 1;"
)
_COUNT_DOWN = f"UPDATE event_counts SET n = n - 1 WHERE {_COUNT_MATCH};"  # noqa: S608

_V2: tuple[str, ...] = (
    # The feed's one-line summary, computed when the event is stored so that reading a page
    # never parses payloads. Rows stored before this step keep NULL and are summarised when
    # read (see rows.py): rewriting every row here would make the first start after an
    # upgrade take minutes on a large store.
    "ALTER TABLE events ADD COLUMN summary TEXT",
    # How many events there are per combination of the feed's coarse dimensions, kept
    # exact by triggers. The sidebar's live counts (All, Rejected, Horoshop, Pinned, ...)
    # are sums over a few hundred rows here instead of a scan of a million events: without
    # it ``duplicate_of IS NULL`` alone cost a second.
    """
    CREATE TABLE event_counts (
        source TEXT NOT NULL,
        event TEXT NOT NULL,
        verification TEXT NOT NULL,
        profile TEXT NOT NULL,
        no_profile INTEGER NOT NULL,
        duplicate INTEGER NOT NULL,
        pinned INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (source, event, verification, profile, no_profile, duplicate, pinned)
    ) WITHOUT ROWID
    """,
    f"""
    INSERT INTO event_counts ({_COUNT_COLUMNS}, n)
        SELECT {_COUNT_KEY.format(row="events")}, count(*) FROM events
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    """,  # noqa: S608 (our own expression, no input)
    f"""
    CREATE TRIGGER events_counts_insert AFTER INSERT ON events BEGIN
        {_COUNT_UP.format(row="new")}
    END
    """,
    f"""
    CREATE TRIGGER events_counts_delete AFTER DELETE ON events BEGIN
        {_COUNT_DOWN.format(row="old")}
    END
    """,
    # Only ``pinned`` changes today; the other key columns are listed so that a later
    # change to them cannot make the counts drift silently.
    f"""
    CREATE TRIGGER events_counts_update
        AFTER UPDATE OF source, event, verification, profile, duplicate_of, pinned ON events
    BEGIN
        {_COUNT_DOWN.format(row="old")}
        {_COUNT_UP.format(row="new")}
    END
    """,
    # Newest-first pages of the Rejected/Malformed and Horoshop/Catch-up views: without
    # these a rare state or source means walking back through every newer event.
    "CREATE INDEX events_verification ON events(verification, id)",
    "CREATE INDEX events_source ON events(source, id)",
    # The indexed words, in order: a search spells a prefix out into the words it matches
    # (see filters.build_fts_query). A view over the index: it stores nothing.
    "CREATE VIRTUAL TABLE events_fts_terms USING fts5vocab(events_fts, 'row')",
)

_V3: tuple[str, ...] = (
    # The change log: what this console changed on a portal, kept beside the events so an
    # order's timeline shows both. ``at_us`` as in ``events``; before/after are JSON.
    """
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at_us INTEGER NOT NULL,
        operator TEXT NOT NULL,
        profile TEXT NOT NULL,
        kind TEXT NOT NULL,
        action TEXT NOT NULL,
        order_id TEXT,
        entity_id TEXT,
        before TEXT,
        after TEXT,
        outcome TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX changes_order ON changes(order_id, id) WHERE order_id IS NOT NULL",
    "CREATE INDEX changes_profile ON changes(profile, id)",
)

# From step 4 the index has three columns: the payload (as before), the feed's summary and
# the reason a refused event was refused (what the feed shows in its place), so a search
# finds what the operator reads in the feed. Columns, not one text: a phrase never spans
# the end of one and the start of the next. Named apart from the events' columns, which
# searches join to the index. The delete trigger must give exactly the
# values the insert trigger indexed, so both use these expressions, and ``summary`` and
# ``verification_reason`` are never updated (step 4 fills the summaries step 1 left NULL).
_FTS_COLUMNS = "body, summary_words, reason_words"
_FTS_VALUES = _FTS_TEXT + ", coalesce({row}.summary, ''), coalesce({row}.verification_reason, '')"
# Rows summarised per statement while filling in the summaries of version-1 rows.
_SUMMARY_BATCH = 1000


def _fill_summaries(conn: sqlite3.Connection) -> None:
    """Store the summary of rows kept before step 2, as the feed computes it on reading."""
    last_id = 0
    while True:
        rows = conn.execute(
            "SELECT id, source, event, payload FROM events "
            "WHERE summary IS NULL AND id > ? ORDER BY id LIMIT ?",
            (last_id, _SUMMARY_BATCH),
        ).fetchall()
        if not rows:
            return
        conn.executemany(
            "UPDATE events SET summary = ? WHERE id = ?",
            [
                (summarize(source, event, None if payload is None else json.loads(payload)), id_)
                for id_, source, event, payload in rows
            ],
        )
        last_id = rows[-1][0]


def _index_summaries(conn: sqlite3.Connection) -> None:
    """The full-text index includes the summary and the refusal reason, for every row."""
    (events,) = conn.execute("SELECT count(*) FROM events").fetchone()
    if events:
        # Nothing else to show meanwhile: the store opens when this is done.
        log.warning(
            "rebuilding the search index of %d events for schema version 4 "
            "(about a minute per million events); the store opens when it is done",
            events,
        )
    _fill_summaries(conn)
    for statement in (
        "DROP TRIGGER events_fts_insert",
        "DROP TRIGGER events_fts_delete",
        "DROP TABLE events_fts_terms",
        # Contentless: the old words of a row cannot be told apart from new ones, so the
        # index is built again from the events rather than patched.
        "DROP TABLE events_fts",
        f"""
        CREATE VIRTUAL TABLE events_fts USING fts5(
            {_FTS_COLUMNS}, content='', tokenize='unicode61 remove_diacritics 2'
        )
        """,
        f"""
        INSERT INTO events_fts(rowid, {_FTS_COLUMNS})
            SELECT id, {_FTS_VALUES.format(row="events")} FROM events
        """,  # noqa: S608 (our own expression, no input)
        f"""
        CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
            INSERT INTO events_fts(rowid, {_FTS_COLUMNS})
                VALUES (new.id, {_FTS_VALUES.format(row="new")});
        END
        """,  # noqa: S608 (our own expression, no input)
        f"""
        CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
            INSERT INTO events_fts(events_fts, rowid, {_FTS_COLUMNS})
                VALUES ('delete', old.id, {_FTS_VALUES.format(row="old")});
        END
        """,  # noqa: S608 (our own expression, no input)
        "CREATE VIRTUAL TABLE events_fts_terms USING fts5vocab(events_fts, 'row')",
    ):
        conn.execute(statement)


Migration = Sequence[str] | Callable[[sqlite3.Connection], None]

_V4: Migration = _index_summaries

MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3, _V4)
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
