"""``--demo``: sandbox, listener and store wired together, in-process and as a process."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from console.demo import DEMO_ACTS, DemoSession, demo_description
from console.listener.child import ListenerChild
from console.store.model import EventFilter, EventSource, FeedRow, StoredEvent, Verification
from tests.e2e.test_listen_with_portal import CLI, REPO_ROOT, LineReader


def test_demo_activity_reaches_the_store_through_real_http(tmp_path: Path) -> None:
    with DemoSession(data_dir=tmp_path, activity_seconds=None, seed=7) as demo:
        committed: list[StoredEvent] = []
        arrived = threading.Condition()

        def on_commit(event: StoredEvent) -> None:
            with arrived:
                committed.append(event)
                arrived.notify_all()

        demo.store.subscribe(on_commit)
        with demo.client() as client:
            done = {kind: demo.act(kind, client) for kind in DEMO_ACTS}
            assert done["shipment status"].startswith("shipment ")
            shipment_id = int(done["shipment status"].split()[1])
            order_id = int(done["shipment status"].split()[4])
            status = done["shipment status"].split()[-1]
            assert client.orders.get(order_id).shipments[0].id == shipment_id
            assert client.orders.get(order_id).shipments[0].status_id == status
            picked = {demo.act_once(client).split()[0] for _ in range(40)}
        assert {"order", "property", "shipment"} <= picked

        def seen(source: EventSource, state: Verification, event: str | None = None) -> bool:
            return any(
                e.source is source and e.verification is state and event in (None, e.event)
                for e in committed
            )

        with arrived:
            assert arrived.wait_for(
                lambda: (
                    seen(EventSource.HOROSHOP, Verification.VERIFIED)
                    and seen(EventSource.BITRIX, Verification.REJECTED)
                    and seen(EventSource.BITRIX, Verification.VERIFIED, "ONSALEORDERSAVED")
                    and seen(
                        EventSource.BITRIX, Verification.VERIFIED, "ONPROPERTYVALUEENTITYSAVED"
                    )
                ),
                timeout=30,
            ), [(e.source, e.event, e.verification) for e in committed]
        property_id = done["property value"].split()[1]
        assert any(
            e.event == "ONPROPERTYVALUEENTITYSAVED" and e.entity_id == property_id
            for e in committed
        )
    assert (tmp_path / "events.sqlite3").exists()


def test_every_event_kind_arrives_in_the_first_seconds(tmp_path: Path) -> None:
    kinds: set[tuple[EventSource, str, Verification]] = set()
    arrived = threading.Condition()
    wanted = {
        (EventSource.BITRIX, "ONSALEORDERSAVED", Verification.VERIFIED),
        (EventSource.BITRIX, "ONPROPERTYVALUEENTITYSAVED", Verification.VERIFIED),
        (EventSource.BITRIX, "ONSALEORDERSAVED", Verification.REJECTED),
        (EventSource.HOROSHOP, "order_created", Verification.VERIFIED),
    }

    def on_commit(event: StoredEvent) -> None:
        with arrived:
            kinds.add((event.source, event.event, event.verification))
            arrived.notify_all()

    started = time.monotonic()
    # The window's demo: activity every 4 s, but one of each kind first.
    with DemoSession(data_dir=tmp_path, activity_seconds=4.0, seed=3) as demo:
        demo.store.subscribe(on_commit)
        with arrived:
            assert arrived.wait_for(lambda: wanted <= kinds, timeout=30), kinds
    assert time.monotonic() - started < 20


def test_demo_description_names_everything_a_script_needs(tmp_path: Path) -> None:
    with DemoSession(data_dir=tmp_path, activity_seconds=None) as demo:
        text = demo_description(demo)
        listener = demo.listener
        assert listener is not None
        for needed in (
            demo.portal.base_url,
            demo.portal.webhook_url,
            demo.portal.application_token,
            demo.portal.member_id,
            demo.bitrix_handler_url,
            demo.horoshop_handler_url,
            listener.base_url,
        ):
            assert needed in text
        assert "Ctrl-C" not in text  # the window has no Ctrl-C to press
    with pytest.raises(RuntimeError):
        _ = DemoSession(data_dir=tmp_path).store


def test_headless_demo_prints_events_and_stops_cleanly(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [*CLI, "--demo", "--headless", "--data-dir", str(tmp_path / "demo")],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out = LineReader(proc)
        out.wait_for("Sandbox portal on http://127.0.0.1:")
        out.wait_for("application_token:")
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
    # --data-dir: the demo's store is kept where it was asked for.
    assert (tmp_path / "demo" / "events.sqlite3").exists()


def test_the_windowed_demo_runs_its_listener_in_a_child_process(tmp_path: Path) -> None:
    """Intake in its own interpreter (issue 20): the demo's events still arrive, verified,
    resolved to their orders, and reach the window by following the store."""
    rows: list[FeedRow] = []
    arrived = threading.Condition()

    def on_rows(batch: list[FeedRow]) -> None:
        with arrived:
            rows.extend(batch)
            arrived.notify_all()

    demo = DemoSession(data_dir=tmp_path, activity_seconds=None, seed=5, listener="child")
    with demo:
        listener = demo.listener
        assert isinstance(listener, ListenerChild) and listener.running
        assert listener._process is not None and listener._process.pid != os.getpid()
        assert demo.resolver is None  # the child resolves, beside the listener
        stop_watching = demo.watch(on_rows)
        with demo.client() as client:
            done = {kind: demo.act(kind, client) for kind in DEMO_ACTS}
        property_id = done["property value"].split()[1]
        order_id = done["property value"].split()[4]

        def seen(source: str, state: str, event: str | None = None) -> bool:
            return any(
                row.source == source and row.verification == state and event in (None, row.event)
                for row in rows
            )

        with arrived:
            assert arrived.wait_for(
                lambda: (
                    seen("horoshop", "verified")
                    and seen("bitrix", "rejected")
                    and seen("bitrix", "verified", "ONSALEORDERSAVED")
                    and seen("bitrix", "verified", "ONPROPERTYVALUEENTITYSAVED")
                ),
                timeout=30,
            ), [(row.source, row.event, row.verification) for row in rows]
        # The child's resolver asked the sandbox which order the property belongs to.
        deadline = time.monotonic() + 30
        resolved: list[str | None] = []
        while time.monotonic() < deadline:
            resolved = [
                row.order_id
                for row in demo.store.query_rows(EventFilter(entity_id=property_id), limit=5)
            ]
            if order_id in resolved:
                break
            time.sleep(0.1)
        assert order_id in resolved
        stop_watching()
    assert not listener.running
