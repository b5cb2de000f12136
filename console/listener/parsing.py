"""Turn a request body into a payload, and a payload into the fields the store indexes.

Bitrix24 posts PHP bracket-key forms (every value a string); the same payload may come
as JSON (replays, tools, tests). Horoshop puts JSON. Every failure is a
:class:`RequestRefused` with the 4xx and one-line reason to answer with.
"""

from __future__ import annotations

import enum
import json
import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from console.core.phpform import FormParseError, parse_php_form
from console.listener.limits import RequestRefused, check_json_shape

FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
UNKNOWN_EVENT = "unknown"
# Event names longer than this are not event names; keep the stored column readable.
_MAX_EVENT_CHARS = 200


class BodyKind(enum.Enum):
    FORM = "form"
    JSON = "json"


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _is_json_type(media: str) -> bool:
    return media in (JSON_TYPE, "text/json") or (
        media.startswith("application/") and media.endswith("+json")
    )


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip()[:1] in (b"{", b"[")


def bitrix_body_kind(content_type: str | None, body: bytes) -> BodyKind:
    """Form or JSON for the Bitrix route; a missing type is sniffed from the first byte."""
    media = _media_type(content_type)
    if media == FORM_TYPE:
        return BodyKind.FORM
    if _is_json_type(media):
        return BodyKind.JSON
    if media in ("", "text/plain", "application/octet-stream"):
        return BodyKind.JSON if _looks_like_json(body) else BodyKind.FORM
    raise RequestRefused(415, f"unsupported content type {media}")


def horoshop_body_kind(content_type: str | None, body: bytes) -> BodyKind:
    """Horoshop sends JSON; its content type is undocumented, so plain text is read as JSON.

    Many PHP HTTP clients label every POST ``application/x-www-form-urlencoded`` whatever
    it holds: a body that is a JSON document is read as one under that label too.
    """
    media = _media_type(content_type)
    if _is_json_type(media) or media in ("", "text/plain", "application/octet-stream"):
        return BodyKind.JSON
    if media == FORM_TYPE and _looks_like_json(body):
        return BodyKind.JSON
    raise RequestRefused(415, f"unsupported content type {media}")


class _NonFinite(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text[:40]


def _refuse_constant(text: str) -> Any:
    """``NaN``, ``Infinity``, ``-Infinity``: Python's JSON reads them, JSON has no such
    thing, and stored they make the payload and every export of it invalid JSON."""
    raise _NonFinite(text)


def _finite_float(text: str) -> float:
    # A literal such as 1e999 overflows to infinity: as non-finite as "Infinity".
    value = float(text)
    if not math.isfinite(value):
        raise _NonFinite(text)
    return value


def decode_body(kind: BodyKind, body: bytes, *, max_depth: int, max_keys: int) -> Any:
    """The parsed payload: a dict for forms, any JSON value for JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestRefused(400, f"body is not valid UTF-8 (byte {exc.start})") from exc
    if kind is BodyKind.FORM:
        try:
            return parse_php_form(text, max_depth=max_depth, max_keys=max_keys)
        except FormParseError as exc:
            raise RequestRefused(400, str(exc)) from exc
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except _NonFinite as exc:
        raise RequestRefused(400, f"body holds a non-finite number ({exc.text})") from None
    except RecursionError as exc:
        raise RequestRefused(400, f"body nests deeper than {max_depth} levels") from exc
    except ValueError as exc:
        raise RequestRefused(400, f"body is not valid JSON: {exc}") from exc
    return check_json_shape(value, max_depth=max_depth, max_keys=max_keys)


def _text(value: Any) -> str | None:
    """An id-like scalar as a string; containers, booleans and blanks are not ids."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, int | float):
        return str(value)
    return None


def _event_name(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:_MAX_EVENT_CHARS]


@dataclass(frozen=True, slots=True)
class BitrixFields:
    """What the listener reads out of a Bitrix24 event payload."""

    event: str | None
    entity_id: str | None
    order_id: str | None
    handler_id: str | None
    ts: str | None
    application_token: str | None
    domain: str | None
    member_id: str | None
    # Why the event is not understood (authentic senders get MALFORMED), or None.
    problem: str | None


def bitrix_fields(payload: Any) -> BitrixFields:
    """Read event name, ids and the ``auth`` block; tolerant of any shape."""
    if not isinstance(payload, dict):
        return BitrixFields(None, None, None, None, None, None, None, None, "body is not an object")
    auth = payload.get("auth")
    if not isinstance(auth, dict):
        auth = {}
    event = _event_name(payload.get("event"))
    handler_id = None
    for key in ("event_handler_id", "event_id", "eventId"):
        handler_id = _text(payload.get(key))
        if handler_id is not None:
            break
    data = payload.get("data")
    fields = data.get("FIELDS") if isinstance(data, dict) else None
    entity_id = _text(fields.get("ID")) if isinstance(fields, dict) else None
    order_id: str | None = None
    problem: str | None = None
    upper = event.upper() if event else None
    if upper is None:
        problem = "no event name"
    elif upper == "ONSALEORDERSAVED":
        order_id = entity_id
        if entity_id is None:
            problem = f"{event} without data[FIELDS][ID]"
    elif upper == "ONPROPERTYVALUEENTITYSAVED":
        # data[FIELDS][ID] is the property value; the order id only if the sender added it.
        if isinstance(fields, dict):
            order_id = _text(fields.get("ORDER_ID")) or _text(fields.get("orderId"))
        if entity_id is None:
            problem = f"{event} without data[FIELDS][ID]"
    return BitrixFields(
        event=event,
        entity_id=entity_id,
        order_id=order_id,
        handler_id=handler_id,
        ts=_text(payload.get("ts")),
        application_token=_text(auth.get("application_token")),
        domain=_text(auth.get("domain")),
        member_id=_text(auth.get("member_id")),
        problem=problem,
    )


_SNIFF_FORM = re.compile(
    rb"(?:^|&)auth(?:%5B|\[)(application_token|domain|member_id)(?:%5D|\])=([^&]*)", re.I
)
_SNIFF_JSON = re.compile(rb'"(application_token|domain|member_id)"\s*:\s*"([^"\\]*)"')


def sniff_bitrix_auth(raw: bytes) -> BitrixFields:
    """Find the ``auth`` values in a body that did not parse, to tell authentic from not.

    A genuine sender whose body broke a limit is stored as MALFORMED, not as a forgery.
    """
    found: dict[str, str] = {}
    for match in _SNIFF_FORM.finditer(raw):
        key = match.group(1).decode("ascii").lower()
        found.setdefault(key, unquote_plus(match.group(2).decode("latin-1"), errors="replace"))
    if not found:
        for match in _SNIFF_JSON.finditer(raw):
            found.setdefault(
                match.group(1).decode("ascii"), match.group(2).decode("utf-8", "replace")
            )
    return BitrixFields(
        event=None,
        entity_id=None,
        order_id=None,
        handler_id=None,
        ts=None,
        application_token=found.get("application_token"),
        domain=found.get("domain"),
        member_id=found.get("member_id"),
        problem="body not parsed",
    )


@dataclass(frozen=True, slots=True)
class HoroshopFields:
    event: str
    order_id: str | None
    problem: str | None


def horoshop_fields(payload: Any) -> HoroshopFields:
    """``order_created`` (or the ``event`` key's value) and the ``order_id``."""
    if not isinstance(payload, dict):
        return HoroshopFields("order_created", None, "JSON body is not an object")
    event = _event_name(payload.get("event")) or "order_created"
    order_id = _text(payload.get("order_id"))
    problem = None if order_id is not None else "no order_id in the body"
    return HoroshopFields(event, order_id, problem)
