"""The PostgreSQL store's schema, as numbered migrations.

Each migration is a module ``mNNNN_<name>.py`` with one ``SQL`` string; :data:`MIGRATIONS`
lists them in order. A migration that rewrites existing rows does it in a ``backfill`` run
after its transaction, in short transactions of its own, so the table is never locked
for the whole rewrite. A migration, once shipped, is never edited: a later console adds the
next number. The versions applied to a database are rows of ``schema_migrations``
(see :mod:`console.store.postgres.schema`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from console.store.postgres.migrations import (
    m0001_events,
    m0002_team,
    m0003_listener_presence,
    m0004_team_hardening,
    m0005_summary_search,
)

# Rewrites rows after the migration's commit; resumable; returns how many it rewrote and
# reports the running count to the callback.
Backfill = Callable[[psycopg.Connection[tuple[Any, ...]], Callable[[int], None] | None], int]


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str
    backfill: Backfill | None = None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "events", m0001_events.SQL),
    Migration(2, "team", m0002_team.SQL),
    Migration(3, "listener presence", m0003_listener_presence.SQL),
    Migration(4, "team hardening", m0004_team_hardening.SQL),
    Migration(5, "summary search", m0005_summary_search.SQL, m0005_summary_search.backfill),
)
SCHEMA_VERSION = MIGRATIONS[-1].version
