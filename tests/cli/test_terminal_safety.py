"""Portal and event data with terminal escape sequences never reach the terminal raw:
every command prints it through the one sanitiser, errors included."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.bitrix.limiter import forget_limiters
from console.cli import main
from console.core.logging import configure_logging
from console.sandbox import SandboxConfig, SandboxPortal
from console.sandbox import errors as sandbox_errors
from console.store import EventSource, SqliteEventStore
from tests.cli.test_portal_cli import add_profile
from tests.store.records import record

# Clear the screen, write the clipboard (OSC 52), reverse the text that follows (bidi
# override), an 8-bit CSI, a line break that would fake a line of output, and the
# invisible characters that make "30\u200b0" read as order 300.
HOSTILE = (
    "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202eexe.txt\x9b31m\nFAKE: all good\x7f\r"
    "30\u200b0\u2060\ufeff\u061c\u200f\u2064"
)
RAW = ("\x1b", "\x07", "\u202e", "\x9b", "\x7f", "\r", "\u200b", "\u2060", "\ufeff", "\u061c")


def assert_safe(text: str) -> None:
    assert not [char for char in RAW if char in text], repr(text)
    assert "\nFAKE" not in text


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


@pytest.fixture
def portal() -> Iterator[SandboxPortal]:
    forget_limiters()
    with SandboxPortal(SandboxConfig(port=0, burst=50, drain_rate=100.0)) as sandbox:
        state = sandbox.state
        with state.lock:
            state.statuses["P"]["xmlId"] = HOSTILE
            for item in state.status_langs:
                if item["statusId"] == "P" and item["lid"] == "en":
                    item["name"] = HOSTILE
            first = min(state.orders)
            for value in state.property_values.values():
                if value["orderId"] == first:
                    value["value"] = HOSTILE
        add_profile("sandbox", sandbox.webhook_url)
        yield sandbox
    forget_limiters()


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "list", "--lang", "en"],
        ["status", "get", "P"],
        ["order", "get", "FIRST"],
    ],
)
def test_portal_commands_print_hostile_fields_escaped(
    portal: SandboxPortal, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    argv = [str(min(portal.state.orders)) if arg == "FIRST" else arg for arg in argv]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "\\x1b[2J" in out  # shown, not obeyed
    assert_safe(out)
    assert main([*argv, "--json"]) == 0
    text = capsys.readouterr().out
    assert_safe(text)
    assert HOSTILE in strings(json.loads(text))  # the JSON still carries the exact value


def test_an_error_quoting_the_portal_is_escaped(
    portal: SandboxPortal, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sandbox_errors.DESCRIPTIONS, "201340400001", HOSTILE)
    assert main(["status", "get", "ZZ"]) == 3
    err = capsys.readouterr().err
    assert_safe(err)
    assert err.count("\n") == 1 and "201340400001" in err
    assert main(["status", "get", "ZZ", "--json"]) == 3
    out = capsys.readouterr().out
    assert_safe(out)
    assert json.loads(out)["code"] == 3


def test_events_commands_escape_stored_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SqliteEventStore(tmp_path / "events.sqlite3") as store:
        event_id = store.append(
            record(
                received_at=datetime.now(UTC),
                source=EventSource.HOROSHOP,
                event="order_created" + HOSTILE,
                entity_id=HOSTILE,
                payload={"comment": HOSTILE},
                raw_body=json.dumps({"comment": HOSTILE}).encode(),
            )
        ).id
    data = ["--data-dir", str(tmp_path)]
    for argv in (
        ["events", "list", *data],
        ["events", "show", str(event_id), "--raw", *data],
        ["events", "list", "--json", *data],
        ["events", "show", str(event_id), "--json", *data],
        ["events", "export", "--format", "jsonl", *data],
    ):
        assert main(argv) == 0, argv
        assert_safe(capsys.readouterr().out)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_csv_export_to_a_terminal_is_escaped_but_a_piped_one_is_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with SqliteEventStore(tmp_path / "events.sqlite3") as store:
        store.append(record(entity_id=HOSTILE))
    argv = ["events", "export", "--format", "csv", "--data-dir", str(tmp_path)]
    assert main(argv) == 0
    assert HOSTILE.replace("\n", "").replace("\r", "")[:5] in capsys.readouterr().out
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(argv) == 0
    # A CSV cell may span lines (quoted); nothing in it drives the terminal.
    assert not [char for char in RAW if char in terminal.getvalue()]
    assert "\\x1b[2J" in terminal.getvalue()


def test_log_lines_quoting_remote_text_are_escaped() -> None:
    stream = io.StringIO()
    configure_logging(logging.WARNING, stream=stream)
    logging.getLogger("console.test").warning("portal said: %s", HOSTILE)
    assert_safe(stream.getvalue())
    assert "\\x1b[2J" in stream.getvalue()
