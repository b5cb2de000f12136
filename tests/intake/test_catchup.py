"""Catch-up polling against the sandbox portal over real HTTP, with a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from console.bitrix import BitrixClient, WebhookAuth
from console.core.profiles import parse_webhook_url
from console.listener.catchup import CatchUpCursor, CatchUpPoller, cursor_name
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import SqliteEventStore
from console.store.model import EventFilter, EventRecord, EventSource, Verification

PROFILE = "shop"
# The sandbox numbers its seeded orders from 101.
FIRST = 100


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    with SandboxPortal(SandboxConfig(burst=10_000, drain_rate=1000.0)) as started:
        yield started


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteEventStore]:
    opened = SqliteEventStore(tmp_path / "events.sqlite3")
    yield opened
    opened.close()


def client_for(url: str) -> BitrixClient:
    credentials = parse_webhook_url(url)
    return BitrixClient(
        WebhookAuth(
            portal_url=credentials.portal_url, user_id=credentials.user_id, code=credentials.code
        )
    )


def make_poller(store: SqliteEventStore, portal: SandboxPortal, url: str = "") -> CatchUpPoller:
    return CatchUpPoller(
        store,
        PROFILE,
        lambda: client_for(url or portal.webhook_url),
        portal_domain=portal.domain,
        interval_seconds=None,
        # Only what the test changes: the seeded orders were last saved days ago.
        initial_lookback=timedelta(minutes=5),
    )


def change_orders(portal: SandboxPortal, order_ids: list[int], status: str = "P") -> None:
    with httpx.Client(timeout=10) as http:
        for order_id in order_ids:
            answer = http.post(
                portal.webhook_url + "sale.order.update",
                json={"id": order_id, "fields": {"statusId": status}},
            )
            assert answer.status_code == 200, answer.text


def received_event(
    portal: SandboxPortal, order_id: int, verification: Verification, *, sent_after: int = 0
) -> EventRecord:
    """The ONSALEORDERSAVED event the portal sends for the order's latest change."""
    order = client_for(portal.webhook_url).orders.get(order_id)
    assert order.date_update is not None
    return EventRecord(
        received_at=order.date_update,
        source=EventSource.BITRIX,
        event="ONSALEORDERSAVED",
        profile=PROFILE,
        entity_id=str(order_id),
        order_id=str(order_id),
        ts=str(int(order.date_update.timestamp()) + sent_after),
        handler_id="1",
        verification=verification,
        verification_reason=None if verification is Verification.VERIFIED else "wrong token",
    )


def catch_up_events(store: SqliteEventStore) -> list[str]:
    found = store.query(EventFilter(sources=frozenset({EventSource.CATCH_UP})), limit=1000)
    return sorted(event.order_id or "" for event in found)


def test_changes_made_while_nobody_listened_are_recorded_once(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    change_orders(portal, [FIRST + 3, FIRST + 17, FIRST + 42])
    poller = make_poller(store, portal)

    report = poller.poll_once()

    assert report.error is None
    assert sorted(report.recorded_ids) == [FIRST + 3, FIRST + 17, FIRST + 42]
    assert catch_up_events(store) == ["103", "117", "142"]
    event = store.query(EventFilter(order_id="117"), limit=1)[0]
    assert event.verification is Verification.VERIFIED
    assert event.profile == PROFILE
    assert event.portal_domain == portal.domain
    assert event.payload["order"]["id"] == 117
    assert event.payload["order"]["statusId"] == "P"

    again = poller.poll_once()
    assert (again.changes, again.recorded) == (0, 0)
    assert catch_up_events(store) == ["103", "117", "142"]


def test_cursor_survives_a_restart_and_only_new_changes_follow(
    portal: SandboxPortal, store: SqliteEventStore, tmp_path: Path
) -> None:
    change_orders(portal, [105])
    make_poller(store, portal).poll_once()
    saved = store.get_cursor(cursor_name(PROFILE))
    assert saved is not None
    assert CatchUpCursor.decode(saved).last_id == 105

    store.close()
    reopened = SqliteEventStore(tmp_path / "events.sqlite3")
    try:
        change_orders(portal, [106, 107])
        report = make_poller(reopened, portal).poll_once()
        assert sorted(report.recorded_ids) == [106, 107]
        assert catch_up_events(reopened) == ["105", "106", "107"]
    finally:
        reopened.close()


def test_more_changes_than_one_page_are_all_found(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    changed = list(range(101, 231))
    change_orders(portal, changed)

    report = make_poller(store, portal).poll_once()

    assert report.error is None
    assert sorted(report.recorded_ids) == changed
    assert len(catch_up_events(store)) == 130


def test_a_change_covered_by_a_received_event_is_not_recorded(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    change_orders(portal, [108, 109])
    store.append(received_event(portal, 108, Verification.VERIFIED))

    report = make_poller(store, portal).poll_once()

    assert report.recorded_ids == [109]
    assert report.covered == 1


def test_a_rejected_event_does_not_count_as_coverage(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    change_orders(portal, [111])
    # Sent a second after the change: it would cover it, were it genuine.
    store.append(received_event(portal, 111, Verification.REJECTED, sent_after=1))

    assert make_poller(store, portal).poll_once().recorded_ids == [111]


def test_a_refused_webhook_is_reported_and_the_cursor_stays(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    wrong = portal.webhook_url.rstrip("/").rsplit("/", 1)[0] + "/wrongcode/"
    report = make_poller(store, portal, wrong).poll_once()

    assert report.error is not None
    assert "wrongcode" not in report.error
    assert store.get_cursor(cursor_name(PROFILE)) is None


def test_background_thread_polls_on_start_and_on_demand(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    import threading

    poller = make_poller(store, portal)
    poller.interval_seconds = 3600
    passes: list[int] = []
    done = threading.Event()

    def on_report(report: object) -> None:
        passes.append(len(passes))
        if len(passes) == 2:
            done.set()

    poller.on_report = on_report
    poller.start()
    try:
        change_orders(portal, [121])
        # The first pass may or may not have seen order 21; the on-demand one must.
        poller.poll_now()
        assert done.wait(10), "the on-demand pass never ran"
    finally:
        poller.stop()
    assert catch_up_events(store) == ["121"]


def test_events_catch_up_command_runs_one_pass(
    portal: SandboxPortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from console.cli import main
    from console.core.credentials import SecretKind
    from console.core.profiles import AuthMode, Profile, ProfileRepository

    credentials = parse_webhook_url(portal.webhook_url)
    repo = ProfileRepository()
    repo.save(
        Profile(
            name=PROFILE,
            portal_url=credentials.portal_url,
            auth_mode=AuthMode.WEBHOOK,
            webhook_user_id=credentials.user_id,
        )
    )
    repo.set_secret(PROFILE, SecretKind.WEBHOOK_CODE, credentials.code)
    change_orders(portal, [FIRST + 1, FIRST + 2])
    data_dir = tmp_path / "intake"

    args = ["events", "catch-up", "--data-dir", str(data_dir), "--lookback", "5m", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["recorded_orders"] == [FIRST + 1, FIRST + 2]
    assert credentials.code not in json.dumps(first)

    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["recorded"] == 0

    repo.set_secret(PROFILE, SecretKind.WEBHOOK_CODE, "not-the-code")
    assert main(args) == 5
    assert "not-the-code" not in capsys.readouterr().err


def test_a_late_commit_in_the_cursors_second_is_still_found(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    change_orders(portal, [FIRST + 60])
    poller = make_poller(store, portal)
    assert poller.poll_once().recorded_ids == [FIRST + 60]
    # An order with a lower id whose save began in the same second but committed after
    # the pass read it: the portal shows it with the cursor's own time.
    stamped = portal.state.orders[FIRST + 60]["dateUpdate"]
    portal.state.orders[FIRST + 20]["dateUpdate"] = stamped
    # And one whose long save began two seconds earlier.
    earlier = datetime.fromisoformat(stamped) - timedelta(seconds=2)
    portal.state.orders[FIRST + 30]["dateUpdate"] = earlier.isoformat()

    report = poller.poll_once()

    assert sorted(report.recorded_ids) == [FIRST + 20, FIRST + 30]
    assert report.changes == 2


def test_stop_and_start_again_never_runs_two_pollers(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    import threading

    poller = make_poller(store, portal)
    poller.interval_seconds = 3600
    poller.start()
    poller.stop()
    poller.start()
    poller.stop()
    assert [t for t in threading.enumerate() if t.name == f"catch-up-{PROFILE}"] == []


@pytest.mark.parametrize("interval", ["0", "-5", "nan", "inf"])
def test_listen_refuses_a_catch_up_interval_that_is_not_a_positive_number(
    interval: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from console.cli import main

    args = ["listen", "--port", "0", "--data-dir", str(tmp_path), "--catch-up-interval"]
    assert main([*args, interval]) == 2
    assert "--catch-up-interval" in capsys.readouterr().err
    assert not (tmp_path / "events.sqlite3").exists()


def test_next_pass_at_says_when_the_background_pass_is_due(
    portal: SandboxPortal, store: SqliteEventStore
) -> None:
    import threading

    poller = make_poller(store, portal)
    poller.interval_seconds = 3600
    assert poller.next_pass_at is None  # not started
    reported = threading.Event()
    seen: list[datetime | None] = []

    def on_report(report: object) -> None:
        seen.append(poller.next_pass_at)
        reported.set()

    poller.on_report = on_report
    before = datetime.now(UTC)
    poller.start()
    try:
        assert reported.wait(10)
        due = seen[0]
        assert due is not None and due == poller.next_pass_at
        assert before + timedelta(seconds=3599) <= due <= datetime.now(UTC) + timedelta(hours=1)
        assert poller.last_report is not None and poller.last_report.error is None
        assert not poller.busy
    finally:
        poller.stop()
    assert poller.next_pass_at is None


def test_orders_api_keyset_pages_match_a_full_listing(portal: SandboxPortal) -> None:
    since = datetime.now(UTC) - timedelta(minutes=5)
    change_orders(portal, list(range(FIRST + 1, FIRST + 61)))
    with client_for(portal.webhook_url) as client:
        pages = list(client.orders.pages_updated_since(since, after_id=0))
        flat = [order.id for order in client.orders.iter_updated_since(since)]
    assert len(pages) >= 2 and all(len(page) <= 50 for page in pages)
    assert [order.id for page in pages for order in page] == flat
    assert sorted(flat) == list(range(FIRST + 1, FIRST + 61))
