"""Walking list methods: ``start``/``next`` pages and keyset paging for large lists."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from console.bitrix.errors import MalformedResponse

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient

PAGE_SIZE = 50


def extract_items(result: Any, key: str | None, method: str = "") -> list[Any]:
    """The list inside ``result``: under ``key`` for sale/orderentity, flat for crm.deal.

    PHP sends an empty list as ``[]`` even where an object is expected, so a missing
    key in an empty result is an empty page, not an error.
    """
    if key is not None and isinstance(result, Mapping):
        result = result.get(key, [])
    if result is None or result == {}:
        return []
    if isinstance(result, list):
        return result
    if isinstance(result, Mapping):
        return list(result.values())
    raise MalformedResponse(f"expected a list under {key or 'result'}", method=method)


def iter_pages(
    client: BitrixClient,
    method: str,
    params: Mapping[str, Any] | None = None,
    *,
    key: str | None = None,
    max_pages: int | None = None,
) -> Iterator[list[Any]]:
    """Yield each page of ``method``, following ``next`` until the portal stops sending it."""
    body = dict(params or {})
    start = int(body.pop("start", 0) or 0)
    pages = 0
    while True:
        response = client.call(method, {**body, "start": start})
        yield extract_items(response.result, key, method)
        pages += 1
        if response.next is None or response.next <= start:
            return
        if max_pages is not None and pages >= max_pages:
            return
        start = response.next


def iter_items(
    client: BitrixClient,
    method: str,
    params: Mapping[str, Any] | None = None,
    *,
    key: str | None = None,
) -> Iterator[Any]:
    """Every item of every page."""
    for page in iter_pages(client, method, params, key=key):
        yield from page


def iter_keyset(
    client: BitrixClient,
    method: str,
    params: Mapping[str, Any] | None = None,
    *,
    key: str | None = None,
    id_field: str = "ID",
) -> Iterator[Any]:
    """Every item, ordered by ``id_field`` and fetched with ``>id`` filters and ``start=-1``.

    With ``start=-1`` the portal skips counting the total, which is what makes offset
    paging slow on big tables; the last id of each page starts the next one.
    """
    body = dict(params or {})
    base_filter = dict(body.pop("filter", None) or {})
    body.pop("start", None)
    body["order"] = {id_field: "ASC"}
    last_id: int | None = None
    while True:
        page_filter = dict(base_filter)
        if last_id is not None:
            page_filter[f">{id_field}"] = last_id
        response = client.call(method, {**body, "filter": page_filter, "start": -1})
        items = extract_items(response.result, key, method)
        yield from items
        if len(items) < PAGE_SIZE:
            return
        tail = items[-1]
        try:
            last_id = int(tail[id_field])
        except (KeyError, TypeError, ValueError):
            raise MalformedResponse(f"list item without {id_field}", method=method) from None
