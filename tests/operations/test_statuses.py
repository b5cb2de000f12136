"""The status dictionary operations against the sandbox."""

from __future__ import annotations

import pytest

from console.operations import InvalidInput, OperationContext, PortalRefused
from console.operations.statuses import (
    StatusEdit,
    add_status,
    delete_status,
    find_status,
    list_statuses,
    type_lock_reason,
    update_status,
    validate_status_fields,
)
from console.sandbox import SandboxPortal
from console.store import ChangeKind, SqliteEventStore


def test_list_names_in_a_language_with_the_others(ctx: OperationContext) -> None:
    dictionary = list_statuses(ctx, "ua")
    row = dictionary.by_id("P")
    assert row is not None and row.name == "Оплачено, готується до відправлення"
    assert row.names["en"] == "Paid, preparing for shipment" and not row.system
    assert dictionary.by_id("N").system  # type: ignore[union-attr]
    assert [r.id for r in list_statuses(ctx, "en", type="D").rows] == ["DN", "DD", "DF"]
    assert {lang.lid for lang in dictionary.languages} == {"en", "ua", "de"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id": "ABC"}, "id"),
        ({"id": ""}, "id"),
        ({"id": "Ж"}, "id"),
        ({"type": "X"}, "type"),
        ({"sort": "ten"}, "sort"),
        ({"sort": -1}, "sort"),
        ({"sort": 2**31}, "sort"),
        ({"color": "#12345"}, "color"),
        ({"color": "red"}, "color"),
        ({"xml_id": "x" * 256}, "xml_id"),
        ({"names": {"en": "n" * 101}}, "names.en"),
        ({"id": "N", "type": "D", "current_type": "O"}, "type"),
    ],
)
def test_every_bound_is_checked_locally(fields: dict[str, object], field: str) -> None:
    assert field in validate_status_fields(**fields)  # type: ignore[arg-type]


def test_valid_fields_pass() -> None:
    assert (
        validate_status_fields(
            id="MS", type="O", sort="500", color="#00ff00", xml_id="x" * 255, names={"ua": "Т"}
        )
        == {}
    )
    assert type_lock_reason("P") is None
    assert "system status" in (type_lock_reason("DF") or "")


def test_update_with_name_diff_is_recorded(
    ctx: OperationContext, portal: SandboxPortal, store: SqliteEventStore
) -> None:
    current = find_status(ctx, "P", "en")
    edit = StatusEdit(
        id="P",
        type="O",
        notify=False,
        sort=25,
        color="#00FF00",
        xml_id="paid",
        names={"en": "Paid", "ua": "", "de": "Bezahlt"},
    )
    result = update_status(ctx, edit, current=current)
    assert result.value.name == "Paid" and result.value.names == {"en": "Paid", "de": "Bezahlt"}
    assert portal.state.statuses["P"]["color"] == "#00FF00"
    names = {(s["lid"], s["name"]) for s in portal.state.status_langs if s["statusId"] == "P"}
    assert names == {("en", "Paid"), ("de", "Bezahlt")}
    change = store.changes()[0]
    assert change.kind is ChangeKind.STATUS_DEFINITION and change.entity_id == "P"
    assert change.before["sort"] == 20 and change.after["sort"] == 25
    assert change.operator == "olena" and change.profile == "shop"


def test_system_type_locked_before_sending(ctx: OperationContext, portal: SandboxPortal) -> None:
    current = find_status(ctx, "F", "en")
    with pytest.raises(InvalidInput) as info:
        update_status(ctx, StatusEdit(id="F", type="D"), current=current)
    assert "system status" in info.value.problems["type"]
    assert portal.state.statuses["F"]["type"] == "O"
    with pytest.raises(InvalidInput):
        delete_status(ctx, current)


def test_add_and_delete(ctx: OperationContext, portal: SandboxPortal) -> None:
    added = add_status(ctx, StatusEdit(id="MS", type="D", names={"en": "My status"}))
    assert added.value.name == "My status" and "MS" in portal.state.statuses
    with pytest.raises(PortalRefused) as info:
        add_status(ctx, StatusEdit(id="MS", type="D"))
    assert info.value.error.code == "201350000001"
    delete_status(ctx, added.value)
    assert "MS" not in portal.state.statuses
    with pytest.raises(PortalRefused):
        find_status(ctx, "MS", "en")
