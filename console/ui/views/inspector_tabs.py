"""The inspector's tabs: Payload (tree and form lines), Raw (text or hex), Headers, Entity.

Each tab is handed a loaded :class:`StoredEvent` and shows it; only the Entity tab
talks to anything (the portal, in a job).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFontDatabase,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.bitrix.errors import B24Error, user_message
from console.bitrix.order_view import (
    OrderView,
    OrderViewError,
    fetch_order_view,
    horoshop_order_view,
)
from console.core.credentials import CredentialsError
from console.listener.redaction import REDACTED
from console.store.model import EventSource, StoredEvent
from console.ui.context import ConsoleContext
from console.ui.formatting import moment_text, money_text
from console.ui.jobs import Job, JobContext
from console.ui.language import bitrix_lid
from console.ui.models.entity import BasketTableModel, ShipmentTableModel
from console.ui.models.headers import HeadersTableModel
from console.ui.models.payload import (
    PATH_ROLE,
    VALUE_ROLE,
    PayloadTreeModel,
    form_lines,
    has_at_most,
)
from console.ui.untrusted import PlainLabel, markup_value

# The Raw tab shows this much until "Show all" is pressed: a 1 MB body would make the
# text view slow to lay out, and the start is what an operator reads.
RAW_CAP_BYTES = 64 * 1024
HEX_CAP_BYTES = 16 * 1024
# Payloads with at most this many keys and items open expanded.
_EXPAND_LIMIT = 300


def hex_dump(data: bytes, *, start: int = 0) -> str:
    """Offset, 16 bytes in hex, and the printable ASCII, one line per 16 bytes."""
    lines = []
    for offset in range(0, len(data), 16):
        chunk = data[offset : offset + 16]
        hexes = " ".join(f"{byte:02x}" for byte in chunk)
        text = "".join(chr(byte) if 0x20 <= byte < 0x7F else "." for byte in chunk)
        lines.append(f"{start + offset:08x}  {hexes:<47}  {text}")
    return "\n".join(lines)


def is_form_event(event: StoredEvent) -> bool:
    """Form-encoded on the wire (what Bitrix24 sends), judged as the listener judged it."""
    media = (event.content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        return True
    return (
        event.source is EventSource.BITRIX
        and media in ("", "text/plain", "application/octet-stream")
        and event.raw_body.lstrip()[:1] not in (b"{", b"[")
    )


def _fixed_font_edit() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return edit


class PayloadTab(QWidget):
    """The parsed payload as a tree; form bodies also as ``key = value`` lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PayloadTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().resizeSection(0, 220)
        self.tree.header().resizeSection(1, 360)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.lines = _fixed_font_edit()
        self.empty = QLabel(
            self.tr("No parsed payload: the body could not be read. See the Raw tab.")
        )
        self.empty.setWordWrap(True)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(self.tree, self.tr("Tree"))
        self.views.addTab(self.lines, self.tr("Form lines"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.views)

        self.copy_value_action = self._action(
            self.tr("Copy value"), QKeySequence.StandardKey.Copy, self.copy_value
        )
        self.copy_path_action = self._action(self.tr("Copy path"), "Ctrl+Shift+C", self.copy_path)
        # Listed in F1 as the window's: it works wherever the focus is while the tree shows
        # (a line edit or a text with a selection still copies its own text: Qt lets the
        # focused widget that handles Copy take the key first).
        self.copy_value_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.expand_action = self._action(
            self.tr("Expand all"), "Ctrl+Shift+X", self.tree.expandAll
        )
        self.collapse_action = self._action(
            self.tr("Collapse all"), "Ctrl+Shift+E", self.tree.collapseAll
        )

    def _action(self, text: str, key: QKeySequence.StandardKey | str, slot: Any) -> QAction:
        action = QAction(text, self.tree)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.tree.addAction(action)
        return action

    def show_event(self, event: StoredEvent | None) -> None:
        payload = event.payload if event is not None else None
        self.model.set_payload(payload)
        has_payload = payload is not None
        self.empty.setVisible(event is not None and not has_payload)
        self.views.setVisible(has_payload)
        form = event is not None and has_payload and is_form_event(event)
        self.views.setTabVisible(1, form)
        self.lines.setPlainText(form_lines(payload) if form else "")
        if not form:
            self.views.setCurrentIndex(0)
        if isinstance(payload, dict | list) and has_at_most(payload, _EXPAND_LIMIT):
            # Small payloads (every real event) open up; a big one stays folded, since
            # expanding makes every row and the view lays all of them out.
            self.tree.expandToDepth(2)

    def _current(self) -> QModelIndex:
        return self.tree.currentIndex()

    def copy_value(self) -> None:
        index = self._current()
        if index.isValid():
            QGuiApplication.clipboard().setText(str(self.model.data(index, VALUE_ROLE)))

    def copy_path(self) -> None:
        index = self._current()
        if index.isValid():
            QGuiApplication.clipboard().setText(str(self.model.data(index, PATH_ROLE)))

    def _menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.copy_value_action, self.copy_path_action):
            action.setEnabled(self._current().isValid())
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.expand_action)
        menu.addAction(self.collapse_action)
        menu.popup(self.tree.viewport().mapToGlobal(point))


class RawTab(QWidget):
    """The body as received: text when it is UTF-8, a hex dump when it is not; capped."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.show_all_button = QPushButton()
        self.show_all_button.clicked.connect(self.show_all)
        self.text = _fixed_font_edit()
        bar = QHBoxLayout()
        bar.addWidget(self.info, 1)
        bar.addWidget(self.show_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.text)
        self._raw = b""
        self._decoded: str | None = None

    def show_event(self, event: StoredEvent | None) -> None:
        self._raw = event.raw_body if event is not None else b""
        try:
            self._decoded = self._raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._decoded = None
            self.info.setText(
                self.tr(
                    "{size} bytes, not UTF-8 (first bad byte at {offset}): shown as hex."
                ).format(size=len(self._raw), offset=exc.start)
            )
        else:
            self.info.setText(self.tr("{size} bytes, UTF-8.").format(size=len(self._raw)))
            if event is not None:
                self._say_replaced(event, self._decoded)
        if event is not None and not self._raw:
            self.info.setText(self.tr("The body was empty."))
        self._render(full=False)

    @property
    def is_hex(self) -> bool:
        return self._decoded is None

    def _say_replaced(self, event: StoredEvent, text: str) -> None:
        """Say that secrets were replaced before storing, and why the size differs."""
        fingerprinted = _FINGERPRINT_IN_TEXT.search(text) is not None
        if not fingerprinted and REDACTED not in text:
            return
        sent = _content_length(event)
        if sent is not None and sent != len(self._raw):
            note = self.tr(
                "The sender sent {sent} bytes (Content-Length): before storing, the "
                "application token was replaced by its fingerprint (hmac:…) and other "
                "secrets by [redacted]."
            ).format(sent=sent)
        else:
            note = self.tr(
                "Before storing, the application token was replaced by its fingerprint "
                "(hmac:…) and other secrets by [redacted]."
            )
        self.info.setText(f"{self.info.text()} {note}")

    def _render(self, *, full: bool) -> None:
        cap = HEX_CAP_BYTES if self.is_hex else RAW_CAP_BYTES
        truncated = not full and len(self._raw) > cap
        shown = self._raw if not truncated else self._raw[:cap]
        if self._decoded is None:
            self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            self.text.setPlainText(hex_dump(shown))
        else:
            self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            text = shown.decode("utf-8", "replace") if truncated else self._decoded
            self.text.setPlainText(text)
        self.show_all_button.setVisible(truncated)
        if truncated:
            size_kb = max(1, round(len(self._raw) / 1024))
            self.show_all_button.setText(self.tr("Show all ({size} KB)").format(size=size_kb))

    def show_all(self) -> None:
        self._render(full=True)


# A stored fingerprint (console.core.masking.fingerprint) anywhere in a body.
_FINGERPRINT_IN_TEXT = re.compile(r"hmac(?::|%3A)[0-9a-f]{32}", re.IGNORECASE)


def _content_length(event: StoredEvent) -> int | None:
    for name, value in event.headers:
        if name.lower() == "content-length" and value.strip().isdigit():
            return int(value.strip())
    return None


class HeadersTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HeadersTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().resizeSection(0, 200)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.table)

    def show_event(self, event: StoredEvent | None) -> None:
        self.model.set_headers(event.headers if event is not None else [])


def entity_error_text(error: BaseException, profile: str | None) -> str:
    """What went wrong fetching the order, and what to do, in one or two sentences."""

    if isinstance(error, OrderViewError):
        return QCoreApplication.translate("EntityTab", error.template).format_map(error.params)
    if isinstance(error, CredentialsError):
        return QCoreApplication.translate(
            "EntityTab",
            "No portal connection for profile {profile}: {detail} "
            "Connect the portal in Connections.",
        ).format(profile=profile or "?", detail=str(error).rstrip(".") + ".")
    if isinstance(error, B24Error):
        return QCoreApplication.translate("PortalErrors", user_message(error))
    return QCoreApplication.translate("EntityTab", "Could not fetch the order: {detail}").format(
        detail=str(error) or type(error).__name__
    )


def _label(name: str) -> str:
    """Field names the order view uses in English words get a translated label; the
    portal's own property names (already in the shop's language) stay as they are."""
    labels = {
        "payment": QCoreApplication.translate("EntityTab", "Payment"),
        "delivery": QCoreApplication.translate("EntityTab", "Delivery"),
        "coupon": QCoreApplication.translate("EntityTab", "Coupon"),
        "comment": QCoreApplication.translate("EntityTab", "Comment"),
        "name": QCoreApplication.translate("EntityTab", "Name"),
        "email": QCoreApplication.translate("EntityTab", "E-mail"),
        "phone": QCoreApplication.translate("EntityTab", "Phone"),
        "city": QCoreApplication.translate("EntityTab", "City"),
        "address": QCoreApplication.translate("EntityTab", "Address"),
    }
    return labels.get(name, name)


def _swatch(color: str | None) -> QPixmap:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(120, 120, 120))
    painter = QPainter(pixmap)
    painter.fillRect(1, 1, 12, 12, QColor(color) if color else QColor(0, 0, 0, 0))
    painter.end()
    return pixmap


class EntityTab(QWidget):
    """The full order from the portal (or from a Horoshop payload), fetched in a job."""

    fetched = Signal(object)  # OrderView
    failed = Signal(str)

    LANE = "inspector-entity"

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._event: StoredEvent | None = None
        self._job: Job | None = None
        self._shown_for: int | None = None
        self.view: OrderView | None = None

        self.fetch_button = QPushButton(self.tr("Fetch from portal"))
        self.fetch_button.clicked.connect(self.fetch)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.message = PlainLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        bar.addWidget(self.fetch_button)
        bar.addWidget(self.busy)
        bar.addWidget(self.cancel_button)
        bar.addStretch(1)

        self.swatch = QLabel()
        self.status_name = PlainLabel(one_line=True)
        font = self.status_name.font()
        font.setBold(True)
        self.status_name.setFont(font)
        status_row = QHBoxLayout()
        status_row.addWidget(self.swatch)
        status_row.addWidget(self.status_name, 1)
        self.summary = QLabel()
        # Markup of ours (a table); every value in it passes markup_value().
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.basket_model = BasketTableModel(self)
        self.shipment_model = ShipmentTableModel(self)
        self.basket_table = self._table(self.basket_model)
        self.shipment_table = self._table(self.shipment_model)
        self.basket_label = QLabel(self.tr("<b>Basket</b>"))
        self.shipment_label = QLabel(self.tr("<b>Shipments</b>"))

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.addLayout(status_row)
        content.addWidget(self.summary)
        content.addWidget(self.basket_label)
        content.addWidget(self.basket_table)
        content.addWidget(self.shipment_label)
        content.addWidget(self.shipment_table)
        content.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.content)
        # Let the tab's own background show through, as on the other tabs.
        scroll.viewport().setAutoFillBackground(False)
        self.content.setAutoFillBackground(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self._set_busy(False)
        self._set_message("")
        self._show_view(None)

    @staticmethod
    def _table(model: Any) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(22)
        # A handful of rows: the first column (item, shipment) takes the room, the others
        # fit their contents, and the table never scrolls sideways under its fitted height.
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        return table

    @staticmethod
    def _fit(table: QTableView) -> None:
        # As tall as its rows (the tab scrolls as a whole), so no empty box under them.
        rows = table.model().rowCount()
        header = table.horizontalHeader().sizeHint().height()
        height = header + rows * table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(height + 2 * table.frameWidth() + 2)

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.fetch_button.setEnabled(not busy and self._event is not None)

    def show_event(self, event: StoredEvent | None) -> None:
        """A new event: forget the old order; fetching waits until asked (or the tab opens)."""
        self.cancel()
        self._event = event
        self._shown_for = None
        self._show_view(None)
        self._set_message("")
        if event is not None and event.source is EventSource.HOROSHOP:
            self.fetch_button.setText(self.tr("Show order"))
        else:
            self.fetch_button.setText(self.tr("Fetch from portal"))
        self._set_busy(False)

    def ensure_fetched(self) -> None:
        """Fetch once per event (called when the tab becomes visible)."""
        if self._event is not None and self._shown_for != self._event.id and self._job is None:
            self.fetch()

    def fetch(self) -> None:
        event = self._event
        if event is None:
            return
        self._shown_for = event.id
        self._set_message("")
        if event.source is EventSource.HOROSHOP:
            # Built from the payload alone: no network, nothing to wait for.
            try:
                view = horoshop_order_view(event)
            except OrderViewError as exc:
                self._failed(exc)
            else:
                self._done(view)
            return
        console = self._context.console
        if console is None:
            self._set_message(self.tr("The console is still starting; try again in a moment."))
            return
        profile = event.profile
        if not profile:
            self._set_message(
                self.tr("This event belongs to no profile, so there is no portal to ask.")
            )
            return

        lid = bitrix_lid()

        def work(job: JobContext) -> OrderView:
            client = console.client_for(profile)
            try:
                job.check()
                return fetch_order_view(client, event, check=job.check, lid=lid)
            finally:
                client.close()

        self._set_busy(True)
        self._set_message(
            self.tr("Asking the portal for order {order}…").format(
                order=event.order_id or event.entity_id or "?"
            )
        )
        self._job = self._context.jobs.submit(
            work, on_done=self._done, on_error=self._failed, lane=self.LANE
        )

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
            self._shown_for = None
            self._set_message(self.tr("Cancelled."))
        self._set_busy(False)

    def _done(self, view: OrderView) -> None:
        self._job = None
        self._set_busy(False)
        self._set_message("")
        self._show_view(view)
        self.fetched.emit(view)

    def _failed(self, error: BaseException) -> None:
        self._job = None
        self._set_busy(False)
        profile = self._event.profile if self._event is not None else None
        text = entity_error_text(error, profile)
        self._set_message(text)
        self.failed.emit(text)

    def _show_view(self, view: OrderView | None) -> None:
        self.view = view
        self.content.setVisible(view is not None)
        self.basket_model.set_view(view)
        self.shipment_model.set_view(view)
        if view is None:
            return
        status = view.status
        self.swatch.setPixmap(_swatch(status.color if status else None))
        self.swatch.setVisible(status is not None and bool(status.color))
        if status is not None:
            self.status_name.setText(
                self.tr("{name} ({id})").format(name=status.name, id=status.id)
            )
        else:
            self.status_name.setText(self.tr("Order {order}").format(order=view.order_id))
        rows = [
            (
                self.tr("Order"),
                view.order_id
                + (
                    f" / {view.account_number}"
                    if view.account_number and view.account_number != view.order_id
                    else ""
                ),
            ),
            (self.tr("Total"), money_text(view.total, view.currency)),
            (self.tr("Created"), moment_text(view.created)),
            (self.tr("Updated"), moment_text(view.updated)),
        ]
        if view.resolved_from:
            rows.append(
                (
                    self.tr("Found from"),
                    self.tr("property value {id}").format(id=view.resolved_from),
                )
            )
        rows += [(_label(name), value) for name, value in [*view.customer, *view.extra]]
        html = "".join(
            f"<tr><td style='padding-right:12px'>{markup_value(name)}</td>"
            f"<td>{markup_value(value)}</td></tr>"
            for name, value in rows
            if value
        )
        self.summary.setText(f"<table>{html}</table>")
        self.basket_label.setVisible(bool(view.basket))
        self.basket_table.setVisible(bool(view.basket))
        self.shipment_label.setVisible(bool(view.shipments))
        self.shipment_table.setVisible(bool(view.shipments))
        self._fit(self.basket_table)
        self._fit(self.shipment_table)
