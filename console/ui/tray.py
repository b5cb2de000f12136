"""The tray icon: show or hide the window, quit, and optional new-order notifications."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from console.store.model import EventSource, FeedRow, Verification
from console.ui.untrusted import shown

ORDER_EVENTS = frozenset({"ONSALEORDERSAVED", "ONSALEORDERADD", "ONCRMDEALADD", "ONCRMDEALUPDATE"})


def is_new_order_event(event: FeedRow) -> bool:
    """Verified, not a duplicate, and about an order (Horoshop orders always are)."""
    if event.verification != Verification.VERIFIED or event.duplicate_of is not None:
        return False
    return event.source == EventSource.HOROSHOP or event.event.upper() in ORDER_EVENTS


class ConsoleTrayIcon(QSystemTrayIcon):
    """Built only when ``QSystemTrayIcon.isSystemTrayAvailable()``."""

    def __init__(
        self,
        window: QWidget,
        icon: QIcon,
        notify_action: QAction,
        quit_action: QAction,
    ) -> None:
        super().__init__(icon, window)
        self._window = window
        self._notify = notify_action
        self.setToolTip(self.tr("b24-console"))
        menu = QMenu(window)
        self.toggle_action = menu.addAction(self.tr("Show/Hide window"))
        self.toggle_action.triggered.connect(self.toggle_window)
        menu.addAction(notify_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        self._menu = menu
        self.setContextMenu(menu)
        self.activated.connect(self._activated)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()

    def toggle_window(self) -> None:
        if self._window.isVisible() and not self._window.isMinimized():
            self._window.hide()
        else:
            self._window.showNormal()
            self._window.raise_()
            self._window.activateWindow()

    def notify(self, event: FeedRow, on_notify: Callable[[], None] | None = None) -> None:
        """A desktop notification for a new verified order event, when the operator wants it."""
        if not self._notify.isChecked() or not is_new_order_event(event):
            return
        order = event.order_id or event.entity_id or "?"
        self.showMessage(
            self.tr("New order event"),
            self.tr("%1 · order %2 · %3")
            .replace("%1", shown(event.source))
            .replace("%2", shown(order))
            .replace("%3", shown(event.profile or "")),
            QSystemTrayIcon.MessageIcon.Information,
            5000,
        )
        if on_notify is not None:
            on_notify()
