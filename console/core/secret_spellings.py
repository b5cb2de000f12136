"""Known secret values found in any of the spellings text may hold them in.

A secret rarely stays in the form it was typed in: a URL percent-encodes it (in either
case, sometimes twice), a form body writes its spaces as ``+``, JSON may escape every
non-ASCII letter as ``\\uXXXX``, and a Python ``repr`` of bytes writes them as ``\\xNN``.
Masking only the literal spelling leaves the others readable to anyone with the log,
the store or a screenshot of the crash dialog. This one search serves all of them: the
listener's scrubber (secrets to fingerprints before an event is stored) and the log and
crash-dialog redaction (secrets to a mask).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# The listener replaces secrets by value only from this length: it rewrites what is
# stored, and a short value would match all over ordinary bodies. Real tokens are 32.
MIN_SCRUBBED_SECRET_CHARS = 8

_JSON_SHORT_ESCAPES = {
    '"': b'\\\\"',
    "\\": b"\\\\\\\\",
    "/": b"\\\\/",
    "\b": b"\\\\b",
    "\f": b"\\\\f",
    "\n": b"\\\\n",
    "\r": b"\\\\r",
    "\t": b"\\\\t",
}


def _hex_byte(value: int) -> bytes:
    """``value`` as two hex digits (the patterns are compiled to ignore case)."""
    return f"{value:02x}".encode("ascii")


def _escaped_units(char: str) -> list[bytes]:
    """``\\uXXXX`` of ``char`` (a surrogate pair above the BMP), as JSON and Python write it."""
    code = ord(char)
    units = (
        [code] if code < 0x10000 else [0xD800 + ((code - 0x10000) >> 10), 0xDC00 + (code & 0x3FF)]
    )
    return [b"".join(rb"\\u" + _hex_byte(unit >> 8) + _hex_byte(unit & 0xFF) for unit in units)]


def _python_escapes(char: str, encoded: bytes) -> list[bytes]:
    """How a Python ``repr`` writes ``char``: of its UTF-8 bytes (``b'\\xd0\\xba'``) and,
    for ``ascii()``/``repr`` of text, ``\\xNN`` and ``\\U0001XXXX``."""
    escapes: list[bytes] = []
    if any(byte >= 0x7F or byte < 0x20 for byte in encoded):
        escapes.append(b"".join(rb"\\x" + _hex_byte(byte) for byte in encoded))
    code = ord(char)
    if 0x7F <= code < 0x100 and len(encoded) > 1:
        escapes.append(rb"\\x" + _hex_byte(code))
    elif code >= 0x10000:
        escapes.append(
            rb"\\U" + b"".join(_hex_byte(code >> shift & 0xFF) for shift in (24, 16, 8, 0))
        )
    if char == "'":
        escapes.append(rb"\\'")
    return escapes


def char_pattern(char: str) -> bytes:
    """Every common spelling of one character, as a regex over UTF-8: itself,
    percent-encoded (also more than once: ``%2541``), ``+`` for a space, JSON's and
    Python's escapes."""
    return b"(?:" + b"|".join(_char_options(char)) + b")"


def _char_options(char: str) -> list[bytes]:
    """The alternatives of :func:`char_pattern`, distinct; the literal spelling first."""
    encoded = char.encode("utf-8", "surrogatepass")
    options = [re.escape(encoded)]
    options.append(b"".join(rb"%(?:25)*" + _hex_byte(byte) for byte in encoded))
    if char == " ":
        options.append(rb"\+")
    options.extend(_escaped_units(char))
    short = _JSON_SHORT_ESCAPES.get(char)
    if short is not None:
        options.append(short)
    options.extend(_python_escapes(char, encoded))
    return list(dict.fromkeys(options))


def _hex_choice(values: Iterable[int]) -> bytes:
    """A regex for any of ``values`` (bytes) as two hex digits, grouped by the first digit so
    that the search tries a handful of branches at a ``%``, not one per value."""
    by_high: dict[int, set[int]] = {}
    for value in values:
        by_high.setdefault(value >> 4, set()).add(value & 0xF)
    branches = [
        f"{high:x}[{''.join(f'{low:x}' for low in sorted(lows))}]".encode("ascii")
        for high, lows in sorted(by_high.items())
    ]
    return b"(?:" + b"|".join(branches) + b")"


def _escape_starts(chars: Iterable[str]) -> bytes | None:
    """A regex that finds the start of every spelling but the literal one, of each of
    ``chars``, as :func:`_char_options` writes them (compile with IGNORECASE, as those are).

    Each escape is cut to its first unit (the first byte's ``%XX``, the first ``\\uXXXX``):
    any text holding the whole escape holds that.
    """
    first_bytes: set[int] = set()
    units: set[bytes] = set()
    others: list[bytes] = []
    for char in chars:
        encoded = char.encode("utf-8", "surrogatepass")
        first_bytes.add(encoded[0])
        units.update(_escaped_units(char)[0].split(rb"\\u")[1:2])
        if char == " ":
            others.append(rb"\+")
        short = _JSON_SHORT_ESCAPES.get(char)
        if short is not None:
            others.append(short)
        others.extend(_python_escapes(char, encoded))
    if not first_bytes:
        return None
    branches = [rb"%(?:25)*" + _hex_choice(first_bytes)]
    branches.append(rb"\\u(?:" + b"|".join(sorted(units)) + b")")
    branches.extend(dict.fromkeys(others))
    return b"|".join(branches)


class SecretSpellings:
    """A search for a set of secret values in every spelling of :func:`char_pattern`.

    Case-insensitive: a token with its letters re-cased is still the token to anyone who
    reads it, and percent-encoding may be written in either case. Values shorter than
    ``min_chars`` are left out.
    """

    def __init__(self, secrets: Iterable[str], *, min_chars: int) -> None:
        # Longest first: when one secret contains another, the longer one is replaced whole.
        self.secrets: list[str] = sorted(
            {value for value in secrets if len(value) >= min_chars}, key=len, reverse=True
        )
        self.pattern: re.Pattern[bytes] | None = None
        if self.secrets:
            groups = (
                b"(" + b"".join(char_pattern(char) for char in value) + b")"
                for value in self.secrets
            )
            self.pattern = re.compile(b"|".join(groups), re.IGNORECASE)
        # The prefilter (see may_match). Case folding: the pattern is over bytes, where
        # IGNORECASE folds ASCII letters only, as bytes.lower() does.
        self._literals = [value.encode("utf-8", "surrogatepass").lower() for value in self.secrets]
        chars = {char for value in self.secrets for char in value}
        escapes = _escape_starts(chars)
        self._escape = re.compile(escapes, re.IGNORECASE) if escapes else None
        # The escapes' first bytes without the search's costlier parts, over lowered data:
        # a %XX with a first byte of one of the characters, or %25 (percent-encoded again).
        first_bytes = {char.encode("utf-8", "surrogatepass")[0] for char in chars} | {0x25}
        self._percent = re.compile(b"%" + _hex_choice(first_bytes))
        self._plus = " " in chars

    def __bool__(self) -> bool:
        return self.pattern is not None

    def may_match(self, data: bytes) -> bool:
        """False only when :attr:`pattern` surely finds nothing in ``data``; much cheaper.

        The pattern spells each character of a secret either literally or as one of its
        escapes. A match that spells every character literally is the secret itself up to
        ASCII case, which a plain substring search of the lowered data finds; any other
        match holds at least one escape of one of the secrets' characters, which one
        search for all of those escapes finds (at any place: it only has to be somewhere).
        Ordinary text holds neither, so the full case-insensitive search, tried at every
        position, runs only for the rare data that does. Every escape starts with ``%``,
        ``\\`` or (a space) ``+``; a body of percent-encoded Cyrillic has a ``%`` every
        three bytes, so a quick look at those comes first.
        """
        if self.pattern is None or self._escape is None or not data:
            return False
        lowered = data.lower()
        if any(literal in lowered for literal in self._literals):
            return True
        if (
            self._percent.search(lowered) is None
            and b"\\" not in data
            and not (self._plus and b"+" in data)
        ):
            return False
        return self._escape.search(data) is not None

    def found_in(self, data: bytes) -> bool:
        """Whether ``data`` holds any spelling of any secret."""
        return self.may_match(data) and self.pattern is not None and bool(self.pattern.search(data))

    def secret_of(self, match: re.Match[bytes]) -> str:
        """The secret a match of :attr:`pattern` spells."""
        return self.secrets[(match.lastindex or 1) - 1]

    def replace_bytes(self, data: bytes, replacement: Callable[[str], bytes]) -> bytes:
        """``data`` with every spelling of a secret ``s`` replaced by ``replacement(s)``."""
        if self.pattern is None or not self.may_match(data):
            return data
        return self.pattern.sub(lambda match: replacement(self.secret_of(match)), data)

    def replace_text(self, text: str, replacement: Callable[[str], bytes]) -> str:
        """:meth:`replace_bytes` over ``text`` (lone surrogates kept as they were)."""
        if self.pattern is None or not text:
            return text
        data = text.encode("utf-8", "surrogatepass")
        cleaned = self.replace_bytes(data, replacement)
        if cleaned == data:
            return text
        return cleaned.decode("utf-8", "surrogatepass")

    def prefix_at_end(self) -> re.Pattern[bytes] | None:
        """A search for any non-empty prefix of a secret, in any spelling, ending the data."""
        if not self.secrets:
            return None
        alternatives = []
        for value in self.secrets:
            # p1(?:p2(?:p3)?)?\Z
            nested = b""
            for char in reversed(value[1:]):
                nested = b"(?:" + char_pattern(char) + nested + b")?"
            alternatives.append(char_pattern(value[0]) + nested)
        return re.compile(b"(?:" + b"|".join(alternatives) + rb")\Z", re.IGNORECASE)
