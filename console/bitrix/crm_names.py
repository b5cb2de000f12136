"""Names for what deals and invoices refer to by id: their stage (``crm.status.list``)
and their contact (``crm.contact.list``). Plain Python; one call each, for one page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient

# The stages' reference lists: a deal's default pipeline, the smart invoices' default
# category (a deal of pipeline N names its stages "CN:…" in DEAL_STAGE_N).
DEAL_STAGES = "DEAL_STAGE"
SMART_INVOICE_STAGES = "SMART_INVOICE_STAGE_1"


def stage_entity(stage_id: str, *, invoice: bool) -> str:
    """The ``ENTITY_ID`` whose list names ``stage_id``."""
    if invoice:
        return SMART_INVOICE_STAGES
    prefix, _, _ = stage_id.partition(":")
    if prefix.startswith("C") and prefix[1:].isdigit() and ":" in stage_id:
        return f"{DEAL_STAGES}_{prefix[1:]}"
    return DEAL_STAGES


def stage_names(client: BitrixClient, entities: Iterable[str]) -> dict[str, str]:
    """STATUS_ID -> NAME over the given lists; a list the portal does not have is empty."""
    wanted = sorted(set(entities))
    if not wanted:
        return {}
    params: dict[str, Any] = {"filter": {"ENTITY_ID": wanted}, "order": {"SORT": "ASC"}}
    result = client.call("crm.status.list", params).result
    names: dict[str, str] = {}
    for row in result if isinstance(result, list) else []:
        if isinstance(row, dict) and row.get("STATUS_ID") and row.get("NAME"):
            names[str(row["STATUS_ID"])] = " ".join(str(row["NAME"]).split())
    return names


def contact_names(client: BitrixClient, ids: Iterable[int]) -> dict[int, str]:
    """Contact id -> "First Last" for the given ids (at most one page of 50)."""
    wanted = sorted({i for i in ids if i > 0})[:50]
    if not wanted:
        return {}
    params: dict[str, Any] = {
        "filter": {"@ID": wanted},
        "select": ["ID", "NAME", "SECOND_NAME", "LAST_NAME"],
    }
    result = client.call("crm.contact.list", params).result
    names: dict[int, str] = {}
    for row in result if isinstance(result, list) else []:
        if not isinstance(row, dict):
            continue
        parts = [str(row.get(key) or "").strip() for key in ("NAME", "SECOND_NAME", "LAST_NAME")]
        name = " ".join(part for part in parts if part)
        if name and str(row.get("ID", "")).isdigit():
            names[int(row["ID"])] = name
    return names
