"""A listener in its own process for the crash test.

    python -m tests.listener.crash_runner DB PORTFILE


Writes the bound port to PORTFILE once serving, then runs until killed.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.listener.verification import BitrixExpectation, StaticCredentialSource
from console.store import SqliteEventStore

TOKEN = "51856fefc120afa4b628cc82d3935cce"
DOMAIN = "some-domain.bitrix24.com"
MEMBER_ID = "a223c6b3710f85df22e9377d6c4f7553"


def main(db: Path, port_file: Path) -> None:
    store = SqliteEventStore(db)
    credentials = StaticCredentialSource({"shop": BitrixExpectation(TOKEN, DOMAIN, MEMBER_ID)})
    server = ListenerServer(store, credentials, ListenerSettings(port=0))
    server.start()
    # Rename is atomic: the parent never reads half a port number.
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(str(server.port))
    os.replace(tmp, port_file)
    # Killed with SIGKILL by the test; SIGTERM ends it cleanly when run by hand.
    signal.signal(signal.SIGTERM, lambda *_: (server.stop(), store.close(), sys.exit(0)))
    while True:
        signal.pause()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
