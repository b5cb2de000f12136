"""Bringing a PostgreSQL database up to the store's schema.

Applied versions are rows of ``schema_migrations``. Migrating runs in one transaction under
an advisory lock, so two listeners that start together migrate once: the second waits,
then finds nothing left to do. A database migrated by a newer console is refused with the
same :class:`~console.store.schema.SchemaTooNewError` the SQLite store raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg

from console.store.postgres import locks
from console.store.postgres.migrations import MIGRATIONS, SCHEMA_VERSION, Migration
from console.store.schema import SchemaTooNewError

_CREATE_VERSIONS = """
CREATE TABLE schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


# How long a migration waits for another one (under the same lock) to finish.
MIGRATE_LOCK_WAIT_SECONDS = 120


class SchemaMissingError(LookupError):
    """The database has no event store yet, and the caller asked not to create one."""


class SchemaOutdatedError(RuntimeError):
    """The schema is older than this console and this login may not upgrade it."""


def applied_version(conn: psycopg.Connection[tuple[Any, ...]]) -> int | None:
    """The newest migration applied to the database, or None when it has no store."""
    # A plain query of pg_class, not to_regclass(): that reads the catalog cache, which
    # may still miss a table another session created while this one waited for the lock.
    found = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relname = 'schema_migrations' AND n.nspname = current_schema())"
    ).fetchone()
    if not found or not found[0]:
        return None
    row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


def pending(version: int | None) -> tuple[Migration, ...]:
    return tuple(m for m in MIGRATIONS if m.version > (version or 0))


def migrate(
    conn: psycopg.Connection[tuple[Any, ...]],
    *,
    create: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int | None:
    """Apply every pending migration; returns the version found before (None: no store).

    ``conn`` must be in autocommit mode. ``create=False`` refuses to create a store where
    there is none (:class:`SchemaMissingError`). A login without the right to change the
    schema gets :class:`SchemaOutdatedError` when there is something to apply. The
    migrations' backfills run after the commit (:func:`finish_backfills`), and
    ``progress`` hears how many rows they have rewritten.
    """
    found = applied_version(conn)
    _refuse_newer(found)
    if found == SCHEMA_VERSION:
        # Nothing to do: no lock, no DDL, so a role without CREATE may open the store.
        return found
    if found is None and not create:
        raise SchemaMissingError("the database has no event store")
    try:
        with conn.transaction():
            # Bounded: another migration is done in seconds; a session that sits on the
            # key fails this one with the lock's error instead of hanging every start.
            conn.execute(
                "SELECT set_config('lock_timeout', %s, true)", (f"{MIGRATE_LOCK_WAIT_SECONDS}s",)
            )
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (locks.NAMESPACE, locks.MIGRATE))
            # Read again under the lock: another process may have migrated meanwhile.
            version = applied_version(conn)
            _refuse_newer(version)
            if version is None:
                conn.execute(_CREATE_VERSIONS)
            for migration in pending(version):
                conn.execute(migration.sql)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    (migration.version, migration.name),
                )
    except psycopg.errors.InsufficientPrivilege as exc:
        raise SchemaOutdatedError(
            f"the event store's schema is at version {found or 0}, this console needs "
            f"{SCHEMA_VERSION}, and this login may not upgrade it: run "
            "`b24-console store migrate URL` as the database's owner"
        ) from exc
    finish_backfills(conn, progress)
    return found


def finish_backfills(
    conn: psycopg.Connection[tuple[Any, ...]], progress: Callable[[int], None] | None = None
) -> int:
    """Run what the migrations' backfills left to do (all of it, or where one stopped).

    Each backfill keeps its own place, so this is cheap when there is nothing left, and
    picks an interrupted one up. Returns how many rows were rewritten.
    """
    return sum(migration.backfill(conn, progress) for migration in MIGRATIONS if migration.backfill)


def _refuse_newer(version: int | None) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"event store schema version {version} is newer than this console ({SCHEMA_VERSION})"
        )
