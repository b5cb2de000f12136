"""The window under load, on a 1,000,000-event store (not part of the test run).

Measures every figure issue 6 asks of the window:

- first paint after the process starts (``b24-console --data-dir DIR``, the real command,
  several runs), on the big store and on an empty one;
- with the real window and its console as ``b24-console`` runs it (the listener a child
  process, a profile in the real keyring; ``--listener inprocess`` puts the demo's
  listener in the window's process instead) on the big store, while a sender process
  posts ``--rate`` events/s for
  ``--seconds`` seconds and the benchmark types queries and fetches orders like an operator:
  GUI event-loop lateness (a 5 ms QTimer on the GUI thread: how late each tick fires),
  and the time from an event being sent to its row being painted;
- a query-bar filter or search: from the debounced query to the repainted feed;
- scrolling down through the feed (pages fetched as the scroll bar reaches the end);
- peak RSS of the window process.

    uv run python -m tests.benchmarks.bench_feed [--data-dir DIR] [--events 1000000]
        [--rate 500] [--seconds 60] [--paint-runs 5] [--listener child|inprocess]
        [--no-operator] [--switch-interval S]

The store is built once in ``DIR`` (a few minutes) and reused.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

# Before anything imports Qt or reads the config: an isolated config, offscreen unless a
# display is given explicitly.
_CONFIG = tempfile.mkdtemp(prefix="b24-bench-config-")
os.environ["B24_CONSOLE_CONFIG_DIR"] = _CONFIG
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from tests.benchmarks.build_store import build_store, event_count  # noqa: E402
from tests.support.qt_loop import run_for, run_until  # noqa: E402

if TYPE_CHECKING:
    from console.session import RunningConsole

PROBE_INTERVAL_MS = 5
# The sender's sequence number, in the XML_ID the feed's summary shows ("xmlId bench-N").
SENT_MARK = re.compile(r"xmlId bench-(\d+)")
# What the benchmark types, in turn. Most match the incoming load, so arrivals keep being
# painted; "source:horoshop" matches none of it, as a real operator's filter often does not.
QUERIES = (
    "save",
    "",
    "event:ONSALEORDERSAVED",
    "-state:rejected",
    "bench",
    "",
    "state:verified -source:horoshop",
    "source:horoshop",
    "",
    "Київ",
    "order:300",
    "",
)


def type_text(edit: QWidget, text: str) -> None:
    """Clear ``edit`` and type ``text`` key by key (QTest.keyClicks handles ASCII only)."""
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"n={len(values)}  p50 {percentile(values, 0.5):.1f}  p95 {percentile(values, 0.95):.1f}"
        f"  p99 {percentile(values, 0.99):.1f}  max {max(values):.1f} ms"
    )


# -- first paint, from a separate process ---------------------------------------------------


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def first_paint(data_dir: Path, runs: int) -> list[float]:
    """Seconds from process start to the window's first paint, one per run."""
    command = Path(sys.executable).parent / "b24-console"
    env = {**os.environ, "B24_CONSOLE_PAINT_PROBE": "1"}
    found: list[float] = []
    for _ in range(runs):
        published = data_dir / "listener.json"
        earlier = _modified(published)  # one a previous run left does not count
        process = subprocess.Popen(
            [str(command), "--data-dir", str(data_dir)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        deadline = time.monotonic() + 30
        for line in process.stderr:
            if line.startswith("first-paint "):
                found.append(float(line.split()[1]))
                break
            if time.monotonic() > deadline:
                break
        # Let it finish starting (a quit during start-up is handled, but measure the usual):
        # it has when its listener says where it listens.
        while _modified(published) == earlier and process.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return found


# -- the window in this process ---------------------------------------------------------------


class LatenessProbe(QObject):
    """A precise 5 ms timer on the GUI thread; records how late each tick came."""

    def __init__(self) -> None:
        super().__init__()
        self.samples: list[float] = []
        self._clock = QElapsedTimer()
        self._last = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self.recording = False

    def start(self) -> None:
        self._clock.start()
        self._last = self._clock.nsecsElapsed()
        self._timer.start(PROBE_INTERVAL_MS)

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        if self.recording:
            self.samples.append(max(0.0, (now - self._last) / 1e6 - PROBE_INTERVAL_MS))
        self._last = now


class GcWatch:
    """How long each garbage collection took, by generation (a GUI stall can be one)."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._began = 0.0
        self.recording = False
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        elif self.recording:
            self.pauses[info["generation"]].append((time.perf_counter() - self._began) * 1000)


class PaintWatch(QObject):
    """Calls ``on_paint`` after each paint of the feed's viewport."""

    def __init__(self, target: QObject, on_paint: Callable[[], None]) -> None:
        super().__init__(target)
        self._on_paint = on_paint
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            # After this paint event has been handled: queue the note behind it.
            QTimer.singleShot(0, self._on_paint)
        return False


@dataclass
class LoadFigures:
    lateness_ms: list[float] = field(default_factory=list)
    arrival_ms: list[float] = field(default_factory=list)
    sent: int = 0
    failures: int = 0
    painted: int = 0
    query_ms: list[float] = field(default_factory=list)
    fetch_ms: list[float] = field(default_factory=list)
    gc_ms: dict[int, list[float]] = field(default_factory=dict)


@dataclass
class Target:
    """The console under test and where the sender posts, with the credentials it needs."""

    console: RunningConsole
    handler_url: str
    token: str
    domain: str
    member: str


BENCH_PROFILE = "bench"


def start_console(data_dir: Path, listener: str) -> Target:
    """``inprocess``: the demo (sandbox, listener in this process, as the window ran it
    before); ``child``: the window's own session, ``listen`` as a child process with a
    profile in the real keyring."""
    if listener == "inprocess":
        from console.demo import DemoSession

        demo = DemoSession(data_dir=data_dir, activity_seconds=None).start()
        portal = demo.portal
        return Target(
            demo, demo.bitrix_handler_url, portal.application_token, portal.domain, portal.member_id
        )
    from console.core.profile_setup import ProfileRequest, save_profile
    from console.core.profiles import ProfileRepository
    from console.core.settings import (
        CatchUpSettings,
        ListenerSettings,
        RetentionSettings,
        Settings,
        save_settings,
    )
    from console.sandbox import SandboxConfig, SandboxPortal
    from console.session import start_window_session

    # The profile's portal: a sandbox, so the operator's order fetches are answered.
    portal = SandboxPortal(SandboxConfig(port=0)).start()
    token = portal.application_token
    repo = ProfileRepository()
    save_profile(
        repo,
        ProfileRequest(
            name=BENCH_PROFILE,
            portal=portal.base_url,
            member_id=portal.member_id,
            webhook_url=portal.webhook_url,
            application_token=token,
        ),
        replace=True,
    )
    # No count cap: the store already holds a million events, and trimming it to the cap
    # is a separate cost (see the closing note), not what this measures.
    settings = Settings(
        listener=ListenerSettings(port=0),
        catch_up=CatchUpSettings(enabled=False),
        retention=RetentionSettings(max_age_days=None, max_count=None),
    )
    save_settings(settings)
    session = start_window_session(
        settings.listener, store_path=data_dir / "events.sqlite3", data_dir=data_dir
    )
    if session.listener is None:
        raise SystemExit(f"the child listener did not start: {session.bind_error}")
    url = f"{session.listener.base_url}/bitrix/{BENCH_PROFILE}"
    return Target(session, url, token, portal.domain, portal.member_id)


def run_window_under_load(
    data_dir: Path, rate: float, seconds: float, *, operator: bool = True, listener: str
) -> dict[str, object]:
    from console.core.settings import Settings
    from console.ui.context import ConsoleContext
    from console.ui.views.main_window import MainWindow, default_factories

    _app = QApplication([])  # kept alive for the whole run
    context = ConsoleContext(Settings())
    window = MainWindow(context, factories=default_factories())
    window.resize(1500, 900)
    window.show()
    window.install_inspector()
    target = start_console(data_dir, listener)
    demo = target.console
    context.attach(demo)
    model = window.feed_model
    if not run_until(lambda: model.rowCount() > 0, 60):
        raise SystemExit("the feed never showed the store's first page")

    probe = LatenessProbe()
    probe.start()
    collections = GcWatch()
    collections.recording = True
    figures = LoadFigures()
    awaiting_paint: list[tuple[str, float]] = []  # (the sender's N, inserted at)
    painted_at: dict[str, float] = {}
    query_started: list[float] = []
    query_landed: list[float] = []

    def inserted(count: int) -> None:
        now = time.time()
        for row in range(count):
            feed_row = model.feed_row(row)
            found = SENT_MARK.search(feed_row.summary) if feed_row is not None else None
            if found is not None:
                awaiting_paint.append((found.group(1), now))

    def painted() -> None:
        now = time.time()
        for entity, _ in awaiting_paint:
            painted_at.setdefault(entity, now)
        awaiting_paint.clear()
        if query_landed:
            start = query_started.pop(0) if query_started else query_landed[0]
            figures.query_ms.append((time.monotonic() - start) * 1000)
            query_landed.clear()

    model.live_inserted.connect(inserted)
    PaintWatch(window.feed.viewport(), painted)
    window.query_bar.query_changed.connect(lambda *_: query_started.append(time.monotonic()))
    model.query_finished.connect(lambda _count: query_landed.append(time.monotonic()))

    # The operator: types a query every 1.5 s and fetches an order every 5 s.
    queries = iter(QUERIES * 100)

    def type_query() -> None:
        type_text(window.query_bar.edit, next(queries))

    fetch_started: list[float] = []
    fetch_wanted: list[bool] = [False]

    def fetch_order() -> None:
        # Select an event; once the inspector shows it, fetch its order from the portal.
        if window.inspector is None or model.rowCount() < 3:
            return
        fetch_wanted[0] = True
        window.feed.selectRow(2)

    def shown(_event_id: int) -> None:
        if fetch_wanted[0] and window.inspector is not None:
            fetch_wanted[0] = False
            fetch_started.append(time.monotonic())
            window.inspector.entity_tab.fetch()  # type: ignore[attr-defined]

    def fetched(_view: object) -> None:
        if fetch_started:
            figures.fetch_ms.append((time.monotonic() - fetch_started.pop()) * 1000)

    if window.inspector is not None:
        # Answered or refused: either way the operator has the answer.
        window.inspector.entity_tab.fetched.connect(fetched)  # type: ignore[attr-defined]
        window.inspector.entity_tab.failed.connect(fetched)  # type: ignore[attr-defined]
        window.inspector.loaded.connect(shown)  # type: ignore[attr-defined]
    typing = QTimer()
    typing.timeout.connect(type_query)
    fetching = QTimer()
    fetching.timeout.connect(fetch_order)

    sent_file = Path(tempfile.mkdtemp()) / "sent.json"
    sender = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.benchmarks.paced_load",
            target.handler_url,
            "--rate",
            str(rate),
            "--seconds",
            str(seconds),
            "--token",
            target.token,
            "--domain",
            target.domain,
            "--member",
            target.member,
            "--out",
            str(sent_file),
        ]
    )
    probe.recording = True
    if operator:
        typing.start(1500)
        fetching.start(5000)
    run_until(lambda: sender.poll() is not None, seconds + 120)
    typing.stop()
    fetching.stop()
    # Let the last batch land and paint.
    run_for(2.0)
    probe.recording = False
    collections.recording = False
    figures.lateness_ms = probe.samples
    figures.gc_ms = collections.pauses
    sent_data = json.loads(sent_file.read_text())
    sent: dict[str, float] = sent_data["sent"]
    figures.sent = len(sent)
    figures.failures = int(sent_data["failures"])
    for entity, at in sent.items():
        if entity in painted_at:
            figures.arrival_ms.append((painted_at[entity] - at) * 1000)
    figures.painted = len(figures.arrival_ms)

    # Query latency without load, on the big store: the debounced query to the repaint.
    quiet_queries: list[float] = []
    figures_under_load = list(figures.query_ms)
    figures.query_ms.clear()
    for text in ("source:horoshop", "Київ", "state:rejected", "", "ONSALEORDERSAVED", "order:300"):
        before = len(figures.query_ms)
        type_text(window.query_bar.edit, text)
        run_until(lambda before=before: len(figures.query_ms) > before, 10)
    quiet_queries = list(figures.query_ms)

    # Scrolling down: the scroll bar dragged to its end, again and again, for 15 s.
    type_text(window.query_bar.edit, "")
    run_until(lambda: model.rowCount() > 0, 10)
    probe.samples = []
    probe.recording = True
    bar = window.feed.verticalScrollBar()
    start_rows = model.rowCount()
    # A drag to the end every 16 ms, about as often as a held-down scroll bar repeats.
    dragging = QTimer()
    dragging.timeout.connect(lambda: bar.setValue(bar.maximum()))
    dragging.start(16)
    run_for(15.0)
    dragging.stop()
    probe.recording = False
    scroll_lateness = probe.samples
    scrolled_rows = model.rowCount() - start_rows

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.detach()
    context.jobs.shutdown()
    demo.stop()
    window.close()
    return {
        "load": figures,
        "query_under_load_ms": figures_under_load,
        "query_quiet_ms": quiet_queries,
        "scroll_lateness_ms": scroll_lateness,
        "scrolled_rows": scrolled_rows,
        "peak_rss_mb": peak_rss_mb,
    }


def in_keyring_session() -> None:
    """Run this script again inside a private D-Bus session with gnome-keyring unlocked by a
    throwaway password (as ``tests/run`` does): the child listener reads the profile's
    token from the real keyring."""
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS") or os.environ.get("B24_BENCH_IN_SESSION"):
        return
    keyring_home = tempfile.mkdtemp(prefix="b24-bench-keyring-")
    env = dict(os.environ, XDG_DATA_HOME=keyring_home, B24_BENCH_IN_SESSION="1")
    script = (
        "echo -n b24-bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
        'exec "$0" -m tests.benchmarks.bench_feed "$@"'
    )
    command = ["dbus-run-session", "--", "sh", "-c", script, sys.executable, *sys.argv[1:]]
    raise SystemExit(subprocess.call(command, env=env))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/b24-bench-1m"))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--paint-runs", type=int, default=5)
    parser.add_argument(
        "--listener",
        choices=("child", "inprocess"),
        default="child",
        help="child: as the window runs it; inprocess: the listener in the window's process",
    )
    parser.add_argument(
        "--no-operator", action="store_true", help="no typing or fetching during the load"
    )
    parser.add_argument(
        "--switch-interval",
        type=float,
        help="override sys.setswitchinterval (seconds) to compare with the window's own",
    )
    args = parser.parse_args()
    if args.listener == "child":
        in_keyring_session()

    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    store = args.data_dir / "events.sqlite3"
    if (event_count(store) or 0) < args.events:  # more is fine: earlier runs added some
        print(f"building a {args.events:,}-event store in {store} ...", flush=True)
        build_store(store, args.events)
    size_gb = store.stat().st_size / 1e9
    print(f"store: {store} ({args.events:,} events, {size_gb:.2f} GB)", flush=True)

    if args.paint_runs:
        big = first_paint(args.data_dir, args.paint_runs)
        empty_dir = Path(tempfile.mkdtemp(prefix="b24-bench-empty-"))
        empty = first_paint(empty_dir, args.paint_runs)
        print(f"first paint, {args.events:,} events: " + ", ".join(f"{s:.2f}" for s in big))
        print("first paint, empty store: " + ", ".join(f"{s:.2f}" for s in empty), flush=True)

    result = run_window_under_load(
        args.data_dir,
        args.rate,
        args.seconds,
        operator=not args.no_operator,
        listener=args.listener,
    )
    load = result["load"]
    assert isinstance(load, LoadFigures)
    where = "the window's child listener" if args.listener == "child" else "an in-process one"
    print(f"\nunder load: {args.rate:g} events/s for {args.seconds:g} s into {where}")
    print(f"  sent {load.sent}, failed {load.failures}, painted rows measured {load.painted}")
    print(f"  GUI lateness:            {summary(load.lateness_ms)}")
    print(f"  arrival -> painted row:  {summary(load.arrival_ms)}")
    print(f"  query -> repaint:        {summary(result['query_under_load_ms'])}")  # type: ignore[arg-type]
    print(f"  order fetch (sandbox):   {summary(load.fetch_ms)}")
    for generation, pauses in sorted(load.gc_ms.items()):
        print(f"  GC generation {generation}:  {summary(pauses)}")
    print("\nquiet, same store:")
    print(f"  query -> repaint:        {summary(result['query_quiet_ms'])}")  # type: ignore[arg-type]
    print(
        f"  scrolling 15 s: {result['scrolled_rows']} rows fetched, "
        f"GUI lateness {summary(result['scroll_lateness_ms'])}"  # type: ignore[arg-type]
    )
    print(f"\npeak RSS of the window process: {result['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
