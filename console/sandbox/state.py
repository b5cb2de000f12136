"""The portal's in-memory data, seeded deterministically, and the rules that change it."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from console.sandbox import seed, shapes
from console.sandbox.errors import RestError

# Kyiv summer time; a fixed offset keeps the sandbox free of tz database differences.
PORTAL_TZ = timezone(timedelta(hours=3))
ORDER_COUNT = 200
FIRST_ORDER_ID = 101
DEAL_COUNT = 50
INVOICE_COUNT = 5
OWNER_DEAL = 2
OWNER_INVOICE_OLD = 5
OWNER_INVOICE = 31


def iso(moment: datetime) -> str:
    """Portal date format: ``2024-06-25T16:30:51+03:00``."""
    return moment.astimezone(PORTAL_TZ).replace(microsecond=0).isoformat()


def now() -> datetime:
    return datetime.now(UTC)


class PortalState:
    """Statuses, languages, orders, property values, deals, invoices and bindings.

    Handlers run on the server's event loop; tests read from another thread, so every
    change happens under ``lock``.
    """

    def __init__(self, seed_value: int = 1) -> None:
        self.lock = threading.RLock()
        self.tz = PORTAL_TZ
        self.statuses: dict[str, dict[str, Any]] = {str(s["id"]): dict(s) for s in seed.STATUSES}
        self.langs: list[dict[str, str]] = [dict(lang) for lang in seed.LANGS]
        self.status_langs: list[dict[str, Any]] = []
        for status_id, names in seed.STATUS_NAMES.items():
            for lid, (name, description) in names.items():
                self.status_langs.append(
                    {"statusId": status_id, "lid": lid, "name": name, "description": description}
                )
        self.orders: dict[int, dict[str, Any]] = {}
        self.shipments: dict[int, dict[str, Any]] = {}
        self.property_values: dict[int, dict[str, Any]] = {}
        self.deals: dict[int, dict[str, Any]] = {}
        self.invoices: dict[int, dict[str, Any]] = {}
        # One binding per order, keyed by order id, as the platform enforces.
        self.bindings: dict[int, dict[str, int]] = {}
        self._seed(random.Random(seed_value))

    # ------------------------------------------------------------------ seeding
    def _seed(self, rng: random.Random) -> None:
        base = now().replace(second=0, microsecond=0)
        offsets = sorted((rng.uniform(3600, 42 * 86400) for _ in range(ORDER_COUNT)), reverse=True)
        statuses = list(seed.ORDER_STATUS_WEIGHTS)
        weights = list(seed.ORDER_STATUS_WEIGHTS.values())
        basket_id = shipment_id = payment_id = value_id = 1
        for index, offset in enumerate(offsets):
            order_id = FIRST_ORDER_ID + index
            inserted = base - timedelta(seconds=int(offset))
            # Seeded edits stay at least a minute in the past, so an API change made now is
            # always strictly newer than every seeded dateUpdate.
            room = max(0.0, min(5 * 86400.0, offset - 60))
            updated = inserted + timedelta(seconds=int(rng.uniform(0, room)))
            status_id = rng.choices(statuses, weights)[0]
            first, first_latin = rng.choice(seed.FIRST_NAMES)
            last, last_latin = rng.choice(seed.LAST_NAMES)
            city = rng.choice(seed.CITIES)
            items: list[dict[str, Any]] = []
            for product in rng.sample(seed.PRODUCTS, rng.randint(1, 3)):
                name, article, price = product
                quantity = rng.choice((1, 1, 1, 2, 3))
                product_id = 1000 + seed.PRODUCTS.index(product)
                # id, orderId and measureCode are strings in a basket item, as documented.
                item = {
                    "id": str(basket_id),
                    "orderId": str(order_id),
                    "productId": product_id,
                    "productPriceId": product_id,
                    "productXmlId": article,
                    "fuserId": order_id,
                    "name": name,
                    "xmlId": f"bx_basket_{basket_id}",
                    "price": price,
                    "basePrice": price,
                    "quantity": float(quantity),
                    "currency": "UAH",
                    "measureName": "шт",
                    "measureCode": "796",
                    "dateInsert": iso(inserted),
                    "dateUpdate": iso(inserted),
                }
                items.append(shapes.complete(item, shapes.BASKET_ITEM_DEFAULTS))
                basket_id += 1
            total = round(sum(i["price"] * i["quantity"] for i in items), 2)
            delivery_id, delivery_name = rng.choice(seed.DELIVERIES)
            delivery_price = 0.0 if total > 3000 or delivery_id == 5 else 70.0
            paid = status_id in ("P", "S", "F")
            pay_id, pay_name = rng.choice(seed.PAY_SYSTEMS)
            shipment = {
                "id": shipment_id,
                "orderId": order_id,
                "accountNumber": f"{order_id}/{shipment_id}",
                "statusId": seed.SHIPMENT_STATUS_FOR[status_id],
                "deliveryId": delivery_id,
                "deliveryName": delivery_name,
                "priceDelivery": delivery_price,
                "basePriceDelivery": delivery_price,
                "currency": "UAH",
                "allowDelivery": "Y" if paid else "N",
                "deducted": "Y" if status_id in ("S", "F") else "N",
                "trackingNumber": f"2045{rng.randint(10**9, 10**10 - 1)}"
                if status_id in ("S", "F")
                else "",
                "system": "N",
                "dateInsert": iso(inserted),
                "shipmentItems": [
                    {
                        "basketId": int(item["id"]),
                        "dateInsert": iso(inserted),
                        "id": int(item["id"]),
                        "orderDeliveryId": shipment_id,
                        "quantity": item["quantity"],
                        "reservedQuantity": 0,
                        "xmlId": f"bx_item_{item['id']}",
                    }
                    for item in items
                ],
            }
            shapes.complete(shipment, shapes.SHIPMENT_DEFAULTS)
            self.shipments[shipment_id] = shipment
            shipment_id += 1
            payment = {
                "id": payment_id,
                "orderId": order_id,
                "paySystemId": pay_id,
                "paySystemName": pay_name,
                "sum": round(total + delivery_price, 2),
                "currency": "UAH",
                "paid": "Y" if paid else "N",
                "datePaid": iso(inserted + timedelta(hours=2)) if paid else None,
                "accountNumber": f"{order_id}/{payment_id}",
                "dateBill": iso(inserted),
                "paySystemXmlId": f"bx_pay_{pay_id}",
                "xmlId": f"bx_payment_{payment_id}",
            }
            shapes.complete(payment, shapes.PAYMENT_DEFAULTS)
            payment_id += 1
            email = f"{first_latin}.{last_latin}{order_id % 97}@gmail.com"
            operator = rng.choice((50, 63, 66, 67, 68, 73, 93, 96, 97, 98))
            phone = f"+380{operator}{rng.randint(1000000, 9999999)}"
            address = f"{city}, {rng.choice(seed.STREETS)}, {rng.randint(1, 120)}"
            values = {"FIO": f"{first} {last}", "EMAIL": email, "PHONE": phone, "ADDRESS": address}
            for props_id, code, name, props_xml in seed.ORDER_PROPS:
                self.property_values[value_id] = {
                    "id": value_id,
                    "orderId": order_id,
                    "orderPropsId": props_id,
                    "orderPropsXmlId": props_xml,
                    "code": code,
                    "name": name,
                    "value": values[code],
                }
                value_id += 1
            self.orders[order_id] = {
                "id": order_id,
                "accountNumber": str(order_id),
                "lid": "s1",
                "personTypeId": 1,
                "statusId": status_id,
                "dateInsert": iso(inserted),
                "dateUpdate": iso(updated),
                "dateStatus": iso(updated),
                "empStatusId": 1,
                "userId": 1000 + rng.randint(1, 150),
                "responsibleId": 1,
                "price": round(total + delivery_price, 2),
                "discountValue": 0.0,
                "taxValue": 0.0,
                "currency": "UAH",
                "payed": "Y" if paid else "N",
                "canceled": "Y" if status_id == "D" else "N",
                "reasonCanceled": "Клієнт відмовився" if status_id == "D" else "",
                "deducted": "Y" if status_id in ("S", "F") else "N",
                "marked": "N",
                # Orders imported from the Horoshop storefront carry its order number.
                "xmlId": f"horoshop_{order_id + 4000}" if order_id % 5 == 0 else "",
                "comments": "",
                "userDescription": rng.choice(("", "", "Передзвоніть перед доставкою", "")),
                "version": 1,
                "basketItems": items,
                "payments": [payment],
                "shipments": [shipment],
            }
            self._complete_order(self.orders[order_id])
        self._seed_crm(rng, base)

    @staticmethod
    def _complete_order(order: dict[str, Any]) -> None:
        """The documented fields the seed leaves to a fresh store's defaults."""
        order.setdefault("dateCanceled", order["dateStatus"] if order["canceled"] == "Y" else None)
        order.setdefault("empCanceledId", 1 if order["canceled"] == "Y" else None)
        shapes.complete(order, shapes.ORDER_DEFAULTS)
        # The customer's CRM contact (entityTypeId 3), as the order's primary client.
        order.setdefault(
            "clients",
            [
                {
                    "entityId": order["userId"] % 120 + 1,
                    "entityTypeId": 3,
                    "id": order["id"],
                    "isPrimary": "Y",
                    "orderId": order["id"],
                    "roleId": 0,
                    "sort": 0,
                }
            ],
        )
        order.setdefault(
            "requisiteLink",
            {"bankDetailId": 0, "mcBankDetailId": 0, "mcRequisiteId": 0, "requisiteId": 0},
        )
        order.setdefault("tradeBindings", [])

    def _seed_crm(self, rng: random.Random, base: datetime) -> None:
        for deal_id in range(1, DEAL_COUNT + 1):
            created = base - timedelta(seconds=int(rng.uniform(86400, 60 * 86400)))
            first, _ = rng.choice(seed.FIRST_NAMES)
            last, _ = rng.choice(seed.LAST_NAMES)
            stage = rng.choice(seed.DEAL_STAGES)
            self.deals[deal_id] = {
                "ID": str(deal_id),
                "TITLE": f"Замовлення з сайту: {first} {last}",
                "TYPE_ID": "SALE",
                "STAGE_ID": stage,
                "CATEGORY_ID": "0",
                "CURRENCY_ID": "UAH",
                "OPPORTUNITY": f"{rng.choice(seed.PRODUCTS)[2]:.2f}",
                "COMPANY_ID": "0",
                "CONTACT_ID": str(rng.randint(1, 120)),
                "ASSIGNED_BY_ID": "1",
                "CREATED_BY_ID": "1",
                "SOURCE_ID": "WEB",
                "OPENED": "Y",
                "CLOSED": "Y" if stage == "WON" else "N",
                "COMMENTS": None,
                "BEGINDATE": iso(created.replace(hour=0, minute=0)),
                "CLOSEDATE": iso(created + timedelta(days=7)),
                "DATE_CREATE": iso(created),
                "DATE_MODIFY": iso(created + timedelta(hours=rng.randint(1, 48))),
                "ORIGIN_ID": None,
            }
            self._complete_deal(self.deals[deal_id])
        for invoice_id in range(1, INVOICE_COUNT + 1):
            first, _ = rng.choice(seed.FIRST_NAMES)
            last, _ = rng.choice(seed.LAST_NAMES)
            self.invoices[invoice_id] = {
                "id": invoice_id,
                "entityTypeId": OWNER_INVOICE,
                "title": f"Рахунок №{invoice_id}: {first} {last}",
                "stageId": rng.choice(seed.INVOICE_STAGES),
                "opportunity": rng.choice(seed.PRODUCTS)[2],
                "currencyId": "UAH",
                "companyId": 0 if invoice_id % 2 else invoice_id,
                "contactId": rng.randint(1, 120) if invoice_id % 2 else 0,
            }
        order_ids = rng.sample(sorted(self.orders), 33)
        for index, order_id in enumerate(order_ids):
            if index < 30:
                owner = (OWNER_DEAL, rng.randint(1, DEAL_COUNT))
            else:
                owner = (OWNER_INVOICE, rng.randint(1, INVOICE_COUNT))
            self.bindings[order_id] = {
                "orderId": order_id,
                "ownerTypeId": owner[0],
                "ownerId": owner[1],
            }

    @staticmethod
    def _complete_deal(deal: dict[str, Any]) -> None:
        """The documented deal fields the seed leaves to a plain deal's values."""
        stage = deal["STAGE_ID"]
        deal.update(
            {
                "PROBABILITY": None,
                "IS_MANUAL_OPPORTUNITY": "N",
                "TAX_VALUE": "0.00",
                "LEAD_ID": None,
                "QUOTE_ID": None,
                "MODIFY_BY_ID": deal["ASSIGNED_BY_ID"],
                "ADDITIONAL_INFO": None,
                "LOCATION_ID": None,
                "STAGE_SEMANTIC_ID": "S" if stage == "WON" else "P",
                "IS_NEW": "Y" if stage == "NEW" else "N",
                "IS_RECURRING": "N",
                "IS_RETURN_CUSTOMER": "N",
                "IS_REPEATED_APPROACH": "N",
                "SOURCE_DESCRIPTION": None,
                "ORIGINATOR_ID": None,
                "MOVED_BY_ID": deal["ASSIGNED_BY_ID"],
                "MOVED_TIME": deal["DATE_MODIFY"],
                "LAST_ACTIVITY_TIME": deal["DATE_MODIFY"],
                "LAST_ACTIVITY_BY": deal["ASSIGNED_BY_ID"],
                "UTM_SOURCE": None,
                "UTM_MEDIUM": None,
                "UTM_CAMPAIGN": None,
                "UTM_CONTENT": None,
                "UTM_TERM": None,
            }
        )

    # ------------------------------------------------------------------ shapes
    def order_row(self, order: dict[str, Any]) -> dict[str, Any]:
        """The flat fields ``sale.order.list`` returns (no nested collections)."""
        return shapes.pick(order, shapes.ORDER_FIELDS)

    def order_updated(self, order: dict[str, Any]) -> dict[str, Any]:
        """What ``sale.order.update`` answers: the flat fields, clients and requisites."""
        row = self.order_row(order)
        row["clients"] = [shapes.pick(c, shapes.CLIENT_FIELDS) for c in order["clients"]]
        row["requisiteLink"] = dict(order["requisiteLink"])
        return row

    def shipment_shape(self, shipment: dict[str, Any]) -> dict[str, Any]:
        shaped = shapes.pick(shipment, shapes.SHIPMENT_FIELDS)
        shaped["shipmentItems"] = [
            shapes.pick(item, shapes.SHIPMENT_ITEM_FIELDS) for item in shipment["shipmentItems"]
        ]
        return shaped

    def order_full(self, order: dict[str, Any]) -> dict[str, Any]:
        """The full ``sale.order.get`` shape: flat fields plus every related object."""
        full = self.order_updated(order)
        full["basketItems"] = [
            shapes.pick(item, shapes.BASKET_ITEM_FIELDS) for item in order["basketItems"]
        ]
        full["payments"] = [shapes.pick(p, shapes.PAYMENT_FIELDS) for p in order["payments"]]
        full["propertyValues"] = [
            shapes.pick(value, shapes.PROPERTY_VALUE_FIELDS)
            for value in self.property_values.values()
            if value["orderId"] == order["id"]
        ]
        full["shipments"] = [self.shipment_shape(s) for s in order["shipments"]]
        full["tradeBindings"] = [dict(b) for b in order["tradeBindings"]]
        return dict(sorted(full.items()))

    def status_in_use_by_orders(self, status_id: str) -> bool:
        return any(o["statusId"] == status_id for o in self.orders.values())

    def status_in_use_by_shipments(self, status_id: str) -> bool:
        return any(s["statusId"] == status_id for s in self.shipments.values())

    def order(self, order_id: int, missing_code: str) -> dict[str, Any]:
        found = self.orders.get(order_id)
        if found is None:
            raise RestError(missing_code)
        return found

    def touch_order(self, order: dict[str, Any]) -> None:
        """Saving an order bumps ``dateUpdate`` (what incremental polling keys on)."""
        order["dateUpdate"] = iso(now())
        order["version"] = int(order.get("version", 1)) + 1

    def owner_exists(self, owner_type: int, owner_id: int) -> bool:
        if owner_type == OWNER_DEAL:
            return owner_id in self.deals
        if owner_type in (OWNER_INVOICE, OWNER_INVOICE_OLD):
            return owner_id in self.invoices
        return False
