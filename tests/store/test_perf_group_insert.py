"""Large write groups: multi-row INSERTs keep ids, order and duplicates exactly as row by row."""

from __future__ import annotations

from concurrent.futures import Future

from console.store import AppendResult, EventFilter, Verification
from console.store.rows import MAX_ROWS_PER_INSERT
from tests.store.conftest import AnyStore
from tests.store.records import hold_writer, record


def test_a_group_larger_than_one_insert_keeps_order_and_duplicates(
    store: AnyStore,
) -> None:
    stored_before = store.append(record(entity_id="old", ts="1"))
    gate = hold_writer(store)
    count = MAX_ROWS_PER_INSERT * 3 + 5
    records = []
    for index in range(count):
        if index % 7 == 0:
            # Repeats of one delivery inside the group, spread over several INSERTs.
            records.append(record(entity_id="same", ts="9"))
        elif index % 11 == 0:
            records.append(record(entity_id="old", ts="1"))  # a repeat of a stored event
        elif index % 13 == 0:
            records.append(record(entity_id=None))  # no dedup key
        elif index % 17 == 0:
            records.append(record(entity_id="same", ts="9", verification=Verification.REJECTED))
        else:
            records.append(record())
    transactions_before, _ = store.group_stats()
    futures: list[Future[AppendResult]] = [store.submit(item) for item in records]
    gate.set()
    results = [future.result(timeout=30) for future in futures]

    transactions, _ = store.group_stats()
    assert transactions - transactions_before == 1  # all of them in one transaction
    ids = [result.id for result in results]
    assert ids == list(range(ids[0], ids[0] + count))
    first_same = ids[0]  # index 0 is the first "same" delivery
    for index, result in enumerate(results):
        if index == 0:
            expected = None
        elif index % 7 == 0:
            expected = first_same
        elif index % 11 == 0:
            expected = stored_before.id
        else:
            expected = None
        assert result.duplicate_of == expected, index
        stored = store.get(result.id)
        assert stored is not None
        assert stored.duplicate_of == expected
        assert stored.entity_id == records[index].entity_id
        assert stored.raw_body == records[index].raw_body
    assert store.count(EventFilter(include_duplicates=True)) == count + 2


def test_group_stats_count_events_and_transactions(store: AnyStore) -> None:
    assert store.group_stats() == (0, 0)
    store.append(record())
    store.append(record())
    assert store.group_stats() == (2, 2)
