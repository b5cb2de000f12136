"""The key-by-key payload comparison behind the diff dialog."""

from __future__ import annotations

from console.listener.payload_diff import (
    MISSING,
    DiffNode,
    Mark,
    child_path,
    count_marks,
    diff_payloads,
)


def by_path(root: DiffNode) -> dict[str, DiffNode]:
    found: dict[str, DiffNode] = {}
    stack = list(root.children)
    while stack:
        node = stack.pop()
        found[node.path] = node
        stack.extend(node.children)
    return found


def test_nested_dicts() -> None:
    left = {"event": "X", "data": {"FIELDS": {"ID": "300", "ACTION": "save"}}, "gone": 1}
    right = {"event": "X", "data": {"FIELDS": {"ID": "301", "ACTION": "save", "NEW": "y"}}}
    nodes = by_path(diff_payloads(left, right))
    assert nodes["event"].mark is Mark.SAME
    assert nodes["data.FIELDS.ID"].mark is Mark.CHANGED
    assert nodes["data.FIELDS.ACTION"].mark is Mark.SAME
    assert nodes["data.FIELDS.NEW"].mark is Mark.ADDED
    assert nodes["data.FIELDS.NEW"].left is MISSING
    assert nodes["gone"].mark is Mark.REMOVED
    assert nodes["data"].mark is Mark.CHANGED
    assert count_marks(diff_payloads(left, right)) == {
        Mark.SAME: 2,
        Mark.CHANGED: 1,
        Mark.ADDED: 1,
        Mark.REMOVED: 1,
    }


def test_lists_by_index() -> None:
    left = {"products": [{"title": "A"}, {"title": "B"}]}
    right = {"products": [{"title": "A"}, {"title": "C"}, {"title": "D"}]}
    nodes = by_path(diff_payloads(left, right))
    assert nodes["products[0].title"].mark is Mark.SAME
    assert nodes["products[1].title"].mark is Mark.CHANGED
    assert nodes["products[2]"].mark is Mark.ADDED
    assert nodes["products[2].title"].mark is Mark.ADDED
    assert nodes["products[1]"].key == "[1]"


def test_type_changes() -> None:
    nodes = by_path(
        diff_payloads({"a": {"b": 1}, "n": 1, "s": "1"}, {"a": "flat", "n": 1.0, "s": 1})
    )
    assert nodes["a"].mark is Mark.CHANGED and nodes["a"].type_changed
    assert nodes["a.b"].mark is Mark.REMOVED
    # 1 and 1.0 are the same JSON number.
    assert nodes["n"].mark is Mark.SAME
    assert nodes["s"].type_changed


def test_same_payloads_and_roots() -> None:
    payload = {"a": [1, {"b": None}]}
    root = diff_payloads(payload, payload)
    assert root.mark is Mark.SAME
    assert count_marks(root)[Mark.CHANGED] == 0
    assert diff_payloads(None, {"a": 1}).mark is Mark.CHANGED
    assert diff_payloads([1], [2]).children[0].path == "[0]"


def test_paths_quote_odd_keys() -> None:
    assert child_path("", "data") == "data"
    assert child_path("data", "FIELDS") == "data.FIELDS"
    assert child_path("products", 0) == "products[0]"
    assert child_path("a", "with space") == 'a["with space"]'
    assert child_path("a", 'q"uote') == 'a["q\\"uote"]'
