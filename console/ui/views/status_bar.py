"""The status bar: listener, today's events, silence, catch-up, portals and REST budget.

Everything that reads the store, the pollers or the limiter runs in a periodic job; the
GUI thread only formats what the job returns and counts live events as they arrive.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import QStatusBar, QWidget

from console.store.model import EventFilter, FeedRow, Verification
from console.ui.context import ConsoleContext
from console.ui.views.elided_label import ElidedLabel
from console.ui.views.sparkline import EventRateSparkline
from console.ui.views.team_status import TeamStatus

# The periodic job (pollers, limiter buckets) runs this often.
SNAPSHOT_MS = 5000
# The "since the last verified event" text is re-worded this often (no I/O).
TICK_MS = 1000

# A portal call running longer than this shows in the status bar ("shop: waiting 12 s").
WAITING_NOTICE_S = 5.0

RED = "#e53935"
AMBER = "#d08700"


@dataclass
class PortalState:
    profile: str
    error: str | None
    last_pass: datetime | None
    next_pass: datetime | None
    changes: int
    recorded: int


@dataclass
class StatusSnapshot:
    """What the periodic job read, off the GUI thread."""

    portals: list[PortalState] = field(default_factory=list)
    # host -> (level, capacity) of each REST bucket the console has used.
    buckets: dict[str, tuple[float, int]] = field(default_factory=dict)
    # Why the running listener cannot keep events (its /healthz said 503), or None.
    listener_trouble: str | None = None


@dataclass
class StartCounts:
    """What the first job read from the store: today's count and the last verified events."""

    today: int
    last_verified: dict[str, float]
    minute_times: list[float]


def read_start_counts(context: ConsoleContext) -> StartCounts:
    """Runs in a job: counts for the status bar and the sparkline's last hour."""
    store = context.store
    if store is None:
        return StartCounts(0, {}, [])
    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    today = store.count(EventFilter(since=midnight, include_duplicates=True))
    last: dict[str, float] = {}
    verified = EventFilter(verification=frozenset({Verification.VERIFIED}))
    for row in store.query_rows(verified, limit=200):
        last.setdefault(row.profile or "", row.received_us / 1_000_000)
    hour_ago = datetime.now().astimezone() - timedelta(hours=1)
    times: list[float] = []
    before: int | None = None
    flt = EventFilter(since=hour_ago, include_duplicates=True)
    # Bounded: a flood hour is shown as its first 60,000 events, enough for a sparkline.
    while len(times) < 60_000:
        page = store.query_rows(flt, limit=2000, before_id=before)
        times.extend(row.received_us / 1_000_000 for row in page)
        if len(page) < 2000:
            break
        before = page[-1].id
    return StartCounts(today, last, times)


def listener_trouble(base_url: str) -> str | None:
    """Why the listener at ``base_url`` cannot keep events, from its ``/healthz``; None when
    it can. A listener that does not answer at all is trouble too."""
    import httpx

    try:
        answer = httpx.get(f"{base_url}/healthz", timeout=2.0)
    except httpx.HTTPError as exc:
        return QCoreApplication.translate(
            "ConsoleStatusBar", "the listener does not answer (%1)"
        ).replace("%1", type(exc).__name__)
    if answer.status_code == 200:
        return None
    try:
        state = answer.json().get("store")
    except ValueError:
        state = None
    detail = state.get("last_error") if isinstance(state, dict) else None
    return detail or QCoreApplication.translate("ConsoleStatusBar", "its store cannot be written")


def read_snapshot(context: ConsoleContext) -> StatusSnapshot:
    """Runs in a job: poller reports, REST buckets, and whether the listener can keep events
    (its /healthz, on loopback; no keyring)."""
    snapshot = StatusSnapshot()
    console = context.console
    if console is None:
        return snapshot
    for poller in console.pollers:
        report = getattr(poller, "last_report", None)
        snapshot.portals.append(
            PortalState(
                profile=poller.profile,
                error=getattr(report, "error", None),
                last_pass=getattr(report, "finished_at", None),
                next_pass=getattr(poller, "next_pass_at", None),
                changes=getattr(report, "changes", 0) or 0,
                recorded=getattr(report, "recorded", 0) or 0,
            )
        )
    listener = console.listener
    if listener is not None:
        snapshot.listener_trouble = listener_trouble(listener.base_url)
    from console.bitrix.limiter import buckets_in_use

    for host, bucket in buckets_in_use().items():
        # A team's bucket is a row in its database: one read, here in the job.
        snapshot.buckets[host] = (bucket.level, bucket.limits.capacity)
    return snapshot


def ago_text(seconds: float) -> str:
    if seconds < 60:
        return QCoreApplication.translate("ConsoleStatusBar", "%1 s ago").replace(
            "%1", str(int(seconds))
        )
    if seconds < 3600:
        return QCoreApplication.translate("ConsoleStatusBar", "%1 min ago").replace(
            "%1", str(int(seconds // 60))
        )
    return QCoreApplication.translate("ConsoleStatusBar", "%1 h ago").replace(
        "%1", f"{seconds / 3600:.1f}"
    )


class ConsoleStatusBar(QStatusBar):
    """Permanent labels for the console's state; ``showMessage`` still works for messages.

    Labels that carry a number (today's count, the REST budget) are never cut; longer
    ones are cut with "…" (the whole text in their tooltip), the listener's falling back
    to its address first. A message shows in a label of its own, cut the same way;
    ``message_cut(str)`` then hands the whole message on (the window shows it above).
    """

    message_cut = Signal(str)

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.clearMessage)
        self._context = context
        self._today = 0
        self._today_date = datetime.now().date()
        self._last_verified: dict[str, float] = {}
        self._snapshot = StatusSnapshot()

        self.listener_label = self._label("listenerState")
        self.listener_label.setText(self.tr("Starting…"))
        self.listener_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.today_label = self._label("todayCount", cut=False)
        self.silence_label = self._label("silence")
        self.catch_up_label = self._label("catchUp")
        self.portal_label = self._label("portals")
        self.rest_label = self._label("restBudget", cut=False)
        self.setStyleSheet("QStatusBar::item { border: none; }")
        # Leftmost: which store, and who else is on it.
        self.team = TeamStatus(context, self)
        self.sparkline = EventRateSparkline(self)
        self.addPermanentWidget(self.sparkline)
        # After the permanent labels: the team's are inserted at the permanent indexes.
        self.message_label = ElidedLabel(self)
        self.message_label.setObjectName("statusMessage")
        self.message_label.setContentsMargins(6, 0, 6, 0)
        self.addWidget(self.message_label, 1)
        self.message_label.hide()

        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._snapshot_timer = QTimer(self)
        self._snapshot_timer.setInterval(SNAPSHOT_MS)
        self._snapshot_timer.timeout.connect(self.refresh_snapshot)
        context.ready.connect(self.console_ready)
        if context.console is not None:
            self.console_ready()

    def _label(self, name: str, *, cut: bool = True) -> ElidedLabel:
        # A number is never cut: such a label keeps the width of its whole text.
        label = ElidedLabel(self, keep_whole=not cut)
        label.setObjectName(name)
        label.setContentsMargins(6, 0, 6, 0)
        self.addPermanentWidget(label)
        return label

    # -- messages -----------------------------------------------------------------------

    def showMessage(self, text: str, timeout: int | None = 0) -> None:
        self.message_label.setText(text)
        # Without a message the permanent labels have the whole bar.
        self.message_label.setVisible(bool(text))
        if timeout:
            self._message_timer.start(timeout)
        else:
            self._message_timer.stop()
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the label's width for the message, before it is measured
        if text and self.isVisible() and self.message_label.elided:
            self.message_cut.emit(text)

    def clearMessage(self) -> None:
        self._message_timer.stop()
        self.message_label.setText("")
        self.message_label.hide()

    def currentMessage(self) -> str:
        return self.message_label.text()

    # -- console ------------------------------------------------------------------------

    def console_ready(self) -> None:
        self.show_listener_state()
        self.team.console_ready()
        context = self._context
        context.jobs.submit(
            lambda _c: read_start_counts(context),
            on_done=self._start_counts,
            on_error=lambda exc: self.showMessage(str(exc)),
            lane="status-start",
        )
        self.refresh_snapshot()
        self._tick.start()
        self._snapshot_timer.start()

    def show_listener_state(self) -> None:
        console = self._context.console
        if console is None:
            return
        error = console.bind_error
        if error is not None:
            if error.address_in_use:
                text = self.tr(
                    "Port %1 is taken (by another program or console): change the port in "
                    "Settings, or stop the other program"
                ).replace("%1", str(error.port))
            else:
                text = (
                    self.tr("Listener could not start on %1:%2 (%3): check the address in Settings")
                    .replace("%1", error.host)
                    .replace("%2", str(error.port))
                    .replace("%3", error.reason)
                )
            self.set_listener_error(text)
            return
        listener = console.listener
        if listener is None:
            self.listener_label.setText(self.tr("Listener off"))
            return
        text = self.tr("Listening on %1").replace("%1", listener.base_url)
        address = listener.base_url.split("://", 1)[-1]
        if console.is_demo:
            text = self.tr("Demo · %1").replace("%1", text)
            address = self.tr("Demo · %1").replace("%1", address)
        self.listener_label.set_text(text, address)
        self.listener_label.setStyleSheet("")
        self.listener_label.setToolTip("")

    def set_listener_error(self, text: str) -> None:
        """Red, with what to do (used for bind errors and a console that did not start)."""
        self.listener_label.setText(text)
        self.listener_label.setToolTip(text)
        self.listener_label.setStyleSheet(
            f"QLabel {{ background: {RED}; color: white; border-radius: 3px; }}"
        )

    @property
    def listener_is_red(self) -> bool:
        return RED in self.listener_label.styleSheet()

    def _start_counts(self, counts: StartCounts) -> None:
        self._today += counts.today
        for profile, moment in counts.last_verified.items():
            if moment > self._last_verified.get(profile, 0.0):
                self._last_verified[profile] = moment
        self.sparkline.seed(counts.minute_times)
        self._on_tick()

    def refresh_snapshot(self) -> None:
        context = self._context
        context.jobs.submit(
            lambda _c: read_snapshot(context),
            on_done=self._snapshot_arrived,
            lane="status-snapshot",
        )

    def _snapshot_arrived(self, snapshot: StatusSnapshot) -> None:
        self._snapshot = snapshot
        if snapshot.listener_trouble is not None:
            self.set_listener_error(
                self.tr(
                    "Events are not being kept: %1. Free disk space or fix the store's "
                    "folder; the listener answers senders 503 until then"
                ).replace("%1", snapshot.listener_trouble)
            )
        elif (
            self.listener_is_red
            and self._context.console is not None
            and self._context.console.bind_error is None
        ):
            # The trouble is over: back to the listener's address.
            self.show_listener_state()
        self._show_catch_up()
        self._show_portals()

    # -- live ---------------------------------------------------------------------------

    def add_live(self, event: FeedRow) -> None:
        moment = event.received_us / 1_000_000
        if datetime.now().date() != self._today_date:
            self._today_date = datetime.now().date()
            self._today = 0
        self._today += 1
        if event.verification == Verification.VERIFIED:
            profile = event.profile or ""
            self._last_verified[profile] = max(moment, self._last_verified.get(profile, 0.0))
        self.sparkline.add(moment)

    @property
    def today(self) -> int:
        return self._today

    def _on_tick(self) -> None:
        self.today_label.setText(
            self.tr("Today: %1").replace("%1", QLocale().toString(self._today))
        )
        self._show_silence()
        self._show_portals()
        self.sparkline.tick()

    def _show_silence(self) -> None:
        if not self._last_verified:
            self.silence_label.setText(self.tr("No verified event yet"))
            self.silence_label.setStyleSheet("")
            return
        window = self._context.settings.window
        now = time.time()
        newest = max(self._last_verified.values())
        silent: list[str] = []
        for profile, moment in self._last_verified.items():
            limit = window.silence_warning_by_profile.get(profile, window.silence_warning_minutes)
            if now - moment > limit * 60:
                silent.append(profile or self.tr("(no profile)"))
        text = self.tr("Last verified: %1").replace("%1", ago_text(max(0.0, now - newest)))
        if silent:
            text += " · " + self.tr("quiet: %1").replace("%1", ", ".join(sorted(silent)))
            self.silence_label.setStyleSheet(f"QLabel {{ color: {AMBER}; font-weight: bold; }}")
            self.silence_label.setToolTip(
                self.tr(
                    "Nothing verified has arrived for longer than the warning time. Check that "
                    "the portal's outbound webhook still points at this console."
                )
            )
        else:
            self.silence_label.setStyleSheet("")
            self.silence_label.setToolTip("")
        self.silence_label.setText(text)

    def _show_catch_up(self) -> None:
        portals = self._snapshot.portals
        if not portals:
            self.catch_up_label.set_text(self.tr("Catch-up off"))
            return
        last = [p.last_pass for p in portals if p.last_pass is not None]
        nxt = [p.next_pass for p in portals if p.next_pass is not None]
        parts = [self.tr("Catch-up")]
        if last:
            parts.append(self.tr("last %1").replace("%1", max(last).astimezone().strftime("%H:%M")))
        else:
            parts.append(self.tr("first pass running"))
        if nxt:
            parts.append(self.tr("next %1").replace("%1", min(nxt).astimezone().strftime("%H:%M")))
        found = sum(p.recorded for p in portals)
        parts.append(self.tr("%n change(s) found", "", found))
        self.catch_up_label.set_text(" · ".join(parts), parts[0])

    def _show_portals(self) -> None:
        parts: list[str] = []
        tips: list[str] = []
        bad = False
        budget = ""
        waiting = self._context.portal_calls.waiting(WAITING_NOTICE_S)
        profiles = [portal.profile for portal in self._snapshot.portals]
        for profile in sorted(set(waiting) - set(profiles)):
            profiles.append(profile)
        errors = {portal.profile: portal.error for portal in self._snapshot.portals}
        for profile in profiles:
            error = errors.get(profile)
            if profile in waiting:
                seconds = QLocale().toString(int(waiting[profile]))
                parts.append(
                    self.tr("%1: waiting %2 s").replace("%1", profile).replace("%2", seconds)
                )
                tips.append(
                    self.tr("%1: a call to the portal has been running for %2 s")
                    .replace("%1", profile)
                    .replace("%2", seconds)
                )
            elif error:
                bad = True
                parts.append(self.tr("%1: unreachable").replace("%1", profile))
                tips.append(f"{profile}: {error}")
            else:
                parts.append(self.tr("%1: ok").replace("%1", profile))
        for host, (level, capacity) in sorted(self._snapshot.buckets.items()):
            left = max(0, int(capacity - level))
            tips.append(
                self.tr("%1: %2 of %3 requests left in the burst")
                .replace("%1", host)
                .replace("%2", str(left))
                .replace("%3", str(capacity))
            )
            if len(self._snapshot.buckets) == 1:
                budget = (
                    self.tr("REST %1/%2")
                    .replace("%1", QLocale().toString(left))
                    .replace("%2", QLocale().toString(capacity))
                )
        unreachable = sum(1 for portal in self._snapshot.portals if portal.error)
        if unreachable:
            compact = self.tr("%n portal(s) unreachable", "", unreachable)
        elif waiting:
            compact = self.tr("Waiting for a portal")
        else:
            compact = self.tr("Portals ok") if parts else ""
        self.portal_label.set_text(" · ".join(parts), compact)
        self.portal_label.setToolTip("\n".join(tips))
        colour = RED if bad else (AMBER if waiting else "")
        self.portal_label.setStyleSheet(f"QLabel {{ color: {colour}; }}" if colour else "")
        self.rest_label.setText(budget)
        self.rest_label.setToolTip("\n".join(tips))
