"""The inspector beside the feed: one event's header, its tabs and the actions on it.

:meth:`InspectorPanel.show_event` loads the event in a job (lane ``inspector``): when
the operator clicks through the feed quickly only the last click's event is shown.
The panel talks to the window only through its signals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.bitrix.order_view import OrderView
from console.listener.curl import CurlCommand, build_curl
from console.listener.explain import Explanation, explain, recent_wrong_tokens
from console.store.model import EventSource, OrderRef, StoredEvent, Verification
from console.ui.context import ConsoleContext
from console.ui.dialogs.curl_confirm import confirm_include_secrets
from console.ui.jobs import JobContext
from console.ui.secret_source import listener_base_url, secret_source_for
from console.ui.untrusted import TEXT_LIMIT, PlainLabel, markup_value, shown
from console.ui.views.flow_layout import FlowLayout
from console.ui.views.inspector_tabs import EntityTab, HeadersTab, PayloadTab, RawTab

LANE = "inspector"

_SOURCE_NAMES: dict[EventSource, str] = {
    EventSource.BITRIX: "Bitrix24",
    EventSource.HOROSHOP: "Horoshop",
    EventSource.CATCH_UP: str(QT_TRANSLATE_NOOP("InspectorPanel", "Catch-up")),
}
# Badge colours per verification state: (background, text).
_BADGES = {
    Verification.VERIFIED: ("#2e7d32", "#ffffff"),
    Verification.REJECTED: ("#c62828", "#ffffff"),
    Verification.MALFORMED: ("#ef8f00", "#000000"),
}
_NOTE_BACKGROUND = {
    Verification.REJECTED: "rgba(198, 40, 40, 40)",
    Verification.MALFORMED: "rgba(239, 143, 0, 45)",
}


def _explanation_tr(text: str) -> str:
    return QCoreApplication.translate("Explanation", text)


# The state a finding names ("The event was {state}..."), in the feed's words.
_STATE_WORDS = {
    "rejected": str(QT_TRANSLATE_NOOP("EventFeedTableModel", "rejected")),
    "malformed": str(QT_TRANSLATE_NOOP("EventFeedTableModel", "malformed")),
}


def _localized(explanation: Explanation) -> Explanation:
    """``explanation`` with the state word it names put through ``tr()`` too."""
    findings = []
    for finding in explanation.findings:
        word = _STATE_WORDS.get(finding.params.get("state", ""))
        if word is not None:
            state = QCoreApplication.translate("EventFeedTableModel", word)
            finding = replace(finding, params={**finding.params, "state": state})
        findings.append(finding)
    return Explanation(tuple(findings))


def local_time(moment: datetime) -> str:
    """The receive time in the operator's time zone, to the millisecond."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


class InspectorPanel(QWidget):
    """Shows one stored event; see the module docstring.

    Signals: ``pin_changed(event_id, pinned)`` after the store changed it;
    ``timeline_requested(profile or "", order)`` with the order as ``hs-300`` or
    ``b24-300`` (:class:`OrderRef`); ``resend_requested(event_id)``;
    ``compare_requested(event_id)``; ``loaded(event_id)`` once an event is on screen.
    """

    pin_changed = Signal(int, bool)
    timeline_requested = Signal(str, str)
    resend_requested = Signal(int)
    compare_requested = Signal(int)
    loaded = Signal(int)
    # The order forms, asked of the window: (profile or "", order as hs-300 or b24-300).
    change_status_requested = Signal(str, str)
    bind_requested = Signal(str, str)
    # After the operator accepted a domain for a profile: (profile, domain).
    domain_accepted = Signal(str, str)
    # A copied command or a failed action, for the status bar (the context's message too).
    notice = Signal(str)

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._event: StoredEvent | None = None
        self._requested: int | None = None
        self._order_id: str | None = None
        self._pinning: set[int] = set()
        self.explanation: Explanation | None = None
        # Asks the operator before secrets reach the clipboard; replaceable for scripting.
        self.confirm_secrets: Callable[[QWidget], bool] = confirm_include_secrets

        self.title = PlainLabel(one_line=True)
        font = self.title.font()
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.meta = PlainLabel()
        self.meta.setWordWrap(True)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setContentsMargins(8, 6, 8, 6)

        self.pin_button = QToolButton()
        self.pin_button.setCheckable(True)
        self.pin_button.setText(self.tr("Pin"))
        self.pin_button.setToolTip(self.tr("Pinned events are never removed by retention"))
        self.pin_button.clicked.connect(self._toggle_pin)
        self.curl_button = QToolButton()
        self.curl_button.setText(self.tr("Copy as cURL"))
        self.curl_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.copy_curl_action = QAction(self.tr("Copy as cURL (secrets masked)"), self)
        self.copy_curl_action.setShortcut(QKeySequence("Ctrl+Alt+C"))
        # The window's shortcut, as F1 lists it: the event on screen, wherever the focus is.
        self.copy_curl_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.copy_curl_action.triggered.connect(self.copy_curl)
        self.copy_curl_secrets_action = QAction(self.tr("Copy as cURL with secrets…"), self)
        self.copy_curl_secrets_action.triggered.connect(self.copy_curl_with_secrets)
        self.addAction(self.copy_curl_action)
        curl_menu = QMenu(self)
        curl_menu.addAction(self.copy_curl_action)
        curl_menu.addAction(self.copy_curl_secrets_action)
        self.curl_button.setMenu(curl_menu)
        self.curl_button.clicked.connect(self.copy_curl)
        self.resend_button = QPushButton(self.tr("Edit and resend…"))
        self.resend_button.clicked.connect(self._ask_resend)
        self.compare_button = QPushButton(self.tr("Compare…"))
        self.compare_button.setToolTip(self.tr("Compare this event's payload with another event"))
        self.compare_button.clicked.connect(self._ask_compare)
        self.timeline_button = QPushButton(self.tr("Order timeline"))
        self.timeline_button.clicked.connect(self._ask_timeline)
        self.change_status_button = QPushButton(self.tr("Change status…"))
        self.change_status_button.setToolTip(self.tr("Change the order's or a shipment's status"))
        self.change_status_button.clicked.connect(self._ask_change_status)
        self.bind_button = QPushButton(self.tr("Bind to deal…"))
        self.bind_button.clicked.connect(self._ask_bind)
        self.accept_domain_button = QPushButton()
        self.accept_domain_button.clicked.connect(self.accept_domain)
        self.accept_domain_button.hide()

        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.badge)
        title_row.addWidget(self.pin_button)
        # The buttons wrap where the inspector's width ends (a narrow window, longer
        # words): none is cut off or pushed out of sight.
        actions = FlowLayout()
        for button in (
            self.curl_button,
            self.resend_button,
            self.compare_button,
            self.timeline_button,
            self.change_status_button,
            self.bind_button,
        ):
            actions.addWidget(button)

        self.header = QFrame()
        header = QVBoxLayout(self.header)
        header.setContentsMargins(0, 0, 0, 0)
        header.addLayout(title_row)
        header.addWidget(self.meta)
        header.addWidget(self.note)
        header.addWidget(self.accept_domain_button, 0, Qt.AlignmentFlag.AlignLeft)
        header.addLayout(actions)

        self.payload_tab = PayloadTab()
        self.raw_tab = RawTab()
        self.headers_tab = HeadersTab()
        self.entity_tab = EntityTab(context)
        self.entity_tab.fetched.connect(self._entity_fetched)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.payload_tab, self.tr("Payload"))
        self.tabs.addTab(self.raw_tab, self.tr("Raw"))
        self.tabs.addTab(self.headers_tab, self.tr("Headers"))
        self.tabs.addTab(self.entity_tab, self.tr("Entity"))
        self.tabs.currentChanged.connect(self._tab_changed)

        self.placeholder = PlainLabel(self.tr("Select an event in the feed to inspect it."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        # An event asked for before the console ran is loaded once it does.
        context.ready.connect(self._console_ready)

        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self._show(None)

    # -- loading ------------------------------------------------------------------------

    @property
    def current_event(self) -> StoredEvent | None:
        """The event on screen."""
        return self._event

    def show_event(self, event_id: int | None) -> None:
        """Load and show event ``event_id``; ``None`` clears the panel."""
        if event_id is not None and event_id == self._requested and self._event is not None:
            # Already on screen: a query that keeps the row selects it again, and loading it
            # anew would cancel what its tabs are doing (an order being fetched).
            return
        self._requested = event_id
        if event_id is None:
            self._context.jobs.cancel_lane(LANE)
            self._show(None)
            return
        store = self._context.store
        if store is None:
            self._show(None)
            self.placeholder.setText(self.tr("The console is still starting…"))
            return

        def load(job: JobContext) -> tuple[StoredEvent | None, Explanation | None]:
            del job
            event = store.get(event_id)
            if event is None:
                return None, None
            count = None
            if "wrong application token" in (event.verification_reason or ""):
                count = recent_wrong_tokens(store, event)
            return event, explain(event, recent_wrong_token_count=count)

        self._context.jobs.submit(
            load,
            on_done=lambda result: self._loaded(event_id, *result),
            on_error=lambda exc: self._load_failed(event_id, exc),
            lane=LANE,
        )

    def _console_ready(self) -> None:
        if self._requested is not None and self._event is None:
            self.show_event(self._requested)

    def _loaded(
        self, event_id: int, event: StoredEvent | None, explanation: Explanation | None
    ) -> None:
        if event_id != self._requested:
            return  # the operator has moved on
        if event is None:
            self._show(None)
            self.placeholder.setText(
                self.tr("Event #{id} is no longer stored (removed by retention).").format(
                    id=event_id
                )
            )
            return
        self.explanation = explanation
        self._show(event)
        self.loaded.emit(event.id)

    def _load_failed(self, event_id: int, error: BaseException) -> None:
        if event_id != self._requested:
            return
        self._show(None)
        self.placeholder.setText(
            self.tr("Could not read event #{id}: {error}").format(id=event_id, error=error)
        )

    def _show(self, event: StoredEvent | None) -> None:
        self._event = event
        # As "hs-300" or "b24-300": the number alone names two orders.
        self._order_id = (
            str(OrderRef.of_event(event.source, event.order_id))
            if event is not None and event.order_id
            else None
        )
        self.placeholder.setText(self.tr("Select an event in the feed to inspect it."))
        self.placeholder.setVisible(event is None)
        self.header.setVisible(event is not None)
        self.tabs.setVisible(event is not None)
        for tab in (self.payload_tab, self.raw_tab, self.headers_tab, self.entity_tab):
            tab.show_event(event)
        if event is None:
            return
        self._fill_header(event)
        if self.tabs.currentWidget() is self.entity_tab:
            self.entity_tab.ensure_fetched()

    def _fill_header(self, event: StoredEvent) -> None:
        self.title.setText(f"#{event.id}  {shown(event.event)}")
        background, foreground = _BADGES[event.verification]
        state = {
            Verification.VERIFIED: self.tr("verified"),
            Verification.REJECTED: self.tr("rejected"),
            Verification.MALFORMED: self.tr("malformed"),
        }[event.verification]
        if event.duplicate_of is not None:
            state = self.tr("{state}, duplicate").format(state=state)
        self.badge.setText(f" {state} ")
        self.badge.setStyleSheet(
            f"background:{background};color:{foreground};border-radius:3px;padding:1px 6px;"
        )
        parts = [
            QCoreApplication.translate(
                "InspectorPanel", _SOURCE_NAMES.get(event.source, event.source.value)
            ),
            local_time(event.received_at),
            self.tr("profile {name}").format(name=shown(event.profile))
            if event.profile
            else self.tr("no profile"),
        ]
        if event.order_id and event.source is EventSource.HOROSHOP:
            parts.append(self.tr("Horoshop order {id}").format(id=shown(event.order_id)))
        elif event.order_id:
            parts.append(self.tr("order {id}").format(id=shown(event.order_id)))
        if event.entity_id and event.entity_id != event.order_id:
            parts.append(self.tr("entity {id}").format(id=shown(event.entity_id)))
        if event.portal_domain:
            parts.append(shown(event.portal_domain))
        if event.remote_addr:
            parts.append(self.tr("from {addr}").format(addr=shown(event.remote_addr)))
        self.meta.setText("  ·  ".join(parts))
        self._fill_note(event)
        self._set_pinned(event.pinned)
        self._update_timeline_button()
        # A catch-up event was read from the portal, not sent: there is no request to
        # copy or resend.
        sent = event.source is not EventSource.CATCH_UP
        for widget in (self.curl_button, self.resend_button):
            widget.setEnabled(sent)
            widget.setToolTip(
                ""
                if sent
                else self.tr("Found by polling the portal: nothing was sent, so nothing to resend.")
            )
        self.copy_curl_action.setEnabled(sent)
        self.copy_curl_secrets_action.setEnabled(sent)

    def _fill_note(self, event: StoredEvent) -> None:
        explanation = self.explanation or explain(event)
        self.explanation = explanation
        title, advice = _localized(explanation).render(_explanation_tr)
        # The explanation quotes the event (its profile, its domain): markup of ours only.
        if event.verification is Verification.VERIFIED:
            text = title if explanation.kind != "verified" else ""
            self.note.setText(markup_value(text, limit=TEXT_LIMIT, one_line=False))
            self.note.setStyleSheet("")
        else:
            self.note.setText(
                f"<b>{markup_value(title, limit=TEXT_LIMIT, one_line=False)}</b><br>"
                f"{markup_value(advice, limit=TEXT_LIMIT, one_line=False)}"
            )
            self.note.setStyleSheet(
                f"background:{_NOTE_BACKGROUND[event.verification]};border-radius:4px;"
            )
        self.note.setVisible(bool(self.note.text()))
        self._offer_accept_domain(event)

    def _offer_accept_domain(self, event: StoredEvent) -> None:
        """A rejected event with the right token but another domain: offer to accept it."""
        from console.operations.profiles import token_right_mismatch

        offer = (
            token_right_mismatch(event) == "domain"
            and bool(event.portal_domain)
            and bool(event.profile)
        )
        if offer:
            self.accept_domain_button.setText(
                self.tr("Accept {domain} for profile {profile}").format(
                    domain=shown(event.portal_domain), profile=shown(event.profile)
                )
            )
            self.accept_domain_button.setToolTip(
                self.tr(
                    "The application token was right: this is the portal under another "
                    "address. Accepting it verifies its future events; this one stays rejected."
                )
            )
        self.accept_domain_button.setEnabled(True)
        self.accept_domain_button.setVisible(offer)

    def accept_domain(self) -> None:
        """Accept the event's domain for its profile (in a job), then reload the listener's
        credentials so the next event from that domain is verified."""
        event, console = self._event, self._context.console
        if event is None or console is None or not event.profile or not event.portal_domain:
            return
        profile, domain = event.profile, event.portal_domain
        repo = getattr(console, "profiles", None)
        credentials = getattr(console, "credentials", None)

        def work(job: JobContext) -> str:
            del job
            from console.core.profiles import ProfileRepository
            from console.operations.profiles import accept_domain

            repository = repo if isinstance(repo, ProfileRepository) else ProfileRepository()
            saved = accept_domain(repository, profile, domain)
            reload = getattr(credentials, "reload", None)
            if reload is not None:
                reload()
            return saved.extra_domains[-1] if saved.extra_domains else domain

        def done(host: str) -> None:
            self.accept_domain_button.hide()
            self.domain_accepted.emit(profile, host)
            self._say(
                self.tr(
                    "{domain} is accepted for profile {profile}: its next events are verified. "
                    "This event stays rejected; resend it to store it again."
                ).format(domain=host, profile=profile)
            )

        def failed(error: BaseException) -> None:
            self.accept_domain_button.setEnabled(True)
            self._say(self.tr("Could not accept the domain: {error}").format(error=error))

        self.accept_domain_button.setEnabled(False)
        self._context.jobs.submit(work, on_done=done, on_error=failed, lane=f"{LANE}-domain")

    def _set_pinned(self, pinned: bool) -> None:
        self.pin_button.setEnabled(self._event is None or self._event.id not in self._pinning)
        self.pin_button.setChecked(pinned)
        self.pin_button.setText(self.tr("Pinned") if pinned else self.tr("Pin"))

    def _update_timeline_button(self) -> None:
        self.timeline_button.setEnabled(bool(self._order_id))
        for button in (self.change_status_button, self.bind_button):
            button.setEnabled(bool(self._order_id) and bool(self._event and self._event.profile))
        self.timeline_button.setToolTip(
            ""
            if self._order_id
            else self.tr("This event names no order yet; open the Entity tab to find it.")
        )

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.entity_tab:
            self.entity_tab.ensure_fetched()

    def _entity_fetched(self, view: OrderView) -> None:
        # A property-value event learns its order here: the timeline can now show it.
        if self._event is not None and not self._order_id and view.order_id:
            self._order_id = str(OrderRef.of_event(self._event.source, view.order_id))
            self._update_timeline_button()

    # -- actions ------------------------------------------------------------------------

    def _toggle_pin(self) -> None:
        event, store = self._event, self._context.store
        wanted = self.pin_button.isChecked()
        if event is None or store is None:
            return
        event_id = event.id

        def settle() -> None:
            self._pinning.discard(event_id)
            if self._event is not None and self._event.id == event_id:
                self.pin_button.setEnabled(True)

        def done(found: bool) -> None:
            settle()
            if not found:
                self._say(self.tr("Event #{id} is no longer stored.").format(id=event_id))
                return
            if self._event is not None and self._event.id == event_id:
                self._event = self._event.model_copy(update={"pinned": wanted})
                self._set_pinned(wanted)
            self.pin_changed.emit(event_id, wanted)

        def failed(error: BaseException) -> None:
            settle()
            if self._event is not None and self._event.id == event_id:
                self._set_pinned(self._event.pinned)
            self._say(self.tr("Could not change the pin: {error}").format(error=error))

        self.pin_button.setText(self.tr("Pinned") if wanted else self.tr("Pin"))
        # One change at a time per event: two jobs could reach the store in either order.
        self._pinning.add(event_id)
        self.pin_button.setEnabled(False)
        self._context.jobs.submit(
            lambda job: store.set_pinned(event_id, wanted),
            on_done=done,
            on_error=failed,
            lane=f"{LANE}-pin-{event_id}",
        )

    def _base_url(self) -> str:
        listener = self._context.settings.listener
        return listener_base_url(self._context.console, listener.host, listener.port)

    def copy_curl(self) -> None:
        """Copy the event as a cURL command with every secret masked."""
        if self._event is None or self._event.source is EventSource.CATCH_UP:
            return
        command = build_curl(self._event, base_url=self._base_url())
        self._copy(command)

    def copy_curl_with_secrets(self) -> None:
        """After the operator confirms: the command with the secrets replay would restore."""
        event = self._event
        if event is None or event.source is EventSource.CATCH_UP:
            return
        if not self.confirm_secrets(self):
            return
        console, base_url = self._context.console, self._base_url()

        def work(job: JobContext) -> CurlCommand:
            del job
            return build_curl(event, base_url=base_url, secrets=secret_source_for(console))

        self._context.jobs.submit(
            work,
            on_done=self._copy,
            on_error=lambda exc: self._say(
                self.tr("Could not read the secrets: {error}").format(error=exc)
            ),
            lane=f"{LANE}-curl",
        )

    def _copy(self, command: CurlCommand) -> None:
        QGuiApplication.clipboard().setText(command.text)
        if command.secrets_included:
            self._say(self.tr("Copied as cURL, WITH secrets: clear the clipboard after use."))
        else:
            self._say(self.tr("Copied as cURL (secrets masked)."))

    def _say(self, text: str) -> None:
        self.notice.emit(text)
        self._context.message.emit(text)

    def _ask_resend(self) -> None:
        if self._event is not None:
            self.resend_requested.emit(self._event.id)

    def _ask_compare(self) -> None:
        if self._event is not None:
            self.compare_requested.emit(self._event.id)

    def _ask_change_status(self) -> None:
        if self._event is not None and self._order_id:
            self.change_status_requested.emit(self._event.profile or "", self._order_id)

    def _ask_bind(self) -> None:
        if self._event is not None and self._order_id:
            self.bind_requested.emit(self._event.profile or "", self._order_id)

    def _ask_timeline(self) -> None:
        if self._event is not None and self._order_id:
            self.timeline_requested.emit(self._event.profile or "", self._order_id)
