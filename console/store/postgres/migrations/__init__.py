"""The PostgreSQL store's schema, as numbered migrations.

Each migration is a module ``mNNNN_<name>.py`` with one ``SQL`` string; :data:`MIGRATIONS`
lists them in order. A migration, once shipped, is never edited: a later console adds the
next number. The versions applied to a database are rows of ``schema_migrations``
(see :mod:`console.store.postgres.schema`).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.store.postgres.migrations import (
    m0001_events,
    m0002_team,
    m0003_listener_presence,
    m0004_team_hardening,
)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "events", m0001_events.SQL),
    Migration(2, "team", m0002_team.SQL),
    Migration(3, "listener presence", m0003_listener_presence.SQL),
    Migration(4, "team hardening", m0004_team_hardening.SQL),
)
SCHEMA_VERSION = MIGRATIONS[-1].version
