"""PHP-style bracket keys (``a[b][0]=x``) in both directions.

Bitrix24 posts its outgoing events form-encoded the way PHP's ``http_build_query``
writes them, and its REST endpoints accept the same shape. Every value on the wire
is a string; the parser keeps them as strings and leaves typing to the models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

DEFAULT_MAX_DEPTH = 32
DEFAULT_MAX_KEYS = 2000


class FormParseError(ValueError):
    """The body is not a form the listener or the sandbox is willing to read."""


def split_bracket_key(key: str) -> list[str]:
    """``a[b][]`` -> ``["a", "b", ""]``. A key with unbalanced brackets is kept whole.

    PHP treats a malformed key as a plain name; doing the same keeps odd keys
    inspectable instead of refusing the whole body.
    """
    head, sep, rest = key.partition("[")
    if not sep or not head:
        return [key]
    parts = [head]
    rest = "[" + rest
    while rest:
        if not rest.startswith("["):
            return [key]
        close = rest.find("]")
        if close < 0:
            return [key]
        parts.append(rest[1:close])
        rest = rest[close + 1 :]
    return parts


def _listify(node: Any) -> Any:
    """Turn dicts whose keys are exactly 0..n-1 into lists, depth first."""
    if isinstance(node, dict):
        for child_key, child in node.items():
            node[child_key] = _listify(child)
        keys = list(node)
        if keys and all(k.isdigit() and k == str(i) for i, k in enumerate(keys)):
            return list(node.values())
    return node


def nest_pairs(
    pairs: Iterable[tuple[str, str]],
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_keys: int = DEFAULT_MAX_KEYS,
) -> dict[str, Any]:
    """Build nested dicts and lists from decoded ``(key, value)`` pairs.

    Raises :class:`FormParseError` when a key nests deeper than ``max_depth`` or
    there are more than ``max_keys`` pairs: both are cheap denial-of-service shapes.
    """
    root: dict[str, Any] = {}
    for count, (key, value) in enumerate(pairs, start=1):
        if count > max_keys:
            raise FormParseError(f"more than {max_keys} keys")
        path = split_bracket_key(key)
        if len(path) > max_depth:
            raise FormParseError(f"key nests deeper than {max_depth} levels")
        node = root
        for depth, part in enumerate(path):
            last = depth == len(path) - 1
            if part == "":
                # "a[]" appends: give it the next free index of this level.
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
                break
            child = node.get(part)
            if not isinstance(child, dict):
                # A later "a[b]" wins over an earlier scalar "a", as in PHP.
                child = {}
                node[part] = child
            node = child
    # The top level stays a mapping even when every key is a digit.
    return {top_key: _listify(child) for top_key, child in root.items()}


def parse_php_form(
    body: str,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_keys: int = DEFAULT_MAX_KEYS,
) -> dict[str, Any]:
    """Parse an ``application/x-www-form-urlencoded`` body with bracket keys."""
    try:
        pairs = parse_qsl(
            body,
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=max_keys + 1,
            errors="strict",
        )
    except ValueError as exc:
        if "max_num_fields" in str(exc) or "Max number of fields" in str(exc):
            raise FormParseError(f"more than {max_keys} keys") from exc
        raise FormParseError(f"not a valid form body: {exc}") from exc
    return nest_pairs(pairs, max_depth=max_depth, max_keys=max_keys)


def _scalar(value: Any) -> str:
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


def flatten_php(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """The inverse of :func:`nest_pairs`: nested data to bracket-key pairs.

    ``None`` values are left out, as ``http_build_query`` does.
    """
    pairs: list[tuple[str, str]] = []

    def walk(value: Any, key: str) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for child_key, child in value.items():
                walk(child, f"{key}[{child_key}]" if key else str(child_key))
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            for index, child in enumerate(value):
                walk(child, f"{key}[{index}]")
        else:
            pairs.append((key, _scalar(value)))

    walk(data, prefix)
    return pairs


def encode_php_form(data: Mapping[str, Any]) -> str:
    """Encode nested data as a form body with bracket keys (brackets percent-encoded)."""
    return urlencode(flatten_php(data))
