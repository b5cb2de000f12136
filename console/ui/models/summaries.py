"""The stored one-line summary of an event, in the interface language.

The store keeps each event's summary as :mod:`console.store.summary` worded it, in English,
as parts joined by " · ". The parts that are words rather than data (the catch-up note,
"status F", "property value 575 saved") are translated here when the row is shown; data
(an ACTION, an xmlId, a sum, a customer's city) stays as it came. A part this module does
not know is shown as stored.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "EventSummary"
SEPARATOR = " · "

_PHRASES: dict[str, str] = {
    "changed on the portal, no event received": str(
        QT_TRANSLATE_NOOP("EventSummary", "changed on the portal, no event received")
    ),
    "property value saved": str(QT_TRANSLATE_NOOP("EventSummary", "property value saved")),
}
# (how the store words it, the template with %1 for the value it carries)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"status (\S+)"), str(QT_TRANSLATE_NOOP("EventSummary", "status %1"))),
    (
        re.compile(r"property value (\S+) saved"),
        str(QT_TRANSLATE_NOOP("EventSummary", "property value %1 saved")),
    ),
]


def _part(text: str) -> str:
    phrase = _PHRASES.get(text)
    if phrase is not None:
        return QCoreApplication.translate(CONTEXT, phrase)
    for pattern, template in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            return QCoreApplication.translate(CONTEXT, template).replace("%1", match.group(1))
    return text


def translated_summary(summary: str) -> str:
    """``summary`` with its known wording in the interface language."""
    if not summary:
        return summary
    return SEPARATOR.join(_part(part) for part in summary.split(SEPARATOR))
