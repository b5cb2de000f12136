"""The PostgreSQL advisory locks the team store takes, in one place so that none collide.

Every key is a pair ``(NAMESPACE, n)``: ``pg_advisory_lock(int, int)`` keys live apart from
the single-``bigint`` ones other software on the same database might use.
"""

from __future__ import annotations

from typing import Any

import psycopg

# "b24c" as a 32-bit integer: ours, recognisable in pg_locks.
NAMESPACE = 1647460215
# Held by every transaction that inserts events (the trigger takes it too): ids are
# handed out and committed in one order. Since migration 4 its second key is derived from
# a random salt of the database that no team role can read (``b24_lock_key``), so a login
# cannot take it ahead of time; the old fixed key 1 is no longer used.
INSERT_ORDER_NAME = "insert-order"
TAKE_INSERT_ORDER = "SELECT b24_take_insert_order_lock()"
# How long an insert waits for the lock before it fails and names the holder: less than
# the listener's own wait for a commit, so the portal hears why.
INSERT_ORDER_WAIT_SECONDS = 10
# Held while the schema is migrated, so two listeners starting together do not both run it.
MIGRATE = 2
# Held while retention trims to its count cap: two stores would both cut the same excess.
RETENTION = 3
# Numbers from 100 on are free for other parts of the team store (the poller, presence).

# "b24p": a namespace of its own for the leases on team-wide jobs (catch-up polling of a
# portal): ``(LEASE_NAMESPACE, salted hash of the job's name)``, see leases.py. Hashed keys
# could land on any number, so they stay out of the store's own namespace above.
LEASE_NAMESPACE = 1647460464

# Who holds one of the salted locks ('insert-order', or 'lease:NAME'): pid, login,
# application, since when.
HOLDERS = "SELECT pid, login, application, since FROM b24_lock_holders(%s::text)"


def describe_holders(rows: list[tuple[object, ...]]) -> str:
    """``pid 123 (login mallory, application 'psql')``, or that nobody holds it now."""
    if not rows:
        return "no session holds it now"
    parts = []
    for pid, login, application, since in rows:
        where = f"login {login or '?'}, application {str(application or '')!r}"
        if since is not None:
            where += f", since {since}"
        parts.append(f"pid {pid} ({where})")
    return "held by " + "; ".join(parts)


def insert_order_holders(conn: psycopg.Connection[tuple[Any, ...]]) -> str:
    """Who holds the insert-order lock now, asked on ``conn`` (:func:`describe_holders`),
    or that it cannot be read: for the error of a wait on it that ran out."""
    try:
        rows = conn.execute(HOLDERS, (INSERT_ORDER_NAME,)).fetchall()
    except psycopg.Error as exc:
        return f"its holder cannot be read ({type(exc).__name__})"
    return describe_holders(rows)
