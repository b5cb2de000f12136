"""Which order a property-value event is about, found after the event is stored.

``OnPropertyValueEntitySaved`` carries only the property value's id. After each commit the
resolver asks the portal (``sale.propertyvalue.list`` filtered by id: ``.get`` does not
return the order) in a background thread, through the profile's client and so its rate
limiter, and writes the order id to the event. Intake never waits for it: the store's
subscriber only queues. A portal that cannot be reached leaves the event unresolved and
is asked again later, with growing pauses; at start, a pass picks up events a previous run
left unresolved.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.bitrix.errors import (
    B24Error,
    NetworkError,
    OperationTimeLimit,
    QueryLimitExceeded,
    ServerError,
)
from console.core.credentials import CredentialsError
from console.store.model import EventFilter, EventStore, StoredEvent, Verification

if TYPE_CHECKING:
    from console.bitrix.client import BitrixClient

log = logging.getLogger(__name__)

PROPERTY_VALUE_EVENT = "ONPROPERTYVALUEENTITYSAVED"
# Failures that say "not now" rather than "never": the event is asked about again later.
_TRANSIENT = (NetworkError, ServerError, QueryLimitExceeded, OperationTimeLimit)
# Events a start pass looks at, newest first; older ones stay as they are.
START_PASS_LIMIT = 10_000


@dataclass(order=True)
class _Task:
    due: float
    event_id: int = field(compare=True)
    profile: str = field(compare=False, default="")
    value_id: str = field(compare=False, default="")
    attempts: int = field(compare=False, default=0)


def needs_order(event: StoredEvent) -> bool:
    """A verified property-value event of a profile whose order is not known yet."""
    return (
        event.event.upper() == PROPERTY_VALUE_EVENT
        and event.order_id is None
        and event.profile is not None
        and event.entity_id is not None
        and event.verification is Verification.VERIFIED
    )


class OrderResolver:
    """Resolves property-value events to their orders in one background thread.

    ``client_factory`` makes a client for a profile name (one per profile is kept until
    :meth:`stop`); ``on_resolved(event_id, order_id)`` is called after the store took the
    order id (from the resolver's thread).
    """

    def __init__(
        self,
        store: EventStore,
        client_factory: Callable[[str], BitrixClient],
        *,
        retry_base: float = 5.0,
        retry_max: float = 300.0,
        cache_size: int = 10_000,
        on_resolved: Callable[[int, str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._factory = client_factory
        self._retry_base = retry_base
        self._retry_max = retry_max
        self._cache_size = cache_size
        self.on_resolved = on_resolved
        self._clock = clock
        self._cache: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._tasks: list[_Task] = []
        self._queued: set[int] = set()
        self._cond = threading.Condition()
        self._stopping = False
        self._clients: dict[str, BitrixClient] = {}
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> OrderResolver:
        """Subscribe to commits, queue what earlier runs left unresolved, start the thread."""
        self._unsubscribe = self._store.subscribe(self._on_commit)
        self._thread = threading.Thread(target=self._run, name="order-resolver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=70)
            self._thread = None
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def pending(self) -> int:
        """Events waiting to be resolved (queued or waiting for a retry)."""
        with self._cond:
            return len(self._tasks)

    def cached_order(self, profile: str, value_id: str) -> str | None:
        with self._cond:
            return self._cache.get((profile, value_id))

    # --- intake side -------------------------------------------------------------------

    def _on_commit(self, event: StoredEvent) -> None:
        # On the store's writer thread: queue and return, never call the portal here.
        if needs_order(event):
            self._queue(event, delay=0.0)

    def _queue(self, event: StoredEvent, *, delay: float) -> None:
        assert event.profile is not None and event.entity_id is not None
        self._queue_task(event.id, event.profile, event.entity_id, delay=delay)

    def _queue_task(self, event_id: int, profile: str, value_id: str, *, delay: float) -> None:
        with self._cond:
            if self._stopping or event_id in self._queued:
                return
            self._queued.add(event_id)
            heapq.heappush(self._tasks, _Task(self._clock() + delay, event_id, profile, value_id))
            self._cond.notify()

    def _start_pass(self) -> None:
        flt = EventFilter(
            events=frozenset({PROPERTY_VALUE_EVENT}),
            verification=frozenset({Verification.VERIFIED}),
        )
        before: int | None = None
        seen = 0
        while seen < START_PASS_LIMIT and not self._stopping:
            # Plain feed rows: building full events here would hold the interpreter lock
            # for long stretches while the window paints and the listener takes events.
            page = self._store.query_rows(flt, limit=500, before_id=before)
            for row in page:
                if row.order_id is None and row.profile is not None and row.entity_id:
                    self._queue_task(row.id, row.profile, row.entity_id, delay=0.0)
            seen += len(page)
            if len(page) < 500:
                return
            before = page[-1].id

    # --- the thread --------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._start_pass()
        except Exception:  # a store problem must not end the resolver: new events still come
            log.exception("order resolver: start pass failed")
        while True:
            with self._cond:
                while not self._stopping:
                    if self._tasks:
                        wait = self._tasks[0].due - self._clock()
                        if wait <= 0:
                            break
                        self._cond.wait(min(wait, 1.0))
                    else:
                        self._cond.wait()
                if self._stopping:
                    return
                task = heapq.heappop(self._tasks)
            self._resolve(task)

    def _resolve(self, task: _Task) -> None:
        key = (task.profile, task.value_id)
        with self._cond:
            order_id = self._cache.get(key)
        try:
            if order_id is None:
                found = self._client(task.profile).property_values.order_id_for(task.value_id)
                if found is None:
                    log.info(
                        "property value %s of %s no longer exists", task.value_id, task.profile
                    )
                    self._done(task)
                    return
                order_id = str(found)
                self._remember(key, order_id)
            if self._store.set_order_id(task.event_id, order_id) and self.on_resolved:
                self.on_resolved(task.event_id, order_id)
            self._done(task)
        except _TRANSIENT as exc:
            self._retry(task, exc)
        except (B24Error, CredentialsError, ValueError) as exc:
            # Refused for good (rights, a removed profile, a bad id): asking again will not help.
            log.warning(
                "order resolver: event %d of %s left unresolved: %s",
                task.event_id,
                task.profile,
                exc,
            )
            self._done(task)
        except Exception:
            log.exception("order resolver: event %d failed", task.event_id)
            self._retry(task, None)

    def _client(self, profile: str) -> BitrixClient:
        client = self._clients.get(profile)
        if client is None:
            client = self._clients[profile] = self._factory(profile)
        return client

    def _remember(self, key: tuple[str, str], order_id: str) -> None:
        with self._cond:
            self._cache[key] = order_id
            self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _done(self, task: _Task) -> None:
        with self._cond:
            self._queued.discard(task.event_id)

    def _retry(self, task: _Task, exc: BaseException | None) -> None:
        delay = min(self._retry_max, self._retry_base * 2.0**task.attempts)
        log.info(
            "order resolver: %s unreachable (%s); asking again in %.0f s",
            task.profile,
            exc,
            delay,
        )
        with self._cond:
            if self._stopping:
                return
            task.attempts += 1
            task.due = self._clock() + delay
            heapq.heappush(self._tasks, task)
            self._cond.notify()
