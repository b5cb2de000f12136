"""Real HTTP against a running listener: what is answered, what is stored, what is redacted."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

import httpx
import pytest

from console.core.masking import fingerprint
from console.core.phpform import parse_php_form
from console.core.settings import ListenerSettings
from console.listener.server import ListenerServer
from console.listener.verification import StaticCredentialSource
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
    SAMPLES,
    Running,
    all_events,
    assert_no_secrets,
    credentials,
    sample,
)

SAMPLE_IDS = {
    "bitrix-onsaleordersaved-webhook.form": ("ONSALEORDERSAVED", "300", "300"),
    "bitrix-onsaleordersaved-app.form": ("ONSALEORDERSAVED", "300", "300"),
    # The property value id, not an order id: the order stays unknown.
    "bitrix-onpropertyvalueentitysaved-webhook.form": ("ONPROPERTYVALUEENTITYSAVED", "300", None),
}


def replace_pairs(body: bytes, **changes: str | None) -> bytes:
    """The form body with some keys changed (``None`` removes the key), order kept."""
    pairs = parse_qsl(body.decode(), keep_blank_values=True)
    out = []
    for key, value in pairs:
        if key in changes:
            if changes[key] is None:
                continue
            value = str(changes[key])
        out.append((key, value))
    return urlencode(out).encode()


@pytest.mark.parametrize("name", sorted(SAMPLE_IDS))
def test_sample_form_is_stored_verified_and_redacted(running: Running, name: str) -> None:
    response = running.post_form("/bitrix/shop", sample(name))

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "stored"
    event = running.only_event()
    event_name, entity_id, order_id = SAMPLE_IDS[name]
    assert event.verification is Verification.VERIFIED
    assert (event.event, event.entity_id, event.order_id) == (event_name, entity_id, order_id)
    assert (event.profile, event.portal_domain, event.member_id) == ("shop", DOMAIN, MEMBER_ID)
    assert (event.handler_id, event.ts, event.method, event.path) == (
        "1",
        "1714649632",
        "POST",
        "/bitrix/shop",
    )
    assert event.remote_addr == "127.0.0.1"
    assert_no_secrets(event)
    assert event.payload["auth"]["application_token"] == fingerprint(APP_TOKEN)
    # The raw body is still the form the portal sent, minus the credentials.
    stored_raw = parse_php_form(event.raw_body.decode())
    assert stored_raw == event.payload
    original_keys = [k for k, _ in parse_qsl(sample(name).decode(), keep_blank_values=True)]
    stored_keys = [k for k, _ in parse_qsl(event.raw_body.decode(), keep_blank_values=True)]
    assert stored_keys == original_keys


def test_app_sample_drops_access_and_refresh_tokens(running: Running) -> None:
    running.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-app.form"))
    auth = running.only_event().payload["auth"]
    assert auth["access_token"] == "[redacted]"
    assert auth["refresh_token"] == "[redacted]"
    raw = running.only_event().raw_body
    assert ACCESS_TOKEN.encode() not in raw and REFRESH_TOKEN.encode() not in raw


def test_json_twin_is_stored_verified(running: Running) -> None:
    payload = parse_php_form(sample("bitrix-onsaleordersaved-app.form").decode())
    payload["data"]["FIELDS"]["ID"] = 301  # JSON senders may use numbers
    response = running.client.post("/bitrix/shop", json=payload)

    assert response.status_code == 200, response.text
    event = running.only_event()
    assert event.verification is Verification.VERIFIED
    assert (event.entity_id, event.order_id) == ("301", "301")
    assert_no_secrets(event)
    assert json.loads(event.raw_body)["auth"]["application_token"] == fingerprint(APP_TOKEN)


@pytest.mark.parametrize("key", ["event_handler_id", "event_id", "eventId"])
def test_handler_id_key_variants(running: Running, key: str) -> None:
    body = sample("bitrix-onsaleordersaved-webhook.form").replace(
        b"event_handler_id=1", f"{key}=77".encode()
    )
    assert running.post_form("/bitrix/shop", body).status_code == 200
    assert running.only_event().handler_id == "77"


def test_horoshop_put_is_stored_verified(running: Running) -> None:
    body = sample("horoshop-order_created.json")
    response = running.client.put(
        f"/horoshop/{HOROSHOP_SECRET}", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 200, response.text
    event = running.only_event()
    assert event.verification is Verification.VERIFIED
    assert (event.source, event.event, event.profile) == ("horoshop", "order_created", "shop")
    assert (event.entity_id, event.order_id, event.method) == ("115", "115", "PUT")
    assert event.path == f"/horoshop/{fingerprint(HOROSHOP_SECRET)}"
    # No token in the body: stored byte for byte.
    assert event.raw_body == body
    assert event.payload["products"][0]["article"] == "MJVM2UAA"
    assert_no_secrets(event)


def test_horoshop_event_key_names_the_event(running: Running) -> None:
    response = running.client.post(
        f"/horoshop/{HOROSHOP_SECRET}", json={"event": "order_paid", "order_id": "9"}
    )
    assert response.status_code == 200
    assert running.only_event().event == "order_paid"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"auth[application_token]": "0" * 32}, "wrong application token"),
        ({"auth[application_token]": None}, "missing auth[application_token]"),
        ({"auth[domain]": "evil.bitrix24.com"}, "does not belong"),
        ({"auth[member_id]": "f" * 32}, "member_id"),
    ],
)
def test_unauthentic_bitrix_is_401_and_stored_rejected(
    running: Running, change: dict[str, str | None], reason: str
) -> None:
    body = replace_pairs(sample("bitrix-onsaleordersaved-app.form"), **change)
    response = running.post_form("/bitrix/shop", body)

    assert response.status_code == 401
    assert reason in response.json()["error"]
    event = running.only_event()
    assert event.verification is Verification.REJECTED
    assert reason in (event.verification_reason or "")
    assert event.event == "ONSALEORDERSAVED" and event.entity_id == "300"
    assert_no_secrets(event)


def test_profile_without_token_rejects(running: Running) -> None:
    response = running.post_form("/bitrix/blank", sample("bitrix-onsaleordersaved-webhook.form"))
    assert response.status_code == 401
    # The sender hears what a wrong token hears; the operator reads why.
    assert response.json()["error"] == "wrong application token for profile blank"
    event = running.only_event()
    assert event.verification is Verification.REJECTED
    assert event.verification_reason == "no application token configured for profile blank"


def test_wrong_horoshop_secret_is_401_and_rejected(running: Running) -> None:
    response = running.client.put("/horoshop/guess", content=sample("horoshop-order_created.json"))
    assert response.status_code == 401
    event = running.only_event()
    assert event.verification is Verification.REJECTED
    assert event.profile is None
    assert event.path == f"/horoshop/{fingerprint('guess')}"


@pytest.mark.parametrize(
    ("path", "body", "content_type", "reason"),
    [
        ("/bitrix/shop", b"event_handler_id=1", None, "no event name"),
        (f"/horoshop/{HOROSHOP_SECRET}", b"[1, 2]", "application/json", "not an object"),
        (f"/horoshop/{HOROSHOP_SECRET}", b'{"user": 1}', "application/json", "order_id"),
    ],
)
def test_authentic_but_not_understood_is_400_malformed(
    running: Running, path: str, body: bytes, content_type: str | None, reason: str
) -> None:
    if path.startswith("/bitrix"):
        auth = {
            "auth[application_token]": APP_TOKEN,
            "auth[domain]": DOMAIN,
            "auth[member_id]": MEMBER_ID,
        }
        body += b"&" + urlencode(auth).encode()
        content_type = FORM["Content-Type"]
    response = running.client.post(path, content=body, headers={"Content-Type": content_type or ""})

    assert response.status_code == 400
    assert reason in response.json()["error"]
    event = running.only_event()
    assert event.verification is Verification.MALFORMED
    assert_no_secrets(event)


def deep_form(levels: int) -> bytes:
    return ("a" + "[x]" * (levels - 1) + "=1").encode()


def deep_json(levels: int) -> bytes:
    return ('{"a":' * levels + "1" + "}" * levels).encode()


def many_keys_form(count: int) -> bytes:
    return "&".join(f"k{i}=v" for i in range(count)).encode()


def many_keys_json(count: int) -> bytes:
    return json.dumps({f"k{i}": 1 for i in range(count)}).encode()


TOKEN_PAIR = f"&auth[application_token]={APP_TOKEN}".encode()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "reason"),
    [
        (deep_form(33) + TOKEN_PAIR, "application/x-www-form-urlencoded", 400, "deeper than 32"),
        (deep_json(33), "application/json", 400, "deeper than 32"),
        (
            many_keys_form(2001) + TOKEN_PAIR,
            "application/x-www-form-urlencoded",
            400,
            "more than 2000",
        ),
        (many_keys_json(2001), "application/json", 400, "more than 2000"),
        (b"event=\xff\xfe" + TOKEN_PAIR, "application/x-www-form-urlencoded", 400, "UTF-8"),
        (b"event=%ff%fe" + TOKEN_PAIR, "application/x-www-form-urlencoded", 400, "form"),
        (b'{"event": ', "application/json", 400, "not valid JSON"),
        (b"<xml/>", "application/xml", 415, "unsupported content type"),
        (b"--x\r\n", "multipart/form-data; boundary=x", 415, "unsupported content type"),
    ],
)
def test_bad_bitrix_input_is_refused_kept_and_the_listener_keeps_serving(
    running: Running, body: bytes, content_type: str, status: int, reason: str
) -> None:
    response = running.client.post(
        "/bitrix/shop", content=body, headers={"Content-Type": content_type}
    )

    assert response.status_code == status
    assert reason in response.json()["error"]
    event = running.only_event()
    assert event.verification in (Verification.REJECTED, Verification.MALFORMED)
    assert event.payload is None
    assert_no_secrets(event)
    running.assert_serving()
    assert (
        running.post_form(
            "/bitrix/shop", sample("bitrix-onsaleordersaved-webhook.form")
        ).status_code
        == 200
    )


def test_deep_form_within_the_limit_is_fine(running: Running) -> None:
    body = sample("bitrix-onsaleordersaved-webhook.form") + b"&" + deep_form(32)
    assert running.post_form("/bitrix/shop", body).status_code == 200


def test_oversized_body_with_content_length_is_413(running: Running) -> None:
    body = b"event=X&pad=" + b"a" * (1024 * 1024)
    response = running.post_form("/bitrix/shop", body)
    assert response.status_code == 413
    assert "larger than 1048576 bytes" in response.json()["error"]
    assert running.only_event().verification is Verification.REJECTED
    running.assert_serving()


def test_oversized_chunked_body_without_content_length_is_413(running: Running) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"event=X&auth[application_token]=" + APP_TOKEN.encode() + b"&pad="
        for _ in range(40):
            yield b"a" * 65536

    response = running.client.post("/bitrix/shop", content=chunks(), headers=FORM)
    assert response.status_code == 413
    event = running.only_event()
    # What was read up to the limit is kept, with the token fingerprinted.
    # (a fingerprint is a few bytes longer than the token it stands for)
    assert 0 < len(event.raw_body) <= 1024 * 1024 + 64
    assert event.verification is Verification.REJECTED
    assert_no_secrets(event)
    running.assert_serving()


def test_chunked_body_within_the_limit_is_read(running: Running) -> None:
    body = sample("bitrix-onsaleordersaved-webhook.form")
    response = running.client.post(
        "/bitrix/shop", content=iter([body[:100], body[100:]]), headers=FORM
    )
    assert response.status_code == 200
    assert running.only_event().verification is Verification.VERIFIED


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/bitrix/shop", 405),
        ("DELETE", f"/horoshop/{HOROSHOP_SECRET}", 405),
        ("POST", "/nowhere", 404),
        ("POST", "/bitrix", 404),
        ("GET", "/", 404),
    ],
)
def test_wrong_method_and_unknown_route(
    running: Running, method: str, path: str, status: int
) -> None:
    response = running.client.request(method, path)
    assert response.status_code == status
    assert response.json()["error"]
    assert all_events(running.store) == []
    running.assert_serving()


def test_unknown_profile_answers_as_a_wrong_token_and_is_kept(running: Running) -> None:
    # Trying names must not tell which profiles exist: same status, wording and headers.
    body = sample("bitrix-onsaleordersaved-webhook.form")
    body = replace_pairs(body, **{"auth[application_token]": "0" * 32})
    known = running.post_form("/bitrix/shop", body)
    unknown = running.post_form("/bitrix/nosuch", body)
    assert unknown.status_code == known.status_code == 401
    assert unknown.json()["error"] == "wrong application token for profile nosuch"
    assert known.json()["error"] == "wrong application token for profile shop"
    assert sorted(k for k in unknown.headers if k.lower() != "date") == sorted(
        k for k in known.headers if k.lower() != "date"
    )
    assert unknown.headers["Content-Length"] == str(int(known.headers["Content-Length"]) + 2)
    missing = replace_pairs(body, **{"auth[application_token]": ""})
    assert running.post_form("/bitrix/nosuch", missing).json() == (
        running.post_form("/bitrix/shop", missing).json()
    )
    events = all_events(running.store)
    assert [e.verification for e in events] == [Verification.REJECTED] * 4
    assert "unknown profile 'nosuch'" in {e.verification_reason for e in events}


def test_credential_headers_are_masked(running: Running) -> None:
    headers = {
        **FORM,
        "Authorization": "Bearer abc",
        "Cookie": "s=1",
        "X-Api-Key": "k",
        "X-My-Token": "t",
        "X-Shop-Secret": "s",
        "User-Agent": "Bitrix24 Webhook Engine",
    }
    body = sample("bitrix-onsaleordersaved-webhook.form")
    assert running.client.post("/bitrix/shop", content=body, headers=headers).status_code == 200
    stored = dict(running.only_event().headers)
    for name in ("Authorization", "Cookie", "X-Api-Key", "X-My-Token", "X-Shop-Secret"):
        assert stored[name] == "[redacted]"
    assert stored["User-Agent"] == "Bitrix24 Webhook Engine"


def test_duplicate_is_200_and_stored_as_duplicate(running: Running) -> None:
    body = sample("bitrix-onsaleordersaved-webhook.form")
    first = running.post_form("/bitrix/shop", body)
    second = running.post_form("/bitrix/shop", body)

    assert first.status_code == second.status_code == 200
    assert second.json() == {"status": "duplicate", "id": 2, "duplicate_of": first.json()["id"]}
    events = {e.id: e for e in all_events(running.store)}
    assert events[2].duplicate_of == 1 and events[1].duplicate_of is None


def test_store_failure_is_503_never_200(running: Running) -> None:
    running.store.close()
    response = running.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-webhook.form"))
    assert response.status_code == 503
    # Still answering, and honest about it: events cannot be kept.
    health = running.client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "unavailable"


def test_restart_keeps_everything(tmp_path: Path) -> None:
    first = Running(tmp_path)
    body = sample("bitrix-onsaleordersaved-webhook.form")
    assert first.post_form("/bitrix/shop", body).status_code == 200
    first.close()

    second = Running(tmp_path)
    try:
        assert second.post_form("/bitrix/shop", body).json()["status"] == "duplicate"
        again = replace_pairs(body, ts="1714649700")
        assert second.post_form("/bitrix/shop", again).json()["status"] == "stored"
        events = all_events(second.store)
        assert [e.ts for e in sorted(events, key=lambda e: e.id)] == [
            "1714649632",
            "1714649632",
            "1714649700",
        ]
    finally:
        second.close()


def test_healthz_counts_events(running: Running) -> None:
    running.post_form("/bitrix/shop", sample("bitrix-onsaleordersaved-webhook.form"))
    body = running.client.get("/healthz").json()
    assert body["status"] == "ok" and body["events"] == 1


def test_non_loopback_bind_needs_public(tmp_path: Path) -> None:
    with SqliteEventStore(tmp_path / "e.sqlite3") as store:
        with pytest.raises(ValueError, match="public"):
            ListenerServer(store, credentials(), ListenerSettings(host="0.0.0.0", port=0))
        server = ListenerServer(
            store, credentials(), ListenerSettings(host="0.0.0.0", port=0), public=True
        )
        with server:
            assert httpx.get(f"{server.base_url}/healthz").status_code == 200
        server.stop()  # a second stop is harmless


def test_handler_urls_mask_the_horoshop_secret(running: Running) -> None:
    urls = running.server.handler_urls()
    assert urls["bitrix/shop"] == f"{running.server.base_url}/bitrix/shop"
    assert HOROSHOP_SECRET not in urls["horoshop/shop"]
    assert urls["horoshop/shop"].startswith(f"{running.server.base_url}/horoshop/")


def test_sample_file_posted_with_its_final_newline_still_verifies(running: Running) -> None:
    """``curl --data-binary @file`` sends the file's last line break after the token."""
    body = (SAMPLES / "bitrix-onsaleordersaved-app.form").read_bytes()
    assert body.endswith(b"\n")

    response = running.post_form(f"/bitrix/{PROFILE}", body)

    assert response.status_code == 200, response.text
    event = running.only_event()
    assert event.verification is Verification.VERIFIED
    assert event.payload["auth"]["application_token"] == fingerprint(APP_TOKEN)
    assert_no_secrets(event)


ODD_SECRET = "Ключ магазину 100% ok"


def _lower_escapes(encoded: str) -> str:
    """``encoded`` with its percent escapes in lower-case hex: another way to send it."""
    return re.sub(r"%[0-9A-F]{2}", lambda match: match.group().lower(), encoded)


@pytest.mark.parametrize(
    "encode", [lambda s: quote(s, safe=""), lambda s: _lower_escapes(quote(s))]
)
def test_horoshop_secret_with_odd_characters_is_never_stored(
    tmp_path: Path, encode: Callable[[str], str]
) -> None:
    source = StaticCredentialSource(bitrix={}, horoshop={PROFILE: ODD_SECRET})
    with SqliteEventStore(tmp_path / "events.sqlite3") as store:
        server = ListenerServer(store, source, ListenerSettings(port=0))
        with server, httpx.Client(base_url=server.base_url) as client:
            response = client.put(
                f"/horoshop/{encode(ODD_SECRET)}?src=shop",
                content=sample("horoshop-order_created.json"),
            )
        assert response.status_code == 200, response.text
        [event] = all_events(store)

    assert event.profile == PROFILE and event.verification is Verification.VERIFIED
    assert event.path == f"/horoshop/{fingerprint(ODD_SECRET)}?src=shop"
    stored = event.model_dump_json(exclude={"raw_body"}) + event.raw_body.decode("latin-1")
    forms = {ODD_SECRET, quote(ODD_SECRET), quote(ODD_SECRET, safe=""), quote_plus(ODD_SECRET)}
    forms |= {_lower_escapes(form) for form in forms} | {encode(ODD_SECRET)}
    for form in forms:
        assert form not in stored, f"{form!r} stored"
    # Nor any recognisable piece of it.
    assert "Ключ" not in stored and quote("Ключ") not in stored and "100%" not in stored


def test_a_credential_key_spelt_with_escapes_is_still_redacted_in_the_raw_body(
    running: Running,
) -> None:
    body = sample("bitrix-onsaleordersaved-webhook.form") + (
        b"&auth%5Baccess_tok%65n%5D="
        + ACCESS_TOKEN.encode()
        + b"&auth%5Bref%72esh_token%5D="
        + REFRESH_TOKEN.encode()
    )

    response = running.post_form(f"/bitrix/{PROFILE}", body)

    assert response.status_code == 200, response.text
    event = running.only_event()
    assert event.verification is Verification.VERIFIED
    assert event.payload["auth"]["access_token"] != ACCESS_TOKEN
    assert_no_secrets(event)
    assert parse_php_form(event.raw_body.decode())["auth"]["application_token"] == fingerprint(
        APP_TOKEN
    )
