"""Why the listener did not accept an event, in words an operator can act on.

The listener stores a one-line ``verification_reason`` (the same line the sender got).
:func:`explain` turns it back into a title and a piece of advice for the inspector. The
reasons are matched by their fixed wording in ``verification.py``, ``server.py``,
``parsing.py``, ``limits.py`` and ``core/phpform.py``; a reason this module does not know
is still shown, verbatim, with generic advice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from console.listener.catchup import CATCH_UP_REASON
from console.store.model import EventSource, StoredEvent, Verification


@dataclass(frozen=True, slots=True)
class Explanation:
    """``kind`` is a stable tag for tests and icons; ``title`` and ``advice`` are sentences."""

    kind: str
    title: str
    advice: str


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str], StoredEvent], Explanation]]


def _profile(event: StoredEvent, match: re.Match[str] | None = None) -> str:
    if match is not None and "profile" in match.groupdict() and match.group("profile"):
        return match.group("profile")
    return event.profile or "?"


def _no_token_configured(match: re.Match[str], event: StoredEvent) -> Explanation:
    name = _profile(event, match)
    return Explanation(
        "no-token-configured",
        f"Profile {name} has no application token, so no Bitrix24 event can be verified.",
        "Open the webhook (or application) in Bitrix24, copy its application token and "
        f"enter it in the connection settings of profile {name}.",
    )


def _missing_token(match: re.Match[str], event: StoredEvent) -> Explanation:
    del match
    return Explanation(
        "missing-token",
        "The event carried no application token (auth[application_token]).",
        "Genuine Bitrix24 events always carry one. If you sent this yourself, add the "
        "token; otherwise someone who does not know it posted to the handler URL of "
        f"profile {_profile(event)}.",
    )


def _wrong_token(match: re.Match[str], event: StoredEvent) -> Explanation:
    name = _profile(event, match)
    return Explanation(
        "wrong-token",
        f"The application token belongs to another webhook, not to profile {name}.",
        f"Copy this profile's handler URL ({event.path or '/bitrix/' + name}) into that "
        "webhook's settings in Bitrix24, or, if the webhook was re-created, enter its new "
        f"application token in profile {name}.",
    )


def _missing_domain(match: re.Match[str], event: StoredEvent) -> Explanation:
    del match
    return Explanation(
        "missing-domain",
        "The event did not say which portal sent it (auth[domain] is missing).",
        "Bitrix24 always sends the portal domain; this event was probably built by hand. "
        f"Add auth[domain] with the portal of profile {_profile(event)} and resend it.",
    )


def _wrong_domain(match: re.Match[str], event: StoredEvent) -> Explanation:
    name = _profile(event, match)
    domain = match.group("domain")
    return Explanation(
        "wrong-domain",
        f"The event came from portal {domain}, which is not the portal of profile {name}.",
        f"If {domain} is the right portal (it was renamed or moved), change the portal "
        f"address of profile {name}; otherwise point that portal's webhook at the handler "
        "URL of its own profile.",
    )


def _wrong_member(match: re.Match[str], event: StoredEvent) -> Explanation:
    name = _profile(event, match)
    return Explanation(
        "wrong-member",
        f"The event's member_id is not the one recorded for profile {name}.",
        "The portal was re-installed or this is another portal with the same address. "
        f"Reconnect profile {name} so that its member_id is read again.",
    )


def _unknown_profile(match: re.Match[str], event: StoredEvent) -> Explanation:
    name = match.group("profile")
    return Explanation(
        "unknown-profile",
        f"The event was sent to /bitrix/{name}, but there is no profile named {name}.",
        "Add a profile with that name, or change the webhook's handler URL in Bitrix24 "
        "to the URL of an existing profile (the window lists them).",
    )


def _unknown_horoshop_secret(match: re.Match[str], event: StoredEvent) -> Explanation:
    del match, event
    return Explanation(
        "unknown-horoshop-secret",
        "The secret in the Horoshop URL matches no profile.",
        "Copy the Horoshop handler URL of the right profile (with its secret) into the "
        "Horoshop admin panel; if the secret was changed here, update it there too.",
    )


def _content_type(match: re.Match[str], event: StoredEvent) -> Explanation:
    del event
    return Explanation(
        "unsupported-content-type",
        f"The body was sent as {match.group('media')}, which the listener does not read.",
        "Send application/x-www-form-urlencoded or application/json.",
    )


def _not_utf8(match: re.Match[str], event: StoredEvent) -> Explanation:
    del event
    return Explanation(
        "not-utf8",
        f"The body is not valid UTF-8 (first bad byte at offset {match.group('byte')}).",
        "The Raw tab shows the bytes in hex. Make the sender encode its text as UTF-8.",
    )


def _not_json(match: re.Match[str], event: StoredEvent) -> Explanation:
    del event
    return Explanation(
        "not-json",
        f"The body is not valid JSON: {match.group('detail')}.",
        "Look at the Raw tab near that position; fix the sender, or edit and resend it.",
    )


def _too_deep(match: re.Match[str], event: StoredEvent) -> Explanation:
    del event
    return Explanation(
        "too-deep",
        f"The body nests deeper than {match.group('n')} levels.",
        "No real event is that deep; if it is genuine, raise the listener's max_depth.",
    )


def _too_many_keys(match: re.Match[str], event: StoredEvent) -> Explanation:
    del event
    return Explanation(
        "too-many-keys",
        f"The body has more than {match.group('n')} keys.",
        "No real event has that many; if it is genuine, raise the listener's max_keys.",
    )


def _too_large(match: re.Match[str], event: StoredEvent) -> Explanation:
    del event
    return Explanation(
        "too-large",
        f"The body is larger than {match.group('n')} bytes; only its start was kept.",
        "If the sender is genuine, raise the listener's max_body_bytes.",
    )


def _bad_form(match: re.Match[str], event: StoredEvent) -> Explanation:
    del event
    return Explanation(
        "bad-form",
        f"The form body could not be read: {match.group('detail')}.",
        "Look at the Raw tab; Bitrix24 sends PHP-style bracket keys (a[b]=c).",
    )


def _not_object(match: re.Match[str], event: StoredEvent) -> Explanation:
    del match, event
    return Explanation(
        "not-object",
        "The body is not a JSON object, so it has no event fields.",
        "Send an object ({...}); the Payload tab shows what arrived.",
    )


def _no_event_name(match: re.Match[str], event: StoredEvent) -> Explanation:
    del match, event
    return Explanation(
        "no-event-name",
        "The body has no event name (the 'event' field is missing or empty).",
        "Bitrix24 always names the event; add event=ONSALEORDERSAVED (or the right one).",
    )


def _no_entity_id(match: re.Match[str], event: StoredEvent) -> Explanation:
    del event
    return Explanation(
        "no-entity-id",
        f"The {match.group('event')} event has no data[FIELDS][ID], so it names no entity.",
        "Check the webhook in Bitrix24; a hand-made event needs data[FIELDS][ID].",
    )


def _no_order_id(match: re.Match[str], event: StoredEvent) -> Explanation:
    del match, event
    return Explanation(
        "no-order-id",
        "The Horoshop body has no order_id.",
        "Horoshop always sends order_id; check that the URL is set for order events.",
    )


def _not_parsed(match: re.Match[str], event: StoredEvent) -> Explanation:
    del match, event
    return Explanation(
        "not-parsed",
        "The body could not be parsed.",
        "The Raw tab shows what arrived.",
    )


_RULES: list[_Rule] = [
    (
        re.compile(r"no application token configured for profile (?P<profile>.*)"),
        _no_token_configured,
    ),
    (re.compile(r"missing auth\[application_token\]"), _missing_token),
    (re.compile(r"wrong application token for profile (?P<profile>.*)"), _wrong_token),
    (re.compile(r"missing auth\[domain\]"), _missing_domain),
    (
        re.compile(r"domain (?P<domain>.*) does not belong to profile (?P<profile>.*)"),
        _wrong_domain,
    ),
    (re.compile(r"member_id does not match profile (?P<profile>.*)"), _wrong_member),
    (re.compile(r"unknown profile '(?P<profile>.*)'"), _unknown_profile),
    (re.compile(r"unknown profile \"(?P<profile>.*)\""), _unknown_profile),
    (re.compile(r"unknown Horoshop secret"), _unknown_horoshop_secret),
    (re.compile(r"unsupported content type (?P<media>.*)"), _content_type),
    (re.compile(r"body is not valid UTF-8 \(byte (?P<byte>\d+)\)"), _not_utf8),
    (re.compile(r"body is not valid JSON: (?P<detail>.*)"), _not_json),
    (re.compile(r"(?:body|key) nests deeper than (?P<n>\d+) levels"), _too_deep),
    (re.compile(r"more than (?P<n>\d+) keys"), _too_many_keys),
    (re.compile(r"body larger than (?P<n>\d+) bytes"), _too_large),
    (re.compile(r"not a valid form body: (?P<detail>.*)"), _bad_form),
    (re.compile(r"(?:JSON )?body is not an object"), _not_object),
    (re.compile(r"no event name"), _no_event_name),
    (re.compile(r"(?P<event>.*) without data\[FIELDS\]\[ID\]"), _no_entity_id),
    (re.compile(r"no order_id in the body"), _no_order_id),
    (re.compile(r"body not parsed"), _not_parsed),
]


def explain_reason(reason: str, event: StoredEvent) -> Explanation | None:
    """The explanation of one reason line, or ``None`` when the wording is unknown."""
    for pattern, build in _RULES:
        match = pattern.fullmatch(reason.strip())
        if match is not None:
            return build(match, event)
    return None


def explain_all(event: StoredEvent) -> list[Explanation]:
    """One explanation per problem: a refused body and a failed check are joined by "; "."""
    reason = event.verification_reason or ""
    parts = [part for part in reason.split("; ") if part.strip()]
    found: list[Explanation] = []
    for part in parts:
        explained = explain_reason(part, event)
        found.append(
            explained
            or Explanation(
                "unknown",
                f"The listener said: {part}.",
                "The Raw and Headers tabs show exactly what arrived.",
            )
        )
    return found


def explain(event: StoredEvent) -> Explanation:
    """What the operator should know about ``event``'s verification, in one explanation.

    Verified events get a short confirmation; for a rejected or malformed event the
    authenticity problem comes first (it decides what to do), then the body problem.
    """
    if event.verification is Verification.VERIFIED:
        if event.source is EventSource.CATCH_UP or event.verification_reason == CATCH_UP_REASON:
            return Explanation(
                "catch-up",
                "Found by catch-up polling: no event arrived for this change.",
                "Check that the portal's webhook points at this console's handler URL.",
            )
        if event.duplicate_of is not None:
            return Explanation(
                "duplicate",
                f"Verified, and a repeat of event #{event.duplicate_of}.",
                "The sender retried or sent it twice; nothing to do.",
            )
        return Explanation("verified", "Verified: the sender proved who it is.", "")
    found = explain_all(event)
    if not found:
        state = "rejected" if event.verification is Verification.REJECTED else "malformed"
        return Explanation(
            "unknown",
            f"The event was {state}, with no reason recorded.",
            "The Raw and Headers tabs show exactly what arrived.",
        )
    # Authenticity failures decide what to do, so they lead.
    found.sort(key=lambda item: item.kind not in _AUTH_KINDS)
    first, rest = found[0], found[1:]
    if not rest:
        return first
    title = " ".join([first.title, *(item.title for item in rest)])
    advice = " ".join(item.advice for item in [first, *rest] if item.advice)
    return Explanation(first.kind, title, advice)


_AUTH_KINDS = frozenset(
    {
        "no-token-configured",
        "missing-token",
        "wrong-token",
        "missing-domain",
        "wrong-domain",
        "wrong-member",
        "unknown-profile",
        "unknown-horoshop-secret",
    }
)
