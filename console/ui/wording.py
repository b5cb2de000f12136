"""English wording the core keeps (stored summaries, form checks), in the interface language.

The core words some sentences once, in English, and the window shows them as they are:
an event's stored summary (:mod:`console.store.summary`), the change log's status changes,
the forms' field checks
(:func:`console.operations.statuses.validate_status_fields`). Their fixed wording is
matched here, whole, and put through ``tr()``; the values in it (ids, bounds, sums) are
carried over. Wording this module does not know is shown as it came, so a new or changed
sentence in the core is untranslated, never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from console.ui.formatting import money_in_summary


class KnownWording:
    """Fixed phrases and ``(pattern, template)`` pairs of one translation context; each
    template has ``%1``, ``%2``... for the pattern's groups, and a group that is itself a
    known phrase (a hint after "bad host: ") is translated too."""

    def __init__(
        self,
        context: str,
        phrases: Sequence[str],
        patterns: Mapping[str, str],
    ) -> None:
        self.context = context
        self._phrases = frozenset(phrases)
        self._patterns = [(re.compile(key), template) for key, template in patterns.items()]

    def translate(self, text: str) -> str:
        """``text`` in the interface language when its wording is known, else as it is."""
        if text in self._phrases:
            return QCoreApplication.translate(self.context, text)
        for pattern, template in self._patterns:
            match = pattern.fullmatch(text)
            if match is not None:
                result = QCoreApplication.translate(self.context, template)
                for number, value in enumerate(match.groups(), start=1):
                    result = result.replace(f"%{number}", self.translate(value))
                return result
        return text


SUMMARY_SEPARATOR = " · "

# As console.store.summary words the parts that are words rather than data.
SUMMARY_WORDING = KnownWording(
    "EventSummary",
    [
        str(QT_TRANSLATE_NOOP("EventSummary", "changed on the portal, no event received")),
        str(QT_TRANSLATE_NOOP("EventSummary", "property value saved")),
    ],
    {
        r"status (\S+)": str(QT_TRANSLATE_NOOP("EventSummary", "status %1")),
        r"property value (\S+) saved": str(
            QT_TRANSLATE_NOOP("EventSummary", "property value %1 saved")
        ),
    },
)

# As console.operations.orders words a change it records (the timeline shows them).
CHANGE_WORDING = KnownWording(
    "ChangeSummary",
    [],
    {
        r"order (\S+): status (\S+) → (\S+)": str(
            QT_TRANSLATE_NOOP("ChangeSummary", "order %1: status %2 → %3")
        ),
        r"order (\S+), shipment (\S+): delivery status (\S+) → (\S+)": str(
            QT_TRANSLATE_NOOP("ChangeSummary", "order %1, shipment %2: delivery status %3 → %4")
        ),
        # As console.operations.changelog says who made it and what became of it.
        r"(.+) \(sent, no answer: outcome unknown\)": str(
            QT_TRANSLATE_NOOP("ChangeSummary", "%1 (sent, no answer: outcome unknown)")
        ),
        r"(.+) \(sent, no answer; applied, as a re-read from the portal showed\)": str(
            QT_TRANSLATE_NOOP(
                "ChangeSummary",
                "%1 (sent, no answer; applied, as a re-read from the portal showed)",
            )
        ),
        r"([^:]+): (order .+)": str(QT_TRANSLATE_NOOP("ChangeSummary", "%1: %2")),
    },
)

# As console.operations words a field's problem (the status and order forms).
FORM_PROBLEM_WORDING = KnownWording(
    "FormProblems",
    [
        str(QT_TRANSLATE_NOOP("FormProblems", "Enter an id.")),
        str(QT_TRANSLATE_NOOP("FormProblems", "Only Latin letters and digits.")),
        str(QT_TRANSLATE_NOOP("FormProblems", "Choose Order (O) or Delivery (D).")),
        str(QT_TRANSLATE_NOOP("FormProblems", "A whole number.")),
        str(QT_TRANSLATE_NOOP("FormProblems", "A colour like #1A2B3C.")),
        str(QT_TRANSLATE_NOOP("FormProblems", "Unknown language id.")),
        str(QT_TRANSLATE_NOOP("FormProblems", "A positive whole number.")),
        str(QT_TRANSLATE_NOOP("FormProblems", "One or two Latin letters or digits.")),
    ],
    {
        r"At most (\d+) characters\.": str(
            QT_TRANSLATE_NOOP("FormProblems", "At most %1 characters.")
        ),
        r"Between (-?\d+) and (-?\d+)\.": str(
            QT_TRANSLATE_NOOP("FormProblems", "Between %1 and %2.")
        ),
        r"(\S+) is a system status: Bitrix24 keeps it an order status and refuses to change "
        r"its type or delete it\.": str(
            QT_TRANSLATE_NOOP(
                "FormProblems",
                "%1 is a system status: Bitrix24 keeps it an order status and refuses to "
                "change its type or delete it.",
            )
        ),
        r"(\S+) is a system status: Bitrix24 keeps it a delivery status and refuses to "
        r"change its type or delete it\.": str(
            QT_TRANSLATE_NOOP(
                "FormProblems",
                "%1 is a system status: Bitrix24 keeps it a delivery status and refuses to "
                "change its type or delete it.",
            )
        ),
    },
)


# As console.core.profiles and console.core.profile_setup word a profile field's problem.
PROFILE_PROBLEM_WORDING = KnownWording(
    "ProfileProblems",
    [
        str(
            QT_TRANSLATE_NOOP(
                "ProfileProblems",
                "must be https://<portal host>[:port] (plain http only for loopback)",
            )
        ),
        str(
            QT_TRANSLATE_NOOP(
                "ProfileProblems",
                "must look like https://<portal host>/rest/<user id>/<code>/ "
                "(http only for loopback)",
            )
        ),
        str(
            QT_TRANSLATE_NOOP(
                "ProfileProblems",
                "must be https://<OAuth server host>[:port]/rest/ (plain http only for loopback)",
            )
        ),
        str(
            QT_TRANSLATE_NOOP(
                "ProfileProblems", "profile name must be 1-64 letters, digits, '_' or '-'"
            )
        ),
        str(QT_TRANSLATE_NOOP("ProfileProblems", "only for OAuth profiles")),
        str(QT_TRANSLATE_NOOP("ProfileProblems", "must not be empty")),
        str(QT_TRANSLATE_NOOP("ProfileProblems", "is required")),
        str(
            QT_TRANSLATE_NOOP(
                "ProfileProblems", "give both the access and the refresh token, or neither"
            )
        ),
    ],
    {
        r"bad port: (.+)": str(QT_TRANSLATE_NOOP("ProfileProblems", "bad port: %1")),
        r"bad host: (.+)": str(QT_TRANSLATE_NOOP("ProfileProblems", "bad host: %1")),
        r"no user or password in the URL: (.+)": str(
            QT_TRANSLATE_NOOP("ProfileProblems", "no user or password in the URL: %1")
        ),
        r"plain http is refused for non-loopback hosts: (.+)": str(
            QT_TRANSLATE_NOOP("ProfileProblems", "plain http is refused for non-loopback hosts: %1")
        ),
        r"no path, query or fragment allowed: (.+)": str(
            QT_TRANSLATE_NOOP("ProfileProblems", "no path, query or fragment allowed: %1")
        ),
        r"no other path, query or fragment allowed: (.+)": str(
            QT_TRANSLATE_NOOP("ProfileProblems", "no other path, query or fragment allowed: %1")
        ),
        r"not an inbound webhook URL: (.+)": str(
            QT_TRANSLATE_NOOP("ProfileProblems", "not an inbound webhook URL: %1")
        ),
        r"the webhook is for (\S+), not the portal (\S+); use the webhook created on that "
        r"portal": str(
            QT_TRANSLATE_NOOP(
                "ProfileProblems",
                "the webhook is for %1, not the portal %2; use the webhook created on that portal",
            )
        ),
    },
)


# As the listener words why it refused an event (console.listener.verification, parsing,
# limits and server); the feed shows it on the refused event's row.
REFUSAL_WORDING = KnownWording(
    "RefusalReasons",
    [
        str(QT_TRANSLATE_NOOP("RefusalReasons", "missing auth[application_token]")),
        str(QT_TRANSLATE_NOOP("RefusalReasons", "missing auth[domain]")),
        str(QT_TRANSLATE_NOOP("RefusalReasons", "unknown Horoshop secret")),
        str(QT_TRANSLATE_NOOP("RefusalReasons", "body is not an object")),
        str(QT_TRANSLATE_NOOP("RefusalReasons", "JSON body is not an object")),
        str(QT_TRANSLATE_NOOP("RefusalReasons", "no event name")),
        str(QT_TRANSLATE_NOOP("RefusalReasons", "no order_id in the body")),
        str(QT_TRANSLATE_NOOP("RefusalReasons", "body not parsed")),
    ],
    {
        r"no application token configured for profile (.+)": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "no application token configured for profile %1")
        ),
        r"wrong application token for profile (.+)": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "wrong application token for profile %1")
        ),
        r"application token is right, but domain (.+) does not belong to profile (.+)": (
            str(
                QT_TRANSLATE_NOOP(
                    "RefusalReasons",
                    "application token is right, but domain %1 does not belong to profile %2",
                )
            )
        ),
        r"application token is right, but member_id does not match profile (.+)": str(
            QT_TRANSLATE_NOOP(
                "RefusalReasons",
                "application token is right, but member_id does not match profile %1",
            )
        ),
        r"unknown profile (.+)": str(QT_TRANSLATE_NOOP("RefusalReasons", "unknown profile %1")),
        r"unsupported content type (.+)": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "unsupported content type %1")
        ),
        r"body is not valid UTF-8 \(byte (\d+)\)": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "body is not valid UTF-8 (byte %1)")
        ),
        r"body is not valid JSON: (.+)": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "body is not valid JSON: %1")
        ),
        r"body nests deeper than (\d+) levels": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "body nests deeper than %1 levels")
        ),
        r"key nests deeper than (\d+) levels": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "key nests deeper than %1 levels")
        ),
        r"more than (\d+) keys": str(QT_TRANSLATE_NOOP("RefusalReasons", "more than %1 keys")),
        r"body larger than (\d+) bytes": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "body larger than %1 bytes")
        ),
        r"not a valid form body: (.+)": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "not a valid form body: %1")
        ),
        r"(\S+) without data\[FIELDS\]\[ID\]": str(
            QT_TRANSLATE_NOOP("RefusalReasons", "%1 without data[FIELDS][ID]")
        ),
    },
)

# As the query language words how it read a valid query (console.store.querylang).
QUERY_NOTE_WORDING = KnownWording(
    "QueryNotes",
    [],
    {
        r"order:(\S+) finds Horoshop order \1 and Bitrix24 order \1 \(two different orders\): "
        r"write order:hs-\1 or order:b24-\1 for one of them": str(
            QT_TRANSLATE_NOOP(
                "QueryNotes",
                "order:%1 finds Horoshop order %1 and Bitrix24 order %1 (two different "
                "orders): write order:hs-%1 or order:b24-%1 for one of them",
            )
        ),
    },
)


def translated_refusal(reason: str) -> str:
    """Why the listener refused an event, in the interface language."""
    return REFUSAL_WORDING.translate(reason)


def translated_query_note(note: str) -> str:
    """How the query language read a query, in the interface language."""
    return QUERY_NOTE_WORDING.translate(note)


def translated_profile_problem(problem: str) -> str:
    """A profile field's problem in the interface language."""
    return PROFILE_PROBLEM_WORDING.translate(problem)


def translated_summary(summary: str) -> str:
    """An event's stored summary with its known wording in the interface language."""
    if not summary:
        return summary
    parts = summary.split(SUMMARY_SEPARATOR)
    return SUMMARY_SEPARATOR.join(
        money_in_summary(SUMMARY_WORDING.translate(part)) for part in parts
    )


def translated_change(summary: str) -> str:
    """A recorded change's summary in the interface language."""
    return CHANGE_WORDING.translate(summary)


def translated_form_problem(problem: str) -> str:
    """A form field's problem, as the operations word it, in the interface language."""
    return FORM_PROBLEM_WORDING.translate(problem)
