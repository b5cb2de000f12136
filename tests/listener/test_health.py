"""/healthz says whether events can be kept; the listener will not start when they cannot."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import pytest

from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer, StoreNotWritable
from console.store import SqliteEventStore
from tests.listener.conftest import Running, credentials, sample
from tests.store.records import hold_writer

GENUINE = sample("bitrix-onsaleordersaved-app.form")


def test_healthz_reports_the_store(running: Running) -> None:
    response = running.client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["store"] == {
        "writable": True,
        "writer_alive": True,
        "last_error": None,
        "queue_depth": 0,
    }


def kill_writer(store: SqliteEventStore) -> None:
    # Something the writer loop cannot handle: it stops, as a bug in it would.
    store._writer._queue.put("not a job")  # type: ignore[arg-type]
    store._writer.join(timeout=10)
    assert not store._writer.is_alive()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_dead_writer_means_503_at_once_and_no_start(running: Running, tmp_path: Path) -> None:
    kill_writer(running.store)
    health = running.client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["store"]["writer_alive"] is False
    # Answered at once, not after the client's 30 s timeout.
    assert running.post_form("/bitrix/shop", GENUINE).status_code == 503
    other = ListenerServer(running.store, credentials(), ListenerSettings(port=0))
    with pytest.raises(StoreNotWritable, match="writer"):
        other.start()


def test_failing_commits_are_503_counted_and_recover(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    with sqlite3.connect(running.db) as conn:
        conn.execute(
            "CREATE TRIGGER full BEFORE INSERT ON events "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    with caplog.at_level(logging.WARNING):
        for _ in range(20):
            assert running.post_form("/bitrix/shop", GENUINE).status_code == 503
    health = running.client.get("/healthz")
    assert health.status_code == 503
    assert "disk is full" in health.json()["store"]["last_error"]
    lines = [r for r in caplog.records if r.name.startswith("console.listener")]
    # One counted line for the kind, not one traceback per request.
    assert 1 <= len(lines) <= 2
    assert all(r.exc_info is None for r in lines)
    with sqlite3.connect(running.db) as conn:
        conn.execute("DROP TRIGGER full")
    assert running.post_form("/bitrix/shop", GENUINE).status_code == 200
    assert running.client.get("/healthz").status_code == 200


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_refuses_to_start_on_a_read_only_store(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite3"
    SqliteEventStore(db).close()
    db.chmod(0o444)
    store = SqliteEventStore(db)
    try:
        with pytest.raises(StoreNotWritable):
            ListenerServer(store, credentials(), ListenerSettings(port=0)).start()
    finally:
        store.close()


def test_refuses_to_start_on_a_store_that_refuses_writes(tmp_path: Path) -> None:
    # As a read-only file does for a user who is not root: every write is refused.
    store = SqliteEventStore(tmp_path / "events.sqlite3")
    try:
        store._write_conn.execute("PRAGMA query_only = 1")
        with pytest.raises(StoreNotWritable, match=r"readonly|read-only|query_only"):
            ListenerServer(store, credentials(), ListenerSettings(port=0)).start()
    finally:
        store._write_conn.execute("PRAGMA query_only = 0")
        store.close()


def test_a_commit_that_does_not_come_in_time_is_503_with_retry_after(tmp_path: Path) -> None:
    running = Running(tmp_path, ListenerSettings(port=0, commit_timeout_seconds=0.5))
    try:
        gate = hold_writer(running.store)
        try:
            answer = running.post_form("/bitrix/shop", GENUINE)
            assert answer.status_code == 503
            assert answer.headers["Retry-After"]
            assert "not stored" in answer.json()["error"]
            assert running.client.get("/healthz").status_code == 503
        finally:
            gate.set()
        # The sender's retry is kept (the first copy, if it was committed after all,
        # makes this one a duplicate of it) and the listener is healthy again.
        assert running.post_form("/bitrix/shop", GENUINE).status_code == 200
        running.assert_serving()
    finally:
        running.close()
