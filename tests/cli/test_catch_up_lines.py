"""Catch-up is quiet when nothing happens: a line (and a log line) when a pass finds
something, fails in a new way, recovers, or stops."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.bitrix.auth import WebhookAuth
from console.bitrix.client import BitrixClient
from console.bitrix.limiter import forget_limiters
from console.cli.catch_up_lines import CatchUpAnnouncer, format_catch_up_line
from console.listener.catchup import STOPPED, CatchUpPoller, CatchUpReport
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import SqliteEventStore


def test_only_news_is_announced() -> None:
    announcer = CatchUpAnnouncer()
    shown = [
        announcer.worth_showing(report)
        for report in (
            CatchUpReport("shop"),  # the first pass: polling works
            CatchUpReport("shop"),  # nothing changed
            CatchUpReport("shop"),
            CatchUpReport("shop", changes=2, recorded=1),
            CatchUpReport("shop", error="NO_AUTH_FOUND"),
            CatchUpReport("shop", error="NO_AUTH_FOUND"),  # still failing: said already
            CatchUpReport("shop", error="timed out"),
            CatchUpReport("shop"),  # works again
            CatchUpReport("shop"),
            CatchUpReport("shop", error=STOPPED),
        )
    ]
    assert shown == [True, False, False, True, True, False, True, True, False, True]
    assert announcer.worth_showing(CatchUpReport("other"))  # each profile's first pass


def test_standing_by_for_the_team_is_said_once_and_taking_over_too() -> None:
    announcer = CatchUpAnnouncer()
    standby = CatchUpReport("shop", standby=True)
    shown = [
        announcer.worth_showing(report)
        for report in (standby, standby, standby, CatchUpReport("shop"), CatchUpReport("shop"))
    ]
    assert shown == [True, False, False, True, False]
    line = format_catch_up_line(standby)
    assert "another listener of the team" in line and "failed" not in line


def test_stopped_is_said_only_for_a_stop() -> None:
    assert format_catch_up_line(CatchUpReport("shop", error=STOPPED)) == "catch-up shop: stopped"
    failed = format_catch_up_line(CatchUpReport("shop", error="NO_AUTH_FOUND"))
    assert "failed" in failed and "stopped" not in failed


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    forget_limiters()
    with SandboxPortal(SandboxConfig(port=0, burst=50, drain_rate=100.0)) as sandbox:
        yield sandbox
    forget_limiters()


def test_a_portal_that_stays_down_is_logged_once(
    portal: SandboxPortal, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    webhook = {"url": portal.webhook_url.replace(portal.webhook_code, "wrongcode1234567")}

    def client() -> BitrixClient:
        return BitrixClient(WebhookAuth.from_url(webhook["url"]))

    with SqliteEventStore(tmp_path / "events.sqlite3") as store:
        poller = CatchUpPoller(store, "shop", client, interval_seconds=None)
        with caplog.at_level(logging.WARNING, logger="console.listener.catchup"):
            for _ in range(4):
                assert poller.poll_once().error
            failures = [r.getMessage() for r in caplog.records]
            assert len(failures) == 1 and "catch-up pass for shop failed" in failures[0]
            assert "stopped" not in failures[0]
            webhook["url"] = portal.webhook_url
            for _ in range(3):
                assert poller.poll_once().error is None
        messages = [r.getMessage() for r in caplog.records]
        assert messages[1:] == ["catch-up for shop works again"]
