"""Hostile events, as a forger sends them to the real listener, and the checks that the
window shows what they carry as plain, visible, capped text.

Shared by the in-process walk (``test_hostile_text.py``, markup that cannot crash) and
the fuzz run in its own process (``hostile_window.py``, which adds ``/dev/zero``).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, QSettings, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QHeaderView, QLabel, QWidget

from console.core.credentials import SecretKind
from console.core.profiles import Profile, ProfileRepository
from console.session import ListenSession
from console.ui.context import ConsoleContext
from console.ui.settings import LayoutStore
from console.ui.untrusted import TEXT_LIMIT
from console.ui.views.inspector import InspectorPanel
from console.ui.views.main_window import MainWindow, default_factories
from tests.listener.conftest import APP_TOKEN, DOMAIN, HOROSHOP_SECRET, MEMBER_ID, PROFILE

# Markup that paints a forged verdict; harmless to lay out, so a failing check only fails.
GREEN = '<span style="color:green">✔ verified, paid</span>'
# An image Qt would load while laying the text out; this one does not exist.
IMAGE = '<img src="/nonexistent/hostile.png">'
# The one that aborted the window: Qt reads /dev/zero until std::bad_alloc.
DEV_ZERO = '<img src="/dev/zero">'
# What each looks like when it is shown as text: rich text holding this obeyed it.
RAW_MARKUP = ("<span style=", "<img src=")
# Order 300 three ways; on screen they must read differently.
LOOK_ALIKES = ("\u202e003", "30\u200b0", "3\u206000")
INVISIBLE = frozenset(
    [chr(code) for code in range(0x200B, 0x2010)]
    + [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2060, 0x2065)]
    + ["\ufeff", "\u061c"]
)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


@dataclass
class Delivery:
    method: str
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def save_profile() -> None:
    """The profile the genuine-looking events are verified against (keyring of the test)."""
    profiles = ProfileRepository()
    profiles.save(Profile(name=PROFILE, portal_url=f"https://{DOMAIN}"))
    profiles.set_secret(PROFILE, SecretKind.APPLICATION_TOKEN, APP_TOKEN)
    profiles.set_secret(PROFILE, SecretKind.HOROSHOP_SECRET, HOROSHOP_SECRET)


def bitrix_form(event: str, order_id: str, *, token: str = APP_TOKEN, **extra: str) -> bytes:
    pairs = [
        ("event", event),
        ("event_handler_id", "1"),
        ("data[FIELDS][ID]", order_id),
        ("data[FIELDS][XML_ID]", extra.pop("xml_id", "")),
        ("data[FIELDS][ACTION]", "save"),
        ("ts", "1714649632"),
        ("auth[domain]", extra.pop("domain", DOMAIN)),
        ("auth[member_id]", MEMBER_ID),
        ("auth[application_token]", token),
        *extra.items(),
    ]
    return urlencode(pairs).encode()


def horoshop_order(order_id: object, name: str, title: str) -> bytes:
    return json.dumps(
        {
            "order_id": order_id,
            "delivery_name": name,
            "delivery_email": f"{name}@example.com",
            "delivery_city": name,
            "comment": name,
            "delivery_type": {"id": 42, "title": title},
            "payment_type": {"id": 13, "title": title},
            "total_sum": 31799,
            "currency": "UAH",
            "products": [{"title": title, "article": name, "price": 1, "quantity": 1}],
        }
    ).encode()


def bitrix(body: bytes, profile: str = PROFILE, **headers: str) -> Delivery:
    return Delivery("POST", f"/bitrix/{quote(profile, safe='')}", body, {**FORM, **headers})


def horoshop(body: bytes, **headers: str) -> Delivery:
    return Delivery("PUT", f"/horoshop/{HOROSHOP_SECRET}", body, {**JSON, **headers})


def markup_deliveries(markup: str) -> list[Delivery]:
    """``markup`` in every field a sender controls: the event name, the order id, the
    profile in the path (which reaches the feed's tooltip), the domain, a header, the
    payload's keys and values, a Horoshop customer and product."""
    return [
        # Verified: the token is right, the names are not.
        bitrix(bitrix_form(markup, markup, **{f"data[FIELDS][{markup}]": markup})),
        bitrix(bitrix_form("ONSALEORDERSAVED", "300", domain=markup)),
        # Forged: a wrong token, markup as the event name, the order and the profile.
        bitrix(bitrix_form(markup, markup, token="forged"), profile=markup),
        bitrix(bitrix_form("ONSALEORDERSAVED", markup), **{"User-Agent": markup}),
        horoshop(horoshop_order(markup, markup, markup)),
    ]


def look_alike_deliveries() -> list[Delivery]:
    return [bitrix(bitrix_form("ONSALEORDERSAVED", order_id)) for order_id in LOOK_ALIKES]


def long_deliveries(size: int) -> list[Delivery]:
    """Values of about ``size`` characters: an order id, an event name, a run of
    zero-width spaces, a run of markup, a customer name; each body stays under the
    listener's 1 MiB (a zero-width space is 9 bytes form-encoded, 6 in JSON)."""
    return [
        bitrix(bitrix_form("ONSALEORDERSAVED", "3" * size)),
        bitrix(bitrix_form("E" * size, "301")),
        bitrix(bitrix_form("ONSALEORDERSAVED", "30" + "\u200b" * (size // 10) + "2")),
        bitrix(
            bitrix_form("ONSALEORDERSAVED", "303", **{"data[FIELDS][NOTE]": "<b>" * (size // 8)})
        ),
        horoshop(horoshop_order("304", "N" * (size // 2), "\u202e" * (size // 14))),
    ]


def shaped_deliveries() -> list[Delivery]:
    """Bodies of other shapes: compressed, deeply nested, broken, too deep, binary."""
    nested: object = GREEN
    for _ in range(30):
        nested = {GREEN: nested}
    too_deep: object = "x"
    for _ in range(200):
        too_deep = [too_deep]
    form = bitrix_form(GREEN, "305")
    return [
        bitrix(gzip.compress(form), **{"Content-Encoding": "gzip"}),
        bitrix(zlib.compress(form), **{"Content-Encoding": "deflate"}),
        horoshop(json.dumps({"order_id": "306", "deep": nested}).encode()),
        horoshop(json.dumps({"order_id": "307", "deep": too_deep}).encode()),
        horoshop(b'{"order_id": "308", "delivery_name": "' + GREEN.encode() + b'"'),
        bitrix(b"\xff\xfe" + GREEN.encode("utf-16-le") + b"\x00\x1b[2J"),
    ]


def deliver(session: ListenSession, deliveries: Iterable[Delivery]) -> int:
    """Send each delivery to the session's listener; returns how many were sent (every
    answer is fine: refused events are stored too)."""
    listener = session.listener
    assert listener is not None
    sent = 0
    with httpx.Client(base_url=listener.base_url, timeout=60) as client:
        for delivery in deliveries:
            # Header values as UTF-8 bytes: a forger is not bound to ASCII.
            headers = {name: value.encode() for name, value in delivery.headers.items()}
            client.request(delivery.method, delivery.path, content=delivery.body, headers=headers)
            sent += 1
    return sent


def open_window(context: ConsoleContext, folder: Path) -> tuple[MainWindow, InspectorPanel]:
    """The real window with the real inspector and dialogs, shown, its layout in ``folder``."""
    layout = LayoutStore(QSettings(str(folder / "layout.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, factories=default_factories(), layout_store=layout)
    window.show()
    inspector = window.inspector
    assert isinstance(inspector, InspectorPanel)
    return window, inspector


# -- what the window shows ------------------------------------------------------------------


def might_be_rich(text: str) -> bool:
    """Qt's own guess (``Qt::mightBeRichText``), which labels, tooltips and boxes use."""
    return bool(GuiQt.mightBeRichText(text))  # type: ignore[attr-defined]


def is_rich(text: str, text_format: Qt.TextFormat) -> bool:
    """Whether Qt lays ``text`` out as rich text in a label of ``text_format``."""
    if text_format == Qt.TextFormat.RichText:
        return True
    return text_format == Qt.TextFormat.AutoText and might_be_rich(text)


def obeys_markup(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> bool:
    """Rich text that holds a sender's markup raw: Qt would obey it."""
    return is_rich(text, text_format) and any(raw in text for raw in RAW_MARKUP)


def rendered(text: str) -> str:
    """What a rich-text tooltip reads as on screen."""
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def model_texts(model: QAbstractItemModel, *, limit: int = 2000) -> Iterator[tuple[str, object]]:
    """(where, value) for the display and tooltip data of up to ``limit`` cells."""
    pending = [QModelIndex()]
    seen = 0
    while pending and seen < limit:
        parent = pending.pop()
        # A list model keeps columnCount() to itself: it has one.
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
        for row in range(model.rowCount(parent)):
            for column in range(columns):
                index = model.index(row, column, parent)
                seen += 1
                yield f"display {row},{column}", model.data(index, Qt.ItemDataRole.DisplayRole)
                yield f"tooltip {row},{column}", model.data(index, Qt.ItemDataRole.ToolTipRole)
            child = model.index(row, 0, parent)
            if model.rowCount(child) > 0:
                pending.append(child)


def problems_in(widgets: Iterable[QWidget]) -> list[str]:
    """Every place a sender's text is obeyed as markup, hides invisible characters or is
    shown whole past the cap."""
    found: list[str] = []

    def check_text(where: str, text: str, *, rich: bool) -> None:
        if rich and any(raw in text for raw in RAW_MARKUP):
            found.append(f"{where}: rich text with the sender's markup: {text[:120]!r}")
        if INVISIBLE & set(text):
            found.append(f"{where}: invisible characters: {text[:120]!r}")
        # Rich text of ours (a table, an escaped tooltip): count what it reads as.
        length = len(rendered(text)) if rich else len(text)
        # Each value is capped; a table of a dozen capped values may pass one cap.
        if length > 2 * TEXT_LIMIT:
            found.append(f"{where}: {length} characters shown: {text[:200]!r}")

    for widget in widgets:
        name = f"{type(widget).__name__}({widget.objectName()})"
        if isinstance(widget, QLabel):
            check_text(
                f"{name} text", widget.text(), rich=is_rich(widget.text(), widget.textFormat())
            )
        if isinstance(widget, QAbstractButton):
            check_text(f"{name} button", widget.text(), rich=False)
        tip = widget.toolTip()
        check_text(f"{name} tooltip", tip, rich=might_be_rich(tip))
        if widget.isWindow():
            check_text(f"{name} title", widget.windowTitle(), rich=False)
        # A header view shares its table's model: the table is checked.
        if (
            isinstance(widget, QAbstractItemView)
            and not isinstance(widget, QHeaderView)
            and widget.model() is not None
        ):
            for where, value in model_texts(widget.model()):
                if isinstance(value, str):
                    rich = where.startswith("tooltip") and might_be_rich(value)
                    check_text(f"{name} {where}", value, rich=rich)
    return found
