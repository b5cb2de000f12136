"""What ``listen`` prints about catch-up passes: a line when something happened.

A pass every 60 s that found nothing new is not news; printing it buries the event lines
the operator is watching. The first pass is shown (it says polling works), then passes
that recorded or covered changes, a new failure, the recovery after one, and the stop.
"""

from __future__ import annotations

from typing import Any

from console.listener.catchup import STOPPED, CatchUpReport


def format_catch_up_line(report: CatchUpReport) -> str:
    """One line for ``report``."""
    if report.error == STOPPED:
        return f"catch-up {report.profile}: stopped"
    if report.standby:
        return (
            f"catch-up {report.profile}: another listener of the team polls this portal; "
            "standing by to take over"
        )
    if report.error:
        return f"catch-up {report.profile}: failed: {report.error}"
    return (
        f"catch-up {report.profile}: {report.changes} changes, {report.covered} covered by events, "
        f"{report.recorded} recorded"
    )


def catch_up_json(report: CatchUpReport) -> dict[str, Any]:
    """``report`` as one JSON object of ``listen --json``."""
    return {
        "type": "catch-up",
        "profile": report.profile,
        "changes": report.changes,
        "covered": report.covered,
        "recorded": report.recorded,
        "recorded_orders": report.recorded_ids,
        "error": report.error,
        "stopped": report.error == STOPPED,
        "standby": report.standby,
    }


class CatchUpAnnouncer:
    """Decides which reports are worth a line; one instance per running command."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._last_error: dict[str, str | None] = {}
        self._standby: dict[str, bool] = {}

    def worth_showing(self, report: CatchUpReport) -> bool:
        first = report.profile not in self._seen
        self._seen.add(report.profile)
        was_standing_by = self._standby.get(report.profile, False)
        self._standby[report.profile] = report.standby
        if report.standby or was_standing_by:
            # Standing by is said once; the first pass after taking over is always shown.
            return report.standby != was_standing_by
        previous = self._last_error.get(report.profile)
        self._last_error[report.profile] = report.error
        if first or report.error == STOPPED:
            return True
        if report.error is not None:
            return report.error != previous
        return previous is not None or report.changes > 0
