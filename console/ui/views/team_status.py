"""The team in the status bar: which store the window is on, who else is connected, and
whether the link to a team database is up.

A local store shows its file and nothing else. A team database shows its host and
database, the operators whose windows heartbeat into its presence table, apart from them
the listeners (each with the portals it polls), and, while the link is down, that the
feed is stale (it fills the gap when the link is back). Every heartbeat and presence read
runs in a job; the GUI thread only formats their results.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtWidgets import QStatusBar

from console.store.team import HEARTBEAT_SECONDS, PresenceEntry, PresenceMember, TeamPresence
from console.ui.context import ConsoleContext
from console.ui.views.elided_label import ElidedLabel

RED = "#e53935"


@dataclass(frozen=True)
class PresenceReport:
    """What one heartbeat job read: everyone present (this window included)."""

    entries: list[PresenceEntry]
    read_at: datetime


def present_others(entries: list[PresenceEntry], own_session: str) -> list[PresenceEntry]:
    """The other operators' windows (listeners are shown apart)."""
    return [entry for entry in entries if entry.session_id != own_session and not entry.is_listener]


def present_listeners(entries: list[PresenceEntry]) -> list[PresenceEntry]:
    """Every listener heard from, this window's own child included, by host."""
    return sorted((entry for entry in entries if entry.is_listener), key=lambda e: (e.host, e.pid))


def listeners_text(listeners: list[PresenceEntry]) -> str:
    """``Listeners: host1 (polling shop), host2``, or that none runs."""
    if not listeners:
        return QCoreApplication.translate("TeamStatus", "No listener running")
    parts = []
    for entry in listeners:
        if entry.polling:
            parts.append(
                QCoreApplication.translate("TeamStatus", "%1 (polling %2)")
                .replace("%1", entry.host)
                .replace("%2", ", ".join(entry.polling))
            )
        else:
            parts.append(entry.host)
    return QCoreApplication.translate("TeamStatus", "Listeners: %1").replace("%1", ", ".join(parts))


def listener_lines(listeners: list[PresenceEntry], now: datetime) -> list[str]:
    """One line per listener: host, pid, its address, how long since it was heard from."""
    lines = []
    for entry in listeners:
        seconds = max(0, int((now - entry.last_seen).total_seconds()))
        address = entry.address or QCoreApplication.translate("TeamStatus", "no address")
        lines.append(
            QCoreApplication.translate("TeamStatus", "%1 (pid %2) listening on %3, seen %4 s ago")
            .replace("%1", entry.host)
            .replace("%2", str(entry.pid))
            .replace("%3", address)
            .replace("%4", str(seconds))
        )
    return lines


def presence_lines(others: list[PresenceEntry], now: datetime) -> list[str]:
    """One line per other window: operator on host, how long since it was heard from."""
    lines = []
    for entry in others:
        seconds = max(0, int((now - entry.last_seen).total_seconds()))
        lines.append(
            QCoreApplication.translate("TeamStatus", "%1 on %2 (pid %3), seen %4 s ago")
            .replace("%1", entry.operator)
            .replace("%2", entry.host)
            .replace("%3", str(entry.pid))
            .replace("%4", str(seconds))
        )
    return lines


class TeamStatus(QObject):
    """Two permanent labels of the status bar: the store, and the team present on it."""

    def __init__(self, context: ConsoleContext, bar: QStatusBar) -> None:
        super().__init__(bar)
        self._context = context
        self._member: PresenceMember | None = None
        self._presence: TeamPresence | None = None
        self._connected = True
        self._lost_at: float | None = None
        self._where = ""
        self._shared = False
        self.store_label = ElidedLabel(bar)
        self.store_label.setObjectName("storePlace")
        self.store_label.setContentsMargins(6, 0, 6, 0)
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.presence_label = ElidedLabel(bar)
        self.presence_label.setObjectName("teamPresence")
        self.presence_label.setContentsMargins(6, 0, 6, 0)
        self.presence_label.hide()
        self.listeners_label = ElidedLabel(bar)
        self.listeners_label.setObjectName("teamListeners")
        self.listeners_label.setContentsMargins(6, 0, 6, 0)
        self.listeners_label.hide()
        bar.insertPermanentWidget(0, self.store_label)
        bar.insertPermanentWidget(1, self.presence_label)
        bar.insertPermanentWidget(2, self.listeners_label)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(int(HEARTBEAT_SECONDS * 1000))
        self._heartbeat.timeout.connect(self.beat)
        self.others: list[PresenceEntry] = []
        self.listeners: list[PresenceEntry] = []

    # -- the store ---------------------------------------------------------------------

    def console_ready(self) -> None:
        store = self._context.store
        if store is None:
            return
        description = store.describe()
        self._shared = description.shared
        self._where = description.where
        self._show_store()
        self._presence = store.presence()
        if self._presence is None:
            return
        from console.operations.base import current_operator

        self._member = PresenceMember(operator=current_operator(self._context.settings.operator))
        self.presence_label.show()
        self.presence_label.setText(self.tr("Team: …"))
        self.listeners_label.show()
        self.listeners_label.setText(self.tr("Listeners: …"))
        self.beat()
        self._heartbeat.start()

    @property
    def shared(self) -> bool:
        return self._shared

    @property
    def connected(self) -> bool:
        return self._connected

    def set_connected(self, connected: bool) -> None:
        """The database link was lost (the feed keeps its rows, marked stale) or is back."""
        if connected == self._connected:
            return
        self._connected = connected
        self._lost_at = None if connected else time.time()
        self._show_store()
        if connected and self._member is not None:
            self.beat()

    def _show_store(self) -> None:
        label = self.store_label
        if not self._shared:
            label.setText(self.tr("Local store"))
            label.setToolTip(
                self.tr("Events are kept in %1 on this computer").replace("%1", self._where)
            )
            label.setStyleSheet("")
            return
        if self._connected:
            label.setText(self.tr("Team database %1").replace("%1", self._where))
            label.setToolTip(
                self.tr("Every operator's window shows the events kept in %1").replace(
                    "%1", self._where
                )
            )
            label.setStyleSheet("")
            return
        since = datetime.fromtimestamp(self._lost_at or time.time()).strftime("%H:%M:%S")
        label.setText(
            self.tr("Team database unreachable since %1 — the feed is stale").replace("%1", since)
        )
        label.setToolTip(
            self.tr(
                "The connection to %1 was lost. The feed keeps what it shows but misses new "
                "events until the database answers again; then it fills in what it missed."
            ).replace("%1", self._where)
        )
        label.setStyleSheet(f"QLabel {{ background: {RED}; color: white; border-radius: 3px; }}")

    # -- presence ------------------------------------------------------------------------

    def beat(self) -> None:
        """Heartbeat and read who is present, in a job."""
        member, presence = self._member, self._presence
        if member is None or presence is None:
            return

        def work(_job: object) -> PresenceReport:
            presence.heartbeat(member)
            return PresenceReport(presence.present(), datetime.now(UTC))

        self._context.jobs.submit(
            work, on_done=self._presence_read, on_error=self._presence_failed, lane="presence"
        )

    def _presence_read(self, report: PresenceReport) -> None:
        if self._member is None:
            return
        self.others = present_others(report.entries, self._member.session_id)
        self.listeners = present_listeners(report.entries)
        self.listeners_label.setText(listeners_text(self.listeners))
        self.listeners_label.setToolTip(
            "\n".join(listener_lines(self.listeners, report.read_at))
            or self.tr("No listener of the team has been heard from: events are not received")
        )
        count = len(self.others)
        if count == 0:
            self.presence_label.setText(self.tr("No one else connected"))
            self.presence_label.setToolTip(self.tr("No other window is on this database now"))
            return
        self.presence_label.setText(self.tr("%n other(s) connected", "", count))
        names = sorted({entry.operator for entry in self.others})
        self.presence_label.setToolTip(
            self.tr("Also connected: %1").replace("%1", ", ".join(names))
            + "\n"
            + "\n".join(presence_lines(self.others, report.read_at))
        )

    def _presence_failed(self, exc: BaseException) -> None:
        self.listeners_label.setText(self.tr("Listeners: unknown"))
        self.presence_label.setText(self.tr("Team: unknown"))
        self.presence_label.setToolTip(
            self.tr("Could not read who is connected: %1").replace("%1", type(exc).__name__)
        )

    def leave(self) -> None:
        """The window closes: stop heartbeating and leave the presence table at once."""
        self._heartbeat.stop()
        member, self._member = self._member, None
        presence = self._presence
        if member is None or presence is None:
            return
        self._context.jobs.submit(lambda _job: presence.leave(member), lane="presence-leave")
