"""Text from outside (portal data, event payloads, error descriptions) made safe to print.

A terminal obeys escape sequences in whatever it is sent: ``ESC [2J`` clears the screen,
OSC 52 writes the clipboard, and a bidi override makes ``evil.exe`` read as something
else. Every command that prints remote or stored data sends it through :func:`printable`
(human text) or :func:`json_printable` (JSON text) first; both replace the dangerous
characters with visible escapes, so nothing is hidden and nothing is obeyed.
"""

from __future__ import annotations

import re

# C0 controls (newline and tab handled apart), DEL, C1 controls (0x9b is an 8-bit CSI),
# the bidi embeddings/overrides and isolates, and lone surrogates (not encodable as
# UTF-8; printing one would raise).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_KEEP_LINES = re.compile(f"[{_UNSAFE}]")
_UNSAFE_ONE_LINE = re.compile(f"[{_UNSAFE}\n\t]")
# In JSON text C0 controls are already escaped by json.dumps; the rest may not be.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0A:
        return "\\n"
    if code == 0x09:
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, one_line: bool = False) -> str:
    """``text`` (any value, via ``str``) with every control character shown as an escape.

    Newlines and tabs stay unless ``one_line`` is set: a field printed inside a line must
    not start a line of its own that looks like the program's output.
    """
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE_KEEP_LINES
    return pattern.sub(_escape, str(text))


def json_printable(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) safe to print.

    The characters replaced can only occur inside JSON strings, where ``\\uXXXX`` means
    the same character: the result parses to the same value.
    """
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
