"""What an attacker tried against intake and replay (issue 8), each held by a test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from console.core.masking import fingerprint
from console.core.settings import ListenerSettings
from console.listener.replay import build_replay, send_replay
from console.listener.server import ListenerServer
from console.listener.verification import BitrixExpectation, StaticCredentialSource
from console.store import SqliteEventStore, Verification
from tests.listener.conftest import (
    ACCESS_TOKEN,
    APP_TOKEN,
    DOMAIN,
    FORM,
    HOROSHOP_SECRET,
    MEMBER_ID,
    PROFILE,
    REFRESH_TOKEN,
    Running,
    all_events,
    sample,
)
from tests.listener.test_replay import repository

SECRETS = (APP_TOKEN, HOROSHOP_SECRET, ACCESS_TOKEN, REFRESH_TOKEN)


class Armed(Running):
    """A listener that also knows the profile's OAuth tokens (as the keyring source does)."""

    def __init__(self, root: Path) -> None:
        self.db = root / "events.sqlite3"
        self.store = SqliteEventStore(self.db)
        source = StaticCredentialSource(
            bitrix={PROFILE: BitrixExpectation(APP_TOKEN, DOMAIN, MEMBER_ID)},
            horoshop={PROFILE: HOROSHOP_SECRET},
            extra_secrets=(ACCESS_TOKEN, REFRESH_TOKEN),
        )
        self.server = ListenerServer(self.store, source, ListenerSettings(port=0))
        self.server.start()
        self.client = httpx.Client(base_url=self.server.base_url, timeout=30)


@pytest.fixture
def armed(tmp_path: Path) -> Iterator[Armed]:
    instance = Armed(tmp_path)
    try:
        yield instance
    finally:
        instance.close()


def on_disk(db: Path) -> bytes:
    """Every byte the store has written: the database, its WAL and shared memory."""
    return b"".join(
        path.read_bytes() for path in db.parent.iterdir() if path.name.startswith(db.name)
    )


def spellings(secret: str) -> list[bytes]:
    return [
        secret.encode(),
        quote(secret, safe="").encode(),
        quote_plus(secret).encode(),
        json.dumps(secret).encode()[1:-1],
    ]


def assert_nothing_on_disk(db: Path) -> None:
    data = on_disk(db)
    for secret in SECRETS:
        for spelling in spellings(secret):
            assert spelling not in data, f"{secret} on disk as {spelling!r}"


# --- Defect 3: a known secret never reaches disk in clear, whatever the shape ---------

T = APP_TOKEN
GENUINE = sample("bitrix-onsaleordersaved-app.form")
SHAPES: dict[str, tuple[str, str, bytes, dict[str, str]]] = {
    "duplicated key": (
        "POST",
        "/bitrix/shop",
        GENUINE + f"&auth[application_token]={T}".encode(),
        FORM,
    ),
    "list key": ("POST", "/bitrix/shop", f"event=X&auth[application_token][]={T}".encode(), FORM),
    "double-encoded key": (
        "POST",
        "/bitrix/shop",
        f"event=X&auth%255Bapplication_token%255D={T}".encode(),
        FORM,
    ),
    "NUL in key": (
        "POST",
        "/bitrix/shop",
        f"event=X&auth[application_token%00]={T}".encode(),
        FORM,
    ),
    "percent-encoded value": (
        "POST",
        "/bitrix/shop",
        b"event=X&note=" + "".join(f"%{b:02X}" for b in T.encode()).encode(),
        FORM,
    ),
    "query string": ("POST", f"/bitrix/shop?token={T}&r={REFRESH_TOKEN}", GENUINE, FORM),
    "odd header": ("POST", "/bitrix/shop", GENUINE, {**FORM, "X-Forwarded-Note": f"k={T}"}),
    "header name": ("POST", "/bitrix/shop", GENUINE, {**FORM, f"X-{T}": "1"}),
    "multipart": (
        "POST",
        "/bitrix/shop",
        b"--b\r\nContent-Disposition: form-data; "
        + f'name="auth[application_token]"\r\n\r\n{T}\r\n--b--\r\n'.encode(),
        {"Content-Type": "multipart/form-data; boundary=b"},
    ),
    "path as profile": ("POST", f"/bitrix/{T}", GENUINE, FORM),
    "json other key": (
        "POST",
        "/bitrix/shop",
        json.dumps({"event": "X", "x": {"y": [T, ACCESS_TOKEN]}}).encode(),
        {"Content-Type": "application/json"},
    ),
    "json escaped": (
        "POST",
        "/bitrix/shop",
        b'{"event": "X", "x": "' + "".join(f"\\u{ord(c):04x}" for c in T).encode() + b'"}',
        {"Content-Type": "application/json"},
    ),
    "json key": (
        "POST",
        "/bitrix/shop",
        json.dumps({"event": "X", T: 1}).encode(),
        {"Content-Type": "application/json"},
    ),
    "non-finite json": (
        "POST",
        "/bitrix/shop",
        json.dumps({"auth": {"application_token": T}, "n": 1}).replace("1}", "NaN}").encode(),
        {"Content-Type": "application/json"},
    ),
    "horoshop secret in body": (
        "PUT",
        f"/horoshop/{HOROSHOP_SECRET}",
        json.dumps({"order_id": "5", "echo": HOROSHOP_SECRET}).encode(),
        {},
    ),
    "horoshop secret in query": (
        "PUT",
        f"/horoshop/guess?s={quote(HOROSHOP_SECRET)}",
        b'{"order_id": "5"}',
        {},
    ),
    "oauth token in header": ("POST", "/bitrix/shop", GENUINE, {**FORM, "X-Trace": ACCESS_TOKEN}),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_no_known_secret_reaches_disk(armed: Armed, shape: str) -> None:
    method, path, body, headers = SHAPES[shape]
    armed.client.request(method, path, content=body, headers=headers)
    assert len(all_events(armed.store)) == 1
    assert_nothing_on_disk(armed.db)


# --- Defect 1: replay never turns a rejected event into a verified one ----------------


def stored_event(running: Running, **overrides: object) -> int:
    """An event put straight into the store, as an older version (or a forger) left it."""
    from tests.store.records import record

    fields: dict[str, object] = {
        "profile": PROFILE,
        "path": "/bitrix/shop",
        "raw_body": GENUINE.replace(T.encode(), fingerprint(T).encode()),
        "payload": None,
    }
    fields.update(overrides)
    return running.store.append(record(**fields)).id


def test_a_rejected_event_holding_the_real_fingerprint_goes_back_as_stored(
    running: Running,
) -> None:
    # Whatever way a forger got the right fingerprint in (a collision of a short one, a
    # bug), an event kept as rejected is resent byte for byte and stays rejected.
    event_id = stored_event(running, verification=Verification.REJECTED, verification_reason="x")
    stored = running.store.get(event_id)
    assert stored is not None
    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert request.body == stored.raw_body
    assert any("rejected" in note for note in request.notes)
    assert send_replay(request) == 401
    assert max(all_events(running.store), key=lambda e: e.id).verification is Verification.REJECTED


def test_an_old_unkeyed_fingerprint_never_matches(running: Running) -> None:
    import hashlib

    old = "sha256:" + hashlib.sha256(T.encode()).hexdigest()[:8]
    event_id = stored_event(running, raw_body=GENUINE.replace(T.encode(), quote_plus(old).encode()))
    stored = running.store.get(event_id)
    assert stored is not None
    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert T.encode() not in request.body
    assert any("old" in note for note in request.notes)


def test_a_malformed_event_from_the_right_sender_gets_its_token_back(running: Running) -> None:
    body = GENUINE.replace(b"event=ONSALEORDERSAVED", b"event=")
    assert running.post_form("/bitrix/shop", body).status_code == 400
    stored = running.only_event()
    assert stored.verification is Verification.MALFORMED
    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert T.encode() in request.body


# --- Defect 2: a body that ends with a line break ----------------------------------------


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\n\n"])
def test_replay_of_a_body_ending_with_a_line_break_sends_the_token(
    running: Running, ending: bytes
) -> None:
    # The token last, as `curl -d @file` sends a file that ends with a newline.
    body = GENUINE.replace(f"&auth[application_token]={T}".encode(), b"").replace(
        f"auth%5Bapplication_token%5D={T}&".encode(), b""
    )
    body += f"&auth[application_token]={T}".encode() + ending
    assert running.post_form("/bitrix/shop", body).status_code == 200
    stored = running.only_event()
    assert fingerprint(T).encode() in stored.raw_body.replace(b"%3A", b":")
    request = build_replay(stored, base_url=running.server.base_url, profiles=repository())
    assert T.encode() in request.body
    assert send_replay(request) == 200
    assert max(all_events(running.store), key=lambda e: e.id).verification is Verification.VERIFIED


# --- Defect 5: non-finite numbers ------------------------------------------------------


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
@pytest.mark.parametrize("authentic", [True, False])
def test_non_finite_numbers_are_refused(running: Running, number: str, authentic: bool) -> None:
    token = T if authentic else "0" * 32
    auth = json.dumps({"application_token": token, "domain": DOMAIN, "member_id": MEMBER_ID})
    body = '{"event": "ONSALEORDERSAVED", "data": {"FIELDS": {"ID": ' + number + '}}, "auth": '
    body += auth + "}"
    response = running.client.post(
        "/bitrix/shop", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "non-finite" in response.json()["error"]
    event = running.only_event()
    expected = Verification.MALFORMED if authentic else Verification.REJECTED
    assert event.verification is expected
    assert event.order_id is None and event.payload is None
    assert T.encode() not in event.raw_body


def test_horoshop_non_finite_order_id_is_refused(running: Running) -> None:
    response = running.client.put(f"/horoshop/{HOROSHOP_SECRET}", content=b'{"order_id": NaN}')
    assert response.status_code == 400
    assert running.only_event().verification is Verification.MALFORMED


# --- Horoshop JSON labelled as a form --------------------------------------------------


def test_horoshop_json_sent_as_a_form_is_read_as_json(running: Running) -> None:
    response = running.client.post(
        f"/horoshop/{HOROSHOP_SECRET}", content=sample("horoshop-order_created.json"), headers=FORM
    )
    assert response.status_code == 200, response.text
    event = running.only_event()
    assert event.verification is Verification.VERIFIED
    assert event.order_id is not None


def test_horoshop_a_real_form_is_still_refused(running: Running) -> None:
    response = running.client.post(
        f"/horoshop/{HOROSHOP_SECRET}", content=b"order_id=5", headers=FORM
    )
    assert response.status_code == 415


def test_the_jsonl_export_never_holds_a_bare_nan(running: Running) -> None:
    import io

    from console.store import ExportFormat

    for number in ("NaN", "Infinity", "1e999", "3"):
        running.client.post(
            "/bitrix/shop",
            content='{"event": "X", "data": {"FIELDS": {"ID": ' + number + "}}}",
            headers={"Content-Type": "application/json"},
        )
    out = io.StringIO()
    running.store.export(None, ExportFormat.JSONL, out)

    def refuse(text: str) -> object:
        raise AssertionError(f"bare {text} in the export")

    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    for line in lines:
        json.loads(line, parse_constant=refuse)


@pytest.mark.parametrize("cut", [8, 20, 31])
def test_a_secret_cut_by_the_size_limit_leaves_no_part_on_disk(tmp_path: Path, cut: int) -> None:
    # The body is cut at the limit in the middle of the token, under a key nobody names.
    limit = 4096
    head = b"event=X&note=" + b"a" * (limit - len("event=X&note=") - cut - 1) + b"&"
    body = head + T.encode() + b"b" * 10_000
    db = tmp_path / "events.sqlite3"
    with SqliteEventStore(db) as store:
        server = ListenerServer(
            store,
            StaticCredentialSource(bitrix={PROFILE: BitrixExpectation(T, DOMAIN, MEMBER_ID)}),
            ListenerSettings(port=0, max_body_bytes=limit),
        )
        with server:
            response = httpx.post(
                server.base_url + "/bitrix/shop",
                content=iter([body]),
                headers=FORM,
            )
            assert response.status_code == 413
        assert T[:cut].encode() not in on_disk(db)
