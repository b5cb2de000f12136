"""Order ↔ CRM bindings (crm.orderentity.*).

An order has one link. ``add`` for an order that has one replaces it without asking (as
documented, and as the sandbox does); only the very same link again is the duplicate
error (``201650000001``). So :func:`console.operations.bindings.bind_order` asks before
it replaces, and then removes the old link (``deleteByFilter``) before ``add``, which is
right whichever way a portal behaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.bitrix.errors import MalformedResponse
from console.bitrix.models import OwnerType, OwnerTypeId, PositiveId, RequestModel, ResponseModel
from console.bitrix.orders import validate_id
from console.bitrix.paging import iter_items

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient


class Binding(ResponseModel):
    order_id: int
    owner_type_id: int
    owner_id: int


class BindingFields(RequestModel):
    """``fields`` of crm.orderentity.add and deleteByFilter (all three required)."""

    order_id: PositiveId
    owner_type_id: OwnerTypeId
    owner_id: PositiveId

    def to_params(self) -> dict[str, Any]:
        return {"fields": self.to_fields()}


class BindingsApi:
    """crm.orderentity.add/list/deleteByFilter."""

    def __init__(self, client: BitrixClient) -> None:
        self._client = client

    def add(
        self, order_id: int | str, owner_type_id: int | OwnerType, owner_id: int | str
    ) -> Binding:
        request = BindingFields.model_validate(
            {"order_id": order_id, "owner_type_id": owner_type_id, "owner_id": owner_id}
        )
        result = self._client.call("crm.orderentity.add", request.to_params()).result
        if isinstance(result, dict) and isinstance(result.get("dealOrder"), dict):
            return Binding.model_validate(result["dealOrder"])
        if isinstance(result, dict) and isinstance(result.get("orderEntity"), dict):
            return Binding.model_validate(result["orderEntity"])
        raise MalformedResponse("no dealOrder in the answer", method="crm.orderentity.add")

    def list(
        self,
        *,
        order_id: int | str | None = None,
        owner_type_id: int | OwnerType | None = None,
        owner_id: int | str | None = None,
    ) -> list[Binding]:
        filter_: dict[str, Any] = {}
        if order_id is not None:
            filter_["=orderId"] = validate_id(order_id)
        if owner_type_id is not None:
            filter_["=ownerTypeId"] = int(OwnerType(int(owner_type_id)))
        if owner_id is not None:
            filter_["=ownerId"] = validate_id(owner_id)
        params = {"filter": filter_} if filter_ else {}
        items = iter_items(self._client, "crm.orderentity.list", params, key="orderEntity")
        return [Binding.model_validate(item) for item in items]

    def remove(
        self, order_id: int | str, owner_type_id: int | OwnerType, owner_id: int | str
    ) -> bool:
        request = BindingFields.model_validate(
            {"order_id": order_id, "owner_type_id": owner_type_id, "owner_id": owner_id}
        )
        result = self._client.call("crm.orderentity.deleteByFilter", request.to_params())
        return bool(result.result)
