"""The client against the emulated portal over real HTTP: every method and error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from console.bitrix import errors as e
from console.bitrix.auth import OAuthAuth, TokenPair, WebhookAuth
from console.bitrix.batch import BatchCommand
from console.bitrix.client import BitrixClient, RetryPolicy
from console.bitrix.crm_names import (
    DEAL_STAGES,
    SMART_INVOICE_STAGES,
    contact_names,
    stage_names,
)
from console.bitrix.errors import user_message
from console.bitrix.limiter import BucketLimits
from console.bitrix.models import OwnerType
from console.bitrix.statuses import (
    StatusAdd,
    StatusFields,
    StatusLangAdd,
    StatusLangDelete,
    StatusUpdate,
)
from console.sandbox import SandboxConfig, SandboxPortal

FAST = BucketLimits(50, 100.0)


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(port=0, burst=50, drain_rate=100.0)) as sandbox:
        yield sandbox


@pytest.fixture
def client(portal: SandboxPortal) -> Iterator[BitrixClient]:
    with BitrixClient(WebhookAuth.from_url(portal.webhook_url), limits=FAST) as c:
        yield c


def some_order_id(portal: SandboxPortal) -> int:
    return min(portal.state.orders)


# --- connection and auth ---------------------------------------------------------------


def test_connection(client: BitrixClient, portal: SandboxPortal) -> None:
    info = client.test_connection()
    assert info["portal"] == portal.domain
    assert info["server_time"]
    assert info["auth_mode"] == "webhook"


def test_wrong_webhook_code(portal: SandboxPortal) -> None:
    auth = WebhookAuth(portal.base_url, 1, "wrongcode0000000")
    with BitrixClient(auth, limits=FAST) as c, pytest.raises(e.NoAuthFound) as info:
        c.call("sale.status.list")
    assert "wrongcode0000000" not in str(info.value)


def test_limited_user_is_denied(portal: SandboxPortal) -> None:
    with (
        BitrixClient(WebhookAuth.from_url(portal.limited_webhook_url), limits=FAST) as c,
        pytest.raises(e.AccessDenied),
    ):
        c.statuses.update(StatusUpdate(id="P", fields=StatusFields(type="O")))


def test_unknown_method(client: BitrixClient) -> None:
    with pytest.raises(e.MethodNotFound):
        client.call("sale.nothing.here")


# --- statuses --------------------------------------------------------------------------


def test_status_list_and_get(client: BitrixClient) -> None:
    statuses = client.statuses.list()
    assert {"N", "P", "F", "DN", "DF"} <= {s.id for s in statuses}
    assert {s.type for s in client.statuses.list(type="D")} == {"D"}
    status = client.statuses.get("N")
    assert (status.id, status.type, status.xml_id) == ("N", "O", None)


def test_status_get_missing(client: BitrixClient) -> None:
    with pytest.raises(e.StatusNotFound) as info:
        client.statuses.get("ZZ")
    assert info.value.code == "201340400001"


def test_status_add_update_delete(client: BitrixClient) -> None:
    added = client.statuses.add(StatusAdd(id="MS", type="O", notify="N", sort=500, color="#FF0000"))
    assert added.id == "MS"
    with pytest.raises(e.DuplicateStatus):
        client.statuses.add(StatusAdd(id="MS", type="O"))
    updated = client.statuses.update(
        StatusUpdate(id="MS", fields=StatusFields(type="D", sort=7, color="#00FF00", xml_id="ext"))
    )
    assert (updated.type, updated.sort, updated.color, updated.xml_id) == ("D", 7, "#00FF00", "ext")
    assert client.statuses.delete("MS") is True
    with pytest.raises(e.StatusNotFound):
        client.statuses.delete("MS")


def test_status_update_errors(client: BitrixClient, portal: SandboxPortal) -> None:
    with pytest.raises(e.StatusNotFound):
        client.statuses.update(StatusUpdate(id="ZZ", fields=StatusFields(type="O")))
    with pytest.raises(e.SystemStatusTypeChange):
        client.statuses.update(StatusUpdate(id="N", fields=StatusFields(type="D")))
    used = {o["statusId"] for o in portal.state.orders.values()} - {"N", "F"}
    with pytest.raises(e.StatusTypeInUse):
        client.statuses.update(StatusUpdate(id=sorted(used)[0], fields=StatusFields(type="D")))
    with pytest.raises(e.SystemStatusDelete):
        client.statuses.delete("N")


def test_status_update_without_type_is_refused_by_the_portal(client: BitrixClient) -> None:
    # Bypasses the request model on purpose: the portal's own answer must be typed too.
    with pytest.raises((e.RequiredFields, e.BadStatusType)):
        client.call("sale.status.update", {"id": "P", "fields": {"sort": 5}})


# --- status names ----------------------------------------------------------------------


def test_status_langs(client: BitrixClient) -> None:
    assert "en" in {lang.lid for lang in client.status_langs.languages()}
    names = client.status_langs.names("en")
    assert names["F"] == "Completed"
    added = client.status_langs.add(StatusLangAdd(status_id="F", lid="de", name="Erledigt"))
    assert (added.status_id, added.lid, added.name) == ("F", "de", "Erledigt")
    with pytest.raises(e.DuplicateStatusLang):
        client.status_langs.add(StatusLangAdd(status_id="F", lid="de", name="Again"))
    with pytest.raises(e.UnknownLanguage):
        client.status_langs.add(StatusLangAdd(status_id="F", lid="xx", name="?"))
    assert client.status_langs.delete_by_filter(StatusLangDelete(status_id="F", lid="de"))
    with pytest.raises(e.StatusLangNotFound):
        client.status_langs.delete_by_filter(StatusLangDelete(status_id="F", lid="de"))


# --- orders, shipments, property values ------------------------------------------------


def test_order_get_and_missing(client: BitrixClient, portal: SandboxPortal) -> None:
    order_id = some_order_id(portal)
    order = client.orders.get(order_id)
    assert order.id == order_id
    assert order.shipments and order.shipments[0].status_id
    with pytest.raises(e.OrderNotFound) as info:
        client.orders.get(999_999)
    assert info.value.code in ("201240400001", "200540400001")


def test_order_list_pages_through_everything(client: BitrixClient, portal: SandboxPortal) -> None:
    ids = [order.id for order in client.orders.iter()]
    assert sorted(ids) == sorted(portal.state.orders)
    assert len(ids) > 50  # more than one page


def test_order_set_status_and_catch_up(client: BitrixClient, portal: SandboxPortal) -> None:
    order_id = some_order_id(portal)
    before = datetime.fromisoformat(portal.state.orders[order_id]["dateUpdate"])
    newest = max(datetime.fromisoformat(o["dateUpdate"]) for o in portal.state.orders.values())
    changed = client.orders.set_status(order_id, "F")
    assert changed.status_id == "F"
    assert client.orders.get(order_id).status_id == "F"
    since = max(before, newest - timedelta(seconds=0)) if newest >= before else before
    updated = list(client.orders.iter_updated_since(since))
    assert order_id in [o.id for o in updated]
    stamps = [o.date_update for o in updated]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    with pytest.raises(e.OrderNotFound):
        client.orders.set_status(999_999, "P")


def test_shipment_set_status(client: BitrixClient, portal: SandboxPortal) -> None:
    order = client.orders.get(some_order_id(portal))
    shipment = client.shipments.set_status(order.shipments[0].id, "DD")
    assert shipment.status_id == "DD"


def test_property_values(client: BitrixClient, portal: SandboxPortal) -> None:
    order_id = some_order_id(portal)
    values = client.property_values.list(order_id=order_id)
    assert values and all(v.order_id == order_id for v in values)
    one = client.property_values.get(values[0].id)
    assert one.id == values[0].id
    assert client.property_values.order_id_for(values[0].id) == order_id
    with pytest.raises(e.PropertyValueNotFound):
        client.property_values.get(999_999)


# --- bindings and deals -----------------------------------------------------------------


def test_bindings(client: BitrixClient, portal: SandboxPortal) -> None:
    unbound = next(o for o in sorted(portal.state.orders) if o not in portal.state.bindings)
    binding = client.bindings.add(unbound, OwnerType.DEAL, 3)
    assert (binding.order_id, binding.owner_type_id, binding.owner_id) == (unbound, 2, 3)
    with pytest.raises(e.DuplicateBinding) as duplicate:
        client.bindings.add(unbound, OwnerType.DEAL, 3)
    assert user_message(duplicate.value) == "The order is already bound to that deal or invoice."
    assert [b.order_id for b in client.bindings.list(order_id=unbound)] == [unbound]
    assert unbound in {b.order_id for b in client.bindings.list(owner_type_id=2, owner_id=3)}
    assert len(client.bindings.list()) == len(portal.state.bindings)
    # Another owner replaces the link: the portal does not ask, so the console must.
    replaced = client.bindings.add(unbound, OwnerType.DEAL, 4)
    assert replaced.owner_id == 4
    assert [(b.order_id, b.owner_id) for b in client.bindings.list(order_id=unbound)] == [
        (unbound, 4)
    ]
    with pytest.raises(e.BindingNotFound):
        client.bindings.remove(unbound, OwnerType.DEAL, 3)
    assert client.bindings.remove(unbound, OwnerType.DEAL, 4) is True
    with pytest.raises(e.OrderNotFound):
        client.bindings.add(999_999, OwnerType.DEAL, 3)


def test_deals(client: BitrixClient, portal: SandboxPortal) -> None:
    deal = client.deals.get(1)
    assert deal.id == 1 and deal.title
    ids = [d.id for d in client.deals.iter()]
    assert ids == sorted(portal.state.deals)
    with pytest.raises(e.DealNotFound):
        client.deals.get(999_999)


# --- batch -----------------------------------------------------------------------------


def test_batch_splits_and_reports_per_command(client: BitrixClient, portal: SandboxPortal) -> None:
    order_ids = sorted(portal.state.orders)[:120]
    commands: dict[str, Any] = {
        f"o{oid}": BatchCommand("sale.order.get", {"id": oid}) for oid in order_ids
    }
    commands["missing"] = ("sale.order.get", {"id": 999_999})
    result = client.batch(commands)
    assert set(result.results) == {f"o{oid}" for oid in order_ids}
    assert result.results[f"o{order_ids[0]}"]["order"]["id"] == order_ids[0]
    assert isinstance(result.errors["missing"], e.OrderNotFound)
    with pytest.raises(e.BatchError) as info:
        result.raise_for_errors()
    assert set(info.value.errors) == {"missing"}


def test_batch_result_references(client: BitrixClient) -> None:
    result = client.batch(
        {
            "first": BatchCommand("sale.status.list", {"filter": {"type": "D"}}),
            "one": BatchCommand("sale.status.get", {"id": "$result[first][statuses][0][id]"}),
        }
    )
    assert result.ok, result.errors
    assert result.results["one"]["status"]["type"] == "D"


# --- names for CRM ids (crm.status.list, crm.contact.list) ------------------------------


def test_stage_and_contact_names_from_the_documented_answers(client: BitrixClient) -> None:
    names = stage_names(client, [DEAL_STAGES, SMART_INVOICE_STAGES, "DEAL_STAGE_9"])
    assert names["WON"] == "Угоду укладено" and names["DT31_1:P"] == "Оплачено"
    stages = client.call("crm.status.list", {"filter": {"ENTITY_ID": DEAL_STAGES}}).result
    assert {(s["STATUS_ID"], s["SEMANTICS"], s["EXTRA"]["SEMANTICS"]) for s in stages} >= {
        ("NEW", None, "process"),
        ("WON", "S", "success"),
        ("LOSE", "F", "failure"),
    }
    contacts = contact_names(client, [3, 1, 3, 0, 9999])
    assert sorted(contacts) == [1, 3] and all(" " in name for name in contacts.values())


# --- limits, faults, OAuth --------------------------------------------------------------


def test_burst_of_300_from_threads_sees_no_refusal(portal: SandboxPortal) -> None:
    # No retries on refusal: only the shared client-side bucket keeps the portal happy.
    policy = RetryPolicy(limit_attempts=1)
    failures: list[BaseException] = []
    auth = WebhookAuth.from_url(portal.webhook_url)
    with BitrixClient(auth, limits=FAST, retry=policy) as c:

        def work() -> None:
            for _ in range(50):
                try:
                    c.call("server.time")
                except BaseException as exc:
                    failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_refused_requests_are_retried_transparently() -> None:
    config = SandboxConfig(port=0, burst=5, drain_rate=50.0)
    with SandboxPortal(config) as sandbox:
        # The client thinks the bucket is much bigger: the portal refuses, the client retries.
        auth = WebhookAuth.from_url(sandbox.webhook_url)
        with BitrixClient(auth, limits=BucketLimits(500, 1000.0)) as c:
            for _ in range(40):
                c.call("server.time")


def test_operation_time_limit_is_typed() -> None:
    config = SandboxConfig(port=0, drain_rate=100.0, operating_limit_seconds=0.05)
    with SandboxPortal(config) as sandbox:
        auth = WebhookAuth.from_url(sandbox.webhook_url)
        with BitrixClient(auth, limits=FAST, retry=RetryPolicy(max_operating_wait=0)) as c:
            with pytest.raises(e.OperationTimeLimit):
                for _ in range(20):
                    c.call("sale.order.list")
            assert c.operating_by_method["sale.order.list"] > 0
            # Other methods still work.
            c.call("sale.status.list")


def test_server_faults_are_retried_for_reads(portal: SandboxPortal) -> None:
    portal.faults.update({"error_rate": 0.3})
    policy = RetryPolicy(read_attempts=12, base_delay=0.001, max_delay=0.002)
    auth = WebhookAuth.from_url(portal.webhook_url)
    with BitrixClient(auth, limits=FAST, retry=policy) as c:
        for _ in range(20):
            c.statuses.get("N")


def test_malformed_answers_to_reads_are_retried(portal: SandboxPortal) -> None:
    portal.faults.update({"malformed_rate": 0.3})
    policy = RetryPolicy(read_attempts=12, base_delay=0.001, max_delay=0.002)
    auth = WebhookAuth.from_url(portal.webhook_url)
    with BitrixClient(auth, limits=FAST, retry=policy) as c:
        for _ in range(20):
            c.statuses.get("N")


def test_oauth_refresh_and_store(portal: SandboxPortal) -> None:
    access, refresh = portal.issue_oauth_tokens()
    stored: list[TokenPair] = []
    auth = OAuthAuth(
        portal_url=portal.base_url,
        client_id=portal.oauth_client_id,
        client_secret=portal.oauth_client_secret,
        access_token=access,
        refresh_token=refresh,
        server_endpoint=portal.server_endpoint,
        on_refresh=stored.append,
    )
    with BitrixClient(auth, limits=FAST) as c:
        assert c.statuses.get("N").id == "N"
        portal.expire_access_tokens()
        assert c.statuses.get("P").id == "P"
        assert len(stored) == 1
        assert stored[0].access_token != access
        assert stored[0].refresh_token != refresh
        assert c.test_connection()["auth_mode"] == "oauth"


def test_oauth_revoked_refresh_token_means_sign_in_again(portal: SandboxPortal) -> None:
    access, _ = portal.issue_oauth_tokens()
    auth = OAuthAuth(
        portal_url=portal.base_url,
        client_id=portal.oauth_client_id,
        client_secret=portal.oauth_client_secret,
        access_token=access,
        refresh_token="not-a-refresh-token",
        server_endpoint=portal.server_endpoint,
    )
    portal.expire_access_tokens()
    with BitrixClient(auth, limits=FAST) as c, pytest.raises(e.SignInAgain):
        c.statuses.get("N")
