"""Listeners in the team's presence, on a real PostgreSQL store: `listen` heartbeats with its
host, pid and address; the portals it polls follow the catch-up lease; the window shows
listeners apart from operators."""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.core.settings import ListenerSettings
from console.listener.catchup import CatchUpPoller
from console.listener.presence import ListenerPresence
from console.sandbox import SandboxConfig, SandboxPortal
from console.session import start_listen_session
from console.store.location import StoreLocation, parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.team import ROLE_LISTENER, PresenceEntry, PresenceMember, TeamPresence
from console.ui.views.team_status import listener_lines, listeners_text, present_others
from tests.listener.test_team_polling import PROFILE, start_poller, wait_for
from tests.support.postgres import PgCluster
from tests.team.test_window_team import close_window, window_on
from tests.ui.window_support import OFFSCREEN_NOISE


@pytest.fixture
def team_store(pg_cluster: PgCluster, pg_database: str) -> StoreLocation:
    location = parse_store_url(pg_database)
    PostgresEventStore(location, pg_cluster.password).close()  # the schema
    return location


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(burst=10_000, drain_rate=1000.0)) as started:
        yield started


def listeners_in(presence: TeamPresence) -> list[PresenceEntry]:
    return [entry for entry in presence.present() if entry.role == ROLE_LISTENER]


def test_listen_on_a_team_store_heartbeats_as_a_listener_and_leaves_on_stop(
    pg_cluster: PgCluster, team_store: StoreLocation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B24_STORE_PASSWORD", pg_cluster.password)
    observer = PostgresEventStore(team_store, pg_cluster.password)
    presence = observer.presence()
    assert presence is not None
    session = start_listen_session(ListenerSettings(port=0), store_path=team_store)
    try:
        assert session.server is not None and session.presence is not None
        assert wait_for(lambda: listeners_in(presence) != [], 10)
        (entry,) = listeners_in(presence)
        assert entry.is_listener
        assert (entry.host, entry.pid) == (socket.gethostname(), os.getpid())
        assert entry.address == session.server.base_url
        assert entry.polling == ()  # no profile to poll
        session.stop()
        assert listeners_in(presence) == []  # left at once, not after 30 s of silence
    finally:
        session.stop()
        observer.close()


def test_the_portals_a_listener_polls_follow_the_catch_up_lease(
    pg_cluster: PgCluster, team_store: StoreLocation, portal: SandboxPortal
) -> None:
    stores = [PostgresEventStore(team_store, pg_cluster.password) for _ in range(2)]
    pollers: list[CatchUpPoller] = []
    beats: list[ListenerPresence] = []

    def heartbeat(store: PostgresEventStore, host: str, poller: CatchUpPoller) -> None:
        team = store.presence()
        assert team is not None
        beat = ListenerPresence(
            team,
            PresenceMember(operator="svc", host=host),
            lambda member: dataclasses.replace(
                member, polling=(poller.profile,) if poller.polling else ()
            ),
            interval_seconds=0.2,
        )
        beat.start()
        beats.append(beat)

    def polling_hosts() -> list[str]:
        return sorted(entry.host for entry in listeners_in(presence) if PROFILE in entry.polling)

    presence = stores[0].presence()
    assert presence is not None
    try:
        first, first_reports = start_poller(stores[0], portal)
        pollers.append(first)
        assert wait_for(lambda: first_reports.passes(), 15)
        heartbeat(stores[0], "srv-1", first)
        second, second_reports = start_poller(stores[1], portal)
        pollers.append(second)
        assert wait_for(lambda: second_reports.standbys(), 15)
        heartbeat(stores[1], "srv-2", second)

        assert wait_for(lambda: len(listeners_in(presence)) == 2, 10)
        assert wait_for(lambda: polling_hosts() == ["srv-1"], 10)
        first.stop()
        # The other listener takes the lease over, and says so in its next heartbeat.
        assert wait_for(lambda: polling_hosts() == ["srv-2"], 15), polling_hosts()
    finally:
        for beat in beats:
            beat.stop()
        for poller in pollers:
            poller.stop()
        for store in stores:
            store.close()


def entry(host: str, role: str, polling: tuple[str, ...] = (), pid: int = 1) -> PresenceEntry:
    now = datetime.now(UTC)
    return PresenceEntry(
        f"{host}-{pid}", "svc", host, pid, role, now, now, f"http://{host}:8080", polling
    )


def test_listeners_are_named_with_what_they_poll() -> None:
    listeners = [entry("host1", ROLE_LISTENER, ("shop",)), entry("host2", ROLE_LISTENER)]
    assert listeners_text(listeners) == "Listeners: host1 (polling shop), host2"
    assert listeners_text([]) == "No listener running"
    lines = listener_lines(listeners, datetime.now(UTC))
    assert "listening on http://host2:8080" in lines[1]
    # A listener is not an operator's window.
    others = present_others([*listeners, entry("desk", "console")], "nobody")
    assert [other.host for other in others] == ["desk"]


@OFFSCREEN_NOISE
def test_the_window_shows_listeners_apart_from_operators(
    qtbot: QtBot, tmp_path: Path, pg_cluster: PgCluster, team_store: StoreLocation
) -> None:
    colleague_store = PostgresEventStore(team_store, pg_cluster.password)
    presence = colleague_store.presence()
    assert presence is not None
    presence.heartbeat(
        PresenceMember(operator="svc", host="srv-1", pid=11, role=ROLE_LISTENER, polling=("shop",))
    )
    presence.heartbeat(PresenceMember(operator="svc", host="srv-2", pid=12, role=ROLE_LISTENER))
    window = window_on(
        PostgresEventStore(team_store, pg_cluster.password), team_store, tmp_path, "Олена"
    )
    qtbot.addWidget(window)
    window.show()
    team = window.status.team
    try:
        qtbot.waitUntil(lambda: len(team.listeners) == 2, timeout=10_000)
        assert team.listeners_label.text() == "Listeners: srv-1 (polling shop), srv-2"
        assert team.listeners_label.isVisibleTo(window)
        assert "srv-2 (pid 12) listening on" in team.listeners_label.toolTip()
        # Listeners are not counted among the other operators.
        assert team.others == []
        assert team.presence_label.text() == "No one else connected"
    finally:
        close_window(window)
        colleague_store.close()
