"""Handlers of the emulated REST methods: validation, errors and result shapes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from console.sandbox import seed, shapes
from console.sandbox.errors import RestError
from console.sandbox.params import (
    check_required,
    field_int,
    int_value,
    require_fields,
    require_int_param,
    require_param,
)
from console.sandbox.query import PAGE_SIZE, Page, UnknownField, run_list
from console.sandbox.state import (
    OWNER_DEAL,
    OWNER_INVOICE,
    OWNER_INVOICE_OLD,
    PORTAL_TZ,
    PortalState,
    iso,
    now,
)

EVENT_ORDER_SAVED = "ONSALEORDERSAVED"
EVENT_PROPERTY_SAVED = "ONPROPERTYVALUEENTITYSAVED"


@dataclass
class CallContext:
    """Who calls and what the handler may touch."""

    state: PortalState
    user_id: int
    admin: bool
    emit: Callable[[str, int], None]


@dataclass
class MethodResult:
    result: Any
    total: int | None = None
    next: int | None = None
    rows: int = 0


Handler = Callable[[CallContext, dict[str, Any]], MethodResult]


@dataclass
class MethodSpec:
    handler: Handler
    write: bool = False
    # sale.* and crm.orderentity.* need an online-store administrator.
    admin_only: bool = False
    names: list[str] = field(default_factory=list)


def _listed(key: str, page: Page) -> MethodResult:
    return MethodResult({key: page.items}, page.total, page.next, len(page.items))


# --------------------------------------------------------------------- statuses
STATUS_KEYS = ("color", "id", "notify", "sort", "type", "xmlId")


def _status_shape(status: dict[str, Any]) -> dict[str, Any]:
    return {k: status.get(k) for k in STATUS_KEYS}


def status_list(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    rows = [_status_shape(s) for s in ctx.state.statuses.values()]
    return _listed("statuses", run_list(rows, params, ctx.state.tz, {"sort": "asc"}))


def _status(ctx: CallContext, status_id: str) -> dict[str, Any]:
    found = ctx.state.statuses.get(status_id)
    if found is None:
        raise RestError("201340400001")
    return found


def status_get(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    status = _status(ctx, str(require_param(params, "id")))
    return MethodResult({"status": _status_shape(status)})


def _apply_status_fields(status: dict[str, Any], fields: dict[str, Any]) -> None:
    if "notify" in fields:
        status["notify"] = "Y" if str(fields["notify"]).upper() in ("Y", "1", "TRUE") else "N"
    if "sort" in fields:
        status["sort"] = int_value(fields["sort"]) or 0
    if "color" in fields:
        status["color"] = str(fields["color"]) or None
    if "xmlId" in fields:
        status["xmlId"] = fields["xmlId"] if fields["xmlId"] not in ("",) else None


def _status_type(fields: dict[str, Any]) -> str:
    if fields.get("type") in (None, ""):
        raise RestError("0", "Required fields: type")
    status_type = str(fields["type"]).upper()
    if status_type not in ("O", "D"):
        raise RestError("201350000003")
    return status_type


def status_add(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    fields = require_fields(params)
    check_required(fields, ["id", "type"])
    status_type = _status_type(fields)
    status_id = str(fields["id"]).strip().upper()
    if not status_id:
        raise RestError("201350000004")
    if len(status_id) > 2:
        raise RestError("201350000005")
    if not status_id.isalnum():
        raise RestError("0", "id must be one or two latin letters")
    if status_id in ctx.state.statuses:
        raise RestError("201350000001")
    status: dict[str, Any] = {
        "id": status_id,
        "type": status_type,
        "sort": 100,
        "notify": "Y",
        "color": None,
        "xmlId": None,
    }
    _apply_status_fields(status, fields)
    ctx.state.statuses[status_id] = status
    return MethodResult({"status": _status_shape(status)})


def status_update(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    status_id = str(require_param(params, "id"))
    fields = require_fields(params, allow_empty=False)
    status = _status(ctx, status_id)
    status_type = _status_type(fields)
    if status_type != status["type"]:
        if status_id in seed.SYSTEM_STATUS_TYPES:
            raise RestError("201350000006")
        if status["type"] == "O" and ctx.state.status_in_use_by_orders(status_id):
            raise RestError("201350000007")
        if status["type"] == "D" and ctx.state.status_in_use_by_shipments(status_id):
            raise RestError("201350000008")
        status["type"] = status_type
    _apply_status_fields(status, fields)
    return MethodResult({"status": _status_shape(status)})


def status_delete(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    status_id = str(require_param(params, "id"))
    _status(ctx, status_id)
    if status_id in seed.SYSTEM_STATUS_TYPES:
        raise RestError("201350000002")
    if ctx.state.status_in_use_by_orders(status_id) or ctx.state.status_in_use_by_shipments(
        status_id
    ):
        raise RestError("0", "you cannot delete a status that is in use")
    del ctx.state.statuses[status_id]
    ctx.state.status_langs = [s for s in ctx.state.status_langs if s["statusId"] != status_id]
    return MethodResult(True)


# ---------------------------------------------------------------- status names
def status_lang_list(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    rows = [dict(s) for s in ctx.state.status_langs]
    return _listed("statusLangs", run_list(rows, params, ctx.state.tz))


def _known_lid(ctx: CallContext, lid: str) -> None:
    if lid not in {lang["lid"] for lang in ctx.state.langs}:
        raise RestError("201750000004")


def status_lang_add(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    fields = require_fields(params)
    check_required(fields, ["statusId", "lid", "name"])
    status_id, lid = str(fields["statusId"]), str(fields["lid"])
    _status(ctx, status_id)
    _known_lid(ctx, lid)
    if any(s["statusId"] == status_id and s["lid"] == lid for s in ctx.state.status_langs):
        raise RestError("201750000003")
    row = {
        "statusId": status_id,
        "lid": lid,
        "name": str(fields["name"]),
        "description": str(fields.get("description") or ""),
    }
    ctx.state.status_langs.append(row)
    return MethodResult({"statusLang": dict(row)})


def status_lang_delete(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    fields = require_fields(params)
    check_required(fields, ["statusId", "lid", "name"])
    status_id, lid = str(fields["statusId"]), str(fields["lid"])
    _known_lid(ctx, lid)
    before = len(ctx.state.status_langs)
    ctx.state.status_langs = [
        s for s in ctx.state.status_langs if not (s["statusId"] == status_id and s["lid"] == lid)
    ]
    if len(ctx.state.status_langs) == before:
        raise RestError("201740400001")
    return MethodResult(True)


def status_lang_langs(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    langs = [dict(lang) for lang in ctx.state.langs]
    return MethodResult({"langs": langs}, total=len(langs), rows=len(langs))


# ---------------------------------------------------------------------- orders
ORDER_WRITABLE = (
    "statusId", "comments", "userDescription", "xmlId", "responsibleId", "reasonCanceled",
    "canceled", "marked", "accountNumber", "reasonMarked", "additionalInfo", "orderTopic",
    "id1c", "version1c", "externalOrder", "recountFlag", "updated1c", "companyId",
    "affiliateId", "price", "discountValue",
)  # fmt: skip
ORDER_INT_FIELDS = ("responsibleId", "companyId", "affiliateId")
ORDER_MONEY_FIELDS = ("price", "discountValue")
ORDER_FLAG_FIELDS = ("externalOrder", "recountFlag", "updated1c")


def _order_value(name: str, value: Any) -> Any:
    if name in ORDER_INT_FIELDS:
        return int_value(value)
    if name in ORDER_MONEY_FIELDS:
        return _price(value)
    if name in ORDER_FLAG_FIELDS:
        return _yes_no(value)
    return value


def order_get(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    order = ctx.state.order(require_int_param(params, "id"), "201240400001")
    return MethodResult({"order": ctx.state.order_full(order)})


def order_list(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    rows = [ctx.state.order_row(o) for o in ctx.state.orders.values()]
    return _listed("orders", run_list(rows, params, ctx.state.tz, {"id": "asc"}))


def _check_status_of_type(ctx: CallContext, status_id: str, wanted: str) -> None:
    status = _status(ctx, status_id)
    if status["type"] != wanted:
        raise RestError("201350000003", f"status {status_id} is not of type {wanted}")


def order_update(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    order_id = require_int_param(params, "id")
    fields = require_fields(params, allow_empty=False)
    order = ctx.state.order(order_id, "200540400001")
    # Every value is read before anything changes: a refused call saves nothing.
    status_id = str(fields["statusId"]) if "statusId" in fields else None
    if status_id is not None:
        _check_status_of_type(ctx, status_id, "O")
    flags = {name: _yes_no(fields[name]) for name in ("canceled", "marked") if name in fields}
    values = {
        name: _order_value(name, fields[name])
        for name in ORDER_WRITABLE
        if name in fields and name not in ("statusId", "canceled", "marked")
    }
    if status_id is not None and status_id != order["statusId"]:
        order["statusId"] = status_id
        order["dateStatus"] = iso(now())
        order["empStatusId"] = ctx.user_id
    for name, flag in flags.items():
        if flag != order[name]:
            order[name] = flag
            stamp = iso(now()) if flag == "Y" else None
            who = ctx.user_id if flag == "Y" else None
            if name == "canceled":
                order["dateCanceled"], order["empCanceledId"] = stamp, who
            else:
                order["dateMarked"], order["empMarkedId"] = stamp, who
    order.update(values)
    ctx.state.touch_order(order)
    ctx.emit(EVENT_ORDER_SAVED, order_id)
    return MethodResult({"order": ctx.state.order_updated(order)})


SHIPMENT_REQUIRED = ["allowDelivery", "deducted", "deliveryId"]
SHIPMENT_TEXT = ("trackingNumber", "comments", "deliveryDocNum", "deliveryDocDate", "xmlId")


def _shipment(ctx: CallContext, shipment_id: int) -> dict[str, Any]:
    found = ctx.state.shipments.get(shipment_id)
    if found is None:
        raise RestError("201140400001")
    return found


def shipment_get(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    shipment = _shipment(ctx, require_int_param(params, "id"))
    return MethodResult({"shipment": ctx.state.shipment_shape(shipment)})


def _yes_no(value: Any) -> str:
    return "Y" if str(value).strip().upper() in ("Y", "1", "TRUE") else "N"


def _portal_date(value: Any, ctx: CallContext) -> str | None:
    """A date field as the portal stores and returns it: in its zone, with the offset."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace(" ", "T", 1))
    except ValueError:
        raise RestError("BX_INVALID_VALUE", f"{value} is not a date") from None
    return iso(parsed if parsed.tzinfo else parsed.replace(tzinfo=ctx.state.tz))


def _price(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RestError("BX_INVALID_VALUE", f"{value!r} is not a number") from None


def shipment_update(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    """As documented: ``allowDelivery``, ``deducted`` and ``deliveryId`` are required; a
    missing ``statusId`` means DN; no price at all sets both prices to 0."""
    shipment_id = require_int_param(params, "id")
    fields = require_fields(params)
    if not fields:
        raise RestError("100", "Could not find value for parameter {fields}")
    shipment = _shipment(ctx, shipment_id)
    check_required(fields, SHIPMENT_REQUIRED)
    status_id = str(fields.get("statusId") or "DN")
    _check_status_of_type(ctx, status_id, "D")
    delivery_id = int_value(fields["deliveryId"])
    delivery_name = seed.DELIVERY_NAMES.get(delivery_id) if delivery_id is not None else None
    if delivery_name is None:
        raise RestError("BX_INVALID_VALUE", "deliveryId is not a delivery service")
    if "basePriceDelivery" in fields:
        base = price = _price(fields["basePriceDelivery"])
    elif "priceDelivery" in fields:
        base = price = _price(fields["priceDelivery"])
    else:
        base = price = 0.0
    if "deliveryDocDate" in fields:
        fields["deliveryDocDate"] = _portal_date(fields["deliveryDocDate"], ctx)
    allow, deducted = _yes_no(fields["allowDelivery"]), _yes_no(fields["deducted"])
    for flag, value, date_key, who_key in (
        ("allowDelivery", allow, "dateAllowDelivery", "empAllowDeliveryId"),
        ("deducted", deducted, "dateDeducted", "empDeductedId"),
    ):
        if shipment[flag] != value:
            shipment[date_key] = iso(now()) if value == "Y" else None
            shipment[who_key] = ctx.user_id if value == "Y" else None
    shipment.update(
        {
            "statusId": status_id,
            "allowDelivery": allow,
            "deducted": deducted,
            "deliveryId": delivery_id,
            "deliveryName": delivery_name,
            "basePriceDelivery": base,
            "priceDelivery": price,
        }
    )
    for name in SHIPMENT_TEXT:
        if name in fields:
            shipment[name] = fields[name]
    if (
        "responsibleId" in fields
        and int_value(fields["responsibleId"]) != shipment["responsibleId"]
    ):
        shipment["responsibleId"] = int_value(fields["responsibleId"])
        shipment["dateResponsibleId"] = iso(now())
        shipment["empResponsibleId"] = ctx.user_id
    ctx.state.touch_order(ctx.state.orders[shipment["orderId"]])
    ctx.emit(EVENT_ORDER_SAVED, shipment["orderId"])
    return MethodResult({"shipment": ctx.state.shipment_shape(shipment)})


# ------------------------------------------------------------- property values
def _value_short(value: dict[str, Any]) -> dict[str, Any]:
    return {k: value[k] for k in ("code", "id", "name", "orderPropsId", "value")}


def property_value_get(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    value = ctx.state.property_values.get(require_int_param(params, "id"))
    if value is None:
        raise RestError("201040400001")
    return MethodResult({"propertyValue": _value_short(value)})


def property_value_list(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    rows = [dict(v) for v in ctx.state.property_values.values()]
    return _listed("propertyValues", run_list(rows, params, ctx.state.tz, {"id": "asc"}))


def property_value_modify(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    """``fields.order{id, propertyValues[{orderPropsId, value}]}``: set an order's values."""
    fields = require_fields(params)
    order_fields = fields.get("order")
    if not isinstance(order_fields, dict):
        raise RestError("0", "Required fields: order")
    check_required(order_fields, ["id"])
    order = ctx.state.orders.get(field_int(order_fields, "id"))
    if order is None:
        raise RestError("0", "Order not found")
    wanted = order_fields.get("propertyValues") or []
    if isinstance(wanted, dict):
        wanted = list(wanted.values())
    changed: list[int] = []
    for entry in wanted:
        props_id = int_value(entry.get("orderPropsId")) if isinstance(entry, dict) else None
        if props_id is None:
            raise RestError("0", "Required fields: orderPropsId")
        for value in ctx.state.property_values.values():
            if value["orderId"] == order["id"] and value["orderPropsId"] == props_id:
                if value["value"] != entry.get("value"):
                    value["value"] = entry.get("value")
                    changed.append(value["id"])
                break
        else:
            raise RestError("201040400001", f"order property {props_id} does not exist")
    if changed:
        ctx.state.touch_order(order)
        for value_id in changed:
            ctx.emit(EVENT_PROPERTY_SAVED, value_id)
        ctx.emit(EVENT_ORDER_SAVED, order["id"])
    values = [
        shapes.pick(v, shapes.PROPERTY_VALUE_FIELDS)
        for v in ctx.state.property_values.values()
        if v["orderId"] == order["id"]
    ]
    return MethodResult({"propertyValues": values})


# ------------------------------------------------------------------ bindings
BINDING_FIELDS = ["orderId", "ownerTypeId", "ownerId"]


def _binding_fields(params: dict[str, Any]) -> tuple[int, int, int]:
    fields = require_fields(params)
    check_required(fields, BINDING_FIELDS)
    return (
        field_int(fields, "orderId"),
        field_int(fields, "ownerTypeId"),
        field_int(fields, "ownerId"),
    )


def binding_add(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    order_id, owner_type, owner_id = _binding_fields(params)
    ctx.state.order(order_id, "200540400001")
    if owner_type not in (OWNER_DEAL, OWNER_INVOICE, OWNER_INVOICE_OLD):
        raise RestError("0", "Binding is only possible to a deal or invoice")
    if not ctx.state.owner_exists(owner_type, owner_id):
        raise RestError("0", f"CRM object {owner_type}:{owner_id} does not exist")
    current = ctx.state.bindings.get(order_id)
    if current == {"orderId": order_id, "ownerTypeId": owner_type, "ownerId": owner_id}:
        # Only the very same triple is a duplicate.
        raise RestError("201650000001")
    # An order has one link: adding another replaces it, without asking (that is the
    # console's job, before it calls add).
    binding = {"orderId": order_id, "ownerId": owner_id, "ownerTypeId": owner_type}
    ctx.state.bindings[order_id] = {
        "orderId": order_id,
        "ownerTypeId": owner_type,
        "ownerId": owner_id,
    }
    return MethodResult({"dealOrder": binding})


def binding_list(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    rows = [
        {"orderId": b["orderId"], "ownerId": b["ownerId"], "ownerTypeId": b["ownerTypeId"]}
        for b in ctx.state.bindings.values()
    ]
    if int_value(params.get("start")) == -1:
        # For this method start=-1 means "everything, uncounted" (documented).
        items = _all_pages(rows, dict(params, start=0), ctx)
        return MethodResult({"orderEntity": items}, 0, None, len(items))
    return _listed("orderEntity", run_list(rows, params, ctx.state.tz, {"ownerId": "asc"}))


def _all_pages(
    rows: list[dict[str, Any]], params: dict[str, Any], ctx: CallContext
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    start = 0
    while True:
        page = run_list(rows, dict(params, start=start), ctx.state.tz, {"ownerId": "asc"})
        items.extend(page.items)
        if page.next is None:
            return items
        start += PAGE_SIZE


def binding_delete(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    order_id, owner_type, owner_id = _binding_fields(params)
    ctx.state.order(order_id, "200540400001")
    current = ctx.state.bindings.get(order_id)
    if current != {"orderId": order_id, "ownerTypeId": owner_type, "ownerId": owner_id}:
        raise RestError("201640400004")
    del ctx.state.bindings[order_id]
    return MethodResult(True)


def binding_fields(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    spec = {"type": "integer", "isRequired": True, "isReadOnly": False, "isImmutable": True}
    return MethodResult({"orderEntity": {name: dict(spec) for name in BINDING_FIELDS}})


# ----------------------------------------------------------------------- deals
def _is_object_or_empty(value: Any) -> bool:
    """A list method's ``filter`` or ``order``: an object, or left out (empty)."""
    return value in (None, "", [], {}) or isinstance(value, dict)


def deal_get(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    deal_id = int_value(params.get("id", params.get("ID")))
    if deal_id is None or deal_id <= 0:
        raise RestError("", "ID is not defined or invalid")
    deal = ctx.state.deals.get(deal_id)
    if deal is None:
        raise RestError("", "Not found")
    return MethodResult(dict(deal))


def deal_list(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    if not _is_object_or_empty(params.get("filter")):
        raise RestError("", "Parameter 'filter' must be array.")
    rows = [dict(d) for d in ctx.state.deals.values()]
    page = run_list(rows, params, ctx.state.tz, {"ID": "asc"})
    return MethodResult(page.items, page.total, page.next, len(page.items))


def _deal_item(deal: dict[str, Any]) -> dict[str, Any]:
    """A deal as crm.item.list shows it (``entityTypeId`` 2): camelCase, numbers as such."""
    return {
        "id": int(deal["ID"]),
        "title": deal["TITLE"],
        "stageId": deal["STAGE_ID"],
        "categoryId": int(deal["CATEGORY_ID"]),
        "opportunity": float(deal["OPPORTUNITY"]),
        "currencyId": deal["CURRENCY_ID"],
        "companyId": int(deal["COMPANY_ID"]),
        "contactId": int(deal["CONTACT_ID"]),
        "assignedById": int(deal["ASSIGNED_BY_ID"]),
        "sourceId": deal["SOURCE_ID"],
        "createdTime": deal["DATE_CREATE"],
        "updatedTime": deal["DATE_MODIFY"],
    }


# The stages' groups: a stage is in progress unless it ends the deal or invoice.
_STAGE_SEMANTICS = {"WON": "S", "LOSE": "F", "DT31_1:P": "S", "DT31_1:D": "F"}
_SEMANTICS_GROUP = {"S": "success", "F": "failure"}
_FINAL_STAGE_COLORS = {"S": "#6FC41A", "F": "#F2554D"}
_STAGE_COLORS = ("#3CA4EC", "#33C2F0", "#5BCCDB", "#4CDDBF", "#F7AD1C")


def _crm_stage_row(
    status_key: int, entity: str, index: int, status_id: str, name: str
) -> dict[str, Any]:
    """One stage as ``crm.status.list`` shows it: numbers as strings, ``EXTRA`` nested."""
    semantics = _STAGE_SEMANTICS.get(status_id)
    color = _FINAL_STAGE_COLORS[semantics] if semantics else _STAGE_COLORS[index % 5]
    system = index == 0 or semantics is not None
    _, _, category = entity.rpartition("_STAGE_")
    return {
        "ID": str(status_key),
        "ENTITY_ID": entity,
        "STATUS_ID": status_id,
        "NAME": name,
        # Only the stages the portal creates itself keep their default name.
        "NAME_INIT": name if system else "",
        "SORT": str(10 * (index + 1)),
        "SYSTEM": "Y" if system else "N",
        # A deal's default pipeline has no category id; other lists carry theirs.
        "CATEGORY_ID": category if category.isdigit() else None,
        "COLOR": color,
        "SEMANTICS": semantics,
        "EXTRA": {"SEMANTICS": _SEMANTICS_GROUP.get(semantics or "", "process"), "COLOR": color},
    }


def crm_status_list(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    """crm.status.list: the CRM's reference lists; here the deal and invoice stages."""
    if not _is_object_or_empty(params.get("filter")) or not _is_object_or_empty(
        params.get("order")
    ):
        raise RestError("Invalid parameters.", "Incorrect parameters passed.")
    stages = (
        (entity, index, status_id, name)
        for entity, names in seed.CRM_STAGE_NAMES.items()
        for index, (status_id, name) in enumerate(names)
    )
    rows = [_crm_stage_row(key, *stage) for key, stage in enumerate(stages, start=1)]
    page = run_list(rows, params, ctx.state.tz, {"SORT": "asc"})
    return MethodResult(page.items, page.total, page.next, len(page.items))


# A contact's fields the sandbox has no data for, at a plain contact's values.
_CONTACT_DEFAULTS: dict[str, Any] = {
    "POST": None, "COMMENTS": None, "HONORIFIC": None, "PHOTO": None, "LEAD_ID": None,
    "SOURCE_DESCRIPTION": None, "COMPANY_ID": None, "BIRTHDATE": None, "EXPORT": "Y",
    "HAS_PHONE": "N", "HAS_EMAIL": "N", "HAS_IMOL": "N", "ORIGINATOR_ID": None,
    "ORIGIN_ID": None, "ORIGIN_VERSION": None, "FACE_ID": None, "ADDRESS": None,
    "ADDRESS_2": None, "ADDRESS_CITY": None, "ADDRESS_POSTAL_CODE": None,
    "ADDRESS_REGION": None, "ADDRESS_PROVINCE": None, "ADDRESS_COUNTRY": None,
    "ADDRESS_LOC_ADDR_ID": None, "UTM_SOURCE": None, "UTM_MEDIUM": None,
    "UTM_CAMPAIGN": None, "UTM_CONTENT": None, "UTM_TERM": None,
}  # fmt: skip
# Contacts are dated from here on, one a day, so a contact's dates follow from its id.
_FIRST_CONTACT_CREATED = datetime(2025, 1, 6, 10, 15, tzinfo=PORTAL_TZ)


def contact_row(contact_id: int) -> dict[str, Any]:
    """The sandbox's contact ``contact_id``: made from its id, so it needs no stored state."""
    first = seed.FIRST_NAMES[contact_id % len(seed.FIRST_NAMES)][0]
    last = seed.LAST_NAMES[(contact_id * 7) % len(seed.LAST_NAMES)][0]
    created = _FIRST_CONTACT_CREATED + timedelta(days=contact_id)
    modified = iso(created + timedelta(hours=contact_id % 24 + 1))
    return {
        "ID": str(contact_id),
        "NAME": first,
        "SECOND_NAME": None,
        "LAST_NAME": last,
        "TYPE_ID": "CLIENT",
        "SOURCE_ID": "STORE",
        "OPENED": "Y",
        "DATE_CREATE": iso(created),
        "DATE_MODIFY": modified,
        "ASSIGNED_BY_ID": "1",
        "CREATED_BY_ID": "1",
        "MODIFY_BY_ID": "1",
        "LAST_ACTIVITY_TIME": modified,
        "LAST_ACTIVITY_BY": "1",
        **_CONTACT_DEFAULTS,
    }


def contact_list(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    """crm.contact.list over the contacts deals and invoices name."""
    for name in ("order", "filter"):
        if not _is_object_or_empty(params.get(name)):
            raise RestError("", f"Parameter '{name}' must be array.")
    rows = [contact_row(n) for n in range(1, seed.CONTACT_COUNT + 1)]
    page = run_list(rows, params, ctx.state.tz, {"ID": "asc"})
    return MethodResult(page.items, page.total, page.next, len(page.items))


def item_list(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    """crm.item.list for the deals (``entityTypeId`` 2) and smart invoices (31)."""
    entity_type = int_value(params.get("entityTypeId"))
    if entity_type is None:
        raise RestError("100", "Could not find value for parameter {entityTypeId}")
    if entity_type == OWNER_INVOICE:
        rows = [dict(i) for i in ctx.state.invoices.values()]
    elif entity_type == OWNER_DEAL:
        rows = [_deal_item(d) for d in ctx.state.deals.values()]
    else:
        raise RestError("NOT_FOUND", "Smart process not found")
    try:
        page = run_list(rows, params, ctx.state.tz, {"id": "asc"})
    except UnknownField as exc:
        raise RestError(
            "INVALID_ARG_VALUE", f"Invalid filter: field '{exc.name}' is not allowed in filter"
        ) from None
    return MethodResult({"items": page.items}, page.total, page.next, len(page.items))


# --------------------------------------------------------------- connection
def _user(ctx: CallContext) -> dict[str, Any]:
    if ctx.admin:
        return {"ID": str(ctx.user_id), "NAME": "Олена", "LAST_NAME": "Коваленко", "ADMIN": True}
    return {"ID": str(ctx.user_id), "NAME": "Тарас", "LAST_NAME": "Мельник", "ADMIN": False}


def profile(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    user = _user(ctx)
    user.update(
        {"PERSONAL_GENDER": "", "PERSONAL_PHOTO": None, "TIME_ZONE": "Europe/Kyiv"}
        | {"TIME_ZONE_OFFSET": 10800}
    )
    return MethodResult(user)


def user_current(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    user = _user(ctx)
    admin = user.pop("ADMIN")
    user.update(
        {
            "ACTIVE": True,
            "EMAIL": "owner@shop.example.ua" if admin else "manager@shop.example.ua",
            "TIME_ZONE": "Europe/Kyiv",
            "UF_DEPARTMENT": [1],
            "USER_TYPE": "employee",
        }
    )
    return MethodResult(user)


def server_time(ctx: CallContext, params: dict[str, Any]) -> MethodResult:
    return MethodResult(iso(now()))


METHODS: dict[str, MethodSpec] = {
    "sale.status.list": MethodSpec(status_list, admin_only=True),
    "sale.status.get": MethodSpec(status_get, admin_only=True),
    "sale.status.add": MethodSpec(status_add, write=True, admin_only=True),
    "sale.status.update": MethodSpec(status_update, write=True, admin_only=True),
    "sale.status.delete": MethodSpec(status_delete, write=True, admin_only=True),
    "sale.statuslang.list": MethodSpec(status_lang_list, admin_only=True),
    "sale.statuslang.add": MethodSpec(status_lang_add, write=True, admin_only=True),
    "sale.statuslang.deletebyfilter": MethodSpec(status_lang_delete, write=True, admin_only=True),
    "sale.statuslang.getlistlangs": MethodSpec(status_lang_langs, admin_only=True),
    "sale.order.get": MethodSpec(order_get, admin_only=True),
    "sale.order.list": MethodSpec(order_list, admin_only=True),
    "sale.order.update": MethodSpec(order_update, write=True, admin_only=True),
    "sale.shipment.get": MethodSpec(shipment_get, admin_only=True),
    "sale.shipment.update": MethodSpec(shipment_update, write=True, admin_only=True),
    "sale.propertyvalue.get": MethodSpec(property_value_get, admin_only=True),
    "sale.propertyvalue.list": MethodSpec(property_value_list, admin_only=True),
    "sale.propertyvalue.modify": MethodSpec(property_value_modify, write=True, admin_only=True),
    "crm.orderentity.add": MethodSpec(binding_add, write=True, admin_only=True),
    "crm.orderentity.list": MethodSpec(binding_list, admin_only=True),
    "crm.orderentity.deletebyfilter": MethodSpec(binding_delete, write=True, admin_only=True),
    "crm.orderentity.getfields": MethodSpec(binding_fields, admin_only=True),
    "crm.deal.get": MethodSpec(deal_get),
    "crm.deal.list": MethodSpec(deal_list),
    "crm.item.list": MethodSpec(item_list),
    "crm.status.list": MethodSpec(crm_status_list),
    "crm.contact.list": MethodSpec(contact_list),
    "profile": MethodSpec(profile),
    "user.current": MethodSpec(user_current),
    "server.time": MethodSpec(server_time),
}
