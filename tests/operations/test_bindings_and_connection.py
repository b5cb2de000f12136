"""Binding with "an order has one link", unbinding, owner search, the connection test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.models import OwnerType
from console.operations import OperationContext, PortalRefused
from console.operations.bindings import (
    ExistingBinding,
    NotBound,
    OwnerNotFound,
    bind_order,
    deal_bindings,
    search_owners,
    unbind_order,
)
from console.operations.connection import check_connection
from console.sandbox import SandboxPortal
from console.store import ChangeKind, SqliteEventStore
from tests.operations.conftest import FAST


def _unbound(portal: SandboxPortal) -> int:
    return next(o for o in sorted(portal.state.orders) if o not in portal.state.bindings)


def test_bind_then_replace_only_when_asked(
    ctx: OperationContext, portal: SandboxPortal, store: SqliteEventStore
) -> None:
    order_id = _unbound(portal)
    bind_order(ctx, order_id, OwnerType.DEAL, 4)
    with pytest.raises(ExistingBinding) as info:
        bind_order(ctx, order_id, OwnerType.SMART_INVOICE, 2)
    assert not info.value.same and info.value.binding.owner_id == 4
    assert "replace" in info.value.message
    with pytest.raises(ExistingBinding) as same:
        bind_order(ctx, order_id, OwnerType.DEAL, 4)
    assert same.value.same
    replaced = bind_order(ctx, order_id, OwnerType.SMART_INVOICE, 2, replace=True)
    assert replaced.before == {"ownerTypeId": 2, "ownerId": 4}
    assert portal.state.bindings[order_id] == {
        "orderId": order_id,
        "ownerTypeId": 31,
        "ownerId": 2,
    }
    kinds = [(c.kind, c.action) for c in store.changes(order_id=str(order_id))]
    assert kinds == [(ChangeKind.BINDING, "replace"), (ChangeKind.BINDING, "add")]


def test_replacing_with_a_missing_owner_keeps_the_old_link(
    ctx: OperationContext, portal: SandboxPortal
) -> None:
    order_id, binding = next(iter(portal.state.bindings.items()))
    for owner_type in (OwnerType.DEAL, OwnerType.SMART_INVOICE):
        with pytest.raises(OwnerNotFound):
            bind_order(ctx, order_id, owner_type, 9999, replace=True)
    assert portal.state.bindings[order_id] == binding


def test_unbind_without_owner(ctx: OperationContext, portal: SandboxPortal) -> None:
    order_id, binding = next(iter(portal.state.bindings.items()))
    result = unbind_order(ctx, order_id)
    assert result.before == {"ownerTypeId": binding["ownerTypeId"], "ownerId": binding["ownerId"]}
    assert order_id not in portal.state.bindings
    with pytest.raises(NotBound):
        unbind_order(ctx, order_id)
    with pytest.raises(PortalRefused) as info:
        unbind_order(ctx, order_id, OwnerType.DEAL, 1)
    assert info.value.error.code == "201640400004"


def test_deal_bindings(ctx: OperationContext, portal: SandboxPortal) -> None:
    deal_id = next(b["ownerId"] for b in portal.state.bindings.values() if b["ownerTypeId"] == 2)
    expected = {
        o for o, b in portal.state.bindings.items() if b == dict(b, ownerTypeId=2, ownerId=deal_id)
    }
    assert {b.order_id for b in deal_bindings(ctx, deal_id)} == expected


def test_search_owners(ctx: OperationContext, portal: SandboxPortal) -> None:
    surname = portal.state.deals[5]["TITLE"].rsplit(" ", 1)[1]
    deals = search_owners(ctx, OwnerType.DEAL, surname)
    assert 5 in {d.id for d in deals} and all(surname in d.title for d in deals)
    assert deals[0].stage and deals[0].amount is not None
    invoices = search_owners(ctx, OwnerType.SMART_INVOICE, "Рахунок №4")
    assert [i.id for i in invoices] == [4]
    assert invoices[0].company_id or invoices[0].contact_id


def _report(portal: SandboxPortal, url: str) -> Callable[[], object]:
    def run() -> object:
        with BitrixClient(WebhookAuth.from_url(url), limits=FAST) as c:
            return check_connection(OperationContext(c, "shop"))

    return run


def test_connection_probes(portal: SandboxPortal) -> None:
    good = _report(portal, portal.webhook_url)()
    assert good.ok and [p.mark for p in good.probes] == ["✓", "✓"]  # type: ignore[attr-defined]
    limited = _report(portal, portal.limited_webhook_url)()
    store_probe, crm_probe = limited.probes  # type: ignore[attr-defined]
    assert not store_probe.ok and "store rights" in store_probe.fix
    assert crm_probe.ok
    portal.api.commercial_plan = False
    free = _report(portal, portal.webhook_url)()
    assert all("commercial" in p.fix for p in free.probes)  # type: ignore[attr-defined]
    portal.api.commercial_plan = True
    wrong = portal.webhook_url.replace(portal.webhook_code, "0" * 16)
    bad = _report(portal, wrong)()
    assert all("webhook" in p.fix and not p.ok for p in bad.probes)  # type: ignore[attr-defined]
