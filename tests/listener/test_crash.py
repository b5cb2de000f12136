"""SIGKILL the listener process under load: every event answered 200 is in the store."""

from __future__ import annotations

from pathlib import Path

from tests.listener.crash_harness import run_crash_rounds


def test_every_acknowledged_event_survives_sigkill(tmp_path: Path) -> None:
    report = run_crash_rounds(
        tmp_path / "events.sqlite3", tmp_path, rounds=3, events_per_round=200, concurrency=8
    )

    # The kill came while requests were in flight, so the check is not vacuous.
    assert report.acked >= 3 * 100
    assert report.missing == []
    assert report.found == report.acked
