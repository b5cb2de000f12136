"""Order lookup, order and delivery status changes, the change log and unknown outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.operations import ChangeOutcomeUnknown, InvalidInput, OperationContext, PortalRefused
from console.operations.changelog import following_event, order_changes
from console.operations.orders import change_delivery_status, change_order_status, lookup_order
from console.sandbox import SandboxPortal
from console.store import ChangeKind, ChangeOutcome, SqliteEventStore
from tests.operations.conftest import NOW
from tests.store.records import record


def test_lookup(ctx: OperationContext, portal: SandboxPortal) -> None:
    summary, choices = lookup_order(ctx, 120, lang="en")
    raw = portal.state.orders[120]
    assert summary.number == raw["accountNumber"] and float(summary.total or 0) == raw["price"]
    assert summary.status is not None and summary.status.id == raw["statusId"]
    assert summary.status.color == portal.state.statuses[raw["statusId"]]["color"]
    fio = next(v["value"] for v in portal.state.property_values.values() if v["orderId"] == 120)
    assert summary.customer == fio
    assert summary.shipments[0].status is not None
    assert [c.id for c in choices.order] == ["N", "P", "S", "D", "F"]
    assert choices.order[1].name == "Paid, preparing for shipment"
    with pytest.raises(PortalRefused) as info:
        lookup_order(ctx, 999_999)
    assert "does not exist" in info.value.message
    with pytest.raises(InvalidInput):
        lookup_order(ctx, "x")


def test_order_status_change_recorded_and_linked(
    ctx: OperationContext, portal: SandboxPortal, store: SqliteEventStore
) -> None:
    before = portal.state.orders[130]["statusId"]
    target = "D" if before != "D" else "P"
    result = change_order_status(ctx, 130, target)
    assert result.value.status_id == target == portal.state.orders[130]["statusId"]
    change = store.changes(order_id="130")[0]
    assert change.kind is ChangeKind.ORDER_STATUS and change.outcome is ChangeOutcome.APPLIED
    assert change.before == {"statusId": before} and change.after == {"statusId": target}
    assert following_event(store, change) is None
    too_late = store.append(
        record(order_id="130", profile="shop", received_at=NOW + timedelta(minutes=3))
    )
    other_profile = store.append(record(order_id="130", profile="x", received_at=NOW))
    follows = store.append(
        record(order_id="130", profile="shop", received_at=NOW + timedelta(seconds=2))
    )
    found = following_event(store, change)
    assert found is not None and found.id == follows.id
    assert found.id not in (too_late.id, other_profile.id)
    entries = order_changes(store, "shop", "130")
    assert entries[0].following_event_id == follows.id and "olena" in entries[0].summary


def test_delivery_status_changes_only_the_status(
    ctx: OperationContext, portal: SandboxPortal, store: SqliteEventStore
) -> None:
    shipment = portal.state.orders[140]["shipments"][0]
    shipment.update(priceDelivery=70.0, basePriceDelivery=70.0, allowDelivery="Y")
    before = dict(shipment)
    target = "DD" if before["statusId"] != "DD" else "DF"
    result = change_delivery_status(ctx, 140, shipment["id"], target)
    assert result.value.status_id == target
    for name in ("allowDelivery", "deducted", "deliveryId", "priceDelivery", "basePriceDelivery"):
        assert shipment[name] == before[name]
    change = store.changes(order_id="140")[0]
    assert change.kind is ChangeKind.DELIVERY_STATUS and change.entity_id == str(shipment["id"])
    with pytest.raises(InvalidInput):
        change_delivery_status(ctx, 140, shipment["id"], "bad id")
    foreign = portal.state.orders[141]["shipments"][0]["id"]
    with pytest.raises(InvalidInput):
        change_delivery_status(ctx, 140, foreign, target)


def test_outcome_unknown_is_recorded_and_offers_a_reread(
    ctx: OperationContext, portal: SandboxPortal, store: SqliteEventStore
) -> None:
    before = portal.state.orders[150]["statusId"]
    target = "D" if before != "D" else "P"
    portal.faults.malformed_rate = 1.0
    with pytest.raises(ChangeOutcomeUnknown) as info:
        change_order_status(ctx, 150, target, before=before)
    portal.faults.malformed_rate = 0.0
    change = store.changes(order_id="150")[0]
    assert change.outcome is ChangeOutcome.UNKNOWN and info.value.change_id == change.id
    assert info.value.reread().status_id == target  # it did go through


def test_a_reread_that_shows_the_change_confirms_it_in_the_log(
    ctx: OperationContext, portal: SandboxPortal, store: SqliteEventStore
) -> None:
    from console.operations.changelog import order_changes

    before = portal.state.orders[151]["statusId"]
    target = "D" if before != "D" else "P"
    portal.faults.malformed_rate = 1.0
    with pytest.raises(ChangeOutcomeUnknown) as info:
        change_order_status(ctx, 151, target, before=before)
    portal.faults.malformed_rate = 0.0
    [unknown] = order_changes(store, None, "151")
    assert unknown.verification == "unknown" and "outcome unknown" in unknown.summary
    now = info.value.reread()
    # A re-read that does not show the change confirms nothing.
    assert info.value.confirm(now.model_copy(update={"status_id": before})) is None
    assert info.value.confirm(now) is not None
    [confirmed] = order_changes(store, None, "151")
    assert confirmed.change.id == info.value.change_id
    assert confirmed.verification == "applied"
    assert "re-read from the portal showed" in confirmed.summary


def test_change_links_to_the_event_that_follows_end_to_end(tmp_path: object) -> None:
    """On the demo (sandbox → real listener → store): the change, then its OnSaleOrderSaved."""
    import threading
    from pathlib import Path

    from console.demo import DEMO_PROFILE, DemoSession
    from console.operations import open_context
    from console.operations.changelog import StoreChangeLog

    assert isinstance(tmp_path, Path)
    with DemoSession(data_dir=tmp_path, activity_seconds=None, seed=5) as demo:
        before = demo.portal.state.orders[170]["statusId"]
        target = "D" if before != "D" else "P"
        with open_context(demo, DEMO_PROFILE, operator="taras") as ctx:
            change_order_status(ctx, 170, target)
        log = StoreChangeLog(demo.store)
        waited = threading.Event()
        for _ in range(200):
            entries = log.entries(DEMO_PROFILE, "170")
            if entries and entries[0].following_event_id is not None:
                break
            waited.wait(0.05)
        (entry,) = log.entries(DEMO_PROFILE, "170")
        event = demo.store.get(entry.following_event_id or -1)
    assert event is not None and event.event == "ONSALEORDERSAVED" and event.order_id == "170"
    assert entry.change.operator == "taras" and entry.event == "order_status"
