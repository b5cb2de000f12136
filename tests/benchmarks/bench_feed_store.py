"""The feed's reads on a large store: ``uv run python -m tests.benchmarks.bench_feed_store PATH``.

Builds the store first when PATH does not hold ``--events`` events (see build_store.py).
Prints median and p95 milliseconds over repeated runs of: the first feed page, a page deep
in the feed (keyset), filtered pages, full-text searches for a common and a rare word,
every sidebar count and the live top (``after_id``). Measured, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from console.store import EventFilter, EventSource, SqliteEventStore, Verification
from console.store.querylang import parse_query
from tests.benchmarks.build_store import DEFAULT_EVENTS, build_store

PAGE = 100


def _time(run: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """``(median ms, p95 ms, last result)`` over ``repeat`` runs after one warm-up run."""
    result = run()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, result


def _cases(store: SqliteEventStore) -> list[tuple[str, Callable[[], Any]]]:
    newest = store.query_rows(limit=1)[0].id
    deep = store.query_rows(limit=1, before_id=newest - 900_000 if newest > 900_000 else None)
    deep_id = deep[0].id if deep else newest
    views = {
        "All": EventFilter(),
        "Rejected": EventFilter(verification=frozenset({Verification.REJECTED})),
        "Malformed": EventFilter(verification=frozenset({Verification.MALFORMED})),
        "Horoshop": EventFilter(sources=frozenset({EventSource.HOROSHOP})),
        "Catch-up": EventFilter(sources=frozenset({EventSource.CATCH_UP})),
        "Pinned": EventFilter(pinned_only=True),
        "Duplicates": EventFilter(duplicates_only=True),
        "q: profile:shop2 -state:rejected": parse_query("profile:shop2 -state:rejected").filter,
        "q: order:300": parse_query("order:300").filter,
        "q: since:1d": parse_query("since:1d").filter,
    }

    def rows(flt: EventFilter | None = None, **kw: Any) -> Callable[[], Any]:
        return lambda: store.query_rows(flt, limit=PAGE, **kw)

    cases: list[tuple[str, Callable[[], Any]]] = [
        ("feed: first page (query_rows)", rows()),
        ("feed: first page (query, pydantic)", lambda: store.query(limit=PAGE)),
        ("feed: page 900k deep (keyset)", rows(before_id=deep_id)),
        ("feed: live top, after_id", rows(after_id=newest - 50)),
        ("feed: live top, after_id, horoshop", rows(views["Horoshop"], after_id=newest - 50)),
    ]
    for name in ("Rejected", "Malformed", "Horoshop", "Catch-up", "Pinned"):
        cases.append((f"page: {name}", rows(views[name])))
    for query in (
        "order:300",
        "source:bitrix,catch-up -state:rejected event:ONSALEORDERSAVED",
        "profile:shop2 since:1d",
        "state:malformed -profile:shop2",
    ):
        cases.append((f"page: {query}", rows(parse_query(query).filter)))
    for query in (
        "UAH",  # in every Horoshop and catch-up payload
        "ONSALEORDERSAVED",
        "Шевченко",
        '"будь ласка"',
        "Коваленко source:horoshop",
        "order:300 save",
        "doesnotexist",
    ):
        cases.append((f"search: {query}", rows(parse_query(query).filter)))
    cases.append(("search: rare word (one xml id)", rows(_rare(store))))
    for name, flt in views.items():
        cases.append((f"count: {name}", lambda flt=flt: store.count(flt)))
    cases.append(("count: search Шевченко", lambda: store.count(EventFilter(text="Шевченко"))))
    return cases


def _rare(store: SqliteEventStore) -> EventFilter:
    """A word that occurs in one event: an XML id from the middle of the store."""
    newest = store.query_rows(limit=1)[0].id
    for event in store.query(
        EventFilter(sources=frozenset({EventSource.BITRIX})), limit=50, before_id=newest // 2
    ):
        payload = event.payload if isinstance(event.payload, dict) else {}
        fields = payload.get("data", {}).get("FIELDS", {})
        if fields.get("XML_ID"):
            return EventFilter(text=str(fields["XML_ID"]))
    return EventFilter(text="nothing-rare-found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    built = build_store(args.path, args.events)
    if built:
        print(f"built {args.events:,} events in {built:.1f} s")
    with SqliteEventStore(args.path) as store:
        print(f"{'case':<66} {'median ms':>10} {'p95 ms':>9} {'rows':>9}")
        for name, run in _cases(store):
            median, p95, result = _time(run, args.repeat)
            size = len(result) if isinstance(result, list) else result
            print(f"{name:<66} {median:>10.2f} {p95:>9.2f} {size:>9}")


if __name__ == "__main__":
    main()
