"""Smaller window parts: welcome panel, sparkline, tray filter, silence warning, originals."""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.core.settings import load_settings
from console.session import ListenSession
from console.store.model import EventFilter, EventSource, FeedRow, StoredEvent, Verification
from console.store.sqlite import feed_row
from console.ui.context import ConsoleContext
from console.ui.icons import ICON_SIZES, icon_png_path
from console.ui.models.feed import PAGE, Column, RowKind
from console.ui.settings import LayoutStore
from console.ui.theme import apply_theme
from console.ui.tray import is_new_order_event
from console.ui.views.main_window import MainWindow
from console.ui.views.sparkline import MINUTES, EventRateSparkline
from console.ui.views.status_bar import AMBER, ConsoleStatusBar
from console.ui.views.welcome import demo_command
from tests.ui.window_support import OFFSCREEN_NOISE, context, fill, record, session

pytestmark = OFFSCREEN_NOISE
__all__ = ["context", "session"]


def stored(n: int, **kwargs: object) -> FeedRow:
    """The feed row of an event stored as number ``n``: what the bridge hands the window."""
    event = StoredEvent(id=n, **record(n, **kwargs).model_dump())  # type: ignore[arg-type]
    return feed_row(event)


def test_the_window_carries_every_rendered_icon_size(
    qtbot: QtBot, context: ConsoleContext, tmp_path: Path
) -> None:
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    icon = window.windowIcon()
    assert {size.width() for size in icon.availableSizes()} == set(ICON_SIZES)
    # Each size draws from its own file, not a scaled neighbour.
    assert not icon.pixmap(48, 48).isNull()
    assert icon.pixmap(48, 48).toImage() == QImage(str(icon_png_path(48))).convertToFormat(
        icon.pixmap(48, 48).toImage().format()
    )
    window.detach()


def test_demo_command_runs_the_cli_with_demo() -> None:
    program, arguments = demo_command()
    assert arguments[-1] == "--demo"
    # The same prefix with --help instead: it must reach the command line, not Python's.
    result = subprocess.run(
        [program, *arguments[:-1], "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "usage: b24-console" in result.stdout


def test_sparkline_counts_per_minute(qtbot: QtBot) -> None:
    line = EventRateSparkline()
    qtbot.addWidget(line)
    now = time.time()
    line.seed([now, now - 1, now - 125, now - 7200])
    values = line.values()
    assert len(values) == MINUTES
    assert sum(values) == 3  # the one from two hours ago is out of the window
    assert values[-1] >= 1
    line.add(now)
    assert sum(line.values()) == 4
    line.show()
    line.repaint()


def test_tray_notifies_only_verified_order_events() -> None:
    assert is_new_order_event(stored(1))
    assert is_new_order_event(stored(2, source=EventSource.HOROSHOP, event="ORDER_CREATED"))
    assert not is_new_order_event(stored(3, verification=Verification.REJECTED))
    assert not is_new_order_event(stored(4, event="ONPROPERTYVALUEENTITYSAVED"))


def test_silence_turns_amber_per_profile(qtbot: QtBot, context: ConsoleContext) -> None:
    context.settings.window.silence_warning_minutes = 10
    context.settings.window.silence_warning_by_profile = {"quiet": 1}
    bar = ConsoleStatusBar(context)
    qtbot.addWidget(bar)
    recent = datetime.fromtimestamp(time.time() - 90, UTC)
    bar.add_live(stored(1, profile="shop", received_at=recent))
    bar._on_tick()
    assert AMBER not in bar.silence_label.styleSheet()
    bar.add_live(stored(2, profile="quiet", received_at=recent))
    bar._on_tick()
    assert AMBER in bar.silence_label.styleSheet()
    assert "quiet" in bar.silence_label.text()


def test_go_to_original_reads_pages_until_it_is_found(
    qtbot: QtBot, context: ConsoleContext, session: ListenSession, tmp_path: Path
) -> None:
    original = session.store.append(record(1)).id
    fill(session.store, PAGE * 2, ts="x")  # distinct entities: none of these is a duplicate
    # ``fill`` reuses entity ids 1..: entity 1 with ts "x" differs from the original's ts.
    duplicate = session.store.append(record(1))
    assert duplicate.duplicate_of == original
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        window.feed_model.set_filter(EventFilter(include_duplicates=True))
    assert window.feed_model.row_of(original) is None
    window.feed.selectRow(0)
    assert window.feed_model.index(0, Column.VERIFICATION).data() == f"duplicate of #{original}"
    assert window.go_to_original_action.isEnabled()
    window.go_to_original_action.trigger()
    qtbot.waitUntil(lambda: window.feed.current_event_id() == original, timeout=15_000)
    window.detach()


def test_dark_palette_gives_the_feed_readable_colours(
    qtbot: QtBot, context: ConsoleContext, tmp_path: Path
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = app.palette()
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    light = window.feed_model._brushes[RowKind.REJECTED]
    try:
        assert apply_theme(app, dark=True)
        assert app.palette().color(QPalette.ColorRole.Base).lightness() < 128
        qtbot.waitUntil(lambda: window.feed_model._brushes[RowKind.REJECTED] != light)
        dark = window.feed_model._brushes[RowKind.REJECTED]
        assert dark is not None and dark.color().lightness() > 128
    finally:
        app.setPalette(previous)
        window.detach()


def test_notify_choice_is_saved(qtbot: QtBot, context: ConsoleContext, tmp_path: Path) -> None:
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    assert not window.notify_action.isChecked()  # off by default
    window.notify_action.setChecked(True)
    qtbot.waitUntil(lambda: load_settings().window.notify_new_orders, timeout=5000)
    window.detach()


def test_export_action_writes_the_current_filter(
    qtbot: QtBot, context: ConsoleContext, session: ListenSession, tmp_path: Path
) -> None:
    fill(session.store, 30)
    session.store.append(record(99, source=EventSource.HOROSHOP))
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        window.feed_model.set_filter(EventFilter(sources=frozenset({EventSource.HOROSHOP})))
    target = tmp_path / "horoshop.csv"
    dialog = window.start_export(target)
    qtbot.waitUntil(lambda: getattr(dialog, "written", None) is not None, timeout=10_000)
    assert getattr(dialog, "written", None) == 1
    assert target.read_text(encoding="utf-8").count("horoshop") >= 1
    window.detach()
