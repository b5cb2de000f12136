"""What a store offers a team beyond events: who is connected, and whether the link is up.

Front ends reach these through the store (``EventStore.presence()``,
``EventStore.follow()``) and never learn which store they talk to: a local SQLite store
answers None for presence (nobody else can be connected to a file on this desktop) and
is always "connected"; a team database answers from its tables.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

# How often a window says it is still there, and how long after its last word it counts
# as gone (three missed heartbeats: a busy machine or a short network blip is not leaving).
HEARTBEAT_SECONDS = 10.0
PRESENT_WITHIN_SECONDS = 30.0

# What a presence row is: an operator's window, or a listener (headless or a window's child).
ROLE_CONSOLE = "console"
ROLE_LISTENER = "listener"


@dataclass(frozen=True)
class PresenceMember:
    """One running window (or listener) as it introduces itself to the team."""

    operator: str
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    role: str = ROLE_CONSOLE
    # A listener's: the address it listens on, and the profiles whose portal it polls
    # (the catch-up leases it holds now). A window leaves them empty.
    address: str = ""
    polling: tuple[str, ...] = ()


@dataclass(frozen=True)
class PresenceEntry:
    """Someone the team database has heard from recently."""

    session_id: str
    operator: str
    host: str
    pid: int
    role: str
    started_at: datetime
    last_seen: datetime
    address: str = ""
    polling: tuple[str, ...] = ()

    @property
    def is_listener(self) -> bool:
        return self.role == ROLE_LISTENER


class TeamPresence(Protocol):
    """The presence table of a team database."""

    def heartbeat(self, member: PresenceMember) -> None:
        """Say ``member`` is still there (insert on the first call)."""

    def present(self, within_seconds: float = PRESENT_WITHIN_SECONDS) -> list[PresenceEntry]:
        """Everyone heard from within ``within_seconds``, by operator name."""

    def leave(self, member: PresenceMember) -> None:
        """Remove ``member`` at once (a window that closes)."""


# Called with False when the store's link to its database is lost, True when it is back
# (and the rows missed meanwhile have been delivered). Never called for a local file.
ConnectionListener = Callable[[bool], None]


@dataclass(frozen=True)
class StoreDescription:
    """Which store a window is on, in words for the status bar."""

    # True for a team database, False for the desktop's own file.
    shared: bool
    # The file's path, or host/db (never a password).
    where: str
