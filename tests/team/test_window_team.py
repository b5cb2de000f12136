"""The team in the window: the store it is on, who else is connected, a lost link.

The events are in a real SQLite file; the store reports itself as a team database whose
presence table is a real PostgreSQL one, so the window's part is exercised without the
event store of issue 10's PostgreSQL half.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from console.core.profiles import ProfileRepository
from console.core.settings import Settings
from console.session import ListenSession
from console.store import SqliteEventStore
from console.store.location import parse_store_url
from console.store.postgres.migrations.m0002_team import SQL as TEAM_SCHEMA_SQL
from console.store.postgres.team import TeamTables
from console.store.team import PresenceMember, StoreDescription, TeamPresence
from console.ui.context import ConsoleContext
from console.ui.settings import LayoutStore
from console.ui.views.main_window import MainWindow
from tests.support.postgres import PgCluster
from tests.ui.window_support import OFFSCREEN_NOISE, fill

pytestmark = OFFSCREEN_NOISE


class TeamPresenceStore(SqliteEventStore):
    """A SQLite store of events that answers presence from a team database's table."""

    def __init__(self, path: Path, tables: TeamTables, where: str) -> None:
        super().__init__(path)
        self._tables = tables
        self._where = where

    def describe(self) -> StoreDescription:
        return StoreDescription(shared=True, where=self._where)

    def presence(self) -> TeamPresence | None:
        return self._tables.presence()


@pytest.fixture
def tables(pg_cluster: PgCluster, pg_database: str) -> Iterator[TeamTables]:
    params = parse_store_url(pg_database).conninfo_params(pg_cluster.password)
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(TEAM_SCHEMA_SQL)
    opened = TeamTables(params)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def team_context(
    qtbot: QtBot, tmp_path: Path, tables: TeamTables
) -> Iterator[tuple[ConsoleContext, TeamPresenceStore]]:
    store = TeamPresenceStore(tmp_path / "events.sqlite3", tables, "db.example:5432/shop")
    session = ListenSession(
        store=store,
        store_path=tmp_path / "events.sqlite3",
        credentials=Any,  # type: ignore[arg-type]  # no listener in this console
        server=None,
        profiles=ProfileRepository(),
    )
    context = ConsoleContext(Settings(operator="Олена"))
    context.attach(session)
    try:
        yield context, store
    finally:
        context.jobs.shutdown()
        session.stop()


def test_local_store_is_named_and_shows_no_team(qtbot: QtBot, tmp_path: Path) -> None:
    store = SqliteEventStore(tmp_path / "events.sqlite3")
    session = ListenSession(
        store=store,
        store_path=tmp_path / "events.sqlite3",
        credentials=Any,  # type: ignore[arg-type]
        server=None,
        profiles=ProfileRepository(),
    )
    context = ConsoleContext(Settings())
    context.attach(session)
    window = MainWindow(
        context,
        layout_store=LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat)),
    )
    qtbot.addWidget(window)
    try:
        team = window.status.team
        assert team.store_label.text() == "Local store"
        assert str(tmp_path / "events.sqlite3") in team.store_label.toolTip()
        assert not team.presence_label.isVisibleTo(window)
    finally:
        window.detach()
        context.jobs.shutdown()
        session.stop()


def test_team_store_shows_who_is_connected_and_a_lost_link(
    qtbot: QtBot,
    tmp_path: Path,
    tables: TeamTables,
    team_context: tuple[ConsoleContext, TeamPresenceStore],
) -> None:
    context, store = team_context
    colleague = PresenceMember(operator="Bohdan", host="desk-7", pid=4242)
    tables.presence().heartbeat(colleague)
    window = MainWindow(
        context,
        layout_store=LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat)),
    )
    qtbot.addWidget(window)
    window.show()
    team = window.status.team
    try:
        assert team.store_label.text() == "Team database db.example:5432/shop"
        qtbot.waitUntil(lambda: team.others != [], timeout=10_000)
        assert "1 other" in team.presence_label.text()
        assert "Bohdan" in team.presence_label.toolTip()
        assert "desk-7" in team.presence_label.toolTip()
        # This window heartbeats under the operator's name.
        assert "Олена" in [entry.operator for entry in tables.presence().present()]

        # The store reports its link lost: the feed keeps its rows and is marked stale.
        fill(store, 3)
        qtbot.waitUntil(lambda: window.feed_model.rowCount() == 3, timeout=10_000)
        window._bridge._connection.emit(False)  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: "stale" in team.store_label.text(), timeout=5_000)
        assert window.feed_model.rowCount() == 3
        # Back: the label says so, and the feed re-reads its top from the store.
        window._bridge._connection.emit(True)  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: "stale" not in team.store_label.text(), timeout=5_000)
        assert window.feed_model.rowCount() == 3

        window.close()
        qtbot.waitUntil(
            lambda: "Олена" not in [e.operator for e in tables.presence().present()],
            timeout=10_000,
        )
    finally:
        window.detach()
