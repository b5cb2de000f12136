"""The one-line summary the feed shows for an event, computed from its parsed payload."""

from __future__ import annotations

from typing import Any

from console.store.model import EventSource

# Long customer names or odd payloads must not make one feed cell huge.
MAX_SUMMARY_CHARS = 120


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return " ".join(str(value).split())


def summarize(source: EventSource | str, event: str, payload: Any) -> str:
    """For Horoshop the customer and total; for Bitrix24 the action; for catch-up the status."""
    if not isinstance(payload, dict):
        return ""
    source = EventSource(source)
    parts: list[str]
    if source is EventSource.HOROSHOP:
        total = _text(payload.get("total_sum"))
        currency = _text(payload.get("currency"))
        parts = [
            _text(payload.get("delivery_name")),
            f"{total} {currency}".strip() if total else "",
            _text(payload.get("delivery_city")),
        ]
    elif source is EventSource.CATCH_UP:
        order = payload.get("order")
        order = order if isinstance(order, dict) else {}
        status = _text(order.get("statusId"))
        price = _text(order.get("price"))
        currency = _text(order.get("currency"))
        parts = [
            "changed on the portal, no event received",
            f"status {status}" if status else "",
            f"{price} {currency}".strip() if price else "",
        ]
    else:
        data = payload.get("data")
        fields = data.get("FIELDS") if isinstance(data, dict) else None
        fields = fields if isinstance(fields, dict) else {}
        action = _text(fields.get("ACTION"))
        xml_id = _text(fields.get("XML_ID"))
        if event.upper() == "ONPROPERTYVALUEENTITYSAVED":
            value_id = _text(fields.get("ID"))
            parts = [f"property value {value_id} saved" if value_id else "property value saved"]
        else:
            parts = [action or event.lower(), f"xmlId {xml_id}" if xml_id else ""]
    text = " · ".join(part for part in parts if part)
    return text[:MAX_SUMMARY_CHARS]
