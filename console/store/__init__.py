"""The durable event store: what the listener writes and the feed, CLI and GUI read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from console.store.location import StoreKind, StoreLocation, StoreUrlError, parse_store_url
from console.store.model import (
    AppendResult,
    ChangeKind,
    ChangeOutcome,
    ChangeRecord,
    EventFilter,
    EventRecord,
    EventSource,
    EventStore,
    EventSubscriber,
    ExportFormat,
    FeedRow,
    LocalLease,
    OrderRef,
    OrderSystem,
    PollerLease,
    PollerLocking,
    QueryError,
    RetentionPolicy,
    StoreClosedError,
    StoredChange,
    StoredEvent,
    StoreNotFound,
    Verification,
)
from console.store.schema import SCHEMA_VERSION, SchemaTooNewError
from console.store.sqlite import SqliteEventStore

if TYPE_CHECKING:
    from console.core.settings import Settings

__all__ = [
    "SCHEMA_VERSION",
    "AppendResult",
    "ChangeKind",
    "ChangeOutcome",
    "ChangeRecord",
    "EventFilter",
    "EventRecord",
    "EventSource",
    "EventStore",
    "EventSubscriber",
    "ExportFormat",
    "FeedRow",
    "LocalLease",
    "OrderRef",
    "OrderSystem",
    "PollerLease",
    "PollerLocking",
    "QueryError",
    "RetentionPolicy",
    "SchemaTooNewError",
    "SqliteEventStore",
    "StoreClosedError",
    "StoreKind",
    "StoreLocation",
    "StoreNotFound",
    "StoreUrlError",
    "StoredChange",
    "StoredEvent",
    "Verification",
    "as_location",
    "configured_location",
    "open_store",
    "parse_store_url",
]


def configured_location(settings: Settings | None = None) -> StoreLocation:
    """The store the settings choose: ``store_url`` if set, else the SQLite ``store_path``.

    Raises :class:`StoreUrlError` naming the setting when ``store_url`` cannot be used.
    """
    if settings is None:
        from console.core.settings import load_settings

        settings = load_settings()
    if settings.store_url is None or not settings.store_url.strip():
        return StoreLocation.sqlite(settings.resolved_store_path())
    try:
        return parse_store_url(settings.store_url)
    except StoreUrlError as exc:
        from console.core.settings import settings_path

        raise StoreUrlError(f"store_url in {settings_path()}: {exc}") from None


def as_location(where: StoreLocation | Path | str) -> StoreLocation:
    """A location from a location, a SQLite file path, or a store URL."""
    if isinstance(where, StoreLocation):
        return where
    if isinstance(where, Path):
        return StoreLocation.sqlite(where)
    return parse_store_url(where)


def open_store(
    where: StoreLocation | Path | str | None = None,
    *,
    retention: RetentionPolicy | None = None,
    create: bool = True,
    interactive: bool = False,
) -> EventStore:
    """Open the store at ``where`` (a location, a SQLite path or a URL; default: settings).

    ``retention``: applied now and every few minutes in the background until close().
    ``create=False``: raise :class:`StoreNotFound` instead of creating a missing SQLite
    store (and its directory), as commands that only read must. A PostgreSQL store is
    never created here (``b24-console store init`` does it): its password comes from
    :mod:`console.store.postgres.password` (``interactive``: a command on a terminal may
    ask for it), and a wrong password, an unreachable server or a missing schema raise the
    typed errors of :mod:`console.store.postgres.access`.
    """
    location = configured_location() if where is None else as_location(where)
    if location.is_postgres:
        from console.store.postgres.access import open_postgres_store

        return open_postgres_store(location, retention=retention, interactive=interactive)
    assert location.path is not None
    return SqliteEventStore(location.path, retention=retention, create=create)
