"""The live feed's table model: keyset pages from the store, live events batched at the top.

Rows arrive as :class:`FeedRow` tuples (plain values, cheap by the million). Everything a
view asks for (display strings, colours, tooltips) is computed once when a row arrives,
so :meth:`EventFeedTableModel.data` is a few dictionary and tuple lookups.

Live events come from :class:`console.ui.bridge.StoreEventBridge`, whose batches are the
one place they are gathered: :meth:`EventFeedTableModel.add_live_rows` inserts each batch
at once, in one ``beginInsertRows`` at row 0 (:meth:`~EventFeedTableModel.add_live` takes
one event and flushes at most every :data:`FLUSH_MS`). Under a flood, more rows a flush
than anyone reads, inserts come at most every :data:`FLOOD_FLUSH_MS`. A filter the model
can evaluate in Python is tested per event; anything else (full-text search) re-asks the
store for what is newer than the top row.
"""

from __future__ import annotations

import enum
import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPalette

from console.store.columns import FEED_COLUMNS
from console.store.conditions import searches
from console.store.model import (
    EventFilter,
    EventStore,
    FeedRow,
    OrderRef,
    OrderSystem,
    QueryError,
    StoredEvent,
)
from console.store.sqlite import feed_row
from console.ui.jobs import JobContext, JobRunner
from console.ui.models.indexes import Index
from console.ui.untrusted import shown, tooltip
from console.ui.wording import translated_refusal, translated_summary

# Rows per keyset page: a screenful many times over, a few ms of SQLite.
PAGE = 200
# Live rows are flushed into the view at most this often.
FLUSH_MS = 100
# A flush of at least FLOOD_ROWS rows (250 a second at the bridge's pace: more than anyone
# reads) makes the next wait FLOOD_FLUSH_MS: a few repaints a second instead of ten.
FLOOD_ROWS = 25
FLOOD_FLUSH_MS = 250
# A full-text live refresh reads at most this many rows per query page.
LIVE_PAGE = 500
# Live rows held in memory while paused; beyond this the store is re-asked on resume.
MAX_BUFFERED = 5000

EventIdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2


class Column(enum.IntEnum):
    """Positions of :data:`~console.store.columns.FEED_COLUMNS` (a test keeps them in step)."""

    RECEIVED = 0
    SOURCE = 1
    EVENT = 2
    ORDER = 3
    ENTITY = 4
    PROFILE = 5
    VERIFICATION = 6
    SUMMARY = 7


def column_titles() -> list[str]:
    """The headers, in the order :data:`~console.store.columns.FEED_COLUMNS` declares."""
    # Literal strings, so the translation tools find them; keyed by the declared names.
    titles = {
        "received_at": QCoreApplication.translate("EventFeedTableModel", "Received"),
        "source": QCoreApplication.translate("EventFeedTableModel", "Source"),
        "event": QCoreApplication.translate("EventFeedTableModel", "Event"),
        "order_id": QCoreApplication.translate("EventFeedTableModel", "Order"),
        "entity_id": QCoreApplication.translate("EventFeedTableModel", "Entity"),
        "profile": QCoreApplication.translate("EventFeedTableModel", "Profile"),
        "verification": QCoreApplication.translate("EventFeedTableModel", "Verification"),
        "summary": QCoreApplication.translate("EventFeedTableModel", "Summary"),
    }
    return [titles[declared.name] for declared in FEED_COLUMNS]


class RowKind(enum.IntEnum):
    """What colours a row: picked once per row, looked up per paint."""

    NORMAL = 0
    REJECTED = 1
    MALFORMED = 2
    DUPLICATE = 3


@dataclass(frozen=True, slots=True)
class _Row:
    row: FeedRow
    texts: tuple[str, ...]
    kind: RowKind
    tooltip: str


def received_text(received_us: int, today: date) -> str:
    """Local time: ``HH:MM:SS`` for today, the date and minutes for older events."""
    return _received_text(received_us // 1_000_000, today)


@functools.lru_cache(maxsize=4096)
def _received_text(received_s: int, today: date) -> str:
    # Events arrive many to a second and pages hold neighbours: most calls hit the cache.
    moment = datetime.fromtimestamp(received_s, UTC).astimezone()
    if moment.date() == today:
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")


def _make_row(row: FeedRow, today: date) -> _Row:
    if row.duplicate_of is not None:
        kind = RowKind.DUPLICATE
        verification = QCoreApplication.translate(
            "EventFeedTableModel", "duplicate of #%1"
        ).replace("%1", str(row.duplicate_of))
    elif row.verification == "rejected":
        kind, verification = (
            RowKind.REJECTED,
            QCoreApplication.translate("EventFeedTableModel", "rejected"),
        )
    elif row.verification == "malformed":
        kind, verification = (
            RowKind.MALFORMED,
            QCoreApplication.translate("EventFeedTableModel", "malformed"),
        )
    else:
        kind, verification = (
            RowKind.NORMAL,
            QCoreApplication.translate("EventFeedTableModel", "verified"),
        )
    # Every field but the time and the verdict came with the event: shown, never raw.
    texts = (
        received_text(row.received_us, today),
        shown(row.source),
        shown(row.event),
        shown(row.order_id or ""),
        shown(row.entity_id or ""),
        shown(row.profile or ""),
        verification,
        # A refused event has no business summary worth reading; why it was refused is.
        shown(f"⚠ {translated_refusal(row.verification_reason)}")
        if kind in (RowKind.REJECTED, RowKind.MALFORMED) and row.verification_reason
        else shown(translated_summary(row.summary)),
    )
    tip = f"#{row.id}"
    if row.verification_reason:
        tip = f"#{row.id}: {row.verification_reason}"
    return _Row(row, texts, kind, tip)


def row_matches(flt: EventFilter, row: FeedRow) -> bool | None:
    """Whether ``row`` passes ``flt``; None when only the store can tell (full text)."""
    if searches(flt):  # free words, or a quoted phrase alone
        return None
    if row.duplicate_of is not None:
        if not (flt.include_duplicates or flt.duplicates_only):
            return False
    elif flt.duplicates_only:
        return False
    checks: list[bool] = [
        not flt.sources or row.source in flt.sources,
        not flt.events or row.event in flt.events,
        not flt.verification or row.verification in flt.verification,
        flt.profile is None or row.profile == flt.profile,
        flt.entity_id is None or row.entity_id == flt.entity_id,
        flt.order_id is None or row.order_id == flt.order_id,
        flt.order_id is None
        or flt.order_system is None
        or OrderSystem.of_source(row.source) is flt.order_system,
        row.order_id is None
        or OrderRef.of_event(row.source, row.order_id) not in flt.exclude_system_orders,
        row.source not in flt.exclude_sources,
        row.event not in flt.exclude_events,
        row.verification not in flt.exclude_verification,
        row.profile not in flt.exclude_profiles,
        row.order_id not in flt.exclude_order_ids,
        row.entity_id not in flt.exclude_entity_ids,
        not flt.pinned_only or row.pinned,
        not flt.unpinned_only or not row.pinned,
    ]
    received = row.received_us
    if flt.since is not None:
        checks.append(received >= _micros(flt.since))
    if flt.until is not None:
        checks.append(received < _micros(flt.until))
    return all(checks)


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1_000_000)


def _live_rows(
    store: EventStore, flt: EventFilter, top_id: int, context: JobContext
) -> list[FeedRow]:
    """Every matching row newer than ``top_id``, newest first, read in pages."""
    rows: list[FeedRow] = []
    before: int | None = None
    while True:
        context.check()
        page = store.query_rows(flt, limit=LIVE_PAGE, before_id=before, after_id=top_id)
        rows.extend(page)
        if len(page) < LIVE_PAGE:
            return rows
        before = page[-1].id


class EventFeedTableModel(QAbstractTableModel):
    """The feed: newest first, paged in from the store, live rows inserted at the top.

    Signals: ``query_finished(int)`` with the first page's size after :meth:`set_filter`;
    ``live_inserted(int)`` after live rows went in at the top; ``pending_changed(int)``
    while paused (how many matching events wait); ``held_changed(int)`` while held (the
    view holds them while the operator reads further down); ``failed(str)`` when a store
    read failed; ``query_refused(str)`` with the store's message when it would not run
    the query.
    """

    query_finished = Signal(int)
    live_inserted = Signal(int)
    pending_changed = Signal(int)
    held_changed = Signal(int)
    failed = Signal(str)
    query_refused = Signal(str)

    def __init__(self, jobs: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._store: EventStore | None = None
        self._filter = EventFilter()
        self._rows: list[_Row] = []
        # id -> key; keys grow upward for live inserts and downward for pages, so a row's
        # position is ``_top_key - key`` without renumbering anything on insert.
        self._keys: dict[int, int] = {}
        self._top_key = 0
        self._bottom_key = 1
        self._exhausted = True
        self._fetching = False
        self._loading = False
        self._generation = 0
        self._live_buffer: list[FeedRow] = []
        self._live_query_needed = False
        self._paused = False
        self._pending = 0
        self._held = False
        self._held_count = 0
        self._last_flush_at = 0.0
        self._last_flush_rows = 0
        self._titles = column_titles()
        self._brushes: dict[RowKind, QBrush | None] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._link = QFont()
        self._link.setUnderline(True)
        self._link_tip = QCoreApplication.translate(
            "EventFeedTableModel", "Double-click or press Ctrl+G to go to the original event"
        )
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)
        # Waits out FLOOD_FLUSH_MS after a big flush (the batches' own path; the timer
        # above keeps FLUSH_MS for single events and re-tries).
        self._flood_timer = QTimer(self)
        self._flood_timer.setSingleShot(True)
        self._flood_timer.timeout.connect(self._flush)
        self.set_palette(QPalette())

    # -- configuration ------------------------------------------------------------------

    def set_palette(self, palette: QPalette) -> None:
        """Pick row colours readable on ``palette`` (light or dark)."""
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        self._brushes = {
            RowKind.NORMAL: None,
            RowKind.REJECTED: QBrush(QColor("#ff6b6b" if dark else "#c62828")),
            RowKind.MALFORMED: QBrush(QColor("#ffb74d" if dark else "#a86200")),
            RowKind.DUPLICATE: QBrush(QColor("#8a8a8a" if dark else "#8c8c8c")),
        }
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1)
            )

    def set_store(self, store: EventStore | None) -> None:
        self._store = store
        self.refresh()

    @property
    def event_filter(self) -> EventFilter:
        return self._filter

    @property
    def loading(self) -> bool:
        """True while the first page for the current filter is on its way."""
        return self._loading

    def set_filter(self, flt: EventFilter) -> None:
        """Show ``flt``; the first page is read in a job, an older query's answer is dropped."""
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Read the first page again (F5, a new filter, resume after a long pause)."""
        self._generation += 1
        self._jobs.cancel_lane("feed-page")
        self._jobs.cancel_lane("feed-live")
        self._fetching = False
        self._live_buffer.clear()
        self._live_query_needed = False
        self._set_pending(0)
        if self._held_count:
            self._held_count = 0
            self.held_changed.emit(0)
        store = self._store
        if store is None:
            self._reset_rows([])
            return
        flt = self._filter
        generation = self._generation
        self._loading = True

        def first_page(_context: JobContext) -> list[FeedRow]:
            return store.query_rows(flt, limit=PAGE)

        self._jobs.submit(
            first_page,
            on_done=lambda rows: self._first_page_arrived(generation, rows),
            on_error=self._read_failed,
            lane="feed-query",
        )

    # -- paging -------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and self._store is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching or self._exhausted or not self._rows:
            return
        store = self._store
        if store is None:
            return
        self._fetching = True
        flt, before, generation = self._filter, self._rows[-1].row.id, self._generation

        def next_page(_context: JobContext) -> list[FeedRow]:
            return store.query_rows(flt, limit=PAGE, before_id=before)

        self._jobs.submit(
            next_page,
            on_done=lambda rows: self._page_arrived(generation, rows),
            on_error=self._read_failed,
            lane="feed-page",
        )

    @property
    def fetching(self) -> bool:
        return self._fetching

    def _first_page_arrived(self, generation: int, rows: list[FeedRow]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._reset_rows(rows)
        self._exhausted = len(rows) < PAGE
        top = rows[0].id if rows else 0
        # Live events that came in while the query ran may already be in the page.
        self._live_buffer = [row for row in self._live_buffer if row.id > top]
        if self._live_buffer or self._live_query_needed:
            self._flush_timer.start()
        self.query_finished.emit(len(rows))

    def _page_arrived(self, generation: int, rows: list[FeedRow]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        known = self._keys
        fresh = [row for row in rows if row.id not in known]
        self._exhausted = len(rows) < PAGE
        if not fresh:
            return
        today = date.today()
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for row in fresh:
            self._rows.append(_make_row(row, today))
            self._bottom_key -= 1
            known[row.id] = self._bottom_key
        self.endInsertRows()

    def _reset_rows(self, rows: Sequence[FeedRow]) -> None:
        today = date.today()
        self.beginResetModel()
        self._rows = [_make_row(row, today) for row in rows]
        self._keys = {}
        self._top_key = 0
        for position, row in enumerate(rows):
            self._keys[row.id] = -position
        self._bottom_key = -len(rows) + 1 if rows else 1
        self._exhausted = True
        self.endResetModel()

    def _read_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._fetching = False
        if isinstance(exc, QueryError):
            # The query's fault, not the store's: said where the query is typed.
            self.query_refused.emit(exc.message)
            return
        self.failed.emit(
            QCoreApplication.translate(
                "EventFeedTableModel", "Could not read the event store: %1"
            ).replace("%1", str(exc))
        )

    # -- live events --------------------------------------------------------------------

    def add_live(self, event: FeedRow | StoredEvent) -> None:
        """Queue a newly stored event (call on the GUI thread); flushed within FLUSH_MS."""
        if self._store is None:
            return
        held = self._held_count
        due = self._take_live(event if isinstance(event, FeedRow) else feed_row(event))
        if self._held_count != held:
            self.held_changed.emit(self._held_count)
        if due and not self._flush_timer.isActive() and not self._loading:
            self._flush_timer.start()

    def add_live_rows(self, rows: Sequence[FeedRow]) -> None:
        """Take a batch the bridge gathered (GUI thread): inserted now, in one go, unless
        paused, held, or a flood's wait (:data:`FLOOD_FLUSH_MS`) is not over."""
        if self._store is None:
            return
        held = self._held_count
        due = False
        for row in rows:
            due = self._take_live(row) or due
        if self._held_count != held:
            self.held_changed.emit(self._held_count)
        if not due or self._loading or self._flush_timer.isActive():
            return
        if self._flood_timer.isActive():
            return
        wait_ms = 0.0
        if self._last_flush_rows >= FLOOD_ROWS:
            wait_ms = FLOOD_FLUSH_MS - (time.monotonic() - self._last_flush_at) * 1000
        if wait_ms > 0:
            self._flood_timer.start(int(wait_ms) + 1)
        else:
            self._flush()

    def _take_live(self, row: FeedRow) -> bool:
        """Buffer (or count) ``row`` if the filter takes it; True when a flush is due."""
        verdict = row_matches(self._filter, row)
        if verdict is False:
            return False
        if verdict is None or len(self._live_buffer) >= MAX_BUFFERED:
            # Past MAX_BUFFERED (a long pause under load) the store is asked instead.
            self._live_query_needed = True
            self._live_buffer.clear()
        else:
            self._live_buffer.append(row)
        if self._paused:
            self._set_pending(self._pending + 1)
            return False
        if self._held:
            self._held_count += 1
            return False
        return True

    def requery_top(self) -> None:
        """Read everything newer than the top row from the store (a lost connection is
        back: whatever was committed meanwhile), keeping the rows already shown."""
        if self._store is None:
            return
        self._live_query_needed = True
        self._live_buffer.clear()
        if not self._paused and not self._flush_timer.isActive() and not self._loading:
            self._flush_timer.start()

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        """While paused nothing is inserted; what arrives is counted and inserted on resume."""
        if paused == self._paused:
            return
        self._paused = paused
        if not paused:
            self._set_pending(0)
            if self._live_buffer or self._live_query_needed:
                self._flush_timer.start(0)

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def held(self) -> bool:
        return self._held

    @property
    def held_count(self) -> int:
        """Matching events that arrived while held (not inserted yet)."""
        return self._held_count

    def set_held(self, held: bool) -> None:
        """Hold live rows back (counted in ``held_changed``) while the operator reads further
        down and they come faster than anyone reads; on release they go in at once."""
        if held == self._held:
            return
        self._held = held
        if not held:
            if self._held_count:
                self._held_count = 0
                self.held_changed.emit(0)
            if (self._live_buffer or self._live_query_needed) and not self._paused:
                self._flood_timer.start(0)

    def _set_pending(self, count: int) -> None:
        if count != self._pending:
            self._pending = count
            self.pending_changed.emit(count)

    def _flush(self) -> None:
        if self._paused or self._held or self._loading:
            return
        top = self._rows[0].row.id if self._rows else 0
        if self._live_query_needed:
            if self._jobs.busy("feed-live"):
                # A newer job would make the running one stale; under a steady flow that
                # would starve the feed. Wait for it and flush again.
                self._flush_timer.start()
                return
            self._live_query_needed = False
            self._live_buffer.clear()
            store = self._store
            if store is None:
                return
            flt, generation = self._filter, self._generation

            def newer(context: JobContext) -> list[FeedRow]:
                return _live_rows(store, flt, top, context)

            self._jobs.submit(
                newer,
                on_done=lambda rows: self._insert_top(generation, rows),
                on_error=self._read_failed,
                lane="feed-live",
            )
            return
        rows = sorted((row for row in self._live_buffer if row.id > top), key=lambda r: -r.id)
        self._live_buffer.clear()
        self._insert_top(self._generation, rows)

    def _insert_top(self, generation: int, rows: list[FeedRow]) -> None:
        if generation != self._generation:
            return
        fresh = [row for row in rows if row.id not in self._keys]
        if not fresh:
            return
        today = date.today()
        count = len(fresh)
        self.beginInsertRows(QModelIndex(), 0, count - 1)
        self._rows[0:0] = [_make_row(row, today) for row in fresh]
        # ``fresh`` is newest first: the newest gets the highest key.
        for offset, row in enumerate(reversed(fresh), start=1):
            self._keys[row.id] = self._top_key + offset
        self._top_key += count
        self.endInsertRows()
        self._last_flush_at = time.monotonic()
        self._last_flush_rows = count
        self.live_inserted.emit(count)

    # -- lookups ------------------------------------------------------------------------

    def row_of(self, event_id: int) -> int | None:
        """The row showing ``event_id``, or None when it is not loaded."""
        key = self._keys.get(event_id)
        return None if key is None else self._top_key - key

    def event_id(self, row: int) -> int | None:
        return self._rows[row].row.id if 0 <= row < len(self._rows) else None

    def feed_row(self, row: int) -> FeedRow | None:
        return self._rows[row].row if 0 <= row < len(self._rows) else None

    def sample_texts(self, count: int = 200) -> list[tuple[str, ...]]:
        """Display strings of the first ``count`` rows (for sizing columns)."""
        return [entry.texts for entry in self._rows[:count]]

    def set_row_pinned(self, event_id: int, pinned: bool) -> None:
        """Reflect a pin change made elsewhere (the inspector) without re-reading the page."""
        position = self.row_of(event_id)
        if position is None:
            return
        entry = self._rows[position]
        self._rows[position] = _Row(
            entry.row._replace(pinned=pinned), entry.texts, entry.kind, entry.tooltip
        )
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(Column) - 1))

    def set_row_order(self, event_id: int, order_id: str) -> None:
        """Show the order a property-value event was resolved to (the resolver found it)."""
        position = self.row_of(event_id)
        if position is None:
            return
        entry = self._rows[position]
        texts = (*entry.texts[:3], shown(order_id), *entry.texts[4:])
        self._rows[position] = _Row(
            entry.row._replace(order_id=order_id), texts, entry.kind, entry.tooltip
        )
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(Column) - 1))

    # -- QAbstractTableModel ------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        if row >= len(self._rows):
            return None
        entry = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.texts[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._brushes.get(entry.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            if entry.kind is RowKind.DUPLICATE and index.column() == Column.VERIFICATION:
                return self._link_tip
            # Made on hover, not per row: only the row under the mouse needs it.
            return tooltip(entry.tooltip)
        if role == Qt.ItemDataRole.FontRole:
            if entry.kind is RowKind.DUPLICATE and index.column() == Column.VERIFICATION:
                # Reads as a link: double-click (or Ctrl+G) goes to the original.
                return self._link
            return self._bold if entry.row.pinned else None
        if role == EventIdRole:
            return entry.row.id
        if role == RowRole:
            return entry.row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._titles)
        ):
            return self._titles[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
