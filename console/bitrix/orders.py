"""Orders, shipments and order property values (sale.order.*, sale.shipment.*,
sale.propertyvalue.*)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import Field, TypeAdapter

from console.bitrix.errors import MalformedResponse
from console.bitrix.models import PositiveId, RequestModel, ResponseModel, StatusId
from console.bitrix.paging import iter_items

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient

_POSITIVE_ID: TypeAdapter[int] = TypeAdapter(PositiveId)


def validate_id(value: int | str) -> int:
    """A positive integer id; raises ``pydantic.ValidationError`` otherwise."""
    return _POSITIVE_ID.validate_python(value)


class Shipment(ResponseModel):
    id: int
    order_id: int | None = None
    status_id: str | None = None
    delivery_name: str | None = None
    system: str | None = None


class PropertyValue(ResponseModel):
    id: int
    code: str | None = None
    name: str | None = None
    order_id: int | None = None
    order_props_id: int | None = None
    order_props_xml_id: str | None = None
    value: Any = None


class Order(ResponseModel):
    id: int
    account_number: str | None = None
    status_id: str | None = None
    date_update: datetime | None = None
    date_insert: datetime | None = None
    price: Decimal | None = None
    currency: str | None = None
    xml_id: str | None = None
    shipments: list[Shipment] = Field(default_factory=list)
    property_values: list[PropertyValue] = Field(default_factory=list)
    basket_items: list[dict[str, Any]] = Field(default_factory=list)
    payments: list[dict[str, Any]] = Field(default_factory=list)


class OrderStatusChange(RequestModel):
    order_id: PositiveId
    status_id: StatusId


class ShipmentStatusChange(RequestModel):
    shipment_id: PositiveId
    status_id: StatusId


def _unwrap(result: Any, key: str, method: str) -> dict[str, Any]:
    if isinstance(result, dict) and isinstance(result.get(key), dict):
        return dict(result[key])
    raise MalformedResponse(f"no {key} in the answer", method=method)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class OrdersApi:
    """sale.order.get/list/update."""

    def __init__(self, client: BitrixClient) -> None:
        self._client = client

    def get(self, order_id: int | str) -> Order:
        order_id = validate_id(order_id)
        result = self._client.call("sale.order.get", {"id": order_id}).result
        return Order.model_validate(_unwrap(result, "order", "sale.order.get"))

    def iter(
        self,
        *,
        filter: dict[str, Any] | None = None,
        order: dict[str, str] | None = None,
        select: list[str] | None = None,
    ) -> Iterator[Order]:
        """Every order matching ``filter`` (all pages)."""
        params: dict[str, Any] = {"filter": filter or {}, "order": order or {"id": "asc"}}
        if select:
            params["select"] = select
        for item in iter_items(self._client, "sale.order.list", params, key="orders"):
            yield Order.model_validate(item)

    def iter_updated_since(self, since: datetime) -> Iterator[Order]:
        """Orders changed after ``since``, oldest change first (the catch-up poller)."""
        return self.iter(
            filter={">dateUpdate": _iso(since)},
            order={"dateUpdate": "asc", "id": "asc"},
        )

    def set_status(self, order_id: int | str, status_id: str) -> Order:
        """Move an order to another status (sale.order.update ``fields.statusId``)."""
        change = OrderStatusChange(order_id=order_id, status_id=status_id)
        result = self._client.call(
            "sale.order.update",
            {"id": change.order_id, "fields": {"statusId": change.status_id}},
        ).result
        return Order.model_validate(_unwrap(result, "order", "sale.order.update"))


class ShipmentsApi:
    """sale.shipment.update (delivery status)."""

    def __init__(self, client: BitrixClient) -> None:
        self._client = client

    def set_status(self, shipment_id: int | str, status_id: str) -> Shipment:
        change = ShipmentStatusChange(shipment_id=shipment_id, status_id=status_id)
        result = self._client.call(
            "sale.shipment.update",
            {"id": change.shipment_id, "fields": {"statusId": change.status_id}},
        ).result
        return Shipment.model_validate(_unwrap(result, "shipment", "sale.shipment.update"))


class PropertyValuesApi:
    """sale.propertyvalue.get/list."""

    def __init__(self, client: BitrixClient) -> None:
        self._client = client

    def get(self, value_id: int | str) -> PropertyValue:
        value_id = validate_id(value_id)
        result = self._client.call("sale.propertyvalue.get", {"id": value_id}).result
        return PropertyValue.model_validate(
            _unwrap(result, "propertyValue", "sale.propertyvalue.get")
        )

    def list(self, *, order_id: int | str | None = None, **filter: Any) -> list[PropertyValue]:
        """Property values matching ``filter`` (``order_id`` is the usual one)."""
        conditions = dict(filter)
        if order_id is not None:
            conditions["orderId"] = validate_id(order_id)
        params = {
            "select": ["id", "orderId", "code", "name", "orderPropsId", "value"],
            "filter": conditions,
        }
        items = iter_items(self._client, "sale.propertyvalue.list", params, key="propertyValues")
        return [PropertyValue.model_validate(item) for item in items]

    def order_id_for(self, value_id: int | str) -> int | None:
        """The order a property value belongs to (``.get`` does not return it)."""
        found = self.list(id=validate_id(value_id))
        return found[0].order_id if found else None
