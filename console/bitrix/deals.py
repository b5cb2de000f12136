"""CRM deals (crm.deal.get/list): UPPER_CASE fields, flat result lists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from console.bitrix.errors import MalformedResponse
from console.bitrix.orders import validate_id
from console.bitrix.paging import iter_keyset

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient


DEAL_SEARCH_SELECT = [
    "ID",
    "TITLE",
    "STAGE_ID",
    "OPPORTUNITY",
    "CURRENCY_ID",
    "COMPANY_ID",
    "CONTACT_ID",
]


class Deal(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True, coerce_numbers_to_str=True, extra="allow", frozen=True
    )

    id: int = Field(alias="ID")
    title: str | None = Field(default=None, alias="TITLE")
    stage_id: str | None = Field(default=None, alias="STAGE_ID")
    category_id: int | None = Field(default=None, alias="CATEGORY_ID")
    opportunity: Decimal | None = Field(default=None, alias="OPPORTUNITY")
    currency_id: str | None = Field(default=None, alias="CURRENCY_ID")
    date_modify: datetime | None = Field(default=None, alias="DATE_MODIFY")
    company_id: int | None = Field(default=None, alias="COMPANY_ID")
    contact_id: int | None = Field(default=None, alias="CONTACT_ID")


class DealsApi:
    """crm.deal.get/list."""

    def __init__(self, client: BitrixClient) -> None:
        self._client = client

    def get(self, deal_id: int | str) -> Deal:
        deal_id = validate_id(deal_id)
        result = self._client.call("crm.deal.get", {"id": deal_id}).result
        if not isinstance(result, dict):
            raise MalformedResponse("no deal in the answer", method="crm.deal.get")
        return Deal.model_validate(result)

    def search(self, title: str, *, limit: int = 50) -> list[Deal]:
        """Deals whose title contains ``title`` (``%TITLE``), newest first, one page."""
        params: dict[str, Any] = {
            "filter": {"%TITLE": title.strip()} if title.strip() else {},
            "select": DEAL_SEARCH_SELECT,
            "order": {"ID": "DESC"},
        }
        result = self._client.call("crm.deal.list", params).result
        if not isinstance(result, list):
            raise MalformedResponse("crm.deal.list did not return a list", method="crm.deal.list")
        return [Deal.model_validate(item) for item in result[:limit]]

    def iter(
        self, *, filter: dict[str, Any] | None = None, select: list[str] | None = None
    ) -> Iterator[Deal]:
        """Every matching deal by ascending ID (keyset paging: fine for big portals)."""
        params: dict[str, Any] = {"filter": filter or {}}
        params["select"] = select or ["ID", "TITLE", "STAGE_ID", "OPPORTUNITY", "CURRENCY_ID"]
        for item in iter_keyset(self._client, "crm.deal.list", params, id_field="ID"):
            yield Deal.model_validate(item)
