"""Smart invoices (crm.item.list with ``entityTypeId`` 31): what an order may be bound to."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from console.bitrix.models import OwnerType, ResponseModel
from console.bitrix.paging import PAGE_SIZE, extract_items

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient

SMART_INVOICE_SELECT = [
    "id", "title", "stageId", "opportunity", "currencyId", "companyId", "contactId",
]  # fmt: skip


class SmartInvoice(ResponseModel):
    id: int
    title: str | None = None
    stage_id: str | None = None
    opportunity: Decimal | None = None
    currency_id: str | None = None
    company_id: int | None = None
    contact_id: int | None = None


class SmartInvoicesApi:
    """crm.item.list for entity type 31."""

    def __init__(self, client: BitrixClient) -> None:
        self._client = client

    def search(self, title: str, *, limit: int = PAGE_SIZE) -> list[SmartInvoice]:
        """Invoices whose title contains ``title`` (first page, newest id first)."""
        params: dict[str, Any] = {
            "entityTypeId": int(OwnerType.SMART_INVOICE),
            "select": SMART_INVOICE_SELECT,
            "filter": {"%title": title.strip()} if title.strip() else {},
            "order": {"id": "DESC"},
        }
        result = self._client.call("crm.item.list", params).result
        items = extract_items(result, "items", "crm.item.list")
        return [SmartInvoice.model_validate(item) for item in items[:limit]]

    def get(self, invoice_id: int) -> SmartInvoice | None:
        params: dict[str, Any] = {
            "entityTypeId": int(OwnerType.SMART_INVOICE),
            "select": SMART_INVOICE_SELECT,
            "filter": {"=id": invoice_id},
        }
        result = self._client.call("crm.item.list", params).result
        items = extract_items(result, "items", "crm.item.list")
        return SmartInvoice.model_validate(items[0]) if items else None
