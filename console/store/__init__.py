"""The durable event store: what the listener writes and the feed, CLI and GUI read."""

from __future__ import annotations

from pathlib import Path

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
    RetentionPolicy,
    StoreClosedError,
    StoredChange,
    StoredEvent,
    StoreNotFound,
    Verification,
)
from console.store.schema import SCHEMA_VERSION, SchemaTooNewError
from console.store.sqlite import SqliteEventStore

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
    "RetentionPolicy",
    "SchemaTooNewError",
    "SqliteEventStore",
    "StoreClosedError",
    "StoreNotFound",
    "StoredChange",
    "StoredEvent",
    "Verification",
    "open_store",
]


def open_store(
    path: Path | str | None = None,
    *,
    retention: RetentionPolicy | None = None,
    create: bool = True,
) -> EventStore:
    """Open (creating or migrating) the store at ``path``, by default the settings' path.

    ``retention``: applied now and every few minutes in the background until close().
    ``create=False``: raise :class:`StoreNotFound` instead of creating a missing store
    (and its directory), as commands that only read must.
    """
    if path is None:
        from console.core.settings import load_settings

        path = load_settings().resolved_store_path()
    return SqliteEventStore(path, retention=retention, create=create)
