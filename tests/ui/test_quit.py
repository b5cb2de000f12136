"""A portal call that hangs: the status bar says so, and Quit neither waits for it nor
for any other job still running."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from console.ui.context import ConsoleContext
from console.ui.portal_calls import PortalCalls
from console.ui.settings import LayoutStore
from console.ui.views.main_window import MainWindow
from console.ui.views.status_bar import AMBER
from tests.ui.window_support import OFFSCREEN_NOISE, context, session

pytestmark = OFFSCREEN_NOISE
__all__ = ["context", "session"]

REPO = Path(__file__).resolve().parents[2]


def test_a_long_portal_call_shows_in_the_status_bar(
    qtbot: QtBot, context: ConsoleContext, tmp_path: Path
) -> None:
    now = [1000.0]
    context.portal_calls = PortalCalls(clock=lambda: now[0])
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    cancelled: list[str] = []
    token = context.portal_calls.begin("demo", lambda: cancelled.append("demo"))
    now[0] += 2
    window.status._on_tick()
    assert "waiting" not in window.status.portal_label.text()  # a short call says nothing
    now[0] += 38
    window.status._on_tick()
    assert "demo: waiting 40 s" in window.status.portal_label.text()
    assert AMBER in window.status.portal_label.styleSheet()
    context.portal_calls.cancel_all()
    assert cancelled == ["demo"]
    context.portal_calls.end(token)
    window.status._on_tick()
    assert "waiting" not in window.status.portal_label.text()
    window.detach()


def test_quitting_does_not_wait_for_a_job_that_never_ends() -> None:
    script = textwrap.dedent(
        """
        import os, threading
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        from console.ui.jobs import JobRunner

        app = QApplication([])
        runner = JobRunner()
        started = threading.Event()
        never = threading.Event()
        runner.submit(lambda _c: (started.set(), never.wait()))
        started.wait()
        runner.shutdown(wait_ms=100)
        del runner
        print("quit", flush=True)
        """
    )
    # Without daemon workers the process waits for the job for ever: the timeout only
    # bounds the failure.
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "quit" in done.stdout


def test_stopping_a_listener_leaves_a_hung_catch_up_pass_behind(tmp_path: Path) -> None:
    """The listener beside the window stops its pollers without waiting for a pass the
    portal is slow to answer (a request still waiting writes nothing)."""
    from console.core.profile_setup import ProfileRequest, save_profile
    from console.core.profiles import ProfileRepository
    from console.core.settings import CatchUpSettings, ListenerSettings
    from console.sandbox import SandboxConfig, SandboxPortal
    from console.session import start_catch_up, start_listen_session

    with SandboxPortal(SandboxConfig(port=0)) as portal:
        repo = ProfileRepository()
        save_profile(
            repo,
            ProfileRequest(name="shop", portal=portal.base_url, webhook_url=portal.webhook_url),
            replace=False,
        )
        session = start_listen_session(
            ListenerSettings(port=0), store_path=tmp_path / "events.sqlite3", profiles=repo
        )
        try:
            start_catch_up(session, CatchUpSettings(interval_seconds=3600))
            poller = session.pollers[0]
            reports: list[object] = []
            poller.on_report = reports.append
            wait_for(lambda: bool(reports))  # the first pass, at the usual speed
            portal.faults.latency_seconds = 2.0  # the next pass waits on every request
            poller.poll_now()
            wait_for(lambda: poller.busy)
        finally:
            session.stop()
        # The stop did not wait for the slow pass to end (before, it did, up to 10 s).
        thread = poller._thread
        assert thread is not None and thread.is_alive()
        assert len(reports) == 1


def wait_for(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    """Poll ``condition`` until it holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


def test_stopping_the_demo_leaves_calls_the_sandbox_holds_behind() -> None:
    """The demo's stop waits neither for a fake-shop call the sandbox holds nor for the
    sandbox to let it go (that takes it a second or two): the window quits at once."""
    from dataclasses import replace

    from console.demo import DEMO_PORTAL, DemoSession

    portal_config = replace(DEMO_PORTAL, latency_seconds=40.0)
    demo = DemoSession(activity_seconds=0.2, portal_config=portal_config)
    demo.start()
    activity = demo._activity
    try:
        # The first catch-up pass and the fake shop's first act both wait on the portal.
        wait_for(lambda: demo.portal.requests_waiting >= 2)
    finally:
        demo.stop()
    # Before, the stop waited until the sandbox had cut the call short.
    assert activity is not None and activity.is_alive()
