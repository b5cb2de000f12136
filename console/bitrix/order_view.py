"""An order as the inspector shows it: status with name and colour, money, customer,
shipments, basket. Qt-free, so it runs in a worker and is tested without a window.

:func:`fetch_order_view` reads it from the portal for Bitrix24 and catch-up events (a
property-value event is first resolved to its order); :func:`horoshop_order_view`
builds it from a Horoshop payload with no network at all.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from console.bitrix.errors import B24Error
from console.store.model import EventSource, StoredEvent

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient

PROPERTY_VALUE_EVENT = "ONPROPERTYVALUEENTITYSAVED"
# Status names are asked in these languages, first found wins.
# Bitrix24 language ids (lid): Ukrainian is "ua".
_LANGUAGES = ("en", "ua", "ru", "de")


class OrderViewError(Exception):
    """The event names no order that can be shown; ``str()`` says why, in words.

    ``template`` and ``params`` are kept apart so a front end can translate the template.
    """

    def __init__(self, template: str, **params: str) -> None:
        super().__init__(template.format_map(params))
        self.template = template
        self.params = params


class StatusView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    color: str | None = None


class ShipmentView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    delivery: str
    status: StatusView | None = None
    tracking: str = ""
    price: str = ""


class BasketLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    article: str = ""
    quantity: str = ""
    price: str = ""
    total: str = ""


class OrderView(BaseModel):
    """Everything shown in the Entity tab; strings are already formatted for display."""

    model_config = ConfigDict(frozen=True)

    source: EventSource
    order_id: str
    account_number: str | None = None
    status: StatusView | None = None
    total: str = ""
    currency: str = ""
    created: str = ""
    updated: str = ""
    # (name, value) pairs: the customer properties, or Horoshop's delivery fields.
    customer: list[tuple[str, str]] = Field(default_factory=list)
    shipments: list[ShipmentView] = Field(default_factory=list)
    basket: list[BasketLine] = Field(default_factory=list)
    # (what, value): payment systems, Horoshop delivery and payment types.
    extra: list[tuple[str, str]] = Field(default_factory=list)
    # Set when the event was a property value resolved to this order.
    resolved_from: str | None = None


def _money(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    # Plain ("5897.00"): the front end groups and marks it as its language does.
    return f"{number:.2f}"


def _quantity(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return str(number.normalize()) if number == number.to_integral() else str(number)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("title") or value.get("name") or value.get("id") or "")
    return str(value)


def _camel(item: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in item and item[name] not in (None, ""):
            return item[name]
    return None


def status_names(client: BitrixClient, lid: str = "en") -> dict[str, str]:
    """Status id to a display name: the name in language ``lid`` where the portal has one,
    else in the first of the usual languages that has it."""
    preference = [lid, *(code for code in _LANGUAGES if code != lid)]
    by_status: dict[str, dict[str, str]] = {}
    for lang in client.status_langs.list():
        if lang.name:
            by_status.setdefault(lang.status_id, {})[lang.lid] = lang.name
    names: dict[str, str] = {}
    for status_id, named in by_status.items():
        chosen = next((named[code] for code in preference if code in named), None)
        names[status_id] = chosen or next(iter(named.values()))
    return names


def fetch_order_view(
    client: BitrixClient,
    event: StoredEvent,
    *,
    check: Callable[[], None] | None = None,
    lid: str = "en",
) -> OrderView:
    """Read the order ``event`` is about from the portal.

    ``check`` is called between requests (a job's cancel check); status names are in
    language ``lid`` where the portal has them. Raises
    :class:`OrderViewError` when the event names no order, and the client's
    ``B24Error`` subclasses (``OrderNotFound``, ``AccessDenied``, ``NetworkError``...)
    when the portal refuses or cannot be reached.
    """
    if event.source is EventSource.HOROSHOP:
        return horoshop_order_view(event)
    tick = check or (lambda: None)
    resolved_from: str | None = None
    order_id = event.order_id
    if event.event.upper() == PROPERTY_VALUE_EVENT and event.entity_id:
        if order_id is None:
            found = client.property_values.order_id_for(event.entity_id)
            tick()
            if found is None:
                raise OrderViewError(
                    "Property value {id} no longer exists on the portal, "
                    "so its order cannot be found.",
                    id=event.entity_id,
                )
            order_id = str(found)
        resolved_from = event.entity_id
    if not order_id:
        raise OrderViewError("This event names no order.")
    order = client.orders.get(order_id)
    tick()
    statuses = {status.id: status for status in client.statuses.list()}
    tick()
    names = status_names(client, lid)

    def status_view(status_id: str | None) -> StatusView | None:
        if not status_id:
            return None
        status = statuses.get(status_id)
        return StatusView(
            id=status_id,
            name=names.get(status_id) or status_id,
            color=status.color if status is not None else None,
        )

    extra = order.model_extra or {}
    customer = [
        (value.name or value.code or str(value.order_props_id or value.id), _text(value.value))
        for value in order.property_values
    ]
    shipments = [
        ShipmentView(
            id=str(shipment.id),
            delivery=shipment.delivery_name or "",
            status=status_view(shipment.status_id),
            tracking=shipment.tracking_number or "",
            price=_money(shipment.price_delivery),
        )
        for shipment in order.shipments
        if shipment.system not in ("Y", True)
    ]
    basket = [
        BasketLine(
            name=_text(_camel(item, "name", "NAME")),
            # productXmlId is the product's code; a basket item's own xmlId names the line.
            article=_text(_camel(item, "productXmlId", "xmlId", "article")),
            quantity=_quantity(_camel(item, "quantity", "QUANTITY")),
            price=_money(_camel(item, "price", "PRICE")),
            total=_money(
                Decimal(str(_camel(item, "price", "PRICE") or 0))
                * Decimal(str(_camel(item, "quantity", "QUANTITY") or 0))
            ),
        )
        for item in order.basket_items
    ]
    payments = [
        (
            "payment",
            f"{_text(p.get('paySystemName'))} {_money(p.get('sum'))}".strip()
            + (" (paid)" if p.get("paid") == "Y" else ""),
        )
        for p in order.payments
    ]
    return OrderView(
        source=event.source,
        order_id=str(order.id),
        account_number=order.account_number,
        status=status_view(order.status_id),
        total=_money(order.price),
        currency=order.currency or "",
        created=order.date_insert.isoformat(sep=" ", timespec="seconds")
        if order.date_insert
        else "",
        updated=order.date_update.isoformat(sep=" ", timespec="seconds")
        if order.date_update
        else "",
        customer=customer,
        shipments=shipments,
        basket=basket,
        extra=payments
        + ([("comment", str(extra["userDescription"]))] if extra.get("userDescription") else []),
        resolved_from=resolved_from,
    )


def horoshop_order_view(event: StoredEvent) -> OrderView:
    """The order as Horoshop sent it: products, totals, delivery, payment. No network."""
    payload = event.payload
    if not isinstance(payload, dict):
        raise OrderViewError("The Horoshop body was not readable, so there is no order to show.")
    basket = [
        BasketLine(
            name=_text(product.get("title") or product.get("name")),
            article=_text(product.get("article")),
            quantity=_quantity(product.get("quantity", "")),
            price=_money(product.get("price")),
            total=_money(product.get("total_price")),
        )
        for product in payload.get("products") or []
        if isinstance(product, dict)
    ]
    customer = [
        (label, _text(payload.get(key)))
        for key, label in (
            ("delivery_name", "name"),
            ("delivery_email", "email"),
            ("delivery_phone", "phone"),
            ("delivery_city", "city"),
            ("delivery_address", "address"),
            ("comment", "comment"),
        )
        if payload.get(key) not in (None, "")
    ]
    extra: list[tuple[str, str]] = []
    if payload.get("delivery_type") is not None:
        price = _money(payload.get("delivery_price"))
        extra.append(("delivery", f"{_text(payload['delivery_type'])} {price}".strip()))
    if payload.get("payment_type") is not None:
        paid = " (paid)" if payload.get("payed") in (1, "1", True) else ""
        extra.append(("payment", _text(payload["payment_type"]) + paid))
    if payload.get("coupon_code"):
        extra.append(("coupon", _text(payload["coupon_code"])))
    return OrderView(
        source=EventSource.HOROSHOP,
        order_id=_text(payload.get("order_id")) or (event.order_id or ""),
        total=_money(payload.get("total_sum")),
        currency=_text(payload.get("currency")),
        created=_text(payload.get("stat_created")),
        customer=customer,
        basket=basket,
        extra=extra,
    )


def is_portal_error(error: BaseException) -> bool:
    """Errors the portal or the network raised (shown with ``user_message``)."""
    return isinstance(error, B24Error)
