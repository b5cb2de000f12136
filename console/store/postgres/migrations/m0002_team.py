"""Migration 2: the team's shared REST bucket (one row per portal) and the presence table.

See :mod:`console.store.postgres.team` for how they are used.
"""

SQL = """
CREATE TABLE rest_buckets (
    portal     text PRIMARY KEY,
    level      double precision NOT NULL DEFAULT 0 CHECK (level >= 0),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE presence (
    session_id text PRIMARY KEY,
    operator   text NOT NULL,
    host       text NOT NULL,
    pid        integer NOT NULL,
    role       text NOT NULL DEFAULT 'console',
    started_at timestamptz NOT NULL DEFAULT now(),
    last_seen  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX presence_last_seen ON presence (last_seen);
"""
