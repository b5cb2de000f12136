"""Every example command of the README works as written against the sandbox portal.

The README marks the block with ``<!-- readme-examples`` before it. The profile ``shop``
points at a sandbox portal, added the way the README says (``profile add`` with the
webhook from the environment); the store holds a few events, as after ``listen``.
Long-running commands (``listen``, ``sandbox``) start, print and stop at once.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.bitrix.limiter import forget_limiters
from console.cli import main
from console.cli.app import ForegroundRun
from console.core.paths import data_dir
from console.core.profiles import parse_webhook_url
from console.core.settings import ListenerSettings, Settings, save_settings
from console.sandbox import SandboxConfig, SandboxPortal
from console.store import SqliteEventStore
from tests.store.records import record

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- readme-examples.*?-->\s*```sh\n(.*?)```", text, re.DOTALL)
    assert match, "the README marks its example block with <!-- readme-examples"
    lines = [line for line in match.group(1).splitlines() if line.strip()]
    assert len(lines) >= 10
    return lines


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[SandboxPortal]:
    forget_limiters()
    with SandboxPortal(SandboxConfig(port=0, burst=50, drain_rate=100.0)) as portal:
        monkeypatch.setenv("B24_WEBHOOK_URL", portal.webhook_url)
        save_settings(Settings(listener=ListenerSettings(port=0)))  # any free port
        with SqliteEventStore(data_dir() / "events.sqlite3") as store:
            for _ in range(3):
                store.append(record(received_at=datetime.now(UTC), profile="shop"))
        monkeypatch.chdir(tmp_path)  # `--out events.jsonl` lands here
        # listen and sandbox run until Ctrl-C; here they stop as soon as they have started.
        monkeypatch.setattr(ForegroundRun, "wait", lambda self: None)
        yield portal
    forget_limiters()


def test_every_readme_example_exits_0(
    shop: SandboxPortal, capsys: pytest.CaptureFixture[str]
) -> None:
    # The README's profile line, with the sandbox's address (stdin is no terminal here:
    # the webhook comes from B24_WEBHOOK_URL).
    portal_url = parse_webhook_url(shop.webhook_url).portal_url
    assert main(["profile", "add", "shop", "--portal", portal_url]) == 0, capsys.readouterr()
    for line in readme_examples():
        argv = shlex.split(line, comments=True)
        assert argv[0] == "b24-console", line
        code = main(argv[1:])
        captured = capsys.readouterr()
        assert code == 0, f"{line}\n{captured.err}{captured.out}"
    assert shop.state.bindings[101] == {"orderId": 101, "ownerTypeId": 2, "ownerId": 12}
    assert shop.state.orders[300]["statusId"] == "P"
    assert Path("events.jsonl").read_text().count("\n") == 3
