"""The fields of a stored event, declared once for the store, the export, the CLI and the feed.

:data:`EVENT_COLUMNS` lists them in export order. The SQLite row (``rows.py``) stores the
``plain`` ones under the same name, the export writes every ``exported`` one, ``events
list`` and the window's feed show the ``listed`` ones, and ``events show`` prints the
``detail`` ones one per line. Labels are English; the window passes them through ``tr()``.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from console.store.model import StoredEvent


def raw_body_fields(raw_body: bytes) -> tuple[str, str]:
    """``(text, encoding)``: the body as UTF-8 text when it is valid, else base64."""
    try:
        return raw_body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(raw_body).decode("ascii"), "base64"


@dataclass(frozen=True, slots=True)
class EventColumn:
    """One field of an event.

    ``name``: the JSON key and CSV header (and the SQLite column when ``plain``).
    ``to_json``: the JSON value of the field for one event, or ``None`` for a field the
    export does not carry (the feed's summary). ``feed_field``: the
    :class:`~console.store.model.FeedRow` field holding it, when the feed has it.
    """

    name: str
    label: str
    to_json: Callable[[StoredEvent], Any] | None
    plain: bool = False
    listed: bool = False
    detail: bool = True
    feed_field: str | None = None

    @property
    def exported(self) -> bool:
        return self.to_json is not None


def _attribute(name: str) -> Callable[[StoredEvent], Any]:
    def value(event: StoredEvent) -> Any:
        found = getattr(event, name)
        return found.value if isinstance(found, enum.Enum) else found

    return value


def _plain(name: str, label: str, *, listed: bool = False) -> EventColumn:
    """A record field stored as is (text or NULL) in the events table column ``name``."""
    return EventColumn(
        name,
        label,
        _attribute(name),
        plain=True,
        listed=listed,
        feed_field=name if listed else None,
    )


EVENT_COLUMNS: tuple[EventColumn, ...] = (
    EventColumn("id", "Id", _attribute("id"), listed=True, detail=False, feed_field="id"),
    EventColumn(
        "received_at",
        "Received",
        lambda event: event.received_at.isoformat(),
        listed=True,
        feed_field="received_us",
    ),
    _plain("source", "Source", listed=True),
    _plain("event", "Event", listed=True),
    _plain("profile", "Profile", listed=True),
    _plain("entity_id", "Entity", listed=True),
    _plain("order_id", "Order", listed=True),
    _plain("portal_domain", "Portal"),
    _plain("member_id", "Member id"),
    _plain("handler_id", "Handler id"),
    _plain("ts", "Event time (ts)"),
    _plain("verification", "Verification", listed=True),
    _plain("verification_reason", "Why"),
    _plain("remote_addr", "From address"),
    _plain("method", "Method"),
    _plain("path", "Path"),
    _plain("content_type", "Content type"),
    EventColumn(
        "duplicate_of",
        "Duplicate of",
        _attribute("duplicate_of"),
        listed=True,
        feed_field="duplicate_of",
    ),
    EventColumn("pinned", "Pinned", _attribute("pinned"), listed=True, feed_field="pinned"),
    EventColumn(
        "headers",
        "Headers",
        lambda event: [list(pair) for pair in event.headers],
        detail=False,
    ),
    EventColumn("payload", "Payload", _attribute("payload"), detail=False),
    EventColumn(
        "raw_body",
        "Raw body",
        lambda event: raw_body_fields(event.raw_body)[0],
        detail=False,
    ),
    EventColumn(
        "raw_body_encoding",
        "Raw body encoding",
        lambda event: raw_body_fields(event.raw_body)[1],
        detail=False,
    ),
    # Not exported: derived from the payload, so an export stays a faithful copy.
    EventColumn("summary", "Summary", None, detail=False, feed_field="summary"),
)

EXPORTED_COLUMNS: tuple[EventColumn, ...] = tuple(c for c in EVENT_COLUMNS if c.exported)
# The record fields the events table keeps under their own name, in declaration order.
PLAIN_COLUMNS: tuple[str, ...] = tuple(c.name for c in EVENT_COLUMNS if c.plain)


def column(name: str) -> EventColumn:
    """The declared column called ``name``; raises KeyError for an unknown one."""
    for candidate in EVENT_COLUMNS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


# What the feed shows, in the order the window lays out its columns; the verification
# column also carries the duplicate mark and the pin.
FEED_COLUMNS: tuple[EventColumn, ...] = tuple(
    column(name)
    for name in (
        "received_at",
        "source",
        "event",
        "order_id",
        "entity_id",
        "profile",
        "verification",
        "summary",
    )
)
# What ``events list --json`` prints of each event.
LISTED_COLUMNS: tuple[EventColumn, ...] = tuple(c for c in EVENT_COLUMNS if c.listed)
