"""Values that would break an index are bounded, and a row the database refuses fails no
other row of its group (issue 14). Both stores, through the store fixtures."""

from __future__ import annotations

import random
import string

import pytest

from console.store import EventFilter, EventSource, Verification
from console.store.bounds import MAX_INDEXED_BYTES
from tests.store.conftest import AnyStore, StoreBacking
from tests.store.records import hold_writer, record


def _letters(count: int, seed: int = 14) -> str:
    # Random, so PostgreSQL cannot compress the index entry below its limit.
    chooser = random.Random(seed)
    return "".join(chooser.choice(string.ascii_letters) for _ in range(count))


def test_forged_event_with_huge_values_among_genuine_ones_keeps_them_all(
    store: AnyStore,
) -> None:
    gate = hold_writer(store)
    genuine = [store.submit(record()) for _ in range(20)]
    huge = _letters(3000)
    forged = store.submit(
        record(
            profile=huge,
            entity_id=huge,
            order_id=huge,
            event=huge,
            verification=Verification.REJECTED,
            verification_reason="unknown profile or wrong application token",
        )
    )
    gate.set()
    ids = [future.result(timeout=30).id for future in genuine]
    kept = store.get(forged.result(timeout=30).id)

    assert all(
        event is not None and event.verification is Verification.VERIFIED
        for event in map(store.get, ids)
    )
    assert kept is not None
    assert kept.verification is Verification.REJECTED
    for value in (kept.profile, kept.entity_id, kept.order_id, kept.event):
        assert value is not None
        assert len(value.encode()) <= MAX_INDEXED_BYTES
        assert value.endswith("…") and huge.startswith(value[:-1])
    assert kept.verification_reason is not None
    assert kept.verification_reason.startswith("unknown profile or wrong application token; ")
    assert "profile" in kept.verification_reason and "cut" in kept.verification_reason


def test_long_indexed_values_are_cut_alike_by_both_stores_and_still_found(
    store: AnyStore,
) -> None:
    order = "№" + _letters(600)  # two bytes, then letters: cut inside the letters
    stored = store.get(store.append(record(order_id=order, entity_id=order, ts=_letters(900))).id)
    assert stored is not None and stored.order_id is not None
    assert len(stored.order_id.encode()) == MAX_INDEXED_BYTES
    assert stored.order_id == order.encode()[: MAX_INDEXED_BYTES - 3].decode() + "…"
    assert store.count(EventFilter(order_id=stored.order_id)) == 1
    # The same delivery again is its duplicate, though its key is longer than the index takes.
    again = stored.model_dump(exclude={"id", "duplicate_of", "pinned"})
    again.update(order_id=order, entity_id=order, verification_reason=None)
    assert store.append(record(**again)).duplicate_of == stored.id


def test_horoshop_order_with_a_2047_letter_comment_is_stored_and_found(store: AnyStore) -> None:
    run = _letters(2047)
    result = store.append(
        record(
            source=EventSource.HOROSHOP,
            event="order_created",
            payload={"order_id": 7001, "comment": f"{run} please call first"},
        )
    )
    stored = store.get(result.id)
    assert stored is not None and stored.verification is Verification.VERIFIED
    assert store.count(EventFilter(text="please call")) == 1


_REFUSE_POISON = {
    "sqlite": [
        "CREATE TRIGGER poison BEFORE INSERT ON events WHEN new.payload LIKE '%poison%' "
        "BEGIN SELECT RAISE(ABORT, 'value too long for the index'); END"
    ],
    "postgres": [
        "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'value too long for the index'; END $$",
        "CREATE TRIGGER poison BEFORE INSERT ON events FOR EACH ROW "
        "WHEN (strpos(new.payload, 'poison') > 0) EXECUTE FUNCTION poison()",
    ],
}


@pytest.mark.parametrize("verification", [Verification.VERIFIED, Verification.REJECTED])
def test_a_row_the_database_refuses_is_kept_apart_and_fails_no_other(
    store: AnyStore, backing: StoreBacking, verification: Verification
) -> None:
    # The database itself refuses the row (a trigger), as it would a value past its limits.
    for statement in _REFUSE_POISON[backing.kind]:
        backing.peek(statement)
    gate = hold_writer(store)
    genuine = [store.submit(record()) for _ in range(20)]
    offender = store.submit(
        record(
            verification=verification,
            payload={"note": "poison"},
            raw_body=b'{"note": "poison"}',
            order_id="77",
        )
    )
    gate.set()
    ids = [future.result(timeout=30).id for future in genuine]
    kept = store.get(offender.result(timeout=30).id)

    assert len(set(ids)) == 20
    assert all(store.get(event_id) is not None for event_id in ids)
    assert kept is not None
    # A forged event never turns into a malformed (authentic) one.
    expected = (
        Verification.REJECTED if verification is Verification.REJECTED else (Verification.MALFORMED)
    )
    assert kept.verification is expected
    assert kept.verification_reason is not None
    assert "the store refused it" in kept.verification_reason
    assert "value too long for the index" in kept.verification_reason
    assert kept.payload is None and kept.headers == []
    assert kept.raw_body == b'{"note": "poison"}'
    assert kept.order_id == "77"


def test_text_sqlite_cannot_encode_fails_no_other_row(store: AnyStore) -> None:
    # A lone surrogate (undecodable bytes from a poller or a file) in a header.
    gate = hold_writer(store)
    genuine = [store.submit(record()) for _ in range(5)]
    odd = store.submit(record(headers=[("X-Odd", "\udcff")], order_id="88"))
    gate.set()
    assert all(future.result(timeout=30).id > 0 for future in genuine)
    kept = store.get(odd.result(timeout=30).id)
    assert kept is not None and kept.order_id == "88"
