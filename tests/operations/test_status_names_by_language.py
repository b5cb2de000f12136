"""Status names in the interface's language (Bitrix24's lid: "ua" for Ukrainian), falling
back to English, then any language, then the id, wherever the window shows a status."""

from __future__ import annotations

from console.bitrix.client import BitrixClient
from console.bitrix.order_view import status_names
from console.bitrix.statuses import StatusAdd, StatusLangAdd
from console.operations import OperationContext
from console.operations.orders import status_choices


def add_status_named_only_in(client: BitrixClient, lid: str, name: str) -> None:
    client.statuses.add(StatusAdd(id="MS", type="O", sort=500))
    client.status_langs.add(StatusLangAdd(status_id="MS", lid=lid, name=name))


def test_seed_names_statuses_in_ukrainian_under_bitrix_lid_ua(client: BitrixClient) -> None:
    lids = {lang.lid for lang in client.status_langs.languages()}
    assert "ua" in lids and "uk" not in lids
    assert client.status_langs.names("ua")["S"] == "Відправлено"


def test_order_view_names_follow_the_language_then_english(client: BitrixClient) -> None:
    add_status_named_only_in(client, "en", "Made to order")
    client.statuses.add(StatusAdd(id="XD", type="D", sort=600))
    client.status_langs.add(StatusLangAdd(status_id="XD", lid="de", name="Nur Deutsch"))
    ukrainian = status_names(client, "ua")
    assert ukrainian["P"] == "Оплачено, готується до відправлення"
    assert ukrainian["MS"] == "Made to order"
    assert ukrainian["XD"] == "Nur Deutsch"
    assert status_names(client, "en")["P"] == "Paid, preparing for shipment"


def test_order_status_choices_follow_the_language_then_english_then_id(
    ctx: OperationContext, client: BitrixClient
) -> None:
    add_status_named_only_in(client, "en", "Made to order")
    client.statuses.add(StatusAdd(id="XX", type="O", sort=700))
    choices = status_choices(ctx, "ua")
    names = {choice.id: choice.name for choice in choices.order}
    assert names["N"] == "Прийнято, очікується оплата"
    assert names["MS"] == "Made to order"
    assert names["XX"] == "XX"
    delivery = {choice.id: choice.name for choice in choices.delivery}
    assert delivery["DF"] == "Відвантажено"
    assert status_choices(ctx, "en").find("DF").name == "Shipped"  # type: ignore[union-attr]
