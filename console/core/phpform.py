"""PHP-style bracket keys (``a[b][0]=x``) in both directions.

Bitrix24 posts its outgoing events form-encoded the way PHP's ``http_build_query``
writes them, and its REST endpoints accept the same shape. Every value on the wire
is a string; the parser keeps them as strings and leaves typing to the models.
"""

from __future__ import annotations

from binascii import a2b_qp
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlencode

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
    # Well formed means ``[p1][p2]...[pn]`` after the head with no ``]`` inside any part
    # (a ``[`` inside is allowed): then splitting on ``][`` finds exactly those parts.
    if not rest.endswith("]"):
        return [key]
    parts = rest[:-1].split("][")
    if any("]" in part for part in parts):
        return [key]
    return [head, *parts]


def _listify(node: Any) -> Any:
    """Turn dicts whose keys are exactly 0..n-1 into lists, depth first."""
    if isinstance(node, dict):
        for child_key, child in node.items():
            if isinstance(child, dict):
                node[child_key] = _listify(child)
        # Most dicts are not lists: looking at the first key settles them without a loop.
        if node and next(iter(node)) == "0" and all(k == str(i) for i, k in enumerate(node)):
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
    return _nest(
        ((split_bracket_key(key), value) for key, value in pairs),
        max_depth=max_depth,
        max_keys=max_keys,
    )


def _next_index(node: dict[str, Any]) -> str:
    """``a[]`` appends: the next free index of this level."""
    return str(sum(1 for k in node if k.isdigit()))


def _nest(
    paths: Iterable[tuple[Sequence[str], str]], *, max_depth: int, max_keys: int
) -> dict[str, Any]:
    """:func:`nest_pairs` on keys already split by :func:`split_bracket_key`."""
    root: dict[str, Any] = {}
    for count, (path, value) in enumerate(paths, start=1):
        if count > max_keys:
            raise FormParseError(f"more than {max_keys} keys")
        if len(path) > max_depth:
            raise FormParseError(f"key nests deeper than {max_depth} levels")
        node = root
        *parents, leaf = path
        for part in parents:
            if part == "":
                part = _next_index(node)
            child = node.get(part)
            if not isinstance(child, dict):
                # A later "a[b]" wins over an earlier scalar "a", as in PHP.
                child = {}
                node[part] = child
            node = child
        node[_next_index(node) if leaf == "" else leaf] = value
    # The top level stays a mapping even when every key is a digit.
    return {top_key: _listify(child) for top_key, child in root.items()}


def parse_php_form(
    body: str,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_keys: int = DEFAULT_MAX_KEYS,
) -> dict[str, Any]:
    """Parse an ``application/x-www-form-urlencoded`` body with bracket keys.

    A raw line break cannot be part of a form value (it would be ``%0A``), so trailing ones
    are dropped: ``curl --data-binary @event.form`` sends the file's final newline, which
    would otherwise end up in the last value, usually ``auth[application_token]``.
    """
    body = body.rstrip("\r\n")
    try:
        paths = split_form_pairs(body, max_fields=max_keys + 1)
    except FormParseError:
        raise
    except ValueError as exc:  # bad percent-encoded UTF-8
        raise FormParseError(f"not a valid form body: {exc}") from exc
    return _nest(paths, max_depth=max_depth, max_keys=max_keys)


def split_form_pairs(body: str, *, max_fields: int) -> list[tuple[tuple[str, ...], str]]:
    """The body's ``(key path, value)`` pairs, keys split by :func:`split_bracket_key`.

    Gives the pairs ``urllib.parse.parse_qsl(body, keep_blank_values=True,
    max_num_fields=max_fields, errors="strict")`` gives, and raises the same
    ``UnicodeDecodeError`` for bad percent-encoded UTF-8, but about three times faster:
    parse_qsl was two thirds of the listener's parsing time. Keys repeat from one event to
    the next, so their decoding and splitting is cached; values are decoded only when they
    hold a ``%`` or ``+``. Raises :class:`FormParseError` for more than ``max_fields``
    fields, counted as parse_qsl counts them (empty ones too).
    """
    if not body:
        return []
    if body.count("&") >= max_fields:
        raise FormParseError(f"more than {max_fields - 1} keys")
    pairs: list[tuple[tuple[str, ...], str]] = []
    append = pairs.append
    for piece in body.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        path = _cached_key_path(key) if len(key) <= _CACHED_KEY_CHARS else _key_path(key)
        if "+" in value:
            value = value.replace("+", " ")
        if "%" in value:
            value = _unquote_value(value)
        append((path, value))
    return pairs


def _unquote_value(value: str) -> str:
    """``unquote(value, errors="strict")``, several times faster for the usual value.

    unquote goes through the value one ``%`` at a time in Python: a percent-encoded
    Cyrillic order comment made it most of the parse. Quoted-printable decoding (in C)
    reads ``=XX`` as unquote reads ``%XX``; with no ``=`` or line break of its own in the
    value it differs from unquote only where a ``%`` does not start a valid escape, and
    there every ``%`` then takes out fewer than its two extra characters: the length of
    the result says which case it is. Anything else, and any bad UTF-8 (whose error
    message must be unquote's), goes to unquote itself.
    """
    if value.isascii() and "=" not in value and "\n" not in value and "\r" not in value:
        decoded = a2b_qp(value.replace("%", "="))
        if len(decoded) == len(value) - 2 * value.count("%"):
            try:
                return decoded.decode("utf-8")
            except UnicodeDecodeError:
                pass
    return unquote(value, errors="strict")


# Keys longer than this are decoded every time: the cache holds at most about
# _KEY_CACHE_SIZE * _CACHED_KEY_CHARS characters whatever senders post.
_CACHED_KEY_CHARS = 256
_KEY_CACHE_SIZE = 4096


def _key_path(encoded: str) -> tuple[str, ...]:
    """A form key as sent (``auth%5Bdomain%5D``) to its path (``("auth", "domain")``)."""
    if "+" in encoded:
        encoded = encoded.replace("+", " ")
    key = unquote(encoded, errors="strict") if "%" in encoded else encoded
    return tuple(split_bracket_key(key))


# A pure function of its argument; a failure (bad UTF-8) raises and is not cached.
_cached_key_path = lru_cache(maxsize=_KEY_CACHE_SIZE)(_key_path)


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
