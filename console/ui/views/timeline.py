"""Everything that happened to one order, oldest first, in one table.

First the stored events about the order are shown; then, when the console can reach
the portal, the order's property values are looked up and their events added (those
events name a property value, not the order, so the store alone cannot find them).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.store.model import EventStore, OrderRef, OrderSystem
from console.ui.context import ConsoleContext
from console.ui.jobs import JobContext
from console.ui.models.timeline import (
    NoChangeLog,
    OrderTimelineTableModel,
    StoreTimelineProvider,
    TimelineEntry,
    TimelineProvider,
    merge_timeline,
)
from console.ui.untrusted import PlainLabel, shown


def order_title(order: OrderRef) -> str:
    """``Horoshop order 300``, ``Bitrix24 order 300``, or ``Order 300`` (either system's)."""
    if order.system is OrderSystem.HOROSHOP:
        return QCoreApplication.translate("TimelineView", "Horoshop order {id}").format(
            id=shown(order.order_id)
        )
    if order.system is OrderSystem.BITRIX24:
        return QCoreApplication.translate("TimelineView", "Bitrix24 order {id}").format(
            id=shown(order.order_id)
        )
    return QCoreApplication.translate("TimelineView", "Order {id}").format(id=shown(order.order_id))


def order_property_value_ids(context: ConsoleContext, profile: str, order_id: str) -> list[str]:
    """The ids of the order's property values, asked from the portal (run in a job)."""
    console = context.console
    if console is None:
        return []
    client = console.client_for(profile)
    try:
        return [str(value.id) for value in client.property_values.list(order_id=order_id)]
    finally:
        client.close()


class TimelineView(QWidget):
    """The timeline table and its status line; ``event_activated(id)`` on double-click."""

    event_activated = Signal(int)
    loaded = Signal()

    def __init__(
        self,
        context: ConsoleContext,
        profile: str | None,
        order_id: str,
        parent: QWidget | None = None,
        *,
        change_log: TimelineProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._profile = profile or None
        self._order_id = order_id
        self._order = OrderRef.parse(order_id)
        self._changes: TimelineProvider = change_log or NoChangeLog()
        self._lane = f"timeline-{id(self)}"

        self.model = OrderTimelineTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._activated)
        # Enter opens the row; the table would pass it on to the dialog's default button.
        self.table.installEventFilter(self)
        self.status = PlainLabel(self.tr("Loading…"))
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh_button.setAutoDefault(False)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        store = self._context.store
        if store is None:
            self.status.setText(self.tr("The console is still starting; refresh in a moment."))
            return
        self.status.setText(self.tr("Loading…"))
        profile, order_id, changes = self._profile, self._order_id, self._changes

        def from_store(job: JobContext) -> tuple[list[TimelineEntry], bool]:
            del job
            provider = StoreTimelineProvider(store)
            events = provider.entries(profile, order_id)
            return merge_timeline(events, changes.entries(profile, order_id)), provider.truncated

        self._context.jobs.submit(
            from_store,
            on_done=lambda result: self._stored(store, *result),
            on_error=self._failed,
            lane=self._lane,
        )

    def _stored(self, store: EventStore, entries: list[TimelineEntry], truncated: bool) -> None:
        self._show_entries(entries)
        self._say(len(entries), truncated, None)
        # Property values are Bitrix24's: a Horoshop order has none on the portal.
        if (
            self._profile
            and self._context.console is not None
            and self._order.system is not OrderSystem.HOROSHOP
        ):
            self._add_property_values(store)
        else:
            self.loaded.emit()

    def _add_property_values(self, store: EventStore) -> None:
        context, profile, order_id, changes = (
            self._context,
            self._profile,
            self._order_id,
            self._changes,
        )
        assert profile is not None

        def with_values(job: JobContext) -> tuple[list[TimelineEntry], Sequence[str], bool]:
            ids = order_property_value_ids(context, profile, OrderRef.parse(order_id).order_id)
            job.check()
            provider = StoreTimelineProvider(store, ids)
            events = provider.entries(profile, order_id)
            return (
                merge_timeline(events, changes.entries(profile, order_id)),
                ids,
                provider.truncated,
            )

        def done(result: tuple[list[TimelineEntry], Sequence[str], bool]) -> None:
            entries, _ids, truncated = result
            self._show_entries(entries)
            self._say(len(entries), truncated, None)
            self.loaded.emit()

        def failed(error: BaseException) -> None:
            self._say(self.model.rowCount(), False, error)
            self.loaded.emit()

        self._context.jobs.submit(with_values, on_done=done, on_error=failed, lane=self._lane)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.table.currentIndex().isValid()
        ):
            self._activated(self.table.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def _show_entries(self, entries: list[TimelineEntry]) -> None:
        self.model.set_entries(entries)
        # Each column as wide as what it holds, so a gap or a summary is not cut; the
        # summary, last, takes the rest of the width and scrolls when longer.
        self.table.resizeColumnsToContents()

    def _say(self, count: int, truncated: bool, portal_error: BaseException | None) -> None:
        text = self.tr(
            "{order}: {n} entries, oldest first. Double-click one or press Enter to inspect it."
        ).format(order=order_title(self._order), n=count)
        if truncated:
            text += " " + self.tr("Only the newest events are shown: there are too many.")
        if portal_error is not None:
            text += " " + self.tr(
                "Property-value events could not be added (the portal did not answer: {error})."
            ).format(error=portal_error)
        self.status.setText(text)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(self.tr("Could not read the timeline: {error}").format(error=error))
        self.loaded.emit()

    def _activated(self, index: QModelIndex) -> None:
        event_id = self.model.event_id(index.row())
        if event_id is not None:
            self.event_activated.emit(event_id)


class TimelineDialog(QDialog):
    """A non-modal window around :class:`TimelineView`; re-emits ``event_activated``.

    ``change_log`` is where issue 7's record of this console's own changes plugs in.
    """

    event_activated = Signal(int)
    # The order's forms, asked of the window: (profile or "", order_id).
    change_status_requested = Signal(str, str)
    bind_requested = Signal(str, str)

    def __init__(
        self,
        context: ConsoleContext,
        profile: str | None,
        order_id: str,
        parent: QWidget | None = None,
        *,
        change_log: TimelineProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._profile = profile or ""
        self._order_id = order_id
        self.setWindowTitle(
            self.tr("What happened to {order}").format(order=order_title(OrderRef.parse(order_id)))
        )
        self.resize(900, 500)
        self.view = TimelineView(context, profile, order_id, self, change_log=change_log)
        self.view.event_activated.connect(self.event_activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.change_status_button = buttons.addButton(
            self.tr("Change order status…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.change_status_button.clicked.connect(
            lambda: self.change_status_requested.emit(self._profile, self._order_id)
        )
        self.bind_button = buttons.addButton(
            self.tr("Bind to deal…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.bind_button.clicked.connect(
            lambda: self.bind_requested.emit(self._profile, self._order_id)
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
