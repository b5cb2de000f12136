"""Migration 5: an event's search vector holds its summary and refusal reason too.

The feed shows a refused event's reason in place of its summary, so an operator searches
for what they read there ("wrong token"). New rows get the words when they are stored
(:func:`console.store.postgres.search.event_vector`). Rows stored before are rewritten
by :func:`backfill`, after the migration's transaction, a batch at a time in short
transactions of their own: one transaction over every row would keep each of them locked
(and a pin waiting) until the last was done. Where it got to is a row of ``cursors``, so
an interrupted backfill resumes where it stopped (``b24-console store migrate``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import psycopg

from console.store.postgres.search import event_vector
from console.store.summary import summarize

# The cursor holds the highest id whose vector is still to be rewritten.
CURSOR = "migration 5: search vectors to rewrite up to id"
# Rows per transaction: each holds its rows' locks for a few tens of milliseconds.
BATCH = 1000

SQL = f"""
INSERT INTO cursors (name, value)
    SELECT '{CURSOR}', coalesce(max(id), 0)::text FROM events
    ON CONFLICT (name) DO UPDATE SET value = excluded.value;
"""  # noqa: S608 (our own constant)

_SELECT = (
    "SELECT id, source, event, payload, raw_body, summary, verification_reason "
    "FROM events WHERE id <= %s ORDER BY id DESC LIMIT %s"
)
# One statement per batch; the GIN index takes the new vectors in its pending list.
_UPDATE = (
    "UPDATE events SET search = v.search::tsvector "
    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, search) WHERE events.id = v.id"
)


def _vector(row: tuple[Any, ...]) -> str:
    _id, source, event, payload, raw_body, summary, reason = row
    if summary is None:
        # As the feed summarises a row that has no stored summary, when it reads it.
        summary = summarize(source, event, None if payload is None else json.loads(payload))
    return event_vector(payload, bytes(raw_body), summary, reason)


def pending(conn: psycopg.Connection[tuple[Any, ...]]) -> int | None:
    """The highest id still to rewrite, or None when there is nothing left to do."""
    row = conn.execute("SELECT value FROM cursors WHERE name = %s", (CURSOR,)).fetchone()
    return None if row is None else int(row[0])


def backfill(
    conn: psycopg.Connection[tuple[Any, ...]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rewrite the vectors of the rows stored before migration 5; returns how many.

    ``conn`` in autocommit mode; ``progress`` hears the running count after each batch.
    Newest rows first, so recent events are searchable by their summary soonest.
    """
    done = 0
    upto = pending(conn)
    while upto is not None:
        with conn.transaction():
            rows = conn.execute(_SELECT, (upto, BATCH)).fetchall()
            if rows:
                conn.execute(_UPDATE, ([row[0] for row in rows], [_vector(row) for row in rows]))
                upto = int(rows[-1][0]) - 1
                conn.execute("UPDATE cursors SET value = %s WHERE name = %s", (str(upto), CURSOR))
            else:
                conn.execute("DELETE FROM cursors WHERE name = %s", (CURSOR,))
                upto = None
        done += len(rows)
        if progress is not None and rows:
            progress(done)
    return done
