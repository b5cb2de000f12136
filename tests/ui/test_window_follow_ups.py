"""The window after a query, Compare on one row, and the inspector's window-wide shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from console.core.settings import Settings
from console.session import ListenSession
from console.store import EventSource
from console.ui.context import ConsoleContext
from console.ui.settings import LayoutStore
from console.ui.views.inspector import InspectorPanel
from console.ui.views.main_window import InspectorFactories, MainWindow, default_factories
from tests.ui.window_support import OFFSCREEN_NOISE, context, fill, record, session

pytestmark = OFFSCREEN_NOISE
__all__ = ["context", "session"]


def _window(
    qtbot: QtBot,
    context: ConsoleContext,
    session: ListenSession,
    layout_store: LayoutStore,
    factories: InspectorFactories | None = None,
) -> MainWindow:
    window = MainWindow(
        context, factories=factories or default_factories(), layout_store=layout_store
    )
    qtbot.addWidget(window)
    window.quit_requested.connect(window.detach)
    window.show()
    window.install_inspector()
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        context.attach(session)
    return window


def _inspector(window: MainWindow) -> InspectorPanel:
    assert isinstance(window.inspector, InspectorPanel)
    return window.inspector


def _query(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.feed_model.query_finished, timeout=10_000):
        window.query_bar.set_query(text)


def test_the_inspector_and_the_feed_follow_the_query(
    qtbot: QtBot, session: ListenSession, layout_store: LayoutStore
) -> None:
    ids = fill(session.store, 3)
    context = ConsoleContext(Settings())
    window = _window(qtbot, context, session, layout_store)
    inspector = _inspector(window)
    window.feed.select_event(ids[0])
    qtbot.waitUntil(lambda: inspector.current_event is not None, timeout=10_000)
    # A query that still holds the event keeps it on screen and selected.
    _query(qtbot, window, "source:bitrix")
    assert inspector.current_event is not None and inspector.current_event.id == ids[0]
    assert window.feed.current_event_id() == ids[0]
    # One that hides it clears the inspector.
    _query(qtbot, window, f"order:b24-{ids[1]}")
    qtbot.waitUntil(lambda: inspector.current_event is None, timeout=10_000)
    assert not window.feed.empty_label.isVisible()
    _query(qtbot, window, "order:hs-1")
    assert window.feed_model.rowCount() == 0
    assert window.feed.empty_label.isVisible()
    assert window.feed.empty_label.text() == "No events match this query."
    _query(qtbot, window, "")
    assert not window.feed.empty_label.isVisible()
    window.detach()
    context.jobs.shutdown()


def test_compare_with_one_row_takes_the_same_orders_previous_event(
    qtbot: QtBot, session: ListenSession, layout_store: LayoutStore
) -> None:
    store = session.store
    first = store.append(record(1).model_copy(update={"order_id": "7"})).id
    # Horoshop's order 7 is another order: never the "previous event" of Bitrix24's.
    horoshop = record(2, source=EventSource.HOROSHOP, event="order_created")
    store.append(horoshop.model_copy(update={"order_id": "7"}))
    last = store.append(record(3).model_copy(update={"order_id": "7"})).id
    opened: list[tuple[int, int]] = []

    def diff(_context: ConsoleContext, older: int, newer: int, parent: QWidget) -> QDialog:
        opened.append((older, newer))
        return QDialog(parent)

    context = ConsoleContext(Settings())
    window = _window(qtbot, context, session, layout_store, InspectorFactories(diff=diff))
    window.feed.select_event(last)
    assert window.compare_action.isEnabled()
    window.compare_action.trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert opened == [(first, last)]
    window.detach()
    context.jobs.shutdown()


def test_copy_shortcuts_work_with_the_focus_in_the_feed(
    qtbot: QtBot, session: ListenSession, layout_store: LayoutStore
) -> None:
    ids = fill(session.store, 2)
    context = ConsoleContext(Settings())
    window = _window(qtbot, context, session, layout_store)
    inspector = _inspector(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.feed.select_event(ids[1])
    qtbot.waitUntil(lambda: inspector.current_event is not None, timeout=10_000)
    window.feed.setFocus()
    QGuiApplication.clipboard().setText("untouched")
    qtbot.keyClick(
        window.feed,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    assert QGuiApplication.clipboard().text().startswith("curl ")
    tree = inspector.payload_tab.tree
    tree.setCurrentIndex(inspector.payload_tab.model.index(0, 0))
    window.feed.setFocus()
    QGuiApplication.clipboard().setText("untouched")
    qtbot.keyClick(window.feed, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() != "untouched"
    window.detach()
    context.jobs.shutdown()


def test_a_pin_in_the_inspector_counts_in_the_pinned_view_at_once(
    qtbot: QtBot, session: ListenSession, layout_store: LayoutStore
) -> None:
    ids = fill(session.store, 2)
    context = ConsoleContext(Settings())
    window = _window(qtbot, context, session, layout_store)
    inspector = _inspector(window)
    views = window.sidebar.model
    pinned = views.row_of_name("Pinned")
    assert pinned is not None
    qtbot.waitUntil(lambda: views.count(pinned) == 0, timeout=10_000)
    window.feed.select_event(ids[0])
    qtbot.waitUntil(lambda: inspector.current_event is not None, timeout=10_000)
    inspector.pin_button.click()
    # No other event arrives: the pin alone brings the count up.
    qtbot.waitUntil(lambda: views.count(pinned) == 1, timeout=10_000)
    window.detach()
    context.jobs.shutdown()
