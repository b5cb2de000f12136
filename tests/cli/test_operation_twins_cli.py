"""The command-line twins of the issue-7 forms, in-process against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from console.bitrix.limiter import forget_limiters
from console.cli import main
from console.core.settings import load_settings
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import ChangeKind, SqliteEventStore
from tests.cli.test_portal_cli import add_profile


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    forget_limiters()
    with SandboxPortal(SandboxConfig(burst=200, drain_rate=200.0)) as sandbox:
        yield sandbox
    forget_limiters()


@pytest.fixture
def profile(portal: SandboxPortal) -> str:
    add_profile("sandbox", portal.webhook_url)
    return "sandbox"


def _changes() -> list[object]:
    with SqliteEventStore(load_settings().resolved_store_path()) as store:
        return list(store.changes())


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_status_list_has_a_header_and_names(
    profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "list", "--lang", "ua"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "TYPE", "SORT", "NOTIFY", "COLOR", "XML_ID", "SYSTEM", "NAME"]
    assert any(line.startswith("P ") and "Оплачено" in line for line in lines)
    assert any(line.startswith("N ") and " yes " in line for line in lines)


def test_status_update_takes_the_type_from_the_portal(
    portal: SandboxPortal, profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json(capsys, "status", "update", "DD", "--sort", "15", "--name", "de=Storniert")
    assert data["type"] == "D" and data["sort"] == 15  # type: ignore[index]
    assert portal.state.statuses["DD"]["type"] == "D"
    assert ("DD", "de", "Storniert") in {
        (s["statusId"], s["lid"], s["name"]) for s in portal.state.status_langs
    }
    (change,) = _changes()
    assert change.kind is ChangeKind.STATUS_DEFINITION  # type: ignore[attr-defined]


def test_status_add_and_delete_confirmed(
    portal: SandboxPortal, profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "add", "MS", "--type", "O", "--name", "en=Mine", "--sort", "300"]) == 0
    assert "MS" in portal.state.statuses and "Mine" in capsys.readouterr().out
    assert main(["status", "delete", "MS"]) == 2  # no terminal, no --yes
    assert "--yes" in capsys.readouterr().err and "MS" in portal.state.statuses
    assert main(["status", "delete", "MS", "--yes"]) == 0
    assert "MS" not in portal.state.statuses
    assert main(["status", "delete", "DF", "--yes"]) == 2
    assert "system status" in capsys.readouterr().err
    assert [c.action for c in _changes()] == ["delete", "add"]  # type: ignore[attr-defined]


def test_order_and_delivery_status_are_recorded(
    portal: SandboxPortal, profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    order = portal.state.orders[160]
    shipment = order["shipments"][0]
    shipment.update(priceDelivery=70.0, basePriceDelivery=70.0)
    target = "DD" if shipment["statusId"] != "DD" else "DF"
    assert main(["order", "set-status", "160", target, "--shipment", str(shipment["id"])]) == 0
    assert "delivery status" in capsys.readouterr().out
    assert shipment["statusId"] == target and shipment["priceDelivery"] == 70.0
    assert main(["order", "set-status", "160", "D"]) == 0
    kinds = [(c.kind, c.order_id) for c in _changes()]  # type: ignore[attr-defined]
    assert kinds == [(ChangeKind.ORDER_STATUS, "160"), (ChangeKind.DELIVERY_STATUS, "160")]


def test_bind_replaces_only_when_told_and_removes_the_single_link(
    portal: SandboxPortal, profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    order_id, binding = next(iter(portal.state.bindings.items()))
    other = binding["ownerId"] % 50 + 1
    assert main(["bind", "add", str(order_id), "--deal", str(other)]) == 2
    err = capsys.readouterr().err
    assert "--replace" in err and "one link" in err
    assert portal.state.bindings[order_id] == binding
    assert main(["bind", "add", str(order_id), "--deal", str(other), "--replace"]) == 0
    assert "replaced" in capsys.readouterr().out
    assert portal.state.bindings[order_id]["ownerId"] == other
    assert main(["bind", "remove", str(order_id)]) == 0
    assert order_id not in portal.state.bindings
    assert main(["bind", "remove", str(order_id)]) == 3
    assert "not bound" in capsys.readouterr().err
    actions = [c.action for c in _changes()]  # type: ignore[attr-defined]
    assert actions == ["remove", "replace"]


def test_bind_search(
    portal: SandboxPortal, profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    surname = portal.state.deals[11]["TITLE"].rsplit(" ", 1)[1]
    found = _json(capsys, "bind", "search", "--deal", surname)
    assert 11 in {row["id"] for row in found}  # type: ignore[union-attr]
    invoices = _json(capsys, "bind", "search", "--invoice", "Рахунок")
    assert {row["ownerTypeId"] for row in invoices} == {31}  # type: ignore[union-attr]


def test_default_profile_is_used_when_several_exist(
    portal: SandboxPortal, capsys: pytest.CaptureFixture[str]
) -> None:
    add_profile("one", portal.webhook_url)
    add_profile("two", portal.limited_webhook_url)
    assert main(["status", "list"]) == 2
    assert "profile default" in capsys.readouterr().err
    assert main(["profile", "default", "one"]) == 0
    capsys.readouterr()
    assert main(["status", "list", "--type", "D"]) == 0
    assert "DN" in capsys.readouterr().out
    assert main(["profile", "default", "nope"]) == 2


def test_profile_test_reports_both_probes_with_fixes(
    portal: SandboxPortal, capsys: pytest.CaptureFixture[str]
) -> None:
    add_profile("limited", portal.limited_webhook_url)
    assert main(["profile", "test", "limited"]) == 3
    out = capsys.readouterr().out
    assert "✗ online store (sale.status.list)" in out and "store rights" in out
    assert "✓ CRM (crm.deal.list)" in out
    add_profile("full", portal.webhook_url)
    report = _json(capsys, "profile", "test", "full")
    assert report["ok"] is True  # type: ignore[index]
    portal.api.commercial_plan = False
    assert main(["profile", "test", "full"]) == 3
    captured = capsys.readouterr()
    assert captured.out.count("✗") == 2 and "commercial Bitrix24 plans" in captured.out


def test_profile_add_without_application_token_warns(
    portal: SandboxPortal, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("B24_WEBHOOK_URL", portal.webhook_url)
    monkeypatch.delenv("B24_APP_TOKEN", raising=False)
    assert main(["profile", "add", "shop", "--portal", portal.base_url]) == 0
    assert "will be rejected" in capsys.readouterr().err
    monkeypatch.setenv("B24_APP_TOKEN", "a" * 32)
    assert main(["profile", "add", "shop", "--portal", portal.base_url, "--replace"]) == 0
    assert "will be rejected" not in capsys.readouterr().err


def test_profile_accept_domain(portal: SandboxPortal, capsys: pytest.CaptureFixture[str]) -> None:
    add_profile("shop", portal.webhook_url)
    data = _json(capsys, "profile", "accept-domain", "shop", "Shop.Example.UA")
    assert data["extra_domains"] == ["shop.example.ua"]  # type: ignore[index]
    assert main(["profile", "accept-domain", "shop", "https://x/y"]) == 2
