"""Orders, shipments and order property values (sale.order.*, sale.shipment.*,
sale.propertyvalue.*)."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import Field, TypeAdapter

from console.bitrix.errors import MalformedResponse
from console.bitrix.models import PositiveId, RequestModel, ResponseModel, StatusId
from console.bitrix.paging import PAGE_SIZE, extract_items, iter_items

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
    delivery_id: int | None = None
    delivery_name: str | None = None
    allow_delivery: str | None = None
    deducted: str | None = None
    base_price_delivery: Decimal | None = None
    price_delivery: Decimal | None = None
    currency: str | None = None
    tracking_number: str | None = None
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

    def list_page(
        self,
        *,
        filter: dict[str, Any],
        order: dict[str, str],
        select: list[str] | None = None,
    ) -> list[Order]:
        """One page (up to 50) of ``sale.order.list``, first rows only.

        ``start=-1`` skips the total count, the cheap form for keyset paging: the caller
        moves the filter past the last row instead of asking for the next offset.
        """
        params: dict[str, Any] = {"filter": filter, "order": order, "start": -1}
        if select:
            params["select"] = select
        result = self._client.call("sale.order.list", params).result
        return [Order.model_validate(item) for item in extract_items(result, "orders")]

    def pages_updated_since(
        self,
        since: datetime,
        *,
        after_id: int | None = None,
        select: list[str] | None = None,
    ) -> Iterator[list[Order]]:
        """Pages of orders changed after ``(since, after_id)``, by (dateUpdate, id) ascending.

        ``after_id=None``: only changes after the second ``since``; an id: also the orders
        changed in that second with a higher id. Offset paging would skip orders when one
        of them is saved again mid-read (it moves to the end and every later row shifts
        down a place), so each page starts after the last (time, id) seen: first the rest
        of the orders sharing the cursor's second, then everything newer.
        """
        updated, last_id = since, after_id
        while True:
            same_second: list[Order] = []
            if last_id is not None:
                same_second = self.list_page(
                    filter={"=dateUpdate": _iso(updated), ">id": last_id},
                    order={"id": "asc"},
                    select=select,
                )
            if len(same_second) == PAGE_SIZE:
                # More orders share this second than fit a page: finish them first.
                newer: list[Order] = []
            else:
                newer = self.list_page(
                    filter={">dateUpdate": _iso(updated)},
                    order={"dateUpdate": "asc", "id": "asc"},
                    select=select,
                )
            page = [item for item in same_second + newer if item.date_update is not None]
            if page:
                yield page
            if not page or (len(same_second) < PAGE_SIZE and len(newer) < PAGE_SIZE):
                return
            last = page[-1]
            assert last.date_update is not None
            updated, last_id = last.date_update, last.id

    def iter_updated_since(
        self,
        since: datetime,
        *,
        after_id: int | None = None,
        select: list[str] | None = None,
    ) -> Iterator[Order]:
        """Orders changed after ``since``, oldest change first (see ``pages_updated_since``)."""
        for page in self.pages_updated_since(since, after_id=after_id, select=select):
            yield from page

    def set_status(self, order_id: int | str, status_id: str) -> Order:
        """Move an order to another status (sale.order.update ``fields.statusId``)."""
        change = OrderStatusChange(order_id=order_id, status_id=status_id)
        result = self._client.call(
            "sale.order.update",
            {"id": change.order_id, "fields": {"statusId": change.status_id}},
        ).result
        return Order.model_validate(_unwrap(result, "order", "sale.order.update"))


class ShipmentsApi:
    """sale.shipment.get/update (delivery status)."""

    def __init__(self, client: BitrixClient) -> None:
        self._client = client

    def get(self, shipment_id: int | str) -> Shipment:
        shipment_id = validate_id(shipment_id)
        result = self._client.call("sale.shipment.get", {"id": shipment_id}).result
        return Shipment.model_validate(_unwrap(result, "shipment", "sale.shipment.get"))

    def set_status(
        self, shipment_id: int | str, status_id: str, *, current: Shipment | None = None
    ) -> Shipment:
        """Move a shipment to delivery status ``status_id`` and change nothing else.

        ``sale.shipment.update`` requires ``allowDelivery``, ``deducted`` and
        ``deliveryId``, and sets both delivery prices to 0 when neither is sent, so the
        shipment's current values (read now, or ``current`` when the caller just read
        it) are sent back with the new status.
        """
        change = ShipmentStatusChange(shipment_id=shipment_id, status_id=status_id)
        shipment = current if current is not None else self.get(change.shipment_id)
        result = self._client.call(
            "sale.shipment.update",
            {
                "id": change.shipment_id,
                "fields": shipment_update_fields(shipment, change.status_id),
            },
        ).result
        return Shipment.model_validate(_unwrap(result, "shipment", "sale.shipment.update"))


def shipment_update_fields(shipment: Shipment, status_id: str) -> dict[str, Any]:
    """``fields`` for sale.shipment.update that keep everything of ``shipment`` but the status."""
    if shipment.delivery_id is None or shipment.allow_delivery is None or shipment.deducted is None:
        raise MalformedResponse(
            f"shipment {shipment.id} lacks allowDelivery, deducted or deliveryId",
            method="sale.shipment.get",
        )
    fields: dict[str, Any] = {
        "statusId": status_id,
        "allowDelivery": shipment.allow_delivery,
        "deducted": shipment.deducted,
        "deliveryId": shipment.delivery_id,
    }
    # The portal sets priceDelivery from a given basePriceDelivery (and then ignores a
    # given priceDelivery), so the base price alone keeps both as they are.
    if shipment.base_price_delivery is not None:
        fields["basePriceDelivery"] = float(shipment.base_price_delivery)
    if shipment.price_delivery is not None and shipment.base_price_delivery is None:
        fields["priceDelivery"] = float(shipment.price_delivery)
    return fields


class PropertyValuesApi:
    """sale.propertyvalue.get/list/modify."""

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

    def modify(
        self, order_id: int | str, values: Mapping[int, Any]
    ) -> builtins.list[PropertyValue]:
        """Set an order's property values, keyed by ``orderPropsId``; returns all its values.

        The portal sends ONPROPERTYVALUEENTITYSAVED for each value that changed, then
        ONSALEORDERSAVED for the order.
        """
        order_id = validate_id(order_id)
        entries = [
            {"orderPropsId": validate_id(props_id), "value": value}
            for props_id, value in values.items()
        ]
        params = {"fields": {"order": {"id": order_id, "propertyValues": entries}}}
        result = self._client.call("sale.propertyvalue.modify", params).result
        items = result.get("propertyValues") if isinstance(result, dict) else None
        if not isinstance(items, list):
            raise MalformedResponse(
                "no propertyValues in the answer", method="sale.propertyvalue.modify"
            )
        return [PropertyValue.model_validate(item) for item in items]

    def order_id_for(self, value_id: int | str) -> int | None:
        """The order a property value belongs to (``.get`` does not return it)."""
        found = self.list(id=validate_id(value_id))
        return found[0].order_id if found else None
