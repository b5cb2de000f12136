"""``b24-console events`` run in-process against a real store in a temporary directory."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, quote_plus

import pytest

from console.cli import main
from console.cli.app import CliError
from console.cli.events import parse_time
from console.core.credentials import SecretKind
from console.core.masking import MASK, fingerprint
from console.core.profiles import Profile, ProfileRepository
from console.store import EventSource, SqliteEventStore, Verification
from tests.store.records import record


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "cli-data"


@pytest.fixture
def ids(data_dir: Path) -> dict[str, int]:
    now = datetime.now(UTC)
    with SqliteEventStore(data_dir / "events.sqlite3") as store:
        made = {
            "old": store.append(record(received_at=now - timedelta(days=40), order_id="A1")).id,
            "bitrix": store.append(
                record(received_at=now - timedelta(hours=1), order_id="A1", entity_id="E7")
            ).id,
            "horoshop": store.append(
                record(
                    received_at=now - timedelta(minutes=5),
                    source=EventSource.HOROSHOP,
                    event="order_created",
                    method="PUT",
                    content_type="application/json",
                    raw_body=b'{"order_id": 115, "comment": "\\u001b[31mred"}',
                    payload={"order_id": 115, "comment": "\x1b[31mred"},
                )
            ).id,
            "rejected": store.append(
                record(received_at=now, verification=Verification.REJECTED)
            ).id,
        }
        dup = store.append(record(received_at=now, entity_id="E7", ts="1", handler_id="1")).id
        made["dup_original"] = dup
        made["dup"] = store.append(
            record(received_at=now, entity_id="E7", ts="1", handler_id="1")
        ).id
    return made


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json_ids(out: str) -> list[int]:
    return [item["id"] for item in json.loads(out)]


def test_list_newest_first_hides_duplicates(
    capsys: pytest.CaptureFixture[str], data_dir: Path, ids: dict[str, int]
) -> None:
    code, out, _ = _run(capsys, "events", "list", "--data-dir", str(data_dir), "--json")
    assert code == 0
    assert _json_ids(out) == [
        ids["dup_original"],
        ids["rejected"],
        ids["horoshop"],
        ids["bitrix"],
        ids["old"],
    ]
    code, out, _ = _run(capsys, "events", "list", "--data-dir", str(data_dir), "--duplicates")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 6
    assert f"#{ids['dup']}" in lines[0] and f"dup of #{ids['dup_original']}" in lines[0]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--source", "horoshop"], ["horoshop"]),
        (["--event", "order_created"], ["horoshop"]),
        (["--state", "rejected"], ["rejected"]),
        (["--order", "A1"], ["bitrix", "old"]),
        (["--entity", "E7"], ["dup_original", "bitrix"]),
        (["--since", "2h", "--until", "1m"], ["horoshop", "bitrix"]),
        (["--until", "7d"], ["old"]),
        (["--search", "order_id 115"], ["horoshop"]),
        (["--search", '"ONSALE AND ('], []),
        (["--limit", "2"], ["dup_original", "rejected"]),
    ],
)
def test_list_filters(
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    ids: dict[str, int],
    options: list[str],
    expected: list[str],
) -> None:
    code, out, _ = _run(capsys, "events", "list", "--data-dir", str(data_dir), "--json", *options)
    assert code == 0
    assert _json_ids(out) == [ids[name] for name in expected]


def test_list_human_lines_escape_terminal_controls(
    capsys: pytest.CaptureFixture[str], data_dir: Path, ids: dict[str, int]
) -> None:
    code, out, _ = _run(capsys, "events", "show", str(ids["horoshop"]), "--data-dir", str(data_dir))
    assert code == 0
    assert "\x1b" not in out
    assert "order_created" in out and "PUT" in out


@pytest.mark.parametrize(
    ("argv", "argument"),
    [
        (["events", "list", "--since", "yesterday"], "--since"),
        (["events", "list", "--limit", "0"], "--limit"),
        (["events", "show", "abc"], "ID"),
        (["events", "show", "999"], "ID"),
        (["events", "pin", "999"], "ID"),
        (["events", "purge", "--older-than", "soon"], "--older-than"),
        (["events", "purge", "--older-than", "-1"], "--older-than"),
        (["events", "purge", "--older-than", "1e10"], "--older-than"),
        (["events", "purge", "--older-than", "inf"], "--older-than"),
        (["events", "list", "--since", "99999999999d"], "--since"),
        (["events", "replay", "1", "--to", "ftp://x"], "--to"),
    ],
)
def test_bad_arguments_exit_2_naming_the_argument(
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    ids: dict[str, int],
    argv: list[str],
    argument: str,
) -> None:
    code, _, err = _run(capsys, *argv, "--data-dir", str(data_dir))
    assert code == 2
    assert argument in err


def test_show_json_and_raw(
    capsys: pytest.CaptureFixture[str], data_dir: Path, ids: dict[str, int]
) -> None:
    code, out, _ = _run(
        capsys, "events", "show", str(ids["bitrix"]), "--data-dir", str(data_dir), "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["id"] == ids["bitrix"] and data["entity_id"] == "E7"
    assert data["headers"] == [["User-Agent", "Bitrix24 Webhook Engine"]]
    assert "raw_body" not in data
    code, out, _ = _run(
        capsys, "events", "show", str(ids["bitrix"]), "--data-dir", str(data_dir), "--raw"
    )
    assert code == 0
    assert "raw body (" in out and "event=ONSALEORDERSAVED&data[FIELDS][ID]=" in out
    assert '"ONSALEORDERSAVED"' in out  # the pretty payload


def test_export_to_stdout_and_file(
    capsys: pytest.CaptureFixture[str], data_dir: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    code, out, _ = _run(
        capsys,
        "events",
        "export",
        "--format",
        "jsonl",
        "--data-dir",
        str(data_dir),
        "--order",
        "A1",
    )
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == [ids["bitrix"], ids["old"]]
    target = tmp_path / "out.csv"
    code, _, err = _run(
        capsys,
        "events",
        "export",
        "--format",
        "csv",
        "--data-dir",
        str(data_dir),
        "--duplicates",
        "--output",
        str(target),
    )
    assert code == 0
    assert "exported 6 events" in err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 6


def test_pin_unpin_and_purge(
    capsys: pytest.CaptureFixture[str], data_dir: Path, ids: dict[str, int]
) -> None:
    store_args = ["--data-dir", str(data_dir)]
    assert _run(capsys, "events", "pin", str(ids["old"]), *store_args)[0] == 0
    code, out, _ = _run(capsys, "events", "list", "--pinned", "--json", *store_args)
    assert _json_ids(out) == [ids["old"]]
    code, out, _ = _run(capsys, "events", "purge", "--older-than", "30d", *store_args)
    assert code == 0 and "nothing to delete" in out
    assert _run(capsys, "events", "unpin", str(ids["old"]), *store_args)[0] == 0
    code, out, _ = _run(capsys, "events", "purge", "--older-than", "30", "--yes", *store_args)
    assert "deleted 1 events" in out
    code, out, _ = _run(capsys, "events", "list", "--json", "--duplicates", *store_args)
    assert ids["old"] not in _json_ids(out)
    assert len(_json_ids(out)) == 5


def test_default_store_path_comes_from_settings(
    capsys: pytest.CaptureFixture[str], isolated_dirs: Path
) -> None:
    with SqliteEventStore(isolated_dirs / "data" / "events.sqlite3") as store:
        event_id = store.append(record()).id
    code, out, _ = _run(capsys, "events", "list", "--json")
    assert code == 0 and _json_ids(out) == [event_id]


def test_parse_time() -> None:
    now = datetime(2025, 1, 10, tzinfo=UTC)
    assert parse_time("2h", "--since", now=now) == now - timedelta(hours=2)
    assert parse_time("1.5d", "--since", now=now) == now - timedelta(days=1.5)
    assert parse_time("2025-01-01T00:00:00+02:00", "--since") == datetime(
        2024, 12, 31, 22, tzinfo=UTC
    )
    with pytest.raises(CliError, match="--until"):
        parse_time("2 fortnights", "--until")


class _Capture(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, dict[str, str], bytes]]] = []

    def _record(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append((self.command, self.path, dict(self.headers), body))
        self.send_response(202)
        self.end_headers()

    do_POST = _record
    do_PUT = _record

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture
def capture_server() -> Iterator[str]:
    _Capture.received = []
    server = HTTPServer(("127.0.0.1", 0), _Capture)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_replay_reposts_the_stored_request(
    capsys: pytest.CaptureFixture[str], data_dir: Path, ids: dict[str, int], capture_server: str
) -> None:
    code, out, _ = _run(
        capsys,
        "events",
        "replay",
        str(ids["horoshop"]),
        "--data-dir",
        str(data_dir),
        "--to",
        capture_server,
    )
    assert code == 0
    assert "HTTP 202" in out
    [(method, path, headers, body)] = _Capture.received
    assert method == "PUT"
    assert path == "/bitrix/main"
    assert headers["Content-Type"] == "application/json"
    assert body == b'{"order_id": 115, "comment": "\\u001b[31mred"}'


def test_replay_network_failure_exits_4(
    capsys: pytest.CaptureFixture[str], data_dir: Path, ids: dict[str, int]
) -> None:
    # Port 9 on loopback: nothing listens there, so the connection is refused.
    code, _, err = _run(
        capsys,
        "events",
        "replay",
        str(ids["bitrix"]),
        "--data-dir",
        str(data_dir),
        "--to",
        "http://127.0.0.1:9",
    )
    assert code == 4
    assert "replay" in err


@pytest.mark.parametrize("secret", ["hs-cli-7f3c9e1d2b4a68f0", "ключ с пробелом%41/x"])
@pytest.mark.parametrize("reachable", [True, False])
def test_replay_never_prints_the_horoshop_secret(
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    capture_server: str,
    secret: str,
    reachable: bool,
) -> None:
    repo = ProfileRepository()
    repo.save(Profile(name="main", portal_url="https://shop.bitrix24.ua"))
    repo.set_secret("main", SecretKind.HOROSHOP_SECRET, secret)
    with SqliteEventStore(data_dir / "events.sqlite3") as store:
        event_id = store.append(
            record(
                source=EventSource.HOROSHOP,
                event="order_created",
                method="PUT",
                path=f"/horoshop/{fingerprint(secret)}?x=1",
                content_type="application/json",
                raw_body=b'{"order_id": 115}',
                payload={"order_id": 115},
            )
        ).id
    # Port 9 on loopback: nothing listens there, so the connection is refused.
    target = capture_server if reachable else "http://127.0.0.1:9"

    code, out, err = _run(
        capsys, "events", "replay", str(event_id), "--data-dir", str(data_dir), "--to", target
    )

    assert code == (0 if reachable else 4)
    shown = out + err
    assert f"{target}/horoshop/{MASK}?x=1" in shown
    for form in (secret, quote(secret, safe=""), quote(secret), quote_plus(secret)):
        assert form not in shown
    if reachable:
        # The masking is for people only: the secret itself still went out.
        [(_, path, _, _)] = _Capture.received
        assert path == f"/horoshop/{quote(secret, safe='')}?x=1"
