"""The team in the window, on a real PostgreSQL store: the store it is on, who else is
connected, and a lost database shown as a stale feed that fills its gap when it is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from console.core.profiles import ProfileRepository
from console.core.settings import Settings
from console.session import ListenSession
from console.store import EventStore, SqliteEventStore
from console.store.location import StoreLocation, parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.team import PresenceMember
from console.ui.context import ConsoleContext
from console.ui.settings import LayoutStore
from console.ui.views.main_window import MainWindow
from tests.support.postgres import PgCluster, throwaway_cluster
from tests.ui.window_support import OFFSCREEN_NOISE, fill

pytestmark = OFFSCREEN_NOISE


def window_on(
    store: EventStore, where: StoreLocation, tmp_path: Path, operator: str | None = None
) -> MainWindow:
    """A window whose console is ``store`` (no listener: another process receives)."""
    session = ListenSession(
        store=store,
        store_location=where,
        credentials=Any,  # type: ignore[arg-type]  # no listener in this console
        server=None,
        profiles=ProfileRepository(),
    )
    context = ConsoleContext(Settings(operator=operator))
    context.attach(session)
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    return MainWindow(context, layout_store=layout)


def close_window(window: MainWindow) -> None:
    window.detach()
    window.context.jobs.shutdown()
    console = window.context.console
    assert console is not None
    console.stop()


def test_local_store_is_named_and_shows_no_team(qtbot: QtBot, tmp_path: Path) -> None:
    local = StoreLocation.sqlite(tmp_path / "events.sqlite3")
    window = window_on(SqliteEventStore(tmp_path / "events.sqlite3"), local, tmp_path)
    qtbot.addWidget(window)
    try:
        team = window.status.team
        assert team.store_label.text() == "Local store"
        assert str(tmp_path / "events.sqlite3") in team.store_label.toolTip()
        assert not team.presence_label.isVisibleTo(window)
    finally:
        close_window(window)


def test_team_store_shows_who_else_is_connected(
    qtbot: QtBot, tmp_path: Path, pg_cluster: PgCluster, pg_database: str
) -> None:
    location = parse_store_url(pg_database)
    colleague_store = PostgresEventStore(location, pg_cluster.password)
    presence = colleague_store.presence()
    assert presence is not None
    colleague = PresenceMember(operator="Bohdan", host="desk-7", pid=4242)
    presence.heartbeat(colleague)
    window = window_on(
        PostgresEventStore(location, pg_cluster.password), location, tmp_path, "Олена"
    )
    qtbot.addWidget(window)
    window.show()
    team = window.status.team
    try:
        assert team.store_label.text() == f"Team database {location.host}/{location.dbname}"
        qtbot.waitUntil(lambda: team.others != [], timeout=10_000)
        assert "1 other" in team.presence_label.text()
        assert "Bohdan" in team.presence_label.toolTip()
        assert "desk-7" in team.presence_label.toolTip()
        # This window heartbeats under the operator's name; closing it leaves at once.
        assert "Олена" in [entry.operator for entry in presence.present()]
        window.close()
        qtbot.waitUntil(
            lambda: "Олена" not in [e.operator for e in presence.present()], timeout=10_000
        )
    finally:
        close_window(window)
        colleague_store.close()


def test_lost_database_marks_the_feed_stale_and_the_gap_fills_when_it_is_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # Its own cluster: this test stops and starts the server.
    with throwaway_cluster() as cluster:
        url = parse_store_url(cluster.url(cluster.create_database()))
        writer = PostgresEventStore(url, cluster.password)
        window = window_on(PostgresEventStore(url, cluster.password), url, tmp_path)
        qtbot.addWidget(window)
        window.show()
        team = window.status.team
        try:
            fill(writer, 3)
            qtbot.waitUntil(lambda: window.feed_model.rowCount() == 3, timeout=15_000)

            cluster.stop()
            qtbot.waitUntil(lambda: "stale" in team.store_label.text(), timeout=20_000)
            assert window.feed_model.rowCount() == 3  # keeps what it has
            cluster.start()
            # Stored while the window may still be away: it must read them on reconnect.
            stored = [writer.append(record).id for record in _records(4, 10)]
            qtbot.waitUntil(lambda: "stale" not in team.store_label.text(), timeout=30_000)
            qtbot.waitUntil(lambda: window.feed_model.rowCount() == 10, timeout=30_000)
            shown = {window.feed_model.event_id(row) for row in range(10)}
            assert set(stored) <= shown
        finally:
            close_window(window)
            writer.close()


def _records(first: int, last: int) -> list[Any]:
    from tests.ui.window_support import record

    return [record(n) for n in range(first, last + 1)]
