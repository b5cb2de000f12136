"""The documented field sets of the sale objects the sandbox returns.

Each tuple lists the keys a portal's answer carries for that object, so an answer the
sandbox builds has exactly those keys (no fewer, none of its own). The ``*_DEFAULTS``
give the value a fresh store has where the seed says nothing: empty text, ``"N"`` flags,
``null`` dates and people. What works against these shapes works against a portal.
"""

from __future__ import annotations

from typing import Any

# sale.order.list: the flat order fields (no collections).
ORDER_FIELDS = (
    "accountNumber", "additionalInfo", "affiliateId", "canceled", "comments", "companyId",
    "currency", "dateCanceled", "dateInsert", "dateLock", "dateMarked", "dateStatus",
    "dateUpdate", "deducted", "discountValue", "empCanceledId", "empMarkedId", "empStatusId",
    "externalOrder", "id", "id1c", "lid", "lockedBy", "marked", "orderTopic", "payed",
    "personTypeId", "personTypeXmlId", "price", "reasonCanceled", "reasonMarked",
    "recountFlag", "recurringId", "responsibleId", "statusId", "statusXmlId", "taxValue",
    "updated1c", "userDescription", "userId", "version", "version1c", "xmlId",
)  # fmt: skip
ORDER_DEFAULTS: dict[str, Any] = {
    "additionalInfo": "", "affiliateId": None, "companyId": 0, "dateCanceled": None,
    "dateLock": None, "dateMarked": None, "empCanceledId": None, "empMarkedId": None,
    "externalOrder": "N", "id1c": "", "lockedBy": "", "orderTopic": "",
    "personTypeXmlId": "", "reasonMarked": "", "recountFlag": "Y", "recurringId": "",
    "statusXmlId": "", "updated1c": "N", "version1c": "",
}  # fmt: skip
BASKET_ITEM_FIELDS = (
    "barcodeMulti", "basePrice", "canBuy", "catalogXmlId", "currency", "customPrice",
    "dateInsert", "dateRefresh", "dateUpdate", "detailPageUrl", "dimensions",
    "discountCoupon", "discountName", "discountPrice", "discountValue", "fuserId", "id", "lid",
    "measureCode", "measureName", "module", "name", "notes", "orderId", "price",
    "priceTypeId", "productId", "productPriceId", "productProviderClass", "productXmlId",
    "properties", "quantity", "recommendation", "reservations", "setParentId", "sort",
    "subscribe", "type", "vatIncluded", "vatRate", "weight", "xmlId",
)  # fmt: skip
BASKET_ITEM_DEFAULTS: dict[str, Any] = {
    "barcodeMulti": "N", "canBuy": "Y", "catalogXmlId": "", "customPrice": "N",
    "dateRefresh": None, "detailPageUrl": "",
    "dimensions": 'a:3:{s:5:"WIDTH";N;s:6:"HEIGHT";N;s:6:"LENGTH";N;}',
    "discountCoupon": "", "discountName": "", "discountPrice": 0, "discountValue": "",
    "lid": "s1", "module": "catalog", "notes": "BASE", "priceTypeId": 1,
    "productProviderClass": "\\Bitrix\\Catalog\\Product\\CatalogProvider", "properties": [],
    "recommendation": "", "reservations": [], "setParentId": "", "sort": 100,
    "subscribe": "N", "type": "", "vatIncluded": "Y", "vatRate": 0, "weight": 0,
}  # fmt: skip

CLIENT_FIELDS = ("entityId", "entityTypeId", "id", "isPrimary", "orderId", "roleId", "sort")

PAYMENT_FIELDS = (
    "accountNumber", "comments", "companyId", "currency", "dateBill", "dateMarked",
    "datePaid", "datePayBefore", "dateResponsibleId", "empMarkedId", "empPaidId",
    "empResponsibleId", "empReturnId", "externalPayment", "id", "id1c", "isReturn", "marked",
    "orderId", "paid", "payReturnComment", "payReturnDate", "payReturnNum", "paySystemId",
    "paySystemIsCash", "paySystemName", "paySystemXmlId", "payVoucherDate", "payVoucherNum",
    "priceCod", "psCurrency", "psInvoiceId", "psResponseDate", "psStatus", "psStatusCode",
    "psStatusDescription", "psStatusMessage", "psSum", "reasonMarked", "responsibleId", "sum",
    "updated1c", "version1c", "xmlId",
)  # fmt: skip
PAYMENT_DEFAULTS: dict[str, Any] = {
    "comments": "", "companyId": 0, "dateMarked": None, "datePayBefore": None,
    "dateResponsibleId": None, "empMarkedId": None, "empPaidId": None,
    "empResponsibleId": None, "empReturnId": None, "externalPayment": "N", "id1c": "",
    "isReturn": "N", "marked": "N", "payReturnComment": "", "payReturnDate": None,
    "payReturnNum": "", "paySystemIsCash": "N", "payVoucherDate": None, "payVoucherNum": "",
    "priceCod": "0", "psCurrency": "", "psInvoiceId": None, "psResponseDate": None,
    "psStatus": "", "psStatusCode": "", "psStatusDescription": "", "psStatusMessage": "",
    "psSum": None, "reasonMarked": "", "responsibleId": None, "updated1c": "N",
    "version1c": "",
}  # fmt: skip

SHIPMENT_FIELDS = (
    "accountNumber", "allowDelivery", "basePriceDelivery", "canceled", "comments", "companyId",
    "currency", "customPriceDelivery", "dateAllowDelivery", "dateCanceled", "dateDeducted",
    "dateInsert", "dateMarked", "dateResponsibleId", "deducted", "deliveryDocDate",
    "deliveryDocNum", "deliveryId", "deliveryName", "deliveryXmlId", "discountPrice",
    "empAllowDeliveryId", "empCanceledId", "empDeductedId", "empMarkedId", "empResponsibleId",
    "externalDelivery", "id", "id1c", "marked", "orderId", "priceDelivery", "reasonMarked",
    "reasonUndoDeducted", "responsibleId", "shipmentItems", "statusId", "statusXmlId", "system",
    "trackingDescription", "trackingLastCheck", "trackingNumber", "trackingStatus", "updated1c",
    "version1c", "xmlId",
)  # fmt: skip
SHIPMENT_DEFAULTS: dict[str, Any] = {
    "canceled": "N", "comments": "", "companyId": 0, "customPriceDelivery": "N",
    "dateAllowDelivery": None, "dateCanceled": None, "dateDeducted": None, "dateMarked": None,
    "dateResponsibleId": None, "deliveryDocDate": None, "deliveryDocNum": "",
    "deliveryXmlId": "", "discountPrice": 0, "empAllowDeliveryId": None,
    "empCanceledId": None, "empDeductedId": None, "empMarkedId": None,
    "empResponsibleId": None, "externalDelivery": "N", "id1c": "", "marked": "N",
    "reasonMarked": "", "reasonUndoDeducted": "", "responsibleId": None, "shipmentItems": [],
    "statusXmlId": "", "trackingDescription": "", "trackingLastCheck": "",
    "trackingStatus": "", "updated1c": "N", "version1c": "", "xmlId": "",
}  # fmt: skip
SHIPMENT_ITEM_FIELDS = (
    "basketId", "dateInsert", "id", "orderDeliveryId", "quantity", "reservedQuantity", "xmlId",
)  # fmt: skip

PROPERTY_VALUE_FIELDS = ("code", "id", "name", "orderPropsId", "orderPropsXmlId", "value")


def complete(record: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Give ``record`` every default it lacks (lists copied, so records never share one)."""
    for key, value in defaults.items():
        if key not in record:
            record[key] = list(value) if isinstance(value, list) else value
    return record


def pick(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The documented keys of ``record``, in the documented order (a missing one is null)."""
    return {key: _copied(record.get(key)) for key in fields}


def _copied(value: Any) -> Any:
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    if isinstance(value, dict):
        return dict(value)
    return value
