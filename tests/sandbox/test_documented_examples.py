"""Every emulated method answers its documented examples with the documented shape.

The fixtures under ``documented/`` (one file per method, written from the field tables
and examples of the Bitrix24 REST documentation page named in each) hold request
parameters and the answer's shape: keys and JSON types, or the error's HTTP status,
code (number or string, as that page writes it) and text. Each case runs over real HTTP
against a fresh sandbox portal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console.sandbox import SandboxPortal
from console.sandbox.methods import METHODS
from console.sandbox.rest import normalize_method
from console.sandbox.state import OWNER_DEAL
from tests.sandbox.conftest import Rest
from tests.sandbox.shape import mismatches

FIXTURES = Path(__file__).parent / "documented"
SHAPES: dict[str, Any] = json.loads((FIXTURES / "_shapes.json").read_text(encoding="utf-8"))


def _fixtures() -> list[dict[str, Any]]:
    files = sorted(p for p in FIXTURES.glob("*.json") if not p.name.startswith("_"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in files]


def _cases() -> list[Any]:
    return [
        pytest.param(fixture["method"], case, id=f"{fixture['method']}: {case['name']}")
        for fixture in _fixtures()
        for case in fixture["cases"]
    ]


def resolve(shape: Any) -> Any:
    """Replace ``{"$ref": name}`` (plus any ``"$extend"`` keys) by the shared shape."""
    if isinstance(shape, dict):
        if "$ref" in shape:
            base = dict(resolve(SHAPES[shape["$ref"]]))
            base.update(resolve(shape.get("$extend", {})))
            return base
        return {key: resolve(value) for key, value in shape.items()}
    if isinstance(shape, list):
        return [resolve(item) for item in shape]
    return shape


def _placeholders(portal: SandboxPortal) -> dict[str, int]:
    """Ids the examples need that depend on the seed: a free order, a bound one."""
    state = portal.state
    free = next(o for o in sorted(state.orders) if o not in state.bindings)
    bound, link = next((o, b) for o, b in sorted(state.bindings.items()) if b["ownerTypeId"] == 2)
    other = next(d for d in sorted(state.deals) if d != link["ownerId"])
    assert link["ownerTypeId"] == OWNER_DEAL
    return {
        "free_order": free,
        "bound_order": bound,
        "bound_owner": link["ownerId"],
        "bound_owner_type": link["ownerTypeId"],
        "other_deal": other,
    }


def fill(params: Any, values: dict[str, int]) -> Any:
    if isinstance(params, dict):
        return {key: fill(value, values) for key, value in params.items()}
    if isinstance(params, list):
        return [fill(value, values) for value in params]
    if isinstance(params, str) and params.startswith("{") and params.endswith("}"):
        return values[params[1:-1]]
    return params


def test_every_emulated_method_has_documented_examples() -> None:
    covered = {normalize_method(fixture["method"]) for fixture in _fixtures()}
    assert set(METHODS) | {"batch"} == covered
    for fixture in _fixtures():
        assert fixture["doc"].startswith("api-reference/") and fixture["cases"]


def test_the_shape_checker_finds_what_differs() -> None:
    shape = {"id": "int", "when": "iso|null", "rows": {"$list": {"x": "yn"}, "$min": 1}}
    assert mismatches({"id": 1, "when": None, "rows": [{"x": "Y"}]}, shape) == []
    found = mismatches({"id": "1", "when": "yesterday", "rows": [{"x": "y"}], "z": 0}, shape)
    assert found == [
        "$.id: '1' is not int",
        "$.when: 'yesterday' is not iso|null",
        "$.rows[0].x: 'y' is not yn",
        "$: undocumented 'z'",
    ]
    assert mismatches({"rows": []}, {"rows": {"$list": "int", "$min": 1}}) == [
        "$.rows: 0 elements, at least 1 expected"
    ]


@pytest.mark.parametrize(("method", "case"), _cases())
def test_documented_example(
    method: str, case: dict[str, Any], rest: Rest, portal: SandboxPortal
) -> None:
    params = fill(case["params"], _placeholders(portal))
    answer = rest(method, params)
    assert answer.status_code == case["status"], answer.text
    body = answer.json()
    if "error" in case:
        assert body == {"error": case["error"], "error_description": case["description"]}
        # 0 and "0" compare unequal in JSON terms: the type is part of the documented form.
        assert type(body["error"]) is type(case["error"])
        return
    problems = mismatches(body, resolve(case["response"]))
    assert not problems, "\n".join(problems)
