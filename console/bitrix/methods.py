"""Which REST methods only read: the retry policy repeats reads, never changes."""

from __future__ import annotations

_READ_SUFFIXES = (".get", ".list", ".getfields", ".getlistlangs", ".fields", ".current")
_READ_METHODS = frozenset({"profile", "server.time", "methods", "scope", "app.info", "event.get"})
# Named like reads but change state: event.offline.get deletes what it returns by default.
_MUTATING_READS = frozenset({"event.offline.get"})


def is_read_method(method: str) -> bool:
    """True when calling ``method`` twice is harmless. Unknown methods count as changes."""
    name = method.strip().lower()
    if name in _MUTATING_READS:
        return False
    return name in _READ_METHODS or name.endswith(_READ_SUFFIXES)
