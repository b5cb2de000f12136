"""Text from outside (portal data, event payloads, error descriptions) made safe to print.

A terminal obeys escape sequences in whatever it is sent: ``ESC [2J`` clears the screen,
OSC 52 writes the clipboard, and a bidi override makes ``evil.exe`` read as something
else. Every command that prints remote or stored data sends it through :func:`printable`
(human text) or :func:`json_printable` (JSON text) first; both replace the dangerous
characters with visible escapes, so nothing is hidden and nothing is obeyed.

The same characters make two different strings look alike: ``30\u200b0`` and
``\u202e003`` both read "300". The window shows every value from outside through
:func:`capped`, which escapes them as :func:`printable` does and cuts the value to a
length a screen can lay out.
"""

from __future__ import annotations

import re

# Characters that print as nothing or reorder what follows: the soft hyphen, the
# combining grapheme joiner, the Mongolian vowel separator, zero-width space/joiners and
# the directional marks, the line and paragraph separators, the bidi embeddings,
# overrides and isolates, the invisible operators (word joiner...), the Arabic letter
# mark and the byte order mark.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
)
# C0 controls (newline and tab handled apart), DEL, C1 controls (0x9b is an 8-bit CSI),
# the invisible characters above, and lone surrogates (not encodable as UTF-8; printing
# one would raise).
_UNSAFE = f"\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}\ud800-\udfff"
_UNSAFE_KEEP_LINES = re.compile(f"[{_UNSAFE}]")
_UNSAFE_ONE_LINE = re.compile(f"[{_UNSAFE}\n\t]")
# In JSON text C0 controls are already escaped by json.dumps; the rest may not be.
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{_INVISIBLE}\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0A:
        return "\\n"
    if code == 0x09:
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, one_line: bool = False) -> str:
    """``text`` (any value, via ``str``) with every control and invisible character shown
    as an escape.

    Newlines and tabs stay unless ``one_line`` is set: a field printed inside a line must
    not start a line of its own that looks like the program's output.
    """
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE_KEEP_LINES
    return pattern.sub(_escape, str(text))


def capped(text: object, limit: int, *, one_line: bool = True) -> tuple[str, int]:
    """The first ``limit`` characters of ``text`` made :func:`printable`, and how many
    characters were left out (0 when it was whole).

    Cut before escaping, so a value of a million zero-width spaces costs ``limit``
    escapes, not a million: laying out a 1 MB label is what froze a window for seconds.
    """
    whole = str(text)
    omitted = max(0, len(whole) - limit)
    head = whole[:limit] if omitted else whole
    return printable(head, one_line=one_line), omitted


def json_printable(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) safe to print.

    The characters replaced can only occur inside JSON strings, where ``\\uXXXX`` means
    the same character: the result parses to the same value.
    """
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
