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

import keyring
import pytest
from keyring.backends import fail

from console.cli import main
from console.cli.app import CliError
from console.cli.events import parse_time
from console.core.credentials import SecretKind, install_fingerprint_key
from console.core.logging import log_file_path
from console.core.masking import MASK, fingerprint
from console.core.profiles import Profile, ProfileRepository
from console.session import publish_listener
from console.store import EventSource, SqliteEventStore, Verification
from tests.listener.conftest import APP_TOKEN, Running, all_events, sample
from tests.listener.test_replay import repository
from tests.store.records import record
from tests.support.secret_spellings import (
    SPELLING_NAMES,
    horoshop_secret_in_keyring,
    leaked,
    spellings,
)


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
    # What every request is answered with: (status, body).
    answer: ClassVar[tuple[int, bytes]] = (202, b"")

    def _record(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append((self.command, self.path, dict(self.headers), body))
        status, answer = self.answer
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_POST = _record
    do_PUT = _record

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture
def capture_server() -> Iterator[str]:
    _Capture.received = []
    _Capture.answer = (202, b"")
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


def _stored_horoshop_event(data_dir: Path, path: str) -> int:
    """The id of a Horoshop order event stored as arriving on ``path``."""
    with SqliteEventStore(data_dir / "events.sqlite3") as store:
        return store.append(
            record(
                source=EventSource.HOROSHOP,
                event="order_created",
                method="PUT",
                path=path,
                content_type="application/json",
                raw_body=b'{"order_id": 115}',
                payload={"order_id": 115},
            )
        ).id


@pytest.mark.parametrize("secret", ["hs-cli-7f3c9e1d2b4a68f0", "ключ с пробелом%41/x"])
@pytest.mark.parametrize("reachable", [True, False])
def test_replay_never_prints_the_horoshop_secret(
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    capture_server: str,
    secret: str,
    reachable: bool,
) -> None:
    install_fingerprint_key()  # as the listener that stored the event had
    repo = ProfileRepository()
    repo.save(Profile(name="main", portal_url="https://shop.bitrix24.ua"))
    repo.set_secret("main", SecretKind.HOROSHOP_SECRET, secret)
    event_id = _stored_horoshop_event(data_dir, f"/horoshop/{fingerprint(secret)}?x=1")
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


@pytest.mark.real_keyring
@pytest.mark.parametrize("spelling", SPELLING_NAMES)
def test_replay_verbose_shows_no_spelling_of_the_horoshop_secret(
    capsys: pytest.CaptureFixture[str], data_dir: Path, capture_server: str, spelling: str
) -> None:
    install_fingerprint_key()  # as the listener that stored the event had
    with horoshop_secret_in_keyring("main") as secret:
        event_id = _stored_horoshop_event(data_dir, f"/horoshop/{fingerprint(secret)}")
        # The storefront's answer quotes the secret back, spelt its own way.
        refusal = f"unknown store key {spellings(secret)[spelling]}"
        _Capture.answer = (400, refusal.encode("utf-8"))

        code, out, err = _run(
            capsys,
            "-v",
            "events",
            "replay",
            str(event_id),
            "--data-dir",
            str(data_dir),
            "--to",
            capture_server,
        )

    assert code == 3
    [(_, path, _, _)] = _Capture.received
    assert path == f"/horoshop/{quote(secret, safe='')}"  # what went out had the secret
    logged = log_file_path().read_text(encoding="utf-8")
    assert "HTTP Request: PUT" in err and "HTTP Request: PUT" in logged
    assert "unknown store key" in err
    for text in (out, err, logged):
        assert leaked(text, secret) == []


# --- replay against the real listener (issue 8) ---------------------------------------


@pytest.fixture
def listening(tmp_path: Path) -> Iterator[Running]:
    install_fingerprint_key()
    repository()  # the profile and its secrets, in the keyring the command reads
    instance = Running(tmp_path)
    try:
        yield instance
    finally:
        instance.close()


def _replay_args(running: Running, event_id: int, *extra: str) -> list[str]:
    return ["events", "replay", str(event_id), "--data-dir", str(running.db.parent), *extra]


def test_replay_goes_to_the_running_listener_by_default(
    capsys: pytest.CaptureFixture[str], listening: Running
) -> None:
    # The token last and a final line break, as `curl --data-binary @file` sends a file.
    body = sample("bitrix-onsaleordersaved-app.form") + b"\n"
    assert listening.post_form("/bitrix/shop", body).status_code == 200
    publish_listener(listening.db, listening.server.base_url)
    code, out, err = _run(capsys, *_replay_args(listening, 1))
    assert code == 0, err
    assert f"{listening.server.base_url}/bitrix/shop -> HTTP 200" in out
    newest = max(all_events(listening.store), key=lambda e: e.id)
    assert newest.verification is Verification.VERIFIED


def test_without_a_live_listener_file_replay_says_what_to_do(
    capsys: pytest.CaptureFixture[str], listening: Running
) -> None:
    listening.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-app.form"))
    code, _, err = _run(capsys, *_replay_args(listening, 1))
    assert code == 4 and "b24-console listen" in err and "--to" in err
    # A file left by a listener that died is not believed.
    (listening.db.parent / "listener.json").write_text(
        json.dumps({"base_url": listening.server.base_url, "pid": 2**22 + 12345})
    )
    code, _, err = _run(capsys, *_replay_args(listening, 1))
    assert code == 4


def test_replay_refused_by_the_listener_exits_3_with_status_and_body(
    capsys: pytest.CaptureFixture[str], listening: Running
) -> None:
    forged = sample("bitrix-onsaleordersaved-app.form").replace(APP_TOKEN.encode(), b"0" * 32)
    assert listening.post_form("/bitrix/shop", forged).status_code == 401
    code, _, err = _run(capsys, *_replay_args(listening, 1, "--to", listening.server.base_url))
    assert code == 3
    assert "HTTP 401" in err and "wrong application token" in err
    assert "rejected when it arrived" in err


@pytest.mark.parametrize(
    "target",
    ["http://[::1", "http://127.0.0.1:99999", "127.0.0.1:9000", "http://x/?a=b", "http://"],
)
def test_a_malformed_to_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], listening: Running, target: str
) -> None:
    listening.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-app.form"))
    code, out, err = _run(capsys, *_replay_args(listening, 1, "--to", target))
    assert code == 2
    assert err.count("\n") == 1 and "--to" in err and "Traceback" not in err + out


def test_replay_to_a_url_works_without_the_keyring(
    capsys: pytest.CaptureFixture[str], listening: Running
) -> None:
    listening.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-app.form"))
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code, _, err = _run(capsys, *_replay_args(listening, 1, "--to", listening.server.base_url))
    finally:
        keyring.set_keyring(previous)
    # Sent, without the token (so the listener refuses it), and the command says why.
    assert code == 3
    assert "without secrets" in err
    newest = max(all_events(listening.store), key=lambda e: e.id)
    assert newest.id == 2 and newest.verification is Verification.REJECTED


def test_order_names_its_system(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    with SqliteEventStore(data_dir / "events.sqlite3") as store:
        bitrix = store.append(record(order_id="300", entity_id="300")).id
        horoshop = store.append(
            record(source=EventSource.HOROSHOP, event="order_created", order_id="300")
        ).id
    listing = ("events", "list", "--data-dir", str(data_dir))
    code, out, _ = _run(capsys, *listing, "--json", "--order", "hs-300")
    assert code == 0 and _json_ids(out) == [horoshop]
    code, out, _ = _run(capsys, *listing, "--json", "--order", "b24-300")
    assert code == 0 and _json_ids(out) == [bitrix]
    code, out, _ = _run(capsys, *listing, "--json", "--order", "300")
    assert code == 0 and _json_ids(out) == [horoshop, bitrix]
    code, out, _ = _run(capsys, *listing, "--order", "300")
    assert "order=hs-300" in out and "order=b24-300" in out
    code, _, err = _run(capsys, *listing, "--order", "hs-")
    assert code != 0 and "hs-300" in err
