"""Builders shared by the window's tests: a real SQLite store filled with events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.core.settings import ListenerSettings, Settings
from console.session import ListenSession, start_listen_session
from console.store.model import EventRecord, EventSource, EventStore, Verification
from console.ui.context import ConsoleContext

# The offscreen platform warns about a size-hint feature it lacks whenever a window shows.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    # The completer's popup asks for these; the offscreen platform has neither.
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def record(
    n: int,
    *,
    source: EventSource = EventSource.BITRIX,
    verification: Verification = Verification.VERIFIED,
    event: str = "ONSALEORDERSAVED",
    profile: str = "shop",
    ts: str | None = None,
    received_at: datetime | None = None,
    payload: object = None,
) -> EventRecord:
    return EventRecord(
        received_at=received_at or START + timedelta(seconds=n),
        source=source,
        event=event,
        profile=profile,
        entity_id=str(n),
        order_id=str(n),
        ts=ts if ts is not None else str(n),
        verification=verification,
        verification_reason="wrong application_token"
        if verification is Verification.REJECTED
        else None,
        payload=payload if payload is not None else {"data": {"FIELDS": {"ID": str(n)}}},
    )


def fill(store: EventStore, count: int, **kwargs: object) -> list[int]:
    return [store.append(record(n, **kwargs)).id for n in range(1, count + 1)]  # type: ignore[arg-type]


def start_session(tmp_path: Path, port: int = 0) -> ListenSession:
    """A real listen session: a store in ``tmp_path`` and the listener on a loopback port."""
    return start_listen_session(
        ListenerSettings(host="127.0.0.1", port=port),
        store_path=tmp_path / "events.sqlite3",
        keep_running_without_listener=True,
    )


@pytest.fixture
def session(tmp_path: Path) -> Iterator[ListenSession]:
    running = start_session(tmp_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def context(session: ListenSession, qtbot: QtBot) -> Iterator[ConsoleContext]:
    del qtbot  # a QApplication must exist first
    ctx = ConsoleContext(Settings())
    ctx.attach(session)
    try:
        yield ctx
    finally:
        ctx.jobs.shutdown()
