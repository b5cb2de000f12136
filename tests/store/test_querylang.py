"""The feed's query language, parsed alone and run against a real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.store import EventFilter, EventSource, SqliteEventStore, Verification
from console.store.querylang import (
    KEYS,
    Completion,
    ParsedQuery,
    completions,
    describe,
    parse_query,
)
from tests.store.records import record

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _parse(text: str) -> ParsedQuery:
    return parse_query(text, now=NOW)


def _only(text: str) -> EventFilter:
    parsed = _parse(text)
    assert parsed.problems == [], parsed.problems
    return parsed.filter


def _bad(text: str) -> list[tuple[str, str]]:
    """Each problem as (the underlined text, the message)."""
    return [(text[p.start : p.end], p.message) for p in _parse(text).problems]


def test_empty_query_is_the_default_filter() -> None:
    assert _only("") == EventFilter()
    assert _only("   ") == EventFilter()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("order:300", EventFilter(order_id="300")),
        ("entity:e5", EventFilter(entity_id="e5")),
        ("profile:shop", EventFilter(profile="shop")),
        ('profile:"my shop"', EventFilter(profile="my shop")),
        ("source:horoshop", EventFilter(sources=frozenset({EventSource.HOROSHOP}))),
        ("SOURCE:Catch-Up", EventFilter(sources=frozenset({EventSource.CATCH_UP}))),
        ("source:catchup", EventFilter(sources=frozenset({EventSource.CATCH_UP}))),
        (
            "source:bitrix source:horoshop",
            EventFilter(sources=frozenset({EventSource.BITRIX, EventSource.HOROSHOP})),
        ),
        (
            "source:bitrix,horoshop",
            EventFilter(sources=frozenset({EventSource.BITRIX, EventSource.HOROSHOP})),
        ),
        ("event:ONSALEORDERSAVED", EventFilter(events=frozenset({"ONSALEORDERSAVED"}))),
        ("event:onsaleordersaved", EventFilter(events=frozenset({"ONSALEORDERSAVED"}))),
        ("event:ORDER_CREATED", EventFilter(events=frozenset({"order_created"}))),
        ("event:onsomethingnew", EventFilter(events=frozenset({"ONSOMETHINGNEW"}))),
        ("state:REJECTED", EventFilter(verification=frozenset({Verification.REJECTED}))),
        ("pinned:yes", EventFilter(pinned_only=True)),
        ("pinned:No", EventFilter(unpinned_only=True)),
        ("dup:yes", EventFilter(duplicates_only=True)),
        ("dup:no", EventFilter()),
        ("dup:all", EventFilter(include_duplicates=True)),
        ("since:30s", EventFilter(since=NOW - timedelta(seconds=30))),
        ("since:15m", EventFilter(since=NOW - timedelta(minutes=15))),
        ("since:2H", EventFilter(since=NOW - timedelta(hours=2))),
        ("since:3d", EventFilter(since=NOW - timedelta(days=3))),
        ("until:1w", EventFilter(until=NOW - timedelta(weeks=1))),
        (
            "since:2025-03-01T10:00:00+00:00",
            EventFilter(since=datetime(2025, 3, 1, 10, tzinfo=UTC)),
        ),
    ],
)
def test_each_key(text: str, expected: EventFilter) -> None:
    assert _only(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-source:horoshop", EventFilter(exclude_sources=frozenset({EventSource.HOROSHOP}))),
        ("-state:rejected", EventFilter(exclude_verification=frozenset({Verification.REJECTED}))),
        ("-event:order_created", EventFilter(exclude_events=frozenset({"order_created"}))),
        ("-profile:a -profile:b", EventFilter(exclude_profiles=frozenset({"a", "b"}))),
        ("-order:1 -order:2", EventFilter(exclude_order_ids=frozenset({"1", "2"}))),
        ("-entity:7", EventFilter(exclude_entity_ids=frozenset({"7"}))),
        ("-pinned:yes", EventFilter(unpinned_only=True)),
        ("-pinned:no", EventFilter(pinned_only=True)),
        ("-dup:yes", EventFilter()),
        ("-dup:no", EventFilter(duplicates_only=True)),
        ("-since:2h", EventFilter(until=NOW - timedelta(hours=2))),
        ("-until:1d", EventFilter(since=NOW - timedelta(days=1))),
    ],
)
def test_negation(text: str, expected: EventFilter) -> None:
    assert _only(text) == expected


def test_words_and_phrases_go_to_full_text_search() -> None:
    flt = _only('order:300 Київ  "передзвоніть будь ласка" ONSALE "x"')
    assert flt.order_id == "300"
    assert flt.text == "Київ ONSALE"
    assert flt.phrases == frozenset({"передзвоніть будь ласка", "x"})
    # Colons in words that cannot be keys stay search text.
    assert _only("12:30 00:1a").text == "12:30 00:1a"


def test_iso_dates_without_a_zone_are_local_and_until_a_date_takes_the_whole_day() -> None:
    flt = _only("since:2025-03-01 until:2025-03-02")
    local = datetime(2025, 3, 1).astimezone()
    assert flt.since == local.astimezone(UTC)
    assert flt.until == datetime(2025, 3, 3).astimezone().astimezone(UTC)
    with_time = _only("until:2025-03-02T08:15")
    assert with_time.until == datetime(2025, 3, 2, 8, 15).astimezone().astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "underlined", "says"),
    [
        ("foo:bar", "foo:", "unknown key foo"),
        ("https://shop.ua", "https:", "unknown key https"),
        ("source:", "source:", "needs a value"),
        ('profile:""', 'profile:""', "needs a value"),
        ("source:nope", "nope", "bitrix, horoshop or catch-up"),
        ("state:good", "good", "verified, rejected or malformed"),
        ("pinned:maybe", "maybe", "yes or no"),
        ("dup:twice", "twice", "yes, no or all"),
        ("-dup:all", "-dup:all", "would show nothing"),
        ("since:yesterday", "yesterday", "a span (30s, 15m, 2h, 3d, 1w) or an ISO date"),
        ("since:99999999999w", "99999999999w", "too far"),
        ('"unclosed phrase', '"unclosed phrase', "not closed"),
        ('profile:"unclosed', 'profile:"unclosed', "not closed"),
        ("-word", "-word", "negates a key"),
        ("-", "-", "negates a key"),
        ("order:1 order:2", "order:2", "already given"),
        ("pinned:yes pinned:no", "pinned:no", "already given"),
        ("since:1h -until:2h", "-until:2h", "already given"),
        ("source:bitrix,,horoshop", ",", "empty value"),
        ("source:,bitrix", ",", "empty value"),
        ("source:bitrix,", ",", "empty value"),
    ],
)
def test_problems_underline_the_bad_part(text: str, underlined: str, says: str) -> None:
    problems = _bad(text)
    assert len(problems) == 1, problems
    assert problems[0][0] == underlined
    assert says in problems[0][1]


def test_bad_parts_are_left_out_and_the_rest_still_filters() -> None:
    parsed = _parse("source:nope,bitrix order:1 order:2 foo:bar word pinned:maybe")
    assert parsed.filter == EventFilter(
        sources=frozenset({EventSource.BITRIX}), order_id="1", text="word"
    )
    assert not parsed.ok
    assert len(parsed.problems) == 4


def test_unknown_key_message_lists_the_keys() -> None:
    message = _bad("colour:red")[0][1]
    for key in KEYS:
        assert key.name in message


def _replacements(found: list[Completion]) -> list[str]:
    return [completion.replacement for completion in found]


def test_completes_keys() -> None:
    assert _replacements(completions("so", 2)) == ["source:"]
    assert _replacements(completions("order:1 -st", 11)) == ["-state:"]
    assert {c.replacement for c in completions("", 0)} == {f"{key.name}:" for key in KEYS}
    found = completions("order:1 s", 9)
    assert _replacements(found) == ["source:", "state:", "since:"]
    assert (found[0].start, found[0].end) == (8, 9)
    assert completions('"phr', 4) == []
    assert completions("colour:", 7) == []


def test_completes_values() -> None:
    assert _replacements(completions("source:h", 8)) == ["source:horoshop"]
    assert _replacements(completions("source:bitrix,c", 15)) == ["source:bitrix,catch-up"]
    # The key comes back in its own spelling.
    assert _replacements(completions("STATE:", 6)) == [
        "state:verified",
        "state:rejected",
        "state:malformed",
    ]
    assert _replacements(completions("pinned:", 7)) == ["pinned:yes", "pinned:no"]
    assert _replacements(completions("-dup:", 5)) == ["-dup:yes", "-dup:no", "-dup:all"]
    assert "since:2h" in _replacements(completions("since:", 6))
    assert _replacements(completions("profile:m", 9, profiles=["main", "my shop", "other"])) == [
        "profile:main",
        'profile:"my shop"',
    ]
    assert _replacements(completions("event:ON", 8, events=["ONCUSTOM"])) == [
        "event:ONCUSTOM",
        "event:ONSALEORDERSAVED",
        "event:ONPROPERTYVALUEENTITYSAVED",
    ]
    # The whole word under the cursor is replaced, also when the cursor is inside it.
    found = completions("x source:hor y", 12)
    assert [(c.start, c.end, c.replacement) for c in found] == [(2, 12, "source:horoshop")]


def test_describe_lists_every_key() -> None:
    text = describe()
    for key in KEYS:
        assert f"{key.name}:" in text


_QUERY_ALPHABET = st.sampled_from(
    [*'":-,. ', "\x00", "\t", "source", "state", "dup", "pinned", "since", "until", "order",
     "profile", "event", "entity", "horoshop", "yes", "no", "all", "2h", "1w", "2025-03-01",
     "T10:00", "Київ", "x", "9", "catch-up", "rejected"]
)  # fmt: skip
_QUERIES = st.text() | st.lists(_QUERY_ALPHABET, max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(_QUERIES, st.integers(min_value=-3, max_value=80))
def test_no_input_raises_and_problems_lie_within_the_text(text: str, cursor: int) -> None:
    parsed = parse_query(text, now=NOW)
    for problem in parsed.problems:
        assert 0 <= problem.start < problem.end <= len(text)
        assert problem.message and "could not be read" not in problem.message
    for completion in completions(text, cursor, profiles=["shop", "a b"], events=["E"]):
        assert 0 <= completion.start <= completion.end <= len(text)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_QUERIES)
def test_every_filter_runs_in_the_store(store: SqliteEventStore, text: str) -> None:
    flt = parse_query(text, now=NOW).filter
    store.query_rows(flt, limit=5)
    store.count(flt)


def test_parsed_queries_select_the_right_events(store: SqliteEventStore) -> None:
    horoshop = store.append(
        record(
            source=EventSource.HOROSHOP,
            event="order_created",
            order_id="300",
            payload={"delivery_name": "Олена Коваленко", "comment": "передзвоніть будь ласка"},
        )
    ).id
    rejected = store.append(record(verification=Verification.REJECTED, order_id="300")).id
    other = store.append(record(order_id="301", payload={"comment": "ласка будь"})).id

    def ids(text: str) -> list[int]:
        parsed = parse_query(text)
        assert parsed.ok, parsed.problems
        return [row.id for row in store.query_rows(parsed.filter)]

    assert ids("order:300") == [rejected, horoshop]
    assert ids("order:300 -state:rejected") == [horoshop]
    assert ids("source:horoshop,bitrix -order:300") == [other]
    assert ids("будь ласка") == [other, horoshop]
    assert ids('"будь ласка"') == [horoshop]
    assert ids('"ласка будь"') == [other]
    assert ids('коваленко "будь ласка" event:ORDER_CREATED') == [horoshop]
    assert store.count(parse_query('"будь ласка"').filter) == 1
