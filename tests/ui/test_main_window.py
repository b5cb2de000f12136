"""The main window over a real console: feed, status bar, actions, layout, shortcuts."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.core.credentials import KeyringUnavailable
from console.core.settings import Settings
from console.demo import DemoSession
from console.session import ListenSession
from console.store.querylang import parse_query
from console.store.schema import SchemaTooNewError
from console.ui.app import start_error_text
from console.ui.context import ConsoleContext
from console.ui.dialogs.diff import DiffDialog
from console.ui.models.feed import Column
from console.ui.settings import LayoutStore
from console.ui.views.inspector import InspectorPanel
from console.ui.views.main_window import InspectorFactories, MainWindow, default_factories
from tests.ui.window_support import (
    OFFSCREEN_NOISE,
    context,
    fill,
    record,
    session,
    start_session,
)

pytestmark = OFFSCREEN_NOISE
__all__ = ["context", "session"]


@pytest.fixture
def layout_store(tmp_path: Path) -> LayoutStore:
    return LayoutStore(QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))


def make_window(
    qtbot: QtBot,
    context: ConsoleContext,
    layout_store: LayoutStore,
    factories: InspectorFactories | None = None,
) -> MainWindow:
    window = MainWindow(context, factories=factories, layout_store=layout_store)
    qtbot.addWidget(window)
    window.quit_requested.connect(window.detach)
    return window


def test_attached_console_fills_the_feed_and_status(
    qtbot: QtBot, session: ListenSession, layout_store: LayoutStore
) -> None:
    fill(session.store, 12)
    context = ConsoleContext(Settings())
    window = make_window(qtbot, context, layout_store)
    window.show()
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        context.attach(session)
    assert window.feed_model.rowCount() == 12
    assert session.listener is not None
    assert session.listener.base_url in window.status.listener_label.text()
    assert not window.status.listener_is_red
    # The fixture's events are from November 2026; one from today counts.
    session.store.append(record(40, received_at=datetime.now(UTC)))
    qtbot.waitUntil(lambda: window.status.today == 1, timeout=10_000)
    with qtbot.waitSignal(window.feed_model.live_inserted, timeout=5000):
        session.store.append(record(41, received_at=datetime.now(UTC)))
    assert window.status.today == 2
    assert window.feed_model.rowCount() == 14
    window.detach()
    context.jobs.shutdown()


def test_port_in_use_turns_the_status_bar_red(
    qtbot: QtBot, tmp_path: Path, layout_store: LayoutStore
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        running = start_session(tmp_path, port=port)
    try:
        assert running.bind_error is not None
        context = ConsoleContext(Settings())
        window = make_window(qtbot, context, layout_store)
        context.attach(running)
        assert window.status.listener_is_red
        text = window.status.listener_label.text()
        assert f"Port {port} is taken" in text
        assert "Settings" in text
    finally:
        context.jobs.shutdown()
        running.stop()


def test_a_long_start_error_does_not_widen_the_window_past_the_screen(
    qtbot: QtBot, context: ConsoleContext, layout_store: LayoutStore
) -> None:
    window = make_window(qtbot, context, layout_store)
    window.show()
    # The attached listener's status first: arriving later, it would replace the error.
    qtbot.waitUntil(lambda: "Listening on" in window.status.listener_label.text())
    before = window.minimumSizeHint().width()
    text = (
        "the database olena@db.shop.example:5432/team needs a password and none was found in "
        "the keyring, B24_STORE_PASSWORD, PGPASSWORD or ~/.pgpass. Type the password in the "
        "dialog this window opens (it is saved in the keyring), or run a command first. " * 3
    )
    window.show_start_error(text)
    window.status.team.store_label.setText(text)
    # The relayout the new texts asked for, done now: no event loop runs until the asserts,
    # so nothing else can change the labels meanwhile.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    # The labels keep the whole text (and it shows where there is room); only the
    # window's minimum stays what it was.
    assert window.status.listener_label.text() == text
    assert window.minimumSizeHint().width() <= before
    assert window.status.listener_is_red


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_listener_that_cannot_keep_events_turns_the_status_bar_red(
    qtbot: QtBot, context: ConsoleContext, session: ListenSession, layout_store: LayoutStore
) -> None:
    window = make_window(qtbot, context, layout_store)
    window.status.refresh_snapshot()
    qtbot.waitUntil(lambda: "Listening on" in window.status.listener_label.text())
    assert not window.status.listener_is_red
    # The store's writer stops, as on a bug or a dead disk: the listener answers 503.
    store = session.store
    store._writer._queue.put("not a job")  # type: ignore[attr-defined]
    store._writer.join(timeout=10)  # type: ignore[attr-defined]
    window.status.refresh_snapshot()
    qtbot.waitUntil(lambda: window.status.listener_is_red, timeout=10_000)
    assert "Events are not being kept" in window.status.listener_label.text()


def test_query_bar_sets_the_feed_filter(
    qtbot: QtBot, context: ConsoleContext, layout_store: LayoutStore
) -> None:
    window = make_window(qtbot, context, layout_store)
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        window.query_bar.set_query("source:horoshop order:300")
    assert window.feed_model.event_filter == parse_query("source:horoshop order:300").filter
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        assert window.sidebar.select_view("Rejected")
    assert window.query_bar.text == "state:rejected"


def test_layout_is_restored(
    qtbot: QtBot, context: ConsoleContext, session: ListenSession, layout_store: LayoutStore
) -> None:
    fill(session.store, 5)
    first = make_window(qtbot, context, layout_store)
    qtbot.waitUntil(lambda: first.feed_model.rowCount() == 5)
    assert first.feed.widths_settled  # sized from the rows
    first.resize(731, 517)  # the offscreen screen is 800 x 600
    first.show()
    qtbot.waitExposed(first)
    first.sidebar.select_view("Horoshop")
    first.feed.setColumnWidth(Column.EVENT, 231)
    first.main_splitter.setSizes([250, 900])
    sizes = first.main_splitter.sizes()
    first.save_layout()
    first.hide()

    second = make_window(qtbot, context, layout_store)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (731, 517)
    assert second.query_bar.text == "source:horoshop"
    assert second.sidebar.current_view_name() == "Horoshop"
    assert second.feed.columnWidth(Column.EVENT) == 231
    assert second.main_splitter.sizes() == sizes


def test_shortcuts_dialog_lists_every_action(
    qtbot: QtBot, context: ConsoleContext, layout_store: LayoutStore, qtmodeltester: ModelTester
) -> None:
    window = make_window(qtbot, context, layout_store)
    dialog = window.show_shortcuts()
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    rows = {
        dialog.model.index(row, 0).data(): dialog.model.index(row, 1).data()  # type: ignore[attr-defined]
        for row in range(dialog.model.rowCount())  # type: ignore[attr-defined]
    }
    assert rows["Focus the query bar"] == "Ctrl+L, Ctrl+F"
    assert rows["Clear the filter"] == "Esc"
    assert rows["Pause the live feed"] == "F8"
    assert rows["Refresh"] == "F5"
    assert rows["Compare two events"] == "Ctrl+D"
    assert rows["Edit and resend"] == "Ctrl+R"
    assert rows["Export the current filter"] == "Ctrl+E"
    assert rows["Quit"] == "Ctrl+Q"
    with_keys = [a for a in window.shortcut_actions() if a.shortcuts()]
    assert len(rows) == len(with_keys)
    dialog.close()


def test_compare_uses_the_injected_dialog_with_two_rows(
    qtbot: QtBot, session: ListenSession, layout_store: LayoutStore
) -> None:
    ids = fill(session.store, 4)
    opened: list[tuple[int, int]] = []

    def diff(_context: ConsoleContext, first: int, second: int, parent: QWidget) -> QDialog:
        opened.append((first, second))
        return QDialog(parent)

    context = ConsoleContext(Settings())
    window = make_window(qtbot, context, layout_store, InspectorFactories(diff=diff))
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        context.attach(session)
    assert not window.compare_action.isEnabled()
    window.feed.selectRow(0)
    assert window.compare_action.isEnabled()  # one row: with its order's previous event
    window.feed.selectionModel().select(
        window.feed_model.index(2, 0),
        window.feed.selectionModel().SelectionFlag.Select
        | window.feed.selectionModel().SelectionFlag.Rows,
    )
    assert window.compare_action.isEnabled()
    assert not window.resend_action.isEnabled()  # no resend dialog injected
    window.compare_action.trigger()
    assert opened == [(ids[1], ids[3])]
    window.detach()
    context.jobs.shutdown()


def test_pin_toggles_in_the_store(
    qtbot: QtBot, context: ConsoleContext, session: ListenSession, layout_store: LayoutStore
) -> None:
    ids = fill(session.store, 2)
    window = make_window(qtbot, context, layout_store)
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        window.refresh()
    window.feed.selectRow(0)
    with qtbot.waitSignal(window.feed_model.dataChanged, timeout=5000):
        window.pin_action.trigger()
    stored = session.store.get(ids[-1])
    assert stored is not None and stored.pinned
    assert window.feed_model.feed_row(0) is not None
    assert window.feed_model.feed_row(0).pinned  # type: ignore[union-attr]


def test_demo_events_reach_the_feed(qtbot: QtBot, layout_store: LayoutStore) -> None:
    demo = DemoSession(activity_seconds=None).start()
    context = ConsoleContext(Settings())
    try:
        window = make_window(qtbot, context, layout_store)
        with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
            context.attach(demo)  # type: ignore[arg-type]
        assert "Demo" in window.status.listener_label.text()
        with qtbot.waitSignal(window.feed_model.live_inserted, timeout=15_000):
            demo.portal.send_horoshop_order()
        sources = {
            window.feed_model.index(r, Column.SOURCE).data()
            for r in range(window.feed_model.rowCount())
        }
        assert "horoshop" in sources
        window.detach()
    finally:
        context.jobs.shutdown()
        demo.stop()


def test_start_errors_say_what_to_do(
    qtbot: QtBot, context: ConsoleContext, layout_store: LayoutStore, tmp_path: Path
) -> None:
    store_path = tmp_path / "events.sqlite3"
    keyring = start_error_text(KeyringUnavailable("no backend"), store_path)
    assert "keyring" in keyring and "restart" in keyring
    newer = start_error_text(SchemaTooNewError("v9"), store_path)
    assert str(store_path) in newer and "--data-dir" in newer
    disk = start_error_text(OSError(28, "No space left on device"), store_path)
    assert "No space left on device" in disk and "free space" in disk
    window = make_window(qtbot, context, layout_store)
    window.show_start_error(disk)
    assert window.error_banner.text() == disk
    assert window.status.listener_is_red


class RecordingInspector(QWidget):
    """The inspector's interface, recording what the window asks of it."""

    pin_changed = Signal(int, bool)
    timeline_requested = Signal(str, str)

    def __init__(self, _context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: list[int | None] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def show_event(self, event_id: int | None) -> None:
        self.shown.append(event_id)


def test_injected_inspector_follows_the_feed(
    qtbot: QtBot, session: ListenSession, layout_store: LayoutStore
) -> None:
    ids = fill(session.store, 3)
    timelines: list[tuple[str | None, str]] = []

    def timeline(
        _context: ConsoleContext, profile: str | None, order_id: str, parent: QWidget
    ) -> QDialog:
        timelines.append((profile, order_id))
        return QDialog(parent)

    factories = InspectorFactories(inspector=RecordingInspector, timeline=timeline)
    context = ConsoleContext(Settings())
    window = make_window(qtbot, context, layout_store, factories)
    inspector = window.inspector
    assert isinstance(inspector, RecordingInspector)
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        context.attach(session)
    window.show()
    qtbot.waitExposed(window)
    window.feed.selectRow(1)
    assert inspector.shown[-1] == ids[1]
    # Offscreen windows never become active, so focus itself cannot be observed here.
    assert window.inspect_action.isEnabled()
    assert QKeySequence("Return") in window.inspect_action.shortcuts()
    inspector.shown.clear()
    window.inspect_action.trigger()
    assert inspector.shown == [ids[1]]
    inspector.pin_changed.emit(ids[1], True)
    row = window.feed_model.feed_row(1)
    assert row is not None and row.pinned
    inspector.timeline_requested.emit("shop", "2")
    window.timeline_action.trigger()
    # Ctrl+T names the order with its system: the number alone names two orders.
    assert timelines == [("shop", "2"), ("shop", "b24-2")]
    window.detach()
    context.jobs.shutdown()


def test_real_inspector_and_dialogs_are_wired(
    qtbot: QtBot, session: ListenSession, layout_store: LayoutStore
) -> None:
    first = session.store.append(record(300, ts="1")).id
    second = session.store.append(record(300, ts="2")).id
    factories = default_factories()
    assert None not in (factories.inspector, factories.diff, factories.resend, factories.timeline)
    context = ConsoleContext(Settings())
    window = make_window(qtbot, context, layout_store, factories)
    inspector = window.inspector
    assert isinstance(inspector, InspectorPanel)
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        context.attach(session)
    with qtbot.waitSignal(inspector.loaded, timeout=10_000) as loaded:
        window.feed.selectRow(0)
    assert loaded.args == [second]
    # The inspector's Compare with one row selected: the order's previous event.
    inspector.compare_requested.emit(second)
    qtbot.waitUntil(lambda: any(isinstance(d, DiffDialog) for d in window._dialogs))
    diff = next(d for d in window._dialogs if isinstance(d, DiffDialog))
    assert f"#{first}" in diff.windowTitle() and f"#{second}" in diff.windowTitle()
    for dialog in list(window._dialogs):
        dialog.close()
    window.detach()
    context.jobs.shutdown()


def test_deferred_inspector_takes_its_place_after_install(
    qtbot: QtBot, context: ConsoleContext, layout_store: LayoutStore
) -> None:
    factories = InspectorFactories(inspector=RecordingInspector)
    window = MainWindow(
        context, factories=factories, layout_store=layout_store, defer_inspector=True
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    sizes = window.feed_splitter.sizes()
    assert window.inspector is None and window.feed_splitter.count() == 2
    window.install_inspector()
    assert isinstance(window.inspector, RecordingInspector)
    assert window.feed_splitter.widget(1) is window.inspector
    assert window.feed_splitter.count() == 2
    assert window.feed_splitter.sizes() == sizes
    window.detach()
