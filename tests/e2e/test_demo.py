"""``--demo``: sandbox, listener and store wired together, in-process and as a process."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

from console.demo import DemoSession
from console.store.model import EventFilter, EventSource, StoredEvent, Verification
from tests.e2e.test_listen_with_portal import CLI, REPO_ROOT, LineReader


def test_demo_activity_reaches_the_store_through_real_http(tmp_path: Path) -> None:
    with DemoSession(data_dir=tmp_path, activity_seconds=None, seed=7) as demo:
        assert demo.store is not None
        committed: list[StoredEvent] = []
        arrived = threading.Condition()

        def on_commit(event: StoredEvent) -> None:
            with arrived:
                committed.append(event)
                arrived.notify_all()

        demo.store.subscribe(on_commit)
        done: list[str] = []

        def kinds() -> set[str]:
            return {"order change" if kind.startswith("order ") else kind for kind in done}

        with demo.client() as client:
            while kinds() != {"horoshop order", "forged event", "order change"}:
                done.append(demo.act_once(client))
                assert len(done) < 200, done

        def seen(source: EventSource, state: Verification) -> bool:
            return any(e.source is source and e.verification is state for e in committed)

        with arrived:
            assert arrived.wait_for(
                lambda: (
                    seen(EventSource.HOROSHOP, Verification.VERIFIED)
                    and seen(EventSource.BITRIX, Verification.REJECTED)
                    and seen(EventSource.BITRIX, Verification.VERIFIED)
                ),
                timeout=30,
            ), [(e.source, e.verification) for e in committed]
        orders = [kind.split()[1] for kind in done if kind.startswith("order ")]
        stored = demo.store.query(EventFilter(sources=frozenset({EventSource.BITRIX})), limit=500)
        assert {e.order_id for e in stored if e.verification is Verification.VERIFIED} <= set(
            orders
        )
    assert (tmp_path / "events.sqlite3").exists()


def test_demo_command_prints_events_and_stops_cleanly() -> None:
    proc = subprocess.Popen(
        [*CLI, "--demo"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out = LineReader(proc)
        out.wait_for("Sandbox portal on http://127.0.0.1:")
        out.wait_for("Bitrix24 handler:", "/bitrix/demo")
        # The first catch-up pass or the first shop activity commits an event.
        out.wait_for("  verified")
        proc.send_signal(signal.SIGINT)
        out.wait_for("demo stopped")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
