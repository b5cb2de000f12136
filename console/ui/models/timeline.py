"""What happened to one order, oldest first: the events about it and, later, the
changes this console made to it.

The timeline merges :class:`TimelineEntry` lists from providers. Two exist:

- :class:`StoreTimelineProvider`: every stored event about the order (Bitrix24, Horoshop,
  catch-up; duplicates left out), plus property-value events once their ids are known;
- :class:`ChangeLogProvider`: the changes this console made (status changes, bindings).
  The change log arrives with issue 7; until then :class:`NoChangeLog` is the provider
  and returns ``[]``. A change log only has to implement :class:`TimelineProvider` and
  return entries of kind ``CHANGE``; the model and the dialog already show them.

Providers are plain Python and run in a job; the model only holds their merged result.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QObject,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from console.bitrix.order_view import PROPERTY_VALUE_EVENT
from console.store.model import (
    EventFilter,
    EventStore,
    FeedRow,
    OrderRef,
    OrderSystem,
    StoredChange,
)
from console.ui.models.indexes import NO_PARENT, HorizontalHeaders, Index
from console.ui.untrusted import shown, tooltip
from console.ui.wording import translated_change, translated_summary

# An order with more events than this is an attack or a bug; the timeline says it stopped.
MAX_EVENTS = 5000
EVENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2


class EntryKind(enum.StrEnum):
    EVENT = "event"
    CHANGE = "change"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One row: an event received (``event_id`` set) or a change made through a console.

    ``operator``: who made a change; on a team's shared store that may be anyone.
    """

    kind: EntryKind
    at_us: int
    source: str
    event: str
    verification: str
    summary: str
    event_id: int | None = None
    operator: str | None = None


class TimelineProvider(Protocol):
    def entries(self, profile: str | None, order_id: str) -> list[TimelineEntry]:
        """Entries about ``order_id`` (of ``profile``, or of any profile when None);
        ``order_id`` as :class:`OrderRef` writes it: ``hs-300``, ``b24-300``, or a bare
        number for either system's order."""


def entry_from_row(row: FeedRow) -> TimelineEntry:
    return TimelineEntry(
        kind=EntryKind.EVENT,
        at_us=row.received_us,
        source=row.source,
        event=row.event,
        verification=row.verification,
        summary=translated_summary(row.summary),
        event_id=row.id,
    )


def _all_rows(store: EventStore, flt: EventFilter, limit: int) -> list[FeedRow]:
    rows: list[FeedRow] = []
    before: int | None = None
    while len(rows) < limit:
        page = store.query_rows(flt, limit=min(500, limit - len(rows)), before_id=before)
        if not page:
            break
        rows.extend(page)
        before = page[-1].id
    return rows


class StoreTimelineProvider:
    """Stored events about an order; ``property_value_ids`` adds the property-value
    events of the order (their ``order_id`` is unknown at intake, so they are found
    by entity id once the portal said which values belong to the order)."""

    def __init__(self, store: EventStore, property_value_ids: Sequence[str] = ()) -> None:
        self._store = store
        self._value_ids = list(property_value_ids)
        self.truncated = False

    def entries(self, profile: str | None, order_id: str) -> list[TimelineEntry]:
        order = OrderRef.parse(order_id)
        flt = EventFilter(
            order_id=order.order_id,
            order_system=order.system,
            profile=profile or None,
            include_duplicates=False,
        )
        rows = _all_rows(self._store, flt, MAX_EVENTS)
        self.truncated = len(rows) >= MAX_EVENTS
        seen = {row.id for row in rows}
        for value_id in self._value_ids:
            by_entity = EventFilter(
                entity_id=value_id, profile=profile or None, include_duplicates=False
            )
            for row in _all_rows(self._store, by_entity, MAX_EVENTS):
                if row.id not in seen and row.event.upper() == PROPERTY_VALUE_EVENT:
                    seen.add(row.id)
                    rows.append(row)
        return [entry_from_row(row) for row in rows]


class ChangeLogProvider(TimelineProvider, Protocol):
    """Changes this console made to an order (issue 7's change log implements this)."""


class NoChangeLog:
    """The change provider until the change log exists: there are no changes, ``[]``."""

    def entries(self, profile: str | None, order_id: str) -> list[TimelineEntry]:
        del profile, order_id
        return []


class ChangeLogTimeline:
    """The store's change log (``console.operations.changelog``) as timeline entries: each
    change in time order, with who, before and after; its ``event_id`` is the
    ``OnSaleOrderSaved`` that followed it, so activating the row selects that event."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    def entries(self, profile: str | None, order_id: str) -> list[TimelineEntry]:
        from console.operations.changelog import order_changes

        order = OrderRef.parse(order_id)
        if order.system is OrderSystem.HOROSHOP:
            return []  # the console changes Bitrix24 orders only
        entries = []
        for entry in order_changes(self._store, profile, order.order_id):
            change = entry.change
            summary = translated_change(entry.summary)
            if change.before is not None or change.after is not None:
                summary += f"  [{_brief(change.before)} → {_brief(change.after)}]"
            if entry.following_event_id is not None:
                summary += f"  → #{entry.following_event_id}"
            entries.append(
                TimelineEntry(
                    kind=EntryKind.CHANGE,
                    at_us=entry.at_us,
                    source=entry.source,
                    event=entry.event,
                    verification=entry.verification,
                    summary=summary,
                    event_id=entry.following_event_id,
                    operator=_who(change),
                )
            )
        return entries


def _who(change: StoredChange) -> str:
    """The operator's name, and the database login that recorded the change when it is
    known and says something else (a name is typed; a login cannot be forged)."""
    if change.login and change.login != change.operator:
        return f"{change.operator} ({change.login})"
    return change.operator


def _brief(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}={item}" for key, item in value.items() if item is not None)
    return "—" if value is None else str(value)


def merge_timeline(*parts: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """All entries oldest first; at the same instant events come before changes."""
    merged = [entry for part in parts for entry in part]
    merged.sort(key=lambda e: (e.at_us, e.kind is EntryKind.CHANGE, e.event_id or 0))
    return merged


def gap_text(micros: int) -> str:
    """A gap between two rows, short: "+400 ms", "+3 s", "+2 min 5 s", "+1 h 4 min", "+2 d 3 h"."""
    seconds = micros / 1_000_000
    if seconds < 1:
        return _gap(QT_TRANSLATE_NOOP("Gap", "+%1 ms"), micros // 1000)
    whole = int(seconds)
    if whole < 60:
        return _gap(QT_TRANSLATE_NOOP("Gap", "+%1 s"), whole)
    if whole < 3600:
        minutes, rest = divmod(whole, 60)
        if rest:
            return _gap(QT_TRANSLATE_NOOP("Gap", "+%1 min %2 s"), minutes, rest)
        return _gap(QT_TRANSLATE_NOOP("Gap", "+%1 min"), minutes)
    if whole < 86400:
        hours, rest = divmod(whole, 3600)
        if rest >= 60:
            return _gap(QT_TRANSLATE_NOOP("Gap", "+%1 h %2 min"), hours, rest // 60)
        return _gap(QT_TRANSLATE_NOOP("Gap", "+%1 h"), hours)
    days, rest = divmod(whole, 86400)
    if rest >= 3600:
        return _gap(QT_TRANSLATE_NOOP("Gap", "+%1 d %2 h"), days, rest // 3600)
    return _gap(QT_TRANSLATE_NOOP("Gap", "+%1 d"), days)


# The feed's words for a verification state, so the timeline says the same.
_VERIFICATION_WORDS = {
    "verified": str(QT_TRANSLATE_NOOP("EventFeedTableModel", "verified")),
    "rejected": str(QT_TRANSLATE_NOOP("EventFeedTableModel", "rejected")),
    "malformed": str(QT_TRANSLATE_NOOP("EventFeedTableModel", "malformed")),
    # What became of a change the console made (console.store.model.ChangeOutcome).
    "applied": str(QT_TRANSLATE_NOOP("EventFeedTableModel", "applied")),
    "unknown": str(QT_TRANSLATE_NOOP("EventFeedTableModel", "outcome unknown")),
}


def _verification_word(state: str) -> str:
    word = _VERIFICATION_WORDS.get(state)
    return QCoreApplication.translate("EventFeedTableModel", word) if word else state


def _gap(template: object, first: int, second: int | None = None) -> str:
    text = QCoreApplication.translate("Gap", str(template)).replace("%1", str(first))
    return text if second is None else text.replace("%2", str(second))


def local_time(micros: int) -> str:
    moment = datetime.fromtimestamp(micros / 1_000_000, UTC).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


COLUMNS = ("time", "gap", "source", "event", "verification", "summary")


class OrderTimelineTableModel(HorizontalHeaders, QAbstractTableModel):
    """The merged timeline: time (local), gap to the previous row, source, event,
    verification, summary. Rejected rows are red, changes are marked in the source."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[TimelineEntry] = []
        self._cells: list[tuple[str, ...]] = []
        self._foregrounds: list[QBrush | None] = []
        self._headers = (
            self.tr("Time"),
            self.tr("Gap"),
            self.tr("Source"),
            self.tr("Event"),
            self.tr("Verification"),
            self.tr("Summary"),
        )
        self._rejected = QBrush(QColor(200, 40, 40))
        self._malformed = QBrush(QColor(190, 120, 0))

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._cells = []
        self._foregrounds = []
        previous: int | None = None
        change = QCoreApplication.translate("OrderTimelineTableModel", "this console")
        for entry in self._entries:
            gap = "" if previous is None else gap_text(max(0, entry.at_us - previous))
            previous = entry.at_us
            source = entry.source
            if entry.kind is EntryKind.CHANGE:
                source = entry.operator or change
            self._cells.append(
                (
                    local_time(entry.at_us),
                    gap,
                    shown(source),
                    shown(entry.event),
                    _verification_word(entry.verification),
                    shown(entry.summary),
                )
            )
            brush = None
            if entry.verification == "rejected":
                brush = self._rejected
            elif entry.verification == "malformed":
                brush = self._malformed
            self._foregrounds.append(brush)
        self.endResetModel()

    def entries(self) -> list[TimelineEntry]:
        return list(self._entries)

    def event_id(self, row: int) -> int | None:
        return self._entries[row].event_id if 0 <= row < len(self._entries) else None

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self._cells[row][index.column()])
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foregrounds[row]
        if role == EVENT_ID_ROLE:
            return self._entries[row].event_id
        if role == KIND_ROLE:
            return self._entries[row].kind.value
        return None
