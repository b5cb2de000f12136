"""Catch-up polling: finds order changes that no received event covers.

Bitrix24 never resends an event whose delivery failed, and a desktop behind NAT cannot
receive events from a cloud portal at all (PROTOCOL.md §1, §2). The poller reads
``sale.order.list`` through the profile's inbound webhook, ordered by ``dateUpdate``,
and records every change without a matching received ``ONSALEORDERSAVED`` as a
``catch-up`` event. Its position lives in the store, so it survives restarts.

On a store shared by a team, one listener polls each portal: the store hands out a lease
per portal (a PostgreSQL advisory lock), and the others stand by, asking for it again
every interval, so that stopping the polling listener hands the job on within one.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from console.bitrix.client import BitrixClient
from console.bitrix.errors import B24Error
from console.bitrix.orders import Order
from console.store import (
    EventFilter,
    EventRecord,
    EventSource,
    EventStore,
    LocalLease,
    PollerLease,
    PollerLocking,
    StoreClosedError,
    Verification,
)

log = logging.getLogger(__name__)

# How long a console that is quitting waits for a pass in flight: a request still waiting
# on the portal is left to its daemon thread, and writes nothing (see stop).
QUICK_STOP_SECONDS = 0.5

ORDER_SAVED_EVENT = "ONSALEORDERSAVED"
CATCH_UP_REASON = "found by catch-up polling through the inbound webhook"
# The portal stamps ``ts`` when the event leaves its queue, a little after ``dateUpdate``;
# an event sent up to this long before the recorded change still counts as covering it
# (both times come from the portal's clock, second precision).
COVERAGE_TOLERANCE = timedelta(seconds=2)
# Each pass re-reads this much before its cursor. ``dateUpdate`` has one-second precision
# and is stamped when a save starts, so a save that commits after a pass has read that
# second can still appear with a time at (or just before) the cursor.
REREAD_WINDOW = timedelta(seconds=5)
# ``CatchUpReport.error`` of the pass cut short because the poller was stopped.
STOPPED = "stopped"
_SELECT = ["id", "accountNumber", "statusId", "dateUpdate", "price", "currency", "xmlId"]


@dataclass(frozen=True)
class CatchUpCursor:
    """The newest change already looked at: its time and the highest order id at that time."""

    updated: datetime
    last_id: int = 0

    def encode(self) -> str:
        return json.dumps({"updated": self.updated.isoformat(), "last_id": self.last_id})

    @classmethod
    def decode(cls, text: str) -> CatchUpCursor:
        data = json.loads(text)
        return cls(updated=datetime.fromisoformat(data["updated"]), last_id=int(data["last_id"]))


@dataclass
class CatchUpReport:
    """What one polling pass saw."""

    profile: str
    changes: int = 0
    recorded: int = 0
    covered: int = 0
    cursor: CatchUpCursor | None = None
    finished_at: datetime | None = None
    error: str | None = None
    recorded_ids: list[int] = field(default_factory=list)
    # No pass ran: another listener of the team polls this portal.
    standby: bool = False


def cursor_name(profile: str) -> str:
    return f"catch-up:{profile}"


def lease_name(profile: str, portal_domain: str | None) -> str:
    """The team-wide job of polling one portal: by its domain, so that listeners that
    call the same portal by different profile names still take turns."""
    return f"catch-up:{(portal_domain or '').lower() or 'profile:' + profile}"


def poller_lease(store: EventStore, name: str) -> PollerLease:
    """The store's lease on ``name``; a store only this process writes needs none."""
    if isinstance(store, PollerLocking):
        return store.poller_lock(name)
    return LocalLease()


class CatchUpPoller:
    """Polls one profile's portal for order changes; thread-safe, one pass at a time.

    ``client_factory`` builds a fresh client per pass so a profile edited in between
    (new webhook, renewed tokens) is picked up without restarting.
    """

    def __init__(
        self,
        store: EventStore,
        profile: str,
        client_factory: Callable[[], BitrixClient],
        *,
        portal_domain: str | None = None,
        interval_seconds: float | None = 60.0,
        initial_lookback: timedelta = timedelta(days=1),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self.profile = profile
        self._client_factory = client_factory
        self._portal_domain = portal_domain
        self.interval_seconds = interval_seconds
        self._initial_lookback = initial_lookback
        self._now = now
        self._pass_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_report: CatchUpReport | None = None
        # When the background thread runs its next pass; None while a pass runs, and when
        # none is scheduled (not started, stopped, or no interval). Status bars read it.
        self.next_pass_at: datetime | None = None
        self.on_report: Callable[[CatchUpReport], None] | None = None
        # The failure last logged, so a portal that stays down is logged once.
        self._logged_error: str | None = None
        # Taken when the background polling starts; one-off passes (poll_once) need none.
        self._lease: PollerLease | None = None
        # True while another listener of the team holds this portal's polling.
        self.standing_by = False
        # True while this process holds the portal's lease and polls it (team presence).
        self.polling = False

    # -- running in the background -------------------------------------------------

    def start(self) -> None:
        """Poll now, then every ``interval_seconds`` (never again if it is None)."""
        if self._thread is not None:
            if not self._stopping.is_set():
                return
            # A stopped pass may still be finishing a request: never run two at once.
            self._thread.join()
            self._thread = None
        self._stopping.clear()
        self.next_pass_at = self._now()
        if self._lease is None:
            self._lease = poller_lease(self._store, lease_name(self.profile, self._portal_domain))
        self._thread = threading.Thread(
            target=self._run, name=f"catch-up-{self.profile}", daemon=True
        )
        self._thread.start()

    def poll_now(self) -> None:
        """Ask the background thread for a pass as soon as it is free."""
        if self._thread is not None and not self._stopping.is_set():
            self.next_pass_at = self._now()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop polling. A pass in flight ends at its next order or page; a request still
        waiting on the portal past ``timeout`` is left to finish, and writes nothing."""
        self._stopping.set()
        self._wake.set()
        self.next_pass_at = None
        self.polling = False
        if self._thread is not None:
            self._thread.join(timeout)
            if not self._thread.is_alive():
                self._thread = None
        if self._lease is not None and self._thread is None:
            # After the last pass: another listener may take over from here.
            self._lease.release()
            self._lease = None

    @property
    def busy(self) -> bool:
        """True while a pass is running."""
        return self._pass_lock.locked()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            self.next_pass_at = None
            if self._lease is None or self._lease.held():
                self.polling = True
                self._take_over()
                self._pass(raise_errors=False, background=True)
            elif self._lease.trouble is not None:
                self.polling = False
                self._cannot_ask(self._lease.trouble)
            else:
                self.polling = False
                self._stand_by()
            if self._stopping.is_set():
                return
            # With no interval only poll_now() wakes it.
            self._wake.wait(self.interval_seconds)

    def _stand_by(self) -> None:
        if self.interval_seconds is not None:
            self.next_pass_at = self._now() + timedelta(seconds=self.interval_seconds)
        if self.standing_by:
            return
        self.standing_by = True
        log.info(
            "catch-up for %s: another listener of the team polls it; standing by", self.profile
        )
        report = CatchUpReport(profile=self.profile, finished_at=self._now(), standby=True)
        self.last_report = report
        if self.on_report is not None:
            self.on_report(report)

    def _cannot_ask(self, trouble: str) -> None:
        """The team database cannot say who polls: no pass (another listener may be
        polling), and the failure is shown as one, not as standing by."""
        report = CatchUpReport(
            profile=self.profile,
            finished_at=self._now(),
            error=f"the team database cannot be reached: {trouble}",
        )
        if report.error != self._logged_error:
            log.warning("catch-up for %s: %s", self.profile, report.error)
            self._logged_error = report.error
        if self.interval_seconds is not None:
            self.next_pass_at = self._now() + timedelta(seconds=self.interval_seconds)
        # Whoever holds the lease when the database is back is not known yet.
        self.standing_by = False
        self.last_report = report
        if self.on_report is not None:
            self.on_report(report)

    def _take_over(self) -> None:
        if self.standing_by:
            self.standing_by = False
            log.info("catch-up for %s: taking over the polling", self.profile)

    # -- one pass -------------------------------------------------------------------

    def poll_once(self, *, raise_errors: bool = False) -> CatchUpReport:
        """Read every change since the cursor.

        Portal and network trouble ends up in ``report.error`` (the background thread must
        keep going) unless ``raise_errors`` asks for the exception, as a one-shot CLI does.
        """
        return self._pass(raise_errors=raise_errors, background=False)

    def _pass(self, *, raise_errors: bool, background: bool) -> CatchUpReport:
        with self._pass_lock:
            report = CatchUpReport(profile=self.profile)
            try:
                with self._client_factory() as client:
                    self._poll(client, report)
            except B24Error as exc:
                if raise_errors:
                    raise
                report.error = str(exc)
                if report.error != self._logged_error:
                    # The poller keeps going: this pass failed, the next one may not.
                    log.warning("catch-up pass for %s failed: %s", self.profile, exc)
            except StoreClosedError:
                if not self._stopping.is_set():
                    raise
                report.error = STOPPED
            except Exception as exc:  # a pass must not kill the polling thread
                if raise_errors:
                    raise
                report.error = f"{type(exc).__name__}: {exc}"
                if report.error != self._logged_error:
                    log.exception("catch-up pass for %s failed", self.profile)
            if report.error != STOPPED:
                # One line per kind of failure, not one every interval while it lasts.
                if report.error is None and self._logged_error is not None:
                    log.warning("catch-up for %s works again", self.profile)
                self._logged_error = report.error
            report.finished_at = self._now()
            self.last_report = report
            if background and self.interval_seconds is not None and not self._stopping.is_set():
                # Before on_report, so whoever shows the report can show the next pass too.
                self.next_pass_at = report.finished_at + timedelta(seconds=self.interval_seconds)
        if self.on_report is not None:
            self.on_report(report)
        return report

    def _load_cursor(self) -> CatchUpCursor:
        stored = self._store.get_cursor(cursor_name(self.profile))
        if stored:
            try:
                return CatchUpCursor.decode(stored)
            except (ValueError, KeyError, TypeError):
                log.warning("catch-up cursor for %s unreadable; starting over", self.profile)
        return CatchUpCursor(updated=self._now() - self._initial_lookback)

    def _poll(self, client: BitrixClient, report: CatchUpReport) -> None:
        start = self._load_cursor()
        cursor = start
        rewound = CatchUpCursor(updated=start.updated - REREAD_WINDOW)
        pages = client.orders.pages_updated_since(
            rewound.updated, after_id=rewound.last_id, select=_SELECT
        )
        for page in pages:
            for order in page:
                if self._stopping.is_set():
                    return
                assert order.date_update is not None
                position = (order.date_update, order.id)
                # Re-read orders a previous pass already handled are not news, unless
                # nothing covers them: then they are exactly the late commits it missed.
                seen_before = position <= (start.updated, start.last_id)
                if self._covered(order):
                    if not seen_before:
                        report.changes += 1
                        report.covered += 1
                else:
                    self._record(order)
                    report.changes += 1
                    report.recorded += 1
                    report.recorded_ids.append(order.id)
                if position > (cursor.updated, cursor.last_id):
                    cursor = CatchUpCursor(updated=order.date_update, last_id=order.id)
            # Saved after each page: a pass cut short resumes where it stopped.
            self._store.set_cursor(cursor_name(self.profile), cursor.encode())
        report.cursor = cursor

    def _covered(self, order: Order) -> bool:
        """A verified received event, or an earlier catch-up record, already shows this change."""
        assert order.date_update is not None
        changed_at = order.date_update.timestamp()
        flt = EventFilter(
            sources=frozenset({EventSource.BITRIX, EventSource.CATCH_UP}),
            events=frozenset({ORDER_SAVED_EVENT}),
            verification=frozenset({Verification.VERIFIED}),
            profile=self.profile,
            order_id=str(order.id),
        )
        for event in self._store.query(flt, limit=20):
            try:
                sent_at = float(event.ts) if event.ts is not None else None
            except ValueError:
                sent_at = None
            if sent_at is None:
                continue
            if event.source is EventSource.CATCH_UP and int(sent_at) == int(changed_at):
                return True
            if (
                event.source is EventSource.BITRIX
                and sent_at >= changed_at - COVERAGE_TOLERANCE.total_seconds()
            ):
                return True
        return False

    def _record(self, order: Order) -> None:
        assert order.date_update is not None
        payload = {
            "event": ORDER_SAVED_EVENT,
            "source": "catch-up",
            "order": order.model_dump(mode="json", by_alias=True, exclude_defaults=True),
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        self._store.append(
            EventRecord(
                received_at=self._now(),
                source=EventSource.CATCH_UP,
                event=ORDER_SAVED_EVENT,
                profile=self.profile,
                entity_id=str(order.id),
                order_id=str(order.id),
                portal_domain=self._portal_domain,
                ts=str(int(order.date_update.timestamp())),
                handler_id="catch-up",
                verification=Verification.VERIFIED,
                verification_reason=CATCH_UP_REASON,
                method="POST",
                path="sale.order.list",
                content_type="application/json",
                raw_body=body,
                payload=payload,
            )
        )
