"""Saved views: built-in and the operator's own, counts from the store, kept in settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.core.settings import SavedView, load_settings
from console.session import ListenSession
from console.store.model import EventSource
from console.store.querylang import parse_query
from console.ui.context import ConsoleContext
from console.ui.models.views import SavedViewListModel, builtin_views
from console.ui.views.sidebar import SavedViewsPanel
from tests.ui.window_support import OFFSCREEN_NOISE, context, fill, record, session

pytestmark = OFFSCREEN_NOISE
__all__ = ["context", "session"]


def test_model_lists_builtin_then_own_views(qtmodeltester: ModelTester) -> None:
    model = SavedViewListModel([SavedView(name="Shop 300", query="order:300")])
    qtmodeltester.check(model)
    names = [view.name for view in model.views()]
    assert names[:6] == ["All", "Rejected", "Malformed", "Horoshop", "Catch-up", "Pinned"]
    assert names[6] == "Shop 300"
    assert not model.remove(0)  # built-in views stay
    assert model.remove(6)
    qtmodeltester.check(model)
    assert model.saved_views() == []


def test_counts_arrive_and_follow_new_events(
    qtbot: QtBot, context: ConsoleContext, session: ListenSession
) -> None:
    fill(session.store, 3)
    session.store.append(record(50, source=EventSource.HOROSHOP))
    panel = SavedViewsPanel(context)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.counts_updated, timeout=10_000):
        panel.refresh_counts()
    model = panel.model
    horoshop = model.row_of_name("Horoshop")
    assert horoshop is not None
    expected = session.store.count(parse_query("source:horoshop").filter)
    assert model.count(horoshop) == expected
    assert model.count(0) == 4
    session.store.append(record(51, source=EventSource.HOROSHOP))
    with qtbot.waitSignal(panel.counts_updated, timeout=10_000):
        panel.note_event()
        panel.note_event()  # throttled: one refresh for both
    assert model.count(0) == 5
    assert model.count(horoshop) == session.store.count(parse_query("source:horoshop").filter)


def test_choosing_a_view_emits_its_query(qtbot: QtBot, context: ConsoleContext) -> None:
    panel = SavedViewsPanel(context)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.view_chosen) as blocker:
        assert panel.select_view("Rejected")
    assert blocker.args == [builtin_views()[1].query]
    assert panel.current_view_name() == "Rejected"


def test_own_views_are_saved_to_settings(qtbot: QtBot, context: ConsoleContext) -> None:
    panel = SavedViewsPanel(context)
    qtbot.addWidget(panel)
    panel.add_view("Order 300", "order:300")
    qtbot.waitUntil(lambda: not context.jobs.busy("save-settings"))
    qtbot.waitUntil(lambda: load_settings().window.saved_views != [])
    assert load_settings().window.saved_views == [SavedView(name="Order 300", query="order:300")]
    row = panel.model.row_of_name("Order 300")
    assert row is not None
    panel.remove_view(row)
    qtbot.waitUntil(lambda: load_settings().window.saved_views == [])


def test_arrow_keys_choose_views_and_a_typed_query_only_moves_the_highlight(
    qtbot: QtBot, context: ConsoleContext
) -> None:
    panel = SavedViewsPanel(context)
    qtbot.addWidget(panel)
    chosen: list[str] = []
    panel.view_chosen.connect(chosen.append)
    panel.set_current_query("state:rejected")  # typed in the query bar
    assert chosen == []
    assert panel.current_view_name() == "Rejected"
    panel.list.setFocus()
    QTest.keyClick(panel.list, Qt.Key.Key_Down)
    assert chosen == ["state:malformed"]
    assert panel.current_view_name() == "Malformed"


def test_the_keyboard_opens_the_menu_and_removes_an_own_view(
    qtbot: QtBot, context: ConsoleContext
) -> None:
    panel = SavedViewsPanel(context)
    qtbot.addWidget(panel)
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()
    panel.add_view("Order 300", "order:300")
    panel.list.setFocus()
    QTest.keyClick(panel.list, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert panel.menu is not None
    texts = [action.text() for action in panel.menu.actions()]
    assert any("Order 300" in text for text in texts)
    panel.menu.close()

    asked: list[str] = []
    panel.confirm = lambda _w, _t, text: asked.append(text) is None and False
    QTest.keyClick(panel.list, Qt.Key.Key_Delete)
    assert asked and panel.model.row_of_name("Order 300") is not None
    panel.confirm = lambda *_a: True
    QTest.keyClick(panel.list, Qt.Key.Key_Delete)
    assert panel.model.row_of_name("Order 300") is None

    messages: list[str] = []
    context.message.connect(messages.append)
    panel.list.setCurrentIndex(panel.model.index(0))  # All: built in
    QTest.keyClick(panel.list, Qt.Key.Key_Delete)
    assert messages and "built-in" in messages[0]
