"""Order lookup for the forms, and moving an order or one of its shipments to a status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from console.bitrix.orders import Order, Shipment, validate_id
from console.bitrix.statuses import Status, validate_status_id
from console.operations.base import (
    ChangeResult,
    ChangeSpec,
    InvalidInput,
    OperationContext,
    read,
    send_change,
)
from console.store.model import ChangeKind

# Property codes that hold the customer's name on a typical store, most specific first.
_NAME_CODES = ("FIO", "NAME", "CONTACT_PERSON", "COMPANY")


@dataclass(frozen=True)
class StatusChoice:
    """A status as a picker shows it: id, name in the chosen language, colour."""

    id: str
    name: str
    color: str | None


@dataclass(frozen=True)
class ShipmentSummary:
    id: int
    delivery: str
    status: StatusChoice | None


@dataclass(frozen=True)
class OrderSummary:
    """What the order lookup shows: number, date, sum, status, customer, shipments."""

    id: int
    number: str
    created: datetime | None
    total: Decimal | None
    currency: str
    status: StatusChoice | None
    customer: str
    shipments: list[ShipmentSummary] = field(default_factory=list)


@dataclass(frozen=True)
class StatusChoices:
    order: list[StatusChoice]
    delivery: list[StatusChoice]

    def find(self, status_id: str | None) -> StatusChoice | None:
        if not status_id:
            return None
        for choice in (*self.order, *self.delivery):
            if choice.id == status_id:
                return choice
        return StatusChoice(status_id, status_id, None)


def status_choices(ctx: OperationContext, lang: str) -> StatusChoices:
    """Order and delivery statuses in the portal's order, named in ``lang`` where the
    portal has that name, else in English, else in any language, else by id."""
    client = ctx.client
    statuses: list[Status] = read(lambda: client.statuses.list())
    langs = read(lambda: client.status_langs.list())
    names: dict[str, dict[str, str]] = {}
    for item in langs:
        if item.name:
            names.setdefault(item.status_id, {})[item.lid] = item.name

    def choice(status: Status) -> StatusChoice:
        named = names.get(status.id, {})
        name = named.get(lang) or named.get("en") or next(iter(named.values()), status.id)
        return StatusChoice(status.id, name, status.color)

    return StatusChoices(
        order=[choice(s) for s in statuses if s.type == "O"],
        delivery=[choice(s) for s in statuses if s.type == "D"],
    )


def customer_name(order: Order) -> str:
    """The customer's name from the order's property values ('' when there is none)."""
    by_code = {(value.code or "").upper(): value for value in order.property_values}
    for code in _NAME_CODES:
        value = by_code.get(code)
        if value is not None and value.value not in (None, ""):
            return str(value.value)
    return ""


def summarize_order(order: Order, choices: StatusChoices) -> OrderSummary:
    return OrderSummary(
        id=order.id,
        number=order.account_number or str(order.id),
        created=order.date_insert,
        total=order.price,
        currency=order.currency or "",
        status=choices.find(order.status_id),
        customer=customer_name(order),
        shipments=[
            ShipmentSummary(s.id, s.delivery_name or "", choices.find(s.status_id))
            for s in order.shipments
            if s.system not in ("Y", True)
        ],
    )


def lookup_order(
    ctx: OperationContext, order_id: int | str, *, lang: str = "en"
) -> tuple[OrderSummary, StatusChoices]:
    """The order as the forms show it, and the statuses to pick from."""
    try:
        checked = validate_id(order_id)
    except ValueError:
        raise InvalidInput({"order_id": "A positive whole number."}) from None
    client = ctx.client
    order = read(lambda: client.orders.get(checked))
    choices = status_choices(ctx, lang)
    return summarize_order(order, choices), choices


def _status_id(status_id: str) -> str:
    try:
        return validate_status_id(status_id)
    except ValueError:
        raise InvalidInput({"status_id": "One or two Latin letters or digits."}) from None


def change_order_status(
    ctx: OperationContext, order_id: int, status_id: str, *, before: str | None = None
) -> ChangeResult[Order]:
    """Move an order to ``status_id`` (``sale.order.update``). ``before`` is the status
    the form showed; without it the order is read first for the change log."""
    status_id = _status_id(status_id)
    client = ctx.client
    if before is None:
        before = read(lambda: client.orders.get(order_id)).status_id
    spec = ChangeSpec(
        kind=ChangeKind.ORDER_STATUS,
        action="set",
        order_id=str(order_id),
        entity_id=str(order_id),
        before={"statusId": before},
        after={"statusId": status_id},
        summary=f"order {order_id}: status {before or '?'} → {status_id}",
    )
    return send_change(
        ctx,
        spec,
        lambda: client.orders.set_status(order_id, status_id),
        reread=lambda: client.orders.get(order_id),
        after=lambda order: {"statusId": order.status_id},
    )


def change_delivery_status(
    ctx: OperationContext, order_id: int, shipment_id: int, status_id: str
) -> ChangeResult[Shipment]:
    """Move one of the order's shipments to delivery status ``status_id``.

    The shipment is read first: it must belong to the order, and its required fields and
    prices are sent back unchanged (see :meth:`ShipmentsApi.set_status`).
    """
    status_id = _status_id(status_id)
    client = ctx.client
    current = read(lambda: client.shipments.get(shipment_id))
    if current.order_id is not None and current.order_id != order_id:
        raise InvalidInput(
            {"shipment_id": f"Shipment {shipment_id} belongs to order {current.order_id}."}
        )
    spec = ChangeSpec(
        kind=ChangeKind.DELIVERY_STATUS,
        action="set",
        order_id=str(order_id),
        entity_id=str(shipment_id),
        before={"statusId": current.status_id},
        after={"statusId": status_id},
        summary=(
            f"order {order_id}, shipment {shipment_id}: delivery status "
            f"{current.status_id or '?'} → {status_id}"
        ),
    )
    return send_change(
        ctx,
        spec,
        lambda: client.shipments.set_status(shipment_id, status_id, current=current),
        reread=lambda: client.shipments.get(shipment_id),
        after=lambda shipment: {"statusId": shipment.status_id},
    )
