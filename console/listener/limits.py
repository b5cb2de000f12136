"""Bounds on what the listener is willing to read, and the errors that say why it refused.

Every refusal carries the HTTP status and a one-line reason, so the route answers the
sender clearly and the stored copy says the same thing the sender was told.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

# What a 429 or 503 asks the sender to wait before trying again, in seconds.
RETRY_AFTER_SECONDS = 30
# Read the body in pieces this large: a lying or absent Content-Length never makes us
# buffer more than the limit plus one chunk.
READ_CHUNK_BYTES = 64 * 1024


class RequestRefused(Exception):
    """The request cannot be accepted; ``status`` is the 4xx to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class BodyTooLarge(RequestRefused):
    def __init__(self, limit: int, kept: bytes = b"") -> None:
        super().__init__(413, f"body larger than {limit} bytes")
        # What was read before giving up: stored (redacted) so the operator can see it.
        self.kept = kept


def refuse_coded_body(request: web.Request) -> None:
    """Raise :class:`RequestRefused` (415) for a body in any coding but identity (and
    chunked framing).

    Neither Bitrix24 nor Horoshop compresses what it sends, and a compressed body defeats
    every limit on the wire: 61 KB of gzip is 63 MB of zeros. The listener never decodes
    one (aiohttp's own decoding is off), so it refuses rather than store the coded bytes,
    whose secrets no scrubber could see.
    """
    for header, plain in (("Content-Encoding", {"identity"}), ("Transfer-Encoding", {"chunked"})):
        codings = [
            coding.strip().lower()
            for value in request.headers.getall(header, [])
            for coding in value.split(",")
            if coding.strip()
        ]
        coded = [coding for coding in codings if coding not in plain]
        if coded:
            named = storable_text(", ".join(coded))[:60]
            raise RequestRefused(
                415, f"compressed bodies are not accepted ({header}: {named}); send it plain"
            )


async def read_bounded_body(request: web.Request, limit: int) -> bytes:
    """Read at most ``limit`` bytes of the body; raise :class:`BodyTooLarge` beyond that.

    The declared Content-Length is checked first so an honest oversize request is
    refused without reading it; any other body (chunked, lying, small) is counted as it
    is read and cut off at the limit, so nothing is ever held beyond it.
    """
    declared = request.content_length
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit)
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(READ_CHUNK_BYTES)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            kept = b"".join(parts) + chunk
            raise BodyTooLarge(limit, kept[:limit])
        parts.append(chunk)
        if size == declared:
            # The whole declared body (aiohttp never hands over more): no wait for EOF.
            return b"".join(parts)


def check_json_shape(value: Any, *, max_depth: int, max_keys: int) -> Any:
    """Enforce the form limits on decoded JSON and return it with every string made storable.

    Containers nest at most ``max_depth`` deep (``{"a": 1}`` is depth 1, as ``a=1`` is for a
    form) and hold at most ``max_keys`` members in total. JSON may carry lone surrogates
    (``"\\ud800"``) that SQLite cannot encode; they are replaced by backslash escapes.
    Iterative, so hostile nesting never reaches the recursion limit.
    """
    keys = 0
    root: list[Any] = [value]
    # Each entry: (container, key in container, value, depth of value's container).
    stack: list[tuple[Any, Any, Any, int]] = [(root, 0, value, 0)]
    while stack:
        parent, slot, node, depth = stack.pop()
        if isinstance(node, str):
            cleaned = storable_text(node)
            if cleaned is not node:
                parent[slot] = cleaned
        elif isinstance(node, dict | list):
            depth += 1
            if depth > max_depth:
                raise RequestRefused(400, f"body nests deeper than {max_depth} levels")
            keys += len(node)
            if keys > max_keys:
                raise RequestRefused(400, f"more than {max_keys} keys")
            if isinstance(node, list):
                stack.extend((node, index, child, depth) for index, child in enumerate(node))
                continue
            if any(storable_text(key) is not key for key in node):
                items = list(node.items())
                node.clear()
                for key, child in items:
                    node[storable_text(key)] = child
            stack.extend((node, key, child, depth) for key, child in node.items())
    return root[0]


def storable_text(text: str) -> str:
    """``text`` unchanged when it is valid Unicode, else with lone surrogates escaped."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def error_response(status: int, reason: str) -> web.Response:
    """The JSON ``{"error": reason}`` every refusal answers with, on one line; a 429 or
    503 says when to try again."""
    # One line, whatever part of the request ended up in it.
    reason = " ".join(reason.split())
    response = web.Response(
        status=status,
        body=json.dumps({"error": reason}).encode("utf-8"),
        content_type="application/json",
    )
    if status in (429, 503):
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if status == 415:
        # RFC 7694: the content codings that would have been accepted.
        response.headers["Accept-Encoding"] = "identity"
    return response
