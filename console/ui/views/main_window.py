"""The operator window: saved views, the query bar, the live feed and the inspector beside it.

The window is built and painted before the console runs. When
:class:`~console.ui.context.ConsoleContext` reports ``ready`` it connects the store to
the feed (through :class:`~console.ui.bridge.StoreEventBridge`) and starts counting.
The inspector and its dialogs are injected through :class:`InspectorFactories`, so
this module works (and is tested) without them.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSplitter,
    QSystemTrayIcon,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.store.model import EventFilter, FeedRow, OrderRef, OrderSystem
from console.store.querylang import ParsedQuery
from console.ui.bridge import StoreEventBridge
from console.ui.context import ConsoleContext
from console.ui.icons import application_icon
from console.ui.language import latin_mnemonic
from console.ui.models.feed import EventFeedTableModel
from console.ui.settings import LayoutStore, WindowLayout
from console.ui.untrusted import PlainLabel
from console.ui.views.feed import FeedTableView
from console.ui.views.query_bar import QueryBar
from console.ui.views.sidebar import SavedViewsPanel
from console.ui.views.status_bar import ConsoleStatusBar
from console.ui.views.welcome import WelcomePanel

log = logging.getLogger(__name__)

# Event names offered after "event:" before any have been seen.
KNOWN_EVENTS = (
    "ONSALEORDERSAVED",
    "ONPROPERTYVALUEENTITYSAVED",
    "ONSALEORDERDELETED",
    "ONSALESHIPMENTENTITYSAVED",
    "ORDER_CREATED",
)
# How many pages "Go to original" reads looking for an original further down.
ORIGINAL_SEARCH_PAGES = 50
# Resolved orders kept for rows not in the feed yet; older ones are dropped (a page reload
# reads the order id from the store anyway).
PENDING_ORDERS_MAX = 1000
# The menu bar's titles; a translation keeps a Latin mnemonic (see latin_mnemonic).
MENU_TITLES = {
    "file": str(QT_TRANSLATE_NOOP("MainWindow", "&File")),
    "view": str(QT_TRANSLATE_NOOP("MainWindow", "&View")),
    "event": str(QT_TRANSLATE_NOOP("MainWindow", "&Event")),
    "help": str(QT_TRANSLATE_NOOP("MainWindow", "&Help")),
}
# How long a message stays in the status bar (and above the feed when it is too long).
MESSAGE_MS = 8000
# Where the Connections page sits among the window's pages (Events, Statuses, Bindings, …).
CONNECTIONS_PAGE = 3


class InspectorWidget(Protocol):
    """What the window needs of the inspector (``console.ui.views.inspector.InspectorPanel``)."""

    def show_event(self, event_id: int | None) -> None: ...


InspectorFactory = Callable[[ConsoleContext, QWidget], QWidget]
DiffFactory = Callable[[ConsoleContext, int, int, QWidget], QDialog]
ResendFactory = Callable[[ConsoleContext, int, QWidget], QDialog]
TimelineFactory = Callable[[ConsoleContext, "str | None", str, QWidget], QDialog]


@dataclass
class InspectorFactories:
    """How the window makes the inspector and its dialogs; None leaves that part out."""

    inspector: InspectorFactory | None = None
    diff: DiffFactory | None = None
    resend: ResendFactory | None = None
    timeline: TimelineFactory | None = None


def _available(module: str) -> bool:
    """Whether this build has ``module``, without importing it (the inspector is heavy)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def _load(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


def default_factories() -> InspectorFactories:
    """The real inspector and dialogs when this build has them.

    Nothing is imported here: each factory imports its module when first called, so the
    window's first paint does not pay for the inspector, httpx or the listener.
    """
    inspector_module = "console.ui.views.inspector"
    diff_module = "console.ui.dialogs.diff"
    resend_module = "console.ui.dialogs.resend"
    timeline_module = "console.ui.views.timeline"

    def inspector(context: ConsoleContext, parent: QWidget) -> QWidget:
        widget: QWidget = _load(inspector_module, "InspectorPanel")(context, parent)
        return widget

    def diff(context: ConsoleContext, first: int, second: int, parent: QWidget) -> QDialog:
        dialog: QDialog = _load(diff_module, "DiffDialog")(context, first, second, parent)
        return dialog

    def resend(context: ConsoleContext, event_id: int, parent: QWidget) -> QDialog:
        dialog: QDialog = _load(resend_module, "ResendDialog")(context, event_id, parent)
        return dialog

    def timeline(
        context: ConsoleContext, profile: str | None, order_id: str, parent: QWidget
    ) -> QDialog:
        change_log = None
        if context.store is not None:
            change_log = _load("console.ui.models.timeline", "ChangeLogTimeline")(context.store)
        dialog: QDialog = _load(timeline_module, "TimelineDialog")(
            context, profile, order_id, parent, change_log=change_log
        )
        return dialog

    return InspectorFactories(
        inspector=inspector if _available(inspector_module) else None,
        diff=diff if _available(diff_module) else None,
        resend=resend if _available(resend_module) else None,
        timeline=timeline if _available(timeline_module) else None,
    )


class MainWindow(QMainWindow):
    """The console's main window.

    Signals: ``quit_requested()`` from File → Quit (Ctrl+Q) and the tray.
    """

    quit_requested = Signal()

    def __init__(
        self,
        context: ConsoleContext,
        *,
        factories: InspectorFactories | None = None,
        layout_store: LayoutStore | None = None,
        defer_inspector: bool = False,
    ) -> None:
        """``defer_inspector``: build the inspector only when :meth:`install_inspector`
        is called (after the first paint), not here."""
        super().__init__()
        self.context = context
        self.factories = factories if factories is not None else InspectorFactories()
        self._layout_store = layout_store or LayoutStore()
        # Whether a saved layout gave the feed and the inspector their widths.
        self._feed_share_restored = False
        self._feed_shared = False
        # The width the inspector's buttons needed when the feed's share was last set, and
        # whether the operator has dragged the share since (then it is theirs).
        self._inspector_width_shared = 0
        self._feed_split_by_hand = False
        self._bridge: StoreEventBridge | None = None
        self._seen_events: set[str] = set(KNOWN_EVENTS)
        self._original_search: tuple[int, int] | None = None
        self._dialogs: list[QDialog] = []
        self.tray: QSystemTrayIcon | None = None
        self.setWindowTitle(self.tr("b24-console"))
        self.setWindowIcon(application_icon())
        self.setObjectName("mainWindow")

        # -- parts --------------------------------------------------------------------
        self.feed_model = EventFeedTableModel(context.jobs, self)
        self.feed_model.set_palette(self.palette())
        self.feed = FeedTableView(self.feed_model, self)
        self.query_bar = QueryBar(self)
        self.sidebar = SavedViewsPanel(context, self)
        self.status = ConsoleStatusBar(context, self)
        self.setStatusBar(self.status)
        self.welcome = WelcomePanel(self)
        self.welcome.hide()
        self.welcome.connect_requested.connect(self.add_connection)
        self.error_banner = PlainLabel(parent=self)
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_banner.setStyleSheet(
            "QLabel#errorBanner { background: #b71c1c; color: white; padding: 8px; }"
        )
        self.error_banner.hide()
        # A message too long for the status bar is shown here in full, wrapped.
        self.notice_banner = PlainLabel(parent=self)
        self.notice_banner.setObjectName("noticeBanner")
        self.notice_banner.setWordWrap(True)
        self.notice_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_banner.setStyleSheet(
            "QLabel#noticeBanner { border: 1px solid palette(mid); border-radius: 3px;"
            " padding: 4px 8px; }"
        )
        self.notice_banner.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice_banner.hide)
        self.status.message_cut.connect(self._show_notice)

        self.live_button = QToolButton(self)
        self.live_button.setObjectName("liveButton")
        self.live_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.pending_label = QLabel(self)
        self.pending_label.setObjectName("pendingLabel")

        self.inspector: QWidget | None = None
        # Holds the inspector's place until install_inspector() (after the first paint).
        self._inspector_slot: QWidget | None = (
            QWidget(self) if self.factories.inspector is not None else None
        )

        # -- layout -------------------------------------------------------------------
        query_row = QHBoxLayout()
        query_row.setContentsMargins(0, 0, 0, 0)
        query_row.addWidget(self.query_bar, 1)
        # Top-aligned: a query problem opens a second line under the query only.
        query_row.addWidget(self.pending_label, 0, Qt.AlignmentFlag.AlignTop)
        query_row.addWidget(self.live_button, 0, Qt.AlignmentFlag.AlignTop)
        feed_area = QWidget(self)
        feed_layout = QVBoxLayout(feed_area)
        feed_layout.setContentsMargins(4, 4, 4, 0)
        feed_layout.setSpacing(4)
        feed_layout.addWidget(self.error_banner)
        feed_layout.addWidget(self.notice_banner)
        feed_layout.addWidget(self.welcome)
        feed_layout.addLayout(query_row)
        feed_layout.addWidget(self.feed, 1)

        self.feed_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.feed_splitter.setObjectName("feedSplitter")
        self.feed_splitter.addWidget(feed_area)
        if self._inspector_slot is not None:
            self.feed_splitter.addWidget(self._inspector_slot)
            self.feed_splitter.setStretchFactor(0, 2)
            self.feed_splitter.setStretchFactor(1, 1)
            # The inspector's default share: a third, so the feed shows its summary column
            # on a first start at 1400 px; a saved layout replaces it.
            self.feed_splitter.setSizes([820, 410])
        self.feed_splitter.splitterMoved.connect(self._feed_split_moved)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.sidebar)
        self.main_splitter.addWidget(self.feed_splitter)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([170, 1200])
        self.main_splitter.setCollapsible(1, False)
        # Events first; the form pages are built when first shown (see _page_changed).
        self.pages = QTabWidget(self)
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.main_splitter, self.tr("Events"))
        self._page_builders: dict[int, Callable[[], QWidget]] = {}
        for title, builder in (
            (self.tr("Statuses"), self._build_statuses_page),
            (self.tr("Bindings"), self._build_bindings_page),
            (self.tr("Connections"), self._build_connections_page),
        ):
            index = self.pages.addTab(QWidget(), title)
            self._page_builders[index] = builder
        self.pages.currentChanged.connect(self._page_changed)
        self.setCentralWidget(self.pages)
        self._resolved_relay = _ResolvedRelay(self)
        self._resolved_relay.resolved.connect(self._order_resolved)
        # Orders resolved before their event's row reached the feed (the resolver can be
        # quicker than the feed's live batching); applied when the row arrives.
        self._pending_orders: dict[int, str] = {}

        self._build_actions()
        self._connect()
        self._update_actions()
        self._show_pending(0)
        self.resize(1400, 820)
        self.restore_layout()
        if not defer_inspector:
            self.install_inspector()
        if context.console is not None:
            self._console_ready()

    # -- actions ------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        shortcuts: list[QKeySequence] | QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
        *,
        name: str,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if isinstance(shortcuts, list):
            action.setShortcuts(shortcuts)
        elif shortcuts is not None:
            action.setShortcut(QKeySequence(shortcuts))
        action.setCheckable(checkable)
        if checkable:
            action.toggled.connect(lambda _checked: slot())
        else:
            action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.focus_query_action = self._action(
            self.tr("&Focus the query bar"),
            [QKeySequence("Ctrl+L"), QKeySequence("Ctrl+F")],
            self.query_bar.focus,
            name="focusQuery",
        )
        self.clear_filter_action = QAction(self.tr("C&lear the filter"), self.query_bar)
        self.clear_filter_action.setObjectName("clearFilter")
        self.clear_filter_action.setShortcut(QKeySequence("Esc"))
        self.clear_filter_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.clear_filter_action.triggered.connect(self.query_bar.clear)
        self.query_bar.addAction(self.clear_filter_action)
        self.inspect_action = QAction(self.tr("&Inspect the selected event"), self.feed)
        self.inspect_action.setObjectName("inspect")
        self.inspect_action.setShortcuts([QKeySequence("Return"), QKeySequence("Enter")])
        self.inspect_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.inspect_action.triggered.connect(self.inspect_current)
        self.feed.addAction(self.inspect_action)
        self.go_to_original_action = self._action(
            self.tr("&Go to original"), "Ctrl+G", self.go_to_original, name="goToOriginal"
        )
        self.pin_action = self._action(self.tr("&Pin/Unpin"), "Ctrl+P", self.toggle_pin, name="pin")
        self.compare_action = self._action(
            self.tr("&Compare two events"), "Ctrl+D", self.compare_selected, name="compare"
        )
        self.resend_action = self._action(
            self.tr("Edit and &resend…"), "Ctrl+R", self.resend_current, name="resend"
        )
        self.timeline_action = self._action(
            self.tr("Order &timeline"), "Ctrl+T", self.timeline_current, name="timeline"
        )
        self.export_action = self._action(
            self.tr("&Export the current filter…"), "Ctrl+E", self.export_current, name="export"
        )
        self.refresh_action = self._action(self.tr("&Refresh"), "F5", self.refresh, name="refresh")
        self.pause_action = self._action(
            self.tr("&Pause the live feed"), "F8", self._pause_toggled, name="pause", checkable=True
        )
        self.jump_top_action = self._action(
            self.tr("&Jump to the newest event"), "Ctrl+Home", self.feed.jump_to_top, name="jumpTop"
        )
        self.notify_action = QAction(self.tr("&Notify about new orders"), self)
        self.notify_action.setObjectName("notifyOrders")
        self.notify_action.setCheckable(True)
        self.notify_action.setChecked(self.context.settings.window.notify_new_orders)
        self.notify_action.toggled.connect(self._notify_toggled)
        self.shortcuts_action = self._action(
            self.tr("&Keyboard shortcuts"), "F1", self.show_shortcuts, name="shortcuts"
        )
        self.quit_action = self._action(
            self.tr("&Quit"), "Ctrl+Q", self.quit_requested.emit, name="quit"
        )
        self.about_action = self._action(
            self.tr("&About b24-console"), None, self.show_about, name="about"
        )
        self.open_log_folder_action = self._action(
            self.tr("Open &log folder"), None, self.open_log_folder, name="openLogFolder"
        )
        self.change_status_action = self._action(
            self.tr("Change order &status…"),
            "Ctrl+Shift+S",
            self.change_status_current,
            name="changeOrderStatus",
        )
        self.bind_action = self._action(
            self.tr("&Bind to deal…"), "Ctrl+Shift+B", self.bind_current, name="bindToDeal"
        )
        self.settings_action = self._action(
            self.tr("&Settings…"), "Ctrl+,", self.open_settings, name="settings"
        )
        self.page_actions = [
            self._action(
                self.tr("Show the %1 page").replace("%1", self.pages.tabText(index)),
                f"Ctrl+{index + 1}",
                lambda index=index: self.show_page(index),  # type: ignore[misc]
                name=f"page{index + 1}",
            )
            for index in range(self.pages.count())
        ]
        toolbar = QToolBar(self.tr("Actions"), self)
        toolbar.setObjectName("formsToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.change_status_action)
        toolbar.addAction(self.bind_action)
        toolbar.addSeparator()
        toolbar.addAction(self.settings_action)
        self.addToolBar(toolbar)
        self.forms_toolbar = toolbar
        self.live_button.setDefaultAction(self.pause_action)
        self.live_button.setCheckable(True)

        menu = self.menuBar()
        file_menu = menu.addMenu(self._menu_title("file"))
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = menu.addMenu(self._menu_title("view"))
        view_menu.addAction(self.focus_query_action)
        view_menu.addAction(self.clear_filter_action)
        view_menu.addAction(self.sidebar.save_action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.pause_action)
        view_menu.addAction(self.jump_top_action)
        view_menu.addSeparator()
        view_menu.addAction(self.notify_action)
        view_menu.addSeparator()
        for action in self.page_actions:
            view_menu.addAction(action)
        event_menu = menu.addMenu(self._menu_title("event"))
        for action in (
            self.inspect_action,
            self.go_to_original_action,
            self.pin_action,
            self.compare_action,
            self.resend_action,
            self.timeline_action,
            self.change_status_action,
            self.bind_action,
        ):
            event_menu.addAction(action)
        help_menu = menu.addMenu(self._menu_title("help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.open_log_folder_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

        self.feed.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.feed.customContextMenuRequested.connect(self._feed_menu)

    def _menu_title(self, key: str) -> str:
        english = MENU_TITLES[key]
        return latin_mnemonic(self.tr(english), english)

    def shortcut_actions(self) -> list[QAction]:
        """Every action with a keyboard shortcut, in menu order (for the help dialog)."""
        actions = [
            self.focus_query_action,
            self.clear_filter_action,
            self.inspect_action,
            self.go_to_original_action,
            self.pin_action,
            self.compare_action,
            self.resend_action,
            self.timeline_action,
            self.export_action,
            self.refresh_action,
            self.pause_action,
            self.jump_top_action,
            self.shortcuts_action,
            self.quit_action,
        ]
        known = set(actions)
        # Actions other parts add later (the forms) are listed too.
        actions += [a for a in self.findChildren(QAction) if a not in known and a.shortcuts()]
        return actions

    def _feed_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        for action in (
            self.inspect_action,
            self.go_to_original_action,
            self.pin_action,
            self.compare_action,
            self.resend_action,
            self.timeline_action,
        ):
            if action.isEnabled():
                menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.change_status_action)
        menu.addAction(self.bind_action)
        menu.addSeparator()
        menu.addAction(self.export_action)
        menu.exec(self.feed.viewport().mapToGlobal(position))

    # -- wiring -------------------------------------------------------------------------

    def _connect(self) -> None:
        # Tab goes the way the eye does: views, query, feed, then the inspector.
        QWidget.setTabOrder(self.sidebar.list, self.query_bar.edit)
        QWidget.setTabOrder(self.query_bar.edit, self.feed)
        self.query_bar.query_changed.connect(self._query_changed)
        self.sidebar.view_chosen.connect(self.query_bar.set_query)
        self.feed.current_event_changed.connect(self._current_event_changed)
        self.feed.selection_size_changed.connect(lambda _n: self._update_actions())
        self.feed.original_requested.connect(self.show_original)
        self.feed_model.pending_changed.connect(self._show_pending)
        self.feed_model.failed.connect(self.show_message)
        self.feed_model.query_refused.connect(self.query_bar.show_refusal)
        self.feed_model.rowsInserted.connect(self._rows_arrived)
        self.feed_model.query_finished.connect(self._query_finished)
        self.context.ready.connect(self._console_ready)
        self.context.message.connect(self.show_message)
        self.context.changes_recorded.connect(self._refresh_timelines)

    def install_inspector(self) -> None:
        """Build the inspector in its place; the window calls it after its first paint."""
        factory, slot = self.factories.inspector, self._inspector_slot
        if factory is None or slot is None or self.inspector is not None:
            return
        self.inspector = factory(self.context, self)
        # In a scroll area: on a narrow screen the inspector gives the feed its room (its
        # buttons scroll) instead of squeezing the feed to three columns; dragged to the
        # edge it collapses.
        holder = QScrollArea(self)
        holder.setObjectName("inspectorHolder")
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(self.inspector)
        self.feed_splitter.replaceWidget(self.feed_splitter.indexOf(slot), holder)
        self.feed_splitter.setCollapsible(self.feed_splitter.indexOf(holder), True)
        QWidget.setTabOrder(self.feed, self.inspector)
        slot.deleteLater()
        self._inspector_slot = None
        # Its buttons appear with its first event: the share follows the width they need.
        self.inspector.installEventFilter(self)
        pin_changed = getattr(self.inspector, "pin_changed", None)
        if pin_changed is not None:
            pin_changed.connect(self.feed_model.set_row_pinned)
            # The Pinned view's count follows a pin made in the inspector at once.
            pin_changed.connect(lambda _event_id, _pinned: self.sidebar.note_event())
        timeline_requested = getattr(self.inspector, "timeline_requested", None)
        if timeline_requested is not None:
            timeline_requested.connect(self.open_timeline)
        resend_requested = getattr(self.inspector, "resend_requested", None)
        if resend_requested is not None:
            resend_requested.connect(self.open_resend)
        compare_requested = getattr(self.inspector, "compare_requested", None)
        if compare_requested is not None:
            compare_requested.connect(self.compare_with_previous)
        notice = getattr(self.inspector, "notice", None)
        if notice is not None:
            notice.connect(self.show_message)
        for name, handler in (
            ("change_status_requested", self.open_change_status),
            ("bind_requested", self.open_bind),
        ):
            signal = getattr(self.inspector, name, None)
            if signal is not None:
                signal.connect(handler)
        current = self.feed.current_event_id()
        if current is not None:
            self._current_event_changed(current)

    def _console_ready(self) -> None:
        console = self.context.console
        if console is None:
            return
        store = console.store
        self._bridge = StoreEventBridge(console.watch, self)
        self._bridge.events_committed.connect(self._events_committed)
        self._bridge.connection_changed.connect(self._store_connection_changed)
        self.feed_model.set_store(store)
        profiles = console.profile_names()
        self.query_bar.set_known_values(profiles=profiles, events=sorted(self._seen_events))
        self.welcome.setVisible(not profiles and not console.is_demo)
        resolver = getattr(console, "resolver", None)
        if resolver is not None and hasattr(resolver, "on_resolved"):
            # Called on the resolver's thread: the relay's signal queues it to this one.
            resolver.on_resolved = self._resolved_relay.resolved.emit
        if console.is_demo:
            self.setWindowTitle(self.tr("b24-console — demo"))

    def detach(self) -> None:
        """Stop receiving store events (before the console stops)."""
        if self._bridge is not None:
            self._bridge.detach()
            self._bridge = None

    def _events_committed(self, events: list[FeedRow]) -> None:
        notify = getattr(self.tray, "notify", None) if self.tray is not None else None
        new_names = False
        # The bridge's batch goes in as one: no second gathering stage in the model.
        self.feed_model.add_live_rows(events)
        for event in events:
            self.status.add_live(event)
            if event.event not in self._seen_events:
                self._seen_events.add(event.event)
                new_names = True
            if notify is not None:
                notify(event)
        self.sidebar.note_event(events)
        if new_names:
            console = self.context.console
            self.query_bar.set_known_values(
                profiles=console.profile_names() if console is not None else [],
                events=sorted(self._seen_events),
            )

    def _store_connection_changed(self, connected: bool) -> None:
        """A team database's link was lost (the feed keeps its rows, marked stale in the
        status bar) or is back: then the feed, the counts and the status re-read the store."""
        self.status.team.set_connected(connected)
        if connected:
            self.feed_model.requery_top()
            self.sidebar.refresh_counts()

    def show_start_error(self, text: str) -> None:
        """The console did not start: say why and what to do, above the feed and in red below."""
        self.error_banner.setText(text)
        self.error_banner.show()
        self.status.set_listener_error(text.split("\n", 1)[0])

    def clear_start_error(self) -> None:
        """The console is being started again (the cause was fixed in the window)."""
        self.error_banner.hide()
        self.status.listener_label.setText(self.tr("Starting…"))
        self.status.listener_label.setToolTip("")
        self.status.listener_label.setStyleSheet("")

    def show_message(self, text: str) -> None:
        self.status.showMessage(text, MESSAGE_MS)

    def _show_notice(self, text: str) -> None:
        self.notice_banner.setText(text)
        self.notice_banner.show()
        self._notice_timer.start(MESSAGE_MS)

    # -- query and feed -----------------------------------------------------------------

    def _query_changed(self, text: str, parsed: ParsedQuery) -> None:
        self.feed_model.set_filter(parsed.filter)
        self.sidebar.set_current_query(text)

    def _query_finished(self, count: int) -> None:
        del count
        if not self.feed_model.rowCount():
            self.feed.viewport().update()
        # The inspector follows the query: an event the new one hides is no longer shown;
        # one it still holds stays selected.
        shown = getattr(self.inspector, "current_event", None) if self.inspector else None
        shown_id = getattr(shown, "id", None)
        if not isinstance(shown_id, int) or self.feed.select_event(shown_id):
            return
        show = getattr(self.inspector, "show_event", None)
        if show is not None:
            show(None)

    def refresh(self) -> None:
        self.feed_model.refresh()
        self.sidebar.refresh_counts()
        self.status.refresh_snapshot()

    def _pause_toggled(self) -> None:
        paused = self.pause_action.isChecked()
        self.feed_model.set_paused(paused)
        self._show_pending(self.feed_model.pending)

    def _show_pending(self, count: int) -> None:
        paused = self.feed_model.paused
        self.live_button.setText(self.tr("Paused") if paused else self.tr("● Live"))
        self.live_button.setToolTip(
            self.tr("Resume the live feed (F8)") if paused else self.tr("Pause the live feed (F8)")
        )
        colour = "#e0a000" if paused else "#43a047"
        self.live_button.setStyleSheet(
            f"QToolButton#liveButton {{ color: {colour}; font-weight: bold; }}"
        )
        if paused:
            self.pending_label.setText(self.tr("Paused — %n new", "", count))
            self.pending_label.show()
        else:
            self.pending_label.hide()

    def _current_event_changed(self, event_id: object) -> None:
        self._update_actions()
        if self.inspector is not None:
            show = getattr(self.inspector, "show_event", None)
            if show is not None:
                show(event_id if isinstance(event_id, int) else None)

    def _update_actions(self) -> None:
        selected = self.feed.selected_event_ids()
        current = self.feed.current_event_id()
        row = self.feed_model.feed_row(self.feed.currentIndex().row())
        factories = self.factories
        self.compare_action.setEnabled(len(selected) in (1, 2) and factories.diff is not None)
        self.resend_action.setEnabled(current is not None and factories.resend is not None)
        self.timeline_action.setEnabled(
            row is not None and bool(row.order_id) and factories.timeline is not None
        )
        self.pin_action.setEnabled(bool(selected))
        self.inspect_action.setEnabled(current is not None)
        self.go_to_original_action.setEnabled(row is not None and row.duplicate_of is not None)

    def inspect_current(self) -> None:
        """Enter on a row: the inspector shows it and takes the keyboard."""
        if self.inspector is None:
            return
        show = getattr(self.inspector, "show_event", None)
        if show is not None:
            show(self.feed.current_event_id())
        # The inspector may name a focus proxy (its tab widget); setFocus forwards to it.
        self.inspector.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- "Go to original" ---------------------------------------------------------------

    def go_to_original(self) -> None:
        row = self.feed_model.feed_row(self.feed.currentIndex().row())
        if row is not None and row.duplicate_of is not None:
            self.show_original(row.duplicate_of)

    def show_original(self, event_id: int) -> None:
        """Select ``event_id`` (a duplicate's original, a timeline entry) in the feed,
        reading further pages if it is not loaded; else show it in the inspector."""
        if self.feed.select_event(event_id):
            self._original_search = None
            return
        if not self.feed_model.canFetchMore():
            self._original_not_in_view(event_id)
            return
        self._original_search = (event_id, ORIGINAL_SEARCH_PAGES)
        self.feed_model.fetchMore()

    def _order_resolved(self, event_id: int, order_id: str) -> None:
        if self.feed_model.row_of(event_id) is not None:
            self.feed_model.set_row_order(event_id, order_id)
            return
        if len(self._pending_orders) >= PENDING_ORDERS_MAX:
            self._pending_orders.pop(next(iter(self._pending_orders)))
        self._pending_orders[event_id] = order_id

    def _rows_arrived(self) -> None:
        for event_id in [e for e in self._pending_orders if self.feed_model.row_of(e) is not None]:
            self.feed_model.set_row_order(event_id, self._pending_orders.pop(event_id))
        if self._original_search is None:
            return
        event_id, pages_left = self._original_search
        if self.feed.select_event(event_id):
            self._original_search = None
        elif pages_left > 0 and self.feed_model.canFetchMore():
            self._original_search = (event_id, pages_left - 1)
            QTimer.singleShot(0, self.feed_model.fetchMore)
        else:
            self._original_search = None
            self._original_not_in_view(event_id)

    def _original_not_in_view(self, event_id: int) -> None:
        self.show_message(
            self.tr("The original #%1 is not in this view; it is shown in the inspector.").replace(
                "%1", str(event_id)
            )
        )
        if self.inspector is not None:
            show = getattr(self.inspector, "show_event", None)
            if show is not None:
                show(event_id)

    # -- event actions ------------------------------------------------------------------

    def toggle_pin(self) -> None:
        store = self.context.store
        ids = self.feed.selected_event_ids()
        if store is None or not ids:
            return
        positions = [self.feed_model.row_of(event_id) for event_id in ids]
        rows = [self.feed_model.feed_row(p) for p in positions if p is not None]
        # Pin all unless every selected one is pinned already.
        pin = not all(row is not None and row.pinned for row in rows)

        def apply(_c: object) -> list[int]:
            return [event_id for event_id in ids if store.set_pinned(event_id, pin)]

        def done(changed: list[int]) -> None:
            for event_id in changed:
                self.feed_model.set_row_pinned(event_id, pin)
            current = self.feed.current_event_id()
            if self.inspector is not None and current in changed:
                getattr(self.inspector, "show_event", lambda _i: None)(current)
            self.sidebar.note_event()

        self.context.jobs.submit(apply, on_done=done, on_error=lambda e: self.show_message(str(e)))

    def _open_dialog(self, dialog: QDialog) -> None:
        self._dialogs.append(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: self._dialogs.remove(dialog))
        dialog.show()

    def compare_selected(self) -> None:
        """Ctrl+D: the two selected events; one selected, it and its order's previous event."""
        ids = self.feed.selected_event_ids()
        if self.factories.diff is None:
            return
        if len(ids) == 1:
            self.compare_with_previous(ids[0])
            return
        if len(ids) != 2:
            self.show_message(self.tr("Select one or two events and press Ctrl+D to compare."))
            return
        # Older first: "what changed from the first save to the second".
        first, second = sorted(ids)
        self._open_dialog(self.factories.diff(self.context, first, second, self))

    def compare_with_previous(self, event_id: int) -> None:
        """The inspector's Compare: the two selected rows, else the order's previous event."""
        selected = self.feed.selected_event_ids()
        if len(selected) == 2 and event_id in selected:
            self.compare_selected()
            return
        store = self.context.store
        position = self.feed_model.row_of(event_id)
        row = self.feed_model.feed_row(position) if position is not None else None
        if store is None or self.factories.diff is None:
            return
        if row is None or not row.order_id:
            self.show_message(self.tr("Select two events and press Ctrl+D to compare them."))
            return
        flt = EventFilter(
            order_id=row.order_id,
            order_system=OrderSystem.of_source(row.source),
            profile=row.profile,
            include_duplicates=True,
        )

        def previous(_c: object) -> int | None:
            rows = store.query_rows(flt, limit=1, before_id=event_id)
            return rows[0].id if rows else None

        def found(older: int | None) -> None:
            if older is None or self.factories.diff is None:
                self.show_message(
                    self.tr(
                        "No earlier event about order %1 to compare with; select two events "
                        "and press Ctrl+D."
                    ).replace("%1", row.order_id or "")
                )
                return
            self._open_dialog(self.factories.diff(self.context, older, event_id, self))

        self.context.jobs.submit(
            previous, on_done=found, on_error=lambda e: self.show_message(str(e))
        )

    def resend_current(self) -> None:
        current = self.feed.current_event_id()
        if current is not None:
            self.open_resend(current)

    def open_resend(self, event_id: int) -> None:
        if self.factories.resend is not None:
            dialog = self.factories.resend(self.context, event_id, self)
            requested = getattr(dialog, "event_requested", None)
            if requested is not None:
                requested.connect(self._show_event_from_timeline)
            self._open_dialog(dialog)

    def timeline_current(self) -> None:
        row = self.feed_model.feed_row(self.feed.currentIndex().row())
        if row is not None and row.order_id:
            self.open_timeline(row.profile or "", str(OrderRef.of_event(row.source, row.order_id)))

    def open_timeline(self, profile: str, order_id: str) -> QDialog | None:
        if self.factories.timeline is None:
            return None
        dialog = self.factories.timeline(self.context, profile or None, order_id, self)
        activated = getattr(dialog, "event_activated", None)
        if activated is not None:
            activated.connect(self._show_event_from_timeline)
        for name, slot in (
            ("change_status_requested", self.open_change_status),
            ("bind_requested", self.open_bind),
        ):
            signal = getattr(dialog, name, None)
            if signal is not None:
                signal.connect(slot)
        self._open_dialog(dialog)
        return dialog

    def _show_event_from_timeline(self, event_id: int) -> None:
        self.show_page(0)
        self.show_original(event_id)

    # -- pages and forms -----------------------------------------------------------------

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.pages.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def page(self, index: int) -> QWidget:
        """The page at ``index``, built if it was not yet."""
        builder = self._page_builders.pop(index, None)
        if builder is not None:
            placeholder = self.pages.widget(index)
            title = self.pages.tabText(index)
            current = self.pages.currentIndex()
            self.pages.blockSignals(True)
            built = builder()
            self.pages.removeTab(index)
            self.pages.insertTab(index, built, title)
            self.pages.setCurrentIndex(current)
            self.pages.blockSignals(False)
            if placeholder is not None:
                placeholder.deleteLater()
        widget = self.pages.widget(index)
        assert widget is not None
        return widget

    def _page_changed(self, index: int) -> None:
        page = self.page(index)
        activate = getattr(page, "activate", None)
        if activate is not None:
            activate()
        # A page about an order starts from the order selected in the feed.
        prefill = getattr(page, "prefill", None)
        if prefill is not None:
            prefill(*self._selected_order())

    def _build_statuses_page(self) -> QWidget:
        from console.ui.views.statuses import StatusesPage

        return StatusesPage(self.context, self)

    def _build_bindings_page(self) -> QWidget:
        from console.ui.views.bindings import BindingsPage

        page = BindingsPage(self.context, self)
        page.bind_requested.connect(self.open_bind)
        return page

    def _build_connections_page(self) -> QWidget:
        from console.ui.views.connections import ConnectionsPage

        page = ConnectionsPage(self.context, self)
        page.profiles_changed.connect(self.profiles_changed)
        return page

    def add_connection(self) -> QWidget | None:
        """The welcome panel's "Connect a portal…": Connections, its Add dialog open."""
        index = CONNECTIONS_PAGE
        self.show_page(index)
        add = getattr(self.page(index), "add", None)
        dialog: QWidget | None = add() if add is not None else None
        return dialog

    def profiles_changed(self) -> None:
        """A profile was added, changed or removed in the window: the welcome panel, the
        query's profile names and the portal states follow without a restart (the
        Connections page has asked the listener to re-read the profiles)."""
        console = self.context.console
        if console is None:
            return

        def read(_c: object) -> list[str]:
            return console.profile_names()

        def done(profiles: list[str]) -> None:
            self.welcome.setVisible(not profiles and not console.is_demo)
            self.query_bar.set_known_values(profiles=profiles, events=sorted(self._seen_events))
            self.status.refresh_snapshot()

        self.context.jobs.submit(read, on_done=done, on_error=lambda e: self.show_message(str(e)))

    def _selected_order(self) -> tuple[str, str]:
        row = self.feed_model.feed_row(self.feed.currentIndex().row())
        if row is None:
            return "", ""
        order = str(OrderRef.of_event(row.source, row.order_id)) if row.order_id else ""
        return row.profile or "", order

    def change_status_current(self) -> QDialog:
        return self.open_change_status(*self._selected_order())

    def bind_current(self) -> QDialog:
        return self.open_bind(*self._selected_order())

    def open_change_status(self, profile: str, order_id: str) -> QDialog:
        from console.ui.dialogs.order_status import OrderStatusDialog

        dialog = OrderStatusDialog(self.context, profile or None, order_id or None, self)
        dialog.changed.connect(lambda _result: self._refresh_timelines())
        self._open_dialog(dialog)
        return dialog

    def open_bind(self, profile: str, order_id: str) -> QDialog:
        from console.bitrix.models import OwnerType
        from console.ui.dialogs.bind import BindDialog

        # Every way here is "Bind to deal…": the deal is what is offered first.
        dialog = BindDialog(
            self.context, profile or None, order_id or None, self, owner_type=OwnerType.DEAL
        )
        dialog.bound.connect(lambda _result: self._refresh_timelines())
        self._open_dialog(dialog)
        return dialog

    def _refresh_timelines(self) -> None:
        """A change was made: open timelines show it (with the event that follows)."""
        for dialog in self._dialogs:
            view = getattr(dialog, "view", None)
            refresh = getattr(view, "refresh", None)
            if refresh is not None:
                refresh()

    def open_settings(self) -> QDialog:
        from console.ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context, self)
        self._open_dialog(dialog)
        return dialog

    def export_current(self) -> None:
        store = self.context.store
        if store is None:
            self.show_message(self.tr("The store is not open yet."))
            return
        path_text, _chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export events"),
            str(Path.home() / "events.jsonl"),
            self.tr("JSON lines (*.jsonl);;CSV (*.csv)"),
        )
        if not path_text:
            return
        self.start_export(Path(path_text))

    def start_export(self, path: Path) -> QDialog:
        """Export the current filter to ``path`` (the format follows the suffix)."""
        from console.ui.dialogs.export import ExportDialog

        store = self.context.store
        assert store is not None
        dialog = ExportDialog(self.context.jobs, store, self.feed_model.event_filter, path, self)
        dialog.finished_export.connect(
            lambda n: self.show_message(
                self.tr("Exported %Ln events to %1", "", n).replace("%1", str(path))
            )
        )
        self._open_dialog(dialog)
        dialog.start()
        return dialog

    def show_shortcuts(self) -> QDialog:
        from console.ui.dialogs.shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self.shortcut_actions(), self)
        self._open_dialog(dialog)
        return dialog

    def show_about(self) -> QDialog:
        from console.ui.dialogs.about import AboutDialog

        console = self.context.console
        folder = console.store_path.parent if console is not None else None
        dialog = AboutDialog(self.context.jobs, self, data_folder=folder)
        self._open_dialog(dialog)
        return dialog

    def open_log_folder(self) -> None:
        from console.core.paths import log_dir
        from console.ui.folders import open_folder

        open_folder(log_dir(), self)

    def _notify_toggled(self, checked: bool) -> None:
        settings = self.context.settings
        settings.window.notify_new_orders = checked
        snapshot = settings.model_copy(deep=True)

        def save(_c: object) -> None:
            from console.core.settings import save_settings

            save_settings(snapshot)

        self.context.jobs.submit(save, on_error=lambda e: self.show_message(str(e)))

    def install_tray(self) -> None:
        """A tray icon when the desktop has a tray."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        from console.ui.tray import ConsoleTrayIcon

        self.tray = ConsoleTrayIcon(self, application_icon(), self.notify_action, self.quit_action)
        self.tray.show()

    # -- layout -------------------------------------------------------------------------

    def current_layout(self) -> WindowLayout:
        return WindowLayout(
            geometry=self.saveGeometry(),
            state=self.saveState(),
            main_splitter=self.main_splitter.saveState(),
            feed_splitter=self.feed_splitter.saveState(),
            feed_header=(
                self.feed.horizontalHeader().saveState() if self.feed.widths_settled else None
            ),
            last_query=self.query_bar.text,
            selected_view=self.sidebar.current_view_name(),
        )

    def share_feed_splitter(self) -> None:
        """The inspector's default share: a third of what the feed and it have, at any
        window width (fixed pixels gave it two thirds of a 1024 px screen), or the width
        its buttons need up to half (longer words, as in Ukrainian, cut them off)."""
        total = sum(self.feed_splitter.sizes())
        if total > 0:
            self._inspector_width_shared = self._inspector_width_needed()
            inspector = max(total // 3, min(self._inspector_width_shared, total // 2))
            self.feed_splitter.setSizes([total - inspector, inspector])

    def _inspector_width_needed(self) -> int:
        holder = self.feed_splitter.widget(1)
        if self.inspector is None or not isinstance(holder, QScrollArea):
            return 0
        scroll_bar = holder.verticalScrollBar().sizeHint().width()
        return self.inspector.minimumSizeHint().width() + scroll_bar

    def _feed_split_moved(self, _position: int, _index: int) -> None:
        self._feed_split_by_hand = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.inspector
            and event.type() == QEvent.Type.LayoutRequest
            and self._feed_shared
            and not self._feed_share_restored
            and not self._feed_split_by_hand
            and self._inspector_width_needed() != self._inspector_width_shared
        ):
            self.share_feed_splitter()
        return super().eventFilter(watched, event)

    def save_layout(self) -> None:
        self._layout_store.save(self.current_layout())

    def restore_layout(self) -> None:
        layout = self._layout_store.load()
        if layout.geometry is not None:
            self.restoreGeometry(layout.geometry)
        if layout.state is not None:
            self.restoreState(layout.state)
        if layout.main_splitter is not None:
            self.main_splitter.restoreState(layout.main_splitter)
        if layout.feed_splitter is not None:
            self._feed_share_restored = self.feed_splitter.restoreState(layout.feed_splitter)
        if layout.feed_header is not None and self.feed.horizontalHeader().restoreState(
            layout.feed_header
        ):
            self.feed.mark_widths_restored()
        if layout.selected_view is not None and (
            self.sidebar.model.row_of_name(layout.selected_view) is not None
        ):
            row = self.sidebar.model.row_of_name(layout.selected_view)
            assert row is not None
            self.sidebar.list.setCurrentIndex(self.sidebar.model.index(row))
        self.query_bar.set_query(layout.last_query)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._feed_share_restored and not self._feed_shared:
            self._feed_shared = True
            layout = self.layout()
            if layout is not None:
                layout.activate()  # the splitter's width at this window size
            self.share_feed_splitter()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.status.team.leave()
        super().closeEvent(event)
        self.quit_requested.emit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.feed_model.set_palette(self.palette())


class _ResolvedRelay(QObject):
    """Carries the order resolver's ``on_resolved(event_id, order_id)`` from its thread to
    the GUI thread (a signal emitted elsewhere is delivered queued)."""

    resolved = Signal(int, str)


class FirstPaintProbe(QObject):
    """Calls ``on_paint`` once, right after the watched widget's first paint event.

    With ``fallback_ms`` it is called then at the latest, for a platform that never
    paints (so work waiting for the paint is never lost).
    """

    def __init__(
        self, watched: QWidget, on_paint: Callable[[], None], *, fallback_ms: int | None = None
    ) -> None:
        super().__init__(watched)
        self._on_paint = on_paint
        self._done = False
        watched.installEventFilter(self)
        if fallback_ms is not None:
            QTimer.singleShot(fallback_ms, self._fire)

    def _fire(self) -> None:
        if not self._done:
            self._done = True
            self._on_paint()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint:
            # The paint has not been flushed yet; run right after it is.
            QTimer.singleShot(0, self._fire)
        return False


__all__ = [
    "FirstPaintProbe",
    "InspectorFactories",
    "InspectorWidget",
    "MainWindow",
    "default_factories",
]
