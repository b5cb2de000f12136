"""Reaching a PostgreSQL store: one connection, and every way that can fail in plain words.

The store's own pool connects many times; this module makes the first connection, so that
a wrong password, an unreachable host, a missing database or a schema that was never
created is reported once, as one typed error, before anything starts. The messages here
are neutral; the command line adds the command to run next (see ``console.cli.store``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from console.store.location import StoreLocation
from console.store.postgres.password import StorePassword

if TYPE_CHECKING:
    import psycopg

    from console.store.model import EventStore, RetentionPolicy

log = logging.getLogger(__name__)

# Seconds to wait for the server before saying it cannot be reached (libpq waits forever).
CONNECT_TIMEOUT_SECONDS = 10
SCHEMA_TABLE = "schema_migrations"


class StoreAccessError(Exception):
    """The store cannot be used; the message says what is wrong with it."""

    def __init__(self, message: str, location: StoreLocation) -> None:
        super().__init__(message)
        self.location = location


class StoreUnreachable(StoreAccessError):
    """No PostgreSQL server answered at the location's host and port."""


class StoreAuthFailed(StoreAccessError):
    """The server refused the login: a wrong or missing password, or an unknown role."""


class StoreDatabaseMissing(StoreAccessError):
    """The server has no database of that name."""


class StoreSchemaMissing(StoreAccessError):
    """The database exists but holds no event store schema yet (``store init``)."""


class StoreSchemaOutdated(StoreAccessError):
    """The schema is older than this program needs (``store migrate``)."""

    def __init__(self, message: str, location: StoreLocation, found: int, wanted: int) -> None:
        super().__init__(message, location)
        self.found = found
        self.wanted = wanted


class StoreSchemaTooNew(StoreAccessError):
    """The schema was made by a newer b24-console than this one."""


def translate_connect_error(
    error: Exception, location: StoreLocation, password: StorePassword
) -> StoreAccessError:
    """A psycopg connection failure as one of the typed errors above."""
    import psycopg.errors

    where = location.display
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if (
        isinstance(
            error, psycopg.errors.InvalidPassword | psycopg.errors.InvalidAuthorizationSpecification
        )
        or "password authentication failed" in text
    ):
        return StoreAuthFailed(
            f"the database {where} refused the login with {password.described}", location
        )
    if "no password supplied" in text or "password is required" in text:
        extra = f" ({password.keyring_problem})" if password.keyring_problem else ""
        return StoreAuthFailed(
            f"the database {where} needs a password and none was found in the keyring, "
            f"B24_STORE_PASSWORD, PGPASSWORD or ~/.pgpass{extra}",
            location,
        )
    if isinstance(error, psycopg.errors.InvalidCatalogName) or "does not exist" in text:
        return StoreDatabaseMissing(
            f"the server {location.host}:{location.port} has no database {location.dbname!r}",
            location,
        )
    return StoreUnreachable(f"cannot reach the database {where}: {text}", location)


@contextmanager
def connect(
    location: StoreLocation, password: StorePassword, *, autocommit: bool = True
) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """One connection to ``location``, closed on leaving; typed errors when it fails."""
    import psycopg
    import psycopg.conninfo

    params: dict[str, str] = {"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)}
    params.update(location.conninfo_params(password.value))
    params.setdefault("application_name", "b24-console")
    conninfo = psycopg.conninfo.make_conninfo("", **params)
    try:
        conn = psycopg.connect(conninfo, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        raise translate_connect_error(exc, location, password) from None
    try:
        yield conn
    finally:
        conn.close()


def schema_version(conn: psycopg.Connection[tuple[object, ...]]) -> int | None:
    """The newest migration applied in this database, or None when it has no schema."""
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (SCHEMA_TABLE,)).fetchone()
    if row is None or not row[0]:
        return None
    found = conn.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA_TABLE}").fetchone()  # noqa: S608
    version = found[0] if found is not None else 0
    return int(version) if isinstance(version, int) else 0


def check_schema(
    conn: psycopg.Connection[tuple[object, ...]], location: StoreLocation, wanted: int
) -> int:
    """The schema version, after checking that this program can use it as it is."""
    found = schema_version(conn)
    if found is None or found == 0:
        raise StoreSchemaMissing(
            f"the database {location.display} has no event store schema yet", location
        )
    if found < wanted:
        raise StoreSchemaOutdated(
            f"the database {location.display} has schema version {found}; this b24-console "
            f"needs version {wanted}",
            location,
            found,
            wanted,
        )
    if found > wanted:
        raise StoreSchemaTooNew(
            f"the database {location.display} has schema version {found}, made by a newer "
            f"b24-console (this one knows up to {wanted}): upgrade b24-console",
            location,
        )
    return found


def may_delete_events(conn: psycopg.Connection[tuple[object, ...]]) -> bool:
    """Whether this login may delete events (the owner may; the team's roles may not)."""
    row = conn.execute("SELECT has_table_privilege('events', 'DELETE')").fetchone()
    return bool(row and row[0])


def expected_schema_version() -> int:
    """The newest migration this program knows: what a store it opens must have."""
    from console.store.postgres.migrations import MIGRATIONS

    return max((migration.version for migration in MIGRATIONS), default=0)


def open_postgres_store(
    location: StoreLocation,
    *,
    retention: RetentionPolicy | None = None,
    interactive: bool = False,
) -> EventStore:
    """Find the password, check the database once, then open the store on its pool.

    A password typed at the prompt is saved to the keyring only after the server took it.
    """
    from console.store.postgres.password import find_password, remember_password

    password = find_password(location, interactive=interactive)
    with connect(location, password) as conn:
        check_schema(conn, location, expected_schema_version())
        if retention is not None and not may_delete_events(conn):
            # The listener and console roles may not delete events (store init): retention
            # is the owner's, run by `events purge` or a process that logs in as the owner.
            log.info(
                "retention is not applied from this login (%s may not delete events)",
                location.user or "the default user",
            )
            retention = None
    problem = remember_password(location, password)
    if problem is not None:
        log.warning("%s", problem)
    from console.store.postgres.store import PostgresEventStore

    return PostgresEventStore(location, password.value, retention=retention, create=False)
