"""The team store: events in a shared PostgreSQL database (psycopg 3)."""

from __future__ import annotations

from console.store.postgres.notifications import ConnectionState
from console.store.postgres.store import PostgresEventStore, PostgresStoreNotFound

__all__ = ["ConnectionState", "PostgresEventStore", "PostgresStoreNotFound"]
