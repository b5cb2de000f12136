"""What the event store keeps, what it answers, and the interface every store implements.

The listener and the catch-up poller hand :class:`EventRecord` objects in; the feed,
the command line and the GUI read :class:`StoredEvent` objects back. Callers depend
only on :class:`EventStore`, so a shared PostgreSQL store can be added later beside
the SQLite one without touching them.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from console.bitrix.limiter import BucketLimits, RequestBucket
    from console.store.team import ConnectionListener, StoreDescription, TeamPresence


class StoreClosedError(RuntimeError):
    """The store was closed; nothing more can be written or read through it."""


class QueryError(ValueError):
    """The store will not answer this query as asked: it is too long, has too many search
    terms, or took too long. ``message`` says why and what to do, in one line the window
    shows under the query bar."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StoreNotFound(FileNotFoundError):
    """There is no event store at ``path``, and the caller asked not to create one."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no event store at {path}")
        self.path = path


class EventSource(enum.StrEnum):
    BITRIX = "bitrix"
    HOROSHOP = "horoshop"
    # Changes the poller found on the portal that no received event covered.
    CATCH_UP = "catch-up"


class OrderSystem(enum.StrEnum):
    """Which system an order number belongs to: the same number in Horoshop and in
    Bitrix24 names two different orders. The value is the prefix the query language and
    the command line write before the number (``hs-300``, ``b24-300``)."""

    HOROSHOP = "hs"
    BITRIX24 = "b24"

    @classmethod
    def of_source(cls, source: EventSource | str) -> OrderSystem:
        """Horoshop's events name Horoshop orders; every other source a Bitrix24 one."""
        return cls.HOROSHOP if source == EventSource.HOROSHOP else cls.BITRIX24

    @property
    def sources(self) -> frozenset[EventSource]:
        """The event sources whose order ids are this system's."""
        if self is OrderSystem.HOROSHOP:
            return frozenset({EventSource.HOROSHOP})
        return frozenset({EventSource.BITRIX, EventSource.CATCH_UP})

    @property
    def display_name(self) -> str:
        return "Horoshop" if self is OrderSystem.HOROSHOP else "Bitrix24"


class OrderRef(NamedTuple):
    """An order number and, when known, the system it belongs to.

    Written as ``hs-300`` or ``b24-300``; a bare ``300`` names the number in either system.
    """

    order_id: str
    system: OrderSystem | None = None

    @classmethod
    def parse(cls, text: str) -> OrderRef:
        """``hs-300``, ``b24-300`` (any case) or a bare number (system unknown)."""
        text = text.strip()
        head, dash, rest = text.partition("-")
        if dash:
            for system in OrderSystem:
                if head.lower() == system.value:
                    return cls(rest.strip(), system)  # "hs-" alone: no number yet
        return cls(text)

    @classmethod
    def of_event(cls, source: EventSource | str, order_id: str) -> OrderRef:
        return cls(order_id, OrderSystem.of_source(source))

    def __str__(self) -> str:
        return self.order_id if self.system is None else f"{self.system.value}-{self.order_id}"

    def label(self) -> str:
        """``Horoshop order 300``, ``Bitrix24 order 300`` or ``order 300``."""
        if self.system is None:
            return f"order {self.order_id}"
        return f"{self.system.display_name} order {self.order_id}"


class Verification(enum.StrEnum):
    VERIFIED = "verified"
    # Missing or wrong token, foreign domain/member: kept for inspection, never shown as genuine.
    REJECTED = "rejected"
    # Authentic (the credential checked out) but the body could not be understood.
    MALFORMED = "malformed"


class EventRecord(BaseModel):
    """One incoming event as intake hands it to the store. Everything here is already redacted."""

    model_config = ConfigDict(frozen=True)

    received_at: datetime
    source: EventSource
    event: str
    profile: str | None = None
    entity_id: str | None = None
    order_id: str | None = None
    portal_domain: str | None = None
    member_id: str | None = None
    handler_id: str | None = None
    ts: str | None = None
    verification: Verification
    verification_reason: str | None = None
    remote_addr: str | None = None
    method: str = "POST"
    path: str = ""
    content_type: str | None = None
    headers: list[tuple[str, str]] = Field(default_factory=list)
    raw_body: bytes = b""
    payload: Any = None

    def dedup_key(self) -> str | None:
        """Same profile, source, event, entity, ``ts``, handler id and content: the same
        delivery.

        The profile is part of it because two shops can both have an order 115. Rejected
        events never count as duplicates of anything: a forged copy must not hide, or be
        hidden by, a genuine one. The content (the payload without its ``auth`` part,
        whose tokens and expiry may differ between a sender's retries) is part of it so
        that an event edited and resent from the console is a new event, not a copy of
        the one it was edited from; catch-up records are the poller's own and keep the
        key they had.
        """
        if self.verification is Verification.REJECTED or self.entity_id is None:
            return None
        parts = [
            self.profile or "",
            self.source.value,
            self.event,
            self.entity_id,
            self.ts or "",
            self.handler_id or "",
        ]
        if self.source is not EventSource.CATCH_UP:
            parts.append(self._content_digest())
        return "\x1f".join(parts)

    def _content_digest(self) -> str:
        payload = self.payload
        if isinstance(payload, dict):
            payload = {key: value for key, value in payload.items() if key != "auth"}
        if payload is None:
            content = self.raw_body
        else:
            content = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode(
                "utf-8", "surrogatepass"
            )
        return hashlib.sha256(content).hexdigest()[:32]


class StoredEvent(EventRecord):
    id: int
    duplicate_of: int | None = None
    pinned: bool = False

    @property
    def duplicate(self) -> bool:
        return self.duplicate_of is not None


class FeedRow(NamedTuple):
    """What the feed shows of one event: plain values, cheap to read by the million.

    ``received_us`` is UTC microseconds since the epoch; ``summary`` comes from
    :func:`console.store.summary.summarize`.
    """

    id: int
    received_us: int
    source: str
    event: str
    profile: str | None
    entity_id: str | None
    order_id: str | None
    verification: str
    verification_reason: str | None
    duplicate_of: int | None
    pinned: bool
    summary: str


class AppendResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    duplicate_of: int | None = None

    @property
    def duplicate(self) -> bool:
        return self.duplicate_of is not None


class EventFilter(BaseModel):
    """Feed filters. Empty fields do not filter. ``text`` is a full-text query over payloads.

    ``phrases`` are further full-text conditions (see the field).
    The ``exclude_*`` sets drop events whose field has one of the values (the query bar's
    ``-source:horoshop``). ``duplicates_only`` shows only duplicates and implies
    ``include_duplicates``; ``unpinned_only`` is the opposite of ``pinned_only``.
    """

    model_config = ConfigDict(frozen=True)

    sources: frozenset[EventSource] = frozenset()
    events: frozenset[str] = frozenset()
    verification: frozenset[Verification] = frozenset()
    profile: str | None = None
    entity_id: str | None = None
    order_id: str | None = None
    # With ``order_id``: only that system's order of the number (``order:hs-300``).
    order_system: OrderSystem | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None
    include_duplicates: bool = False
    pinned_only: bool = False
    exclude_sources: frozenset[EventSource] = frozenset()
    exclude_events: frozenset[str] = frozenset()
    exclude_verification: frozenset[Verification] = frozenset()
    exclude_profiles: frozenset[str] = frozenset()
    exclude_order_ids: frozenset[str] = frozenset()
    exclude_entity_ids: frozenset[str] = frozenset()
    # One system's orders to drop (``-order:hs-300``); ``exclude_order_ids`` drops both.
    exclude_system_orders: frozenset[OrderRef] = frozenset()
    duplicates_only: bool = False
    unpinned_only: bool = False
    # Full-text phrases: each must appear as these words in this order (the query bar's
    # "quoted phrases"); ANDed with each other and with the words of ``text``.
    phrases: frozenset[str] = frozenset()


class ExportFormat(enum.StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


class RetentionPolicy(BaseModel):
    """Pinned events are always kept. ``None`` disables that limit."""

    max_age_days: float | None = 90
    max_count: int | None = 1_000_000


class ChangeKind(enum.StrEnum):
    """What a change made by this console touched."""

    ORDER_STATUS = "order_status"
    DELIVERY_STATUS = "delivery_status"
    BINDING = "binding"
    STATUS_DEFINITION = "status_definition"


class ChangeOutcome(enum.StrEnum):
    APPLIED = "applied"
    # Sent, but no answer came: the portal may or may not have applied it.
    UNKNOWN = "unknown"


class ChangeRecord(BaseModel):
    """One change the console made on a portal: who, when, where, what, before and after.

    ``entity_id`` names what changed (a shipment id, a status id, ``"2:17"`` for a deal
    binding); ``order_id`` is set whenever the change concerns an order, so the order's
    timeline finds it. ``before``/``after`` are JSON-able values.
    """

    model_config = ConfigDict(frozen=True)

    at: datetime
    operator: str
    profile: str
    kind: ChangeKind
    action: str
    order_id: str | None = None
    entity_id: str | None = None
    before: Any = None
    after: Any = None
    outcome: ChangeOutcome = ChangeOutcome.APPLIED
    summary: str = ""


class StoredChange(ChangeRecord):
    id: int
    # On a team database: the database login that recorded it, which no one can forge
    # (``operator`` is the name the operator gave). None in a desktop store.
    login: str | None = None


EventSubscriber = Callable[[StoredEvent], None]
# Receives the feed rows of newly committed events, oldest first, on a background thread.
RowsReceiver = Callable[[list[FeedRow]], None]


class PollerLease(Protocol):
    """The right to run one team-wide job (catch-up polling of one portal).

    Held by one process of a team at a time; a process that stops (or loses its
    database session) lets it go, and another one's next :meth:`held` takes it.
    """

    def held(self) -> bool:
        """Whether this process may run the job now; takes the lease when it is free.

        Called before each run, so it must be cheap (one round trip at most). Never raises:
        a database out of reach means "not held", with the reason in :attr:`trouble`.
        """

    @property
    def trouble(self) -> str | None:
        """Why the last :meth:`held` could not ask (``None``: it asked, and has its answer)."""

    def release(self) -> None:
        """Give the lease up (on stop); harmless when not held or called twice."""


class LocalLease:
    """The lease of a store that only this process writes: always held."""

    def held(self) -> bool:
        return True

    @property
    def trouble(self) -> str | None:
        return None

    def release(self) -> None:
        pass


@runtime_checkable
class PollerLocking(Protocol):
    """A store shared by several processes: it decides which one runs a team-wide job."""

    def poller_lock(self, name: str) -> PollerLease:
        """A lease on the job called ``name`` (not yet taken: :meth:`PollerLease.held`)."""


class EventStore(Protocol):
    """The narrow interface the listener, the poller, the CLI and the GUI use."""

    def submit(self, record: EventRecord) -> Future[AppendResult]:
        """Queue a record; the future resolves once it is durably committed."""

    def append(self, record: EventRecord) -> AppendResult:
        """Store a record and return once it is committed."""

    def get(self, event_id: int) -> StoredEvent | None: ...

    def query(
        self, flt: EventFilter | None = None, *, limit: int = 100, before_id: int | None = None
    ) -> list[StoredEvent]:
        """Newest first; pass the last id of a page as ``before_id`` for the next one."""

    def query_rows(
        self,
        flt: EventFilter | None = None,
        *,
        limit: int = 100,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> list[FeedRow]:
        """Like :meth:`query` but plain feed rows, newest first. ``after_id`` keeps only
        events newer than it (the live top of a filtered feed)."""

    def count(self, flt: EventFilter | None = None) -> int: ...

    def iter_events(self, flt: EventFilter | None = None) -> Iterator[StoredEvent]:
        """All matching events newest first, read in pages (constant memory)."""

    def export(self, flt: EventFilter | None, fmt: ExportFormat, out: TextIO) -> int:
        """Stream matching events to ``out``; returns how many were written."""

    def set_pinned(self, event_id: int, pinned: bool) -> bool:
        """Returns False when there is no such event."""

    def purge(self, older_than: datetime) -> int:
        """Delete unpinned events received before ``older_than``; returns how many."""

    def enforce_retention(self, policy: RetentionPolicy) -> int: ...

    def subscribe(self, subscriber: EventSubscriber) -> Callable[[], None]:
        """Call ``subscriber`` on the writer thread after each commit; returns an unsubscribe."""

    def get_cursor(self, name: str) -> str | None: ...

    def record_change(self, change: ChangeRecord) -> int:
        """Keep a change this console made (the change log); returns its id once committed."""

    def changes(
        self, *, order_id: str | None = None, profile: str | None = None, limit: int = 200
    ) -> list[StoredChange]:
        """Recorded changes, newest first, optionally of one order and/or one profile."""

    def set_order_id(self, event_id: int, order_id: str) -> bool:
        """Attach the order an event turned out to be about (property-value events).

        Only an event without an order id is changed; returns whether one was.
        """

    def set_cursor(self, name: str, value: str) -> None: ...

    # -- what a team shares; a local store answers with its own equivalent ---------------

    def follow(
        self, on_rows: RowsReceiver, on_connection: ConnectionListener | None = None
    ) -> Callable[[], None]:
        """Call ``on_rows`` (on a background thread) with the rows of events committed from
        now on by any process; ``on_connection`` hears of a lost and a regained database
        link. Returns the function that stops it."""

    def rest_bucket(self, portal_key: str, limits: BucketLimits) -> RequestBucket:
        """The bucket REST calls to ``portal_key`` draw from: this process's own for a
        local store, the team's one row per portal for a shared one."""

    def presence(self) -> TeamPresence | None:
        """Who else is connected, for a shared store; None for a local one."""

    def describe(self) -> StoreDescription:
        """Which store this is, in words for the window (never a password)."""

    def close(self) -> None: ...
