"""Soak: the operator window and its child listener for hours, compressed (not a test).

    uv run python -m tests.benchmarks.soak [--events 1000000] [--minutes 20] [--compress 24]
        [--out DIR] [--data-dir DIR] [--sample-seconds 5] [--warmup S] [--window S]
        [--retention-interval S]

What runs: ``b24-console --data-dir DIR`` itself (:func:`console.cli.main` in this process,
so a GUI-thread probe and an operator can live beside it), the window's listener as its
child process, a profile ``soak`` in the real keyring (a private D-Bus session, as
``tests/run`` does) pointing at ``b24-console sandbox`` in its own process, and a paced
sender (:mod:`tests.benchmarks.paced_load`) in another. The store (built once by
:mod:`tests.benchmarks.build_store`, reused while it holds at least ``--events``) sits at
its retention cap from the start.

The operator's day, compressed: 5 events/s, a query every 10 s typed into the query bar,
an entity fetch every 30 s (a feed row selected, then the inspector's "Fetch from
portal"). ``--compress F`` multiplies every rate by F (default 24: 8 hours in 20 minutes,
120 events/s, a query every 0.42 s, a fetch every 1.25 s). The portal's answer does not
compress: while a fetch is due or in flight the operator types no query (a new query
reselects the row, and the inspector showing it again cancels the fetch), and a fetch
falls due only after the one before was answered; the summary counts both.

Retention at its cap: ``max_count`` is ``--events`` (no age cap), so every event the
sender adds puts the store over the cap. The store's retention pass runs every 10 minutes
(a constant, not a setting); compressed, the child's pass runs every 600/F s instead
(``--retention-interval``, through ``soak_retention/sitecustomize.py`` on the child's
PYTHONPATH), so each pass deletes what 10 real minutes bring, as in the day compressed.

Sampled every ``--sample-seconds``: RSS, open file descriptors (/proc/PID/fd) and threads
(/proc/PID/task) of the window process and of the listener child, the GUI thread's worst
lateness in the interval (a 5 ms precise QTimer: how late each tick fires) and the store's
event count. Written to ``OUT/samples.csv`` and ``OUT/soak.json``; the summary
(``OUT/summary.txt``) compares the first ``--window`` seconds after ``--warmup`` with the
last ``--window`` seconds (medians), and gives PASS/FAIL per target: RSS growth <= 10 %,
no growth in fds or threads, GUI lateness <= 50 ms throughout. Exit code 0 when all pass.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from itertools import cycle, pairwise
from pathlib import Path
from typing import Any

# The operator's day, uncompressed.
EVENTS_PER_SECOND = 5.0
QUERY_EVERY_SECONDS = 10.0
FETCH_EVERY_SECONDS = 30.0
# console.store.sqlite.RETENTION_INTERVAL_SECONDS, the pass the soak compresses.
PRODUCT_RETENTION_INTERVAL = 600.0
DEFAULT_COMPRESS = 24.0  # 8 hours in 20 minutes

RSS_GROWTH_LIMIT_PERCENT = 10.0
LATENESS_LIMIT_MS = 50.0
PROBE_INTERVAL_MS = 5
# A fetch not answered in this long is counted as unanswered and the next one may start.
FETCH_DEADLINE_SECONDS = 60.0
# Not "shop": the built store's events of that profile have their orders unresolved (a real
# store's were resolved as they came), and the child would spend the portal's 2 requests/s
# resolving a million old events instead of what the soak sends.
PROFILE = "soak"
HOOK_DIR = Path(__file__).resolve().parent / "soak_retention"
HOOK_VARIABLE = "B24_SOAK_RETENTION_INTERVAL"


# -- samples and the verdict (pure Python: tests/benchmarks/test_soak.py) -------------------


@dataclass(frozen=True)
class Sample:
    """One look at both processes; ``seconds`` since the load started. -1: not readable
    (the process had gone)."""

    seconds: float
    window_rss_mb: float
    child_rss_mb: float
    window_fds: int
    child_fds: int
    window_threads: int
    child_threads: int
    lateness_max_ms: float
    late_ticks: int
    store_events: int


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    # None: not measured (too few samples, or the process was gone).
    passed: bool | None

    @property
    def word(self) -> str:
        return {True: "PASS", False: "FAIL", None: "NOT MEASURED"}[self.passed]


@dataclass
class Summary:
    lines: list[str] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.verdicts) and all(verdict.passed for verdict in self.verdicts)

    def text(self) -> str:
        width = max((len(verdict.target) for verdict in self.verdicts), default=0)
        verdicts = [
            f"  {verdict.word:12} {verdict.target:{width}}  {verdict.measured}"
            for verdict in self.verdicts
        ]
        overall = "PASS" if self.passed else "FAIL"
        return "\n".join([*self.lines, "", "targets:", *verdicts, f"overall: {overall}"])


def phase_windows(
    samples: Sequence[Sample], warmup_s: float, window_s: float
) -> tuple[list[Sample], list[Sample]] | None:
    """The samples of the first ``window_s`` after ``warmup_s`` and of the last
    ``window_s``; None when the run is too short for the two not to overlap."""
    if not samples:
        return None
    end = samples[-1].seconds
    if end - window_s < warmup_s + window_s:
        return None
    first = [s for s in samples if warmup_s <= s.seconds < warmup_s + window_s]
    last = [s for s in samples if s.seconds > end - window_s]
    if not first or not last:
        return None
    return first, last


def _rss_verdict(target: str, first: list[float], last: list[float]) -> Verdict:
    if min(first + last) < 0:
        return Verdict(target, "the process was gone at some samples", False)
    start, end = statistics.median(first), statistics.median(last)
    growth = (end / start - 1) * 100 if start > 0 else float("inf")
    measured = f"{start:.1f} MB -> {end:.1f} MB ({growth:+.1f} %)"
    return Verdict(target, measured, growth <= RSS_GROWTH_LIMIT_PERCENT)


def _count_verdict(
    target: str, everything: list[int], first: list[int], last: list[int]
) -> Verdict:
    """No growth: the last window's median is not above the first window's highest (a
    thread pool's worker that comes and goes is not growth; a leak raises the floor)."""
    if min(everything) < 0:
        return Verdict(target, "the process was gone at some samples", False)
    ceiling, settled = max(first), statistics.median(last)
    measured = (
        f"first {everything[0]}, last {everything[-1]}; start window max {ceiling}, "
        f"end window median {settled:g} (range over the run {min(everything)}-{max(everything)})"
    )
    return Verdict(target, measured, settled <= ceiling)


def summarize(samples: Sequence[Sample], *, warmup_s: float, window_s: float) -> Summary:
    """The figures and the verdict per target of a soak's samples."""
    summary = Summary()
    lateness = [s.lateness_max_ms for s in samples]
    if lateness:
        worst = max(lateness)
        at = samples[lateness.index(worst)].seconds
        late = sum(s.late_ticks for s in samples)
        summary.verdicts.append(
            Verdict(
                f"GUI max lateness <= {LATENESS_LIMIT_MS:g} ms throughout",
                f"max {worst:.1f} ms (at {at:.0f} s); {late} ticks over the limit; "
                f"interval maxima p50 {statistics.median(lateness):.1f} ms",
                worst <= LATENESS_LIMIT_MS,
            )
        )
        summary.lines.append("GUI lateness, max per minute of the run (ms):")
        by_minute: dict[int, float] = {}
        for sample in samples:
            minute = int(sample.seconds // 60)
            by_minute[minute] = max(by_minute.get(minute, 0.0), sample.lateness_max_ms)
        cells = [f"{minute:>3}: {value:6.1f}" for minute, value in sorted(by_minute.items())]
        for start in range(0, len(cells), 6):
            summary.lines.append("  " + "   ".join(cells[start : start + 6]))
    else:
        summary.verdicts.append(Verdict("GUI max lateness", "no samples", None))
    counts = [s.store_events for s in samples if s.store_events >= 0]
    if counts:
        drops = sum(1 for a, b in pairwise(counts) if b < a)
        summary.lines.append(
            f"store events: first {counts[0]:,}, min {min(counts):,}, max {max(counts):,}, "
            f"last {counts[-1]:,}; {drops} samples found the count lower than the one before "
            "(retention passes)"
        )

    windows = phase_windows(samples, warmup_s, window_s)
    if windows is None:
        end = samples[-1].seconds if samples else 0.0
        reason = (
            f"run too short: {end:.0f} s of samples for {warmup_s:g} s warm-up and two "
            f"{window_s:g} s windows"
        )
        for target in ("RSS growth", "open fds / threads growth"):
            summary.verdicts.append(Verdict(target, reason, None))
        return summary
    first, last = windows
    summary.lines.append(
        f"start window: {first[0].seconds:.0f}-{first[-1].seconds:.0f} s ({len(first)} samples), "
        f"end window: {last[0].seconds:.0f}-{last[-1].seconds:.0f} s ({len(last)} samples); "
        "RSS figures are the medians of each"
    )
    limit = f"<= {RSS_GROWTH_LIMIT_PERCENT:g} %"
    for name, attribute in (("window", "window_rss_mb"), ("listener child", "child_rss_mb")):
        summary.verdicts.append(
            _rss_verdict(
                f"{name} RSS growth {limit}",
                [getattr(s, attribute) for s in first],
                [getattr(s, attribute) for s in last],
            )
        )
    for name, attribute in (
        ("window open fds: no growth", "window_fds"),
        ("child open fds: no growth", "child_fds"),
        ("window threads: no growth", "window_threads"),
        ("child threads: no growth", "child_threads"),
    ):
        summary.verdicts.append(
            _count_verdict(
                name,
                [getattr(s, attribute) for s in samples],
                [getattr(s, attribute) for s in first],
                [getattr(s, attribute) for s in last],
            )
        )
    return summary


def write_samples(samples: Sequence[Sample], path: Path) -> None:
    names = [item.name for item in fields(Sample)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        for sample in samples:
            writer.writerow(asdict(sample))


# -- /proc ----------------------------------------------------------------------------------


def process_figures(pid: int) -> tuple[float, int, int]:
    """(RSS in MB, open fds, threads) of ``pid``; (-1, -1, -1) once it has gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            rss_kb = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        threads = len(os.listdir(f"/proc/{pid}/task"))
    except (OSError, StopIteration):
        return -1.0, -1, -1
    return rss_kb / 1024, fds, threads


def open_things(pid: int) -> dict[str, list[str]]:
    """What ``pid`` has open (sockets and pipes without their inode) and its threads'
    names: compared between the start and the end to name what grew."""
    found: dict[str, list[str]] = {"fds": [], "threads": []}
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                found["fds"].append(re.sub(r":\[\d+\]$", "", target))
        for task in os.listdir(f"/proc/{pid}/task"):
            with (
                contextlib.suppress(OSError),
                open(f"/proc/{pid}/task/{task}/comm", encoding="utf-8", errors="replace") as f,
            ):
                found["threads"].append(f.read().strip())
    except OSError:
        pass
    return {kind: sorted(names) for kind, names in found.items()}


def grown(start: list[str], end: list[str]) -> str:
    """``end`` minus ``start`` as "name x2, other"; "nothing" when none."""
    extra = Counter(end) - Counter(start)
    if not extra:
        return "nothing"
    return ", ".join(f"{name} x{n}" if n > 1 else name for name, n in sorted(extra.items()))


def listener_child_pid(parent: int) -> int | None:
    """The pid of ``parent``'s ``listen --child-of-window`` child."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            if ppid != parent:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                argv = handle.read().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if b"--child-of-window" in argv:
            return int(entry)
    return None


def store_event_count(path: Path) -> int:
    """Every event in the store, as retention counts them (duplicates too); -1 if unread."""
    from console.store.filters import count_sql
    from console.store.model import EventFilter

    sql, params = count_sql(EventFilter(include_duplicates=True))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute(sql, params).fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return -1


# -- the run ----------------------------------------------------------------------------------


@dataclass
class Plan:
    data_dir: Path
    out: Path
    events: int
    seconds: float
    compress: float
    sample_seconds: float
    warmup_s: float
    window_s: float
    retention_interval: float

    @property
    def event_rate(self) -> float:
        return EVENTS_PER_SECOND * self.compress

    @property
    def query_every(self) -> float:
        return QUERY_EVERY_SECONDS / self.compress

    @property
    def fetch_every(self) -> float:
        return FETCH_EVERY_SECONDS / self.compress

    def describe(self) -> list[str]:
        simulated = self.seconds * self.compress / 3600
        return [
            f"soak: {self.seconds / 60:g} min compressed x{self.compress:g} "
            f"(an operator's {simulated:.1f} h)",
            f"  store {self.data_dir / 'events.sqlite3'}: retention cap max_count="
            f"{self.events:,}, no age cap; retention pass every {self.retention_interval:g} s "
            f"(the product's is {PRODUCT_RETENTION_INTERVAL:g} s)",
            f"  load: {self.event_rate:g} events/s (5/s x{self.compress:g}), a query every "
            f"{self.query_every:.2f} s, an entity fetch every {self.fetch_every:.2f} s",
            f"  samples every {self.sample_seconds:g} s; warm-up {self.warmup_s:g} s, "
            f"compared windows {self.window_s:g} s",
        ]


@dataclass
class Operator:
    """What the driver did and saw."""

    queries_typed: int = 0
    queries_finished: int = 0
    fetches_started: int = 0
    fetches_answered: int = 0
    fetches_refused: int = 0
    fetches_unanswered: int = 0
    fetches_skipped: int = 0
    fetches_not_sent: int = 0
    fetches_cancelled: int = 0
    queries_deferred: int = 0
    fetch_ms: list[float] = field(default_factory=list)
    # open_things() of both processes at the first sample after the warm-up and at the last.
    snapshots: dict[str, dict[str, dict[str, list[str]]]] = field(default_factory=dict)
    started: bool = False
    error: str | None = None


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Our environment without the retention hook (the sandbox and the sender)."""
    env = {k: v for k, v in os.environ.items() if k not in (HOOK_VARIABLE, "PYTHONPATH")}
    return {**env, **(extra or {})}


def start_sandbox() -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """``b24-console sandbox --json`` in its own process, and what it serves."""
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "sandbox", "--json"],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=child_env(),
    )
    assert process.stdout is not None
    text = ""
    for line in process.stdout:
        text += line
        try:
            described: dict[str, Any] = json.loads(text)
        except json.JSONDecodeError:
            continue
        # Nothing more is expected, but a full pipe must never stall the portal.
        stdout = process.stdout
        threading.Thread(target=stdout.read, name="sandbox-out", daemon=True).start()
        return process, described
    raise SystemExit("the sandbox portal did not start")


def prepare(plan: Plan, portal: dict[str, Any]) -> None:
    """The profile (real keyring) and the settings the window and its child read."""
    from console.core.profile_setup import ProfileRequest, save_profile
    from console.core.profiles import ProfileRepository
    from console.core.settings import ListenerSettings, RetentionSettings, Settings, save_settings

    save_profile(
        ProfileRepository(),
        ProfileRequest(
            name=PROFILE,
            portal=portal["base_url"],
            member_id=portal["member_id"],
            webhook_url=portal["webhook_url"],
            application_token=portal["application_token"],
        ),
        replace=True,
    )
    save_settings(
        Settings(
            listener=ListenerSettings(port=0),
            retention=RetentionSettings(max_age_days=None, max_count=plan.events),
        )
    )
    # Read by the child only: see soak_retention/sitecustomize.py.
    os.environ[HOOK_VARIABLE] = repr(plan.retention_interval)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(HOOK_DIR), os.environ.get("PYTHONPATH", "")) if part
    )


def quiet_offscreen_warnings() -> None:
    """The offscreen platform says "This plugin does not support raise()" (and the like)
    for every popup the query bar opens: dropped, every other message passed on."""
    from PySide6.QtCore import qInstallMessageHandler

    previous: list[Any] = []

    def handler(mode: Any, context: Any, message: str) -> None:
        if message.startswith("This plugin does not support"):
            return
        if previous and previous[0] is not None:
            previous[0](mode, context, message)
        else:
            print(message, file=sys.stderr, flush=True)

    previous.append(qInstallMessageHandler(handler))


def run_window(plan: Plan, portal: dict[str, Any]) -> tuple[list[Sample], Operator, dict[str, Any]]:
    """``b24-console --data-dir DIR`` with the driver beside it; returns after it quit."""
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from console.cli import main as console_main
    from console.ui.views.main_window import MainWindow
    from tests.benchmarks.bench_feed import QUERIES, type_text

    # run_window takes this application: the driver's timers are set before it runs.
    app = QApplication([sys.argv[0]])
    quiet_offscreen_warnings()
    samples: list[Sample] = []
    operator = Operator()
    sent: dict[str, Any] = {}
    store = plan.data_dir / "events.sqlite3"
    sent_file = plan.out / "sent.json"

    # The GUI thread's lateness, reduced to a maximum per sampling interval (a list of every
    # tick would itself grow the window's memory for the whole run).
    clock = QElapsedTimer()
    probe_lock = threading.Lock()
    probe = {"last": 0, "worst": 0.0, "late": 0}

    def tick() -> None:
        now = clock.nsecsElapsed()
        late = max(0.0, (now - probe["last"]) / 1e6 - PROBE_INTERVAL_MS)
        probe["last"] = now
        with probe_lock:
            if late > probe["worst"]:
                probe["worst"] = late
            if late > LATENESS_LIMIT_MS:
                probe["late"] += 1

    def take_lateness() -> tuple[float, int]:
        with probe_lock:
            worst, late = float(probe["worst"]), int(probe["late"])
            probe["worst"], probe["late"] = 0.0, 0
        return worst, late

    probe_timer = QTimer()
    probe_timer.setTimerType(Qt.TimerType.PreciseTimer)
    probe_timer.timeout.connect(tick)

    stop_sampling = threading.Event()

    def sample_loop(child_pid: int, began: float) -> None:
        window_pid = os.getpid()
        due = began
        while True:
            due += plan.sample_seconds
            if stop_sampling.wait(max(0.0, due - time.monotonic())):
                return
            events = store_event_count(store)  # closed again before the fds are counted
            window_rss, window_fds, window_threads = process_figures(window_pid)
            child_rss, child_fds, child_threads = process_figures(child_pid)
            worst, late = take_lateness()
            seconds = time.monotonic() - began
            if seconds >= plan.warmup_s and "start" not in operator.snapshots:
                operator.snapshots["start"] = {
                    "window": open_things(window_pid),
                    "child": open_things(child_pid),
                }
            operator.snapshots["end"] = {
                "window": open_things(window_pid),
                "child": open_things(child_pid),
            }
            samples.append(
                Sample(
                    round(seconds, 2),
                    round(window_rss, 1),
                    round(child_rss, 1),
                    window_fds,
                    child_fds,
                    window_threads,
                    child_threads,
                    round(worst, 2),
                    late,
                    events,
                )
            )

    timers: list[QTimer] = []
    samplers: list[threading.Thread] = []
    sender: list[subprocess.Popen[bytes]] = []
    found: dict[str, MainWindow] = {}
    setup_began = time.monotonic()

    def begin(window: MainWindow, handler_url: str) -> None:
        child_pid = listener_child_pid(os.getpid())
        if child_pid is None:
            operator.error = "no listener child process found"
            window.quit_requested.emit()
            return
        operator.started = True
        model = window.feed_model
        inspector = window.inspector
        assert inspector is not None
        entity_tab = inspector.entity_tab  # type: ignore[attr-defined]

        sender.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.benchmarks.paced_load",
                    handler_url,
                    "--rate",
                    str(plan.event_rate),
                    "--seconds",
                    str(plan.seconds),
                    "--token",
                    portal["application_token"],
                    "--domain",
                    portal["domain"],
                    "--member",
                    portal["member_id"],
                    "--out",
                    str(sent_file),
                ],
                env=child_env(),
            )
        )
        began = time.monotonic()
        clock.start()
        probe["last"] = clock.nsecsElapsed()
        probe_timer.start(PROBE_INTERVAL_MS)
        sampler = threading.Thread(
            target=sample_loop, args=(child_pid, began), name="soak-sampler", daemon=True
        )
        sampler.start()
        samplers.append(sampler)

        queries = cycle(QUERIES)

        def type_query() -> None:
            # A new query makes the inspector show its event again, which cancels a fetch
            # in flight: the operator waits for the portal's answer before typing.
            if fetch["due"] or fetch_in_flight() or selecting():
                operator.queries_deferred += 1
                return
            operator.queries_typed += 1
            query["since"] = time.monotonic()
            type_text(window.query_bar.edit, next(queries))

        def query_run(*_args: object) -> None:
            query["running"] = time.monotonic()

        def query_finished(_count: int) -> None:
            operator.queries_finished += 1
            query["running"] = None
            try_fetch()

        # Typed, then run after the bar's debounce, then finished: the feed has reloaded.
        window.query_bar.query_changed.connect(query_run)
        model.query_finished.connect(query_finished)

        fetch: dict[str, Any] = {
            "due": False,
            "wanted": None,
            "wanted_at": 0.0,
            "since": None,
            "row": 0,
        }
        query: dict[str, Any] = {"since": None, "running": None}

        def fetch_in_flight() -> bool:
            """Whether a fetch waits for the portal; notes one that ended unanswered (the
            tab's busy marker gone without a signal: cancelled) or took too long."""
            since = fetch["since"]
            if since is None:
                return False
            if entity_tab.busy.isHidden():
                operator.fetches_cancelled += 1
            elif time.monotonic() - since > FETCH_DEADLINE_SECONDS:
                operator.fetches_unanswered += 1
            else:
                return True
            fetch["since"] = None
            return False

        def selecting() -> bool:
            """Whether a row was selected for a fetch and the inspector is loading it."""
            if fetch["wanted"] is not None and time.monotonic() - fetch["wanted_at"] > 10:
                fetch["wanted"] = None  # never shown (gone meanwhile): given up
            return fetch["wanted"] is not None

        def start_fetch() -> None:
            fetch["since"] = time.monotonic()
            operator.fetches_started += 1
            entity_tab.fetch()
            if fetch["since"] is not None and entity_tab.busy.isHidden():
                # Not sent: only a message (an old event of a profile this soak lacks).
                operator.fetches_not_sent += 1
                fetch["since"] = None

        def fetch_step() -> None:
            """A fetch is due: the operator stops typing until it has been answered."""
            if fetch["due"] or fetch_in_flight() or selecting():
                operator.fetches_skipped += 1
                return
            fetch["due"] = True
            try_fetch()

        def try_fetch() -> None:
            """Select a row and fetch once no query is reloading the feed (a reload
            reselects the row, and the inspector showing it again cancels the fetch)."""
            if not fetch["due"]:
                return
            typed, running = query["since"], query["running"]
            now = time.monotonic()
            debouncing = typed is not None and now - typed < 0.5
            # A query superseded by the next one, or changing nothing, never reports back.
            reloading = running is not None and now - running < 3
            if debouncing or reloading:
                QTimer.singleShot(100, try_fetch)
                return
            fetch["due"] = False
            rows = model.rowCount()
            if rows == 0:
                operator.fetches_skipped += 1
                return
            row = fetch["row"] % min(rows, 5)
            fetch["row"] += 1
            event_id = model.event_id(row)
            current = inspector.current_event  # type: ignore[attr-defined]
            if current is not None and current.id == event_id:
                start_fetch()
            else:
                fetch["wanted"], fetch["wanted_at"] = event_id, time.monotonic()
                window.feed.selectRow(row)

        def shown(event_id: int) -> None:
            if fetch["wanted"] == event_id:
                fetch["wanted"] = None
                start_fetch()

        def answered(ok: bool) -> None:
            since = fetch["since"]
            if since is None:
                return
            fetch["since"] = None
            operator.fetch_ms.append((time.monotonic() - since) * 1000)
            if ok:
                operator.fetches_answered += 1
            else:
                operator.fetches_refused += 1

        inspector.loaded.connect(shown)  # type: ignore[attr-defined]
        entity_tab.fetched.connect(lambda _view: answered(True))
        entity_tab.failed.connect(lambda _text: answered(False))

        for every, action in ((plan.query_every, type_query), (plan.fetch_every, fetch_step)):
            timer = QTimer()
            timer.timeout.connect(action)
            timer.start(max(1, round(every * 1000)))
            timers.append(timer)

        def finish() -> None:
            for timer in timers:
                timer.stop()
            stop_sampling.set()
            probe_timer.stop()

            def sender_done() -> None:
                if sender[0].poll() is None:
                    QTimer.singleShot(200, sender_done)
                    return
                window.quit_requested.emit()

            sender_done()

        QTimer.singleShot(round(plan.seconds * 1000), finish)

    def find_window() -> None:
        if "window" in found:
            return
        window = next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)
        if time.monotonic() - setup_began > 300:
            operator.error = "the window did not get ready in 5 minutes"
            if window is not None:
                window.quit_requested.emit()
            return
        if window is None or window.inspector is None:
            QTimer.singleShot(250, find_window)
            return
        console = window.context.console
        listener = getattr(console, "listener", None) if console is not None else None
        handler = listener.handlers.get(f"bitrix/{PROFILE}") if listener is not None else None
        if handler is None or window.feed_model.rowCount() == 0:
            QTimer.singleShot(250, find_window)
            return
        found["window"] = window
        begin(window, handler)

    QTimer.singleShot(0, find_window)
    code = console_main(["--data-dir", str(plan.data_dir)])
    stop_sampling.set()
    for sampler in samplers:
        sampler.join()
    if sender and sender[0].poll() is None:
        sender[0].send_signal(signal.SIGINT)
        sender[0].wait(30)
    if sent_file.exists():
        sent = json.loads(sent_file.read_text())
    if code and operator.error is None:
        operator.error = f"b24-console exited with {code}"
    if not operator.started and operator.error is None:
        operator.error = "the window quit before the load started"
    return samples, operator, sent


def report(plan: Plan, samples: list[Sample], operator: Operator, sent: dict[str, Any]) -> Summary:
    summary = summarize(samples, warmup_s=plan.warmup_s, window_s=plan.window_s)
    fetch_ms = sorted(operator.fetch_ms)
    fetch_p50 = f"{statistics.median(fetch_ms):.0f} ms" if fetch_ms else "-"
    fetch_max = f"{fetch_ms[-1]:.0f} ms" if fetch_ms else "-"
    head = [
        *plan.describe(),
        "",
        f"sender: {len(sent.get('sent', {})):,} events sent, {sent.get('failures', '?')} failed",
        f"operator: {operator.queries_typed} queries typed ({operator.queries_finished} feed "
        f"reloads finished), {operator.queries_deferred} not typed (a fetch due or in flight)",
        f"fetches: {operator.fetches_started} started: {operator.fetches_answered} answered, "
        f"{operator.fetches_refused} refused, {operator.fetches_not_sent} not sent (no "
        f"profile for the event), {operator.fetches_cancelled} cancelled, "
        f"{operator.fetches_unanswered} unanswered in {FETCH_DEADLINE_SECONDS:g} s; "
        f"{operator.fetches_skipped} skipped (the one before still in flight); "
        f"answer p50 {fetch_p50}, max {fetch_max}",
    ]
    start, end = operator.snapshots.get("start"), operator.snapshots.get("end")
    if start is not None and end is not None:
        for process in ("window", "child"):
            for kind in ("fds", "threads"):
                head.append(
                    f"{process} {kind} open at the end, not after the warm-up: "
                    f"{grown(start[process][kind], end[process][kind])}"
                )
    if operator.error:
        head.append(f"ERROR: {operator.error}")
        summary.verdicts.append(Verdict("the run completed", operator.error, False))
    summary.lines[:0] = head
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="store size and its cap")
    parser.add_argument("--minutes", type=float, default=20.0, help="wall-clock length")
    parser.add_argument(
        "--compress",
        type=float,
        default=DEFAULT_COMPRESS,
        help="rate factor: 5 events/s, a query per 10 s and a fetch per 30 s, times this",
    )
    parser.add_argument("--out", type=Path, help="results folder (default: a new one in /tmp)")
    parser.add_argument("--data-dir", type=Path, help="default /tmp/b24-soak-EVENTS")
    parser.add_argument("--sample-seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, help="seconds (default min(120, 10 %% of run))")
    parser.add_argument("--window", type=float, help="seconds (default min(60, run / 6))")
    parser.add_argument("--retention-interval", type=float, help="seconds (default 600 / compress)")
    args = parser.parse_args()
    seconds = args.minutes * 60

    # Before Qt reads anything: bench_feed sets an isolated config and the offscreen platform.
    from tests.benchmarks.bench_feed import in_keyring_session

    in_keyring_session("tests.benchmarks.soak")
    from tests.benchmarks.build_store import build_store, event_count

    out = args.out or Path(tempfile.mkdtemp(prefix="b24-soak-"))
    out.mkdir(parents=True, exist_ok=True)
    os.environ["B24_CONSOLE_LOG_DIR"] = str(out / "logs")
    plan = Plan(
        data_dir=args.data_dir or Path(f"/tmp/b24-soak-{args.events}"),
        out=out,
        events=args.events,
        seconds=seconds,
        compress=args.compress,
        sample_seconds=args.sample_seconds,
        warmup_s=args.warmup if args.warmup is not None else min(120.0, seconds / 10),
        window_s=args.window if args.window is not None else min(60.0, seconds / 6),
        retention_interval=args.retention_interval or PRODUCT_RETENTION_INTERVAL / args.compress,
    )
    store = plan.data_dir / "events.sqlite3"
    # More is fine (an earlier run's tail): the first retention pass trims it to the cap.
    if (event_count(store) or 0) < args.events:
        print(f"building a {args.events:,}-event store in {store} ...", flush=True)
        build_store(store, args.events)
    print("\n".join(plan.describe()), flush=True)

    sandbox, portal = start_sandbox()
    try:
        prepare(plan, portal)
        samples, operator, sent = run_window(plan, portal)
    finally:
        sandbox.send_signal(signal.SIGINT)
        try:
            sandbox.wait(30)
        except subprocess.TimeoutExpired:
            sandbox.kill()
    summary = report(plan, samples, operator, sent)
    write_samples(samples, out / "samples.csv")
    (out / "soak.json").write_text(
        json.dumps(
            {
                "plan": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(plan).items()},
                "operator": asdict(operator),
                "samples": [asdict(sample) for sample in samples],
                "verdicts": [asdict(verdict) for verdict in summary.verdicts],
                "passed": summary.passed,
            },
            indent=1,
        )
    )
    text = summary.text()
    (out / "summary.txt").write_text(text + "\n")
    print(f"\n{text}\n\nsamples: {out / 'samples.csv'}, {out / 'soak.json'}", flush=True)
    raise SystemExit(0 if summary.passed else 1)


if __name__ == "__main__":
    main()
