"""The feed model pages through a real store and takes live events at the top."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.store import SqliteEventStore
from console.store.model import EventFilter, EventSource, FeedRow, Verification
from console.ui import language
from console.ui.bridge import StoreEventBridge
from console.ui.jobs import JobRunner
from console.ui.models import feed as feed_module
from console.ui.models.feed import (
    PAGE,
    Column,
    EventFeedTableModel,
    EventIdRole,
    RowKind,
)
from console.ui.views.feed import HOLD_AFTER_ROWS, FeedTableView
from tests.ui.window_support import OFFSCREEN_NOISE, fill, record

pytestmark = OFFSCREEN_NOISE


def loaded_model(qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore) -> EventFeedTableModel:
    model = EventFeedTableModel(jobs)
    with qtbot.waitSignal(model.query_finished, timeout=10_000):
        model.set_store(store)
    return model


def test_pages_in_until_the_store_is_exhausted(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore, qtmodeltester: ModelTester
) -> None:
    ids = fill(store, PAGE * 2 + 37)
    model = loaded_model(qtbot, jobs, store)
    assert model.rowCount() == PAGE
    qtmodeltester.check(model)
    while model.canFetchMore():
        before = model.rowCount()
        model.fetchMore()
        qtbot.waitUntil(lambda n=before: model.rowCount() > n or not model.canFetchMore())  # type: ignore[misc]
    assert model.rowCount() == len(ids)
    shown = [model.index(row, 0).data(EventIdRole) for row in range(model.rowCount())]
    assert shown == sorted(ids, reverse=True)
    assert model.row_of(ids[0]) == len(ids) - 1
    qtmodeltester.check(model)


def test_rows_show_precomputed_texts_and_colours(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    store.append(record(1))
    store.append(record(2, verification=Verification.REJECTED))
    store.append(record(3, verification=Verification.MALFORMED))
    original = store.append(record(4)).id
    dup = store.append(record(4))
    assert dup.duplicate_of == original
    model = loaded_model(qtbot, jobs, store)
    model.set_filter(EventFilter(include_duplicates=True))
    qtbot.waitUntil(lambda: model.rowCount() == 5)
    texts = [
        (model.index(r, Column.ORDER).data(), model.index(r, Column.VERIFICATION).data())
        for r in range(5)
    ]
    assert texts == [
        ("4", f"duplicate of #{original}"),
        ("4", "verified"),
        ("3", "malformed"),
        ("2", "rejected"),
        ("1", "verified"),
    ]
    assert model._rows[3].kind is RowKind.REJECTED
    assert model._rows[0].kind is RowKind.DUPLICATE
    rejected_row = next(r for r in range(5) if model.index(r, Column.ORDER).data() == "2")
    brush = model.index(rejected_row, 0).data(0x0009)  # ForegroundRole
    assert brush is not None and brush.color().red() > 150


def test_live_events_arrive_in_one_batch_at_the_top(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore, qtmodeltester: ModelTester
) -> None:
    fill(store, 5)
    model = loaded_model(qtbot, jobs, store)
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.query_finished, timeout=10_000):
        model.set_filter(EventFilter(sources=frozenset({EventSource.BITRIX})))
    bridge = StoreEventBridge(store)
    bridge.event_committed.connect(model.add_live)
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
    try:
        with qtbot.waitSignal(model.live_inserted, timeout=5000) as blocker:
            futures = [store.submit(record(n)) for n in range(100, 110)]
            # A horoshop event the filter (bitrix only) does not take.
            futures.append(store.submit(record(200, source=EventSource.HOROSHOP)))
            new = [future.result(timeout=10).id for future in futures[:10]]
    finally:
        bridge.detach()
    assert blocker.args == [10]
    assert inserts == [(0, 9)]
    assert model.rowCount() == 15
    top = [model.index(r, 0).data(EventIdRole) for r in range(10)]
    assert top == sorted(new, reverse=True)
    assert all(model.index(r, Column.SOURCE).data() == "bitrix" for r in range(15))


def test_live_full_text_filter_asks_the_store(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    store.append(record(1, payload={"note": "apple"}))
    store.append(record(2, payload={"note": "pear"}))
    model = EventFeedTableModel(jobs)
    model.set_filter(EventFilter(text="apple"))
    with qtbot.waitSignal(model.query_finished, timeout=10_000):
        model.set_store(store)
    assert model.rowCount() == 1
    bridge = StoreEventBridge(store)
    bridge.event_committed.connect(model.add_live)
    try:
        with qtbot.waitSignal(model.live_inserted, timeout=5000) as blocker:
            store.append(record(3, payload={"note": "pear"}))
            wanted = store.append(record(4, payload={"note": "apple pie"})).id
    finally:
        bridge.detach()
    assert blocker.args == [1]
    assert model.index(0, 0).data(EventIdRole) == wanted
    assert model.rowCount() == 2


def test_live_rows_under_a_quoted_phrase_alone_are_asked_of_the_store(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    # The query bar's `"wrong token"` alone: no free words, one phrase (issue 15).
    store.append(record(1, payload={"note": "apple pie"}))
    model = EventFeedTableModel(jobs)
    model.set_filter(EventFilter(phrases=frozenset({"apple pie"})))
    with qtbot.waitSignal(model.query_finished, timeout=10_000):
        model.set_store(store)
    assert model.rowCount() == 1
    bridge = StoreEventBridge(store)
    bridge.event_committed.connect(model.add_live)
    try:
        with qtbot.waitSignal(model.live_inserted, timeout=5000) as blocker:
            store.append(record(2, payload={"note": "pear"}))
            wanted = store.append(record(3, payload={"note": "apple pie"})).id
    finally:
        bridge.detach()
    assert blocker.args == [1]
    assert model.index(0, 0).data(EventIdRole) == wanted
    assert model.rowCount() == 2


def test_pause_counts_and_resume_inserts(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    fill(store, 3)
    model = loaded_model(qtbot, jobs, store)
    bridge = StoreEventBridge(store)
    bridge.event_committed.connect(model.add_live)
    try:
        model.set_paused(True)
        with qtbot.assertNotEmitted(model.live_inserted, wait=300):
            for n in range(10, 17):
                store.append(record(n))
            qtbot.waitUntil(lambda: model.pending == 7)
        assert model.rowCount() == 3
        with qtbot.waitSignal(model.live_inserted, timeout=5000) as blocker:
            model.set_paused(False)
    finally:
        bridge.detach()
    assert blocker.args == [7]
    assert model.pending == 0
    assert model.rowCount() == 10


def test_only_the_newest_query_lands(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    for n in range(1, 41):
        source = EventSource.HOROSHOP if n % 4 == 0 else EventSource.BITRIX
        store.append(record(n, source=source))
    model = loaded_model(qtbot, jobs, store)
    finished: list[int] = []
    model.query_finished.connect(finished.append)
    model.set_filter(EventFilter(sources=frozenset({EventSource.BITRIX})))
    model.set_filter(EventFilter(sources=frozenset({EventSource.HOROSHOP})))
    qtbot.waitUntil(lambda: bool(finished))
    with qtbot.assertNotEmitted(model.query_finished, wait=300):
        pass
    assert finished == [10]
    assert {model.index(r, Column.SOURCE).data() for r in range(model.rowCount())} == {"horoshop"}


def test_insert_while_scrolled_down_keeps_the_view_and_shows_the_chip(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    fill(store, 150)
    model = loaded_model(qtbot, jobs, store)
    view = FeedTableView(model)
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    row_height = view.verticalHeader().defaultSectionSize()
    view.verticalScrollBar().setValue(row_height * 60)
    top_before = view.indexAt(QPoint(5, 5)).data(EventIdRole)
    view.selectRow(65)
    selected_before = view.selected_event_ids()
    bridge = StoreEventBridge(store)
    bridge.event_committed.connect(model.add_live)
    try:
        with qtbot.waitSignal(model.live_inserted, timeout=5000):
            for n in range(500, 504):
                store.append(record(n))
        qtbot.waitUntil(lambda: model.rowCount() == 154)
    finally:
        bridge.detach()
    assert view.indexAt(QPoint(5, 5)).data(EventIdRole) == top_before
    assert view.selected_event_ids() == selected_before
    assert view.chip.isVisible()
    assert "4" in view.chip.text()
    view.chip.click()
    assert view.verticalScrollBar().value() == 0
    assert not view.chip.isVisible()


def test_insert_at_the_top_without_scrolling_shows_the_new_rows(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    fill(store, 50)
    model = loaded_model(qtbot, jobs, store)
    view = FeedTableView(model)
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    bridge = StoreEventBridge(store)
    bridge.event_committed.connect(model.add_live)
    try:
        with qtbot.waitSignal(model.live_inserted, timeout=5000):
            newest = store.append(record(900)).id
    finally:
        bridge.detach()
    assert view.indexAt(QPoint(5, 5)).data(EventIdRole) == newest
    assert not view.chip.isVisible()


def test_activating_a_duplicate_asks_for_its_original(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    original = store.append(record(7)).id
    store.append(record(7))
    model = EventFeedTableModel(jobs)
    model.set_filter(EventFilter(include_duplicates=True))
    with qtbot.waitSignal(model.query_finished, timeout=10_000):
        model.set_store(store)
    view = FeedTableView(model)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.original_requested) as blocker:
        view.activated.emit(model.index(0, Column.VERIFICATION))
    assert blocker.args == [original]
    assert view.select_event(original)
    assert view.current_event_id() == original


def test_a_long_pause_asks_the_store_on_resume(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_module, "MAX_BUFFERED", 5)
    fill(store, 3)
    model = loaded_model(qtbot, jobs, store)
    bridge = StoreEventBridge(store)
    bridge.event_committed.connect(model.add_live)
    try:
        model.set_paused(True)
        new = [store.append(record(n)).id for n in range(20, 32)]
        qtbot.waitUntil(lambda: model.pending == 12)
        assert len(model._live_buffer) <= 5
        with qtbot.waitSignal(model.live_inserted, timeout=5000) as blocker:
            model.set_paused(False)
    finally:
        bridge.detach()
    assert blocker.args == [12]
    assert [model.event_id(r) for r in range(12)] == sorted(new, reverse=True)


def test_a_longer_live_value_widens_its_column_once_sampled(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    fill(store, 5, event="SHORT")
    model = loaded_model(qtbot, jobs, store)
    view = FeedTableView(model)
    qtbot.addWidget(view)
    view.size_columns_from_sample()
    narrow = view.columnWidth(Column.EVENT)
    bridge = StoreEventBridge(store)
    bridge.event_committed.connect(model.add_live)
    try:
        with qtbot.waitSignal(model.live_inserted, timeout=5000):
            store.append(record(50, event="ONPROPERTYVALUEENTITYSAVED"))
        assert view.columnWidth(Column.EVENT) > narrow
        view.mark_widths_restored()  # a saved layout's widths are kept as they are
        locked = view.columnWidth(Column.PROFILE)
        with qtbot.waitSignal(model.live_inserted, timeout=5000):
            store.append(record(51, profile="a-much-longer-profile-name-than-shop"))
        assert view.columnWidth(Column.PROFILE) == locked
    finally:
        bridge.detach()


def test_feed_columns_follow_the_declared_contract() -> None:
    """The feed lays out the columns console.store.columns declares, in that order."""
    from console.store.columns import FEED_COLUMNS
    from console.ui.models.feed import Column, column_titles

    declared = [column.name for column in FEED_COLUMNS]
    assert [member.name.lower() for member in Column] == [
        {"received_at": "received", "order_id": "order", "entity_id": "entity"}.get(name, name)
        for name in declared
    ]
    assert len(column_titles()) == len(declared)


def stored_row(store: SqliteEventStore, n: int) -> FeedRow:
    stored = store.get(store.append(record(n)).id)
    assert stored is not None
    return feed_module.feed_row(stored)


def test_a_bridge_batch_goes_in_at_once_without_a_second_wait(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    """The bridge's batch is the one gathering stage: the model inserts it as it comes."""
    fill(store, 5)
    model = loaded_model(qtbot, jobs, store)
    rows = [stored_row(store, n) for n in range(300, 303)]
    inserted: list[int] = []
    model.live_inserted.connect(inserted.append)
    model.add_live_rows(rows)
    assert inserted == [3]
    assert model.rowCount() == 8
    assert model.index(0, 0).data(EventIdRole) == rows[-1].id


def test_after_a_flood_the_next_rows_wait_for_one_insert(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More rows a flush than anyone reads: the next batches are gathered, not each painted."""
    monkeypatch.setattr(feed_module, "FLOOD_FLUSH_MS", 60_000)
    model = loaded_model(qtbot, jobs, store)
    flood = [stored_row(store, n) for n in range(feed_module.FLOOD_ROWS)]
    model.add_live_rows(flood)
    assert model.rowCount() == feed_module.FLOOD_ROWS
    with qtbot.assertNotEmitted(model.live_inserted, wait=300):
        model.add_live_rows([stored_row(store, 900)])
        model.add_live_rows([stored_row(store, 901)])
    assert model.rowCount() == feed_module.FLOOD_ROWS


def test_a_flood_while_scrolled_down_is_counted_on_the_chip_not_inserted(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore
) -> None:
    fill(store, 150)
    model = loaded_model(qtbot, jobs, store)
    view = FeedTableView(model)
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    view.verticalScrollBar().setValue(view.verticalHeader().defaultSectionSize() * 60)
    top_before = view.indexAt(QPoint(5, 5)).data(EventIdRole)
    bridge = StoreEventBridge(store)
    bridge.events_committed.connect(model.add_live_rows)
    first = HOLD_AFTER_ROWS + 10
    try:
        for n in range(first):
            store.append(record(1000 + n))
        # More than anyone reads has gone in above the operator: the rest is held.
        qtbot.waitUntil(lambda: model.rowCount() == 150 + first, timeout=10_000)
        assert model.held
        newest = 0
        for n in range(first, 200):
            newest = store.append(record(1000 + n)).id
        qtbot.waitUntil(lambda: view.new_rows == 200, timeout=10_000)
    finally:
        bridge.detach()
    assert model.rowCount() == 150 + first
    assert view.indexAt(QPoint(5, 5)).data(EventIdRole) == top_before
    assert view.chip.isVisible() and "200" in view.chip.text()
    view.chip.click()
    qtbot.waitUntil(lambda: model.rowCount() == 350, timeout=10_000)
    assert not model.held and model.held_count == 0
    assert view.verticalScrollBar().value() == 0
    assert view.indexAt(QPoint(5, 5)).data(EventIdRole) == newest
    assert not view.chip.isVisible()


def test_a_refused_rows_reason_is_in_the_interface_language(
    qtbot: QtBot, jobs: JobRunner, store: SqliteEventStore, qapp: QApplication
) -> None:
    refused = record(2, verification=Verification.REJECTED).model_copy(
        update={"verification_reason": "wrong application token for profile shop"}
    )
    store.append(refused)
    language.install_translators(qapp, "uk")
    try:
        model = loaded_model(qtbot, jobs, store)
        summary = model.index(0, Column.SUMMARY).data()
    finally:
        language.install_translators(qapp, "en")
    assert summary == "⚠ хибний токен застосунку для профілю shop"
    # The tooltip keeps the stored words, the ones a query finds it by.
    assert "wrong application token for profile shop" in model.index(0, 0).data(0x0003)
