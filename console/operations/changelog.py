"""Reading the change log back: an order's changes, and the event each one caused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from console.operations.base import CONFIRMATION_PREFIX
from console.store.model import (
    ChangeOutcome,
    EventFilter,
    EventStore,
    StoredChange,
    StoredEvent,
    Verification,
)

ORDER_SAVED = "ONSALEORDERSAVED"
# The portal sends OnSaleOrderSaved within seconds; minutes cover a queued delivery.
FOLLOWING_WINDOW = timedelta(minutes=2)


def following_event(
    store: EventStore, change: StoredChange, *, window: timedelta = FOLLOWING_WINDOW
) -> StoredEvent | None:
    """The first verified ONSALEORDERSAVED of the change's profile and order received
    within ``window`` after the change; None for changes without an order."""
    if change.order_id is None:
        return None
    flt = EventFilter(
        order_id=change.order_id,
        profile=change.profile,
        verification=frozenset({Verification.VERIFIED}),
        since=change.at,
        until=change.at + window,
    )
    found = [event for event in store.query(flt, limit=200) if event.event.upper() == ORDER_SAVED]
    return min(found, key=lambda event: event.id) if found else None


@dataclass(frozen=True)
class ChangeEntry:
    """A change as the order timeline shows it; the fields mirror the timeline's entry
    (``source`` "console", ``event`` the change kind), so the UI maps it one to one."""

    change: StoredChange
    at_us: int
    summary: str
    following_event_id: int | None
    source: str = "console"
    event: str = ""
    verification: str = ""


def order_changes(store: EventStore, profile: str | None, order_id: str) -> list[ChangeEntry]:
    """The order's changes, oldest first, each with the event it caused (if one came)."""
    entries: list[ChangeEntry] = []
    changes = list(reversed(store.changes(order_id=order_id, profile=profile, limit=1000)))
    confirmed = {
        int(number)
        for change in changes
        if change.action.startswith(CONFIRMATION_PREFIX)
        and (number := change.action[len(CONFIRMATION_PREFIX) :]).isdigit()
    }
    for change in changes:
        if change.action.startswith(CONFIRMATION_PREFIX):
            continue  # said on the change it confirms
        following = following_event(store, change)
        text = f"{change.operator}: {change.summary}"
        outcome = change.outcome
        if change.outcome is ChangeOutcome.UNKNOWN and change.id in confirmed:
            text += " (sent, no answer; applied, as a re-read from the portal showed)"
            outcome = ChangeOutcome.APPLIED
        elif change.outcome is ChangeOutcome.UNKNOWN:
            text += " (sent, no answer: outcome unknown)"
        at_us = int(change.at.timestamp() * 1_000_000)
        entries.append(
            ChangeEntry(
                change,
                at_us,
                text,
                following.id if following is not None else None,
                event=change.kind.value,
                verification=outcome.value,
            )
        )
    return entries


class StoreChangeLog:
    """The change log as a timeline provider: ``entries(profile, order_id)`` like
    ``console.ui.models.timeline.TimelineProvider``, returning :class:`ChangeEntry`."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    def entries(self, profile: str | None, order_id: str) -> list[ChangeEntry]:
        return order_changes(self._store, profile, order_id)
