"""A listener in its own process under a small file descriptor limit.

    python -m tests.listener.fd_runner DB PORTFILE NOFILE

Logs to stderr (what a flood of failures would write), serves until SIGTERM.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import sys
from pathlib import Path

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.store import SqliteEventStore
from tests.listener.conftest import credentials


def main(db: Path, port_file: Path, nofile: int) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))
    store = SqliteEventStore(db)
    server = ListenerServer(store, credentials(), ListenerSettings(port=0, idle_timeout_seconds=30))
    server.start()
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(str(server.port))
    os.replace(tmp, port_file)
    signal.signal(signal.SIGTERM, lambda *_: (server.stop(), store.close(), sys.exit(0)))
    while True:
        signal.pause()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
