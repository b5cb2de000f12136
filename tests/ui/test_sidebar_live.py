"""The sidebar's counts move with the feed: a row the real listener stored is counted in
its views in the same batch that shows it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from console.store.model import EventSource
from console.ui.context import ConsoleContext
from console.ui.settings import LayoutStore
from console.ui.views.main_window import MainWindow
from tests.listener.conftest import sample
from tests.ui.loopback import LoopbackConsole
from tests.ui.window_support import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE
pytest_plugins = ["tests.ui.inspector_fixtures"]


def test_a_horoshop_row_is_counted_when_it_shows(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole, tmp_path: Path
) -> None:
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    sidebar = window.sidebar
    horoshop = sidebar.model.row_of_name("Horoshop")
    assert horoshop is not None
    qtbot.waitUntil(lambda: sidebar.model.count(horoshop) == 0, timeout=10_000)
    console.put_horoshop(sample("horoshop-order_created.json"))

    def horoshop_row_shown() -> bool:
        model = window.feed_model
        rows = (model.feed_row(row) for row in range(model.rowCount()))
        return any(row is not None and row.source == EventSource.HOROSHOP for row in rows)

    qtbot.waitUntil(horoshop_row_shown, timeout=10_000)
    assert (sidebar.model.count(horoshop) or 0) >= 1
    assert (sidebar.model.count(0) or 0) >= 1  # "All"
    window.detach()
