"""A listener in its own process, so that a test can watch its memory from outside.

    python -m tests.listener.memory_runner STORE PORTFILE

STORE is a SQLite file or a ``postgresql://`` URL (its password in ``B24_TEST_PG_PASSWORD``).
Writes the bound port to PORTFILE once serving, then serves until SIGTERM.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.store import SqliteEventStore
from console.store.location import parse_store_url
from console.store.model import EventStore
from console.store.postgres import PostgresEventStore
from tests.listener.conftest import credentials


def open_store(spec: str) -> EventStore:
    if spec.startswith("postgresql://"):
        return PostgresEventStore(parse_store_url(spec), os.environ["B24_TEST_PG_PASSWORD"])
    return SqliteEventStore(Path(spec))


def main(spec: str, port_file: Path) -> None:
    store = open_store(spec)
    server = ListenerServer(store, credentials(), ListenerSettings(port=0))
    server.start()
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(str(server.port))
    os.replace(tmp, port_file)
    signal.signal(signal.SIGTERM, lambda *_: (server.stop(), store.close(), sys.exit(0)))
    while True:
        signal.pause()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
