"""The order timeline over real stored events, with property values found on the portal."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.store import EventSource
from console.ui.context import ConsoleContext
from console.ui.models.timeline import EntryKind, TimelineEntry
from console.ui.views.timeline import TimelineDialog
from tests.listener.conftest import sample
from tests.ui.loopback import LoopbackConsole
from tests.ui.window_support import OFFSCREEN_NOISE

pytest_plugins = ["tests.ui.inspector_fixtures"]
pytestmark = OFFSCREEN_NOISE

ORDER = "bitrix-onsaleordersaved-webhook.form"
VALUE = "bitrix-onpropertyvalueentitysaved-webhook.form"


def open_timeline(
    qtbot: QtBot, context: ConsoleContext, profile: str | None, order_id: str, **kwargs: object
) -> TimelineDialog:
    dialog = TimelineDialog(context, profile, order_id, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.view.loaded, timeout=10000):
        pass
    return dialog


def test_events_of_one_order_oldest_first(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    assert console.portal is not None
    first = console.post_sample(ORDER)
    console.post_sample(ORDER, ts="1714649700", **{"data[FIELDS][ACTION]": "update"})
    # A duplicate delivery is left out; another order is not shown.
    console.post_sample(ORDER)
    console.post_sample(ORDER, **{"data[FIELDS][ID]": "299"})
    dialog = open_timeline(qtbot, context, "shop", "300")
    model = dialog.view.model
    entries = model.entries()
    assert [e.event_id for e in entries][:1] == [first.id]
    assert len(entries) == 2
    assert [e.at_us for e in entries] == sorted(e.at_us for e in entries)
    assert model.data(model.index(0, 1)) == ""
    assert model.data(model.index(1, 1)).startswith("+")
    assert "2 entries" in dialog.view.status.text()
    with qtbot.waitSignal(dialog.event_activated, timeout=2000) as blocker:
        dialog.view.table.doubleClicked.emit(model.index(1, 3))
    assert blocker.args == [entries[1].event_id]


def test_property_value_events_are_found_through_the_portal(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    assert console.portal is not None
    owner = str(console.portal.state.property_values[300]["orderId"])
    value = console.post_sample(VALUE)
    assert value.order_id is None
    order = console.post_sample(ORDER, **{"data[FIELDS][ID]": owner})
    horoshop = console.put_horoshop({"order_id": int(owner), "total_sum": 10})
    dialog = open_timeline(qtbot, context, "shop", f"b24-{owner}")
    ids = [e.event_id for e in dialog.view.model.entries()]
    # Horoshop's order with the same number is another order: not in this timeline.
    assert ids == [value.id, order.id]
    assert "Bitrix24 order" in dialog.windowTitle()
    either = open_timeline(qtbot, context, "shop", owner)
    assert [e.event_id for e in either.view.model.entries()] == [value.id, order.id, horoshop.id]
    only_horoshop = open_timeline(qtbot, context, "shop", f"hs-{owner}")
    assert [e.event_id for e in only_horoshop.view.model.entries()] == [horoshop.id]
    assert "Horoshop order" in only_horoshop.view.status.text()


def test_without_profile_all_profiles_show(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_sample(ORDER)
    dialog = open_timeline(qtbot, context, None, "300")
    assert [e.event_id for e in dialog.view.model.entries()] == [event.id]
    assert EventSource.BITRIX.value in dialog.view.model.data(dialog.view.model.index(0, 2))


def test_changes_from_a_change_log_are_merged(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_sample(ORDER)

    at = int(event.received_at.timestamp() * 1_000_000)

    class ChangeLog:
        def entries(self, profile: str | None, order_id: str) -> list[TimelineEntry]:
            assert (profile, order_id) == ("shop", "300")
            return [
                TimelineEntry(EntryKind.CHANGE, at - 1_000_000, "console", "status N → P", "", "")
            ]

    dialog = open_timeline(qtbot, context, "shop", "300", change_log=ChangeLog())
    model = dialog.view.model
    assert [e.kind for e in model.entries()] == [EntryKind.CHANGE, EntryKind.EVENT]
    assert model.data(model.index(0, 2)) == "this console"
    assert model.data(model.index(1, 1)) == "+1 s"
    # Double-clicking a change opens nothing.
    with qtbot.assertNotEmitted(dialog.event_activated):
        dialog.view.table.doubleClicked.emit(model.index(0, 0))


def test_rejected_rows_are_red(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    console.post_sample(ORDER, **{"auth[application_token]": "f" * 32})
    dialog = open_timeline(qtbot, context, "shop", "300")
    model = dialog.view.model
    assert model.data(model.index(0, 4)) == "rejected"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None


def test_portal_trouble_keeps_the_stored_events(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_bitrix(sample(ORDER), profile="nobody")
    dialog = open_timeline(qtbot, context, "nobody", "300")
    qtbot.waitUntil(lambda: "could not be added" in dialog.view.status.text(), timeout=5000)
    assert [e.event_id for e in dialog.view.model.entries()] == [event.id]


def test_enter_opens_the_event_and_columns_fit(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    first = console.post_sample(ORDER)
    second = console.post_sample(ORDER, ts="1714649700", **{"data[FIELDS][ACTION]": "update"})
    dialog = open_timeline(qtbot, context, "shop", "b24-300")
    dialog.show()
    table = dialog.view.table
    for column in (1, 5):
        assert table.columnWidth(column) >= table.sizeHintForColumn(column)
    refreshed: list[bool] = []
    dialog.view.refresh_button.clicked.connect(lambda: refreshed.append(True))
    table.setFocus()
    table.setCurrentIndex(dialog.view.model.index(1, 0))
    with qtbot.waitSignal(dialog.event_activated, timeout=2000) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert blocker.args == [second.id] and first.id != second.id
    assert refreshed == []
