"""The PostgreSQL advisory locks the team store takes, in one place so that none collide.

Every key is a pair ``(NAMESPACE, n)``: ``pg_advisory_lock(int, int)`` keys live apart from
the single-``bigint`` ones other software on the same database might use.
"""

from __future__ import annotations

# "b24c" as a 32-bit integer: ours, recognisable in pg_locks.
NAMESPACE = 1647460215
# Held by every transaction that inserts events (the trigger in migration 0001 takes it
# too): ids are handed out and committed in one order.
INSERT_ORDER = 1
# Held while the schema is migrated, so two listeners starting together do not both run it.
MIGRATE = 2
# Held while retention trims to its count cap: two stores would both cut the same excess.
RETENTION = 3
# Numbers from 100 on are free for other parts of the team store (the poller, presence).

# "b24p": a namespace of its own for the leases on team-wide jobs (catch-up polling of a
# portal): ``(LEASE_NAMESPACE, hash of the job's name)``, see leases.py. Hashed keys
# could land on any number, so they stay out of the store's own namespace above.
LEASE_NAMESPACE = 1647460464
