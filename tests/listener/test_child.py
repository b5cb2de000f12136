"""The window's console: `b24-console listen` as a real child process, the store followed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from console.core.settings import ListenerSettings, Settings, save_settings
from console.listener.child import CHILD_NICENESS
from console.session import WindowSession, listener_file, start_window_session
from console.store.model import FeedRow

SAMPLE = (Path(__file__).resolve().parents[2] / "resources" / "samples").joinpath(
    "bitrix-onsaleordersaved-webhook.form"
)


def start(tmp_path: Path, port: int = 0) -> WindowSession:
    # The child reads the same settings file as the window (B24_CONSOLE_CONFIG_DIR).
    save_settings(Settings(listener=ListenerSettings(port=port)))
    data_dir = tmp_path / "data-dir"
    return start_window_session(
        ListenerSettings(port=port), store_path=data_dir / "events.sqlite3", data_dir=data_dir
    )


def test_events_the_child_stores_reach_the_window_in_order(tmp_path: Path) -> None:
    session = start(tmp_path)
    received: list[FeedRow] = []
    arrived = threading.Event()

    def on_rows(rows: list[FeedRow]) -> None:
        received.extend(rows)
        if len(received) >= 3:
            arrived.set()

    try:
        assert session.bind_error is None
        listener = session.listener
        assert listener is not None and listener.base_url.startswith("http://127.0.0.1:")
        published = json.loads(listener_file(session.store_path).read_text())
        assert published["base_url"] == listener.base_url
        stop_watching = session.watch(on_rows)
        answers = [
            httpx.post(
                f"{listener.base_url}/bitrix/shop",
                content=SAMPLE.read_bytes().replace(b"=300&", f"={n}&".encode()),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=10,
            )
            for n in (301, 302, 303)
        ]
        # No such profile: kept as rejected, and answered like a wrong token.
        assert [answer.status_code for answer in answers] == [401, 401, 401]
        assert arrived.wait(10), received
        stop_watching()
    finally:
        session.stop()
    assert [row.entity_id for row in received] == ["301", "302", "303"]
    assert [row.id for row in received] == sorted(row.id for row in received)
    assert {row.verification for row in received} == {"rejected"}
    # The child stopped cleanly: it withdrew its address.
    assert not listener_file(session.store_path).exists()
    assert not session.child.running


def test_a_taken_port_leaves_the_window_running_with_the_reason(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        session = start(tmp_path, port)
        try:
            assert session.listener is None
            error = session.bind_error
            assert error is not None and error.address_in_use, error
            assert str(port) in error.reason
            # The store still works: the window shows what it holds.
            assert session.store.query_rows(limit=1) == []
        finally:
            session.stop()


PARENT = """
import sys, time
from pathlib import Path
from console.listener.child import ListenerChild
child = ListenerChild(data_dir=Path(sys.argv[1]))
child.start()
print(child._process.pid, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    # A zombie has stopped; only its parent (now init) has not reaped it yet.
    return "State:\tZ" not in status


def test_the_listener_stops_when_the_window_is_killed(tmp_path: Path) -> None:
    save_settings(Settings(listener=ListenerSettings(port=0)))
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path / "store")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        assert _alive(child_pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 15
        while _alive(child_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child_pid), "the orphaned listener kept running"
    finally:
        if parent.poll() is None:
            parent.kill()


@pytest.mark.real_keyring
def test_a_profile_added_while_running_is_verified_after_reload(tmp_path: Path) -> None:
    """The window saves a profile; the child listener re-reads them on SIGHUP."""
    from console.core.profile_setup import ProfileRequest, save_profile
    from console.core.settings import CatchUpSettings

    save_settings(
        Settings(listener=ListenerSettings(port=0), catch_up=CatchUpSettings(enabled=False))
    )
    data_dir = tmp_path / "data-dir"
    session = start_window_session(
        ListenerSettings(port=0), store_path=data_dir / "events.sqlite3", data_dir=data_dir
    )
    try:
        listener = session.listener
        assert listener is not None

        def post() -> int:
            answer = httpx.post(
                f"{listener.base_url}/bitrix/shop",
                content=SAMPLE.read_bytes().strip(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=10,
            )
            return answer.status_code

        assert post() == 401
        save_profile(
            session.profiles,
            ProfileRequest(
                name="shop",
                portal="https://some-domain.bitrix24.com",
                member_id="a223c6b3710f85df22e9377d6c4f7553",
                webhook_url="https://some-domain.bitrix24.com/rest/1/code1/",
                application_token="51856fefc120afa4b628cc82d3935cce",
            ),
            replace=False,
        )
        session.credentials.reload()
        deadline = time.monotonic() + 10
        while post() != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert post() == 200
    finally:
        session.stop()


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="Linux scheduling classes")
def test_the_child_gives_way_to_the_window_for_the_cpu(tmp_path: Path) -> None:
    """Under load the GUI thread must get a core first: the child runs nicer, as batch work."""
    session = start(tmp_path)
    try:
        assert session.bind_error is None
        process = session.child._process
        assert process is not None
        window_niceness = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, process.pid) == window_niceness + CHILD_NICENESS
        assert os.sched_getscheduler(process.pid) == os.SCHED_BATCH
        # The window itself keeps its own priority and class.
        assert os.sched_getscheduler(0) == os.SCHED_OTHER
    finally:
        session.stop()
