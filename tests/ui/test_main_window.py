"""The main window over a real console: feed, status bar, actions, layout, shortcuts."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QScrollArea, QTableView, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.core.credentials import KeyringUnavailable
from console.core.settings import Settings
from console.demo import DemoSession
from console.session import ListenSession
from console.store.model import EventFilter
from console.store.querylang import parse_query
from console.store.schema import SchemaTooNewError
from console.ui.app import start_error_text
from console.ui.context import ConsoleContext
from console.ui.dialogs.diff import DiffDialog
from console.ui.models.feed import Column
from console.ui.settings import LayoutStore
from console.ui.views.inspector import InspectorPanel
from console.ui.views.main_window import (
    CONNECTIONS_PAGE,
    InspectorFactories,
    MainWindow,
    default_factories,
)
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


def test_a_query_the_store_refuses_is_explained_under_the_query_bar(
    qtbot: QtBot, context: ConsoleContext, layout_store: LayoutStore
) -> None:
    window = make_window(qtbot, context, layout_store)
    # Seventeen search words, as a script could ask: the store says why it will not.
    with qtbot.waitSignal(window.feed_model.query_refused, timeout=10_000):
        window.feed_model.set_filter(EventFilter(text=" ".join("abcdefghijklmnopq")))
    label = window.query_bar.problem_label
    assert not label.isHidden()
    assert "more than 16 search words and phrases" in label.text()
    assert label.textFormat() is Qt.TextFormat.PlainText
    # The next query clears it.
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        window.query_bar.set_query("source:horoshop")
    assert label.isHidden()


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
    first.feed.mark_widths_restored()  # as the operator's drag of a column's edge does
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
        # The demo's own folder, and its sandbox's address as it is (plain http).
        about = window.show_about()
        assert str(demo.data_dir) in about.folder_labels["data"].text()  # type: ignore[attr-defined]
        connections = window.page(CONNECTIONS_PAGE)
        with qtbot.waitSignal(connections.loaded, timeout=10_000):  # type: ignore[attr-defined]
            connections.activate()  # type: ignore[attr-defined]
        profile = connections.model.profile(0)  # type: ignore[attr-defined]
        assert profile.portal_url == demo.portal.base_url and profile.portal_url.startswith(
            "http://"
        )
        window.detach()
    finally:
        context.jobs.shutdown()
        demo.stop()


def test_the_demo_saves_settings_in_a_folder_of_its_own() -> None:
    import shutil

    from console.core.settings import load_settings, save_settings, settings_path
    from console.ui.app import use_demo_config

    own = Settings()
    own.window.language = "uk"
    save_settings(own)
    original = settings_path().read_bytes()
    own_folder = os.environ["B24_CONSOLE_CONFIG_DIR"]
    folder = use_demo_config()
    try:
        assert settings_path().parent == folder
        in_demo = load_settings()
        assert in_demo.window.language == "uk"  # the operator's preferences come along
        in_demo.window.notify_new_orders = not in_demo.window.notify_new_orders
        save_settings(in_demo)
    finally:
        shutil.rmtree(folder)
        os.environ["B24_CONSOLE_CONFIG_DIR"] = own_folder
    assert settings_path().read_bytes() == original


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
    holder = window.feed_splitter.widget(1)
    assert isinstance(holder, QScrollArea) and holder.widget() is window.inspector
    assert window.feed_splitter.count() == 2
    assert window.feed_splitter.sizes() == sizes
    window.detach()


class WideInspector(RecordingInspector):
    """An inspector whose buttons, shown with an event, need more than a third of a
    1500 px window."""

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.buttons = QWidget(self)
        self.buttons.setMinimumWidth(600)
        self.buttons.hide()
        QHBoxLayout(self).addWidget(self.buttons)

    def show_event(self, event_id: int | None) -> None:
        super().show_event(event_id)
        self.buttons.setVisible(event_id is not None)


def test_the_inspector_gets_the_width_its_buttons_need_up_to_half(
    qtbot: QtBot, context: ConsoleContext, layout_store: LayoutStore
) -> None:
    factories = InspectorFactories(inspector=WideInspector)
    window = MainWindow(
        context, factories=factories, layout_store=layout_store, defer_inspector=True
    )
    qtbot.addWidget(window)
    window.resize(1500, 880)
    window.show()
    qtbot.waitExposed(window)
    window.install_inspector()
    holder = window.feed_splitter.widget(1)
    assert isinstance(holder, QScrollArea)
    total = sum(window.feed_splitter.sizes())
    assert total // 3 < 600 <= total // 2
    assert isinstance(window.inspector, WideInspector)
    window.inspector.show_event(1)
    qtbot.waitUntil(lambda: holder.viewport().width() >= 600)
    # A share the operator dragged stays theirs.
    window.feed_splitter.splitterMoved.emit(900, 1)
    window.feed_splitter.setSizes([total - 300, 300])
    window.inspector.show_event(None)
    window.inspector.show_event(2)
    QCoreApplication.sendPostedEvents()
    assert window.feed_splitter.sizes()[1] == 300
    # A narrow window keeps half for the feed; the inspector's buttons scroll.
    narrow = MainWindow(
        context, factories=factories, layout_store=layout_store, defer_inspector=True
    )
    qtbot.addWidget(narrow)
    narrow.resize(780, 560)
    narrow.show()
    qtbot.waitExposed(narrow)
    narrow.install_inspector()
    assert isinstance(narrow.inspector, WideInspector)
    narrow.inspector.show_event(1)
    QCoreApplication.sendPostedEvents()
    feed, inspector = narrow.feed_splitter.sizes()
    assert feed >= inspector
    window.detach()
    narrow.detach()


def test_the_shortcuts_list_shows_every_entry_whole_without_scrolling(
    qtbot: QtBot, context: ConsoleContext, layout_store: LayoutStore
) -> None:
    window = make_window(qtbot, context, layout_store)
    window.install_inspector()
    screen = window.screen()
    assert screen is not None
    screen_height = screen.availableGeometry().height()
    dialog = window.show_shortcuts()
    qtbot.waitExposed(dialog)
    table = dialog.findChild(QTableView)
    metrics = table.fontMetrics()
    for row in range(dialog.model.rowCount()):  # type: ignore[attr-defined]
        for column in (0, 1):
            text = dialog.model.index(row, column).data()  # type: ignore[attr-defined]
            assert metrics.horizontalAdvance(text) <= table.columnWidth(column), text
    rows_height = sum(table.rowHeight(r) for r in range(dialog.model.rowCount()))  # type: ignore[attr-defined]
    # The whole list, or as much of it as the screen has room for.
    assert dialog.height() >= min(rows_height, screen_height - 200)
    window.detach()


def test_a_narrow_feed_keeps_every_column_on_screen(
    qtbot: QtBot, context: ConsoleContext, session: ListenSession, layout_store: LayoutStore
) -> None:
    fill(session.store, 5, event="ONSALEORDERSAVED_WITH_A_VERY_LONG_NAME_INDEED_" * 3)
    window = make_window(qtbot, context, layout_store, default_factories())
    window.resize(780, 560)  # the offscreen screen is 800 x 600
    window.show()
    qtbot.waitExposed(window)
    window.install_inspector()
    window.main_splitter.setSizes([90, 690])
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 5)
    feed = window.feed
    qtbot.waitUntil(lambda: feed.widths_settled)
    feed.fit_columns()
    header = feed.horizontalHeader()
    last = max(Column)
    # The summary starts on screen: no column is pushed off to the right.
    assert header.sectionViewportPosition(last) < feed.viewport().width()
    # A time or an id is never cut; the long event name is.
    received = feed.model().index(0, Column.RECEIVED).data()
    assert feed.columnWidth(Column.RECEIVED) >= feed.fontMetrics().horizontalAdvance(received)
    assert feed.columnWidth(Column.EVENT) < feed.fontMetrics().horizontalAdvance(
        feed.model().index(0, Column.EVENT).data()
    )
    # The inspector gives way instead of squeezing the feed.
    assert feed.viewport().width() > window.feed_splitter.width() // 3
    window.detach()
