"""``status``, ``order`` and ``bind`` commands in-process against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from console.bitrix.limiter import forget_limiters
from console.cli import main
from console.core.credentials import SecretKind
from console.core.profiles import AuthMode, Profile, ProfileRepository, parse_webhook_url
from console.sandbox import SandboxConfig, SandboxPortal


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    forget_limiters()
    with SandboxPortal(SandboxConfig(port=0, burst=50, drain_rate=100.0)) as sandbox:
        yield sandbox
    forget_limiters()


def add_profile(name: str, webhook_url: str) -> None:
    repo = ProfileRepository()
    credentials = parse_webhook_url(webhook_url)
    repo.save(
        Profile(
            name=name,
            portal_url=credentials.portal_url,
            auth_mode=AuthMode.WEBHOOK,
            webhook_user_id=credentials.user_id,
        )
    )
    repo.set_secret(name, SecretKind.WEBHOOK_CODE, credentials.code)


@pytest.fixture
def profile(portal: SandboxPortal) -> str:
    add_profile("sandbox", portal.webhook_url)
    return "sandbox"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_status_list_with_only_one_profile(
    profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "list", "--type", "D", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "DN" in out and "Awaiting processing" in out
    data = run_json(capsys, "status", "list", "--profile", profile)
    assert isinstance(data, list) and {"N", "F"} <= {item["id"] for item in data}


def test_status_get_and_update(profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "status", "get", "P")
    assert isinstance(data, dict)
    assert {k: data[k] for k in ("id", "type", "notify", "sort", "color", "xmlId")} == {
        "id": "P", "type": "O", "notify": "Y", "sort": 20, "color": "#C2EFBA", "xmlId": None,
    }  # fmt: skip
    updated = run_json(
        capsys, "status", "update", "P", "--type", "O", "--sort", "25", "--color", "#00FF00",
        "--notify", "N", "--xml-id", "paid",
    )  # fmt: skip
    assert updated["sort"] == 25 and updated["color"] == "#00FF00"  # type: ignore[index]
    assert updated["notify"] == "N" and updated["xmlId"] == "paid"  # type: ignore[index]


def test_portal_refusal_exits_3_with_code(profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "get", "ZZ"]) == 3
    err = capsys.readouterr().err
    assert "201340400001" in err


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["status", "update", "TOOLONG", "--type", "O"], "ID"),
        (["status", "update", "P", "--type", "X"], "--type"),
        (["status", "update", "P", "--type", "O", "--color", "red"], "--color"),
        (["status", "update", "P", "--type", "O", "--sort", "ten"], "--sort"),
        (["status", "update", "P", "--type", "O", "--notify", "maybe"], "--notify"),
        (["order", "get", "0"], "ID"),
        (["order", "set-status", "101", "P", "--shipment", "x"], "--shipment"),
        (["status", "list", "--lang", "en; DROP"], "--lang"),
        (["bind", "add", "101", "--deal", "-1"], "--deal"),
        (["bind", "add", "101"], "--deal"),
        (["bind", "add", "101", "--deal", "1", "--invoice", "2"], "--invoice"),
    ],
)
def test_bad_arguments_exit_2_before_any_request(
    portal: SandboxPortal,
    profile: str,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    named: str,
) -> None:
    before = {k: dict(v) for k, v in portal.state.statuses.items()}
    assert main(argv) == 2
    assert named in capsys.readouterr().err
    assert {k: dict(v) for k, v in portal.state.statuses.items()} == before


def test_order_get_and_set_status(
    portal: SandboxPortal, profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    order_id = min(portal.state.orders)
    assert main(["order", "get", str(order_id)]) == 0
    assert f"order {order_id}" in capsys.readouterr().out
    data = run_json(capsys, "order", "set-status", str(order_id), "F")
    assert data["statusId"] == "F"  # type: ignore[index]
    assert portal.state.orders[order_id]["statusId"] == "F"
    shipment_id = portal.state.orders[order_id]["shipments"][0]["id"]
    data = run_json(capsys, "order", "set-status", str(order_id), "DD", "--shipment",
                    str(shipment_id))  # fmt: skip
    assert data["statusId"] == "DD"  # type: ignore[index]
    assert main(["order", "get", "999999"]) == 3


def test_a_shipment_of_another_order_is_refused_before_it_changes(
    portal: SandboxPortal, profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = sorted(portal.state.orders)[:2]
    foreign = portal.state.orders[second]["shipments"][0]
    before = foreign["statusId"]
    argv = ["order", "set-status", str(first), "DD", "--shipment", str(foreign["id"])]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--shipment" in err and f"not part of order {first}" in err
    assert portal.state.orders[second]["shipments"][0]["statusId"] == before


def test_bind_add_list_remove(
    portal: SandboxPortal, profile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    order_id = next(o for o in sorted(portal.state.orders) if o not in portal.state.bindings)
    data = run_json(capsys, "bind", "add", str(order_id), "--deal", "4")
    assert data == {"orderId": order_id, "ownerTypeId": 2, "ownerId": 4}
    listed = run_json(capsys, "bind", "list", "--order", str(order_id))
    assert listed == [{"orderId": order_id, "ownerTypeId": 2, "ownerId": 4}]
    assert main(["bind", "add", str(order_id), "--deal", "4"]) == 3  # duplicate
    assert "already bound" in capsys.readouterr().err
    assert main(["bind", "remove", str(order_id), "--deal", "4"]) == 0
    capsys.readouterr()
    assert main(["bind", "remove", str(order_id), "--deal", "4"]) == 3
    assert "201640400004" in capsys.readouterr().err
    assert main(["bind", "add", str(order_id), "--invoice", "1"]) == 0
    assert portal.state.bindings[order_id]["ownerTypeId"] == 31


def test_wrong_webhook_code_exits_5(
    portal: SandboxPortal, capsys: pytest.CaptureFixture[str]
) -> None:
    add_profile("broken", portal.webhook_url.replace(portal.webhook_code, "wrongcode1234567"))
    assert main(["status", "list", "--profile", "broken"]) == 5
    err = capsys.readouterr().err
    assert "NO_AUTH_FOUND" in err and "wrongcode1234567" not in err


def test_profile_required_when_several(
    portal: SandboxPortal, capsys: pytest.CaptureFixture[str]
) -> None:
    add_profile("one", portal.webhook_url)
    add_profile("two", portal.limited_webhook_url)
    assert main(["status", "list"]) == 2
    assert "--profile" in capsys.readouterr().err
    assert main(["status", "update", "P", "--type", "O", "--profile", "two"]) == 3
