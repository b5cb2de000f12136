"""Edit an event's payload and send it again: to this console's listener or to a URL.

The payload is edited as JSON whatever it arrived as; a form event is encoded back to
PHP bracket keys on send. Secrets go back only under the replay rules
(:func:`console.listener.replay.build_replay`): a fingerprint of the profile's own
current token or URL secret is swapped for it, nothing else is.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from dataclasses import dataclass
from typing import Any

import httpx
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.core.phpform import encode_php_form
from console.listener.replay import SecretSource, build_replay
from console.store.model import StoredEvent
from console.ui.context import ConsoleContext
from console.ui.jobs import JobContext
from console.ui.secret_source import listener_base_url, secret_source_for
from console.ui.untrusted import PlainLabel, shown
from console.ui.views.inspector_tabs import is_form_event

# Answers longer than this are cut in the dialog; nobody reads past it.
_ANSWER_CHARS = 64 * 1024


class EditError(ValueError):
    """The edited text cannot be sent; ``line``/``column`` (1-based) point at the problem."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class ResendFailed(Exception):
    """The request did not get an answer; the message holds no secret."""


@dataclass(frozen=True)
class ResendAnswer:
    """``stored_id``/``duplicate_of``: what this console's listener said it stored."""

    status: int
    body: str
    url: str
    stored_id: int | None
    duplicate_of: int | None = None


def editable_text(event: StoredEvent) -> str:
    """What the editor starts with: the payload as pretty JSON (or the raw text)."""
    if event.payload is not None:
        return json.dumps(event.payload, ensure_ascii=False, indent=2)
    return event.raw_body.decode("utf-8", "replace")


def encode_edit(event: StoredEvent, text: str) -> bytes:
    """The body to send for the edited ``text``: JSON, or a bracket-key form for form events.

    Raises :class:`EditError` with the position of a JSON syntax error, or when a form
    event's JSON is not an object.
    """
    try:
        value: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EditError(exc.msg, exc.lineno, exc.colno) from exc
    if is_form_event(event):
        if not isinstance(value, dict):
            raise EditError("a form body must be a JSON object ({...})", 1, 1)
        return encode_php_form(value).encode("ascii")
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def resend(
    event: StoredEvent,
    body: bytes,
    *,
    base_url: str,
    url: str | None,
    secrets: SecretSource | None,
    timeout: float = 10.0,
) -> ResendAnswer:
    """Send ``body`` as ``event`` was sent (method, path, content type) and read the answer.

    ``url`` replaces the whole target (the operator typed one); otherwise the event's
    own path on ``base_url``. Network errors raise :class:`ResendFailed` (secrets masked).
    """
    edited = event.model_copy(update={"raw_body": body})
    request = build_replay(edited, base_url=base_url, profiles=secrets)
    if url:
        request = dataclasses.replace(request, url=url, url_secret="", masked_url="")
    try:
        response = httpx.request(
            request.method,
            request.url,
            headers=request.headers,
            content=request.body,
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        # httpx names the URL in its errors, and the URL may hold the Horoshop secret.
        raise ResendFailed(request.shown(str(exc) or type(exc).__name__)) from None
    stored: int | None = None
    duplicate_of: int | None = None
    try:
        answer = response.json()
        if isinstance(answer, dict) and isinstance(answer.get("id"), int):
            stored = answer["id"]
            if isinstance(answer.get("duplicate_of"), int):
                duplicate_of = answer["duplicate_of"]
    except ValueError:
        pass
    return ResendAnswer(
        response.status_code,
        request.shown(response.text[:_ANSWER_CHARS]),
        request.shown_url,
        stored,
        duplicate_of,
    )


class ResendDialog(QDialog):
    """Non-modal. ``sent(status)`` after an answer came back, ``failed(message)`` otherwise;
    ``event_requested(id)`` when the operator follows the link to the stored event.
    Ctrl+Enter sends."""

    sent = Signal(int)
    failed = Signal(str)
    loaded = Signal()
    # A link in the outcome was followed: show that stored event.
    event_requested = Signal(int)

    def __init__(
        self, context: ConsoleContext, event_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Edit and resend event #{id}").format(id=event_id))
        self.resize(820, 680)
        self._context = context
        self._event_id = event_id
        self._event: StoredEvent | None = None
        self._problem_in_text = False  # the problem shown is the editor's, not the URL's
        self.answer: ResendAnswer | None = None

        self.intro = PlainLabel(self.tr("Loading…"))
        self.intro.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setTabChangesFocus(True)
        self.problem = PlainLabel()
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setStyleSheet("color:#c62828;")
        self.problem.hide()
        # A problem shown for the JSON goes once the JSON is right again.
        self.editor.textChanged.connect(self._recheck)

        self.to_listener = QRadioButton()
        self.to_url = QRadioButton(self.tr("Another URL:"))
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://…")  # notr
        self.url_edit.textEdited.connect(lambda _text: self.to_url.setChecked(True))
        group = QButtonGroup(self)
        group.addButton(self.to_listener)
        group.addButton(self.to_url)
        self.to_listener.setChecked(True)
        self.with_secrets = QCheckBox(
            self.tr("Put this profile's secrets back where the event carried them (replay rules)")
        )
        self.with_secrets.setChecked(True)
        self.secrets_warning = QLabel(
            self.tr("The application token will go to that URL: send only to endpoints you trust.")
        )
        self.secrets_warning.setWordWrap(True)
        self.to_url.toggled.connect(self._update_warning)
        self.with_secrets.toggled.connect(self._update_warning)

        url_row = QHBoxLayout()
        url_row.addWidget(self.to_url)
        url_row.addWidget(self.url_edit, 1)
        target = QFormLayout()
        target.addRow(self.to_listener)
        target.addRow(url_row)
        target.addRow(self.with_secrets)
        target.addRow(self.secrets_warning)

        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.close_button)

        self.result_label = PlainLabel()
        self.result_label.setWordWrap(True)
        # Rich text for the links to stored events; everything else in it is escaped.
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.result_label.linkActivated.connect(self._link)
        self.result_body = QPlainTextEdit()
        self.result_body.setReadOnly(True)
        self.result_body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.result_body.setPlaceholderText(self.tr("The answer appears here."))
        result = QWidget()
        result_layout = QVBoxLayout(result)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.result_label)
        result_layout.addWidget(self.result_body)
        splitter = QSplitter(Qt.Orientation.Vertical)
        editor_box = QWidget()
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor)
        splitter.addWidget(editor_box)
        splitter.addWidget(result)
        splitter.setSizes([420, 160])

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(splitter, 1)
        # Outside the splitter, so a long message is never cut by the editor's pane.
        layout.addWidget(self.problem)
        layout.addLayout(target)
        layout.addLayout(buttons)
        self.send_button.setEnabled(False)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self._send_if_ready)
        self._update_warning()
        self._load()

    def _send_if_ready(self) -> None:
        if self.send_button.isEnabled():
            self.send()

    def _recheck(self) -> None:
        event = self._event
        if event is None or self.problem.isHidden() or not self._problem_in_text:
            return
        try:
            encode_edit(event, self.editor.toPlainText())
        except EditError:
            return
        self.problem.hide()
        self.problem.clear()

    def _base_url(self) -> str:
        listener = self._context.settings.listener
        return listener_base_url(self._context.console, listener.host, listener.port)

    def _update_warning(self) -> None:
        self.secrets_warning.setVisible(self.to_url.isChecked() and self.with_secrets.isChecked())

    def _load(self) -> None:
        store = self._context.store
        if store is None:
            self.intro.setText(self.tr("The console is still starting; close and try again."))
            return
        event_id = self._event_id
        self._context.jobs.submit(
            lambda job: store.get(event_id),
            on_done=self._loaded,
            on_error=lambda exc: self.intro.setText(
                self.tr("Could not read event #{id}: {error}").format(id=event_id, error=exc)
            ),
            lane=f"resend-{id(self)}",
        )

    def _loaded(self, event: StoredEvent | None) -> None:
        if event is None:
            self.intro.setText(
                self.tr("Event #{id} is no longer stored.").format(id=self._event_id)
            )
            return
        self._event = event
        self.editor.setPlainText(editable_text(event))
        kind = self.tr("a form (PHP bracket keys)") if is_form_event(event) else self.tr("JSON")
        self.intro.setText(
            self.tr(
                "Edit the payload of #{id} {event} as JSON; it is sent as {kind}, with the "
                "method, path and content type it came with."
            ).format(id=event.id, event=shown(event.event), kind=kind)
        )
        self.to_listener.setText(
            self.tr("This console's listener: {url}").format(
                url=self._base_url() + shown(_shown_path(event))
            )
        )
        self.to_listener.setEnabled(self._context.console is not None)
        if self._context.console is None or self._context.console.listener is None:
            self.to_url.setChecked(True)
        self.send_button.setEnabled(True)
        self.loaded.emit()

    def _show_problem(self, error: EditError) -> None:
        self._problem_in_text = bool(error.line)
        where = ""
        if error.line:
            where = self.tr("Line {line}, column {column}: ").format(
                line=error.line, column=error.column
            )
            block = self.editor.document().findBlockByLineNumber(error.line - 1)
            cursor = QTextCursor(block)
            cursor.movePosition(
                QTextCursor.MoveOperation.Right,
                QTextCursor.MoveMode.MoveAnchor,
                max(0, error.column - 1),
            )
            self.editor.setTextCursor(cursor)
            self.editor.setFocus()
        self.problem.setText(
            self.tr("Not sent. {where}{message}").format(where=where, message=error)
        )
        self.problem.show()

    def send(self) -> None:
        event = self._event
        if event is None:
            return
        self.problem.hide()
        try:
            body = encode_edit(event, self.editor.toPlainText())
        except EditError as exc:
            self._show_problem(exc)
            return
        url: str | None = None
        if self.to_url.isChecked():
            url = self.url_edit.text().strip()
            if not re.match(r"^https?://[^/\s]+", url):
                self._show_problem(
                    EditError(self.tr("Type a URL that starts with http:// or https://."))
                )
                return
        console = self._context.console
        base_url = self._base_url()
        with_secrets = self.with_secrets.isChecked()

        def work(job: JobContext) -> ResendAnswer:
            del job
            secrets = secret_source_for(console) if with_secrets else None
            return resend(event, body, base_url=base_url, url=url, secrets=secrets)

        self.send_button.setEnabled(False)
        self.result_label.setText(self.tr("Sending…"))
        self.result_body.clear()
        self._context.jobs.submit(
            work, on_done=self._answered, on_error=self._send_failed, lane=f"resend-send-{id(self)}"
        )

    def _answered(self, answer: ResendAnswer) -> None:
        self.answer = answer
        self.send_button.setEnabled(True)
        self.result_label.setText(self._outcome_html(answer))
        self.result_body.setPlainText(answer.body)
        self.sent.emit(answer.status)

    def _outcome_html(self, answer: ResendAnswer) -> str:
        """The answer in words, with links to the events the listener stored."""
        where = html.escape(
            self.tr("HTTP {status} from {url}").format(status=answer.status, url=answer.url)
        )
        stored = answer.stored_id
        if stored is None:
            if answer.status == 200:
                return where
            return html.escape(self.tr("Refused: ")) + where
        link = _event_link(stored)
        if answer.duplicate_of is not None:
            words = self.tr(
                "Stored as {event}, but as a copy of {original}: the listener took it for the "
                "same delivery, so the feed shows it only with dup:yes."
            )
            words = html.escape(words).format(event=link, original=_event_link(answer.duplicate_of))
        else:
            words = html.escape(self.tr("Stored as a new event: {event}.")).format(event=link)
        return f"{words}<br>{where}"

    def _link(self, target: str) -> None:
        kind, _, number = target.partition(":")
        if kind == "event" and number.isdigit():
            self.event_requested.emit(int(number))

    def _send_failed(self, error: BaseException) -> None:
        self.send_button.setEnabled(True)
        message = self.tr("Not delivered: {error}").format(error=str(error) or type(error).__name__)
        self.result_label.setText(message)
        self.failed.emit(message)


def _event_link(event_id: int) -> str:
    return f'<a href="event:{event_id}">#{event_id}</a>'


def _shown_path(event: StoredEvent) -> str:
    # The stored Horoshop path already holds the secret's fingerprint, never the secret.
    return event.path or ""
