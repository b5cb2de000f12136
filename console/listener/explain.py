"""Why the listener did not accept an event, in words an operator can act on.

The listener stores a one-line ``verification_reason`` (the same line the sender got).
:func:`explain` turns it back into a title and a piece of advice for the inspector. The
reasons are matched by their fixed wording in ``verification.py``, ``server.py``,
``parsing.py``, ``limits.py`` and ``core/phpform.py``; a reason this module does not know
is still shown, verbatim, with generic advice.

Titles and advice are kept as templates with their values apart, so a front end can
translate the template and then fill it in (:meth:`Explanation.render`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from console.listener.catchup import CATCH_UP_REASON
from console.store.model import EventFilter, EventSource, EventStore, StoredEvent, Verification


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: templates in ``str.format`` style, and the values that fill them."""

    kind: str
    title: str
    advice: str
    params: Mapping[str, str] = field(default_factory=dict)


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Explanation:
    """What to tell the operator; ``kind`` (the first finding's) is a stable tag."""

    findings: tuple[Finding, ...]

    @property
    def kind(self) -> str:
        return self.findings[0].kind

    def render(self, translate: Callable[[str], str] = _identity) -> tuple[str, str]:
        """``(title, advice)`` with each template passed through ``translate`` first."""
        titles = [translate(f.title).format_map(f.params) for f in self.findings]
        advice = [translate(f.advice).format_map(f.params) for f in self.findings if f.advice]
        return " ".join(titles), " ".join(advice)

    @property
    def title(self) -> str:
        return self.render()[0]

    @property
    def advice(self) -> str:
        return self.render()[1]


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    kind: str
    title: str
    advice: str
    # An authenticity check: it decides what to do, so it leads when there are several.
    auth: bool = False


_RULES = [
    _Rule(
        re.compile(r"no application token configured for profile (?P<profile>.*)"),
        "no-token-configured",
        "Profile {profile} has no application token, so no Bitrix24 event can be verified.",
        "Open the webhook (or application) in Bitrix24, copy its application token and "
        "enter it in the connection settings of profile {profile}.",
        auth=True,
    ),
    _Rule(
        re.compile(r"missing auth\[application_token\]"),
        "missing-token",
        "The event carried no application token (auth[application_token]).",
        "Genuine Bitrix24 events always carry one. If you sent this yourself, add the "
        "token; otherwise someone who does not know it posted to the handler URL of "
        "profile {profile}.",
        auth=True,
    ),
    _Rule(
        re.compile(r"wrong application token for profile (?P<profile>.*)"),
        "wrong-token",
        "The application token is not the one of profile {profile}; the event came from {address}.",
        "It can be read two ways. Someone who does not know the token posted to the "
        "handler URL: nothing needs changing, the event was rightly refused (if it goes on, "
        "block {address}). Or a webhook of yours sends another token (it was re-created, "
        "or it is meant for another profile): enter its application token in profile "
        "{profile}, or copy this profile's handler URL ({path}) into that webhook's "
        "settings in Bitrix24.",
        auth=True,
    ),
    _Rule(
        re.compile(r"missing auth\[domain\]"),
        "missing-domain",
        "The event did not say which portal sent it (auth[domain] is missing).",
        "Bitrix24 always sends the portal domain; this event was probably built by hand. "
        "Add auth[domain] with the portal of profile {profile} and resend it.",
        auth=True,
    ),
    _Rule(
        re.compile(
            r"(?:application token is right, but )?"
            r"domain (?P<domain>.*) does not belong to profile (?P<profile>.*)"
        ),
        "wrong-domain",
        "The event came from portal {domain}, which is not the portal of profile {profile}.",
        "If {domain} is the right portal (it was renamed or moved), change the portal "
        "address of profile {profile}; otherwise point that portal's webhook at the "
        "handler URL of its own profile.",
        auth=True,
    ),
    _Rule(
        re.compile(
            r"(?:application token is right, but )?member_id does not match profile (?P<profile>.*)"
        ),
        "wrong-member",
        "The event's member_id is not the one recorded for profile {profile}.",
        "The portal was re-installed or this is another portal with the same address. "
        "Reconnect profile {profile} so that its member_id is read again.",
        auth=True,
    ),
    _Rule(
        re.compile(r"unknown profile ['\"](?P<profile>.*)['\"]"),
        "unknown-profile",
        "The event was sent to /bitrix/{profile}, but there is no profile named {profile}.",
        "Add a profile with that name, or change the webhook's handler URL in Bitrix24 "
        "to the URL of an existing profile (the window lists them).",
        auth=True,
    ),
    _Rule(
        re.compile(r"unknown Horoshop secret"),
        "unknown-horoshop-secret",
        "The secret in the Horoshop URL matches no profile.",
        "Copy the Horoshop handler URL of the right profile (with its secret) into the "
        "Horoshop admin panel; if the secret was changed here, update it there too.",
        auth=True,
    ),
    _Rule(
        re.compile(r"unsupported content type (?P<media>.*)"),
        "unsupported-content-type",
        "The body was sent as {media}, which the listener does not read.",
        "Send application/x-www-form-urlencoded or application/json.",
    ),
    _Rule(
        re.compile(r"body is not valid UTF-8 \(byte (?P<byte>\d+)\)"),
        "not-utf8",
        "The body is not valid UTF-8 (first bad byte at offset {byte}).",
        "The Raw tab shows the bytes in hex. Make the sender encode its text as UTF-8.",
    ),
    _Rule(
        re.compile(r"body is not valid JSON: (?P<detail>.*)"),
        "not-json",
        "The body is not valid JSON: {detail}.",
        "Look at the Raw tab near that position; fix the sender, or edit and resend it.",
    ),
    _Rule(
        re.compile(r"(?:body|key) nests deeper than (?P<n>\d+) levels"),
        "too-deep",
        "The body nests deeper than {n} levels.",
        "No real event is that deep; if it is genuine, raise the listener's max_depth.",
    ),
    _Rule(
        re.compile(r"more than (?P<n>\d+) keys"),
        "too-many-keys",
        "The body has more than {n} keys.",
        "No real event has that many; if it is genuine, raise the listener's max_keys.",
    ),
    _Rule(
        re.compile(r"body larger than (?P<n>\d+) bytes"),
        "too-large",
        "The body is larger than {n} bytes; only its start was kept.",
        "If the sender is genuine, raise the listener's max_body_bytes.",
    ),
    _Rule(
        re.compile(r"not a valid form body: (?P<detail>.*)"),
        "bad-form",
        "The form body could not be read: {detail}.",
        "Look at the Raw tab; Bitrix24 sends PHP-style bracket keys (a[b]=c).",
    ),
    _Rule(
        re.compile(r"(?:JSON )?body is not an object"),
        "not-object",
        "The body is not a JSON object, so it has no event fields.",
        "Send an object ({{...}}); the Payload tab shows what arrived.",
    ),
    _Rule(
        re.compile(r"no event name"),
        "no-event-name",
        "The body has no event name (the 'event' field is missing or empty).",
        "Bitrix24 always names the event; add event=ONSALEORDERSAVED (or the right one).",
    ),
    _Rule(
        re.compile(r"(?P<event>.*) without data\[FIELDS\]\[ID\]"),
        "no-entity-id",
        "The {event} event has no data[FIELDS][ID], so it names no entity.",
        "Check the webhook in Bitrix24; a hand-made event needs data[FIELDS][ID].",
    ),
    _Rule(
        re.compile(r"no order_id in the body"),
        "no-order-id",
        "The Horoshop body has no order_id.",
        "Horoshop always sends order_id; check that the URL is set for order events.",
    ),
    _Rule(
        re.compile(r"body not parsed"),
        "not-parsed",
        "The body could not be parsed.",
        "The Raw tab shows what arrived.",
    ),
]
_AUTH_KINDS = frozenset(rule.kind for rule in _RULES if rule.auth)


def _params(match: re.Match[str], event: StoredEvent) -> dict[str, str]:
    params = {
        "profile": event.profile or "?",
        "path": event.path or "",
        "address": event.remote_addr or "an unknown address",
    }
    params.update({key: value for key, value in match.groupdict().items() if value})
    if not params["path"]:
        params["path"] = f"/bitrix/{params['profile']}"
    return params


def explain_reason(reason: str, event: StoredEvent) -> Finding | None:
    """The finding for one reason line, or ``None`` when the wording is unknown."""
    for rule in _RULES:
        match = rule.pattern.fullmatch(reason.strip())
        if match is not None:
            return Finding(rule.kind, rule.title, rule.advice, _params(match, event))
    return None


def explain_all(event: StoredEvent) -> list[Finding]:
    """One finding per problem: a refused body and a failed check are joined by "; "."""
    reason = event.verification_reason or ""
    found: list[Finding] = []
    for part in (part for part in reason.split("; ") if part.strip()):
        found.append(
            explain_reason(part, event)
            or Finding(
                "unknown",
                "The listener said: {reason}.",
                "The Raw and Headers tabs show exactly what arrived.",
                {"reason": part},
            )
        )
    return found


# How far back :func:`recent_wrong_tokens` looks, and the most rows it reads to count.
WRONG_TOKEN_WINDOW = timedelta(hours=1)
WRONG_TOKEN_COUNT_LIMIT = 1000
_WRONG_TOKEN = re.compile(r"wrong application token for profile ")


def recent_wrong_tokens(store: EventStore, event: StoredEvent) -> int:
    """How many events with a wrong token for ``event``'s profile arrived in the hour up to
    it (itself included; at most :data:`WRONG_TOKEN_COUNT_LIMIT`): one is a mistake or
    a probe, hundreds a forger at work or a webhook that keeps sending the old token."""
    flt = EventFilter(
        sources=frozenset({event.source}),
        verification=frozenset({Verification.REJECTED}),
        profile=event.profile,
        since=event.received_at - WRONG_TOKEN_WINDOW,
        until=event.received_at + timedelta(microseconds=1),
        include_duplicates=True,
    )
    rows = store.query_rows(flt, limit=WRONG_TOKEN_COUNT_LIMIT)
    return sum(1 for row in rows if _WRONG_TOKEN.match(row.verification_reason or ""))


def explain(event: StoredEvent, *, recent_wrong_token_count: int | None = None) -> Explanation:
    """What the operator should know about ``event``'s verification.

    Verified events get a short confirmation; for a rejected or malformed event the
    authenticity problem comes first (it decides what to do), then the body problem.
    ``recent_wrong_token_count`` (from :func:`recent_wrong_tokens`) is said after a
    wrong token.
    """
    if event.verification is Verification.VERIFIED:
        if event.source is EventSource.CATCH_UP or event.verification_reason == CATCH_UP_REASON:
            finding = Finding(
                "catch-up",
                "Found by catch-up polling: no event arrived for this change.",
                "Check that the portal's webhook points at this console's handler URL.",
            )
        elif event.duplicate_of is not None:
            finding = Finding(
                "duplicate",
                "Verified, and a repeat of event #{original}.",
                "The sender retried or sent it twice; nothing to do.",
                {"original": str(event.duplicate_of)},
            )
        else:
            finding = Finding("verified", "Verified: the sender proved who it is.", "")
        return Explanation((finding,))
    found = explain_all(event)
    if not found:
        state = "rejected" if event.verification is Verification.REJECTED else "malformed"
        found = [
            Finding(
                "unknown",
                "The event was {state}, with no reason recorded.",
                "The Raw and Headers tabs show exactly what arrived.",
                {"state": state},
            )
        ]
    found.sort(key=lambda item: item.kind not in _AUTH_KINDS)
    if recent_wrong_token_count is not None:
        for index, item in enumerate(found):
            if item.kind == "wrong-token":
                count = Finding(
                    "wrong-token-count",
                    "Events with a wrong token for this profile in the hour up to this one: "
                    "{count}.",
                    "",
                    {"count": str(recent_wrong_token_count)},
                )
                found.insert(index + 1, count)
                break
    return Explanation(tuple(found))
