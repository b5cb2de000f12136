"""The diff dialog over two real stored events."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from console.ui.context import ConsoleContext
from console.ui.dialogs.diff import DiffDialog
from console.ui.models.diff import MARK_ROLE, DiffTreeModel
from console.ui.models.payload import PATH_ROLE
from tests.ui.loopback import LoopbackConsole

pytest_plugins = ["tests.ui.inspector_fixtures"]

ORDER = "bitrix-onsaleordersaved-webhook.form"


def marks(model: DiffTreeModel) -> dict[str, str]:
    found: dict[str, str] = {}
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            found[model.data(index, PATH_ROLE)] = model.data(index, MARK_ROLE)
            stack.append(index)
    return found


def test_two_saves_of_one_order(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    first = console.post_sample(ORDER)
    second = console.post_sample(
        ORDER,
        **{"data[FIELDS][ACTION]": "update", "ts": "1714649700", "data[FIELDS][XML_ID]": None},
    )
    dialog = DiffDialog(context, first.id, second.id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        pass
    found = marks(dialog.model)
    assert found["data.FIELDS.ACTION"] == "changed"
    assert found["ts"] == "changed"
    assert found["data.FIELDS.XML_ID"] == "removed"
    assert found["data.FIELDS.ID"] == "same"
    assert found["event"] == "same"
    assert "2 changed, 0 added, 1 removed" in dialog.summary.text()
    assert dialog.model.headerData(1, Qt.Orientation.Horizontal) == f"Left: #{first.id}"
    dialog.only_differences.setChecked(True)
    found = marks(dialog.model)
    assert "event" not in found
    assert "data.FIELDS.ID" not in found
    assert found["data.FIELDS.ACTION"] == "changed"
    # The tree opens so every mark is in view.
    data = dialog.model.index(0, 0)
    assert dialog.tree.isExpanded(data)


def test_bitrix_against_horoshop(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    from tests.listener.conftest import sample

    bitrix = console.post_sample(ORDER)
    horoshop = console.put_horoshop(sample("horoshop-order_created.json"))
    dialog = DiffDialog(context, bitrix.id, horoshop.id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        pass
    found = marks(dialog.model)
    assert found["auth"] == "removed"
    assert found["products"] == "added"
    assert found["products[0].title"] == "added"


def test_same_event_and_missing_event(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole
) -> None:
    event = console.post_sample(ORDER)
    dialog = DiffDialog(context, event.id, event.id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        pass
    assert "the same" in dialog.summary.text()
    assert set(marks(dialog.model).values()) == {"same"}
    gone = DiffDialog(context, event.id, 9999)
    qtbot.addWidget(gone)
    with qtbot.waitSignal(gone.loaded, timeout=5000):
        pass
    assert "#9999 is no longer stored" in gone.summary.text()
