"""The inspector's item models, each run through qtmodeltester."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from console.bitrix.order_view import BasketLine, OrderView, ShipmentView, StatusView
from console.listener.payload_diff import diff_payloads
from console.store import EventSource
from console.ui.models.diff import MARK_ROLE, DiffTreeModel
from console.ui.models.entity import BasketTableModel, ShipmentTableModel
from console.ui.models.headers import HeadersTableModel
from console.ui.models.payload import (
    PATH_ROLE,
    VALUE_ROLE,
    PayloadTreeModel,
    form_lines,
    has_at_most,
)
from console.ui.models.timeline import (
    EntryKind,
    NoChangeLog,
    OrderTimelineTableModel,
    TimelineEntry,
    gap_text,
    merge_timeline,
)

PAYLOAD = {
    "event": "ONSALEORDERSAVED",
    "data": {"FIELDS": {"ID": "300", "ACTION": "save"}},
    "products": [{"title": "MacBook", "price": 31799}, {"title": "Case", "price": None}],
    "flags": [True, False],
    "empty": {},
    "odd key": "x\ny",
}


def find(model: PayloadTreeModel, path: str) -> QModelIndex:
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if model.data(index, PATH_ROLE) == path:
                return index
            stack.append(index)
    raise AssertionError(path)


def test_payload_tree(qtmodeltester: ModelTester) -> None:
    model = PayloadTreeModel()
    model.set_payload(PAYLOAD)
    qtmodeltester.check(model)
    assert model.rowCount() == len(PAYLOAD)
    title = find(model, "products[0].title")
    assert model.data(title) == "title"
    assert model.data(title.siblingAtColumn(1)) == "MacBook"
    assert model.data(title.siblingAtColumn(2)) == "string"
    fields = find(model, "data.FIELDS")
    assert model.data(fields.siblingAtColumn(1)) == "{2}"
    assert '"ID": "300"' in model.data(fields, VALUE_ROLE)
    assert model.data(find(model, '["odd key"]').siblingAtColumn(1)) == "x\\ny"
    assert model.data(find(model, "products[1].price").siblingAtColumn(2)) == "null"
    assert not model.hasChildren(find(model, "empty"))
    model.set_payload([1, "a"])
    qtmodeltester.check(model)
    model.set_payload(None)
    assert model.rowCount() == 0


def test_payload_tree_is_lazy_for_big_payloads(qtmodeltester: ModelTester) -> None:
    big = {f"key{n}": {"nested": n} for n in range(10_000)}
    model = PayloadTreeModel()
    model.set_payload(big)
    assert model.rowCount() == 10_000
    # Only the rows asked for exist.
    index = model.index(9_999, 0)
    assert model.data(index) == "key9999"
    assert model._root.children is not None
    assert sum(node is not None for node in model._root.children) == 1


def test_form_lines() -> None:
    lines = form_lines({"event": "X", "data": {"FIELDS": {"ID": "300"}}})
    assert lines.splitlines() == ["event = X", "data[FIELDS][ID] = 300"]
    assert form_lines([1]) == ""


def test_form_lines_keep_one_line_per_field_and_cap_values() -> None:
    lines = form_lines({"a": "1\nb = forged", "c\u202e": "9" * 1_000_000})
    assert lines.splitlines()[0] == "a = 1\\nb = forged"
    key, value = lines.splitlines()[1].split(" = ")
    assert key == "c\\u202e"
    assert len(value) < 5000


def test_headers(qtmodeltester: ModelTester) -> None:
    model = HeadersTableModel()
    model.set_headers([("Content-Type", "application/json"), ("User-Agent", "B24")])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 1)) == "B24"


def test_entity_tables(qtmodeltester: ModelTester) -> None:
    view = OrderView(
        source=EventSource.BITRIX,
        order_id="300",
        basket=[BasketLine(name="MacBook", quantity="1", price="1.00", total="1.00")],
        shipments=[
            ShipmentView(
                id="7",
                delivery="Nova Poshta",
                status=StatusView(id="DN", name="Sent", color="#00ff00"),
            )
        ],
    )
    basket = BasketTableModel()
    basket.set_view(view)
    qtmodeltester.check(basket)
    assert basket.data(basket.index(0, 0)) == "MacBook"
    shipments = ShipmentTableModel()
    shipments.set_view(view)
    qtmodeltester.check(shipments)
    assert shipments.data(shipments.index(0, 2)) == "Sent"
    swatch = shipments.data(shipments.index(0, 2), Qt.ItemDataRole.DecorationRole)
    assert swatch.name() == "#00ff00"
    shipments.set_view(None)
    assert shipments.rowCount() == 0


def test_diff_tree(qtmodeltester: ModelTester) -> None:
    left = {"a": 1, "b": {"c": 2, "d": [1, 2]}, "gone": True}
    right = {"a": 1, "b": {"c": 3, "d": [1, 2, 3]}, "new": None}
    model = DiffTreeModel()
    model.set_diff(diff_payloads(left, right))
    qtmodeltester.check(model)
    marks = {
        model.data(model.index(r, 0)): model.data(model.index(r, 0), MARK_ROLE)
        for r in range(model.rowCount())
    }
    assert marks == {"a": "same", "b": "changed", "gone": "removed", "new": "added"}
    changed = model.index(1, 0)
    assert model.data(changed, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    model.set_only_differences(True)
    qtmodeltester.check(model)
    keys = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert keys == ["b", "gone", "new"]
    b = model.index(0, 0)
    assert [model.data(model.index(r, 0, b)) for r in range(model.rowCount(b))] == ["c", "d"]
    assert model.data(model.index(0, 1, b)) == "2"
    assert model.data(model.index(0, 2, b)) == "3"


def entry(
    at: int, kind: EntryKind = EntryKind.EVENT, verification: str = "verified"
) -> TimelineEntry:
    return TimelineEntry(kind, at, "bitrix", "ONSALEORDERSAVED", verification, "save", at)


def test_timeline(qtmodeltester: ModelTester) -> None:
    base = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
    merged = merge_timeline(
        [entry(base + 3_000_000), entry(base, verification="rejected")],
        [entry(base + 3_000_000, EntryKind.CHANGE)],
        NoChangeLog().entries("shop", "300"),
    )
    model = OrderTimelineTableModel()
    model.set_entries(merged)
    qtmodeltester.check(model)
    assert [e.at_us for e in model.entries()] == [base, base + 3_000_000, base + 3_000_000]
    assert model.entries()[2].kind is EntryKind.CHANGE
    assert model.data(model.index(0, 1)) == ""
    assert model.data(model.index(1, 1)) == "+3 s"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.event_id(0) == base


def test_gap_text() -> None:
    assert gap_text(400_000) == "+400 ms"
    assert gap_text(3_000_000) == "+3 s"
    assert gap_text(125_000_000) == "+2 min 5 s"
    assert gap_text(3_840_000_000) == "+1 h 4 min"
    assert gap_text(2 * 86_400_000_000 + 3 * 3_600_000_000) == "+2 d 3 h"


def test_has_at_most() -> None:
    assert has_at_most({"a": [1, 2], "b": {"c": 3}}, 5)
    assert not has_at_most({"a": [1, 2], "b": {"c": 3}}, 4)
    assert has_at_most("text", 0)
    assert not has_at_most({"products": [{"t": n} for n in range(10_000)]}, 300)
