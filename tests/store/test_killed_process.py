"""A process killed mid-write loses nothing it acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from console.store import EventFilter, SqliteEventStore

_CHILD = """
import sys
from datetime import UTC, datetime
from console.store import EventRecord, EventSource, SqliteEventStore, Verification

store = SqliteEventStore(sys.argv[1])
n = 0
while True:
    n += 1
    result = store.append(EventRecord(
        received_at=datetime.now(UTC), source=EventSource.BITRIX, event="ONSALEORDERSAVED",
        entity_id=str(n), verification=Verification.VERIFIED, raw_body=b"x" * 1500,
        payload={"n": n},
    ))
    print(result.id, flush=True)
"""


def test_every_acknowledged_event_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert child.stdout is not None
    acknowledged: list[int] = []
    try:
        for line in child.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) == 300:
                # Killed while it keeps writing: the next append is in flight.
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    # Anything already in the pipe was acknowledged too.
    acknowledged.extend(int(line) for line in child.stdout.read().split())
    child.stdout.close()
    assert len(acknowledged) >= 300

    with SqliteEventStore(path) as store:
        stored = {event.id for event in store.iter_events(EventFilter(include_duplicates=True))}
    assert set(acknowledged) <= stored
