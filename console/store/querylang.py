"""The feed's query language: ``order:300 source:horoshop -state:rejected since:2h "a phrase"``.

:func:`parse_query` turns what the operator typed into an :class:`EventFilter` and never
raises: bad parts are reported as :class:`QueryProblem` spans (for the query bar to
underline) and left out of the filter. :func:`completions` offers keys and known values;
:func:`describe` is the help text for the query bar's tooltip.

The rules, in short:

- ``key:value`` filters; keys and the values of ``source``, ``state``, ``pinned`` and
  ``dup`` are case-insensitive. A value may be quoted (``profile:"my shop"``) and the
  many-valued keys take a comma list (``source:bitrix,horoshop``); repeating such a key
  means either value.
- ``order``, ``entity``, ``profile``, ``since``, ``until``, ``pinned`` and ``dup`` take one
  value: a second one is reported as a problem and left out (the first stays).
- A leading ``-`` negates a key: ``-source:horoshop``, ``-dup:yes`` (originals only),
  ``-since:2h`` (older than two hours).
- Everything else is full-text search: words match as prefixes, ``"quoted phrases"``
  match those words in a row.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from console.store.conditions import (
    MAX_PHRASE_CHARS,
    MAX_QUERY_CHARS,
    MAX_SEARCH_TERMS,
    MAX_TERM_CHARS,
)
from console.store.model import EventFilter, EventSource, OrderRef, OrderSystem, Verification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryProblem:
    """``text[start:end]`` is wrong; ``message`` says why and what would be right."""

    start: int
    end: int
    message: str


@dataclass(frozen=True)
class ParsedQuery:
    """``notes`` say how a valid part was read where that may surprise (``order:300``
    names an order in either system)."""

    filter: EventFilter
    problems: list[QueryProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Completion:
    """Replace ``text[start:end]`` with ``replacement``; ``label`` is what the list shows."""

    start: int
    end: int
    replacement: str
    label: str


class _Kind(enum.Enum):
    SOURCE = enum.auto()
    STATE = enum.auto()
    EVENT = enum.auto()
    ORDER = enum.auto()
    ENTITY = enum.auto()
    PROFILE = enum.auto()
    SINCE = enum.auto()
    UNTIL = enum.auto()
    PINNED = enum.auto()
    DUP = enum.auto()


@dataclass(frozen=True)
class QueryKey:
    """One key of the language: its name, what it takes, and a line of help."""

    name: str
    values: str
    help: str
    many: bool
    kind: _Kind


KEYS: tuple[QueryKey, ...] = (
    QueryKey("order", "hs-ID|b24-ID|ID",
             "events about this Horoshop or Bitrix24 order (a bare ID: either)", False,
             _Kind.ORDER),
    QueryKey("entity", "ID", "events about this entity (order, property value, ...)", False,
             _Kind.ENTITY),
    QueryKey("source", "bitrix|horoshop|catch-up", "where the event came from", True,
             _Kind.SOURCE),
    QueryKey("event", "NAME", "the event name, e.g. ONSALEORDERSAVED", True, _Kind.EVENT),
    QueryKey("state", "verified|rejected|malformed", "the verification result", True,
             _Kind.STATE),
    QueryKey("profile", "NAME", "the profile (portal or shop) it arrived for", False,
             _Kind.PROFILE),
    QueryKey("since", "SPAN|DATE", "received at or after: 30s, 15m, 2h, 3d, 1w or an ISO time",
             False, _Kind.SINCE),
    QueryKey("until", "SPAN|DATE", "received before: a span back from now or an ISO time",
             False, _Kind.UNTIL),
    QueryKey("pinned", "yes|no", "pinned events only, or unpinned only", False, _Kind.PINNED),
    QueryKey("dup", "yes|no|all", "duplicates only, originals only (default), or both", False,
             _Kind.DUP),
)  # fmt: skip
_BY_NAME = {key.name: key for key in KEYS}
_KEY_LIST = ", ".join(key.name for key in KEYS)

_SOURCES = {"bitrix": EventSource.BITRIX, "horoshop": EventSource.HOROSHOP,
            "catch-up": EventSource.CATCH_UP, "catchup": EventSource.CATCH_UP}  # fmt: skip
_STATES = {state.value: state for state in Verification}
_YES_NO = {"yes": True, "no": False}
_DUP_VALUES = ("yes", "no", "all")
# Event names the console receives; matched case-insensitively and written as stored.
KNOWN_EVENTS: tuple[str, ...] = (
    "ONSALEORDERSAVED",
    "ONPROPERTYVALUEENTITYSAVED",
    "order_created",
)
SPAN_EXAMPLES: tuple[str, ...] = ("15m", "1h", "2h", "1d", "3d", "1w")
_SPAN = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# What can be a key: letters only, so that 12:30 or a MAC address stays a search word.
_KEY = re.compile(r"^[A-Za-z_]+$")
# Single-valued fields whose negation takes many values.
_EXCLUDABLE = frozenset({"order_id", "entity_id", "profile"})
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def describe() -> str:
    """A short help text listing the keys, for the query bar's tooltip."""
    width = max(len(f"{key.name}:{key.values}") for key in KEYS)
    lines = ['Filter with key:value, search with plain words or "a phrase".']
    lines.extend(f"  {f'{key.name}:{key.values}':<{width}}  {key.help}" for key in KEYS)
    lines.append("A leading - negates a key: -source:horoshop, -dup:yes (originals only).")
    lines.append("Repeat a key or use commas for either value: source:bitrix,horoshop.")
    return "\n".join(lines)


# --- tokens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    negated: bool
    key: str | None  # as typed, without the colon
    key_end: int  # where the value starts (after the colon); == start for words
    value: str
    quoted: bool
    unclosed: bool


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = text[i] == "-"
        j = i + 1 if negated else i
        if j < n and text[j] == '"':
            value, end, closed = _quoted(text, j)
            tokens.append(_Token(start, end, negated, None, j, value, True, not closed))
            i = end
            continue
        k = j
        while k < n and not text[k].isspace() and text[k] not in ':"':
            k += 1
        if k < n and text[k] == ":" and _KEY.match(text[j:k]):
            key = text[j:k]
            if k + 1 < n and text[k + 1] == '"':
                value, end, closed = _quoted(text, k + 1)
                tokens.append(_Token(start, end, negated, key, k + 1, value, True, not closed))
                i = end
                continue
            end = k + 1
            while end < n and not text[end].isspace():
                end += 1
            tokens.append(_Token(start, end, negated, key, k + 1, text[k + 1 : end], False, False))
            i = end
            continue
        end = j
        while end < n and not text[end].isspace():
            end += 1
        tokens.append(_Token(start, end, negated, None, start, text[j:end], False, False))
        i = end
    return tokens


def _quoted(text: str, quote: int) -> tuple[str, int, bool]:
    """``(content, end, closed)`` of the quoted part starting at ``text[quote]``."""
    close = text.find('"', quote + 1)
    if close < 0:
        return text[quote + 1 :], len(text), False
    return text[quote + 1 : close], close + 1, True


# --- parsing ---------------------------------------------------------------------------------


class _Builder:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.fields: dict[str, Any] = {}
        self.sets: dict[str, set[Any]] = {}
        self.words: list[str] = []
        self.phrases: set[str] = set()
        self.problems: list[QueryProblem] = []
        self.notes: list[str] = []
        self.seen: set[str] = set()  # the single-valued keys already given

    def problem(self, start: int, end: int, message: str) -> None:
        self.problems.append(QueryProblem(start, end, message))

    def add(self, name: str, value: Any) -> None:
        self.sets.setdefault(name, set()).add(value)

    def once(self, token: _Token, name: str) -> bool:
        """False (and a problem) when the single-valued ``name`` was already given."""
        if name in self.seen:
            hint = " (a leading - excludes several)" if name in _EXCLUDABLE else ""
            self.problem(
                token.start, token.end, f"{token.key}: already given; it takes one value{hint}"
            )
            return False
        self.seen.add(name)
        return True

    def single(self, token: _Token, name: str, value: Any) -> None:
        if self.once(token, name):
            self.fields[name] = value

    def filter(self) -> EventFilter:
        values: dict[str, Any] = dict(self.fields)
        values.update((name, frozenset(found)) for name, found in self.sets.items())
        if self.words:
            values["text"] = " ".join(self.words)
        if self.phrases:
            values["phrases"] = frozenset(self.phrases)
        return EventFilter(**values)


def parse_query(text: str, *, now: datetime | None = None) -> ParsedQuery:
    """The filter for ``text``; never raises. ``now`` anchors spans such as ``2h``."""
    builder = _Builder(now or datetime.now(UTC))
    try:
        if len(text) > MAX_QUERY_CHARS:
            # Read no further: a megabyte pasted into the bar costs nothing.
            builder.problem(
                MAX_QUERY_CHARS,
                len(text),
                f"the query is longer than {MAX_QUERY_CHARS} characters; the rest is left out",
            )
            text = text[:MAX_QUERY_CHARS]
        for token in _tokens(text):
            _apply(builder, token)
        return ParsedQuery(builder.filter(), builder.problems, builder.notes)
    except Exception:  # a bug here must cost the operator a filter, never the window
        log.exception("query %r could not be read", text)
        return ParsedQuery(
            EventFilter(), [QueryProblem(0, len(text), "this query could not be read")]
        )


def _apply(builder: _Builder, token: _Token) -> None:
    if token.unclosed:
        builder.problem(token.start, token.end, 'the quote is not closed: add a closing "')
        return
    if token.key is None:
        if token.negated:
            builder.problem(
                token.start,
                token.end,
                "a leading - negates a key, such as -source:horoshop; "
                "to search for text starting with -, put it in quotes",
            )
        elif token.quoted:
            if token.value.strip() and _searchable(builder, token, MAX_PHRASE_CHARS, "phrase"):
                builder.phrases.add(token.value)
        elif _searchable(builder, token, MAX_TERM_CHARS, "word"):
            builder.words.append(token.value)
        return
    key = _BY_NAME.get(token.key.lower())
    if key is None:
        builder.problem(
            token.start,
            token.key_end,
            f"unknown key {token.key}: the keys are {_KEY_LIST}; "
            "put text in quotes to search for it",
        )
        return
    values = [token.value] if token.quoted or not key.many else token.value.split(",")
    if not any(value.strip() for value in values):
        builder.problem(
            token.start, token.end, f"{key.name}: needs a value ({key.name}:{key.values})"
        )
        return
    offset = token.key_end + (1 if token.quoted else 0)
    for index, value in enumerate(values):
        start = offset
        offset += len(value) + 1
        if not value.strip():
            # Underline the comma that makes the empty value: after it, or before the last.
            comma = start + len(value) if index < len(values) - 1 else start - 1
            builder.problem(comma, comma + 1, f"{key.name}: an empty value between commas")
            continue
        _apply_value(builder, token, key, value.strip(), start, start + len(value))


def _searchable(builder: _Builder, token: _Token, longest: int, what: str) -> bool:
    """Whether the search word or phrase ``token`` fits the bounds (else a problem)."""
    if len(token.value) > longest:
        builder.problem(
            token.start,
            token.end,
            f"a search {what} longer than {longest} characters is left out: shorten it",
        )
        return False
    if len(builder.words) + len(builder.phrases) >= MAX_SEARCH_TERMS:
        builder.problem(
            token.start,
            token.end,
            f"at most {MAX_SEARCH_TERMS} search words and phrases: this one is left out",
        )
        return False
    return True


def _apply_value(
    builder: _Builder, token: _Token, key: QueryKey, value: str, start: int, end: int
) -> None:
    kind, negated = key.kind, token.negated

    def bad(allowed: str) -> None:
        builder.problem(start, end, f"{key.name}: {value!r} is not {allowed}")

    if kind is _Kind.SOURCE:
        source = _SOURCES.get(value.lower())
        if source is None:
            bad("a source: use bitrix, horoshop or catch-up")
        else:
            builder.add("exclude_sources" if negated else "sources", source)
    elif kind is _Kind.STATE:
        state = _STATES.get(value.lower())
        if state is None:
            bad("a state: use verified, rejected or malformed")
        else:
            builder.add("exclude_verification" if negated else "verification", state)
    elif kind is _Kind.EVENT:
        builder.add("exclude_events" if negated else "events", _event_name(value))
    elif kind is _Kind.ORDER:
        _apply_order(builder, token, value, start, end)
    elif kind in (_Kind.ENTITY, _Kind.PROFILE):
        names = {
            _Kind.ENTITY: ("entity_id", "exclude_entity_ids"),
            _Kind.PROFILE: ("profile", "exclude_profiles"),
        }[kind]
        if negated:
            builder.add(names[1], value)
        else:
            builder.single(token, names[0], value)
    elif kind in (_Kind.SINCE, _Kind.UNTIL):
        moment = _moment(value, builder.now, end_of_day=(kind is _Kind.UNTIL) != negated)
        if isinstance(moment, str):
            bad(moment)
            return
        # -since:2h is "older than two hours", -until:X "from X on".
        builder.single(token, "since" if (kind is _Kind.SINCE) != negated else "until", moment)
    elif kind is _Kind.PINNED:
        wanted = _YES_NO.get(value.lower())
        if wanted is None:
            bad("yes or no")
            return
        if builder.once(token, "pinned"):
            builder.fields["pinned_only" if wanted != negated else "unpinned_only"] = True
    else:
        _apply_dup(builder, token, value, start, end)


def _apply_order(builder: _Builder, token: _Token, value: str, start: int, end: int) -> None:
    ref = OrderRef.parse(value)
    if not ref.order_id:
        builder.problem(start, end, f"order: {value!r} has no number after the prefix")
        return
    if token.negated:
        if ref.system is None:
            builder.add("exclude_order_ids", ref.order_id)
        else:
            builder.add("exclude_system_orders", ref)
        return
    if not builder.once(token, "order_id"):
        return
    builder.fields["order_id"] = ref.order_id
    if ref.system is None:
        builder.notes.append(
            f"order:{ref.order_id} finds Horoshop order {ref.order_id} and Bitrix24 order "
            f"{ref.order_id} (two different orders): write order:hs-{ref.order_id} "
            f"or order:b24-{ref.order_id} for one of them"
        )
    else:
        builder.fields["order_system"] = ref.system


def _apply_dup(builder: _Builder, token: _Token, value: str, start: int, end: int) -> None:
    choice = value.lower()
    if choice not in _DUP_VALUES:
        builder.problem(start, end, f"dup: {value!r} is not yes, no or all")
        return
    if token.negated:
        if choice == "all":
            builder.problem(token.start, token.end, "-dup:all would show nothing; use dup:yes")
            return
        choice = "no" if choice == "yes" else "yes"
    if not builder.once(token, "dup"):
        return
    if choice == "yes":
        builder.fields["duplicates_only"] = True
    elif choice == "all":
        builder.fields["include_duplicates"] = True


def _event_name(value: str) -> str:
    for known in KNOWN_EVENTS:
        if known.lower() == value.lower():
            return known
    # Bitrix24 event names are upper case by convention; others are kept as typed.
    return value.upper() if value.lower().startswith("on") else value


def parse_span(value: str) -> timedelta | str | None:
    """``30s``, ``15m``, ``2h``, ``3d``, ``1w`` as a duration; None when ``value`` is not
    written as a span, a message when it is one too long to count.

    The one span syntax of the console: the query bar, ``--since``/``--until`` and
    ``events purge --older-than`` all read spans here.
    """
    span = _SPAN.match(value.strip())
    if not span:
        return None
    amount, unit = span.groups()
    try:
        return timedelta(**{_UNITS[unit.lower()]: float(amount)})
    except OverflowError:
        return "a span this program can count back (too far)"


def parse_moment(value: str, now: datetime, *, end_of_day: bool = False) -> datetime | str:
    """The time ``value`` (a span back from ``now`` or an ISO time) means, or what would
    have been right; see :func:`parse_span`."""
    return _moment(value.strip(), now, end_of_day=end_of_day)


def _moment(value: str, now: datetime, *, end_of_day: bool) -> datetime | str:
    """The time ``value`` means, or what would have been right."""
    span = parse_span(value)
    if isinstance(span, str):
        return span
    if span is not None:
        try:
            return now - span
        except OverflowError:
            return "a span this program can count back (too far)"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return "a span (30s, 15m, 2h, 3d, 1w) or an ISO date or time (2025-03-01T14:30)"
    if _DATE_ONLY.match(value) and end_of_day:
        # until:2025-03-01 includes that whole day.
        try:
            moment += timedelta(days=1)
        except OverflowError:
            return "a date this program can handle"
    try:
        if moment.tzinfo is None:
            moment = moment.astimezone()  # the operator typed their own wall-clock time
        # 0001-01-01T00:00+14:00 is before the first moment a datetime can hold in UTC.
        return moment.astimezone(UTC)
    except (OverflowError, ValueError, OSError):
        return "a date this program can handle"


# --- completion ------------------------------------------------------------------------------


def completions(
    text: str, cursor: int, *, profiles: list[str] | None = None, events: list[str] | None = None
) -> list[Completion]:
    """Keys and known values that fit the word under ``cursor``.

    In a key (``so``) it offers keys (``source:``); after ``key:`` the values that start
    with what is typed: sources, states, yes/no, span examples, and the ``profiles`` and
    ``events`` the caller knows. Each completion replaces the whole word under the cursor.
    """
    cursor = max(0, min(cursor, len(text)))
    start = cursor
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = cursor
    while end < len(text) and not text[end].isspace():
        end += 1
    typed = text[start:cursor]
    sign = "-" if typed.startswith("-") else ""
    typed = typed[len(sign) :]
    if ":" not in typed:
        if typed.startswith('"'):
            return []
        prefix = typed.lower()
        return [
            Completion(start, end, f"{sign}{key.name}:", f"{key.name}:{key.values}  {key.help}")
            for key in KEYS
            if key.name.startswith(prefix)
        ]
    name, _, value = typed.partition(":")
    key = _BY_NAME.get(name.lower())
    if key is None:
        return []
    if (
        key.kind is _Kind.ORDER
        and value
        and OrderRef.parse(value).system is None
        and not any(f"{system.value}-".startswith(value.lower()) for system in OrderSystem)
    ):
        # A bare number: offer it as either system's order.
        return [
            Completion(start, end, f"{sign}{key.name}:{system.value}-{value}", label)
            for system in OrderSystem
            for label in [f"{system.value}-{value}  ({system.display_name} order {value})"]
        ]
    head, _, last = value.rpartition(",") if key.many else ("", "", value)
    kept = f"{head}," if head else ""
    prefix = last.lower().lstrip('"')
    offers = [
        option
        for option in _values_for(key.kind, profiles or [], events or [])
        if (bare := option.strip('"').lower()).startswith(prefix) and bare != prefix
    ]
    return [Completion(start, end, f"{sign}{key.name}:{kept}{option}", option) for option in offers]


def _values_for(kind: _Kind, profiles: Sequence[str], events: Sequence[str]) -> list[str]:
    fixed: dict[_Kind, Callable[[], list[str]]] = {
        _Kind.SOURCE: lambda: [source.value for source in EventSource],
        _Kind.STATE: lambda: [state.value for state in Verification],
        _Kind.PINNED: lambda: list(_YES_NO),
        _Kind.DUP: lambda: list(_DUP_VALUES),
        _Kind.SINCE: lambda: list(SPAN_EXAMPLES),
        _Kind.UNTIL: lambda: list(SPAN_EXAMPLES),
        _Kind.PROFILE: lambda: [_value(name) for name in profiles],
        _Kind.EVENT: lambda: list(dict.fromkeys([*events, *KNOWN_EVENTS])),
        _Kind.ORDER: lambda: [f"{system.value}-" for system in OrderSystem],
    }
    found = fixed.get(kind)
    return found() if found is not None else []


def _value(name: str) -> str:
    """``name`` as a value: quoted when it holds a space or a quote-free comma."""
    return f'"{name}"' if any(char.isspace() for char in name) else name
