"""Purging by age and count; pinned events always stay."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from console.store import EventFilter, RetentionPolicy
from tests.store.conftest import AnyStore, StoreBacking
from tests.store.records import record


def _ages(store: AnyStore, days: Sequence[float]) -> list[int]:
    now = datetime.now(UTC)
    return [store.append(record(received_at=now - timedelta(days=age))).id for age in days]


def _remaining(store: AnyStore) -> list[int]:
    flt = EventFilter(include_duplicates=True)
    return sorted(event.id for event in store.iter_events(flt))


def test_purge_removes_older_unpinned(store: AnyStore) -> None:
    ids = _ages(store, [10, 9, 8, 1, 0])
    store.set_pinned(ids[0], True)
    removed = store.purge(datetime.now(UTC) - timedelta(days=5))
    assert removed == 2
    assert _remaining(store) == [ids[0], ids[3], ids[4]]
    # Search index entries of removed rows are gone too.
    assert store.count(EventFilter(text="ONSALEORDERSAVED")) == 3


def test_purge_in_several_batches(
    store: AnyStore, backing: StoreBacking, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backing.module, "PURGE_BATCH", 3)
    ids = _ages(store, [30] * 10 + [0])
    store.set_pinned(ids[4], True)
    assert store.purge(datetime.now(UTC) - timedelta(days=1)) == 9
    assert _remaining(store) == [ids[4], ids[10]]


def test_retention_by_count_keeps_newest_and_pinned(
    store: AnyStore, backing: StoreBacking, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backing.module, "PURGE_BATCH", 2)
    ids = _ages(store, [0] * 8)
    store.set_pinned(ids[0], True)
    removed = store.enforce_retention(RetentionPolicy(max_age_days=None, max_count=4))
    assert removed == 4
    # Pinned counts toward the total but is never removed.
    assert _remaining(store) == [ids[0], ids[5], ids[6], ids[7]]
    assert store.enforce_retention(RetentionPolicy(max_age_days=None, max_count=4)) == 0


def test_retention_by_age_and_count(store: AnyStore) -> None:
    ids = _ages(store, [100, 95, 50, 40, 30, 1])
    store.set_pinned(ids[1], True)
    removed = store.enforce_retention(RetentionPolicy(max_age_days=90, max_count=3))
    assert removed == 3
    assert _remaining(store) == [ids[1], ids[4], ids[5]]


def test_pinned_beyond_the_limit_all_stay(store: AnyStore) -> None:
    ids = _ages(store, [5, 4, 3])
    for event_id in ids:
        store.set_pinned(event_id, True)
    assert store.enforce_retention(RetentionPolicy(max_age_days=1, max_count=1)) == 0
    assert _remaining(store) == ids


def test_disabled_limits_remove_nothing(store: AnyStore) -> None:
    _ages(store, [1000, 0])
    assert store.enforce_retention(RetentionPolicy(max_age_days=None, max_count=None)) == 0
    assert store.count() == 2


def test_background_retention_runs_at_open_and_stops_on_close(
    open_store_again: Callable[..., AnyStore],
) -> None:
    seed = open_store_again()
    ids = _ages(seed, [200, 0])
    seed.close()
    store = open_store_again(retention=RetentionPolicy(max_age_days=30, max_count=None))
    try:
        done = threading.Event()
        # The first run happens at open; poll the store's own answer without timing.
        for _ in range(1000):
            if _remaining(store) == [ids[1]]:
                done.set()
                break
            threading.Event().wait(0.01)
        assert done.is_set()
    finally:
        store.close()
    retention = store._retention
    assert retention is not None and not retention.thread.is_alive()
